//! Code blocks: monospace at a smaller size, inset, between two light rules; every
//! space kept; highlighted by the code theme when the fence names a language; a line too
//! long for the measure wraps, its continuations marked by a hooked arrow drawn in the
//! margin (drawn, so that copying the code gives back the code).

use super::{Flow, Frame};
use crate::flow::vlist::{add_bars, Keep};
use crate::geom::{Pt, Rgb};
use crate::inline::{Align, LineBox, ParagraphStyle};
use crate::layout::{Element, Role};
use crate::model::Inline;
use crate::options::CodeTheme;
use crate::structure::Kind;
use crate::text::highlight::Token;

/// Code relative to the body size.
const CODE_SCALE: f32 = 0.85;
/// Baseline distance of code lines, as a multiple of their size.
const LINE_HEIGHT: f32 = 1.3;
/// The inset from the frame's left edge: one body em, at most this share of the width.
const MAX_INSET_SHARE: f32 = 0.1;
/// The rules above and below: their line's height and where the rule sits in it (as
/// multiples of the code size), how far they reach into the margin, thickness, grey.
const RULE_LINE_EM: f32 = 0.7;
const RULE_ABOVE_AT: f32 = 0.35;
const RULE_BELOW_AT: f32 = 0.65;
const RULE_OVERHANG_EM: f32 = 0.6;
const RULE_THICKNESS: Pt = Pt(0.4);
const RULE_GRAY: f32 = 0.55;
/// The `color` code theme's inks: dark enough to read as text on paper (each at least
/// 7:1 against white) and told apart by weight and slant as well as by hue.
const KEYWORD_INK: Rgb = Rgb([0x12, 0x3c, 0x8c]);
const COMMENT_INK: Rgb = Rgb([0x55, 0x55, 0x55]);
const STRING_INK: Rgb = Rgb([0x1b, 0x5e, 0x20]);
const CONSTANT_INK: Rgb = Rgb([0x8a, 0x2c, 0x00]);
const NAME_INK: Rgb = Rgb([0x5e, 0x1a, 0x8c]);
/// The continuation mark: its stroke and grey.
const MARK_THICKNESS: Pt = Pt(0.45);
const MARK_GRAY: f32 = 0.35;

impl Flow<'_> {
    pub(super) fn code(&mut self, lang: Option<&str>, text: &str, frame: &Frame) {
        let spacing = self.block_spacing(frame);
        self.space(spacing, frame);
        let size = self.size() * frame.scale * CODE_SCALE;
        let style = ParagraphStyle {
            size,
            bold: false,
            italic: false,
            justify: false,
            expansion: 0.0,
            hyphenate: false,
            indent: 0.0,
            monospace: true,
            family: self.settings.faces.body,
            code: self.settings.faces.code,
            balance: false,
        };
        let inset = self.size().min(frame.width.0 * MAX_INSET_SHARE);
        let inner = Frame {
            left: frame.left + Pt(inset),
            width: frame.width - Pt(inset),
            ..frame.clone()
        };
        let text = text.trim_end_matches('\n');
        let highlighted = self.highlighted(lang, text);
        let tag = self.tag(Kind::Code, frame.parent);
        let mut boxes = vec![code_rule(&inner, size, true)];
        // Which boxes continue a wrapped line: a page never breaks before them.
        let mut glued = vec![false];
        for (i, line) in text.split('\n').enumerate() {
            let inlines = match highlighted.as_ref().and_then(|lines| lines.get(i)) {
                Some(spans) => spans.clone(),
                None => vec![Inline::Text(line.to_string())],
            };
            let measure = inner.measure(Align::Start, LINE_HEIGHT);
            let mut lines = self.set(&inlines, &style, &measure, tag);
            for line in &mut lines {
                add_bars(line, &inner.bars);
            }
            if lines.is_empty() {
                lines.push(self.empty_line(size * LINE_HEIGHT, &inner));
            }
            // A wrapped line's continuations carry a hooked arrow in the margin.
            for continuation in lines.iter_mut().skip(1) {
                continuation.elements.extend(continuation_mark(
                    inner.left,
                    continuation.baseline,
                    size,
                ));
            }
            glued.extend((0..lines.len()).map(|k| k > 0));
            boxes.extend(lines);
        }
        boxes.push(code_rule(&inner, size, false));
        for line in &mut boxes {
            line.role = Role::Code;
        }
        self.list.push_lines_glued(boxes, Keep::Framed, &glued);
        self.space(spacing, frame);
        self.previous_was_paragraph = false;
    }

    /// The lines of `text` as inlines printed by the code theme, or `None` to print it
    /// plain (no theme, no language, or one no grammar knows).
    fn highlighted(&mut self, lang: Option<&str>, text: &str) -> Option<Vec<Vec<Inline>>> {
        let theme = self.settings.options.code_theme;
        if theme == CodeTheme::None {
            return None;
        }
        let lines = self.services.highlighter.highlight(
            lang?,
            text,
            &self.services.cancel,
            &mut self.highlight_budget,
        )?;
        let colored = theme == CodeTheme::Color && !self.settings.options.ink_saver;
        let inlines = lines
            .into_iter()
            .map(|spans| {
                spans
                    .into_iter()
                    .map(|(token, text)| printed(token, text, colored))
                    .collect()
            })
            .collect();
        Some(inlines)
    }
}

/// How a theme prints a token: keywords in bold, comments in italics, and with colours,
/// each kind in a dark ink that holds on paper (and in grey print).
fn printed(token: Token, text: String, colored: bool) -> Inline {
    let inline = match token {
        Token::Keyword => Inline::Strong(vec![Inline::Text(text)]),
        Token::Comment => Inline::Emphasis(vec![Inline::Text(text)]),
        _ => Inline::Text(text),
    };
    let ink = match token {
        Token::Plain => return inline,
        Token::Keyword => KEYWORD_INK,
        Token::Comment => COMMENT_INK,
        Token::String => STRING_INK,
        Token::Constant => CONSTANT_INK,
        Token::Name => NAME_INK,
    };
    if colored {
        Inline::Colored {
            color: ink,
            content: vec![inline],
        }
    } else {
        inline
    }
}

/// A light rule above (or below) a code block, across the code's measure.
fn code_rule(frame: &Frame, size: f32, above: bool) -> LineBox {
    let height = size * RULE_LINE_EM;
    let y = if above {
        height * RULE_ABOVE_AT
    } else {
        height * RULE_BELOW_AT
    };
    let mut line = LineBox::blank(Pt(height), Pt(y));
    line.elements.push(Element::rule(
        (frame.left - Pt(size * RULE_OVERHANG_EM), Pt(y)),
        (frame.left + frame.width, Pt(y)),
        RULE_THICKNESS,
        RULE_GRAY,
    ));
    add_bars(&mut line, &frame.bars);
    line
}

/// A hooked arrow (↳) in the margin left of `left`, on the baseline `y`: the mark of a
/// code line that continues a wrapped one.
fn continuation_mark(left: Pt, y: Pt, size: f32) -> [Element; 4] {
    let (left, y) = (left.0, y.0);
    let (x0, x1) = (left - size * 0.85, left - size * 0.25);
    let (top, mid) = (y - size * 0.62, y - size * 0.25);
    let head = size * 0.16;
    let rule = |from: (f32, f32), to: (f32, f32)| {
        Element::rule(
            (Pt(from.0), Pt(from.1)),
            (Pt(to.0), Pt(to.1)),
            MARK_THICKNESS,
            MARK_GRAY,
        )
    };
    [
        rule((x0, top), (x0, mid)),
        rule((x0, mid), (x1, mid)),
        rule((x1 - head, mid - head), (x1, mid)),
        rule((x1 - head, mid + head), (x1, mid)),
    ]
}
