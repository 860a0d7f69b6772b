//! The names LaTeX gives symbols, operators and alphabets, and the Unicode characters
//! (with their classes) a math font draws them with. The yardstick is KaTeX's list of
//! supported functions, for what bloggers write.

use super::tree::Class;

/// `\name` → a character and its class.
pub fn symbol(name: &str) -> Option<(char, Class)> {
    use Class::*;
    let found = match name {
        // Greek, lower case (italic, as TeX sets them) and upper case (upright).
        "alpha" => ('𝛼', Ord),
        "beta" => ('𝛽', Ord),
        "gamma" => ('𝛾', Ord),
        "delta" => ('𝛿', Ord),
        "epsilon" => ('𝜖', Ord),
        "varepsilon" => ('𝜀', Ord),
        "zeta" => ('𝜁', Ord),
        "eta" => ('𝜂', Ord),
        "theta" => ('𝜃', Ord),
        "vartheta" => ('𝜗', Ord),
        "iota" => ('𝜄', Ord),
        "kappa" => ('𝜅', Ord),
        "lambda" => ('𝜆', Ord),
        "mu" => ('𝜇', Ord),
        "nu" => ('𝜈', Ord),
        "xi" => ('𝜉', Ord),
        "omicron" => ('𝜊', Ord),
        "pi" => ('𝜋', Ord),
        "varpi" => ('𝜛', Ord),
        "rho" => ('𝜌', Ord),
        "varrho" => ('𝜚', Ord),
        "sigma" => ('𝜎', Ord),
        "varsigma" => ('𝜍', Ord),
        "tau" => ('𝜏', Ord),
        "upsilon" => ('𝜐', Ord),
        "phi" => ('𝜙', Ord),
        "varphi" => ('𝜑', Ord),
        "chi" => ('𝜒', Ord),
        "psi" => ('𝜓', Ord),
        "omega" => ('𝜔', Ord),
        "Gamma" => ('Γ', Ord),
        "Delta" => ('Δ', Ord),
        "Theta" => ('Θ', Ord),
        "Lambda" => ('Λ', Ord),
        "Xi" => ('Ξ', Ord),
        "Pi" => ('Π', Ord),
        "Sigma" => ('Σ', Ord),
        "Upsilon" => ('Υ', Ord),
        "Phi" => ('Φ', Ord),
        "Psi" => ('Ψ', Ord),
        "Omega" => ('Ω', Ord),
        // Letter-like symbols.
        "infty" => ('∞', Ord),
        "partial" => ('𝜕', Ord),
        "nabla" => ('∇', Ord),
        "hbar" => ('ℏ', Ord),
        "hslash" => ('ℏ', Ord),
        "ell" => ('ℓ', Ord),
        "wp" => ('℘', Ord),
        "Re" => ('ℜ', Ord),
        "Im" => ('ℑ', Ord),
        "aleph" => ('ℵ', Ord),
        "beth" => ('ℶ', Ord),
        "imath" => ('𝚤', Ord),
        "jmath" => ('𝚥', Ord),
        "forall" => ('∀', Ord),
        "exists" => ('∃', Ord),
        "nexists" => ('∄', Ord),
        "emptyset" => ('∅', Ord),
        "varnothing" => ('∅', Ord),
        "neg" | "lnot" => ('¬', Ord),
        "angle" => ('∠', Ord),
        "triangle" => ('△', Ord),
        "square" | "Box" => ('□', Ord),
        "top" => ('⊤', Ord),
        "bot" => ('⊥', Ord),
        "prime" => ('′', Ord),
        "degree" => ('°', Ord),
        "dagger" | "dag" => ('†', Ord),
        "ddagger" | "ddag" => ('‡', Ord),
        "checkmark" => ('✓', Ord),
        "clubsuit" => ('♣', Ord),
        "diamondsuit" => ('♢', Ord),
        "heartsuit" => ('♡', Ord),
        "spadesuit" => ('♠', Ord),
        "flat" => ('♭', Ord),
        "natural" => ('♮', Ord),
        "sharp" => ('♯', Ord),
        "ldots" | "dots" | "dotsc" | "dotso" => ('…', Inner),
        "cdots" | "dotsb" | "dotsm" | "dotsi" => ('⋯', Inner),
        "vdots" => ('⋮', Ord),
        "ddots" => ('⋱', Inner),
        "colon" => (':', Punct),
        "lbrace" | "{" => ('{', Open),
        "rbrace" | "}" => ('}', Close),
        "langle" => ('⟨', Open),
        "rangle" => ('⟩', Close),
        "lfloor" => ('⌊', Open),
        "rfloor" => ('⌋', Close),
        "lceil" => ('⌈', Open),
        "rceil" => ('⌉', Close),
        "lvert" => ('|', Open),
        "rvert" => ('|', Close),
        "lVert" => ('‖', Open),
        "rVert" => ('‖', Close),
        "vert" => ('|', Ord),
        "Vert" | "|" => ('‖', Ord),
        "backslash" => ('\\', Ord),
        "#" => ('#', Ord),
        "$" => ('$', Ord),
        "%" => ('%', Ord),
        "&" => ('&', Ord),
        "_" => ('_', Ord),
        // Binary operators.
        "pm" => ('±', Bin),
        "mp" => ('∓', Bin),
        "times" => ('×', Bin),
        "div" => ('÷', Bin),
        "cdot" => ('⋅', Bin),
        "ast" => ('∗', Bin),
        "star" => ('⋆', Bin),
        "circ" => ('∘', Bin),
        "bullet" => ('∙', Bin),
        "cap" => ('∩', Bin),
        "cup" => ('∪', Bin),
        "sqcap" => ('⊓', Bin),
        "sqcup" => ('⊔', Bin),
        "uplus" => ('⊎', Bin),
        "vee" | "lor" => ('∨', Bin),
        "wedge" | "land" => ('∧', Bin),
        "setminus" => ('∖', Bin),
        "wr" => ('≀', Bin),
        "diamond" => ('⋄', Bin),
        "oplus" => ('⊕', Bin),
        "ominus" => ('⊖', Bin),
        "otimes" => ('⊗', Bin),
        "oslash" => ('⊘', Bin),
        "odot" => ('⊙', Bin),
        "bigcirc" => ('◯', Bin),
        "amalg" => ('⨿', Bin),
        "triangleleft" => ('◃', Bin),
        "triangleright" => ('▹', Bin),
        // Relations.
        "le" | "leq" => ('≤', Rel),
        "ge" | "geq" => ('≥', Rel),
        "leqslant" => ('⩽', Rel),
        "geqslant" => ('⩾', Rel),
        "ne" | "neq" => ('≠', Rel),
        "ll" => ('≪', Rel),
        "gg" => ('≫', Rel),
        "lt" => ('<', Rel),
        "gt" => ('>', Rel),
        "approx" => ('≈', Rel),
        "approxeq" => ('≊', Rel),
        "cong" => ('≅', Rel),
        "equiv" => ('≡', Rel),
        "sim" => ('∼', Rel),
        "simeq" => ('≃', Rel),
        "asymp" => ('≍', Rel),
        "doteq" => ('≐', Rel),
        "propto" => ('∝', Rel),
        "coloneqq" => ('≔', Rel),
        "prec" => ('≺', Rel),
        "succ" => ('≻', Rel),
        "preceq" => ('⪯', Rel),
        "succeq" => ('⪰', Rel),
        "in" => ('∈', Rel),
        "notin" => ('∉', Rel),
        "ni" | "owns" => ('∋', Rel),
        "subset" => ('⊂', Rel),
        "supset" => ('⊃', Rel),
        "subseteq" => ('⊆', Rel),
        "supseteq" => ('⊇', Rel),
        "subsetneq" => ('⊊', Rel),
        "supsetneq" => ('⊋', Rel),
        "sqsubseteq" => ('⊑', Rel),
        "sqsupseteq" => ('⊒', Rel),
        "vdash" => ('⊢', Rel),
        "dashv" => ('⊣', Rel),
        "models" => ('⊨', Rel),
        "perp" => ('⟂', Rel),
        "parallel" => ('∥', Rel),
        "mid" => ('∣', Rel),
        "nmid" => ('∤', Rel),
        "smile" => ('⌣', Rel),
        "frown" => ('⌢', Rel),
        "bowtie" => ('⋈', Rel),
        "to" | "rightarrow" => ('→', Rel),
        "gets" | "leftarrow" => ('←', Rel),
        "leftrightarrow" => ('↔', Rel),
        "Rightarrow" => ('⇒', Rel),
        "Leftarrow" => ('⇐', Rel),
        "Leftrightarrow" => ('⇔', Rel),
        "implies" => ('⟹', Rel),
        "impliedby" => ('⟸', Rel),
        "iff" => ('⟺', Rel),
        "longrightarrow" => ('⟶', Rel),
        "longleftarrow" => ('⟵', Rel),
        "longleftrightarrow" => ('⟷', Rel),
        "Longrightarrow" => ('⟹', Rel),
        "Longleftarrow" => ('⟸', Rel),
        "Longleftrightarrow" => ('⟺', Rel),
        "mapsto" => ('↦', Rel),
        "longmapsto" => ('⟼', Rel),
        "hookrightarrow" => ('↪', Rel),
        "hookleftarrow" => ('↩', Rel),
        "uparrow" => ('↑', Rel),
        "downarrow" => ('↓', Rel),
        "updownarrow" => ('↕', Rel),
        "Uparrow" => ('⇑', Rel),
        "Downarrow" => ('⇓', Rel),
        "nearrow" => ('↗', Rel),
        "searrow" => ('↘', Rel),
        "swarrow" => ('↙', Rel),
        "nwarrow" => ('↖', Rel),
        "rightleftharpoons" => ('⇌', Rel),
        "leftharpoonup" => ('↼', Rel),
        "rightharpoonup" => ('⇀', Rel),
        "therefore" => ('∴', Rel),
        "because" => ('∵', Rel),
        // Large operators.
        "sum" => ('∑', Op),
        "prod" => ('∏', Op),
        "coprod" => ('∐', Op),
        "int" => ('∫', Op),
        "iint" => ('∬', Op),
        "iiint" => ('∭', Op),
        "oint" => ('∮', Op),
        "oiint" => ('∯', Op),
        "bigcup" => ('⋃', Op),
        "bigcap" => ('⋂', Op),
        "bigsqcup" => ('⨆', Op),
        "bigvee" => ('⋁', Op),
        "bigwedge" => ('⋀', Op),
        "bigoplus" => ('⨁', Op),
        "bigotimes" => ('⨂', Op),
        "bigodot" => ('⨀', Op),
        "biguplus" => ('⨄', Op),
        _ => return None,
    };
    Some(found)
}

/// Whether a large operator takes its scripts beside it even in display style (integrals,
/// as TeX sets them).
pub fn is_integral(c: char) -> bool {
    matches!(c, '∫' | '∬' | '∭' | '∮' | '∯')
}

/// Operator names set upright: whether each takes limits in display style.
pub fn operator_name(name: &str) -> Option<bool> {
    Some(match name {
        "lim" | "liminf" | "limsup" | "max" | "min" | "sup" | "inf" | "det" | "gcd" | "Pr"
        | "argmax" | "argmin" | "injlim" | "projlim" | "plim" => true,
        "sin" | "cos" | "tan" | "cot" | "sec" | "csc" | "arcsin" | "arccos" | "arctan" | "sinh"
        | "cosh" | "tanh" | "coth" | "log" | "ln" | "lg" | "exp" | "deg" | "dim" | "hom"
        | "ker" | "arg" | "sgn" | "tr" | "Tr" | "rank" | "span" | "mod" => false,
        _ => return None,
    })
}

/// How an operator name prints (`\liminf` is `lim inf`).
pub fn operator_text(name: &str) -> &str {
    match name {
        "liminf" => "lim inf",
        "limsup" => "lim sup",
        "argmax" => "arg max",
        "argmin" => "arg min",
        "injlim" => "inj lim",
        "projlim" => "proj lim",
        "plim" => "plim",
        other => other,
    }
}

/// Accents: `\name` → the combining character the font draws, and whether it stretches
/// to the width of its base.
pub fn accent(name: &str) -> Option<(char, bool)> {
    Some(match name {
        "hat" => ('\u{302}', false),
        "widehat" => ('\u{302}', true),
        "check" => ('\u{30c}', false),
        "widecheck" => ('\u{30c}', true),
        "tilde" => ('\u{303}', false),
        "widetilde" => ('\u{303}', true),
        "bar" => ('\u{304}', false),
        "vec" => ('\u{20d7}', false),
        "overrightarrow" => ('\u{20d7}', true),
        "overleftarrow" => ('\u{20d6}', true),
        "dot" => ('\u{307}', false),
        "ddot" => ('\u{308}', false),
        "dddot" => ('\u{20db}', false),
        "acute" => ('\u{301}', false),
        "grave" => ('\u{300}', false),
        "breve" => ('\u{306}', false),
        "mathring" => ('\u{30a}', false),
        _ => return None,
    })
}

/// The delimiters `\left`, `\right`, `\big` and arrays take, by how they are written
/// (`(`, `\{`, `\langle`, `.` for none).
pub fn delimiter(written: &str) -> Option<Option<char>> {
    Some(Some(match written {
        "." => return Some(None),
        "(" | ")" | "[" | "]" | "|" | "/" | "<" | ">" => match written {
            "<" => '⟨',
            ">" => '⟩',
            _ => written.chars().next()?,
        },
        "\\{" | "\\lbrace" => '{',
        "\\}" | "\\rbrace" => '}',
        "\\|" | "\\Vert" | "\\lVert" | "\\rVert" => '‖',
        "\\vert" | "\\lvert" | "\\rvert" | "\\mid" => '|',
        "\\langle" => '⟨',
        "\\rangle" => '⟩',
        "\\lfloor" => '⌊',
        "\\rfloor" => '⌋',
        "\\lceil" => '⌈',
        "\\rceil" => '⌉',
        "\\uparrow" => '↑',
        "\\downarrow" => '↓',
        "\\updownarrow" => '↕',
        "\\backslash" => '\\',
        _ => return None,
    }))
}

/// The alphabets of `\mathbb`, `\mathbf`…
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// Letters italic, digits and Greek capitals upright: what math sets by default.
    Math,
    Roman,
    Bold,
    Italic,
    BoldItalic,
    DoubleStruck,
    Script,
    Fraktur,
    SansSerif,
    Monospace,
}

impl Alphabet {
    pub fn named(command: &str) -> Option<Alphabet> {
        Some(match command {
            "mathrm" | "rm" | "mathup" | "textrm" | "mathnormal" => Alphabet::Roman,
            "mathbf" | "bf" | "textbf" => Alphabet::Bold,
            "mathit" | "it" | "textit" => Alphabet::Italic,
            "boldsymbol" | "bm" => Alphabet::BoldItalic,
            "mathbb" | "Bbb" => Alphabet::DoubleStruck,
            "mathcal" | "mathscr" | "cal" => Alphabet::Script,
            "mathfrak" | "frak" => Alphabet::Fraktur,
            "mathsf" | "textsf" => Alphabet::SansSerif,
            "mathtt" | "texttt" => Alphabet::Monospace,
            _ => return None,
        })
    }

    /// The character of this alphabet for `c` (unchanged where the alphabet has none).
    pub fn apply(self, c: char) -> char {
        // The letter holes of Unicode's Mathematical Alphanumeric Symbols, filled by
        // Letterlike Symbols.
        let hole = |c: char| -> Option<char> {
            Some(match c {
                '\u{1D455}' => 'ℎ',
                '\u{1D49D}' => 'ℬ',
                '\u{1D4A0}' => 'ℰ',
                '\u{1D4A1}' => 'ℱ',
                '\u{1D4A3}' => 'ℋ',
                '\u{1D4A4}' => 'ℐ',
                '\u{1D4A7}' => 'ℒ',
                '\u{1D4A8}' => 'ℳ',
                '\u{1D4AD}' => 'ℛ',
                '\u{1D4BA}' => 'ℯ',
                '\u{1D4BC}' => 'ℊ',
                '\u{1D4C4}' => 'ℴ',
                '\u{1D506}' => 'ℭ',
                '\u{1D50B}' => 'ℌ',
                '\u{1D50C}' => 'ℑ',
                '\u{1D515}' => 'ℜ',
                '\u{1D51D}' => 'ℨ',
                '\u{1D53A}' => 'ℂ',
                '\u{1D53F}' => 'ℍ',
                '\u{1D545}' => 'ℕ',
                '\u{1D547}' => 'ℙ',
                '\u{1D548}' => 'ℚ',
                '\u{1D549}' => 'ℝ',
                '\u{1D551}' => 'ℤ',
                _ => return None,
            })
        };
        let letters = match self {
            Alphabet::Roman => return c,
            Alphabet::Math | Alphabet::Italic => 0x1D434,
            Alphabet::Bold => 0x1D400,
            Alphabet::BoldItalic => 0x1D468,
            Alphabet::Script => 0x1D49C,
            Alphabet::Fraktur => 0x1D504,
            Alphabet::DoubleStruck => 0x1D538,
            Alphabet::SansSerif => 0x1D5A0,
            Alphabet::Monospace => 0x1D670,
        };
        let digits = match self {
            Alphabet::Bold => Some(0x1D7CE),
            Alphabet::DoubleStruck => Some(0x1D7D8),
            Alphabet::SansSerif => Some(0x1D7E2),
            Alphabet::Monospace => Some(0x1D7F6),
            _ => None,
        };
        let mapped = match c {
            'A'..='Z' => letters + (c as u32 - 'A' as u32),
            'a'..='z' => letters + 26 + (c as u32 - 'a' as u32),
            '0'..='9' => match digits {
                Some(base) => base + (c as u32 - '0' as u32),
                None => return c,
            },
            // Bold Greek (`\mathbf{\alpha}` is rare; `\boldsymbol` is what people write).
            'Α'..='Ω' | 'α'..='ω' if matches!(self, Alphabet::Bold | Alphabet::BoldItalic) => {
                let base = if self == Alphabet::Bold {
                    0x1D6A8
                } else {
                    0x1D71C
                };
                let offset = if c >= 'α' {
                    26 + (c as u32 - 'α' as u32)
                } else {
                    c as u32 - 'Α' as u32
                };
                base + offset
            }
            '𝛼'..='𝜔' if matches!(self, Alphabet::Bold | Alphabet::BoldItalic) => {
                let base = if self == Alphabet::Bold {
                    0x1D6C2
                } else {
                    0x1D736
                };
                base + (c as u32 - '𝛼' as u32)
            }
            '𝛼'..='𝜛' if matches!(self, Alphabet::Roman) => return c,
            _ => return c,
        };
        let mapped = char::from_u32(mapped).unwrap_or(c);
        hole(mapped).unwrap_or(mapped)
    }
}

/// The class of a character written as itself.
pub fn char_class(c: char) -> Class {
    match c {
        '+' | '-' | '*' | '−' | '±' | '×' | '÷' | '·' => Class::Bin,
        '=' | '<' | '>' | ':' | '≤' | '≥' | '≠' | '→' | '←' | '≈' | '∈' => Class::Rel,
        '(' | '[' | '⟨' => Class::Open,
        ')' | ']' | '⟩' | '!' | '?' => Class::Close,
        ',' | ';' => Class::Punct,
        _ => Class::Ord,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabets_map_letters_and_fill_unicodes_holes() {
        assert_eq!(Alphabet::Math.apply('x'), '𝑥');
        assert_eq!(Alphabet::Math.apply('h'), 'ℎ');
        assert_eq!(Alphabet::Math.apply('2'), '2');
        assert_eq!(Alphabet::DoubleStruck.apply('R'), 'ℝ');
        assert_eq!(Alphabet::DoubleStruck.apply('E'), '𝔼');
        assert_eq!(Alphabet::Script.apply('L'), 'ℒ');
        assert_eq!(Alphabet::Fraktur.apply('g'), '𝔤');
        assert_eq!(Alphabet::Bold.apply('v'), '𝐯');
        assert_eq!(Alphabet::Bold.apply('1'), '𝟏');
        assert_eq!(Alphabet::BoldItalic.apply('𝛼'), '𝜶');
        assert_eq!(Alphabet::Roman.apply('x'), 'x');
    }
}
