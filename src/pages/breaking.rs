//! Page breaking: where each page (or column) of the vertical list ends, with the notes
//! its lines refer to at its foot. A page ends at the cheapest place the list allows a
//! break before it overflows: the rules encoded as penalties (no widows, no orphans,
//! headings kept with what follows) hold on every page, an underfull page costs by the
//! square of the lines it leaves empty, and a note may continue on the next page.

use std::ops::Range;

use crate::cancel::Cancel;
use crate::error::{Error, Warning};
use crate::flow::vlist::FloatBlock;
use crate::flow::vlist::FORCED_BREAK;
use crate::flow::{VItem, NO_BREAK};
use crate::inline::LineBox;
use crate::model::NoteId;

/// Cost of leaving the bottom of a page empty, per line left empty, squared: a page may
/// end a line or two early to avoid a costlier break, but not half a page early.
const UNDERFULL_COST_PER_LINE: f32 = 10.0;
/// Cost of continuing a note on the next page (TeX's \\floatingpenalty, roughly).
const SPLIT_NOTE_COST: f32 = 300.0;
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
    pub overrun: f32,
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
            overrun: 0.0,
            top_floats: Vec::new(),
            deferred: Vec::new(),
        }
    }
}

/// How full pages may be made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRules {
    pub text_height: f32,
    /// The body text's line height, the unit in which an underfull page is measured.
    pub line_unit: f32,
    /// Spaces may give up their shrink.
    pub squeeze: bool,
    /// How far a page may run past the text height.
    pub overrun: f32,
    /// Height taken from the top of the first page's columns by what spans them all.
    pub head: f32,
    /// Columns per page (plans `0..columns` are the first page's).
    pub columns: usize,
}

impl PageRules {
    /// Pages at their natural height: spaces as designed, nothing past the text area.
    pub fn natural(text_height: f32, line_unit: f32) -> PageRules {
        PageRules {
            text_height,
            line_unit,
            squeeze: false,
            overrun: 0.0,
            head: 0.0,
            columns: 1,
        }
    }

    /// The rules for the `n`th column (from 0): the first page's are shorter by the head.
    pub(super) fn for_column(&self, n: usize) -> PageRules {
        let head = if n < self.columns { self.head } else { 0.0 };
        PageRules {
            text_height: (self.text_height - head).max(self.line_unit),
            ..*self
        }
    }

    /// The most a page may hold, with `shrink` points of shrinkable space on it.
    fn limit(&self, shrink: f32) -> f32 {
        self.text_height + if self.squeeze { shrink } else { 0.0 } + self.overrun
    }

    /// How a page of `natural` height with `shrink` of shrinkable space is made to fit:
    /// the share of shrink used, then how far it runs long.
    fn settle(&self, natural: f32, shrink: f32) -> (f32, f32) {
        let over = natural - self.text_height;
        if over <= 0.0 {
            return (0.0, 0.0);
        }
        let by_shrink = if self.squeeze { shrink.min(over) } else { 0.0 };
        let squeeze = if shrink > 0.0 {
            by_shrink / shrink
        } else {
            0.0
        };
        (squeeze, (over - by_shrink).clamp(0.0, self.overrun))
    }
}

/// A place the current page could end, and the state of its notes there.
#[derive(Debug, Clone)]
struct Candidate {
    cost: f32,
    end: usize,
    notes: Vec<NotePart>,
    carry: Vec<NotePart>,
    squeeze: f32,
    overrun: f32,
    deferred: Vec<usize>,
}

impl Candidate {
    /// A page ending before item `end`, costing `cost`, with the notes `notes` at its
    /// foot, `carry` continued on the next page, the floats `deferred` waiting, and
    /// `(squeeze, overrun)` as the rules settled it.
    fn at(
        cost: f32,
        end: usize,
        (squeeze, overrun): (f32, f32),
        notes: &[NotePart],
        carry: &[NotePart],
        deferred: &[usize],
    ) -> Candidate {
        Candidate {
            cost,
            end,
            notes: notes.to_vec(),
            carry: carry.to_vec(),
            squeeze,
            overrun,
            deferred: deferred.to_vec(),
        }
    }
}

pub(super) fn lines_height(lines: &[LineBox]) -> f32 {
    lines.iter().map(|l| l.height.0).sum()
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
    let line_unit = rules.line_unit;
    let all_pages = *rules;
    let separator = line_unit * NOTE_SEPARATOR_LINES;
    let underfull = |empty: f32| {
        let lines = empty.max(0.0) / line_unit;
        UNDERFULL_COST_PER_LINE * lines * lines
    };
    let note_height =
        |part: &NotePart| lines_height(&notes[part.note.0 as usize][part.lines.clone()]);
    let foot_total = |foot: f32| if foot > 0.0 { foot + separator } else { 0.0 };
    // The height of the notes of `refs` not yet on the page.
    let notes_height = |refs: &[NoteId], on_page: &[NoteId]| -> f32 {
        refs.iter()
            .filter(|k| !on_page.contains(k))
            .map(|&k| lines_height(&notes[k.0 as usize]))
            .sum()
    };
    let mut pages = Vec::new();
    let mut carry: Vec<NotePart> = Vec::new();
    // Floats waiting for the top of a page, in their order.
    let mut pending: Vec<usize> = Vec::new();
    let mut i = 0;
    loop {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let rules = &all_pages.for_column(pages.len());
        let text_height = rules.text_height;
        // Nothing discardable starts a page. An author's page break (the column before ended
        // at it, or just ahead of it) ends the page, not only the column: the page's other
        // columns stay empty.
        while i < items.len() && matches!(items[i], VItem::Space { .. } | VItem::Penalty(_)) {
            if matches!(items[i], VItem::Penalty(p) if p <= FORCED_BREAK) {
                while pages.len() % all_pages.columns.max(1) != 0 {
                    pages.push(PagePlan::empty(i));
                }
            }
            i += 1;
        }
        if i >= items.len() && carry.is_empty() && pending.is_empty() {
            break;
        }

        // Notes continued from the previous page come first, leaving room for text.
        let mut parts: Vec<NotePart> = Vec::new();
        let mut carry_out: Vec<NotePart> = Vec::new();
        let mut foot = 0.0;
        // What the page must open with (a waiting figure, or its first line) is never
        // drawn over by notes continued from before: they wait another page if need be.
        // A figure's own notes come with it, so they count in its room.
        let float_room = |block: &FloatBlock| {
            let refs = with_nested(&float_notes(block), notes, &[]);
            let own: f32 = refs
                .iter()
                .map(|&k| lines_height(&notes[k.0 as usize]))
                .sum();
            block.height_on_page(true) + own
        };
        let opening = match (pending.first(), items.get(i)) {
            (Some(&index), _) => match &items[index] {
                VItem::Float(block) => float_room(block),
                _ => 0.0,
            },
            (None, Some(VItem::Line(line))) => {
                line.height.0 + line.repeat_header.as_ref().map_or(0.0, |h| h.height.0)
            }
            (None, Some(VItem::Float(block))) => float_room(block),
            _ => 0.0,
        };
        let cap = if i >= items.len() && pending.is_empty() {
            text_height
        } else {
            (text_height * 0.75).min(text_height - opening)
        } - separator;
        for part in carry.drain(..) {
            if !carry_out.is_empty() {
                carry_out.push(part);
                continue;
            }
            let mut end = part.lines.start;
            for line in &notes[part.note.0 as usize][part.lines.clone()] {
                let first = parts.is_empty() && end == part.lines.start;
                // (With nothing else left for the page, a line is placed whatever its size.)
                let room_for_one = foot + line.height.0 + separator + opening <= text_height
                    || (i >= items.len() && pending.is_empty());
                if foot + line.height.0 > cap && !(first && room_for_one) {
                    break;
                }
                foot += line.height.0;
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
        // Notes carried on to a later page are not set whole here if cited again.
        let mut on_page: Vec<NoteId> = parts
            .iter()
            .chain(carry_out.iter())
            .map(|p| p.note)
            .collect();
        let add_notes = |refs: &[NoteId], on_page: &mut Vec<NoteId>, parts: &mut Vec<NotePart>| {
            let mut added = 0.0;
            for &k in refs {
                if !on_page.contains(&k) {
                    on_page.push(k);
                    parts.push(NotePart {
                        note: k,
                        lines: 0..notes[k.0 as usize].len(),
                    });
                    added += lines_height(&notes[k.0 as usize]);
                }
            }
            added
        };

        // Floats deferred from the page before open this one, as many as fit (the first
        // always: none waits more than a page); the rest wait, and so do all floats
        // after them.
        let mut top_floats = Vec::new();
        let mut waiting = Vec::new();
        let mut y = 0.0;
        for index in pending.drain(..) {
            let VItem::Float(block) = &items[index] else {
                continue;
            };
            let height = block.height_on_page(true);
            let refs = with_nested(&float_notes(block), notes, &on_page);
            let fits =
                y + height + foot_total(foot + notes_height(&refs, &on_page)) <= text_height + 0.01;
            if waiting.is_empty() && (top_floats.is_empty() || fits) {
                top_floats.push(index);
                y += height;
                foot += add_notes(&refs, &mut on_page, &mut parts);
            } else {
                waiting.push(index);
            }
        }

        let start = i;
        // A table row that starts a page brings its table's header along.
        if let Some(VItem::Line(LineBox {
            repeat_header: Some(header),
            ..
        })) = items.get(start)
        {
            y += header.height.0;
        }
        let mut deferred: Vec<usize> = Vec::new();
        // Under carried figures the text may wait for the next page rather than break a
        // rule (a heading alone, a widow) to fill what is left.
        let mut best: Option<Candidate> = (!top_floats.is_empty()).then(|| {
            Candidate::at(
                underfull(text_height - y - foot_total(foot)),
                start,
                (0.0, 0.0),
                &parts,
                &carry_out,
                &deferred,
            )
        });
        let mut chosen: Option<Candidate> = None;
        // Shrinkable space on the page so far.
        let mut shrink = 0.0;
        let mut j = start;
        while j < items.len() {
            match &items[j] {
                VItem::Line(line) => {
                    // Nothing on the page yet: its first line goes on it whatever its size.
                    let page_empty = j == start && top_floats.is_empty();
                    let new = with_nested(&line.notes, notes, &on_page);
                    let new_height: f32 = new
                        .iter()
                        .map(|&k| lines_height(&notes[k.0 as usize]))
                        .sum();
                    let foot_after = foot + new_height;
                    if y + line.height.0 + foot_total(foot_after) <= rules.limit(shrink) + 0.01 {
                        y += line.height.0;
                        for k in new {
                            parts.push(NotePart {
                                note: k,
                                lines: 0..notes[k.0 as usize].len(),
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
                        || page_empty;
                    if let (Some((&last, others)), true) = (new.split_last(), may_end_after) {
                        let others_height: f32 = others
                            .iter()
                            .map(|&k| lines_height(&notes[k.0 as usize]))
                            .sum();
                        // Room for the last note under everything else (one rule above all).
                        let room = rules.limit(shrink)
                            - y
                            - line.height.0
                            - separator
                            - foot
                            - others_height;
                        let mut fit = 0;
                        let mut used = 0.0;
                        for note_line in &notes[last.0 as usize] {
                            if used + note_line.height.0 > room + 0.01 {
                                break;
                            }
                            used += note_line.height.0;
                            fit += 1;
                        }
                        let forced = page_empty;
                        if fit >= 1 || forced {
                            let fit = fit.max(1);
                            let mut split_parts = parts.clone();
                            for &k in others {
                                split_parts.push(NotePart {
                                    note: k,
                                    lines: 0..notes[k.0 as usize].len(),
                                });
                            }
                            split_parts.push(NotePart {
                                note: last,
                                lines: 0..fit,
                            });
                            let mut split_carry = carry_out.clone();
                            if fit < notes[last.0 as usize].len() {
                                split_carry.push(NotePart {
                                    note: last,
                                    lines: fit..notes[last.0 as usize].len(),
                                });
                            }
                            let penalty = match items.get(j + 1) {
                                Some(VItem::Penalty(p)) => *p,
                                _ => 0.0,
                            };
                            let split_foot: f32 = split_parts.iter().map(note_height).sum();
                            let natural = y + line.height.0 + foot_total(split_foot);
                            let cost = penalty.min(NO_BREAK - 1.0)
                                + SPLIT_NOTE_COST
                                + underfull(text_height - natural);
                            let (squeeze, overrun) = rules.settle(natural, shrink);
                            let candidate = Candidate {
                                cost,
                                end: j + 1,
                                notes: split_parts,
                                carry: split_carry,
                                squeeze,
                                overrun,
                                deferred: deferred.clone(),
                            };
                            if forced || best.as_ref().is_none_or(|b| cost <= b.cost) {
                                best = Some(candidate);
                            }
                        }
                    }
                    if j == start && !page_empty && best.is_none() {
                        // Figures carried from before fill the page: the text waits.
                        best = Some(Candidate::at(
                            0.0,
                            start,
                            (0.0, 0.0),
                            &parts,
                            &carry_out,
                            &deferred,
                        ));
                    }
                    if page_empty && best.is_none() {
                        // A line too tall for an empty page: place it anyway.
                        best = Some(Candidate::at(
                            0.0,
                            j + 1,
                            (0.0, 0.0),
                            &parts,
                            &carry_out,
                            &deferred,
                        ));
                    }
                    chosen = Some(match best.take() {
                        Some(b) => b,
                        None => {
                            // A block taller than the page with no allowed break: split it
                            // here rather than lose its text.
                            warnings.push(Warning::ForcedPageBreak {
                                page: pages.len() + 1,
                            });
                            let (squeeze, overrun) = rules.settle(y + foot_total(foot), shrink);
                            Candidate::at(0.0, j, (squeeze, overrun), &parts, &carry_out, &deferred)
                        }
                    });
                    break;
                }
                VItem::Float(block) => {
                    // Set here if it fits and no float before it is waiting; else it
                    // waits for the next page and the text goes on.
                    let height = block.height_on_page(y <= 0.0);
                    let refs = with_nested(&float_notes(block), notes, &on_page);
                    let foot_after = foot + notes_height(&refs, &on_page);
                    let fits = y + height + foot_total(foot_after) <= rules.limit(shrink) + 0.01;
                    let alone = j == start && top_floats.is_empty();
                    if (fits && waiting.is_empty() && deferred.is_empty()) || alone {
                        y += height;
                        foot += add_notes(&refs, &mut on_page, &mut parts);
                    } else {
                        deferred.push(j);
                    }
                }
                VItem::Space {
                    height, shrink: s, ..
                } => {
                    y += height.0;
                    shrink += s.0;
                }
                VItem::Penalty(penalty) if *penalty <= FORCED_BREAK => {
                    // The author's page break: the page ends here, whatever it holds.
                    let (squeeze, overrun) = rules.settle(y + foot_total(foot), shrink);
                    chosen = Some(Candidate::at(
                        0.0,
                        j,
                        (squeeze, overrun),
                        &parts,
                        &carry_out,
                        &deferred,
                    ));
                    break;
                }
                VItem::Penalty(penalty) => {
                    if *penalty < NO_BREAK {
                        let natural = y + foot_total(foot);
                        let cost = penalty + underfull(text_height - natural);
                        // Ties go to the later break: fuller pages.
                        if best.as_ref().is_none_or(|b| cost <= b.cost) {
                            let fit = rules.settle(natural, shrink);
                            best = Some(Candidate::at(cost, j, fit, &parts, &carry_out, &deferred));
                        }
                    }
                }
            }
            j += 1;
        }
        let chosen = chosen.unwrap_or_else(|| {
            let (squeeze, overrun) = rules.settle(y + foot_total(foot), shrink);
            Candidate {
                cost: 0.0,
                end: items.len(),
                notes: parts,
                carry: carry_out,
                squeeze,
                overrun,
                deferred,
            }
        });
        pages.push(PagePlan {
            items: start..chosen.end.max(start),
            notes: chosen.notes,
            squeeze: chosen.squeeze,
            overrun: chosen.overrun,
            top_floats,
            deferred: chosen.deferred.clone(),
        });
        pending = waiting;
        pending.extend(chosen.deferred);
        carry = chosen.carry;
        i = chosen.end.max(start);
    }
    Ok(pages)
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
            &PageRules::natural(height, 10.0),
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
        let rules = PageRules::natural(100.0, 10.0);
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
        let rules = PageRules::natural(100.0, 10.0);
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
            &PageRules::natural(60.0, 10.0),
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
            ..PageRules::natural(60.0, 10.0)
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
            &PageRules::natural(35.0, 10.0),
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
            &PageRules::natural(50.0, 10.0),
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
        let natural = PageRules::natural(60.0, 10.0);
        assert_eq!(plans(&items, &natural).len(), 2);
        let squeezed = PageRules {
            squeeze: true,
            ..natural
        };
        let one = plans(&items, &squeezed);
        assert_eq!(one.len(), 1);
        // 10 points over: the space gives up all of its 10 points of shrink.
        assert!((one[0].squeeze - 1.0).abs() < 1e-4, "{}", one[0].squeeze);
        assert_eq!(one[0].overrun, 0.0);
    }

    #[test]
    fn a_page_may_run_a_line_long_only_when_allowed() {
        // 3 + 3 lines, a 4-point space (2 of shrink): 64 points on a 55-point page.
        let items = blocks_with_space(3, 3, 4.0);
        let squeezed = PageRules {
            squeeze: true,
            ..PageRules::natural(55.0, 10.0)
        };
        assert_eq!(plans(&items, &squeezed).len(), 2);
        let long = PageRules {
            overrun: 10.0,
            ..squeezed
        };
        let one = plans(&items, &long);
        assert_eq!(one.len(), 1);
        assert!((one[0].overrun - 7.0).abs() < 1e-4, "{}", one[0].overrun);
    }
}
