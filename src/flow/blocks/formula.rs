//! Displayed formulas: centred on a line of their own between the text around them,
//! never separated from the text above by a page break, with their `\tag` number at the
//! right margin.

use std::sync::Arc;

use super::{Flow, Frame};
use crate::flow::vlist::{add_bars, VItem};
use crate::geom::{Pt, Rgb};
use crate::inline::LineBox;
use crate::layout::{Element, Role};
use crate::math::{Formula, Layouter, MATH_SCALE};
use crate::structure::Kind;
use crate::text::FaceId;

/// Space above and below a display, as a share of the leading: TeX's \abovedisplayskip
/// and \belowdisplayskip at 11 pt (11 pt, which may shrink).
const DISPLAY_SPACE_LEADINGS: f32 = 0.7;
/// The least gap between a display and its number, in ems.
const TAG_GAP_EM: f32 = 1.0;

impl Flow<'_> {
    pub(super) fn display_math(&mut self, formula: &Formula, frame: &Frame) {
        if self.must_stop() {
            return;
        }
        let size = self.settings.font_size * frame.scale;
        let body = self.settings.faces.body;
        let fonts = self.services.fonts;
        let Some(layouter) = Layouter::new(fonts, FaceId::MATH, body, size, MATH_SCALE) else {
            return;
        };
        let boxed = layouter.display(formula);
        self.missing.extend(layouter.missing());
        let tag = self.tag(
            Kind::Formula {
                alt: formula.source.clone(),
                inline: false,
            },
            frame.parent,
        );
        let leading = self.frame_leading(frame);
        // The formula's ink, at least a line of text tall.
        let above = boxed.ascent.max(leading * 0.7);
        let below = boxed.descent.max(leading * 0.3);
        let mut line = LineBox::blank(Pt(above + below), Pt(above));
        line.role = Role::Math;
        let number = formula
            .tag
            .as_ref()
            .map(|text| self.shape_marker(text, size, false));
        let number_width: f32 = number.iter().flatten().map(|run| run.width()).sum();
        // Centred on the measure (or at the design's indent), moved left if it would
        // touch its number, and never out into the left margin.
        let gap = if number.is_some() {
            TAG_GAP_EM * size
        } else {
            0.0
        };
        let place = match self.settings.design.math_indent {
            Some(indent) => indent * size,
            None => (frame.width.0 - boxed.width) / 2.0,
        };
        let room = frame.width.0 - number_width - gap - boxed.width;
        let x = place.min(room).max(0.0);
        let text: Arc<str> = Arc::from(formula.linear());
        line.elements = boxed.draw(
            frame.left + Pt(x),
            line.baseline,
            Rgb::BLACK,
            tag,
            &text,
            self.services.fonts,
        );
        if let Some(runs) = number {
            let mut x = frame.left + frame.width - Pt(number_width);
            for run in runs {
                let width = Pt(run.width());
                line.elements.push(Element::Text {
                    x,
                    y: line.baseline,
                    run,
                    color: Rgb::BLACK,
                    tag,
                    formula: None,
                });
                x += width;
            }
        }
        add_bars(&mut line, &frame.bars);
        // Kept with the text above it, as TeX's \predisplaypenalty keeps it; not with a
        // display above it, or a run of displays would be one block no page can break.
        let after_display = self
            .list
            .items
            .iter()
            .rev()
            .find(|item| !matches!(item, VItem::Space { .. } | VItem::Penalty(_)))
            .is_some_and(|item| matches!(item, VItem::Line(line) if line.role == Role::Math));
        if !after_display {
            self.list.glue_to_next();
        }
        let space = DISPLAY_SPACE_LEADINGS * leading;
        self.space(space, frame);
        self.list.push_line(line);
        self.space(space, frame);
        // The text after a display continues its paragraph: not indented.
        self.previous_was_paragraph = false;
    }
}
