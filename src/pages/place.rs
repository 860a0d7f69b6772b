//! Placing: each page's share of the vertical list from the top of its column, its notes
//! at the column's foot under a short rule, the anchors with their pages.

use super::breaking::{lines_height, PagePlan};
use super::{Geometry, NOTE_SEPARATOR_LINES};
use crate::flow::vlist::{BAR_GRAY, BAR_THICKNESS};
use crate::flow::VItem;
use crate::geom::Pt;
use crate::inline::LineBox;
use crate::layout::{Anchor, Element, Page};

/// The rule above the notes: where it sits in the separator's space, its length as a
/// share of the column, its thickness.
const NOTE_RULE_AT: f32 = 0.45;
const NOTE_RULE_LENGTH_SHARE: f32 = 0.25;
const NOTE_RULE_THICKNESS: Pt = Pt(0.5);

/// Lays out each page: the items of each column's range from the top, its notes at the
/// column's foot under a short rule. `plans` are columns; with two columns a page holds
/// plans 0 and 1, the next 2 and 3. `head` spans the columns at the top of the first page.
///
/// With `take_lines`, each line's elements are moved onto its page, leaving the line
/// empty: when the list is not placed again, the pages then never hold a second copy of
/// every glyph (a long article's peak memory). Notes are copied all the same: one cited
/// on several pages is set at the foot of each.
pub fn place(
    head: &mut [VItem],
    items: &mut [VItem],
    notes: &[Vec<LineBox>],
    plans: &[PagePlan],
    geometry: &Geometry,
    line_unit: f32,
    take_lines: bool,
) -> (Vec<Page>, Vec<Anchor>) {
    let columns = geometry.columns.max(1);
    let mut pages: Vec<Page> = Vec::with_capacity(plans.len().div_ceil(columns));
    let mut anchors = Vec::new();
    let mut add_line = |page: &mut Page,
                        page_index: usize,
                        line: &LineBox,
                        elements: Vec<Element>,
                        x: Pt,
                        y: Pt| {
        for anchor in &line.anchors {
            anchors.push(Anchor {
                key: anchor.key.clone(),
                outline: anchor.outline.clone(),
                page: page_index,
                y,
            });
        }
        page.push_line(line.role, x, y, line.height, elements);
    };
    for (slot, plan) in plans.iter().enumerate() {
        let page_index = slot / columns;
        if pages.len() <= page_index {
            pages.push(Page::new(geometry.page_width, geometry.page_height));
        }
        let page = &mut pages[page_index];
        let mut y = geometry.top;
        if page_index == 0 {
            // Drawn anew for each column of the first page, so measured the same way.
            let mut head_y = geometry.top;
            for item in head.iter_mut() {
                match item {
                    VItem::Line(line) => {
                        if slot == 0 {
                            let elements = elements_of(line, take_lines);
                            add_line(
                                page,
                                page_index,
                                line,
                                elements,
                                geometry.left_of(0),
                                head_y,
                            );
                        }
                        head_y += line.height;
                    }
                    VItem::Space { height, .. } => head_y += *height,
                    VItem::Penalty(_) | VItem::Float(_) => {}
                }
            }
            y = head_y;
        }
        // Where this column's text starts (under the spanning head on the first page).
        let column_top = y;
        let column = if geometry.rtl {
            columns - 1 - slot % columns
        } else {
            slot % columns
        };
        let left = geometry.left_of(page_index)
            + (geometry.column_width + geometry.column_gap) * column as f32;
        for &index in &plan.top_floats {
            if let VItem::Float(block) = &mut items[index] {
                for line in &mut block.lines {
                    let elements = elements_of(line, take_lines);
                    add_line(page, page_index, line, elements, left, y);
                    y += line.height;
                }
                y += block.space;
            }
        }
        let slice = &mut items[plan.items.clone()];
        if let Some(VItem::Line(LineBox {
            repeat_header: Some(header),
            ..
        })) = slice.first()
        {
            // The repeat is furniture: the header's content is its first showing.
            let repeat = header
                .elements
                .iter()
                .filter_map(Element::repeated)
                .collect();
            add_line(page, page_index, header, repeat, left, y);
            y += header.height;
        }
        // Trailing spaces do not draw their quote bars into the bottom margin.
        let last_line = slice
            .iter()
            .rposition(|item| matches!(item, VItem::Line(_)))
            .unwrap_or(0);
        for (k, item) in slice.iter_mut().enumerate() {
            match item {
                VItem::Line(line) => {
                    let elements = elements_of(line, take_lines);
                    add_line(page, page_index, line, elements, left, y);
                    y += line.height;
                }
                VItem::Space {
                    height,
                    shrink,
                    bars,
                } => {
                    let height = *height - *shrink * plan.squeeze;
                    if k < last_line {
                        for &x in bars.iter() {
                            page.elements.push(Element::rule(
                                (left + x, y),
                                (left + x, y + height),
                                BAR_THICKNESS,
                                BAR_GRAY,
                            ));
                        }
                    }
                    y += height;
                }
                VItem::Float(block) => {
                    if plan.deferred.contains(&(plan.items.start + k)) {
                        continue;
                    }
                    if y > column_top {
                        y += block.space;
                    }
                    for line in &mut block.lines {
                        let elements = elements_of(line, take_lines);
                        add_line(page, page_index, line, elements, left, y);
                        y += line.height;
                    }
                    y += block.space;
                }
                VItem::Penalty(_) => {}
            }
        }
        if !plan.notes.is_empty() {
            let foot: Pt = plan
                .notes
                .iter()
                .map(|p| lines_height(&notes[p.note.0 as usize][p.lines.clone()]))
                .sum();
            let mut y = geometry.top + geometry.text_height + plan.overrun - foot;
            let rule_y = y - Pt(line_unit * NOTE_SEPARATOR_LINES * NOTE_RULE_AT);
            // From the edge lines start from.
            let length = geometry.column_width * NOTE_RULE_LENGTH_SHARE;
            let start = if geometry.rtl {
                left + geometry.column_width - length
            } else {
                left
            };
            page.elements.push(Element::rule(
                (start, rule_y),
                (start + length, rule_y),
                NOTE_RULE_THICKNESS,
                0.0,
            ));
            for part in &plan.notes {
                // A note cited on several pages is set on each: always copied.
                for line in &notes[part.note.0 as usize][part.lines.clone()] {
                    let elements = line.elements.clone();
                    add_line(page, page_index, line, elements, left, y);
                    y += line.height;
                }
            }
        }
    }
    (pages, anchors)
}

/// A line's elements for its page: moved out of the line with `take`, else copied.
fn elements_of(line: &mut LineBox, take: bool) -> Vec<Element> {
    if take {
        std::mem::take(&mut line.elements)
    } else {
        line.elements.clone()
    }
}
