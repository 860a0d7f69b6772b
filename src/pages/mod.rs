//! Stage 5: vertical list → pages.
//!
//! Takes the [`VItem`] list and the page geometry and gives [`Page`]s with everything
//! positioned, plus the anchors (headings) with their pages. Pages are filled top to
//! bottom; a page ends at the last place the list allows a break before it overflows, so
//! the rules encoded as penalties (no widows, no orphans, headings kept with what follows)
//! hold on every page. Spaces vanish at the top of a page. Running header and footer are
//! added once the page count is known ([`furniture`]).

pub mod furniture;

use crate::error::Warning;
use crate::flow::{VItem, NO_BREAK};
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
}

/// Cost of leaving the bottom of a page empty, per line left empty, squared: a page may
/// end a line or two early to avoid a costlier break, but not half a page early.
const UNDERFULL_COST_PER_LINE: f32 = 10.0;

/// Splits the vertical list into pages. `line_unit` is the body text's line height,
/// the unit in which an underfull page is measured. Returns, for each page, the index
/// range of the items on it.
pub fn break_pages(
    items: &[VItem],
    text_height: f32,
    line_unit: f32,
    warnings: &mut Vec<Warning>,
) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let mut i = 0;
    while i < items.len() {
        // Nothing discardable starts a page.
        while i < items.len() && !matches!(items[i], VItem::Line(_)) {
            i += 1;
        }
        if i >= items.len() {
            break;
        }
        let start = i;
        let mut y = 0.0;
        // Best break so far: (cost, item index).
        let mut best: Option<(f32, usize)> = None;
        let mut end = items.len();
        let mut j = start;
        while j < items.len() {
            match &items[j] {
                VItem::Line(line) => {
                    if y + line.height > text_height + 0.01 && j > start {
                        end = match best {
                            Some((_, b)) => b,
                            None => {
                                // A block taller than the page with no allowed break:
                                // split it here rather than lose its text.
                                warnings.push(Warning::ForcedPageBreak {
                                    page: pages.len() + 1,
                                });
                                j
                            }
                        };
                        break;
                    }
                    y += line.height;
                }
                VItem::Space { height, .. } => y += height,
                VItem::Penalty(penalty) => {
                    if *penalty < NO_BREAK {
                        let empty_lines = (text_height - y).max(0.0) / line_unit;
                        let cost = penalty + UNDERFULL_COST_PER_LINE * empty_lines * empty_lines;
                        // Ties go to the later break: fuller pages.
                        if best.is_none_or(|(c, _)| cost <= c) {
                            best = Some((cost, j));
                        }
                    }
                }
            }
            j += 1;
        }
        pages.push(start..end);
        i = end;
    }
    pages
}

/// Lays the items of each page range out on a page.
pub fn place(
    items: &[VItem],
    ranges: &[std::ops::Range<usize>],
    geometry: &Geometry,
) -> (Vec<Page>, Vec<Anchor>) {
    let mut pages = Vec::with_capacity(ranges.len());
    let mut anchors = Vec::new();
    for (page_index, range) in ranges.iter().enumerate() {
        let mut elements = Vec::new();
        let mut y = geometry.top;
        let slice = &items[range.clone()];
        // Trailing spaces do not draw their quote bars into the bottom margin.
        let last_line = slice
            .iter()
            .rposition(|item| matches!(item, VItem::Line(_)))
            .unwrap_or(0);
        for (k, item) in slice.iter().enumerate() {
            match item {
                VItem::Line(line) => {
                    for (id, outline) in &line.anchors {
                        anchors.push(Anchor {
                            id: id.clone(),
                            outline: outline.clone(),
                            page: page_index,
                            y,
                        });
                    }
                    elements.extend(
                        line.elements
                            .iter()
                            .map(|e| e.clone().translated(geometry.left, y)),
                    );
                    y += line.height;
                }
                VItem::Space { height, bars } => {
                    if k < last_line {
                        for &x in bars {
                            elements.push(Element::Rule {
                                from: (geometry.left + x, y),
                                to: (geometry.left + x, y + height),
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
        pages.push(Page {
            width: geometry.page_width,
            height: geometry.page_height,
            elements,
        });
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
        break_pages(items, height, 10.0, &mut warnings)
            .into_iter()
            .map(|r| {
                items[r]
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
        let ranges = break_pages(&items, 35.0, 10.0, &mut warnings);
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
        let ranges = break_pages(&items, 50.0, 10.0, &mut warnings);
        assert_eq!(ranges.len(), 2);
        assert_eq!(warnings, vec![Warning::ForcedPageBreak { page: 1 }]);
    }
}
