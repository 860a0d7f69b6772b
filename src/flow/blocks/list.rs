//! Lists: items indented, their markers (bullet, number, or a drawn check box) hanging
//! in the margin before each item's first line (on the right in a right-to-left
//! document); loose lists (blank lines between
//! items) get air between items, tight ones stay close.

use super::{Flow, Frame};
use crate::flow::vlist::VItem;
use crate::geom::Pt;
use crate::layout::Element;
use crate::model::ListItem;
use crate::options::Direction;
use crate::structure::{Kind, Tag};

/// Item indent, in ems, and at most this share of the frame's width.
pub(super) const ITEM_INDENT_EM: f32 = 1.8;
pub(super) const MAX_ITEM_INDENT_SHARE: f32 = 0.15;
/// Space before and after a list, and between the items of a tight list, as shares of
/// the block spacing (a loose list has the whole block spacing between items).
const SPACE_AROUND: f32 = 0.5;
const SPACE_BETWEEN_TIGHT: f32 = 0.25;
/// Gap between a marker and the item's text, in ems.
const MARKER_GAP_EM: f32 = 0.5;
/// A task's check box: its side in ems and its line's thickness.
const CHECK_BOX_EM: f32 = 0.72;
const CHECK_BOX_THICKNESS: Pt = Pt(0.6);

/// What hangs before a list item.
enum Marker {
    Text(String),
    Task { done: bool },
}

impl Flow<'_> {
    pub(super) fn list(
        &mut self,
        start: Option<u64>,
        items: &[ListItem],
        tight: bool,
        frame: &Frame,
    ) {
        let spacing = self.block_spacing(frame);
        self.space(spacing * SPACE_AROUND, frame);
        let indent = (ITEM_INDENT_EM * self.size()).min(frame.width.0 * MAX_ITEM_INDENT_SHARE);
        let list = self.tag(
            Kind::List {
                numbered: start.is_some(),
            },
            frame.parent,
        );
        for (n, item) in items.iter().enumerate() {
            let marker = match (item.task, start) {
                (Some(done), _) => Marker::Task { done },
                (None, Some(first)) => Marker::Text(format!("{}.", first.saturating_add(n as u64))),
                (None, None) => Marker::Text("\u{2022}".to_string()),
            };
            let entry = self.tag(Kind::ListItem, list);
            let label = self.tag(Kind::Label, entry);
            let body = self.tag(Kind::ListBody, entry);
            let inner = frame.indented(indent, indent).within(body);
            let first_item = self.list.items.len();
            self.previous_was_paragraph = false;
            // Items keep the list's direction (the side its markers hang on) where the
            // document leaves paragraphs to their own.
            let outer = self.list_direction;
            if self.settings.direction == Direction::Auto {
                self.list_direction = Some(if inner.rtl {
                    Direction::Rtl
                } else {
                    Direction::Ltr
                });
            }
            self.blocks(&item.blocks, &inner);
            self.list_direction = outer;
            self.hang_marker(first_item, &marker, &inner, label);
            let between = if tight {
                spacing * SPACE_BETWEEN_TIGHT
            } else {
                spacing
            };
            self.space(between, frame);
        }
        self.space(spacing * SPACE_AROUND, frame);
        self.previous_was_paragraph = false;
    }

    /// Hangs a list marker in the margin before the item's first line (on its left, or
    /// its right in a right-to-left document).
    fn hang_marker(&mut self, first_item: usize, marker: &Marker, inner: &Frame, label: Tag) {
        let size = self.settings.font_size * inner.scale;
        let text = match marker {
            Marker::Text(text) => text.as_str(),
            Marker::Task { done: true } => "\u{2713}",
            Marker::Task { done: false } => "",
        };
        let runs = self.shape_marker(text, size, inner.rtl);
        let Some(VItem::Line(line)) = self.list.items[first_item..]
            .iter_mut()
            .find(|item| matches!(item, VItem::Line(_)))
        else {
            return;
        };
        let width: f32 = runs.iter().map(|r| r.width()).sum();
        if let Marker::Task { .. } = marker {
            // A drawn box (the bundled faces have no ballot box), the tick inside it.
            let side = Pt(size * CHECK_BOX_EM);
            let left = inner.hanging(side.0, size * MARKER_GAP_EM);
            let right = left + side;
            let (top, bottom) = (line.baseline - side, line.baseline);
            for (from, to) in [
                ((left, top), (right, top)),
                ((right, top), (right, bottom)),
                ((right, bottom), (left, bottom)),
                ((left, bottom), (left, top)),
            ] {
                line.elements
                    .push(Element::rule(from, to, CHECK_BOX_THICKNESS, 0.0));
            }
            // The tick centred in the box.
            let x = left + (side - Pt(width)) / 2.0;
            line.prepend_runs(runs, x, label);
            return;
        }
        line.prepend_runs(runs, inner.hanging(width, size * MARKER_GAP_EM), label);
    }
}
