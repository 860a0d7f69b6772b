//! A formula as one line of plain Unicode, the way people type math in a chat: `E = mc²`,
//! `(a + b)/2`, `√(x² + 1)`, `∑_(i=1)^n i`. It is what a copy of a formula gives (its
//! text layer) and what outlines and heading ids read; the LaTeX source is the
//! formula's alternate text for screen readers.

use super::tree::{ArrayKind, Class, Formula, MathList, Node};

impl Formula {
    /// The formula as one line of plain Unicode.
    pub fn linear(&self) -> String {
        let mut out = String::new();
        list(&self.body, true, &mut out);
        out.trim().to_string()
    }
}

/// Writes a list; `spaced`: with spaces around relations and binary operators.
fn list(list: &MathList, spaced: bool, out: &mut String) {
    let mut previous: Option<Class> = None;
    for (k, node) in list.iter().enumerate() {
        let class = node.class();
        let around = spaced
            && match class {
                Class::Rel => true,
                // A binary operator after nothing or an operator is a sign: `-x`.
                Class::Bin => !matches!(
                    previous,
                    None | Some(Class::Bin | Class::Rel | Class::Open | Class::Punct | Class::Op)
                ),
                _ => false,
            };
        if around && !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
        self::node(node, spaced, out);
        if around || (spaced && class == Class::Punct) {
            out.push(' ');
        }
        // An operator is apart from its operand (`sin x`), not from its parentheses.
        let next = list.get(k + 1).map(Node::class);
        // A fraction is apart from a letter after it (`d/dx x³`).
        if matches!(node, Node::Fraction { .. })
            && matches!(next, Some(Class::Ord | Class::Op | Class::Inner))
        {
            out.push(' ');
        }
        if class == Class::Op
            && !out.ends_with(' ')
            && !matches!(next, None | Some(Class::Open | Class::Punct | Class::Close))
        {
            out.push(' ');
        }
        previous = Some(class);
    }
}

fn node(node: &Node, spaced: bool, out: &mut String) {
    match node {
        Node::Symbol { c, .. } => out.push(plain(*c)),
        Node::Text { text, .. } => out.push_str(text),
        Node::Group(inner) => list(inner, spaced, out),
        Node::Scripts { base, sub, sup, .. } => {
            self::node(base, spaced, out);
            if let Some(sub) = sub {
                script(sub, '_', out);
            }
            if let Some(sup) = sup {
                script(sup, '^', out);
            }
        }
        Node::Fraction {
            num,
            den,
            rule,
            delims,
            ..
        } => {
            if *rule {
                operand(num, out);
                out.push('/');
                operand(den, out);
            } else {
                let (open, close) = delims.unwrap_or(('(', ')'));
                out.push(open);
                list(num, false, out);
                out.push_str(" over ");
                list(den, false, out);
                out.push(close);
            }
        }
        Node::Root { index, body } => {
            let digits = index.as_ref().map(|i| {
                let mut s = String::new();
                list(i, false, &mut s);
                s
            });
            match digits.as_deref() {
                None | Some("2") => out.push('√'),
                Some("3") => out.push('∛'),
                Some("4") => out.push('∜'),
                Some(n) => {
                    out.push('√');
                    out.push('[');
                    out.push_str(n);
                    out.push(']');
                }
            }
            grouped(body, out);
        }
        Node::Delimited { open, body, close } => {
            out.extend(open.map(plain));
            list(body, spaced, out);
            out.extend(close.map(plain));
        }
        Node::Middle(c) | Node::BigDelimiter { c, .. } => out.push(plain(*c)),
        Node::Accent { accent, base, .. } => {
            grouped(base, out);
            out.push(*accent);
        }
        Node::Line { over, base } => {
            grouped(base, out);
            out.push(if *over { '\u{305}' } else { '\u{332}' });
        }
        Node::Classed { body, .. } | Node::Boxed(body) => list(body, spaced, out),
        Node::Phantom { .. } => {}
        Node::Arrow { c, above, below } => {
            out.push(*c);
            script(above, '^', out);
            if let Some(below) = below {
                script(below, '_', out);
            }
        }
        Node::Brace { base, label, .. } => {
            list(base, spaced, out);
            if let Some(label) = label {
                out.push_str(" (");
                list(label, spaced, out);
                out.push(')');
            }
        }
        Node::Array(array) => {
            out.extend(array.open.map(plain));
            let (cells, rows) = match array.kind {
                ArrayKind::Aligned | ArrayKind::Gathered => ("", "\n"),
                ArrayKind::Cases => (", ", "; "),
                ArrayKind::Matrix | ArrayKind::Small => (" ", "; "),
            };
            for (r, row) in array.rows.iter().enumerate() {
                if r > 0 {
                    out.push_str(rows);
                }
                for (k, cell) in row.iter().enumerate() {
                    if k > 0 {
                        // An alignment's pairs of columns are apart; its `&` is not.
                        let aligned =
                            matches!(array.kind, ArrayKind::Aligned | ArrayKind::Gathered);
                        out.push_str(match (aligned, k % 2) {
                            (true, 1) => cells,
                            (true, _) => "    ",
                            (false, _) => cells,
                        });
                    }
                    list(cell, true, out);
                }
            }
            out.extend(array.close.map(plain));
        }
        Node::Space(mu) => {
            if *mu >= 3.0 && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        Node::SetStyle(_) => {}
    }
}

/// A fraction's operand: bare if it is one character or a number, else in parentheses
/// (`(2a)`, `(x+1)`).
fn operand(inner: &MathList, out: &mut String) {
    let mut s = String::new();
    list(inner, false, &mut s);
    if s.chars().count() <= 1 || s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        out.push_str(&s);
    } else {
        out.push('(');
        out.push_str(&s);
        out.push(')');
    }
}

/// What a root or an accent covers: bare if it is one character, else in parentheses
/// (`√(πn)`, `(AB)̂`).
fn grouped(inner: &MathList, out: &mut String) {
    let mut s = String::new();
    list(inner, false, &mut s);
    if s.chars().count() <= 1 {
        out.push_str(&s);
    } else {
        out.push('(');
        out.push_str(&s);
        out.push(')');
    }
}

/// A script: in Unicode's superscript or subscript characters where they all have one,
/// else `^(…)` or `_(…)`.
fn script(inner: &MathList, mark: char, out: &mut String) {
    let mut s = String::new();
    list(inner, false, &mut s);
    let small: Option<String> = s
        .chars()
        .map(|c| {
            if mark == '^' {
                superscript(c)
            } else {
                subscript(c)
            }
        })
        .collect();
    match small {
        Some(small) if !s.is_empty() => out.push_str(&small),
        _ if s.chars().count() == 1 => {
            out.push(mark);
            out.push_str(&s);
        }
        _ => {
            out.push(mark);
            out.push('(');
            out.push_str(&s);
            out.push(')');
        }
    }
}

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        '+' => '⁺',
        '−' | '-' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        ')' => '⁾',
        'n' => 'ⁿ',
        'i' => 'ⁱ',
        '′' | '″' | '‴' => c,
        _ => return None,
    })
}

fn subscript(c: char) -> Option<char> {
    Some(match c {
        '0' => '₀',
        '1' => '₁',
        '2' => '₂',
        '3' => '₃',
        '4' => '₄',
        '5' => '₅',
        '6' => '₆',
        '7' => '₇',
        '8' => '₈',
        '9' => '₉',
        '+' => '₊',
        '−' | '-' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        'i' => 'ᵢ',
        'j' => 'ⱼ',
        'n' => 'ₙ',
        'k' => 'ₖ',
        'm' => 'ₘ',
        'x' => 'ₓ',
        _ => return None,
    })
}

/// A character as typed: the italic letters math sets by default back to plain ones
/// (a search for `x` finds 𝑥), other alphabets (ℝ, 𝐯) as they are.
fn plain(c: char) -> char {
    let code = c as u32;
    match code {
        0x1D434..=0x1D44D => char::from_u32('A' as u32 + code - 0x1D434).unwrap_or(c),
        0x1D44E..=0x1D467 => char::from_u32('a' as u32 + code - 0x1D44E).unwrap_or(c),
        0x210E => 'h',
        // Italic Greek (𝛼… and 𝜕) back to Greek.
        0x1D6FC..=0x1D714 => char::from_u32('α' as u32 + code - 0x1D6FC).unwrap_or(c),
        0x1D715 => '∂',
        0x1D716 => 'ϵ',
        0x1D717 => 'ϑ',
        0x1D718 => 'ϰ',
        0x1D719 => 'ϕ',
        0x1D71A => 'ϱ',
        0x1D71B => 'ϖ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use crate::math::parse::parse;

    fn linear(source: &str) -> String {
        parse(source, false, &Default::default()).unwrap().linear()
    }

    #[test]
    fn formulas_read_as_one_line_of_plain_unicode() {
        assert_eq!(linear("E = mc^2"), "E = mc²");
        assert_eq!(linear(r"\frac{a+b}{2}"), "(a+b)/2");
        assert_eq!(linear(r"\frac{1}{2a}"), "1/(2a)");
        assert_eq!(linear(r"\sqrt{\pi n}"), "√(πn)");
        assert_eq!(linear(r"\frac{d}{dx} x^3"), "d/(dx) x³");
        assert_eq!(linear(r"\widehat{AB}"), "(AB)\u{302}");
        assert_eq!(linear(r"\sqrt{x^2+1}"), "√(x²+1)");
        assert_eq!(linear(r"\sum_{i=1}^n i"), "∑ᵢ₌₁ⁿ i");
        assert_eq!(linear(r"\alpha \le \beta"), "α ≤ β");
        assert_eq!(linear(r"-x + y"), "−x + y");
        assert_eq!(linear(r"\sin x"), "sin x");
        assert_eq!(linear(r"x_{\text{max}}"), "x_(max)");
        assert_eq!(linear(r"\mathbb{R}^n"), "ℝⁿ");
        assert_eq!(linear(r"\binom{n}{k}"), "(n over k)");
        assert_eq!(linear(r"A \xrightarrow{f} B"), "A →^f B");
        assert_eq!(linear(r"\boxed{x}\phantom{y}"), "x");
        assert_eq!(
            linear(r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}"),
            "(a b; c d)"
        );
    }
}
