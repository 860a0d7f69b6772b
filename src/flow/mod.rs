//! Stage 4: blocks → a vertical list.
//!
//! Takes the document's blocks and the resolved settings and gives a list of
//! [`VItem`]s, TeX's vertical list: line boxes (each a set line with everything drawn on
//! it), discardable spaces, and penalties that say where a page may break and at what
//! cost. The rules of good pagination are written here as penalties (no break after a
//! paragraph's first line or before its last: no orphans or widows; none after a
//! heading: it keeps with what follows), so the paginator only has to find breaks.

mod blocks;
pub mod notes;

pub use blocks::{flow_document, Services};

/// The vertical list of the article and the notes its lines refer to.
#[derive(Debug, Clone, Default)]
pub struct Flowed {
    pub items: Vec<VItem>,
    /// Note `i` (numbered `i + 1`) as line boxes for the foot of a page.
    pub notes: Vec<Vec<LineBox>>,
    /// The render's deadline passed while setting the text (the list is incomplete).
    pub timed_out: bool,
}

use crate::frame::Element;

/// A break here is forbidden.
pub const NO_BREAK: f32 = crate::inline::items::INFINITE_PENALTY;
/// A page break after a hyphenated line splits a word across pages (TeX's
/// \brokenpenalty). Style guides ask to avoid it, and a reader of the PDF's text gets
/// the word back only if nothing stands between its halves, so the paginator leaves up
/// to about ten lines empty rather than do it.
pub const BROKEN_WORD_PENALTY: f32 = 1000.0;

/// One item of the vertical list.
#[derive(Debug, Clone, PartialEq)]
pub enum VItem {
    Line(LineBox),
    /// Vertical space; vanishes at the top of a page. `bars` are the x positions of
    /// blockquote rules that continue through it.
    Space {
        height: f32,
        bars: Vec<f32>,
    },
    /// A place the page may break, and its cost (>= [`NO_BREAK`]: never).
    Penalty(f32),
}

/// A line and everything drawn on it, positioned relative to the box's top left corner
/// (x from the left edge of the text area).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineBox {
    pub height: f32,
    /// Distance from the top of the box to the baseline.
    pub baseline: f32,
    pub elements: Vec<Element>,
    /// The line ends with a hyphen (the word continues on the next line).
    pub hyphenated: bool,
    /// Notes referenced on this line (indices into [`Flowed::notes`]): they go to the
    /// foot of the same page.
    pub notes: Vec<usize>,
    /// For a table row: the table's header, repeated above the row when the row is the
    /// first thing on a page.
    pub repeat_header: Option<std::sync::Arc<LineBox>>,
    /// Anchors (heading ids) on this line, with their outline entry if any.
    pub anchors: Vec<(String, Option<(u8, String)>)>,
}
