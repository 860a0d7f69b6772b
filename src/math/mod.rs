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

pub use frame::{MathBox, MathItem};
pub use layout::Layouter;
pub use parse::{parse, Bounds};
pub use tree::Formula;

/// The math font is drawn this many times its size: STIX Two Math's x-height (0.473 em)
/// then matches Noto Serif's (0.536 em), and its strokes weigh the same (94 units).
pub const MATH_SCALE: f32 = 1.133;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{FaceId, FontBook};
    use proptest::prelude::*;

    /// Pieces of LaTeX, well and badly formed, that formulas are made of.
    const TOKENS: [&str; 48] = [
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
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any sequence of tokens is read or refused, never a panic; what is read lays
        /// out to a finite box, inline and displayed.
        #[test]
        fn any_formula_is_set_or_refused(tokens in proptest::collection::vec(0..TOKENS.len(), 0..40), display: bool) {
            let source: String = tokens.iter().map(|&t| TOKENS[t]).collect::<Vec<_>>().join(" ");
            if let Ok(formula) = parse(&source, display, &Bounds::default()) {
                let fonts = FontBook::bundled();
                let layouter = Layouter::new(&fonts, FaceId::MATH, FaceId::SERIF, 11.0, MATH_SCALE).expect("math font");
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
