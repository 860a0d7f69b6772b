//! Definition lists: the term in bold, kept with its definition, which is indented like a
//! list item.

use super::list::{ITEM_INDENT_EM, MAX_ITEM_INDENT_SHARE};
use super::{Flow, Frame};
use crate::flow::vlist::Keep;
use crate::inline::ParagraphStyle;
use crate::model::{Block, Inline};
use crate::structure::Kind;

/// Space before a term and after a definition, as shares of the block spacing.
const SPACE_BEFORE_TERM: f32 = 0.3;
const SPACE_AFTER_DEFINITION: f32 = 0.5;

impl Flow<'_> {
    pub(super) fn term(&mut self, inlines: &[Inline], frame: &Frame) {
        let style = ParagraphStyle {
            bold: true,
            ..self.body_style(frame)
        };
        self.space(self.block_spacing(frame) * SPACE_BEFORE_TERM, frame);
        self.set_text(inlines, &style, frame, Keep::WithNext);
        self.previous_was_paragraph = false;
    }

    pub(super) fn definition(&mut self, children: &[Block], frame: &Frame) {
        let indent = (ITEM_INDENT_EM * self.size()).min(frame.width.0 * MAX_ITEM_INDENT_SHARE);
        let inner = frame.indented(indent, indent);
        let inner = inner.within(self.tag(Kind::Division, frame.parent));
        self.previous_was_paragraph = false;
        self.blocks(children, &inner);
        self.space(self.block_spacing(frame) * SPACE_AFTER_DEFINITION, frame);
        self.previous_was_paragraph = false;
    }
}
