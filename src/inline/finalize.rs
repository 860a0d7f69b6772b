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
        let mut x = 0.0;
        let mut placed = Vec::new();
        for item in &items[start..b.position] {
            match item {
                Item::Box { width, content } => {
                    placed.push(Placed { x, piece: *content });
                    x += width;
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    x += width
                        + if ratio >= 0.0 {
                            ratio * stretch
                        } else {
                            ratio * shrink
                        };
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
            placed.push(Placed { x, piece: *piece });
            x += width;
            hyphenated = true;
        }
        // Glue at the end of a line (before a forced break) does not count as material.
        lines.push(Line {
            width: material_width(prepared, &placed, x),
            placed,
            ratio,
            hyphenated,
        });
        start = line_start(items, b.position);
    }
    lines
}

fn material_width(prepared: &Prepared, placed: &[Placed], end: f32) -> f32 {
    match placed.last() {
        Some(last) => last.x + prepared.pieces[last.piece].run.width(),
        None => end.min(0.0),
    }
}
