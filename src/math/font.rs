//! The math font as the layout reads it: its OpenType MATH table (the constants of TeX's
//! Appendix G, italic corrections, accent attachments, and the larger variants and
//! assemblies of stretchy glyphs), and glyph metrics, all in ems.

use rustybuzz::ttf_parser::{self, math, GlyphId};

use crate::text::fonts::Face;

/// A glyph of the math font with its metrics in ems.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphMetrics {
    pub id: u16,
    pub advance: f32,
    /// Above the baseline (ink).
    pub ascent: f32,
    /// Below the baseline (ink), positive downwards.
    pub descent: f32,
    /// Left edge of the ink.
    pub left: f32,
    pub italic: f32,
    /// Where an accent over it is centred, from its origin.
    pub accent_x: f32,
}

/// One glyph of a stretched construction, at its offset along the stretch (ems).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub glyph: GlyphMetrics,
    pub offset: f32,
}

/// An assembly never repeats its extenders more than this many times: a delimiter
/// around a page of matrix is as tall as it gets.
pub const MAX_EXTENDER_REPEATS: usize = 64;

pub struct MathFont<'a> {
    face: &'a Face,
    table: math::Table<'a>,
    constants: math::Constants<'a>,
    units: f32,
}

/// The MATH constants the layout uses, by name.
#[derive(Debug, Clone, Copy)]
pub enum Constant {
    AxisHeight,
    AccentBaseHeight,
    SubscriptShiftDown,
    SubscriptTopMax,
    SubscriptBaselineDropMin,
    SuperscriptShiftUp,
    SuperscriptShiftUpCramped,
    SuperscriptBottomMin,
    SuperscriptBaselineDropMax,
    SubSuperscriptGapMin,
    SuperscriptBottomMaxWithSubscript,
    SpaceAfterScript,
    UpperLimitGapMin,
    UpperLimitBaselineRiseMin,
    LowerLimitGapMin,
    LowerLimitBaselineDropMin,
    StackTopShiftUp,
    StackTopDisplayStyleShiftUp,
    StackBottomShiftDown,
    StackBottomDisplayStyleShiftDown,
    StackGapMin,
    StackDisplayStyleGapMin,
    StretchStackGapBelowMin,
    FractionNumeratorShiftUp,
    FractionNumeratorDisplayStyleShiftUp,
    FractionDenominatorShiftDown,
    FractionDenominatorDisplayStyleShiftDown,
    FractionNumeratorGapMin,
    FractionNumDisplayStyleGapMin,
    FractionRuleThickness,
    FractionDenominatorGapMin,
    FractionDenomDisplayStyleGapMin,
    OverbarVerticalGap,
    OverbarRuleThickness,
    OverbarExtraAscender,
    UnderbarVerticalGap,
    UnderbarRuleThickness,
    UnderbarExtraDescender,
    RadicalVerticalGap,
    RadicalDisplayStyleVerticalGap,
    RadicalRuleThickness,
    RadicalExtraAscender,
    RadicalKernBeforeDegree,
    RadicalKernAfterDegree,
    DisplayOperatorMinHeight,
    DelimitedSubFormulaMinHeight,
}

impl<'a> MathFont<'a> {
    /// The face's math tables; `None` if it has none.
    pub fn new(face: &'a Face) -> Option<MathFont<'a>> {
        let table = face.shaper.tables().math?;
        let constants = table.constants?;
        Some(MathFont {
            face,
            table,
            constants,
            units: face.units_per_em,
        })
    }

    fn em(&self, value: i32) -> f32 {
        value as f32 / self.units
    }

    pub fn constant(&self, which: Constant) -> f32 {
        use Constant::*;
        let c = &self.constants;
        let value: i32 = match which {
            AxisHeight => c.axis_height().value.into(),
            AccentBaseHeight => c.accent_base_height().value.into(),
            SubscriptShiftDown => c.subscript_shift_down().value.into(),
            SubscriptTopMax => c.subscript_top_max().value.into(),
            SubscriptBaselineDropMin => c.subscript_baseline_drop_min().value.into(),
            SuperscriptShiftUp => c.superscript_shift_up().value.into(),
            SuperscriptShiftUpCramped => c.superscript_shift_up_cramped().value.into(),
            SuperscriptBottomMin => c.superscript_bottom_min().value.into(),
            SuperscriptBaselineDropMax => c.superscript_baseline_drop_max().value.into(),
            SubSuperscriptGapMin => c.sub_superscript_gap_min().value.into(),
            SuperscriptBottomMaxWithSubscript => {
                c.superscript_bottom_max_with_subscript().value.into()
            }
            SpaceAfterScript => c.space_after_script().value.into(),
            UpperLimitGapMin => c.upper_limit_gap_min().value.into(),
            UpperLimitBaselineRiseMin => c.upper_limit_baseline_rise_min().value.into(),
            LowerLimitGapMin => c.lower_limit_gap_min().value.into(),
            LowerLimitBaselineDropMin => c.lower_limit_baseline_drop_min().value.into(),
            StackTopShiftUp => c.stack_top_shift_up().value.into(),
            StackTopDisplayStyleShiftUp => c.stack_top_display_style_shift_up().value.into(),
            StackBottomShiftDown => c.stack_bottom_shift_down().value.into(),
            StackBottomDisplayStyleShiftDown => {
                c.stack_bottom_display_style_shift_down().value.into()
            }
            StackGapMin => c.stack_gap_min().value.into(),
            StackDisplayStyleGapMin => c.stack_display_style_gap_min().value.into(),
            StretchStackGapBelowMin => c.stretch_stack_gap_below_min().value.into(),
            FractionNumeratorShiftUp => c.fraction_numerator_shift_up().value.into(),
            FractionNumeratorDisplayStyleShiftUp => {
                c.fraction_numerator_display_style_shift_up().value.into()
            }
            FractionDenominatorShiftDown => c.fraction_denominator_shift_down().value.into(),
            FractionDenominatorDisplayStyleShiftDown => c
                .fraction_denominator_display_style_shift_down()
                .value
                .into(),
            FractionNumeratorGapMin => c.fraction_numerator_gap_min().value.into(),
            FractionNumDisplayStyleGapMin => c.fraction_num_display_style_gap_min().value.into(),
            FractionRuleThickness => c.fraction_rule_thickness().value.into(),
            FractionDenominatorGapMin => c.fraction_denominator_gap_min().value.into(),
            FractionDenomDisplayStyleGapMin => {
                c.fraction_denom_display_style_gap_min().value.into()
            }
            OverbarVerticalGap => c.overbar_vertical_gap().value.into(),
            OverbarRuleThickness => c.overbar_rule_thickness().value.into(),
            OverbarExtraAscender => c.overbar_extra_ascender().value.into(),
            UnderbarVerticalGap => c.underbar_vertical_gap().value.into(),
            UnderbarRuleThickness => c.underbar_rule_thickness().value.into(),
            UnderbarExtraDescender => c.underbar_extra_descender().value.into(),
            RadicalVerticalGap => c.radical_vertical_gap().value.into(),
            RadicalDisplayStyleVerticalGap => c.radical_display_style_vertical_gap().value.into(),
            RadicalRuleThickness => c.radical_rule_thickness().value.into(),
            RadicalExtraAscender => c.radical_extra_ascender().value.into(),
            RadicalKernBeforeDegree => c.radical_kern_before_degree().value.into(),
            RadicalKernAfterDegree => c.radical_kern_after_degree().value.into(),
            DisplayOperatorMinHeight => c.display_operator_min_height().into(),
            DelimitedSubFormulaMinHeight => c.delimited_sub_formula_min_height().into(),
        };
        self.em(value)
    }

    /// `scriptPercentScaleDown` (1) or `scriptScriptPercentScaleDown` (2), as a factor.
    pub fn script_scale(&self, level: u8) -> f32 {
        let percent = if level == 1 {
            self.constants.script_percent_scale_down()
        } else {
            self.constants.script_script_percent_scale_down()
        };
        if percent > 0 {
            percent as f32 / 100.0
        } else if level == 1 {
            0.7
        } else {
            0.5
        }
    }

    pub fn radical_degree_raise(&self) -> f32 {
        self.constants.radical_degree_bottom_raise_percent() as f32 / 100.0
    }

    pub fn glyph_index(&self, c: char) -> Option<u16> {
        self.face.shaper.glyph_index(c).map(|g| g.0)
    }

    /// The glyph of `c` drawn for scripts (`level` 1) or scripts of scripts (2): the
    /// font's `ssty` alternate, drawn a little bolder and wider to be read that small,
    /// else its own glyph.
    pub fn script_glyph(&self, c: char, level: u32) -> Option<u16> {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        let mut bytes = [0u8; 4];
        buffer.push_str(c.encode_utf8(&mut bytes));
        buffer.set_script(rustybuzz::script::SCRIPT_MATH);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let ssty = rustybuzz::Feature::new(ttf_parser::Tag::from_bytes(b"ssty"), level, ..);
        let shaped = rustybuzz::shape(&self.face.shaper, &[ssty], buffer);
        match shaped.glyph_infos() {
            // Glyph 0 is the font's missing-glyph box: the character is not there.
            [one] if one.glyph_id != 0 => Some(one.glyph_id as u16),
            _ => self.glyph_index(c),
        }
    }

    pub fn metrics(&self, id: u16) -> GlyphMetrics {
        let face = &self.face.shaper;
        let glyph = GlyphId(id);
        let advance = self.em(face.glyph_hor_advance(glyph).unwrap_or(0).into());
        let (left, ascent, descent) = match face.glyph_bounding_box(glyph) {
            Some(b) => (
                self.em(b.x_min.into()),
                self.em(b.y_max.into()),
                -self.em(b.y_min.into()),
            ),
            None => (0.0, 0.0, 0.0),
        };
        let info = self.table.glyph_info;
        let value = |values: Option<math::MathValues<'_>>| {
            values
                .and_then(|v| v.get(glyph))
                .map(|v| self.em(v.value.into()))
        };
        GlyphMetrics {
            id,
            advance,
            ascent,
            descent,
            left,
            italic: value(info.and_then(|i| i.italic_corrections)).unwrap_or(0.0),
            accent_x: value(info.and_then(|i| i.top_accent_attachments)).unwrap_or(advance / 2.0),
        }
    }

    /// The glyph of `id` at least `target` ems long (tall when `vertical`, else wide):
    /// the first variant that is, else an assembly of parts, else the longest variant.
    /// The parts are in order of their offsets (bottom to top, left to right).
    /// An assembly repeats its extenders at most `repeats` times.
    pub fn stretched(&self, id: u16, target: f32, vertical: bool, repeats: usize) -> Vec<Part> {
        let single = |id: u16| {
            vec![Part {
                glyph: self.metrics(id),
                offset: 0.0,
            }]
        };
        let Some(variants) = self.table.variants else {
            return single(id);
        };
        let constructions = if vertical {
            variants.vertical_constructions
        } else {
            variants.horizontal_constructions
        };
        let Some(construction) = constructions.get(GlyphId(id)) else {
            return single(id);
        };
        let mut longest = id;
        for variant in construction.variants {
            longest = variant.variant_glyph.0;
            if self.em(variant.advance_measurement.into()) >= target {
                return single(longest);
            }
        }
        match construction.assembly {
            Some(assembly) => {
                self.assemble(&assembly, target, variants.min_connector_overlap, repeats)
            }
            None => single(longest),
        }
    }

    /// The vertical variant of `id` (or `id` itself) whose size is nearest `target` ems.
    pub fn nearest_variant(&self, id: u16, target: f32) -> GlyphMetrics {
        let variants = self
            .table
            .variants
            .and_then(|v| v.vertical_constructions.get(GlyphId(id)));
        let mut best = (id, f32::INFINITY);
        for variant in variants.iter().flat_map(|c| c.variants) {
            let off = (self.em(variant.advance_measurement.into()) - target).abs();
            if off < best.1 {
                best = (variant.variant_glyph.0, off);
            }
        }
        self.metrics(best.0)
    }

    /// An assembly at least `target` long (or as long as its extenders may go): the
    /// extenders repeated as few times as reach it, the overlaps between parts shared out
    /// so that it is exactly as long where it can be.
    fn assemble(
        &self,
        assembly: &math::GlyphAssembly<'_>,
        target: f32,
        overlap: u16,
        most: usize,
    ) -> Vec<Part> {
        let min_overlap = self.em(overlap.into());
        let parts: Vec<ttf_parser::math::GlyphPart> = assembly.parts.into_iter().collect();
        if parts.is_empty() {
            return Vec::new();
        }
        let mut chosen = Vec::new();
        for repeats in 0..=most.min(MAX_EXTENDER_REPEATS) {
            chosen.clear();
            for part in &parts {
                let count = if part.part_flags.extender() {
                    repeats
                } else {
                    1
                };
                for _ in 0..count {
                    chosen.push(*part);
                }
            }
            let longest: f32 = chosen
                .iter()
                .map(|p| self.em(p.full_advance.into()))
                .sum::<f32>()
                - min_overlap * chosen.len().saturating_sub(1) as f32;
            if longest >= target {
                break;
            }
        }
        // Each joint may overlap from the least overlap up to its shorter connector.
        let joints: Vec<f32> = chosen
            .windows(2)
            .map(|pair| {
                let most = self.em(pair[0]
                    .end_connector_length
                    .min(pair[1].start_connector_length)
                    .into());
                most.max(min_overlap)
            })
            .collect();
        let longest: f32 = chosen
            .iter()
            .map(|p| self.em(p.full_advance.into()))
            .sum::<f32>()
            - min_overlap * joints.len() as f32;
        let slack: f32 = joints.iter().map(|most| most - min_overlap).sum();
        let share = if slack > 0.0 {
            ((longest - target) / slack).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let mut offset = 0.0;
        let mut out = Vec::with_capacity(chosen.len());
        for (i, part) in chosen.iter().enumerate() {
            out.push(Part {
                glyph: self.metrics(part.glyph_id.0),
                offset,
            });
            let overlap = joints
                .get(i)
                .map_or(0.0, |most| min_overlap + (most - min_overlap) * share);
            offset += self.em(part.full_advance.into()) - overlap;
        }
        out
    }
}
