//! Block quotes: indented from both sides, with a bar in the margin lines start from
//! (the left, or the right in a right-to-left document) that runs the whole height of
//! the quote (through page breaks, on each page).

use super::{Flow, Frame};
use crate::model::Block;

/// The most a quote indents, as a share of its frame's width.
const MAX_INDENT_SHARE: f32 = 0.12;
/// Where the bar stands, as a share of the indent from the frame's left edge.
const BAR_POSITION: f32 = 0.45;
/// A quote is narrowed by this many indents in all (the left one and half on the right).
const NARROWING: f32 = 1.5;

impl Flow<'_> {
    pub(super) fn quote(&mut self, children: &[Block], frame: &Frame) {
        let spacing = self.block_spacing(frame);
        self.space(spacing, frame);
        let indent = self.settings.design.quote_indent * self.size();
        let indent = indent.min(frame.width.0 * MAX_INDENT_SHARE);
        let mut inner = frame.indented(indent, indent * NARROWING);
        if inner.depth > frame.depth {
            inner.bars.push(frame.inward(indent * BAR_POSITION));
        }
        self.previous_was_paragraph = false;
        self.blocks(children, &inner);
        self.space(spacing, frame);
        self.previous_was_paragraph = false;
    }
}
