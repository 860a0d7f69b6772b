//! The vertical list: TeX's list of line boxes, discardable spaces and penalties, and the
//! rules for building it (where a page may break between lines and blocks, spaces that
//! collapse, blocks kept with what follows). The page stage only has to find breaks in it.

use crate::geom::Pt;
use crate::inline::LineBox;
use crate::layout::Element;

/// A break here is forbidden.
pub const NO_BREAK: f32 = crate::inline::items::INFINITE_PENALTY;
/// A break here is forced (the author's page break): the page ends, in columns too.
pub const FORCED_BREAK: f32 = -NO_BREAK;
/// A page break after a hyphenated line splits a word across pages (TeX's
/// \brokenpenalty). Style guides ask to avoid it, and a reader of the PDF's text gets
/// the word back only if nothing stands between its halves, so the paginator leaves up
/// to about ten lines empty rather than do it.
pub const BROKEN_WORD_PENALTY: f32 = 1000.0;

/// Blockquote bars: their thickness and grey.
pub const BAR_THICKNESS: Pt = Pt(0.8);
pub const BAR_GRAY: f32 = 0.45;

/// One item of the vertical list.
#[derive(Debug, Clone, PartialEq)]
pub enum VItem {
    Line(LineBox),
    /// Vertical space; vanishes at the top of a page. `shrink` is how much of it a page
    /// may give up to hold more (only used to save a nearly empty last page). `bars` are
    /// the x positions of blockquote rules that continue through it.
    Space {
        height: Pt,
        shrink: Pt,
        bars: Vec<Pt>,
    },
    /// A place the page may break, and its cost (>= [`NO_BREAK`]: never).
    Penalty(f32),
    /// A block that may float: set where it stands if it fits the page there, else at the
    /// top of the next page while the text after it goes on filling this one.
    Float(Box<FloatBlock>),
}

/// A floating block (a figure with its caption): never split.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatBlock {
    pub lines: Vec<LineBox>,
    /// Its distance from the text above and below it.
    pub space: Pt,
}

impl FloatBlock {
    /// The height of its lines.
    pub fn height(&self) -> f32 {
        self.lines.iter().map(|l| l.height.0).sum()
    }

    /// The height it takes on a page: space above it unless it is the first thing on the
    /// page, and space below it.
    pub fn height_on_page(&self, first_on_page: bool) -> f32 {
        let above = if first_on_page { 0.0 } else { self.space.0 };
        above + self.height() + self.space.0
    }
}

/// How lines of a block may be separated by a page break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Keep {
    /// At least two lines on each side (paragraphs, code).
    TwoLines,
    /// Never split, and keep with what follows (headings, the title block).
    WithNext,
    /// A block between a rule above and a rule below (code): at least two lines besides
    /// the rule on each side of a break.
    Framed,
}

/// In columns, blocks of fewer lines than this are never split: two lines at the foot of
/// a narrow column and two at the head of the next read as two blocks.
pub const WHOLE_IN_COLUMNS_BELOW: usize = 5;

/// The list being built.
#[derive(Debug, Default)]
pub struct VList {
    pub items: Vec<VItem>,
    /// The height of the lines and spaces pushed so far.
    height: f32,
    /// How much of that the spaces may give up.
    shrink: f32,
    /// The last block asked to be kept with the next one.
    keep_with_next: bool,
    /// Blocks of fewer lines than this are never split (0: only the two-line rules).
    whole_below: usize,
}

impl VList {
    /// An empty list in which blocks of fewer than `lines` lines are never split.
    pub fn whole_below(lines: usize) -> VList {
        VList {
            whole_below: lines,
            ..VList::default()
        }
    }

    /// Vertical space that may shrink by `shrink`; consecutive spaces collapse to the
    /// largest. No space starts the list.
    pub fn space(&mut self, height: f32, shrink: f32, bars: &[Pt]) {
        if height <= 0.0 || self.items.is_empty() {
            return;
        }
        if let Some(VItem::Space {
            height: h,
            shrink: s,
            bars: old,
        }) = self.items.last_mut()
        {
            self.height += (height - h.0).max(0.0);
            if height > h.0 {
                self.shrink += shrink - s.0;
                *h = Pt(height);
                *s = Pt(shrink);
            }
            if old.len() > bars.len() {
                *old = bars.to_vec();
            }
            return;
        }
        let shrink = shrink.clamp(0.0, height);
        self.height += height;
        self.shrink += shrink;
        self.items.push(VItem::Space {
            height: Pt(height),
            shrink: Pt(shrink),
            bars: bars.to_vec(),
        });
    }

    /// Adds the lines of a block, with the page-break rule `keep` between them.
    pub fn push_lines(&mut self, boxes: Vec<LineBox>, keep: Keep) {
        self.push_lines_glued(boxes, keep, &[]);
    }

    /// Adds the lines of a block like [`VList::push_lines`], and never breaks before line
    /// `i` where `glued[i]` (the continuation of a wrapped line of code).
    pub fn push_lines_glued(&mut self, boxes: Vec<LineBox>, keep: Keep, glued: &[bool]) {
        self.break_between_blocks();
        let n = boxes.len();
        let text_lines = if keep == Keep::Framed {
            n.saturating_sub(2)
        } else {
            n
        };
        let whole = text_lines < self.whole_below;
        let mut previous_hyphenated = false;
        for (i, line) in boxes.into_iter().enumerate() {
            if i > 0 {
                let penalty = match keep {
                    Keep::WithNext => NO_BREAK,
                    _ if whole || glued.get(i).copied().unwrap_or(false) => NO_BREAK,
                    // No orphan (after the first line) and no widow (before the last).
                    Keep::TwoLines if i == 1 || i == n - 1 => NO_BREAK,
                    // The rules are not lines of text: two of those on each side.
                    Keep::Framed if i <= 2 || i + 2 >= n => NO_BREAK,
                    _ if previous_hyphenated => BROKEN_WORD_PENALTY,
                    _ => 0.0,
                };
                self.items.push(VItem::Penalty(penalty));
            }
            previous_hyphenated = line.hyphenated;
            self.push_item_line(line);
        }
        self.keep_with_next = keep == Keep::WithNext;
    }

    /// Adds lines that may break apart only where `penalty(i)` (the cost before line `i`,
    /// from 1) allows; what follows may be on the next page.
    pub fn push_rows(&mut self, boxes: Vec<LineBox>, penalty: impl Fn(usize) -> f32) {
        self.break_between_blocks();
        for (i, line) in boxes.into_iter().enumerate() {
            if i > 0 {
                self.items.push(VItem::Penalty(penalty(i)));
            }
            self.push_item_line(line);
        }
        self.keep_with_next = false;
    }

    /// Adds one line that keeps with what follows (a rule that opens a section).
    pub fn push_heading_line(&mut self, line: LineBox) {
        self.break_between_blocks();
        self.push_item_line(line);
        self.keep_with_next = true;
    }

    /// Adds one line that may be separated from what follows.
    pub fn push_line(&mut self, line: LineBox) {
        self.break_between_blocks();
        self.push_item_line(line);
    }

    /// Adds a line as it is (no break opportunity before it).
    pub fn push_item_line(&mut self, line: LineBox) {
        self.height += line.height.0;
        self.items.push(VItem::Line(line));
    }

    /// Adds a block that may float (see [`VItem::Float`]).
    pub fn push_float(&mut self, block: FloatBlock) {
        self.break_between_blocks();
        self.height += block.height_on_page(false);
        self.items.push(VItem::Float(Box::new(block)));
        self.keep_with_next = false;
    }

    /// Whether the last block asked to be kept with the next (a heading): what follows it
    /// must not float away from it.
    pub fn keeps_with_next(&self) -> bool {
        self.keep_with_next
    }

    /// Ends the page here (the author's page break); none at the very start.
    pub fn force_break(&mut self) {
        if self.items.is_empty() {
            return;
        }
        self.items.push(VItem::Penalty(FORCED_BREAK));
        self.keep_with_next = false;
    }

    /// Forbids a break here and keeps what comes next with what came before.
    pub fn glue_to_next(&mut self) {
        self.items.push(VItem::Penalty(NO_BREAK));
        self.keep_with_next = true;
    }

    /// The break opportunity between two blocks (none after a heading).
    fn break_between_blocks(&mut self) {
        let last_is_line = matches!(self.items.last(), Some(VItem::Line(_) | VItem::Float(_)));
        if !last_is_line && !matches!(self.items.last(), Some(VItem::Space { .. })) {
            return;
        }
        let penalty = if self.keep_with_next { NO_BREAK } else { 0.0 };
        // The penalty goes before the space, so that the space vanishes at the break.
        let space_at = self
            .items
            .iter()
            .rposition(|item| !matches!(item, VItem::Space { .. }))
            .map_or(0, |i| i + 1);
        self.items.insert(space_at, VItem::Penalty(penalty));
        self.keep_with_next = false;
    }

    /// The height of the list so far (lines and spaces), less what its spaces may give up.
    pub fn least_height(&self) -> f32 {
        self.height - self.shrink
    }

    /// Takes the items built so far, leaving the list empty (notes are built in a list
    /// of their own).
    pub fn take(&mut self) -> (Vec<VItem>, f32, f32) {
        self.keep_with_next = false;
        (
            std::mem::take(&mut self.items),
            std::mem::take(&mut self.height),
            std::mem::take(&mut self.shrink),
        )
    }

    /// Puts back items taken with [`VList::take`].
    pub fn restore(&mut self, (items, height, shrink): (Vec<VItem>, f32, f32)) {
        self.items = items;
        self.height = height;
        self.shrink = shrink;
    }
}

/// Draws blockquote bars at `bars` down the whole height of `line`.
pub fn add_bars(line: &mut LineBox, bars: &[Pt]) {
    for &x in bars {
        line.elements.push(Element::rule(
            (x, Pt::ZERO),
            (x, line.height),
            BAR_THICKNESS,
            BAR_GRAY,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(height: f32) -> LineBox {
        LineBox::blank(Pt(height), Pt(height * 0.8))
    }

    fn shape(list: &VList) -> String {
        list.items
            .iter()
            .map(|item| match item {
                VItem::Line(l) => format!("L{}", l.height.0),
                VItem::Space { height, .. } => format!("S{}", height.0),
                VItem::Penalty(p) if *p >= NO_BREAK => "x".to_string(),
                VItem::Penalty(p) => format!("p{p}"),
                VItem::Float(f) => format!("F{}", f.height()),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn paragraphs_keep_two_lines_together_at_each_end() {
        let mut list = VList::default();
        list.push_lines((0..5).map(|_| line(10.0)).collect(), Keep::TwoLines);
        assert_eq!(shape(&list), "L10 x L10 p0 L10 p0 L10 x L10");
    }

    #[test]
    fn framed_blocks_keep_two_lines_of_text_besides_their_rules() {
        let mut list = VList::default();
        list.push_lines((0..6).map(|_| line(10.0)).collect(), Keep::Framed);
        // rule, 4 lines, rule: the only break is between the second and third line.
        assert_eq!(shape(&list), "L10 x L10 x L10 p0 L10 x L10 x L10");
    }

    #[test]
    fn in_columns_short_blocks_stay_whole() {
        let mut list = VList::whole_below(WHOLE_IN_COLUMNS_BELOW);
        list.push_lines((0..4).map(|_| line(10.0)).collect(), Keep::TwoLines);
        assert_eq!(shape(&list), "L10 x L10 x L10 x L10");
        list.push_lines((0..5).map(|_| line(10.0)).collect(), Keep::TwoLines);
        assert!(shape(&list).ends_with("p0 L10 x L10 p0 L10 p0 L10 x L10"));
    }

    #[test]
    fn spaces_collapse_and_breaks_go_before_them() {
        let mut list = VList::default();
        list.space(5.0, 0.0, &[]);
        assert!(list.items.is_empty(), "no space starts the list");
        list.push_lines(vec![line(10.0), line(10.0)], Keep::WithNext);
        list.space(4.0, 2.0, &[]);
        list.space(6.0, 3.0, &[]);
        list.push_lines(vec![line(10.0), line(10.0)], Keep::TwoLines);
        // The heading-like block keeps with the next: no break (x) before the space.
        assert_eq!(shape(&list), "L10 x L10 x S6 L10 x L10");
    }
}
