//! A thematic break (`***`): a short centred rule with space around it.

use super::{Flow, Frame};
use crate::flow::vlist::add_bars;
use crate::geom::Pt;
use crate::inline::LineBox;
use crate::layout::{Element, Role};

/// Half the rule's length, as a share of the frame's width.
const HALF_LENGTH_SHARE: f32 = 0.12;
pub(crate) const RULE_THICKNESS: Pt = Pt(0.5);

impl Flow<'_> {
    pub(super) fn thematic_break(&mut self, frame: &Frame) {
        let spacing = self.block_spacing(frame);
        self.space(spacing, frame);
        let height = self.leading();
        let mut rule = LineBox::blank(Pt(height), Pt(height / 2.0));
        rule.role = Role::Rule;
        let center = frame.left + frame.width / 2.0;
        let half = frame.width * HALF_LENGTH_SHARE;
        let y = Pt(height / 2.0);
        rule.elements.push(Element::rule(
            (center - half, y),
            (center + half, y),
            RULE_THICKNESS,
            0.0,
        ));
        add_bars(&mut rule, &frame.bars);
        self.list.push_line(rule);
        self.space(spacing, frame);
        self.previous_was_paragraph = false;
    }
}
