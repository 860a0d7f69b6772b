//! Paragraphs: justified (or ragged) body text; a paragraph that follows a paragraph
//! gets the template's first-line indent and paragraph spacing.

use super::{Flow, Frame};
use crate::flow::vlist::Keep;
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
        self.set_text(inlines, &style, frame, Keep::TwoLines);
        self.previous_was_paragraph = true;
    }
}
