//! Paragraphs: justified (or ragged) body text; a paragraph that follows a paragraph
//! gets the template's first-line indent and paragraph spacing.

use super::{Flow, Frame};
use crate::flow::vlist::Keep;
use crate::inline::Align;
use crate::layout::Role;
use crate::model::Inline;

impl Flow<'_> {
    pub(super) fn paragraph(&mut self, inlines: &[Inline], frame: &Frame) {
        let design = &self.settings.design;
        let mut style = self.body_style(frame);
        if self.previous_was_paragraph {
            style.indent = design.paragraph_indent * style.size;
            let spacing = design.paragraph_spacing * self.frame_leading(frame);
            self.space(spacing, frame);
        }
        let line_height = self.settings.design.line_height;
        self.set_block(
            inlines,
            &style,
            frame,
            Align::Start,
            line_height,
            Keep::TwoLines,
            Role::Body,
            None,
        );
        self.previous_was_paragraph = true;
    }
}
