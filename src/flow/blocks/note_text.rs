//! The text of the notes, set for the foot of the page: each note's blocks through the
//! same flow as the body, in note type, its number hanging in the margin.

use super::{Flow, Frame, MAX_INDENT_DEPTH};
use crate::flow::notes::NoteSource;
use crate::flow::vlist::VItem;
use crate::geom::{Pt, Rect};
use crate::inline::{LineAnchor, LineBox};
use crate::layout::{AnchorKey, Element, LinkTarget, Role};
use crate::model::{Block, Inline, NoteId};
use crate::structure::{Kind, Tag};

/// A note's text is indented this many note ems (at most this share of the column), its
/// number hanging in the indent, this far from the text.
const NOTE_INDENT_EM: f32 = 1.8;
const MAX_NOTE_INDENT_SHARE: f32 = 0.2;
const NUMBER_GAP_EM: f32 = 0.45;
/// The height of an empty note's line, and of its number's link area, in note ems.
const EMPTY_NOTE_LINE_EM: f32 = 1.3;
const NUMBER_LINK_HEIGHT_EM: f32 = 1.25;

impl Flow<'_> {
    /// Sets the text of every note (in the order of their numbers) as line boxes for
    /// the foot of the page: smaller type, the number hanging in the margin and linking
    /// back to the reference. Links inside notes print their address inline.
    pub(in crate::flow) fn layout_notes(&mut self) -> Vec<Vec<LineBox>> {
        let note_scale = self.settings.design.note_scale;
        let size = self.size() * note_scale;
        let column = self.settings.text_width();
        let indent = (size * NOTE_INDENT_EM).min(column.0 * MAX_NOTE_INDENT_SHARE);
        let rtl = self.settings.rtl();
        let mut frame = Frame {
            left: if rtl { Pt::ZERO } else { Pt(indent) },
            width: column - Pt(indent),
            bars: Vec::new(),
            scale: note_scale,
            depth: MAX_INDENT_DEPTH,
            rtl,
            parent: Tag::DOCUMENT,
        };
        let body_items = self.list.take();
        let mut laid_out = Vec::new();
        let mut n = 0;
        while n < self.notes.sources.len() {
            let blocks = match &self.notes.sources[n] {
                NoteSource::Footnote(blocks) => blocks.clone(),
                NoteSource::Address(url) => vec![Block::Paragraph(vec![Inline::Link {
                    url: url.clone(),
                    content: vec![Inline::Text(url.clone())],
                }])],
            };
            let id = NoteId(n as u32);
            n += 1;
            // The note in the structure, after the article (as the notes of a book's
            // end), its number a link back to its reference.
            let note = self.tag(
                Kind::Note {
                    id: format!("note-{n}"),
                },
                Tag::DOCUMENT,
            );
            let number_link = self.tag(Kind::Link, note);
            frame.parent = note;
            self.previous_was_paragraph = false;
            self.notes.in_note = true;
            self.blocks(&blocks, &frame);
            self.notes.in_note = false;
            let mut lines: Vec<LineBox> = self
                .list
                .take()
                .0
                .into_iter()
                .flat_map(|item| match item {
                    VItem::Line(line) => vec![line],
                    VItem::Float(block) => block.lines,
                    _ => Vec::new(),
                })
                .collect();
            if lines.is_empty() {
                lines.push(LineBox::blank(Pt(size * EMPTY_NOTE_LINE_EM), Pt(size)));
            }
            for line in &mut lines {
                line.role = Role::Note;
            }
            let first = &mut lines[0];
            first.anchors.push(LineAnchor::new(AnchorKey::Note(id)));
            let number = format!("{n}.");
            let runs = self.shape_marker(&number, size, rtl);
            let width: f32 = runs.iter().map(|r| r.width()).sum();
            let x = frame.hanging(width, size * NUMBER_GAP_EM).0;
            first.elements.insert(
                0,
                Element::Link {
                    rect: Rect {
                        x: Pt(x),
                        y: first.baseline - Pt(size),
                        width: Pt(width),
                        height: Pt(size * NUMBER_LINK_HEIGHT_EM),
                    },
                    target: LinkTarget::Internal(AnchorKey::NoteRef(id)),
                    tag: number_link,
                },
            );
            first.prepend_runs(runs, Pt(x), number_link);
            laid_out.push(lines);
        }
        self.list.restore(body_items);
        laid_out
    }
}
