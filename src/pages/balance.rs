//! Balancing: the columns of the last page made even, so that a short article (or the end
//! of a long one) set in columns does not fill the first column and leave the others
//! empty. Takes the page plans and gives them back with the last page's columns as short
//! as the page-breaking rules allow.

use super::breaking::{break_pages, PagePlan, PageRules};
use crate::cancel::Cancel;
use crate::error::Error;
use crate::flow::VItem;
use crate::geom::Pt;
use crate::inline::LineBox;

/// Steps of the search for the shortest column height (each halves the interval: the
/// last is well under a point).
const SEARCH_STEPS: usize = 12;

/// Sets the last page's share of the list again in columns of the least height that
/// holds it in no more columns than the page has, with no rule broken. Figures carried
/// from the page before stay at the top of the first column; a last page that opens with
/// a note carried from the page before (or a carried figure with notes) keeps its columns.
pub fn balance_last_page(
    plans: &mut Vec<PagePlan>,
    items: &[VItem],
    notes: &[Vec<LineBox>],
    rules: &PageRules,
    cancel: &Cancel,
) -> Result<(), Error> {
    let columns = rules.columns;
    if columns < 2 || plans.is_empty() {
        return Ok(());
    }
    let first = (plans.len() - 1) / columns * columns;
    let opening = &plans[first];
    let mut floats_height = 0.0;
    for &index in &opening.top_floats {
        match &items[index] {
            VItem::Float(block) if block.lines.iter().all(|l| l.notes.is_empty()) => {
                floats_height += block.height_on_page(true);
            }
            _ => return Ok(()),
        }
    }
    if opening.notes.iter().any(|p| p.lines.start > 0) {
        return Ok(());
    }
    let top_floats = opening.top_floats.clone();
    let start = opening.items.start;
    let end = plans[plans.len() - 1].items.end;
    let slice = &items[start..end];
    if !slice
        .iter()
        .any(|item| matches!(item, VItem::Line(_) | VItem::Float(_)))
    {
        return Ok(());
    }
    let full = rules.for_column(first).text_height.0;
    // No column may be shorter than what it must hold whole: the tallest line, and the
    // carried figures with the first line under them (a shorter trial would "place anyway"
    // a line too tall for it, and look like a fit).
    let height_of = |item: &VItem| match item {
        VItem::Line(line) => line.height.0,
        VItem::Float(block) => block.height_on_page(true),
        _ => 0.0,
    };
    let tallest = slice.iter().map(height_of).fold(0.0, f32::max);
    let opening_height = slice
        .iter()
        .find(|item| matches!(item, VItem::Line(_) | VItem::Float(_)))
        .map_or(0.0, height_of);
    let least = tallest.max(floats_height + opening_height);
    // The shortest columns that hold the slice with `weights` as the notes' lines.
    let search = |weights: &[Vec<LineBox>]| -> Result<Option<Vec<PagePlan>>, Error> {
        let trial = |height: f32| -> Result<Option<Vec<PagePlan>>, Error> {
            if height < least {
                return Ok(None);
            }
            // The carried figures head the first column.
            // Columns as short as they can be, measured at their natural height (a page
            // running long would be measured against the short trial, not the page).
            let rules = PageRules {
                text_height: Pt(height),
                head: Pt(floats_height),
                columns: 1,
                overrun: Pt(0.0),
                ..*rules
            };
            let mut warnings = Vec::new();
            let set = break_pages(slice, weights, &rules, cancel, &mut warnings)?;
            Ok((set.len() <= columns && warnings.is_empty()).then_some(set))
        };
        let Some(mut best) = trial(full)? else {
            return Ok(None);
        };
        let (mut low, mut high) = (least, full);
        for _ in 0..SEARCH_STEPS {
            let middle = (low + high) / 2.0;
            match trial(middle)? {
                Some(set) => {
                    high = middle;
                    best = set;
                }
                None => low = middle,
            }
        }
        Ok(Some(best))
    };
    // Columns even by their text, the notes at the page's foot as on any page (weightless
    // while the columns are evened); if a column's notes then do not fit under its text,
    // columns even by text and notes together.
    let weightless = vec![Vec::new(); notes.len()];
    let mut chosen = None;
    if let Some(set) = search(&weightless)? {
        chosen = with_notes(set, slice, notes, rules, full, floats_height, cancel)?;
    }
    if chosen.is_none() {
        chosen = search(notes)?;
    }
    let Some(mut best) = chosen else {
        return Ok(());
    };
    for plan in &mut best {
        plan.items = plan.items.start + start..plan.items.end + start;
        for index in plan.top_floats.iter_mut().chain(plan.deferred.iter_mut()) {
            *index += start;
        }
    }
    if let Some(opening) = best.first_mut() {
        opening.top_floats = top_floats;
    }
    plans.truncate(first);
    plans.extend(best);
    Ok(())
}

/// Columns chosen by their text alone, given the notes their lines refer to at the foot;
/// `None` if a column's text and notes do not fit its height together (or figures move
/// between the columns, which the check does not follow).
fn with_notes(
    mut set: Vec<PagePlan>,
    slice: &[VItem],
    notes: &[Vec<LineBox>],
    rules: &PageRules,
    full: f32,
    floats_height: f32,
    cancel: &Cancel,
) -> Result<Option<Vec<PagePlan>>, Error> {
    if set
        .iter()
        .any(|plan| !plan.top_floats.is_empty() || !plan.deferred.is_empty())
    {
        return Ok(None);
    }
    for (k, plan) in set.iter_mut().enumerate() {
        let column = &slice[plan.items.clone()];
        let rules = PageRules {
            text_height: Pt(full),
            head: Pt(if k == 0 { floats_height } else { 0.0 }),
            columns: 1,
            ..*rules
        };
        let mut warnings = Vec::new();
        let alone = break_pages(column, notes, &rules, cancel, &mut warnings)?;
        match alone.as_slice() {
            [whole] if whole.items.end == column.len() && warnings.is_empty() => {
                plan.notes = whole.notes.clone();
                plan.squeeze = whole.squeeze;
                plan.overrun = whole.overrun;
            }
            _ => return Ok(None),
        }
    }
    Ok(Some(set))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::NO_BREAK;
    use crate::geom::Pt;

    fn lines(n: usize) -> Vec<VItem> {
        let mut items = Vec::new();
        for i in 0..n {
            if i > 0 {
                let penalty = if i == 1 || i == n - 1 { NO_BREAK } else { 0.0 };
                items.push(VItem::Penalty(penalty));
            }
            items.push(VItem::Line(LineBox::blank(Pt(10.0), Pt(8.0))));
        }
        items
    }

    /// The columns of `items` with `notes`, the last page balanced.
    fn balanced(items: &[VItem], notes: &[Vec<LineBox>], rules: &PageRules) -> Vec<PagePlan> {
        let mut warnings = Vec::new();
        let mut plans = break_pages(items, notes, rules, &Cancel::never(), &mut warnings).unwrap();
        balance_last_page(&mut plans, items, notes, rules, &Cancel::never()).unwrap();
        plans
    }

    /// How many lines each column holds.
    fn line_counts(items: &[VItem], plans: &[PagePlan]) -> Vec<usize> {
        plans
            .iter()
            .map(|p| {
                items[p.items.clone()]
                    .iter()
                    .filter(|i| matches!(i, VItem::Line(_)))
                    .count()
            })
            .collect()
    }

    fn columns_of(items: &[VItem], rules: &PageRules) -> Vec<usize> {
        line_counts(items, &balanced(items, &[], rules))
    }

    fn two_columns(height: f32, head: f32) -> PageRules {
        PageRules {
            columns: 2,
            head: Pt(head),
            ..PageRules::natural(Pt(height), Pt(10.0))
        }
    }

    #[test]
    fn a_short_text_shares_the_columns_evenly() {
        // 9 lines in columns of 20: not 9 and 0, but 5 and 4.
        assert_eq!(columns_of(&lines(9), &two_columns(200.0, 0.0)), vec![5, 4]);
    }

    #[test]
    fn columns_even_by_their_text_with_notes_at_the_foot() {
        // 10 lines, the first citing a 3-line note: 5 and 5, the note under the first.
        let mut items = lines(10);
        if let VItem::Line(line) = &mut items[0] {
            line.notes = vec![crate::model::NoteId(0)];
        }
        let notes = vec![vec![LineBox::blank(Pt(10.0), Pt(8.0)); 3]];
        let plans = balanced(&items, &notes, &two_columns(200.0, 0.0));
        assert_eq!(line_counts(&items, &plans), vec![5, 5]);
        assert_eq!(plans[0].notes.len(), 1);
        assert_eq!(plans[0].notes[0].lines, 0..3);
    }

    #[test]
    fn only_the_last_page_is_balanced() {
        // 10 lines a column; 26 lines: 10 + 10 on the first page, 3 + 3 on the last.
        assert_eq!(
            columns_of(&lines(26), &two_columns(100.0, 0.0)),
            vec![10, 10, 3, 3]
        );
    }

    #[test]
    fn the_head_shortens_the_first_page_columns() {
        // A head of 4 lines leaves 6 lines in each first-page column.
        assert_eq!(
            columns_of(&lines(16), &two_columns(100.0, 40.0)),
            vec![6, 6, 2, 2]
        );
    }
}
