//! Fonts, shaping and hyphenation: the text services the line breaker builds on.
//!
//! Takes the bundled font files, the embedded Liang dictionaries and syntect's grammars and
//! gives a [`FontBook`] (faces parsed on first use and kept, with a cache of shaped words),
//! shaped glyph runs for styled text, the hyphenation points of words in the article's
//! language, and code as highlighted spans.

pub mod breaks;
pub mod fonts;
pub mod highlight;
pub mod hyphenate;
pub mod shape;

pub use fonts::{FaceId, FontBook};
pub use highlight::Highlighter;
pub use hyphenate::Hyphenator;
pub use shape::{ShapeOptions, ShapedRun};
