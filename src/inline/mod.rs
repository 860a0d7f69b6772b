//! Stage 3: one paragraph → line boxes.
//!
//! Takes a paragraph's inlines, its style and its measure, and gives [`LineBox`]es: the
//! inlines are collected into styled spans (`collect`), shaped, and cut into Knuth–Plass
//! items ([`prepare`]) at the places each word may break (`opportunities`), broken into lines by total
//! fit ([`linebreak`]) in up to three passes as TeX does (without hyphenation, with it,
//! and a last resort that may break overlong words), each line's pieces placed
//! ([`finalize`]), and the lines drawn as glyph runs with their links, anchors and note
//! references ([`linebox`]).

pub mod bidi;
mod collect;
pub mod finalize;
pub mod items;
pub mod linebox;
pub mod linebreak;
mod opportunities;
pub mod prepare;
mod style;

pub use linebox::{Align, LineAnchor, LineBox, Measure, ParagraphTags};
pub use prepare::TextServices;
pub use style::ParagraphStyle;

use std::collections::BTreeSet;

use linebreak::Params;

/// TeX's \pretolerance: the first pass, without hyphenation, accepts only good lines.
const FIRST_PASS_TOLERANCE: f64 = 150.0;
/// TeX's \tolerance: the last pass's (with emergency stretch) for words wider than the
/// measure.
const LAST_PASS_TOLERANCE: f64 = 200.0;
/// TeX's \adjdemerits in the continuous pass (FOLIO_ADJ for tuning).
const ADJ_DEMERITS: f64 = 0.0;
/// A paragraph's last line of one short word (a runt) costs as much as this many
/// demerits: about a hyphen's.
const RUNT_DEMERITS: f64 = 10_000.0;
/// Extra stretch per line in the last pass, in ems (TeX's \emergencystretch).
const EMERGENCY_STRETCH_EM: f64 = 1.5;
/// Stretch of the right margin of ragged text, in ems (TeX's \raggedright uses 2em).
const RAGGED_STRETCH_EM: f64 = 3.0;

/// A paragraph set into line boxes.
#[derive(Debug, Clone, Default)]
pub struct SetParagraph {
    pub lines: Vec<LineBox>,
    /// Characters no bundled face has.
    pub missing: BTreeSet<char>,
    /// The last-resort pass was needed (a line is loose, or a word was broken).
    pub emergency: bool,
    /// The paragraph surely needs more than the measure's `max_lines` (at least this
    /// many), and was not set.
    pub too_long: Option<usize>,
}

/// Widths of a paragraph's text: its widest word (the least width it can be set in
/// without breaking a word) and its natural width on one line.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Widths {
    pub min: f32,
    pub natural: f32,
}

/// Measures a paragraph without breaking it into lines (for table columns).
pub fn widths(
    inlines: &[crate::model::Inline],
    style: &ParagraphStyle,
    services: &TextServices<'_>,
) -> Widths {
    let prepared = prepare::prepare(inlines, style, services, f32::MAX);
    let (mut word, mut line, mut widths) = (0.0f32, 0.0f32, Widths::default());
    for item in &prepared.items {
        match item {
            items::Item::Box { width, .. } => word += width,
            items::Item::Glue { width, .. } => {
                widths.min = widths.min.max(word);
                line += word + if *width < prepare::FILL { *width } else { 0.0 };
                word = 0.0;
            }
            items::Item::Penalty { cost, .. } if *cost <= -items::INFINITE_PENALTY => {
                widths.min = widths.min.max(word);
                line += word;
                word = 0.0;
                widths.natural = widths.natural.max(line);
                line = 0.0;
            }
            items::Item::Penalty { .. } => {}
        }
    }
    widths.min = widths.min.max(word);
    widths.natural = widths.natural.max(line + word);
    widths
}

/// Sets one paragraph in its measure.
pub fn layout(
    inlines: &[crate::model::Inline],
    style: &ParagraphStyle,
    measure: &Measure,
    services: &TextServices<'_>,
    tags: &mut ParagraphTags<'_>,
) -> SetParagraph {
    let line_width = measure.width.0;
    let mut prepared = prepare::prepare(inlines, style, services, line_width);
    // Its boxes side by side, as narrow as they may be set, are at least this many lines
    // long.
    let material: f64 = prepared
        .items
        .iter()
        .map(|item| match item {
            items::Item::Box { width, flex, .. } => (*width - *flex) as f64,
            _ => 0.0,
        })
        .sum();
    let least_lines = (material / line_width as f64).floor() as usize;
    if least_lines > measure.max_lines {
        return SetParagraph {
            too_long: Some(least_lines),
            missing: prepared.missing,
            ..SetParagraph::default()
        };
    }
    let (breaks, emergency) = choose_breaks(&prepared, style, line_width, services.cancel);
    // A breaker that gave up because the render was cancelled chose no breaks: setting
    // the paragraph as one line would take longer than the whole render (and nobody
    // waits for it).
    if services.cancel.is_cancelled() {
        return SetParagraph {
            missing: prepared.missing,
            ..SetParagraph::default()
        };
    }
    let lines = finalize::set_lines(&prepared, &breaks, line_width);
    SetParagraph {
        lines: linebox::line_boxes(&mut prepared, &lines, style, measure, services.fonts, tags),
        missing: prepared.missing,
        emergency,
        too_long: None,
    }
}

/// The breaks of a prepared paragraph by total fit: a first pass without hyphenation, a
/// second with it (when the style hyphenates), a last one with emergency stretch; and
/// whether the lines had to be stretched or broken beyond the rules (an overfull word).
pub fn choose_breaks(
    prepared: &prepare::Prepared,
    style: &ParagraphStyle,
    line_width: f32,
    cancel: &crate::cancel::Cancel,
) -> (Vec<linebreak::Break>, bool) {
    let background = if style.balance {
        // Balanced lines: the stretch of a whole measure makes a half-empty line mildly
        // bad and a nearly empty one bad, so the breaker evens the lines out.
        line_width as f64
    } else if style.justify {
        0.0
    } else {
        RAGGED_STRETCH_EM * style.size as f64
    };
    // A runt (a last line of one short word, or of a character or two of Chinese or
    // Japanese) costs in the continuous passes, and in ragged text in the first pass too:
    // there a shorter line above costs little. Justified, the first pass would pay for it
    // with a looser line, whose wide gaps text extraction reads as a column break
    // (tests/scripts.rs, the Hindi article); the second pass weighs it instead.
    let first = Params {
        cancel: cancel.clone(),
        tolerance: FIRST_PASS_TOLERANCE,
        hyphenate: false,
        background_stretch: background,
        runt_demerits: if style.justify { 0.0 } else { RUNT_DEMERITS },
        ..Params::default()
    };
    // The second pass has no tolerance: every line that is not overfull is possible,
    // at a cost that grows smoothly with its looseness (beyond its glue's stretch too),
    // so that a slightly looser line is weighed against a hyphen instead of ruled out.
    let second = Params {
        tolerance: f64::INFINITY,
        hyphenate: style.hyphenate,
        em: if style.justify && !style.balance {
            style.size as f64
        } else {
            0.0
        },
        runt_demerits: RUNT_DEMERITS,
        adj_demerits: ADJ_DEMERITS,
        ..first.clone()
    };
    // The last pass may also break inside words wider than the measure. Justified, it
    // weighs lines as the second does; ragged, it adds TeX's emergency stretch.
    let last = if second.em > 0.0 {
        Params {
            last_resort: true,
            ..second.clone()
        }
    } else {
        Params {
            tolerance: LAST_PASS_TOLERANCE,
            hyphenate: style.hyphenate,
            background_stretch: background + EMERGENCY_STRETCH_EM * style.size as f64,
            last_resort: true,
            ..first.clone()
        }
    };
    // The second pass finds a solution unless a word is wider than the measure (then
    // the last pass may break it); it runs without hyphenation too, for text that may
    // not be hyphenated, where it still beats a tolerance cliff.
    let paragraph = linebreak::Paragraph::new(&prepared.items);
    let solution = paragraph
        .break_lines(line_width, &first)
        .or_else(|| {
            // A greedy breaking, priced under the continuous model, bounds the search: it
            // exists, so nothing dearer need be followed.
            let bound = linebreak::first_fit(&prepared.items, line_width, &second)
                .and_then(|b| paragraph.demerits_of(&b, line_width, &second))
                .map_or(f64::INFINITY, |d| d * (1.0 + 1e-9) + 1e-6);
            let bounded = Params {
                bound,
                ..second.clone()
            };
            paragraph.break_lines(line_width, &bounded)
        })
        .or_else(|| paragraph.break_lines(line_width, &last));
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
    (breaks, emergency)
}
