//! Chosen breaks → lines: each line's boxes placed at their x positions, glue set by the
//! line's adjustment ratio, the hyphen of a hyphenated break drawn at the end.

use super::items::Item;
use super::linebreak::{adjustment_ratio, line_start, Break};
use super::prepare::Prepared;

/// A piece placed on a line, `x` from the line's start, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub piece: usize,
    /// A word space of the source comes before it on its line (in logical order).
    pub spaced: bool,
}

/// One set line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub placed: Vec<Placed>,
    /// Width of the line's material as set (the measure, for a justified full line).
    pub width: f32,
    /// How the glue was set (see [`Break::ratio`]).
    pub ratio: f32,
    /// The line ends with an added hyphen.
    pub hyphenated: bool,
    /// The line ends at a word space (which the break took).
    pub spaced_end: bool,
}

/// Places the material of each line at `line_width`. Each line's glue is set by the
/// ratio of its own glue, as TeX does: the breaker may have counted extra background
/// stretch (a ragged margin, emergency stretch), but justified lines still end flush.
pub fn set_lines(prepared: &Prepared, breaks: &[Break], line_width: f32) -> Vec<Line> {
    let items = &prepared.items;
    let mut lines = Vec::with_capacity(breaks.len());
    let mut start = 0;
    for b in breaks {
        let (mut width, mut stretch, mut shrink) =
            (items[b.position].penalty_width() as f64, 0.0, 0.0);
        for item in &items[start..b.position] {
            match item {
                Item::Box { width: w, .. } => width += *w as f64,
                Item::Glue {
                    width: w,
                    stretch: y,
                    shrink: z,
                } => {
                    width += *w as f64;
                    stretch += *y as f64;
                    shrink += *z as f64;
                }
                // A penalty's material counts only where the line breaks.
                Item::Penalty { .. } => {}
            }
        }
        let ratio = adjustment_ratio(line_width as f64, width, stretch, shrink);
        // Ragged lines (no stretch) keep natural spacing; an overfull last-resort line
        // shrinks as far as it can and then sticks out.
        let ratio = if ratio.is_finite() {
            ratio.max(-1.0) as f32
        } else {
            0.0
        };
        // The line's material in logical order: (piece, or None for a space; its width).
        let mut material: Vec<(Option<usize>, f32)> = Vec::new();
        // Which of the material follows a word space (glue of some natural width: the
        // stretch-only glue between ideographs and a forced break's fill are no spaces).
        let mut spaced: Vec<bool> = Vec::new();
        let mut space_before = false;
        for item in &items[start..b.position] {
            match item {
                Item::Box { width, content } => {
                    material.push((Some(*content), *width));
                    spaced.push(std::mem::take(&mut space_before));
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    material.push((
                        None,
                        width
                            + if ratio >= 0.0 {
                                ratio * stretch
                            } else {
                                ratio * shrink
                            },
                    ));
                    spaced.push(false);
                    space_before |= *width > 0.0;
                }
                Item::Penalty { .. } => {}
            }
        }
        let mut hyphenated = false;
        if let Item::Penalty {
            content: Some(piece),
            width,
            ..
        } = &items[b.position]
        {
            material.push((Some(*piece), *width));
            spaced.push(false);
            hyphenated = true;
        }
        // Drawn left to right in visual order (the logical order unless the line mixes
        // directions).
        let order = visual_order_of(prepared, &material);
        let mut x = 0.0;
        let mut placed = Vec::with_capacity(material.len());
        for i in order {
            let (piece, width) = material[i];
            if let Some(piece) = piece {
                placed.push(Placed {
                    x,
                    piece,
                    spaced: spaced[i] && !placed.is_empty(),
                });
            }
            x += width;
        }
        // Glue at the end of a line (before a forced break) does not count as material.
        lines.push(Line {
            width: material_width(prepared, &placed, x),
            placed,
            ratio,
            hyphenated,
            spaced_end: matches!(items[b.position], Item::Glue { width, .. } if width > 0.0),
        });
        start = line_start(items, b.position);
    }
    lines
}

fn material_width(prepared: &Prepared, placed: &[Placed], end: f32) -> f32 {
    match placed.iter().max_by(|a, b| a.x.total_cmp(&b.x)) {
        Some(last) => last.x + prepared.pieces[last.piece].run.width(),
        None => end.min(0.0),
    }
}

/// The order to draw a line's material in: its pieces' bidi levels (a space takes the
/// lower level of its neighbours, or the paragraph's at the line's ends), reordered by
/// rule L2; logical order when every level
/// is 0.
fn visual_order_of(prepared: &Prepared, material: &[(Option<usize>, f32)]) -> Vec<usize> {
    let level = |piece: usize| prepared.pieces[piece].run.level;
    if material
        .iter()
        .all(|(piece, _)| piece.is_none_or(|p| level(p) == 0))
    {
        return (0..material.len()).collect();
    }
    let box_levels: Vec<Option<u8>> = material.iter().map(|(p, _)| p.map(level)).collect();
    let levels: Vec<u8> = (0..material.len())
        .map(|i| {
            box_levels[i].unwrap_or_else(|| {
                let before = box_levels[..i].iter().rev().find_map(|l| *l);
                let after = box_levels[i + 1..].iter().find_map(|l| *l);
                // Space at either end of a line (the last line's fill) takes the
                // paragraph's level (rule L1).
                match (before, after) {
                    (Some(a), Some(b)) => a.min(b),
                    _ => prepared.level,
                }
            })
        })
        .collect();
    super::bidi::visual_order(&levels)
}
