//! Tables in the manner of a book: no cage of boxes, only a rule above and below and
//! one under the header; columns as wide as their content allows; cell text wrapped
//! (and hyphenated where it is prose); the header repeated at the top of a page when
//! the table continues there. A table too wide for the measure is set smaller, down to
//! three quarters of the size, and then its words break inside narrow columns rather
//! than run off the page.

use std::sync::Arc;

use super::{Flow, Frame};
use crate::context::{Exceeded, Limit};
use crate::error::Error;
use crate::flow::vlist::{add_bars, NO_BREAK};
use crate::geom::Pt;
use crate::inline::{self, Align, LineBox, ParagraphStyle};
use crate::layout::{Element, Role};
use crate::model::{ColumnAlign, Inline};

/// Space between columns, in ems of the table's type size.
const COLUMN_GAP_EM: f32 = 1.2;
/// The smallest size a wide table is reduced to, relative to body text.
const MIN_SCALE: f32 = 0.75;
/// Table text relative to body text.
const TABLE_SCALE: f32 = 0.92;
/// Baseline distance of cell text, as a multiple of its size.
const LINE_HEIGHT: f32 = 1.3;
/// Space above and below the text of a row, in ems.
const ROW_PAD_EM: f32 = 0.3;
/// The rules: above and below the table, and under the header.
const OUTER_RULE: Pt = Pt(0.8);
const HEADER_RULE: Pt = Pt(0.5);

impl Flow<'_> {
    pub(super) fn table_block(
        &mut self,
        aligns: &[ColumnAlign],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        frame: &Frame,
    ) {
        let spacing = self.block_spacing(frame);
        self.space(spacing, frame);
        self.table(aligns, head, rows, frame);
        self.space(spacing, frame);
        self.previous_was_paragraph = false;
    }

    fn table(
        &mut self,
        aligns: &[ColumnAlign],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        frame: &Frame,
    ) {
        let columns = std::iter::once(head.len())
            .chain(rows.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        self.table_cells += columns * (rows.len() + 1);
        let max_cells = self.services.limits.max_table_cells;
        if self.table_cells > max_cells {
            self.stop(Error::Limit(Exceeded {
                limit: Limit::TableCells,
                allowed: max_cells as u64,
                found: self.table_cells as u64,
            }));
            return;
        }
        let base = self.size() * frame.scale * TABLE_SCALE;
        let faces = &self.settings.faces;
        let style = |size: f32, bold: bool| ParagraphStyle {
            size,
            bold,
            italic: false,
            justify: false,
            hyphenate: self.settings.hyphenate,
            indent: 0.0,
            monospace: false,
            balance: false,
            family: faces.body,
            code: faces.code,
        };

        // Column widths from content, as browsers lay out tables: every column gets its
        // widest word, and the rest of the measure is shared in proportion to how much
        // more each column would like.
        let measure = |flow: &Flow<'_>, size: f32| {
            let mut min = vec![0.0f32; columns];
            let mut natural = vec![0.0f32; columns];
            let services = flow.text_services();
            let all =
                std::iter::once((head, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
            for (row, bold) in all {
                for (c, cell) in row.iter().enumerate() {
                    let m = inline::widths(cell, &style(size, bold), &services);
                    min[c] = min[c].max(m.min);
                    natural[c] = natural[c].max(m.natural);
                }
            }
            (min, natural)
        };
        let mut size = base;
        let (mut min, mut natural) = measure(self, size);
        let gap = |size: f32| size * COLUMN_GAP_EM * (columns - 1) as f32;
        let needed: f32 = min.iter().sum::<f32>() + gap(size);
        let frame_width = frame.width.0;
        if needed > frame_width {
            size = (base * frame_width / needed).max(self.size() * MIN_SCALE);
            (min, natural) = measure(self, size);
        }
        let available = (frame_width - gap(size)).max(frame_width * 0.3);
        let widths = column_widths(&min, &natural, available);

        let leading = size * LINE_HEIGHT;
        let pad = size * ROW_PAD_EM;
        let x_of = |c: usize| widths[..c].iter().sum::<f32>() + size * COLUMN_GAP_EM * c as f32;
        let table_width = x_of(columns - 1) + widths[columns - 1];

        let set_row = |flow: &mut Flow<'_>, cells: &[Vec<Inline>], bold: bool| -> LineBox {
            let mut row = LineBox {
                role: Role::Table,
                ..LineBox::default()
            };
            let mut tallest = 0.0f32;
            for (c, cell) in cells.iter().enumerate() {
                let cell_frame = Frame {
                    // A right-to-left document's first column is on the right.
                    left: if frame.rtl {
                        frame.start_edge() - Pt(x_of(c) + widths[c])
                    } else {
                        frame.left + Pt(x_of(c))
                    },
                    width: Pt(widths[c]),
                    ..frame.clone()
                };
                let align = match aligns.get(c).copied().unwrap_or_default() {
                    ColumnAlign::Left => Align::Start,
                    ColumnAlign::Center => Align::Center,
                    ColumnAlign::Right => Align::End,
                };
                let cell_style = style(size, bold);
                // Bars of enclosing quotes are drawn once per row, not per cell.
                let lines = flow.set(cell, &cell_style, &cell_frame.measure(align, LINE_HEIGHT));
                let mut y = pad;
                for line in lines {
                    row.elements.extend(
                        line.elements
                            .into_iter()
                            .map(|e| e.translated(Pt::ZERO, Pt(y))),
                    );
                    row.notes.extend(line.notes);
                    row.anchors.extend(line.anchors);
                    y += line.height.0;
                }
                tallest = tallest.max(y - pad);
            }
            row.height = Pt(tallest.max(leading) + 2.0 * pad);
            row.baseline = Pt(pad + leading * 0.75);
            add_bars(&mut row, &frame.bars);
            row
        };

        let rule = |row: &mut LineBox, y: f32, thickness: Pt| {
            row.elements.push(Element::rule(
                (frame.start_edge(), Pt(y)),
                (frame.inward(table_width), Pt(y)),
                thickness,
                0.0,
            ));
        };
        let mut header = set_row(self, head, true);
        rule(&mut header, 0.0, OUTER_RULE);
        let header_height = header.height.0;
        rule(&mut header, header_height, HEADER_RULE);
        let header = Arc::new(header);

        let mut boxes = vec![(*header).clone()];
        let mut height = header_height;
        for (r, cells) in rows.iter().enumerate() {
            if self.must_stop() || !self.within_page_budget(height) {
                return;
            }
            let mut row = set_row(self, cells, false);
            height += row.height.0;
            if r + 1 == rows.len() {
                let h = row.height.0;
                rule(&mut row, h, OUTER_RULE);
            }
            row.repeat_header = Some(header.clone());
            boxes.push(row);
        }
        if rows.is_empty() {
            let h = boxes[0].height.0;
            rule(&mut boxes[0], h, OUTER_RULE);
        }
        // Rows may break between them, but the header stays with the first row.
        self.list
            .push_rows(boxes, |i| if i == 1 { NO_BREAK } else { 0.0 });
    }
}

/// Shares `available` among columns: each gets at least its `min`; what is left goes to
/// the columns that want more, in proportion to how much more. If even the minimums do
/// not fit, the columns with the longest words give up width (their words hyphenate or
/// break) and columns of short words keep theirs: every column gets `min(min, cap)`, for
/// the cap that fills the measure.
pub fn column_widths(min: &[f32], natural: &[f32], available: f32) -> Vec<f32> {
    let total_min: f32 = min.iter().sum();
    let total_natural: f32 = natural.iter().zip(min).map(|(n, m)| n.max(*m)).sum();
    if total_natural <= available {
        return natural.iter().zip(min).map(|(n, m)| n.max(*m)).collect();
    }
    if total_min >= available {
        let filled = |cap: f32| min.iter().map(|m| m.min(cap)).sum::<f32>();
        let (mut lo, mut hi) = (0.0f32, min.iter().copied().fold(0.0, f32::max));
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if filled(mid) > available {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return min.iter().map(|m| m.min(lo)).collect();
    }
    let wants: Vec<f32> = natural
        .iter()
        .zip(min)
        .map(|(n, m)| (n - m).max(0.0))
        .collect();
    let total_wants: f32 = wants.iter().sum::<f32>().max(f32::EPSILON);
    let spare = available - total_min;
    min.iter()
        .zip(&wants)
        .map(|(m, w)| m + spare * w / total_wants)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn narrow_tables_keep_natural_widths() {
        assert_eq!(
            column_widths(&[10.0, 20.0], &[30.0, 40.0], 100.0),
            vec![30.0, 40.0]
        );
    }

    #[test]
    fn wide_tables_share_the_spare_room_by_want() {
        let w = column_widths(&[10.0, 10.0], &[110.0, 30.0], 60.0);
        assert!((w.iter().sum::<f32>() - 60.0).abs() < 1e-3);
        assert!((w[0] - (10.0 + 40.0 * 100.0 / 120.0)).abs() < 1e-3);
    }

    #[test]
    fn too_wide_tables_narrow_the_columns_of_long_words_first() {
        let w = column_widths(&[80.0, 40.0, 10.0], &[100.0, 50.0, 10.0], 70.0);
        assert!(
            (w[0] - 30.0).abs() < 0.01 && (w[1] - 30.0).abs() < 0.01,
            "{w:?}"
        );
        assert_eq!(w[2], 10.0);
    }
}
