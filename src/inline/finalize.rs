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
    /// How much wider than the font draws it the piece is set (font expansion; 1: as
    /// drawn).
    pub scale: f32,
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
        // The flexible boxes' flexibility, and their natural width.
        let (mut flex, mut flexible) = (0.0, 0.0);
        for item in &items[start..b.position] {
            match item {
                Item::Box {
                    width: w, flex: f, ..
                } => {
                    width += *w as f64;
                    if *f > 0.0 {
                        flex += *f as f64;
                        flexible += *w as f64;
                    }
                }
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
        let ratio = adjustment_ratio(line_width as f64, width, stretch + flex, shrink + flex);
        // Ragged lines (no stretch) keep natural spacing; an overfull last-resort line
        // shrinks as far as it can and then sticks out.
        let ratio = if ratio.is_finite() {
            ratio.max(-1.0) as f32
        } else {
            0.0
        };
        // Letters widen or narrow by the line's ratio, up to their limit (a line looser
        // than its glue and letters together allow spreads the rest over its spaces),
        // in steps a content stream writes exactly; the glue takes what is left.
        let expansion = quantized_expansion(ratio.clamp(-1.0, 1.0) as f64 * flex, flexible);
        let glue_ratio = {
            let left = line_width as f64 - width - expansion.1;
            let flexibility = if left >= 0.0 { stretch } else { shrink };
            if flexibility > 0.0 {
                ((left / flexibility) as f32).max(-1.0)
            } else {
                0.0
            }
        };
        // The line's material in logical order: (piece, or None for a space; its width).
        let mut material: Vec<(Option<usize>, f32)> = Vec::new();
        // Which of the material follows a word space (glue of some natural width: the
        // stretch-only glue between ideographs and a forced break's fill are no spaces).
        let mut spaced: Vec<bool> = Vec::new();
        let mut scales: Vec<f32> = Vec::new();
        let mut space_before = false;
        for item in &items[start..b.position] {
            match item {
                Item::Box {
                    width,
                    flex,
                    content,
                } => {
                    let scale = if *flex > 0.0 { expansion.0 } else { 1.0 };
                    material.push((Some(*content), *width * scale));
                    scales.push(scale);
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
                            + if glue_ratio >= 0.0 {
                                glue_ratio * stretch
                            } else {
                                glue_ratio * shrink
                            },
                    ));
                    scales.push(1.0);
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
            scales.push(1.0);
            hyphenated = true;
        }
        // Drawn left to right in visual order (the logical order unless the line mixes
        // directions).
        let order = visual_order_of(prepared, &material);
        let mut x = 0.0;
        let mut placed = Vec::with_capacity(material.len());
        // Where the line's material ends: glue at the end of a line (before a forced
        // break) does not count, an indent does (at the right of a right-to-left line, it
        // is the line's last material, and aligning the line must not push it off).
        let mut end: Option<f32> = None;
        for i in order {
            let (piece, width) = material[i];
            if let Some(piece) = piece {
                placed.push(Placed {
                    x,
                    piece,
                    spaced: spaced[i] && !placed.is_empty(),
                    scale: scales[i],
                });
                end = Some(end.map_or(x + width, |e| e.max(x + width)));
            }
            x += width;
        }
        lines.push(Line {
            width: end.unwrap_or(x.min(0.0)),
            placed,
            ratio,
            hyphenated,
            spaced_end: matches!(items[b.position], Item::Glue { width, .. } if width > 0.0),
        });
        start = line_start(items, b.position);
    }
    lines
}

/// The scale of a line's flexible letters when they should take `wanted` points of its
/// adjustment, being `natural` points wide, rounded to the hundredth of a percent a
/// content stream's `Tz` writes; and the points they then take.
fn quantized_expansion(wanted: f64, natural: f64) -> (f32, f64) {
    if natural <= 0.0 || wanted == 0.0 {
        return (1.0, 0.0);
    }
    let scale = ((1.0 + wanted / natural) * 10_000.0).round() / 10_000.0;
    (scale as f32, (scale - 1.0) * natural)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rgb;
    use crate::inline::items::{PenaltyKind, FILL, INFINITE_PENALTY};
    use crate::inline::prepare::Piece;
    use crate::text::{FaceId, ShapedRun};

    /// Words of the given widths, each a piece whose letters may widen or narrow by 2 %
    /// (`flexible`) or not, between spaces of width 10 that stretch 5 and shrink 3, and
    /// TeX's ending.
    fn words(widths: &[(f32, bool)]) -> Prepared {
        let mut prepared = Prepared::default();
        for (k, &(width, flexible)) in widths.iter().enumerate() {
            if k > 0 {
                prepared.items.push(Item::Glue {
                    width: 10.0,
                    stretch: 5.0,
                    shrink: 3.0,
                });
            }
            prepared.pieces.push(Piece {
                run: ShapedRun::repeated(FaceId(0), 10.0, 1, "w", 0, |_, _| width),
                shared: false,
                link: None,
                strike: false,
                rise: 0.0,
                color: Rgb::BLACK,
                math: None,
            });
            prepared.items.push(Item::Box {
                width,
                flex: if flexible { 0.02 * width } else { 0.0 },
                content: prepared.pieces.len() - 1,
            });
        }
        for (width, stretch, cost) in [(0.0, 0.0, INFINITE_PENALTY), (0.0, FILL, -INFINITE_PENALTY)]
        {
            if stretch > 0.0 {
                prepared.items.push(Item::Glue {
                    width,
                    stretch,
                    shrink: 0.0,
                });
            }
            prepared.items.push(Item::Penalty {
                width: 0.0,
                cost,
                flagged: false,
                kind: PenaltyKind::Control,
                content: None,
            });
        }
        prepared
    }

    /// The paragraph's first line, ended at item 3 (the space after two words), set at
    /// `width`.
    fn first_line(prepared: &Prepared, width: f32) -> Vec<Line> {
        set_lines(
            prepared,
            &[Break {
                position: 3,
                ratio: 0.0,
            }],
            width,
        )
    }

    /// Where each placed piece ends.
    fn ends(line: &Line, prepared: &Prepared) -> Vec<f32> {
        line.placed
            .iter()
            .map(|p| p.x + prepared.pieces[p.piece].run.width() * p.scale)
            .collect()
    }

    #[test]
    fn letters_and_spaces_share_a_justified_lines_adjustment() {
        // Two words of 100 on a line of 216: 6 points to give, 4 of which the letters
        // could (2 % of 200) and 5 the space; both are set by the same ratio, 2/3.
        let prepared = words(&[(100.0, true), (100.0, true), (50.0, true)]);
        let lines = first_line(&prepared, 216.0);
        let line = &lines[0];
        let scale = line.placed[0].scale;
        assert_eq!(line.placed[1].scale, scale);
        assert!((scale - (1.0 + 0.02 * 2.0 / 3.0)).abs() < 1e-4, "{scale}");
        assert!(
            (ends(line, &prepared)[1] - 216.0).abs() < 1e-3,
            "{:?}",
            ends(line, &prepared)
        );
        // Narrower: 4 points to take back, the letters by up to 4, the space by up to 3.
        let lines = first_line(&prepared, 206.0);
        let line = &lines[0];
        assert!(line.placed[0].scale < 1.0 && line.placed[0].scale >= 0.98);
        assert!((ends(line, &prepared)[1] - 206.0).abs() < 1e-3);
    }

    #[test]
    fn letters_widen_no_more_than_their_limit_and_the_spaces_take_the_rest() {
        let prepared = words(&[(100.0, true), (100.0, true), (50.0, true)]);
        // 20 points to give: the letters give their 4 at most, the space the other 16.
        let lines = first_line(&prepared, 230.0);
        let line = &lines[0];
        assert_eq!(line.placed[0].scale, 1.02);
        assert!((ends(line, &prepared)[1] - 230.0).abs() < 1e-3);
        assert!(
            (line.placed[1].x - 102.0 - 26.0).abs() < 1e-3,
            "{}",
            line.placed[1].x
        );
    }

    #[test]
    fn fixed_material_keeps_its_width_and_the_last_line_its_letters() {
        // A word of code (not flexible) beside prose: only the prose widens.
        let prepared = words(&[(100.0, false), (100.0, true), (50.0, true)]);
        let breaks = [
            Break {
                position: 3,
                ratio: 0.0,
            },
            Break {
                position: prepared.items.len() - 1,
                ratio: 0.0,
            },
        ];
        let lines = set_lines(&prepared, &breaks, 216.0);
        assert_eq!(lines[0].placed[0].scale, 1.0);
        assert!(lines[0].placed[1].scale > 1.0);
        assert!((ends(&lines[0], &prepared)[1] - 216.0).abs() < 1e-3);
        // The last line ends with the paragraph's fill: set as drawn.
        assert_eq!(lines[1].placed[0].scale, 1.0);
    }
}
