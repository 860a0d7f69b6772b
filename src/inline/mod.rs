//! Stage 3: one paragraph → lines.
//!
//! Takes a paragraph's inlines and its style and gives set [`Line`]s: the text is shaped
//! and cut into Knuth–Plass items ([`prepare`]), broken into lines by total fit
//! ([`linebreak`]) in up to three passes as TeX does (without hyphenation, with it, and a
//! last resort that may break overlong words), and each line's pieces placed
//! ([`finalize`]).

pub mod finalize;
pub mod items;
pub mod linebreak;
pub mod prepare;

pub use finalize::{Line, Placed};
pub use prepare::{Context, ParagraphStyle, Piece, Prepared};

use linebreak::{break_lines, Params};

/// TeX's \pretolerance: the first pass, without hyphenation, accepts only good lines.
const FIRST_PASS_TOLERANCE: f64 = 150.0;
/// TeX's \tolerance for the second pass, with hyphenation.
const SECOND_PASS_TOLERANCE: f64 = 200.0;
/// Extra stretch per line in the last pass, in ems (TeX's \emergencystretch).
const EMERGENCY_STRETCH_EM: f64 = 1.5;
/// Stretch of the right margin of ragged text, in ems (TeX's \raggedright uses 2em).
const RAGGED_STRETCH_EM: f64 = 3.0;

/// A paragraph set into lines, with the material the lines refer to.
#[derive(Debug, Clone, Default)]
pub struct SetParagraph {
    pub lines: Vec<Line>,
    pub pieces: Vec<Piece>,
    pub links: Vec<String>,
    pub missing: std::collections::BTreeSet<char>,
    /// The last-resort pass was needed (a line is loose, or a word was broken).
    pub emergency: bool,
}

/// Widths of a paragraph's text: its widest word (the least width it can be set in
/// without breaking a word) and its natural width on one line.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measure {
    pub min: f32,
    pub natural: f32,
}

/// Measures a paragraph without breaking it into lines (for table columns).
pub fn measure(
    inlines: &[crate::model::Inline],
    style: &ParagraphStyle,
    ctx: &Context<'_>,
) -> Measure {
    let prepared = prepare::prepare(inlines, style, ctx);
    let (mut word, mut line, mut measure) = (0.0f32, 0.0f32, Measure::default());
    for item in &prepared.items {
        match item {
            items::Item::Box { width, .. } => word += width,
            items::Item::Glue { width, .. } => {
                measure.min = measure.min.max(word);
                line += word + if *width < prepare::FILL { *width } else { 0.0 };
                word = 0.0;
            }
            items::Item::Penalty { cost, .. } if *cost <= -items::INFINITE_PENALTY => {
                measure.min = measure.min.max(word);
                line += word;
                word = 0.0;
                measure.natural = measure.natural.max(line);
                line = 0.0;
            }
            items::Item::Penalty { .. } => {}
        }
    }
    measure.min = measure.min.max(word);
    measure.natural = measure.natural.max(line + word);
    measure
}

/// Sets one paragraph at the context's line width.
pub fn layout(
    inlines: &[crate::model::Inline],
    style: &ParagraphStyle,
    ctx: &Context<'_>,
) -> SetParagraph {
    let prepared = prepare::prepare(inlines, style, ctx);
    let background = if style.balance {
        // Balanced lines: the stretch of a whole measure makes a half-empty line mildly
        // bad and a nearly empty one bad, so the breaker evens the lines out.
        ctx.line_width as f64
    } else if style.justify {
        0.0
    } else {
        RAGGED_STRETCH_EM * style.size as f64
    };
    let first = Params {
        deadline: ctx.deadline,
        tolerance: FIRST_PASS_TOLERANCE,
        hyphenate: false,
        background_stretch: background,
        ..Params::default()
    };
    let second = Params {
        deadline: ctx.deadline,
        tolerance: SECOND_PASS_TOLERANCE,
        hyphenate: style.hyphenate,
        background_stretch: background,
        ..Params::default()
    };
    let last = Params {
        deadline: ctx.deadline,
        tolerance: SECOND_PASS_TOLERANCE,
        hyphenate: style.hyphenate,
        background_stretch: background + EMERGENCY_STRETCH_EM * style.size as f64,
        last_resort: true,
        ..Params::default()
    };
    let solution = break_lines(&prepared.items, ctx.line_width, &first)
        .or_else(|| {
            if style.hyphenate {
                break_lines(&prepared.items, ctx.line_width, &second)
            } else {
                None
            }
        })
        .or_else(|| break_lines(&prepared.items, ctx.line_width, &last));
    let breaks = solution.map(|s| s.breaks).unwrap_or_default();
    // Worth a warning only if a word was cut where no hyphenation point is, or a line
    // sticks out; loose lines in the last pass are the normal price of a long URL.
    let emergency = breaks.iter().any(|b| {
        b.ratio < -1.0
            || matches!(
                prepared.items[b.position],
                items::Item::Penalty {
                    kind: items::PenaltyKind::Emergency,
                    ..
                }
            )
    });
    let lines = finalize::set_lines(&prepared, &breaks, ctx.line_width);
    SetParagraph {
        lines,
        pieces: prepared.pieces,
        links: prepared.links,
        missing: prepared.missing,
        emergency,
    }
}
