//! Mathematics: LaTeX formulas (`$…$`, `$$…$$`, ```` ```math ````) read into a tree of
//! atoms by the model stage ([`parse`]), and set by the inline and flow stages
//! ([`Layouter`]) in STIX Two Math by TeX's rules with the font's MATH table, as boxes of
//! glyphs and rules that the pages draw like any other text.

mod font;
mod frame;
mod layout;
mod linear;
mod parse;
mod symbols;
mod tree;

#[cfg(test)]
use frame::Drawn;
pub use frame::{MathBox, MathItem};
pub use layout::Layouter;
pub use parse::{parse, unbalanced_braces, Bounds, MathError};
pub use tree::Formula;

/// The math font is drawn this many times its size: STIX Two Math's x-height (0.473 em)
/// then matches Noto Serif's (0.536 em), and its strokes weigh the same (94 units).
pub const MATH_SCALE: f32 = 1.133;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::FaceSet;
    use crate::text::{FaceId, FontBook};
    use proptest::prelude::*;

    /// Pieces of LaTeX, well and badly formed, that formulas are made of.
    const TOKENS: [&str; 56] = [
        "x",
        "2",
        "+",
        "-",
        "=",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "^",
        "_",
        "'",
        "&",
        "\\\\",
        ",",
        "|",
        "\\frac",
        "\\sqrt",
        "\\sum",
        "\\int",
        "\\left(",
        "\\right)",
        "\\middle|",
        "\\left.",
        "\\right\\}",
        "\\hat",
        "\\widehat",
        "\\overbrace",
        "\\underbrace",
        "\\begin{pmatrix}",
        "\\end{pmatrix}",
        "\\begin{cases}",
        "\\end{cases}",
        "\\begin{aligned}",
        "\\end{aligned}",
        "\\text{a b}",
        "\\mathbb",
        "\\alpha",
        "\\le",
        "\\limits",
        "\\big(",
        "\\binom",
        "\\overline",
        "\\tag{1}",
        "\\,",
        "\\foo",
        "\\kern-36mu",
        "\\hspace{-3em}",
        "\\overset{a}{b}",
        "\\middle\\{",
        "\\xrightarrow[x]",
        "\\boxed",
        "\\vphantom",
        "\\mathrel",
    ];

    fn glyphs(b: &MathBox) -> usize {
        b.items
            .iter()
            .filter(|p| matches!(p.drawn, Drawn::Glyph { .. }))
            .count()
    }

    #[test]
    fn stretched_glyphs_are_bounded_by_the_formulas_atoms() {
        // Tall content costs a row an atom; each `\middle` would stretch to it.
        let source = format!(
            "\\left\\{{ \\begin{{matrix}} {} \\end{{matrix}} {} \\right.",
            "x \\\\ ".repeat(120),
            "\\middle\\{ ".repeat(300)
        );
        let formula = parse(&source, true, &Bounds::default()).expect("reads");
        let fonts = FontBook::bundled();
        let layouter = Layouter::new(&fonts, FaceId::MATH, FaceSet::SERIF, 11.0, MATH_SCALE)
            .expect("math font");
        let drawn = glyphs(&layouter.display(&formula));
        // A few glyphs per atom (an assembly's ends) and the extenders' budget; without
        // the budget each `\middle` drew over a hundred.
        assert!(
            drawn <= 64 + 8 * formula.atoms,
            "{drawn} glyphs for {} atoms",
            formula.atoms
        );
    }

    #[test]
    fn the_deepest_nesting_any_setting_allows_is_set_on_a_small_stack() {
        let limits = crate::context::Limits {
            max_formula_depth: 100_000,
            ..Default::default()
        };
        let bounds = Bounds::of(&limits);
        assert_eq!(bounds.depth, parse::MAX_DEPTH_CEILING);
        let depth = parse::MAX_DEPTH_CEILING - 1;
        let source = "\\frac{".repeat(depth / 2) + "\\sqrt{x^{2}}" + &"}{y}".repeat(depth / 2);
        // A thread with the default stack of a spawned thread (2 MiB; `folio render`'s
        // jobs run on such threads) holds the recursion, in a debug build too.
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let formula = parse(&source, true, &bounds).expect("within the ceiling");
                let fonts = FontBook::bundled();
                let layouter =
                    Layouter::new(&fonts, FaceId::MATH, FaceSet::SERIF, 11.0, MATH_SCALE)
                        .expect("math font");
                layouter.display(&formula).width
            })
            .expect("a thread");
        assert!(handle.join().expect("no overflow").is_finite());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any sequence of tokens is read or refused, never a panic; what is read lays
        /// out to a finite box, inline and displayed.
        #[test]
        fn any_formula_is_set_or_refused(tokens in proptest::collection::vec(0..TOKENS.len(), 0..40), display: bool) {
            let source: String = tokens.iter().map(|&t| TOKENS[t]).collect::<Vec<_>>().join(" ");
            if let Ok(formula) = parse(&source, display, &Bounds::default()) {
                prop_assert!(source.len() < 4096);
                let fonts = FontBook::bundled();
                let layouter = Layouter::new(&fonts, FaceId::MATH, FaceSet::SERIF, 11.0, MATH_SCALE).expect("math font");
                let boxed = layouter.display(&formula);
                prop_assert!(boxed.width.is_finite() && boxed.ascent.is_finite() && boxed.descent.is_finite());
                prop_assert!(boxed.width < 10_000.0 && boxed.ascent < 10_000.0);
                for item in layouter.inline(&formula) {
                    if let MathItem::Box(b) = item {
                        prop_assert!(b.width.is_finite());
                    }
                }
                let _ = formula.linear();
            }
        }
    }
}
