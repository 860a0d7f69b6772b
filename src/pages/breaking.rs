//! Page breaking: where each page (or column) of the vertical list ends, with the notes
//! its lines refer to at its foot. A page ends at the cheapest place the list allows a
//! break before it overflows: the rules encoded as penalties (no widows, no orphans,
//! headings kept with what follows) hold on every page, an underfull page costs by the
//! square of the lines it leaves empty, and a note may continue on the next page.
//!
//! [`PageBreaker`] goes down the list a page at a time. Each page is made in three steps:
//! the notes continued from the page before ([`PageBreaker::continue_notes`]), the figures
//! waiting for its top ([`PageBreaker::place_waiting_floats`]), then its text, item by
//! item, keeping the cheapest place to end it ([`PageBreaker::fill`]).

use std::ops::Range;

use crate::cancel::Cancel;
use crate::error::{Error, Warning};
use crate::flow::vlist::FloatBlock;
use crate::flow::vlist::FORCED_BREAK;
use crate::flow::{VItem, NO_BREAK};
use crate::geom::Pt;
use crate::inline::LineBox;
use crate::model::NoteId;

/// Cost of leaving the bottom of a page empty, per line left empty, squared: a page may
/// end a line or two early to avoid a costlier break, but not half a page early.
const UNDERFULL_COST_PER_LINE: f32 = 10.0;
/// Cost of continuing a note on the next page (TeX's \\floatingpenalty, roughly).
const SPLIT_NOTE_COST: f32 = 300.0;
/// What a page may hold beyond its limit, for the rounding of heights added up.
const FIT_SLACK: Pt = Pt(0.01);
/// Notes continued from the page before take at most this share of a page that has more
/// to hold.
const CONTINUED_NOTES_SHARE: f32 = 0.75;
use super::NOTE_SEPARATOR_LINES;

/// Lines `lines` of note `note`.
#[derive(Debug, Clone, PartialEq)]
pub struct NotePart {
    pub note: NoteId,
    pub lines: Range<usize>,
}

/// What goes on one page: a range of the vertical list, and notes for its foot.
#[derive(Debug, Clone, PartialEq)]
pub struct PagePlan {
    pub items: Range<usize>,
    pub notes: Vec<NotePart>,
    /// The share of each space's shrink the page gives up (0: spaces at their height).
    pub squeeze: f32,
    /// How far the page runs past the text height (0, or up to a line to save a page).
    pub overrun: Pt,
    /// Floats set at the top of the page (indices into the list), deferred from before.
    pub top_floats: Vec<usize>,
    /// Floats in `items` that did not fit and go to a later page.
    pub deferred: Vec<usize>,
}

impl PagePlan {
    /// A column left empty, at `at` in the list.
    fn empty(at: usize) -> PagePlan {
        PagePlan {
            items: at..at,
            notes: Vec::new(),
            squeeze: 0.0,
            overrun: Pt(0.0),
            top_floats: Vec::new(),
            deferred: Vec::new(),
        }
    }
}

/// How full pages may be made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRules {
    pub text_height: Pt,
    /// The body text's line height, the unit in which an underfull page is measured.
    pub line_unit: Pt,
    /// Spaces may give up their shrink.
    pub squeeze: bool,
    /// How far a page may run past the text height.
    pub overrun: Pt,
    /// Height taken from the top of the first page's columns by what spans them all.
    pub head: Pt,
    /// Columns per page (plans `0..columns` are the first page's).
    pub columns: usize,
}

impl PageRules {
    /// Pages at their natural height: spaces as designed, nothing past the text area.
    pub fn natural(text_height: Pt, line_unit: Pt) -> PageRules {
        PageRules {
            text_height,
            line_unit,
            squeeze: false,
            overrun: Pt(0.0),
            head: Pt(0.0),
            columns: 1,
        }
    }

    /// The rules for the `n`th column (from 0): the first page's are shorter by the head.
    pub(super) fn for_column(&self, n: usize) -> PageRules {
        let head = if n < self.columns { self.head } else { Pt(0.0) };
        PageRules {
            text_height: Pt((self.text_height - head).0.max(self.line_unit.0)),
            ..*self
        }
    }

    /// The most a page may hold, with `shrink` of shrinkable space on it.
    fn limit(&self, shrink: Pt) -> Pt {
        self.text_height + if self.squeeze { shrink } else { Pt(0.0) } + self.overrun
    }

    /// How a page of `natural` height with `shrink` of shrinkable space is made to fit:
    /// the share of shrink used, then how far it runs long.
    fn settle(&self, natural: Pt, shrink: Pt) -> Settled {
        let over = natural - self.text_height;
        if over <= Pt(0.0) {
            return Settled::default();
        }
        let by_shrink = if self.squeeze {
            Pt(shrink.0.min(over.0))
        } else {
            Pt(0.0)
        };
        let squeeze = if shrink > Pt(0.0) {
            by_shrink.0 / shrink.0
        } else {
            0.0
        };
        Settled {
            squeeze,
            overrun: Pt((over - by_shrink).0.clamp(0.0, self.overrun.0)),
        }
    }

    /// The cost of leaving `empty` at the bottom of a page.
    fn underfull(&self, empty: Pt) -> f32 {
        let lines = empty.0.max(0.0) / self.line_unit.0;
        UNDERFULL_COST_PER_LINE * lines * lines
    }
}

/// How a page was made to fit (see [`PageRules::settle`]).
#[derive(Debug, Clone, Copy, Default)]
struct Settled {
    squeeze: f32,
    overrun: Pt,
}

/// A place the current page could end, and the state of its notes there.
#[derive(Debug, Clone)]
struct Candidate {
    cost: f32,
    /// The page ends before this item.
    end: usize,
    /// The notes at its foot.
    notes: Vec<NotePart>,
    /// The notes continued on the next page.
    carry: Vec<NotePart>,
    settled: Settled,
    /// The floats waiting for a later page.
    deferred: Vec<usize>,
}

pub(super) fn lines_height(lines: &[LineBox]) -> Pt {
    lines.iter().map(|l| l.height).sum()
}

/// The notes of `refs` not yet on the page, each followed by the notes its own text refers
/// to (a note in a note goes on the page of the note that cites it), without repeats.
fn with_nested(refs: &[NoteId], notes: &[Vec<LineBox>], on_page: &[NoteId]) -> Vec<NoteId> {
    let mut out: Vec<NoteId> = Vec::new();
    let mut stack: Vec<NoteId> = refs.iter().rev().copied().collect();
    while let Some(k) = stack.pop() {
        if on_page.contains(&k) || out.contains(&k) {
            continue;
        }
        out.push(k);
        if let Some(lines) = notes.get(k.0 as usize) {
            let nested: Vec<NoteId> = lines.iter().flat_map(|l| l.notes.iter().copied()).collect();
            stack.extend(nested.into_iter().rev());
        }
    }
    out
}

/// The notes a float's lines refer to.
fn float_notes(block: &FloatBlock) -> Vec<NoteId> {
    block
        .lines
        .iter()
        .flat_map(|l| l.notes.iter().copied())
        .collect()
}

/// Splits the vertical list into pages, with the notes each page's lines refer to at its
/// foot, as full as `rules` allow.
pub fn break_pages(
    items: &[VItem],
    notes: &[Vec<LineBox>],
    rules: &PageRules,
    cancel: &Cancel,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<PagePlan>, Error> {
    let mut breaker = PageBreaker {
        items,
        notes,
        rules: *rules,
        separator: rules.line_unit * NOTE_SEPARATOR_LINES,
        pages: Vec::new(),
        next: 0,
        carry: Vec::new(),
        pending: Vec::new(),
    };
    loop {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        breaker.skip_discardable();
        if breaker.finished() {
            return Ok(breaker.pages);
        }
        breaker.break_page(warnings);
    }
}

/// Goes down the vertical list a page (or column) at a time.
struct PageBreaker<'a> {
    /// The vertical list.
    items: &'a [VItem],
    /// Each note's lines, by note number.
    notes: &'a [Vec<LineBox>],
    /// The rules of every page (a column's own come from [`PageRules::for_column`]).
    rules: PageRules,
    /// The rule and gap above a page's notes.
    separator: Pt,
    /// The pages made so far.
    pages: Vec<PagePlan>,
    /// Where the next page starts in the list.
    next: usize,
    /// Notes begun on the page before, to continue at the next page's foot.
    carry: Vec<NotePart>,
    /// Floats waiting for the top of a page, in their order.
    pending: Vec<usize>,
}

/// The foot of the page being made.
#[derive(Debug, Clone, Default)]
struct Foot {
    /// The notes on it.
    parts: Vec<NotePart>,
    /// Their height (without the separator).
    height: Pt,
    /// Notes continued from before that go on to a later page still.
    carry: Vec<NotePart>,
    /// The notes on this page or continued past it (not set again if cited again).
    on_page: Vec<NoteId>,
}

/// The page being made, down to the item looked at.
struct Page {
    /// Where it starts in the list.
    start: usize,
    /// The rules of its column.
    rules: PageRules,
    /// The height of what is on it so far (floats at its top included).
    y: Pt,
    /// Shrinkable space on it so far.
    shrink: Pt,
    foot: Foot,
    /// Floats set at its top.
    top_floats: Vec<usize>,
    /// Floats from before still waiting (they wait for the page after).
    waiting: Vec<usize>,
    /// Floats met on it that did not fit.
    deferred: Vec<usize>,
    /// The cheapest place found so far to end it.
    best: Option<Candidate>,
}

impl Page {
    /// A candidate ending the page before item `end`, at `cost`, with the foot and floats
    /// as they are now.
    fn candidate(&self, cost: f32, end: usize, settled: Settled) -> Candidate {
        Candidate {
            cost,
            end,
            notes: self.foot.parts.clone(),
            carry: self.foot.carry.clone(),
            settled,
            deferred: self.deferred.clone(),
        }
    }

    /// Keeps `candidate` if it is no dearer than the best so far (ties go to the later
    /// break: fuller pages).
    fn consider(&mut self, candidate: Candidate) {
        if self.best.as_ref().is_none_or(|b| candidate.cost <= b.cost) {
            self.best = Some(candidate);
        }
    }
}

impl PageBreaker<'_> {
    fn note_lines(&self, note: NoteId) -> &[LineBox] {
        &self.notes[note.0 as usize]
    }

    /// The height of whole notes.
    fn notes_height(&self, notes: &[NoteId]) -> Pt {
        notes
            .iter()
            .map(|&k| lines_height(self.note_lines(k)))
            .sum()
    }

    /// The height of the notes of `refs` not yet on the page.
    fn new_notes_height(&self, refs: &[NoteId], on_page: &[NoteId]) -> Pt {
        refs.iter()
            .filter(|k| !on_page.contains(k))
            .map(|&k| lines_height(self.note_lines(k)))
            .sum()
    }

    /// A foot of `height` with the rule above it (nothing without notes).
    fn foot_total(&self, height: Pt) -> Pt {
        if height > Pt(0.0) {
            height + self.separator
        } else {
            Pt(0.0)
        }
    }

    /// A whole note as a part of a foot.
    fn whole(&self, note: NoteId) -> NotePart {
        NotePart {
            note,
            lines: 0..self.note_lines(note).len(),
        }
    }

    /// Adds the notes of `refs` not yet on the page to its foot whole; returns their height.
    fn add_whole_notes(&self, refs: &[NoteId], foot: &mut Foot) -> Pt {
        let mut added = Pt(0.0);
        for &k in refs {
            if !foot.on_page.contains(&k) {
                foot.on_page.push(k);
                foot.parts.push(self.whole(k));
                added += lines_height(self.note_lines(k));
            }
        }
        added
    }

    /// The height a float takes at the top of a page with its own notes.
    fn float_room(&self, block: &FloatBlock) -> Pt {
        let refs = with_nested(&float_notes(block), self.notes, &[]);
        Pt(block.height_on_page(true)) + self.notes_height(&refs)
    }

    /// Nothing discardable starts a page. An author's page break (the column before ended
    /// at it, or just ahead of it) ends the page, not only the column: the page's other
    /// columns stay empty.
    fn skip_discardable(&mut self) {
        let items = self.items;
        while self.next < items.len()
            && matches!(items[self.next], VItem::Space { .. } | VItem::Penalty(_))
        {
            if matches!(items[self.next], VItem::Penalty(p) if p <= FORCED_BREAK) {
                while !self.pages.len().is_multiple_of(self.rules.columns.max(1)) {
                    self.pages.push(PagePlan::empty(self.next));
                }
            }
            self.next += 1;
        }
    }

    /// The list is used up, and no note or float waits.
    fn finished(&self) -> bool {
        self.text_done() && self.carry.is_empty()
    }

    /// No text and no waiting float is left for the page.
    fn text_done(&self) -> bool {
        self.next >= self.items.len() && self.pending.is_empty()
    }

    /// Makes the next page and moves on past it.
    fn break_page(&mut self, warnings: &mut Vec<Warning>) {
        let rules = self.rules.for_column(self.pages.len());
        let foot = self.continue_notes(&rules);
        let mut page = Page {
            start: self.next,
            rules,
            y: Pt(0.0),
            shrink: Pt(0.0),
            foot,
            top_floats: Vec::new(),
            waiting: Vec::new(),
            deferred: Vec::new(),
            best: None,
        };
        self.place_waiting_floats(&mut page);
        let chosen = self.fill(&mut page, warnings);
        let start = page.start;
        self.pages.push(PagePlan {
            items: start..chosen.end.max(start),
            notes: chosen.notes,
            squeeze: chosen.settled.squeeze,
            overrun: chosen.settled.overrun,
            top_floats: page.top_floats,
            deferred: chosen.deferred.clone(),
        });
        self.pending = page.waiting;
        self.pending.extend(chosen.deferred);
        self.carry = chosen.carry;
        self.next = chosen.end.max(start);
    }

    /// What the page must open with: a waiting figure with its notes, or its first line
    /// (with a table's repeated header).
    fn opening_height(&self) -> Pt {
        match (self.pending.first(), self.items.get(self.next)) {
            (Some(&index), _) => match &self.items[index] {
                VItem::Float(block) => self.float_room(block),
                _ => Pt(0.0),
            },
            (None, Some(VItem::Line(line))) => {
                line.height + line.repeat_header.as_ref().map_or(Pt(0.0), |h| h.height)
            }
            (None, Some(VItem::Float(block))) => self.float_room(block),
            _ => Pt(0.0),
        }
    }

    /// Notes continued from the page before come first, leaving room for text: never
    /// over what the page must open with (they wait another page if need be), and at
    /// most [`CONTINUED_NOTES_SHARE`] of a page that has more to hold.
    fn continue_notes(&mut self, rules: &PageRules) -> Foot {
        let text_height = rules.text_height;
        let opening = self.opening_height();
        let last_page = self.text_done();
        let cap = if last_page {
            text_height
        } else {
            Pt((text_height.0 * CONTINUED_NOTES_SHARE).min((text_height - opening).0))
        } - self.separator;
        let mut foot = Foot::default();
        for part in std::mem::take(&mut self.carry) {
            if !foot.carry.is_empty() {
                foot.carry.push(part);
                continue;
            }
            let mut end = part.lines.start;
            for line in &self.note_lines(part.note)[part.lines.clone()] {
                let first = foot.parts.is_empty() && end == part.lines.start;
                // (With nothing else left for the page, a line is placed whatever its size.)
                let room_for_one = foot.height + line.height + self.separator + opening
                    <= text_height
                    || last_page;
                if foot.height + line.height > cap && !(first && room_for_one) {
                    break;
                }
                foot.height += line.height;
                end += 1;
            }
            if end > part.lines.start {
                foot.parts.push(NotePart {
                    note: part.note,
                    lines: part.lines.start..end,
                });
            }
            if end < part.lines.end {
                foot.carry.push(NotePart {
                    note: part.note,
                    lines: end..part.lines.end,
                });
            }
        }
        // Notes carried on to a later page are not set whole here if cited again.
        foot.on_page = foot
            .parts
            .iter()
            .chain(foot.carry.iter())
            .map(|p| p.note)
            .collect();
        foot
    }

    /// Floats deferred from the page before open this one, as many as fit (the first
    /// always: none waits more than a page); the rest wait, and so do all floats after
    /// them. A table row that starts the page brings its table's header along.
    fn place_waiting_floats(&mut self, page: &mut Page) {
        for index in std::mem::take(&mut self.pending) {
            let VItem::Float(block) = &self.items[index] else {
                continue;
            };
            let height = Pt(block.height_on_page(true));
            let refs = with_nested(&float_notes(block), self.notes, &page.foot.on_page);
            let notes_after = page.foot.height + self.new_notes_height(&refs, &page.foot.on_page);
            let fits = page.y + height + self.foot_total(notes_after)
                <= page.rules.text_height + FIT_SLACK;
            if page.waiting.is_empty() && (page.top_floats.is_empty() || fits) {
                page.top_floats.push(index);
                page.y += height;
                let added = self.add_whole_notes(&refs, &mut page.foot);
                page.foot.height += added;
            } else {
                page.waiting.push(index);
            }
        }
        if let Some(VItem::Line(LineBox {
            repeat_header: Some(header),
            ..
        })) = self.items.get(page.start)
        {
            page.y += header.height;
        }
        // Under carried figures the text may wait for the next page rather than break a
        // rule (a heading alone, a widow) to fill what is left.
        if !page.top_floats.is_empty() {
            let empty = page.rules.text_height - page.y - self.foot_total(page.foot.height);
            page.best =
                Some(page.candidate(page.rules.underfull(empty), page.start, Settled::default()));
        }
    }

    /// Goes down the list from the page's start, placing what fits and keeping the
    /// cheapest place to end the page, until something does not fit (or the author breaks
    /// the page, or the list ends); gives where the page ends.
    fn fill(&self, page: &mut Page, warnings: &mut Vec<Warning>) -> Candidate {
        let mut j = page.start;
        while j < self.items.len() {
            match &self.items[j] {
                VItem::Line(line) => {
                    if let Some(chosen) = self.add_line(page, j, line, warnings) {
                        return chosen;
                    }
                }
                VItem::Float(block) => self.add_float(page, j, block),
                VItem::Space { height, shrink, .. } => {
                    page.y += *height;
                    page.shrink += *shrink;
                }
                VItem::Penalty(penalty) if *penalty <= FORCED_BREAK => {
                    // The author's page break: the page ends here, whatever it holds.
                    let settled = self.settle_as_is(page);
                    return page.candidate(0.0, j, settled);
                }
                VItem::Penalty(penalty) => {
                    if *penalty < NO_BREAK {
                        let natural = page.y + self.foot_total(page.foot.height);
                        let cost = penalty + page.rules.underfull(page.rules.text_height - natural);
                        if page.best.as_ref().is_none_or(|b| cost <= b.cost) {
                            let settled = page.rules.settle(natural, page.shrink);
                            page.best = Some(page.candidate(cost, j, settled));
                        }
                    }
                }
            }
            j += 1;
        }
        let settled = self.settle_as_is(page);
        Candidate {
            cost: 0.0,
            end: self.items.len(),
            notes: std::mem::take(&mut page.foot.parts),
            carry: std::mem::take(&mut page.foot.carry),
            settled,
            deferred: std::mem::take(&mut page.deferred),
        }
    }

    /// How the page as it stands is made to fit.
    fn settle_as_is(&self, page: &Page) -> Settled {
        page.rules
            .settle(page.y + self.foot_total(page.foot.height), page.shrink)
    }

    /// Places line `j` with its notes if they fit (`None`: go on); otherwise the page
    /// ends, at the cheapest place found (perhaps after this line, with its last note
    /// continued on the next page).
    fn add_line(
        &self,
        page: &mut Page,
        j: usize,
        line: &LineBox,
        warnings: &mut Vec<Warning>,
    ) -> Option<Candidate> {
        // Nothing on the page yet: its first line goes on it whatever its size.
        let page_empty = j == page.start && page.top_floats.is_empty();
        let new = with_nested(&line.notes, self.notes, &page.foot.on_page);
        let foot_after = page.foot.height + self.notes_height(&new);
        if page.y + line.height + self.foot_total(foot_after)
            <= page.rules.limit(page.shrink) + FIT_SLACK
        {
            page.y += line.height;
            for k in new {
                page.foot.parts.push(self.whole(k));
                page.foot.on_page.push(k);
            }
            page.foot.height = foot_after;
            return None;
        }
        // The line does not fit with its notes whole. Perhaps with its last note
        // continued on the next page, if the page may end after it.
        let may_end_after = j + 1 >= self.items.len()
            || matches!(self.items[j + 1], VItem::Penalty(p) if p < NO_BREAK)
            || page_empty;
        if may_end_after {
            if let Some(candidate) = self.split_last_note(page, j, line, &new, page_empty) {
                if page_empty {
                    page.best = Some(candidate);
                } else {
                    page.consider(candidate);
                }
            }
        }
        if j == page.start && !page_empty && page.best.is_none() {
            // Figures carried from before fill the page: the text waits.
            page.best = Some(page.candidate(0.0, page.start, Settled::default()));
        }
        if page_empty && page.best.is_none() {
            // A line too tall for an empty page: place it anyway.
            page.best = Some(page.candidate(0.0, j + 1, Settled::default()));
        }
        Some(match page.best.take() {
            Some(best) => best,
            None => {
                // A block taller than the page with no allowed break: split it here
                // rather than lose its text.
                warnings.push(Warning::ForcedPageBreak {
                    page: self.pages.len() + 1,
                });
                let settled = self.settle_as_is(page);
                page.candidate(0.0, j, settled)
            }
        })
    }

    /// The page ended after line `j`, whose new notes `new` do not all fit whole: the
    /// others whole and as many lines of the last as fit (at least one when `forced`),
    /// the rest of it continued on the next page. `None` if not a line of it fits.
    fn split_last_note(
        &self,
        page: &Page,
        j: usize,
        line: &LineBox,
        new: &[NoteId],
        forced: bool,
    ) -> Option<Candidate> {
        let (&last, others) = new.split_last()?;
        let rules = &page.rules;
        // Room for the last note under everything else (one rule above all).
        let room = rules.limit(page.shrink)
            - page.y
            - line.height
            - self.separator
            - page.foot.height
            - self.notes_height(others);
        let mut fit = 0;
        let mut used = Pt(0.0);
        for note_line in self.note_lines(last) {
            if used + note_line.height > room + FIT_SLACK {
                break;
            }
            used += note_line.height;
            fit += 1;
        }
        if fit == 0 && !forced {
            return None;
        }
        let fit = fit.max(1);
        let mut notes = page.foot.parts.clone();
        notes.extend(others.iter().map(|&k| self.whole(k)));
        notes.push(NotePart {
            note: last,
            lines: 0..fit,
        });
        let mut carry = page.foot.carry.clone();
        let length = self.note_lines(last).len();
        if fit < length {
            carry.push(NotePart {
                note: last,
                lines: fit..length,
            });
        }
        let penalty = match self.items.get(j + 1) {
            Some(VItem::Penalty(p)) => *p,
            _ => 0.0,
        };
        let foot: Pt = notes
            .iter()
            .map(|part| lines_height(&self.note_lines(part.note)[part.lines.clone()]))
            .sum();
        let natural = page.y + line.height + self.foot_total(foot);
        Some(Candidate {
            cost: penalty.min(NO_BREAK - 1.0)
                + SPLIT_NOTE_COST
                + rules.underfull(rules.text_height - natural),
            end: j + 1,
            notes,
            carry,
            settled: rules.settle(natural, page.shrink),
            deferred: page.deferred.clone(),
        })
    }

    /// Sets float `j` where it stands if it fits and no float before it waits; else it
    /// waits for the next page and the text goes on.
    fn add_float(&self, page: &mut Page, j: usize, block: &FloatBlock) {
        let height = Pt(block.height_on_page(page.y <= Pt(0.0)));
        let refs = with_nested(&float_notes(block), self.notes, &page.foot.on_page);
        let foot_after = page.foot.height + self.new_notes_height(&refs, &page.foot.on_page);
        let fits = page.y + height + self.foot_total(foot_after)
            <= page.rules.limit(page.shrink) + FIT_SLACK;
        let alone = j == page.start && page.top_floats.is_empty();
        if (fits && page.waiting.is_empty() && page.deferred.is_empty()) || alone {
            page.y += height;
            let added = self.add_whole_notes(&refs, &mut page.foot);
            page.foot.height += added;
        } else {
            page.deferred.push(j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Pt;
    use crate::inline::LineAnchor;
    use crate::layout::AnchorKey;

    fn line(tag: &str) -> VItem {
        VItem::Line(LineBox {
            height: Pt(10.0),
            baseline: Pt(8.0),
            hyphenated: tag.ends_with('-'),
            anchors: vec![LineAnchor::new(AnchorKey::Id(tag.to_string()))],
            ..LineBox::default()
        })
    }

    fn tag(line: &LineBox) -> String {
        match &line.anchors[0].key {
            AnchorKey::Id(id) => id.clone(),
            other => format!("{other:?}"),
        }
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
        break_pages(
            items,
            &[],
            &PageRules::natural(Pt(height), Pt(10.0)),
            &Cancel::never(),
            &mut warnings,
        )
        .unwrap()
        .iter()
        .map(|plan| drawn(items, plan))
        .collect()
    }

    /// What a page shows, top to bottom: its top floats, then its lines and the floats set
    /// where they stand (a float by its first line's tag, in brackets).
    fn drawn(items: &[VItem], plan: &PagePlan) -> Vec<String> {
        let float = |index: usize| match &items[index] {
            VItem::Float(block) => format!("[{}]", tag(&block.lines[0])),
            _ => unreachable!("not a float"),
        };
        let mut shown: Vec<String> = plan.top_floats.iter().map(|&i| float(i)).collect();
        for index in plan.items.clone() {
            match &items[index] {
                VItem::Line(l) => shown.push(tag(l)),
                VItem::Float(_) if !plan.deferred.contains(&index) => shown.push(float(index)),
                _ => {}
            }
        }
        shown
    }

    /// A float `lines` lines tall with `space` above and below.
    fn figure(name: &str, lines: usize, space: f32) -> VItem {
        let lines = (0..lines)
            .map(|i| match line(&format!("{name}{}", i + 1)) {
                VItem::Line(l) => l,
                _ => unreachable!(),
            })
            .collect();
        VItem::Float(Box::new(FloatBlock {
            lines,
            space: Pt(space),
        }))
    }

    /// Lines tagged `name1`..`nameN`, each referring to the notes in `refs`.
    fn lines_citing(name: &str, n: usize, refs: &[u32]) -> Vec<VItem> {
        let mut items = paragraph(name, n);
        for item in &mut items {
            if let VItem::Line(line) = item {
                line.notes = refs.iter().map(|&k| NoteId(k)).collect();
            }
        }
        items
    }

    fn note_lines(n: usize, refs: &[u32]) -> Vec<LineBox> {
        (0..n)
            .map(|_| LineBox {
                height: Pt(10.0),
                notes: refs.iter().map(|&k| NoteId(k)).collect(),
                ..LineBox::default()
            })
            .collect()
    }

    #[test]
    fn a_note_in_a_note_goes_on_the_page_of_the_note_that_cites_it() {
        let items = lines_citing("a", 2, &[0]);
        let notes = vec![note_lines(1, &[1]), note_lines(1, &[])];
        let mut warnings = Vec::new();
        let rules = PageRules::natural(Pt(100.0), Pt(10.0));
        let plans = break_pages(&items, &notes, &rules, &Cancel::never(), &mut warnings).unwrap();
        let on_first: Vec<u32> = plans[0].notes.iter().map(|p| p.note.0).collect();
        assert_eq!(on_first, vec![0, 1]);
    }

    #[test]
    fn a_tall_opening_is_never_drawn_over_by_a_continued_note() {
        // Page of 10 lines. Line a1 cites a 12-line note: 8 lines fit under it (with the
        // separator), the rest is carried. The next page opens with a 9-line figure:
        // the carried lines may not take its room, so they wait for the page after.
        let mut items = lines_citing("a", 1, &[0]);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 9, 0.0));
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("b", 2));
        let notes = vec![note_lines(12, &[])];
        let mut warnings = Vec::new();
        let rules = PageRules::natural(Pt(100.0), Pt(10.0));
        let plans = break_pages(&items, &notes, &rules, &Cancel::never(), &mut warnings).unwrap();
        for plan in &plans {
            let drawn: f32 = drawn(&items, plan).len() as f32 * 10.0;
            let foot: f32 = plan.notes.iter().map(|p| p.lines.len() as f32 * 10.0).sum();
            let separator = if foot > 0.0 { 9.0 } else { 0.0 };
            // A float counts its lines, not one entry.
            let floats: f32 = plan
                .top_floats
                .iter()
                .chain(
                    plan.items
                        .clone()
                        .filter(|i| {
                            matches!(items[*i], VItem::Float(_)) && !plan.deferred.contains(i)
                        })
                        .collect::<Vec<_>>()
                        .iter(),
                )
                .map(|&i| match &items[i] {
                    VItem::Float(b) => b.height() - 10.0,
                    _ => 0.0,
                })
                .sum();
            assert!(
                drawn + floats + foot + separator <= 100.0 + 0.01,
                "{plans:?}"
            );
        }
        let total: usize = plans
            .iter()
            .flat_map(|p| &p.notes)
            .map(|p| p.lines.len())
            .sum();
        assert_eq!(total, 12, "every line of the note is placed");
    }

    #[test]
    fn a_figure_that_does_not_fit_waits_for_the_next_page_while_text_fills_this_one() {
        // 6 lines a page. After a's 3 lines the 4-line figure does not fit; b fills the page.
        let mut items = paragraph("a", 3);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 4, 0.0));
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("b", 5));
        let pages = pages_of(&items, 60.0);
        assert_eq!(pages[0], vec!["a1", "a2", "a3", "b1", "b2", "b3"]);
        assert_eq!(pages[1], vec!["[f1]", "b4", "b5"]);
    }

    #[test]
    fn text_never_runs_past_a_page_filled_by_carried_figures() {
        // A full-page figure waits for page 2 and fills it: the text goes on on page 3
        // rather than hang below the figure.
        let mut items = paragraph("a", 3);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 6, 0.0));
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("b", 6));
        let pages = pages_of(&items, 60.0);
        assert_eq!(
            pages,
            vec![
                vec!["a1", "a2", "a3", "b1", "b2", "b3"],
                vec!["[f1]"],
                vec!["b4", "b5", "b6"],
            ]
        );
    }

    #[test]
    fn a_heading_under_carried_figures_waits_rather_than_stand_alone() {
        // Page 2 opens with the waiting 5-line figure; the heading would fit under it but
        // not its paragraph (3 lines, unbreakable): both go to page 3, no forced break.
        let mut items = paragraph("a", 3);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 5, 0.0));
        items.push(VItem::Penalty(0.0));
        items.push(line("h"));
        items.push(VItem::Penalty(NO_BREAK));
        items.extend(paragraph("b", 3));
        let mut warnings = Vec::new();
        let plans = break_pages(
            &items,
            &[],
            &PageRules::natural(Pt(60.0), Pt(10.0)),
            &Cancel::never(),
            &mut warnings,
        )
        .unwrap();
        let pages: Vec<Vec<String>> = plans.iter().map(|p| drawn(&items, p)).collect();
        assert_eq!(pages[1], vec!["[f1]"]);
        assert_eq!(pages[2], vec!["h", "b1", "b2", "b3"]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_page_break_right_after_a_full_column_still_ends_the_page() {
        // Two columns of 6 lines: a line too tall for a column is placed anyway and ends
        // the first column just before the author's break; the text after it starts the
        // next page, not the second column.
        let mut tall = line("t");
        if let VItem::Line(l) = &mut tall {
            l.height = Pt(70.0);
        }
        let items = vec![tall, VItem::Penalty(FORCED_BREAK), line("b")];
        let rules = PageRules {
            columns: 2,
            ..PageRules::natural(Pt(60.0), Pt(10.0))
        };
        let mut warnings = Vec::new();
        let plans = break_pages(&items, &[], &rules, &Cancel::never(), &mut warnings).unwrap();
        let shown: Vec<Vec<String>> = plans.iter().map(|p| drawn(&items, p)).collect();
        assert_eq!(
            shown,
            vec![vec!["t".to_string()], vec![], vec!["b".to_string()]]
        );
    }

    #[test]
    fn a_figure_that_fits_stays_where_it_stands() {
        let mut items = paragraph("a", 2);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 2, 5.0));
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("b", 2));
        // 2 + 0.5 + 2 + 0.5 + 2 lines: fits a page of 7 lines.
        let pages = pages_of(&items, 70.0);
        assert_eq!(pages, vec![vec!["a1", "a2", "[f1]", "b1", "b2"]]);
    }

    #[test]
    fn figures_keep_their_order_when_one_waits() {
        // The second figure would fit after b, but may not pass the first.
        let mut items = paragraph("a", 4);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 4, 0.0));
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("b", 2));
        items.push(VItem::Penalty(0.0));
        items.push(figure("g", 1, 0.0));
        items.push(VItem::Penalty(0.0));
        items.extend(paragraph("c", 2));
        let pages = pages_of(&items, 70.0);
        assert_eq!(pages[0], vec!["a1", "a2", "a3", "a4", "b1", "b2"]);
        assert_eq!(pages[1], vec!["[f1]", "[g1]", "c1", "c2"]);
    }

    #[test]
    fn a_figure_at_the_end_that_does_not_fit_gets_a_page_of_its_own() {
        let mut items = paragraph("a", 5);
        items.push(VItem::Penalty(0.0));
        items.push(figure("f", 3, 0.0));
        let pages = pages_of(&items, 60.0);
        assert_eq!(
            pages,
            vec![vec!["a1", "a2", "a3", "a4", "a5"], vec!["[f1]"]]
        );
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
            height: Pt(2.0),
            shrink: Pt(0.0),
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
                    crate::flow::vlist::BROKEN_WORD_PENALTY
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
            height: Pt(30.0),
            shrink: Pt(0.0),
            bars: Vec::new(),
        });
        items.extend(paragraph("b", 2));
        let mut warnings = Vec::new();
        let ranges: Vec<_> = break_pages(
            &items,
            &[],
            &PageRules::natural(Pt(35.0), Pt(10.0)),
            &Cancel::never(),
            &mut warnings,
        )
        .unwrap()
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
        let ranges: Vec<_> = break_pages(
            &items,
            &[],
            &PageRules::natural(Pt(50.0), Pt(10.0)),
            &Cancel::never(),
            &mut warnings,
        )
        .unwrap()
        .into_iter()
        .map(|p| p.items)
        .collect();
        assert_eq!(ranges.len(), 2);
        assert_eq!(warnings, vec![Warning::ForcedPageBreak { page: 1 }]);
    }

    /// Two blocks of lines with a space between them that may shrink by half.
    fn blocks_with_space(first: usize, second: usize, space: f32) -> Vec<VItem> {
        let mut items = Vec::new();
        for i in 0..first {
            if i > 0 {
                items.push(VItem::Penalty(NO_BREAK));
            }
            items.push(line(&format!("a{i}")));
        }
        items.push(VItem::Penalty(0.0));
        items.push(VItem::Space {
            height: Pt(space),
            shrink: Pt(space / 2.0),
            bars: Vec::new(),
        });
        for i in 0..second {
            if i > 0 {
                items.push(VItem::Penalty(NO_BREAK));
            }
            items.push(line(&format!("b{i}")));
        }
        items
    }

    fn plans(items: &[VItem], rules: &PageRules) -> Vec<PagePlan> {
        break_pages(items, &[], rules, &Cancel::never(), &mut Vec::new()).unwrap()
    }

    #[test]
    fn squeezing_spaces_pulls_a_block_back_onto_the_page() {
        // 3 + 2 lines and a 20-point space: 70 points on a 60-point page.
        let items = blocks_with_space(3, 2, 20.0);
        let natural = PageRules::natural(Pt(60.0), Pt(10.0));
        assert_eq!(plans(&items, &natural).len(), 2);
        let squeezed = PageRules {
            squeeze: true,
            ..natural
        };
        let one = plans(&items, &squeezed);
        assert_eq!(one.len(), 1);
        // 10 points over: the space gives up all of its 10 points of shrink.
        assert!((one[0].squeeze - 1.0).abs() < 1e-4, "{}", one[0].squeeze);
        assert_eq!(one[0].overrun, Pt(0.0));
    }

    #[test]
    fn a_page_may_run_a_line_long_only_when_allowed() {
        // 3 + 3 lines, a 4-point space (2 of shrink): 64 points on a 55-point page.
        let items = blocks_with_space(3, 3, 4.0);
        let squeezed = PageRules {
            squeeze: true,
            ..PageRules::natural(Pt(55.0), Pt(10.0))
        };
        assert_eq!(plans(&items, &squeezed).len(), 2);
        let long = PageRules {
            overrun: Pt(10.0),
            ..squeezed
        };
        let one = plans(&items, &long);
        assert_eq!(one.len(), 1);
        assert!(
            (one[0].overrun.0 - 7.0).abs() < 1e-4,
            "{:?}",
            one[0].overrun
        );
    }
}
