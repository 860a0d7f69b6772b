//! Stage 5: vertical list → pages.
//!
//! Takes the [`VItem`] list and the page geometry and gives [`Page`]s with everything
//! positioned, plus the anchors (headings) with their pages. Pages are filled top to
//! bottom; a page ends at the last place the list allows a break before it overflows, so
//! the rules encoded as penalties (no widows, no orphans, headings kept with what follows)
//! hold on every page. Spaces vanish at the top of a page. Running header and footer are
//! added once the page count is known ([`furniture`]).

pub mod furniture;

use std::ops::Range;

use crate::error::Warning;
use crate::flow::{LineBox, VItem, NO_BREAK};
use crate::frame::{Anchor, Element, Page};

/// Where the text area of a page is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub page_width: f32,
    pub page_height: f32,
    pub left: f32,
    pub top: f32,
    /// Width and height of the text area.
    pub text_width: f32,
    pub text_height: f32,
    /// Columns per page; the paginator fills one column after the other.
    pub columns: usize,
    pub column_width: f32,
    pub column_gap: f32,
}

/// Cost of leaving the bottom of a page empty, per line left empty, squared: a page may
/// end a line or two early to avoid a costlier break, but not half a page early.
const UNDERFULL_COST_PER_LINE: f32 = 10.0;
/// Cost of continuing a note on the next page (TeX's \\floatingpenalty, roughly).
const SPLIT_NOTE_COST: f32 = 300.0;
/// Space taken by the rule above the notes, in body lines.
const NOTE_SEPARATOR_LINES: f32 = 0.9;

/// Lines `lines` of note `note`.
#[derive(Debug, Clone, PartialEq)]
pub struct NotePart {
    pub note: usize,
    pub lines: Range<usize>,
}

/// What goes on one page: a range of the vertical list, and notes for its foot.
#[derive(Debug, Clone, PartialEq)]
pub struct PagePlan {
    pub items: Range<usize>,
    pub notes: Vec<NotePart>,
}

/// A place the current page could end, and the state of its notes there.
#[derive(Debug, Clone)]
struct Candidate {
    cost: f32,
    end: usize,
    notes: Vec<NotePart>,
    carry: Vec<NotePart>,
}

fn lines_height(lines: &[LineBox]) -> f32 {
    lines.iter().map(|l| l.height).sum()
}

/// Splits the vertical list into pages, with the notes each page's lines refer to at its
/// foot. `line_unit` is the body text's line height, the unit in which an underfull page
/// is measured.
pub fn break_pages(
    items: &[VItem],
    notes: &[Vec<LineBox>],
    text_height: f32,
    line_unit: f32,
    warnings: &mut Vec<Warning>,
) -> Vec<PagePlan> {
    let separator = line_unit * NOTE_SEPARATOR_LINES;
    let underfull = |empty: f32| {
        let lines = empty.max(0.0) / line_unit;
        UNDERFULL_COST_PER_LINE * lines * lines
    };
    let note_height = |part: &NotePart| lines_height(&notes[part.note][part.lines.clone()]);
    let mut pages = Vec::new();
    let mut carry: Vec<NotePart> = Vec::new();
    let mut i = 0;
    loop {
        // Nothing discardable starts a page.
        while i < items.len() && !matches!(items[i], VItem::Line(_)) {
            i += 1;
        }
        if i >= items.len() && carry.is_empty() {
            break;
        }

        // Notes continued from the previous page come first, leaving room for text.
        let mut parts: Vec<NotePart> = Vec::new();
        let mut carry_out: Vec<NotePart> = Vec::new();
        let mut foot = 0.0;
        let cap = if i >= items.len() {
            text_height
        } else {
            text_height * 0.75
        } - separator;
        for part in carry.drain(..) {
            if !carry_out.is_empty() {
                carry_out.push(part);
                continue;
            }
            let mut end = part.lines.start;
            for line in &notes[part.note][part.lines.clone()] {
                if foot + line.height > cap && !(parts.is_empty() && end == part.lines.start) {
                    break;
                }
                foot += line.height;
                end += 1;
            }
            if end > part.lines.start {
                parts.push(NotePart {
                    note: part.note,
                    lines: part.lines.start..end,
                });
            }
            if end < part.lines.end {
                carry_out.push(NotePart {
                    note: part.note,
                    lines: end..part.lines.end,
                });
            }
        }
        let mut on_page: Vec<usize> = parts.iter().map(|p| p.note).collect();

        let start = i;
        // A table row that starts a page brings its table's header along.
        let mut y = match items.get(start) {
            Some(VItem::Line(LineBox {
                repeat_header: Some(header),
                ..
            })) => header.height,
            _ => 0.0,
        };
        let mut best: Option<Candidate> = None;
        let mut chosen: Option<Candidate> = None;
        let mut j = start;
        let foot_total = |foot: f32| if foot > 0.0 { foot + separator } else { 0.0 };
        while j < items.len() {
            match &items[j] {
                VItem::Line(line) => {
                    let new: Vec<usize> = line
                        .notes
                        .iter()
                        .copied()
                        .filter(|k| !on_page.contains(k))
                        .collect();
                    let new_height: f32 = new.iter().map(|&k| lines_height(&notes[k])).sum();
                    let foot_after = foot + new_height;
                    if y + line.height + foot_total(foot_after) <= text_height + 0.01 {
                        y += line.height;
                        for k in new {
                            parts.push(NotePart {
                                note: k,
                                lines: 0..notes[k].len(),
                            });
                            on_page.push(k);
                        }
                        foot = foot_after;
                        j += 1;
                        continue;
                    }
                    // The line does not fit with its notes whole. Perhaps with its last
                    // note continued on the next page, if the page may end after it.
                    let may_end_after = j + 1 >= items.len()
                        || matches!(items[j + 1], VItem::Penalty(p) if p < NO_BREAK)
                        || j == start;
                    if let (Some((&last, others)), true) = (new.split_last(), may_end_after) {
                        let others_height: f32 =
                            others.iter().map(|&k| lines_height(&notes[k])).sum();
                        // Room for the last note under everything else (one rule above all).
                        let room = text_height - y - line.height - separator - foot - others_height;
                        let mut fit = 0;
                        let mut used = 0.0;
                        for note_line in &notes[last] {
                            if used + note_line.height > room + 0.01 {
                                break;
                            }
                            used += note_line.height;
                            fit += 1;
                        }
                        let forced = j == start;
                        if fit >= 1 || forced {
                            let fit = fit.max(1);
                            let mut split_parts = parts.clone();
                            for &k in others {
                                split_parts.push(NotePart {
                                    note: k,
                                    lines: 0..notes[k].len(),
                                });
                            }
                            split_parts.push(NotePart {
                                note: last,
                                lines: 0..fit,
                            });
                            let mut split_carry = carry_out.clone();
                            if fit < notes[last].len() {
                                split_carry.push(NotePart {
                                    note: last,
                                    lines: fit..notes[last].len(),
                                });
                            }
                            let penalty = match items.get(j + 1) {
                                Some(VItem::Penalty(p)) => *p,
                                _ => 0.0,
                            };
                            let split_foot: f32 = split_parts.iter().map(note_height).sum();
                            let cost = penalty.min(NO_BREAK - 1.0)
                                + SPLIT_NOTE_COST
                                + underfull(text_height - y - line.height - foot_total(split_foot));
                            let candidate = Candidate {
                                cost,
                                end: j + 1,
                                notes: split_parts,
                                carry: split_carry,
                            };
                            if forced || best.as_ref().is_none_or(|b| cost <= b.cost) {
                                best = Some(candidate);
                            }
                        }
                    }
                    if j == start && best.is_none() {
                        // A line too tall for an empty page: place it anyway.
                        best = Some(Candidate {
                            cost: 0.0,
                            end: j + 1,
                            notes: parts.clone(),
                            carry: carry_out.clone(),
                        });
                    }
                    chosen = Some(match best.take() {
                        Some(b) => b,
                        None => {
                            // A block taller than the page with no allowed break: split it
                            // here rather than lose its text.
                            warnings.push(Warning::ForcedPageBreak {
                                page: pages.len() + 1,
                            });
                            Candidate {
                                cost: 0.0,
                                end: j,
                                notes: parts.clone(),
                                carry: carry_out.clone(),
                            }
                        }
                    });
                    break;
                }
                VItem::Space { height, .. } => y += height,
                VItem::Penalty(penalty) => {
                    if *penalty < NO_BREAK {
                        let cost = penalty + underfull(text_height - y - foot_total(foot));
                        // Ties go to the later break: fuller pages.
                        if best.as_ref().is_none_or(|b| cost <= b.cost) {
                            best = Some(Candidate {
                                cost,
                                end: j,
                                notes: parts.clone(),
                                carry: carry_out.clone(),
                            });
                        }
                    }
                }
            }
            j += 1;
        }
        let chosen = chosen.unwrap_or(Candidate {
            cost: 0.0,
            end: items.len(),
            notes: parts,
            carry: carry_out,
        });
        pages.push(PagePlan {
            items: start..chosen.end.max(start),
            notes: chosen.notes,
        });
        carry = chosen.carry;
        i = chosen.end.max(start);
    }
    pages
}

/// Lays out each page: the items of each column's range from the top, its notes at the
/// column's foot under a short rule. `plans` are columns; with two columns a page holds
/// plans 0 and 1, the next 2 and 3.
pub fn place(
    items: &[VItem],
    notes: &[Vec<LineBox>],
    plans: &[PagePlan],
    geometry: &Geometry,
    line_unit: f32,
) -> (Vec<Page>, Vec<Anchor>) {
    let columns = geometry.columns.max(1);
    let mut pages: Vec<Page> = Vec::with_capacity(plans.len().div_ceil(columns));
    let mut anchors = Vec::new();
    let mut add_line =
        |line: &LineBox, x: f32, y: f32, page: usize, elements: &mut Vec<Element>| {
            for (id, outline) in &line.anchors {
                anchors.push(Anchor {
                    id: id.clone(),
                    outline: outline.clone(),
                    page,
                    y,
                });
            }
            elements.extend(line.elements.iter().map(|e| e.clone().translated(x, y)));
        };
    for (slot, plan) in plans.iter().enumerate() {
        let page_index = slot / columns;
        if pages.len() <= page_index {
            pages.push(Page {
                width: geometry.page_width,
                height: geometry.page_height,
                elements: Vec::new(),
            });
        }
        let left =
            geometry.left + (slot % columns) as f32 * (geometry.column_width + geometry.column_gap);
        let mut elements = Vec::new();
        let mut y = geometry.top;
        let slice = &items[plan.items.clone()];
        if let Some(VItem::Line(LineBox {
            repeat_header: Some(header),
            ..
        })) = slice.first()
        {
            add_line(header, left, y, page_index, &mut elements);
            y += header.height;
        }
        // Trailing spaces do not draw their quote bars into the bottom margin.
        let last_line = slice
            .iter()
            .rposition(|item| matches!(item, VItem::Line(_)))
            .unwrap_or(0);
        for (k, item) in slice.iter().enumerate() {
            match item {
                VItem::Line(line) => {
                    add_line(line, left, y, page_index, &mut elements);
                    y += line.height;
                }
                VItem::Space { height, bars } => {
                    if k < last_line {
                        for &x in bars {
                            elements.push(Element::Rule {
                                from: (left + x, y),
                                to: (left + x, y + height),
                                thickness: 0.8,
                                gray: 0.45,
                            });
                        }
                    }
                    y += height;
                }
                VItem::Penalty(_) => {}
            }
        }
        if !plan.notes.is_empty() {
            let foot: f32 = plan
                .notes
                .iter()
                .map(|p| lines_height(&notes[p.note][p.lines.clone()]))
                .sum();
            let mut y = geometry.top + geometry.text_height - foot;
            let rule_y = y - line_unit * NOTE_SEPARATOR_LINES * 0.45;
            elements.push(Element::Rule {
                from: (left, rule_y),
                to: (left + geometry.column_width * 0.25, rule_y),
                thickness: 0.5,
                gray: 0.0,
            });
            for part in &plan.notes {
                for line in &notes[part.note][part.lines.clone()] {
                    add_line(line, left, y, page_index, &mut elements);
                    y += line.height;
                }
            }
        }
        pages[page_index].elements.extend(elements);
    }
    (pages, anchors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::LineBox;

    fn line(tag: &str) -> VItem {
        VItem::Line(LineBox {
            height: 10.0,
            baseline: 8.0,
            elements: Vec::new(),
            hyphenated: tag.ends_with('-'),
            notes: Vec::new(),
            repeat_header: None,
            anchors: vec![(tag.to_string(), None)],
        })
    }

    /// A paragraph of `n` lines with the widow and orphan penalties the flow stage uses.
    fn paragraph(name: &str, n: usize) -> Vec<VItem> {
        let mut items = Vec::new();
        for i in 0..n {
            if i > 0 {
                items.push(VItem::Penalty(if i == 1 || i == n - 1 {
                    NO_BREAK
                } else {
                    0.0
                }));
            }
            items.push(line(&format!("{name}{}", i + 1)));
        }
        items
    }

    fn pages_of(items: &[VItem], height: f32) -> Vec<Vec<String>> {
        let mut warnings = Vec::new();
        break_pages(items, &[], height, 10.0, &mut warnings)
            .into_iter()
            .map(|p| {
                items[p.items]
                    .iter()
                    .filter_map(|item| match item {
                        VItem::Line(l) => Some(l.anchors[0].0.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn no_orphan_at_the_bottom() {
        // Page holds 5 lines; A has 4, B has 5: B's first line alone would be an orphan.
        let mut items = paragraph("a", 4);
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("b", 5));
        let pages = pages_of(&items, 50.0);
        assert_eq!(pages[0], vec!["a1", "a2", "a3", "a4"]);
        assert_eq!(pages[1][0], "b1");
    }

    #[test]
    fn no_widow_at_the_top() {
        // A has 6 lines and the page 5: a1-a5 would leave a6 alone on the next page.
        let items = paragraph("a", 6);
        let pages = pages_of(&items, 50.0);
        assert_eq!(pages[0], vec!["a1", "a2", "a3", "a4"]);
        assert_eq!(pages[1], vec!["a5", "a6"]);
    }

    #[test]
    fn heading_keeps_with_two_lines_of_what_follows() {
        let mut items = paragraph("a", 3);
        items.push(VItem::Penalty(0.0));
        items.push(line("h"));
        items.push(VItem::Penalty(NO_BREAK));
        items.push(VItem::Space {
            height: 2.0,
            bars: Vec::new(),
        });
        items.extend(paragraph("b", 4));
        // Room for 5 lines: a1-a3 + heading + b1 would strand the heading with one line.
        let pages = pages_of(&items, 50.0);
        assert_eq!(pages[0], vec!["a1", "a2", "a3"]);
        assert_eq!(pages[1][..3], ["h", "b1", "b2"]);
    }

    #[test]
    fn a_word_split_across_pages_costs_a_line_of_fill() {
        // Six lines fit; the page would end after line 6, whose word continues on line 7.
        let mut items = Vec::new();
        for i in 1..=9 {
            if i > 1 {
                let penalty = if i == 2 || i == 9 {
                    NO_BREAK
                } else if i == 7 {
                    crate::flow::BROKEN_WORD_PENALTY
                } else {
                    0.0
                };
                items.push(VItem::Penalty(penalty));
            }
            items.push(line(&format!("a{i}{}", if i == 6 { "-" } else { "" })));
        }
        let pages = pages_of(&items, 60.0);
        assert_eq!(pages[0], vec!["a1", "a2", "a3", "a4", "a5"]);
    }

    #[test]
    fn spaces_vanish_at_the_top_of_a_page() {
        let mut items = paragraph("a", 2);
        items.push(VItem::Penalty(0.0));
        items.push(VItem::Space {
            height: 30.0,
            bars: Vec::new(),
        });
        items.extend(paragraph("b", 2));
        let mut warnings = Vec::new();
        let ranges: Vec<_> = break_pages(&items, &[], 35.0, 10.0, &mut warnings)
            .into_iter()
            .map(|p| p.items)
            .collect();
        assert_eq!(ranges.len(), 2);
        assert!(matches!(items[ranges[1].start], VItem::Line(_)));
        assert!(warnings.is_empty());
    }

    #[test]
    fn unbreakable_block_taller_than_a_page_is_split_with_a_warning() {
        let items: Vec<VItem> = (0..8)
            .flat_map(|i| [VItem::Penalty(NO_BREAK), line(&format!("x{i}"))])
            .skip(1)
            .collect();
        let mut warnings = Vec::new();
        let ranges: Vec<_> = break_pages(&items, &[], 50.0, 10.0, &mut warnings)
            .into_iter()
            .map(|p| p.items)
            .collect();
        assert_eq!(ranges.len(), 2);
        assert_eq!(warnings, vec![Warning::ForcedPageBreak { page: 1 }]);
    }
}
