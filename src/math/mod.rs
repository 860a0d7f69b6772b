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
pub use parse::parse;
pub use tree::Formula;

/// The math font is drawn this many times its size: STIX Two Math's x-height (0.473 em)
/// then matches Noto Serif's (0.536 em), and its strokes weigh the same (94 units).
pub const MATH_SCALE: f32 = 1.133;
