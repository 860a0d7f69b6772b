//! Block quotes: indented from both sides, with a bar in the margin lines start from
//! (the left, or the right in a right-to-left document) that runs the whole height of
//! the quote (through page breaks, on each page).

use super::{Flow, Frame};
use crate::model::{AlertKind, Block, Inline};
use crate::structure::Kind;

/// The most a quote indents, as a share of its frame's width.
const MAX_INDENT_SHARE: f32 = 0.12;
/// Where the bar stands, as a share of the indent from the frame's left edge.
const BAR_POSITION: f32 = 0.45;
/// A quote is narrowed by this many indents in all (the left one and half on the right).
const NARROWING: f32 = 1.5;

impl Flow<'_> {
    /// An alert block: a quote whose first paragraph opens with its label in bold (run in,
    /// so that the label never stands alone at the foot of a page), in the article's
    /// language; marked by words and the quote's rule, never by colour.
    pub(super) fn alert(&mut self, kind: AlertKind, blocks: &[Block], frame: &Frame) {
        let label = crate::labels::alert(self.settings.options.lang.as_str(), kind);
        let mut blocks = blocks.to_vec();
        let mark = Inline::Strong(vec![Inline::Text(format!("{label}."))]);
        match blocks.first_mut() {
            Some(Block::Paragraph(inlines)) => {
                inlines.insert(0, Inline::Text(" ".to_string()));
                inlines.insert(0, mark);
            }
            _ => blocks.insert(0, Block::Paragraph(vec![mark])),
        }
        self.quote(&blocks, frame);
    }

    pub(super) fn quote(&mut self, children: &[Block], frame: &Frame) {
        let spacing = self.block_spacing(frame);
        self.space(spacing, frame);
        let indent = self.settings.design.quote_indent * self.size();
        let indent = indent.min(frame.width.0 * MAX_INDENT_SHARE);
        let mut inner = frame.indented(indent, indent * NARROWING);
        if inner.depth > frame.depth {
            inner.bars.push(frame.inward(indent * BAR_POSITION));
        }
        let inner = inner.within(self.tag(Kind::BlockQuote, frame.parent));
        self.previous_was_paragraph = false;
        self.blocks(children, &inner);
        self.space(spacing, frame);
        self.previous_was_paragraph = false;
    }
}
