//! The matter around the article: the title block that opens the first page (title,
//! subtitle, byline, address, a short rule) and the end matter (link addresses as end
//! notes, and footnotes nobody referenced, so that no text is lost).

use super::blocks::{Flow, Frame};
use super::vlist::{Keep, VItem};
use crate::geom::Pt;
use crate::inline::{Align, LineBox, ParagraphStyle};
use crate::layout::{Element, Role};
use crate::model::{Block, Inline, ListItem, Meta};
use crate::structure::Kind;

/// The title block's parts: size (em), line height, and the space above each (em).
const TITLE_SIZE: f32 = 1.9;
const TITLE_LINE_HEIGHT: f32 = 1.2;
const SUBTITLE_SPACE: f32 = 0.4;
const SUBTITLE_SIZE: f32 = 1.15;
const SUBTITLE_LINE_HEIGHT: f32 = 1.35;
const BYLINE_SPACE: f32 = 0.8;
const BYLINE_LINE_HEIGHT: f32 = 1.4;
const ADDRESS_SPACE: f32 = 0.2;
const ADDRESS_SIZE: f32 = 0.8;
const ADDRESS_LINE_HEIGHT: f32 = 1.4;
/// The rule under the title block: space above it (em), its line's height and where the
/// rule sits in it (em), half its length, its thickness; then space below, in lines.
const RULE_SPACE: f32 = 0.9;
const RULE_LINE_EM: f32 = 0.8;
const RULE_AT_EM: f32 = 0.4;
const RULE_HALF_LENGTH: Pt = Pt(30.0);
const RULE_THICKNESS: Pt = Pt(0.5);
const SPACE_AFTER_LINES: f32 = 1.6;
/// The author and date in the byline are separated by a middle dot.
const BYLINE_SEPARATOR: &str = " \u{00b7} ";

/// The gap between the title block and a QR code beside it, in ems.
const QR_GAP_EM: f32 = 1.0;

/// End matter is set smaller than the article.
const END_MATTER_SCALE: f32 = 0.85;
/// The rule above each group of end matter: space above it, its line's height and where
/// the rule sits in it, in lines; its length as a share of the measure.
const END_RULE_SPACE: f32 = 1.5;
const END_RULE_LINE: f32 = 0.5;
const END_RULE_AT: f32 = 0.25;
const END_RULE_LENGTH_SHARE: f32 = 0.3;

impl Flow<'_> {
    /// The title block, from the metadata as it is to be printed; with `qr`, the QR code
    /// of that address beside it, at the end edge, the block's lines set beside it.
    pub(super) fn title_block(&mut self, meta: &Meta, qr: Option<&str>) {
        // Across all columns: the title heads the page, not the first column.
        let full = self.settings.area_width();
        let rtl = self.settings.rtl();
        let gap = self.size() * QR_GAP_EM;
        // Made at the left; moved to the end edge below. Its link is the document's.
        let code = qr.and_then(|address| {
            let link = self.tag(Kind::Link, crate::structure::Tag::DOCUMENT);
            Flow::qr_code(address, Pt::ZERO, link)
        });
        if qr.is_some() && code.is_none() {
            self.no_qr_code();
        }
        let mut frame = Frame::full(full, rtl);
        if let Some((_, side)) = &code {
            frame.width = full - *side - Pt(gap);
            if rtl {
                frame.left = *side + Pt(gap);
            }
        }
        let first_item = self.list.items.len();
        let size = self.size();
        let mut any = false;
        let faces = self.settings.faces.clone();
        let ragged = |size: f32, bold: bool, italic: bool| ParagraphStyle {
            size,
            bold,
            italic,
            justify: false,
            expansion: 0.0,
            hyphenate: false,
            indent: 0.0,
            monospace: false,
            balance: true,
            family: faces.body,
            code: faces.code,
        };
        let mut part = |flow: &mut Flow<'_>, inline: Inline, style, line_height, role| {
            // The title is the outline's first heading; the rest are paragraphs.
            let kind = if role == Role::Title {
                Kind::Heading(1)
            } else {
                Kind::Paragraph
            };
            flow.set_block(
                &[inline],
                &style,
                &frame,
                Align::Center,
                line_height,
                Keep::WithNext,
                (role, kind),
                None,
            );
            any = true;
        };
        if let Some(title) = &meta.title {
            let style = ParagraphStyle {
                family: faces.heading,
                ..ragged(size * TITLE_SIZE, true, false)
            };
            let text = Inline::Text(title.clone());
            part(self, text, style, TITLE_LINE_HEIGHT, Role::Title);
        }
        if let Some(subtitle) = &meta.subtitle {
            self.title_space(size * SUBTITLE_SPACE, &frame);
            let style = ragged(size * SUBTITLE_SIZE, false, true);
            let text = Inline::Text(subtitle.clone());
            part(self, text, style, SUBTITLE_LINE_HEIGHT, Role::Subtitle);
        }
        let byline: Vec<&str> = [meta.author.as_deref(), meta.date.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !byline.is_empty() {
            self.title_space(size * BYLINE_SPACE, &frame);
            let style = ragged(size, false, false);
            let text = Inline::Text(byline.join(BYLINE_SEPARATOR));
            part(self, text, style, BYLINE_LINE_HEIGHT, Role::Byline);
        }
        if let Some(url) = &meta.url {
            self.title_space(size * ADDRESS_SPACE, &frame);
            let style = ragged(size * ADDRESS_SIZE, false, false);
            let link = Inline::Link {
                url: url.clone(),
                content: vec![Inline::Text(url.clone())],
            };
            part(self, link, style, ADDRESS_LINE_HEIGHT, Role::Address);
        }
        if let Some((mut elements, side)) = code {
            // The code beside the block's first line, at the end edge; the block is made
            // at least as tall as the code.
            if !rtl {
                let shift = full - side;
                elements = elements
                    .into_iter()
                    .map(|e| e.translated(shift, Pt::ZERO))
                    .collect();
            }
            let height: f32 = self.list.items[first_item..]
                .iter()
                .map(|item| match item {
                    VItem::Line(line) => line.height.0,
                    VItem::Space { height, .. } => height.0,
                    _ => 0.0,
                })
                .sum();
            match self.list.items[first_item..]
                .iter_mut()
                .find_map(|item| match item {
                    VItem::Line(line) => Some(line),
                    _ => None,
                }) {
                Some(line) => line.elements.extend(elements),
                None => {
                    let mut line = LineBox::blank(side, side);
                    line.role = Role::Figure;
                    line.elements = elements;
                    self.list.push_item_line(line);
                    any = true;
                }
            }
            if height > 0.0 && height < side.0 {
                // Space that never shrinks: the code must not reach into the article.
                self.list.space(side.0 - height, 0.0, &frame.bars);
            }
        }
        if any {
            // A short rule under the title block, then the article.
            self.title_space(size * RULE_SPACE, &frame);
            let y = Pt(size * RULE_AT_EM);
            let mut rule = LineBox::blank(Pt(size * RULE_LINE_EM), y);
            rule.role = Role::Rule;
            let center = frame.width / 2.0;
            rule.elements.push(Element::rule(
                (center - RULE_HALF_LENGTH, y),
                (center + RULE_HALF_LENGTH, y),
                RULE_THICKNESS,
                0.0,
            ));
            self.list.push_item_line(rule);
            self.list.glue_to_next();
            self.title_space(self.leading() * SPACE_AFTER_LINES, &frame);
        }
    }

    /// After the article: link addresses as endnotes, and footnotes nobody referenced
    /// (so that their text is not lost), each group under a short rule.
    pub(super) fn end_matter(&mut self, frame: &Frame) {
        let small = Frame {
            scale: END_MATTER_SCALE,
            ..frame.clone()
        };
        let endnotes = std::mem::take(&mut self.notes.endnotes);
        if !endnotes.is_empty() {
            self.end_rule(frame);
            let items = endnotes
                .iter()
                .map(|url| ListItem {
                    task: None,
                    blocks: vec![Block::Paragraph(vec![Inline::Link {
                        url: url.clone(),
                        content: vec![Inline::Text(url.clone())],
                    }])],
                })
                .collect();
            let list = Block::List {
                start: Some(1),
                items,
                tight: true,
            };
            self.block(&list, &small);
        }
        let unreferenced = self.notes.unreferenced();
        if !unreferenced.is_empty() {
            self.end_rule(frame);
            for (label, mut blocks) in unreferenced {
                match blocks.first_mut() {
                    Some(Block::Paragraph(inlines)) => {
                        inlines.insert(0, Inline::Text(format!("{label}. ")))
                    }
                    _ => {
                        blocks.insert(0, Block::Paragraph(vec![Inline::Text(format!("{label}."))]))
                    }
                }
                self.previous_was_paragraph = false;
                self.blocks(&blocks, &small);
            }
        }
    }

    /// A short rule that opens a group of end matter, kept with what follows.
    fn end_rule(&mut self, frame: &Frame) {
        let leading = self.leading();
        self.space(leading * END_RULE_SPACE, frame);
        let y = Pt(leading * END_RULE_AT);
        let mut rule = LineBox::blank(Pt(leading * END_RULE_LINE), y);
        rule.role = Role::Rule;
        rule.elements.push(Element::rule(
            (frame.start_edge(), y),
            (frame.inward(frame.width.0 * END_RULE_LENGTH_SHARE), y),
            RULE_THICKNESS,
            0.0,
        ));
        self.list.push_heading_line(rule);
    }
}
