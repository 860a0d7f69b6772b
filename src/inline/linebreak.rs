//! Total-fit line breaking (Knuth & Plass, "Breaking Paragraphs into Lines", 1981), as
//! TeX does it: among all ways to break a paragraph whose lines fit within the tolerance,
//! choose the one with the fewest total demerits.
//!
//! Takes a paragraph as [`Item`]s and a line width; gives the break positions and each
//! line's adjustment ratio (how far its glue stretches, > 0, or shrinks, < 0).
//!
//! The search keeps a list of "active" breakpoints (places a line could have started) and,
//! for each legal breakpoint, computes the cost of a line from every active one. Only the
//! best way to reach a breakpoint in each of the four fitness classes survives, which keeps
//! the search linear in practice and still exact: what follows a break depends only on its
//! position, its fitness class and whether it ended with a hyphen (a property of the
//! position itself).

use super::items::{Item, PenaltyKind, FILL, INFINITE_PENALTY};
use crate::cancel::Cancel;

/// Badness of a line that cannot stretch enough ("infinitely bad" in TeX).
pub const INFINITE_BADNESS: f64 = 10_000.0;

/// Hyphenated lines in a row that count as a ladder: the third in a row costs
/// [`LADDER_DEMERITS`] more, in every pass, so that it is taken only where nothing else
/// fits.
const LADDER: u8 = 3;
const LADDER_DEMERITS: f64 = 1.0e7;

/// The loosest line the continuous model considers before the last resort: a ratio of
/// 2 is half an em more than the glue gives at every space (TeX's tolerance of 200 is a
/// ratio of 1.26). On the handbook corpus a limit of 4 chose the same lines.
const LOOSEST_RATIO: f64 = 2.0;

/// A last line of one word narrower than this share of the measure is a runt.
const RUNT_SHARE: f64 = 0.25;

/// The parameters of one pass. Defaults are TeX's (plain.tex) for a second pass.
#[derive(Debug, Clone)]
pub struct Params {
    /// Largest badness a line may have (TeX's \tolerance; 100 ≈ spaces stretched by
    /// their full stretchability).
    pub tolerance: f64,
    /// Added to every line's badness before squaring: favours fewer lines (\linepenalty).
    pub line_penalty: f64,
    /// Two hyphenated lines in a row (\doublehyphendemerits).
    pub double_hyphen_demerits: f64,
    /// A hyphen at the end of the second-to-last line (\finalhyphendemerits).
    pub final_hyphen_demerits: f64,
    /// Adjacent lines whose tightness differs by more than one class (\adjdemerits).
    pub adj_demerits: f64,
    /// Stretch every line has besides its glue: the ragged-right margin's stretch, or
    /// TeX's \emergencystretch in the last pass.
    pub background_stretch: f64,
    /// Hyphenation points from the patterns are breakpoints in this pass.
    pub hyphenate: bool,
    /// Emergency breakpoints inside overlong words are breakpoints in this pass, and a
    /// line that cannot fit is accepted (overfull) rather than failing the paragraph.
    pub last_resort: bool,
    /// The continuous cost model's measure (the text size), or 0 for TeX's: a line
    /// looser than its glue's stretch allows is not infeasible but dearer and dearer,
    /// its extra space spread over its justification points and measured in half-ems per
    /// point beyond a ratio of 1 (so that a line two words long is weighed against a
    /// hyphen, where a tolerance would simply forbid it). With it, `tolerance` should be
    /// infinite.
    pub em: f64,
    /// A last line of a single short word (a runt) costs this (0: no cost).
    pub runt_demerits: f64,
    /// The demerits of a breaking known to exist (infinite if none is known): a way
    /// through a node or a line that already costs as much cannot be the best, and is
    /// not followed. With a good bound the search stays near the lines that matter.
    pub bound: f64,
    /// Give up (no solution) once the render is cancelled.
    pub cancel: Cancel,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: 200.0,
            line_penalty: 10.0,
            double_hyphen_demerits: 10_000.0,
            final_hyphen_demerits: 5_000.0,
            adj_demerits: 10_000.0,
            background_stretch: 0.0,
            hyphenate: true,
            last_resort: false,
            em: 0.0,
            runt_demerits: 0.0,
            bound: f64::INFINITY,
            cancel: Cancel::never(),
        }
    }
}

/// Where a line ends and how its glue is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index of the glue or penalty item the line ends at.
    pub position: usize,
    /// Adjustment ratio of the line ending here: stretch (> 0) or shrink (< 0) used as a
    /// fraction of what the line has. Below -1 only for an overfull last-resort line.
    pub ratio: f64,
}

/// The chosen breaks and their total demerits.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub breaks: Vec<Break>,
    pub demerits: f64,
}

/// TeX's fitness classes: very loose, loose, decent, tight.
pub fn fitness_class(ratio: f64) -> u8 {
    if ratio > 1.0 {
        0
    } else if ratio > 0.5 {
        1
    } else if ratio >= -0.5 {
        2
    } else {
        3
    }
}

/// TeX's badness: 100·|r|³, capped at [`INFINITE_BADNESS`].
pub fn badness(ratio: f64) -> f64 {
    if !ratio.is_finite() {
        return INFINITE_BADNESS;
    }
    (100.0 * ratio.abs().powi(3)).min(INFINITE_BADNESS)
}

/// The continuous cost model's ratio of a line: its adjustment ratio up to 1; beyond, 1
/// plus the space its glue cannot give, spread over its justification points (at least
/// one) in half-ems each. Finite for every line that is not overfull.
pub fn continuous_ratio(ratio: f64, missing: f64, points: f64, em: f64) -> f64 {
    if ratio <= 1.0 {
        return ratio;
    }
    1.0 + missing / (points.max(1.0) * em / 2.0)
}

/// The continuous cost model's badness: 100·|r|³ with no cap.
pub fn continuous_badness(ratio: f64) -> f64 {
    100.0 * ratio.abs().powi(3)
}

/// What one line costs, given how it is set and how the line before it ended.
#[derive(Debug, Clone, Copy)]
pub struct LineCost {
    pub ratio: f64,
    pub penalty: f64,
    pub flagged: bool,
    pub previous_flagged: bool,
    pub previous_fitness: u8,
    /// The line ends the paragraph.
    pub last: bool,
    /// The line is one short word (matters for the last line: a runt).
    pub runt: bool,
}

/// Demerits of one line (Knuth & Plass, eq. 4, with TeX's additions). With the
/// continuous model (`params.em > 0`) `cost.ratio` is the continuous ratio and the
/// badness has no cap.
pub fn line_demerits(params: &Params, cost: &LineCost) -> f64 {
    let badness = if params.em > 0.0 {
        continuous_badness(cost.ratio)
    } else {
        badness(cost.ratio)
    };
    let base = (params.line_penalty + badness).powi(2);
    let mut demerits = if cost.penalty >= 0.0 {
        base + cost.penalty.powi(2)
    } else if cost.penalty > -(INFINITE_PENALTY as f64) {
        base - cost.penalty.powi(2)
    } else {
        base
    };
    if cost.previous_flagged {
        if cost.last {
            demerits += params.final_hyphen_demerits;
        } else if cost.flagged {
            demerits += params.double_hyphen_demerits;
        }
    }
    if fitness_class(cost.ratio).abs_diff(cost.previous_fitness) > 1 {
        demerits += params.adj_demerits;
    }
    if cost.last && cost.runt {
        demerits += params.runt_demerits;
    }
    demerits
}

/// Whether item `i` is a place the line may end, in a pass with these parameters.
pub fn is_legal_break<P>(items: &[Item<P>], i: usize, params: &Params) -> bool {
    match &items[i] {
        Item::Box { .. } => false,
        Item::Glue { .. } => i > 0 && items[i - 1].is_box(),
        Item::Penalty { cost, kind, .. } => {
            *cost < INFINITE_PENALTY
                && match kind {
                    PenaltyKind::Hyphenation => params.hyphenate,
                    PenaltyKind::Emergency => params.last_resort,
                    _ => true,
                }
        }
    }
}

/// Running totals of width, stretch and shrink, so a line's measures are differences.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    width: f64,
    stretch: f64,
    shrink: f64,
    /// Boxes' flexibility (font expansion): it both stretches and shrinks.
    flex: f64,
    /// Glue that stretches (but not without end, as the paragraph's closing fill does):
    /// the places a justified line spreads its space.
    points: f64,
}

impl Totals {
    fn add_glue(&mut self, width: f32, stretch: f32, shrink: f32) {
        self.width += width as f64;
        self.stretch += stretch as f64;
        self.shrink += shrink as f64;
        if stretch > 0.0 && stretch < FILL {
            self.points += 1.0;
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    position: usize,
    fitness: u8,
    flagged: bool,
    /// Lines ending in a hyphen in a row, this one included (counted up to
    /// [`LADDER`]).
    run: u8,
    /// Totals at the start of the line that follows this break.
    after: Totals,
    demerits: f64,
    ratio: f64,
    previous: Option<usize>,
}

/// Adjustment ratio of a line of natural `width` with `stretch` and `shrink`, set to
/// `line_width`.
pub fn adjustment_ratio(line_width: f64, width: f64, stretch: f64, shrink: f64) -> f64 {
    if width < line_width - 1e-9 {
        if stretch > 0.0 {
            (line_width - width) / stretch
        } else {
            f64::INFINITY
        }
    } else if width > line_width + 1e-9 {
        if shrink > 0.0 {
            (line_width - width) / shrink
        } else {
            f64::NEG_INFINITY
        }
    } else {
        0.0
    }
}

/// A paragraph's items with their running totals, measured once for all the passes and
/// pricings that break it.
pub struct Paragraph<'i, P> {
    items: &'i [Item<P>],
    sums: Vec<Totals>,
}

impl<'i, P> Paragraph<'i, P> {
    pub fn new(items: &'i [Item<P>]) -> Self {
        Paragraph {
            items,
            sums: prefix_totals(items),
        }
    }

    /// Breaks the paragraph into lines of `line_width` (its last item must be a forced
    /// break). Returns `None` when no breaking keeps every line within what this pass
    /// allows (never with `last_resort`).
    pub fn break_lines(&self, line_width: f32, params: &Params) -> Option<Solution> {
        search(self.items, &self.sums, line_width, params)
    }

    /// The demerits of breaking the paragraph at `breaks` under `params` (as
    /// [`Paragraph::break_lines`] counts them), or `None` if a line of it is one this pass
    /// would not take (overfull, or past its tolerance or loosest ratio).
    pub fn demerits_of(&self, breaks: &[Break], line_width: f32, params: &Params) -> Option<f64> {
        price(self.items, &self.sums, breaks, line_width, params)
    }
}

/// The total-fit search of [`Paragraph::break_lines`], on items whose running totals are
/// `sums`.
fn search<P>(
    items: &[Item<P>],
    sums: &[Totals],
    line_width: f32,
    params: &Params,
) -> Option<Solution> {
    let line_width = line_width as f64;

    let mut nodes = vec![Node {
        position: 0,
        fitness: 2,
        flagged: false,
        run: 0,
        after: Totals::default(),
        demerits: 0.0,
        ratio: 0.0,
        previous: None,
    }];
    let mut active: Vec<usize> = vec![0];
    // The nodes kept at each breakpoint, in a buffer used again at the next.
    let mut kept: Vec<usize> = Vec::new();

    for b in 0..items.len() {
        if !is_legal_break(items, b, params) {
            continue;
        }
        // Looking at the clock costs little once every few thousand breakpoints.
        if b % 4096 == 0 && params.cancel.is_cancelled() {
            return None;
        }
        let (penalty_width, penalty, flagged) = items[b].break_terms();
        let forced = penalty <= -(INFINITE_PENALTY as f64);
        let last = forced && b == items.len() - 1;

        // Best way to reach b in each fitness class and with each length of the hyphen
        // run it ends: (demerits, from node, ratio). The run is part of the state, so
        // that a third hyphen in a row is charged where it happens in every pass.
        let mut best: [[Option<(f64, usize, f64)>; LADDER as usize]; 4] =
            [[None; LADDER as usize]; 4];
        // The cheapest node dropped because its line overflows: the last resort's rescue.
        let mut rescue: Option<(f64, usize, f64)> = None;

        kept.clear();
        for &a in &active {
            let node = &nodes[a];
            // Demerits only grow along a breaking: a node that costs the bound already
            // can lead nowhere better.
            if node.demerits >= params.bound {
                continue;
            }
            let fit = LineFit::of(&sums[b], &node.after, penalty_width, line_width, params);
            let ratio = fit.ratio;
            if fit.feasible {
                let cost = LineCost {
                    ratio: fit.cost_ratio,
                    penalty,
                    flagged,
                    previous_flagged: node.flagged,
                    previous_fitness: node.fitness,
                    last,
                    runt: fit.runt,
                };
                let run = if flagged {
                    (node.run + 1).min(LADDER)
                } else {
                    0
                };
                let mut total = node.demerits + line_demerits(params, &cost);
                if run == LADDER {
                    total += LADDER_DEMERITS;
                }
                if total >= params.bound {
                    // Not followed; the node stays for the breakpoints after.
                    if ratio < -1.0 {
                        if rescue.is_none_or(|(d, _, _)| node.demerits < d) {
                            rescue = Some((node.demerits, a, ratio));
                        }
                    } else if !forced {
                        kept.push(a);
                    }
                    continue;
                }
                // Without fitness demerits every line is of one class: a quarter of the
                // nodes to keep.
                let class = if params.adj_demerits > 0.0 {
                    fitness_class(ratio) as usize
                } else {
                    0
                };
                let slot = &mut best[class][(run as usize).min(LADDER as usize - 1)];
                if slot.is_none_or(|(d, _, _)| total < d) {
                    *slot = Some((total, a, ratio));
                }
            }
            if ratio < -1.0 {
                if rescue.is_none_or(|(d, _, _)| node.demerits < d) {
                    rescue = Some((node.demerits, a, ratio));
                }
            } else if !forced {
                kept.push(a);
            }
        }
        std::mem::swap(&mut active, &mut kept);

        if params.last_resort && best.iter().flatten().all(Option::is_none) && active.is_empty() {
            // Nothing fits: accept an overfull line from the cheapest overflowing start
            // rather than lose the paragraph (TeX's final pass does the same).
            if let Some((demerits, a, ratio)) = rescue {
                let class = fitness_class(ratio) as usize;
                let penalty_line = (params.line_penalty + INFINITE_BADNESS).powi(2);
                best[class][0] = Some((demerits + penalty_line, a, ratio));
            }
        }

        let Some(minimum) = best
            .iter()
            .flatten()
            .flatten()
            .map(|(d, _, _)| *d)
            .reduce(f64::min)
        else {
            if active.is_empty() {
                return None;
            }
            continue;
        };
        let after = totals_after_break(items, sums, b);
        // A node dearer than the cheapest by more than a fitness jump can cost can never
        // win, unless that cheapest ends a longer hyphen run (its future may cost a
        // ladder more): compare each with the cheapest of runs no longer than its own.
        let mut cheapest_up_to = [f64::INFINITY; LADDER as usize];
        for slot in 0..LADDER as usize {
            let here = best
                .iter()
                .filter_map(|runs| runs[slot].map(|(d, _, _)| d))
                .fold(f64::INFINITY, f64::min);
            let before = if slot > 0 {
                cheapest_up_to[slot - 1]
            } else {
                f64::INFINITY
            };
            cheapest_up_to[slot] = here.min(before);
        }
        debug_assert!(cheapest_up_to[LADDER as usize - 1] == minimum);
        for (class, runs) in best.iter().enumerate() {
            for (slot, candidate) in runs.iter().enumerate() {
                let Some((demerits, from, ratio)) = *candidate else {
                    continue;
                };
                if demerits > cheapest_up_to[slot] + params.adj_demerits {
                    continue;
                }
                // The third slot holds runs of three or more: still counted as such.
                let run = if slot + 1 == LADDER as usize && flagged {
                    (nodes[from].run + 1).min(LADDER)
                } else {
                    slot as u8
                };
                nodes.push(Node {
                    position: b,
                    fitness: class as u8,
                    flagged,
                    run,
                    after,
                    demerits,
                    ratio,
                    previous: Some(from),
                });
                active.push(nodes.len() - 1);
            }
        }
    }

    let end = items.len().checked_sub(1)?;
    let best = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].position == end && nodes[a].previous.is_some())
        .min_by(|&x, &y| nodes[x].demerits.total_cmp(&nodes[y].demerits))?;
    let demerits = nodes[best].demerits;
    let mut breaks = Vec::new();
    let mut cursor = Some(best);
    while let Some(n) = cursor {
        if nodes[n].previous.is_some() {
            breaks.push(Break {
                position: nodes[n].position,
                ratio: nodes[n].ratio,
            });
        }
        cursor = nodes[n].previous;
    }
    breaks.reverse();
    Some(Solution { breaks, demerits })
}

/// A breaking found greedily (each line ends at the last legal breakpoint where it still
/// fits, shrunk if need be): fast, and a bound for the total-fit search. `None` if some
/// line cannot fit at all.
pub fn first_fit<P>(items: &[Item<P>], line_width: f32, params: &Params) -> Option<Vec<Break>> {
    let line_width = line_width as f64;
    let mut breaks = Vec::new();
    let (mut width, mut shrink) = (0.0f64, 0.0f64);
    let mut candidate: Option<(usize, f64)> = None;
    let mut i = 0;
    while i < items.len() {
        let penalty_width = match &items[i] {
            Item::Penalty { width, .. } => *width as f64,
            _ => 0.0,
        };
        if is_legal_break(items, i, params) {
            let fits = width + penalty_width - shrink <= line_width + 1e-9;
            if fits {
                candidate = Some((i, 0.0));
            }
            if !fits || items[i].is_forced_break() {
                let (at, _) = candidate?;
                breaks.push(Break {
                    position: at,
                    ratio: 0.0,
                });
                if at == items.len() - 1 {
                    return Some(breaks);
                }
                i = line_start(items, at);
                width = 0.0;
                shrink = 0.0;
                candidate = None;
                continue;
            }
        }
        match &items[i] {
            Item::Box { width: w, flex, .. } => {
                width += *w as f64;
                shrink += *flex as f64;
            }
            Item::Glue {
                width: w,
                shrink: z,
                ..
            } => {
                width += *w as f64;
                shrink += *z as f64;
            }
            Item::Penalty { .. } => {}
        }
        i += 1;
    }
    None
}

/// [`Paragraph::demerits_of`] on items whose running totals are `sums`.
fn price<P>(
    items: &[Item<P>],
    sums: &[Totals],
    breaks: &[Break],
    line_width: f32,
    params: &Params,
) -> Option<f64> {
    let line_width = line_width as f64;
    let mut total = 0.0;
    let mut start = Totals::default();
    let (mut previous_flagged, mut previous_fitness, mut run) = (false, 2u8, 0u8);
    for (k, b) in breaks.iter().enumerate() {
        let (penalty_width, penalty, flagged) = items[b.position].break_terms();
        let fit = LineFit::of(&sums[b.position], &start, penalty_width, line_width, params);
        if !fit.feasible {
            return None;
        }
        let ratio = fit.ratio;
        total += line_demerits(
            params,
            &LineCost {
                ratio: fit.cost_ratio,
                penalty,
                flagged,
                previous_flagged,
                previous_fitness,
                last: k + 1 == breaks.len(),
                runt: fit.runt,
            },
        );
        run = if flagged { (run + 1).min(LADDER) } else { 0 };
        if run == LADDER {
            total += LADDER_DEMERITS;
        }
        previous_flagged = flagged;
        previous_fitness = if params.adj_demerits > 0.0 {
            fitness_class(ratio)
        } else {
            0
        };
        start = totals_after_break(items, sums, b.position);
    }
    Some(total)
}

/// Running totals of `items`: entry `i` sums `items[..i]` (penalty widths count only at a
/// break), so that a line's measures are differences.
fn prefix_totals<P>(items: &[Item<P>]) -> Vec<Totals> {
    let mut sums = Vec::with_capacity(items.len() + 1);
    let mut running = Totals::default();
    sums.push(running);
    for item in items {
        match item {
            Item::Box { width, flex, .. } => {
                running.width += *width as f64;
                running.flex += *flex as f64;
            }
            Item::Glue {
                width,
                stretch,
                shrink,
            } => running.add_glue(*width, *stretch, *shrink),
            Item::Penalty { .. } => {}
        }
        sums.push(running);
    }
    sums
}

/// How one line, from the totals `start` to those at its break `end`, is set.
struct LineFit {
    /// Its adjustment ratio (below -1: overfull).
    ratio: f64,
    /// The ratio its cost is computed from (the continuous one in that model).
    cost_ratio: f64,
    /// A pass with these parameters may take it.
    feasible: bool,
    /// One word narrower than [`RUNT_SHARE`] of the measure.
    runt: bool,
}

impl LineFit {
    fn of(
        end: &Totals,
        start: &Totals,
        penalty_width: f64,
        line_width: f64,
        params: &Params,
    ) -> LineFit {
        let width = end.width - start.width + penalty_width;
        let flex = end.flex - start.flex;
        let stretch = end.stretch - start.stretch + params.background_stretch + flex;
        let shrink = end.shrink - start.shrink + flex;
        let ratio = adjustment_ratio(line_width, width, stretch, shrink);
        let points = end.points - start.points;
        let (feasible, cost_ratio) = if params.em > 0.0 {
            let missing = line_width - width - stretch.max(0.0);
            let cost_ratio = continuous_ratio(ratio, missing, points, params.em);
            // A line looser than the limit is left to the last resort, which may break a
            // word instead: it keeps the search to the breakpoints near a line's end, as a
            // tolerance does, but far past any tolerance.
            (
                ratio >= -1.0 && (params.last_resort || cost_ratio <= LOOSEST_RATIO),
                cost_ratio,
            )
        } else {
            let tolerance = if params.last_resort {
                params.tolerance.max(INFINITE_BADNESS)
            } else {
                params.tolerance
            };
            (ratio >= -1.0 && badness(ratio) <= tolerance, ratio)
        };
        LineFit {
            ratio,
            cost_ratio,
            feasible,
            runt: points == 0.0 && width < line_width * RUNT_SHARE,
        }
    }
}

/// Totals at the start of the line after a break at `b`: the glue and penalties that
/// follow the break vanish with it, up to the next box or forced break.
fn totals_after_break<P>(items: &[Item<P>], sums: &[Totals], b: usize) -> Totals {
    let mut totals = sums[b];
    for (j, item) in items.iter().enumerate().skip(b) {
        match item {
            Item::Box { .. } => break,
            Item::Glue {
                width,
                stretch,
                shrink,
            } => totals.add_glue(*width, *stretch, *shrink),
            Item::Penalty { .. } if j > b && item.is_forced_break() => break,
            Item::Penalty { .. } => {}
        }
    }
    totals
}

/// The first item of the line after a break at `b` (discardable items skipped).
pub fn line_start<P>(items: &[Item<P>], b: usize) -> usize {
    let mut j = b + 1;
    while j < items.len() && items[j].is_discardable() && !items[j].is_forced_break() {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn break_lines<P>(items: &[Item<P>], width: f32, params: &Params) -> Option<Solution> {
        Paragraph::new(items).break_lines(width, params)
    }

    fn demerits_of<P>(
        items: &[Item<P>],
        breaks: &[Break],
        width: f32,
        params: &Params,
    ) -> Option<f64> {
        Paragraph::new(items).demerits_of(breaks, width, params)
    }

    #[test]
    fn letters_that_may_narrow_let_a_line_fit_that_its_spaces_alone_cannot() {
        // "aaaaaaaaaa bbbbbbbbbb" is 22 units at natural width with a space that shrinks
        // by 1: a measure of 20 is too narrow for it on one line, unless the letters
        // may narrow too (by a tenth here).
        let (mut items, _) = paragraph("aaaaaaaaaa bbbbbbbbbb");
        let params = Params::default();
        // Each word alone would be a line with no space to stretch: no way to set it.
        assert_eq!(break_lines(&items, 20.0, &params), None);
        for item in &mut items {
            if let Item::Box { width, flex, .. } = item {
                *flex = *width / 10.0;
            }
        }
        let with = break_lines(&items, 20.0, &params).expect("one line");
        assert_eq!(with.breaks.len(), 1);
        assert!(with.breaks[0].ratio < 0.0 && with.breaks[0].ratio >= -1.0);
        assert!(first_fit(&items, 20.0, &params).is_some_and(|b| b.len() == 1));
    }

    /// A paragraph of words with one-unit-per-letter widths, spaces of width 2 that
    /// stretch by 1 and shrink by 1, hyphenation points at `-` inside words (width-1
    /// hyphen, penalty 50), and TeX's ending.
    fn paragraph(text: &str) -> (Vec<Item<String>>, Vec<String>) {
        let mut items = Vec::new();
        let mut pieces = Vec::new();
        for (w, word) in text.split(' ').enumerate() {
            if w > 0 {
                items.push(Item::Glue {
                    width: 2.0,
                    stretch: 1.0,
                    shrink: 1.0,
                });
            }
            for (s, syllable) in word.split('-').enumerate() {
                if s > 0 {
                    items.push(Item::Penalty {
                        width: 1.0,
                        cost: 50.0,
                        flagged: true,
                        kind: PenaltyKind::Hyphenation,
                        content: Some("-".to_string()),
                    });
                }
                items.push(Item::Box {
                    width: syllable.chars().count() as f32,
                    flex: 0.0,
                    content: syllable.to_string(),
                });
                pieces.push(syllable.to_string());
            }
        }
        items.push(Item::Penalty {
            width: 0.0,
            cost: INFINITE_PENALTY,
            flagged: false,
            kind: PenaltyKind::Control,
            content: None,
        });
        items.push(Item::Glue {
            width: 0.0,
            stretch: 1e6,
            shrink: 0.0,
        });
        items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITE_PENALTY,
            flagged: false,
            kind: PenaltyKind::Control,
            content: None,
        });
        (items, pieces)
    }

    /// The lines as text, hyphens included, one per line.
    fn dump(items: &[Item<String>], breaks: &[Break]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut start = 0;
        for b in breaks {
            let mut line = String::new();
            for item in &items[start..b.position] {
                match item {
                    Item::Box { content, .. } => line.push_str(content),
                    Item::Glue { .. } => line.push(' '),
                    Item::Penalty { .. } => {}
                }
            }
            if let Item::Penalty {
                content: Some(h), ..
            } = &items[b.position]
            {
                line.push_str(h);
            }
            lines.push(line.trim_end().to_string());
            start = line_start(items, b.position);
        }
        lines
    }

    /// The cheapest breaking found by enumerating every sequence of legal breakpoints
    /// whose lines are all feasible (depth first; a line that overflows ends a branch,
    /// since adding material only makes it wider).
    fn brute_force(items: &[Item<String>], width: f64, params: &Params) -> Option<f64> {
        let legal: Vec<usize> = (0..items.len())
            .filter(|&i| is_legal_break(items, i, params))
            .collect();
        let sums = prefix_totals(items);
        let mut best: Option<f64> = None;
        let mut path = Vec::new();
        fn walk(
            items: &[Item<String>],
            sums: &[Totals],
            legal: &[usize],
            width: f64,
            params: &Params,
            path: &mut Vec<usize>,
            best: &mut Option<f64>,
        ) {
            let from = path.last().map_or(0, |&b| b + 1);
            for &b in legal.iter().filter(|&&b| b >= from) {
                path.push(b);
                let breaks: Vec<Break> = path
                    .iter()
                    .map(|&position| Break {
                        position,
                        ratio: 0.0,
                    })
                    .collect();
                let feasible = demerits_of(items, &breaks, width as f32, params);
                if b == items.len() - 1 {
                    if let Some(cost) = feasible {
                        if best.is_none_or(|x| cost < x) {
                            *best = Some(cost);
                        }
                    }
                } else if feasible.is_some() {
                    walk(items, sums, legal, width, params, path, best);
                }
                path.pop();
                // Past an overfull line, later breakpoints are only wider.
                let start = path
                    .last()
                    .map_or(Totals::default(), |&p| totals_after_break(items, sums, p));
                if sums[b].width - start.width - (sums[b].shrink - start.shrink) > width {
                    break;
                }
            }
        }
        walk(items, &sums, &legal, width, params, &mut path, &mut best);
        best
    }

    const SHORT: &str =
        "the quick brown fox jumps over the la-zy dog and then it runs a-way in-to the for-est";

    #[test]
    fn breaks_are_total_fit_against_exhaustive_search() {
        let (items, _) = paragraph(SHORT);
        let params = Params {
            tolerance: 1000.0,
            ..Params::default()
        };
        for width in [18.0, 22.0, 25.0, 30.0, 34.0, 41.0] {
            let found = break_lines(&items, width as f32, &params);
            let exhaustive = brute_force(&items, width, &params);
            match (found, exhaustive) {
                (Some(s), Some(best)) => assert!(
                    (s.demerits - best).abs() < 1e-6 * best.max(1.0),
                    "width {width}: found {} but {best} exists",
                    s.demerits
                ),
                (None, None) => {}
                (f, e) => panic!("width {width}: breaker {f:?} vs exhaustive {e:?}"),
            }
        }
    }

    /// The continuous model's parameters: no tolerance, half-ems of 2 units.
    fn continuous() -> Params {
        Params {
            tolerance: f64::INFINITY,
            em: 4.0,
            runt_demerits: 10_000.0,
            ..Params::default()
        }
    }

    #[test]
    fn continuous_breaks_are_total_fit_against_exhaustive_search() {
        let (items, _) = paragraph(SHORT);
        let params = continuous();
        for width in [25.0, 34.0, 41.0] {
            let found = break_lines(&items, width as f32, &params).expect("always a solution");
            let best = brute_force(&items, width, &params).expect("exhaustive finds one");
            assert!(
                (found.demerits - best).abs() < 1e-6 * best.max(1.0),
                "width {width}: found {} but {best} exists",
                found.demerits
            );
        }
        // Where TeX's tolerance finds nothing, the continuous model still sets lines
        // (loose ones), without the last resort.
        assert!(break_lines(&items, 14.0, &Params::default()).is_none());
    }

    #[test]
    fn the_continuous_ratio_spreads_what_the_glue_lacks_over_the_spaces() {
        assert_eq!(continuous_ratio(0.5, 0.0, 3.0, 10.0), 0.5);
        // Ten units missing over two spaces, with half-ems of 5: one half-em each.
        assert_eq!(continuous_ratio(3.0, 10.0, 2.0, 10.0), 2.0);
        // No space to spread it over: counted as one.
        assert_eq!(continuous_ratio(f64::INFINITY, 5.0, 0.0, 10.0), 2.0);
        assert!(continuous_badness(3.0) > continuous_badness(2.0));
    }

    #[test]
    fn three_hyphens_in_a_row_only_where_nothing_else_fits() {
        // Every word hyphenable: a ladder is tempting at narrow widths.
        let text = "ab-cd-ef gh-ij-kl mn-op-qr st-uv-wx yz-ab-cd ef-gh-ij kl-mn-op qr-st-uv";
        let (items, _) = paragraph(text);
        // The last resort, which sets any paragraph, keeps the rule too.
        let params = Params {
            last_resort: true,
            ..continuous()
        };
        for width in [9.0f32, 11.0, 13.0, 15.0, 17.0] {
            let solution = break_lines(&items, width, &params).unwrap();
            let lines = dump(&items, &solution.breaks);
            let mut run = 0;
            for line in &lines {
                run = if line.ends_with('-') { run + 1 } else { 0 };
                assert!(run < 3, "width {width}: {lines:?}");
            }
        }
    }

    #[test]
    fn a_runt_costs_a_better_last_line() {
        // Ten words fill the line exactly and leave the eleventh alone on the last; the
        // line can also shrink to take all eleven.
        let words: Vec<String> = ('a'..='k').map(|c| c.to_string().repeat(6)).collect();
        let (items, _) = paragraph(&words.join(" "));
        let plain = Params {
            runt_demerits: 0.0,
            ..continuous()
        };
        let width = 78.0;
        let without = dump(&items, &break_lines(&items, width, &plain).unwrap().breaks);
        let with = dump(
            &items,
            &break_lines(&items, width, &continuous()).unwrap().breaks,
        );
        assert_eq!(
            without.last().map(String::as_str),
            Some("kkkkkk"),
            "{without:?}"
        );
        assert!(with.last().unwrap().contains(' '), "{with:?}");
    }

    #[test]
    fn lines_stay_within_measure_and_tolerance() {
        let (items, _) = paragraph(SHORT);
        let params = Params::default();
        for width in [24.0f32, 30.0, 40.0] {
            let solution = break_lines(&items, width, &params).expect("feasible");
            for b in &solution.breaks {
                assert!(b.ratio >= -1.0, "overfull line at width {width}");
                assert!(
                    badness(b.ratio) <= params.tolerance,
                    "too loose at width {width}"
                );
            }
        }
    }

    #[test]
    fn readable_dump_at_width_30() {
        let (items, _) = paragraph(SHORT);
        let solution = break_lines(&items, 30.0, &Params::default()).unwrap();
        assert_eq!(
            dump(&items, &solution.breaks),
            vec![
                "the quick brown fox jumps",
                "over the lazy dog and then",
                "it runs away into the forest",
            ]
        );
    }

    #[test]
    fn hyphenation_only_when_the_pass_allows_it() {
        let (items, _) = paragraph(SHORT);
        let without = Params {
            hyphenate: false,
            tolerance: 1000.0,
            ..Params::default()
        };
        let with = Params {
            tolerance: 1000.0,
            ..Params::default()
        };
        let mut hyphenated_somewhere = false;
        for width in 14..40 {
            if let Some(s) = break_lines(&items, width as f32, &without) {
                assert!(
                    dump(&items, &s.breaks).iter().all(|l| !l.ends_with('-')),
                    "width {width}"
                );
            }
            if let Some(s) = break_lines(&items, width as f32, &with) {
                hyphenated_somewhere |= dump(&items, &s.breaks).iter().any(|l| l.ends_with('-'));
            }
        }
        assert!(hyphenated_somewhere);
    }

    #[test]
    fn consecutive_hyphens_cost_extra() {
        let params = Params::default();
        let plain = LineCost {
            ratio: 0.0,
            penalty: 50.0,
            flagged: true,
            previous_flagged: false,
            previous_fitness: 2,
            last: false,
            runt: false,
        };
        let twice = LineCost {
            previous_flagged: true,
            ..plain
        };
        assert_eq!(
            line_demerits(&params, &twice) - line_demerits(&params, &plain),
            params.double_hyphen_demerits
        );
        let last = LineCost {
            flagged: false,
            penalty: 0.0,
            previous_flagged: true,
            last: true,
            ..plain
        };
        let last_plain = LineCost {
            previous_flagged: false,
            ..last
        };
        assert_eq!(
            line_demerits(&params, &last) - line_demerits(&params, &last_plain),
            params.final_hyphen_demerits
        );
        let jump = LineCost {
            ratio: 0.9,
            previous_fitness: 3,
            ..plain
        };
        let smooth = LineCost {
            ratio: 0.9,
            previous_fitness: 1,
            ..plain
        };
        assert_eq!(
            line_demerits(&params, &jump) - line_demerits(&params, &smooth),
            params.adj_demerits
        );
    }

    #[test]
    fn impossible_paragraph_fails_without_last_resort_and_overflows_with_it() {
        let (items, _) = paragraph("an extraordinarilylongwordthatcannotfit here");
        let strict = Params::default();
        assert!(break_lines(&items, 12.0, &strict).is_none());
        let rescue = Params {
            last_resort: true,
            ..Params::default()
        };
        let s = break_lines(&items, 12.0, &rescue).expect("last resort always answers");
        assert!(s.breaks.iter().any(|b| b.ratio < -1.0));
    }
}
