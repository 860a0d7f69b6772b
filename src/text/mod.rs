//! Fonts, shaping and hyphenation: the text services the line breaker builds on.
//!
//! Takes the bundled font files and the embedded Liang dictionaries and gives a
//! [`FontBook`] (parsed faces, built once), shaped glyph runs for styled text, and the
//! hyphenation points of words in the article's language.

pub mod breaks;
pub mod fonts;
pub mod hyphenate;
pub mod shape;

pub use fonts::{FaceId, FontBook};
pub use hyphenate::Hyphenator;
pub use shape::{Glyph, ShapeOptions, ShapedRun};
