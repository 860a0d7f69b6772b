//! Headings: bold (levels 1–4) or italic (4–6) at the template's sizes, ragged and in
//! balanced lines, never hyphenated, kept with what follows, anchoring links and the
//! outline.

use super::{Flow, Frame};
use crate::flow::vlist::Keep;
use crate::inline::{Align, LineAnchor, ParagraphStyle};
use crate::layout::{AnchorKey, Role};
use crate::model::Inline;
use crate::structure::Kind;

/// Space above a heading of level 1 or 2, and of the other levels, in body lines.
const SPACE_ABOVE_MAJOR: f32 = 1.5;
const SPACE_ABOVE_MINOR: f32 = 1.1;
/// Space below a heading, in body lines.
const SPACE_BELOW: f32 = 0.45;
/// Baseline distance of a heading's lines, as a multiple of its size.
const LINE_HEIGHT: f32 = 1.25;

impl Flow<'_> {
    pub(super) fn heading(&mut self, level: u8, id: &str, content: &[Inline], frame: &Frame) {
        let level = level.clamp(1, 6);
        let size = self.size() * self.settings.design.heading_sizes[level as usize - 1];
        let style = ParagraphStyle {
            size,
            bold: level <= 4,
            italic: level >= 4,
            justify: false,
            expansion: 0.0,
            hyphenate: false,
            indent: 0.0,
            monospace: false,
            // A two-line heading reads better as two similar lines.
            balance: true,
            family: self.settings.faces.heading,
            code: self.settings.faces.code,
        };
        let before = if level <= 2 {
            SPACE_ABOVE_MAJOR
        } else {
            SPACE_ABOVE_MINOR
        } * self.leading();
        self.space(before, frame);
        let anchor = LineAnchor {
            key: AnchorKey::Id(id.to_string()),
            outline: Some((
                level,
                Inline::plain_text(&Inline::without_references(content))
                    .trim()
                    .to_string(),
            )),
        };
        self.set_block(
            content,
            &style,
            frame,
            Align::Start,
            LINE_HEIGHT,
            Keep::WithNext,
            (Role::Heading(level), Kind::Heading(level)),
            Some(anchor),
        );
        self.space(SPACE_BELOW * self.leading(), frame);
        self.previous_was_paragraph = false;
    }
}
