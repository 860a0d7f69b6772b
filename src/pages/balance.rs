//! Balancing: the columns of the last page made even, so that a short article (or the end
//! of a long one) set in columns does not fill the first column and leave the others
//! empty. Takes the page plans and gives them back with the last page's columns as short
//! as the page-breaking rules allow.

use super::breaking::{break_pages, PagePlan, PageRules};
use crate::context::Cancel;
use crate::error::Error;
use crate::flow::VItem;
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
    let full = rules.for_column(first).text_height;
    let trial = |height: f32| -> Result<Option<Vec<PagePlan>>, Error> {
        // The carried figures head the first column.
        let rules = PageRules {
            text_height: height,
            head: floats_height,
            columns: 1,
            ..*rules
        };
        let mut warnings = Vec::new();
        let set = break_pages(slice, notes, &rules, cancel, &mut warnings)?;
        Ok((set.len() <= columns && warnings.is_empty()).then_some(set))
    };
    let Some(mut best) = trial(full)? else {
        return Ok(());
    };
    let (mut low, mut high) = (0.0, full);
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

    fn columns_of(items: &[VItem], rules: &PageRules) -> Vec<usize> {
        let mut warnings = Vec::new();
        let mut plans = break_pages(items, &[], rules, &Cancel::never(), &mut warnings).unwrap();
        balance_last_page(&mut plans, items, &[], rules, &Cancel::never()).unwrap();
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

    fn two_columns(height: f32, head: f32) -> PageRules {
        PageRules {
            columns: 2,
            head,
            ..PageRules::natural(height, 10.0)
        }
    }

    #[test]
    fn a_short_text_shares_the_columns_evenly() {
        // 9 lines in columns of 20: not 9 and 0, but 5 and 4.
        assert_eq!(columns_of(&lines(9), &two_columns(200.0, 0.0)), vec![5, 4]);
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
