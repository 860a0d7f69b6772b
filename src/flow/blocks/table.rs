//! Tables in the manner of a book: no cage of boxes, only a rule above and below and
//! one under the header; columns as wide as their content allows, the header on one line
//! and short columns unwrapped where the measure allows; cell text wrapped at spaces (never
//! hyphenated unless a word is wider than its column); at least two rows on each side of
//! a page break, and the header repeated at the top of the next page. A table too wide for
//! the measure is set smaller, down to three quarters of the size; still too wide, it is
//! printed in parts of columns, each repeating the first column, with one warning.

use std::sync::Arc;

use super::{Flow, Frame};
use crate::context::{Exceeded, Limit};
use crate::error::{Error, Warning};
use crate::flow::vlist::{add_bars, NO_BREAK};
use crate::geom::Pt;
use crate::inline::{self, Align, LineBox, ParagraphStyle};
use crate::layout::{Element, Role};
use crate::model::{ColumnAlign, Inline};
use crate::structure::{Kind, Tag};

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
/// Added to measured widths so that a word set in a column exactly its width is not
/// judged a hair too wide by rounding.
const WIDTH_SLACK: f32 = 0.05;
/// The first column is repeated in each part of a table split by columns only if it takes
/// at most this share of the measure.
const REPEATED_COLUMN_SHARE: f32 = 1.0 / 3.0;
/// Rows kept together at each end of a table split by a page break.
const ROWS_KEPT: usize = 2;

/// What a table's columns need, measured at one type size.
struct ColumnNeeds {
    /// The widest word of each column.
    min: Vec<f32>,
    /// Each column's widest cell on one line.
    natural: Vec<f32>,
    /// The header cell on one line.
    head: Vec<f32>,
}

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

    fn cell_style(&self, size: f32, bold: bool, hyphenate: bool) -> ParagraphStyle {
        let faces = &self.settings.faces;
        ParagraphStyle {
            size,
            bold,
            italic: false,
            justify: false,
            expansion: 0.0,
            hyphenate,
            indent: 0.0,
            monospace: false,
            balance: false,
            family: faces.body,
            code: faces.code,
        }
    }

    /// What each of `columns` columns needs at `size`.
    fn measure_columns(
        &self,
        columns: usize,
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        size: f32,
    ) -> ColumnNeeds {
        let mut needs = ColumnNeeds {
            min: vec![0.0; columns],
            natural: vec![0.0; columns],
            head: vec![0.0; columns],
        };
        let services = self.text_services();
        let all = std::iter::once((head, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
        for (row, bold) in all {
            for (c, cell) in row.iter().enumerate() {
                let m = inline::widths(cell, &self.cell_style(size, bold, false), &services);
                needs.min[c] = needs.min[c].max(m.min + WIDTH_SLACK);
                needs.natural[c] = needs.natural[c].max(m.natural + WIDTH_SLACK);
                if bold {
                    needs.head[c] = m.natural + WIDTH_SLACK;
                }
            }
        }
        needs
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
        let frame_width = frame.width.0;
        let gaps = |size: f32, n: usize| size * COLUMN_GAP_EM * n.saturating_sub(1) as f32;
        let mut size = base;
        let mut needs = self.measure_columns(columns, head, rows, size);
        let needed: f32 = needs.min.iter().sum::<f32>() + gaps(size, columns);
        if needed > frame_width {
            size = (base * frame_width / needed).max(self.size() * MIN_SCALE);
            needs = self.measure_columns(columns, head, rows, size);
        }
        let parts = column_parts(&needs.min, size * COLUMN_GAP_EM, frame_width);
        let warnings_before = self.warnings.len();
        for (k, part) in parts.iter().enumerate() {
            if k > 0 {
                let spacing = self.block_spacing(frame);
                self.space(spacing, frame);
            }
            let pick = |v: &[f32]| part.iter().map(|&c| v[c]).collect::<Vec<f32>>();
            let available = (frame_width - gaps(size, part.len())).max(0.0);
            let min = pick(&needs.min);
            let widths = column_widths(&min, &pick(&needs.natural), &pick(&needs.head), available);
            let hyphenate: Vec<bool> = widths
                .iter()
                .zip(&min)
                .map(|(w, m)| self.settings.hyphenate && w < m)
                .collect();
            let layout = PartLayout {
                columns: part,
                widths: &widths,
                hyphenate: &hyphenate,
                size,
            };
            if !self.table_part(&layout, aligns, head, rows, frame) {
                return;
            }
        }
        // Words broken inside narrow columns make one warning for the table, not one
        // per cell.
        let mut broken = 0;
        let mut k = warnings_before;
        while k < self.warnings.len() {
            if matches!(self.warnings[k], Warning::EmergencyBreak { .. }) {
                self.warnings.remove(k);
                broken += 1;
            } else {
                k += 1;
            }
        }
        if parts.len() > 1 || broken > 0 {
            self.warnings.push(Warning::WideTable {
                columns,
                parts: parts.len(),
                broken,
            });
        }
    }

    /// Sets the columns of `layout` of the table as a table of their own. False if the
    /// flow stopped (a limit was reached).
    fn table_part(
        &mut self,
        layout: &PartLayout<'_>,
        aligns: &[ColumnAlign],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        frame: &Frame,
    ) -> bool {
        let PartLayout {
            columns,
            widths,
            hyphenate,
            size,
        } = *layout;
        let leading = size * LINE_HEIGHT;
        let pad = size * ROW_PAD_EM;
        let x_of = |k: usize| widths[..k].iter().sum::<f32>() + size * COLUMN_GAP_EM * k as f32;
        let last = columns.len() - 1;
        let table_width = x_of(last) + widths[last];

        let table = self.tag(Kind::Table, frame.parent);
        // A row of the table in the structure, in its head or its body, and its cells.
        let set_row = |flow: &mut Flow<'_>, cells: &[Vec<Inline>], bold: bool, part: Tag| {
            let row_tag = flow.tag(Kind::TableRow, part);
            let cell_kind = if bold {
                Kind::HeaderCell
            } else {
                Kind::DataCell
            };
            let mut row = LineBox {
                role: Role::Table,
                ..LineBox::default()
            };
            let mut tallest = 0.0f32;
            for (k, &c) in columns.iter().enumerate() {
                let Some(cell) = cells.get(c) else {
                    continue;
                };
                let cell_frame = Frame {
                    // A right-to-left document's first column is on the right.
                    left: if frame.rtl {
                        frame.start_edge() - Pt(x_of(k) + widths[k])
                    } else {
                        frame.left + Pt(x_of(k))
                    },
                    width: Pt(widths[k]),
                    ..frame.clone()
                };
                let align = match aligns.get(c).copied().unwrap_or_default() {
                    ColumnAlign::Left => Align::Start,
                    ColumnAlign::Center => Align::Center,
                    ColumnAlign::Right => Align::End,
                };
                // Header cells are never hyphenated.
                let cell_style = flow.cell_style(size, bold, hyphenate[k] && !bold);
                // Bars of enclosing quotes are drawn once per row, not per cell.
                let cell_tag = flow.tag(cell_kind.clone(), row_tag);
                let measure = cell_frame.measure(align, LINE_HEIGHT);
                let lines = flow.set(cell, &cell_style, &measure, cell_tag);
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
        let head_tag = self.tag(Kind::TableHead, table);
        let mut header = set_row(self, head, true, head_tag);
        let body_tag = self.tag(Kind::TableBody, table);
        rule(&mut header, 0.0, OUTER_RULE);
        let header_height = header.height.0;
        rule(&mut header, header_height, HEADER_RULE);
        let header = Arc::new(header);

        let mut boxes = vec![(*header).clone()];
        let mut height = header_height;
        for (r, cells) in rows.iter().enumerate() {
            if self.must_stop() || !self.within_page_budget(height) {
                return false;
            }
            let mut row = set_row(self, cells, false, body_tag);
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
        // Rows may break between them, but the header stays with the first rows, and at
        // least two rows go on each side of a break.
        let n = boxes.len();
        self.list.push_rows(boxes, |i| {
            if i <= ROWS_KEPT || i + ROWS_KEPT > n {
                NO_BREAK
            } else {
                0.0
            }
        });
        true
    }
}

/// How one part of a table is set: which columns, how wide, which may hyphenate.
#[derive(Clone, Copy)]
struct PartLayout<'a> {
    columns: &'a [usize],
    widths: &'a [f32],
    hyphenate: &'a [bool],
    size: f32,
}

/// Splits the columns into parts that fit `available` at their widest words, each
/// repeating the first column when it is narrow enough to be worth repeating: one part
/// when the whole table fits.
pub fn column_parts(min: &[f32], gap: f32, available: f32) -> Vec<Vec<usize>> {
    let columns = min.len();
    let total = min.iter().sum::<f32>() + gap * columns.saturating_sub(1) as f32;
    if total <= available || columns <= 1 {
        return vec![(0..columns).collect()];
    }
    let repeat = min[0] + gap <= available * REPEATED_COLUMN_SHARE;
    let (first, rest) = if repeat {
        (vec![0], 1)
    } else {
        (Vec::new(), 0)
    };
    let width_of = |part: &[usize]| {
        part.iter().map(|&c| min[c]).sum::<f32>() + gap * part.len().saturating_sub(1) as f32
    };
    let mut parts = Vec::new();
    let mut part = first.clone();
    for c in rest..columns {
        part.push(c);
        // A column that does not fit with others starts a part of its own (where, alone,
        // its words break if it is still too wide).
        if width_of(&part) > available && part.len() > first.len() + 1 {
            part.pop();
            parts.push(std::mem::replace(&mut part, first.clone()));
            part.push(c);
        }
    }
    if part.len() > first.len() {
        parts.push(part);
    }
    parts
}

/// Shares `available` among columns. Each gets at least its widest word (`min`), and its
/// header on one line (`head`) if all headers fit; then columns that want little more to
/// fit on one line (`natural`) get it, shortest wants first while each is within a fair
/// share of what is left; the rest is shared by the others in proportion to how much more
/// they want. If even the widest words do not fit, the columns with the longest words give
/// up width (their words break) and columns of short words keep theirs: every column gets
/// `min(min, cap)`, for the cap that fills the measure.
pub fn column_widths(min: &[f32], natural: &[f32], head: &[f32], available: f32) -> Vec<f32> {
    let total_min: f32 = min.iter().sum();
    let natural: Vec<f32> = natural.iter().zip(min).map(|(n, m)| n.max(*m)).collect();
    if natural.iter().sum::<f32>() <= available {
        return natural;
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
    let with_head: Vec<f32> = min
        .iter()
        .zip(head)
        .zip(&natural)
        .map(|((m, h), n)| m.max(h.min(*n)))
        .collect();
    let mut widths = if with_head.iter().sum::<f32>() <= available {
        with_head
    } else {
        min.to_vec()
    };
    let wants = |widths: &[f32], c: usize| (natural[c] - widths[c]).max(0.0);
    let mut open: Vec<usize> = (0..min.len())
        .filter(|&c| wants(&widths, c) > 0.0)
        .collect();
    open.sort_by(|&a, &b| wants(&widths, a).total_cmp(&wants(&widths, b)));
    let mut spare = available - widths.iter().sum::<f32>();
    // Short wants first, each within a fair share of the spare room.
    while let Some(&c) = open.first() {
        let want = wants(&widths, c);
        if want > spare / open.len() as f32 {
            break;
        }
        widths[c] = natural[c];
        spare -= want;
        open.remove(0);
    }
    let total_wants: f32 = open.iter().map(|&c| wants(&widths, c)).sum::<f32>();
    if total_wants > 0.0 {
        let shares: Vec<(usize, f32)> = open
            .iter()
            .map(|&c| (c, spare * wants(&widths, c) / total_wants))
            .collect();
        for (c, share) in shares {
            widths[c] += share;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::{column_parts, column_widths};

    #[test]
    fn narrow_tables_keep_natural_widths() {
        assert_eq!(
            column_widths(&[10.0, 20.0], &[30.0, 40.0], &[0.0, 0.0], 100.0),
            vec![30.0, 40.0]
        );
    }

    #[test]
    fn short_columns_stay_on_one_line_and_long_ones_share_the_rest() {
        // Column 0 wants 5 more, well within a fair share: it gets its natural width; the
        // two long columns share what is left in proportion to their wants (100 and 50).
        let w = column_widths(&[20.0, 10.0, 10.0], &[25.0, 110.0, 60.0], &[0.0; 3], 100.0);
        assert!((w.iter().sum::<f32>() - 100.0).abs() < 1e-3, "{w:?}");
        assert_eq!(w[0], 25.0);
        assert!((w[1] - (10.0 + 55.0 * 100.0 / 150.0)).abs() < 1e-3, "{w:?}");
    }

    #[test]
    fn headers_fit_on_one_line_when_the_measure_allows() {
        // The header of column 1 ("Time (ms)") is wider than its widest word.
        let w = column_widths(&[10.0, 8.0], &[200.0, 20.0], &[5.0, 20.0], 100.0);
        assert!(w[1] >= 20.0, "{w:?}");
    }

    #[test]
    fn too_wide_tables_narrow_the_columns_of_long_words_first() {
        let w = column_widths(&[80.0, 40.0, 10.0], &[100.0, 50.0, 10.0], &[0.0; 3], 70.0);
        assert!(
            (w[0] - 30.0).abs() < 0.01 && (w[1] - 30.0).abs() < 0.01,
            "{w:?}"
        );
        assert_eq!(w[2], 10.0);
    }

    #[test]
    fn a_table_that_fits_is_one_part() {
        assert_eq!(
            column_parts(&[10.0, 20.0, 30.0], 5.0, 100.0),
            vec![vec![0, 1, 2]]
        );
    }

    #[test]
    fn a_wide_table_is_split_into_parts_that_repeat_the_first_column() {
        // 1 + 10 columns of 20 with gaps of 5 on a measure of 100: the first column (20)
        // and three more fit in each part.
        let min = vec![20.0; 11];
        let parts = column_parts(&min, 5.0, 100.0);
        assert_eq!(parts[0], vec![0, 1, 2, 3]);
        assert_eq!(parts[1], vec![0, 4, 5, 6]);
        assert_eq!(parts.last().unwrap(), &vec![0, 10]);
        let width = |p: &Vec<usize>| p.len() as f32 * 20.0 + 5.0 * (p.len() - 1) as f32;
        assert!(parts.iter().all(|p| width(p) <= 100.0));
    }

    #[test]
    fn a_wide_first_column_is_not_repeated() {
        let parts = column_parts(&[60.0, 50.0, 50.0], 5.0, 100.0);
        assert_eq!(parts, vec![vec![0], vec![1], vec![2]]);
    }
}
