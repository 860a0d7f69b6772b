//! The block-by-block rules: how each kind of block becomes line boxes, spaces and
//! penalties.

use std::collections::BTreeSet;

mod figure;
mod table;

use super::notes::{self, NoteSource, Notes};
use super::{Flowed, LineBox, VItem, BROKEN_WORD_PENALTY, NO_BREAK};
use crate::error::Warning;
use crate::frame::{Element, LinkTarget, Rect};
use crate::images::ImageSource;
use crate::inline::{self, Context, ParagraphStyle, SetParagraph};
use crate::model::{Block, Document, Inline, Meta};
use crate::options::Settings;
use crate::text::{FontBook, Hyphenator};

/// The engine's services a flow uses.
pub struct Services<'a> {
    pub fonts: &'a FontBook,
    pub hyphenator: &'a Hyphenator,
    pub images: &'a dyn ImageSource,
    /// When the render must be done by; past it, nothing more is set.
    pub deadline: Option<std::time::Instant>,
}

/// Typesets the document's blocks into a vertical list. `printed` is the metadata as
/// the reader wants it shown (without date or address if so asked).
pub fn flow_document(
    doc: &Document,
    printed: &Meta,
    settings: &Settings,
    services: Services<'_>,
    warnings: &mut Vec<Warning>,
    missing: &mut BTreeSet<char>,
) -> Flowed {
    let mut flow = Flow {
        settings,
        fonts: services.fonts,
        hyphenator: services.hyphenator,
        images: services.images,
        deadline: services.deadline,
        timed_out: false,
        loaded: Default::default(),
        items: Vec::new(),
        warnings,
        missing,
        keep_with_next: false,
        previous_was_paragraph: false,
        notes: Notes::collect(doc, settings.links),
    };
    let frame = Frame {
        left: 0.0,
        width: settings.text_width(),
        bars: Vec::new(),
        scale: 1.0,
        depth: 0,
    };
    if settings.title_block {
        flow.title_block(printed);
    }
    flow.blocks(&doc.blocks, &frame);
    flow.end_matter(&frame);
    let notes = flow.layout_notes();
    Flowed {
        items: flow.items,
        notes,
        timed_out: flow.timed_out,
    }
}

/// The horizontal extent blocks are set in (narrower inside quotes and lists).
#[derive(Debug, Clone)]
struct Frame {
    left: f32,
    width: f32,
    bars: Vec<f32>,
    /// Type size relative to body text.
    scale: f32,
    /// Nesting of quotes and lists: past [`MAX_INDENT_DEPTH`] they stop indenting, so
    /// deep nesting never squeezes the text to nothing.
    depth: usize,
}

const MAX_INDENT_DEPTH: usize = 5;

/// Notes are set at this fraction of the body size.
const NOTE_SCALE: f32 = 0.8;

/// How lines of a block may be separated by a page break.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Keep {
    /// At least two lines on each side (paragraphs, code).
    TwoLines,
    /// Never split, and keep with what follows (headings, the title block).
    WithNext,
}

/// What hangs before a list item.
enum Marker {
    Text(String),
    Task { done: bool },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Start,
    Center,
    End,
}

struct Flow<'a> {
    settings: &'a Settings,
    fonts: &'a FontBook,
    hyphenator: &'a Hyphenator,
    images: &'a dyn ImageSource,
    deadline: Option<std::time::Instant>,
    /// The deadline passed: the rest was not set, and the render fails.
    timed_out: bool,
    /// Images loaded so far, by address: each is read and embedded once.
    loaded: std::collections::HashMap<
        String,
        Result<std::sync::Arc<crate::images::LoadedImage>, String>,
    >,
    items: Vec<VItem>,
    warnings: &'a mut Vec<Warning>,
    missing: &'a mut BTreeSet<char>,
    keep_with_next: bool,
    previous_was_paragraph: bool,
    notes: Notes,
}

impl Flow<'_> {
    fn size(&self) -> f32 {
        self.settings.font_size
    }

    fn leading(&self) -> f32 {
        self.settings.font_size * self.settings.template.line_height
    }

    fn body_style(&self, frame: &Frame) -> ParagraphStyle {
        ParagraphStyle {
            size: self.size() * frame.scale,
            bold: false,
            italic: false,
            justify: self.settings.justify,
            hyphenate: self.settings.hyphenate,
            indent: 0.0,
            monospace: false,
            balance: false,
        }
    }

    fn title_block(&mut self, meta: &Meta) {
        let frame = Frame {
            left: 0.0,
            width: self.settings.text_width(),
            bars: Vec::new(),
            scale: 1.0,
            depth: 0,
        };
        let size = self.size();
        let mut any = false;
        let ragged = |size: f32, bold: bool, italic: bool| ParagraphStyle {
            size,
            bold,
            italic,
            justify: false,
            hyphenate: false,
            indent: 0.0,
            monospace: false,
            balance: true,
        };
        if let Some(title) = &meta.title {
            let style = ragged(size * 1.9, true, false);
            self.set_block(
                &[Inline::Text(title.clone())],
                &style,
                &frame,
                Align::Center,
                1.2,
                Keep::WithNext,
                Vec::new(),
            );
            any = true;
        }
        if let Some(subtitle) = &meta.subtitle {
            self.space(size * 0.4, &frame);
            let style = ragged(size * 1.15, false, true);
            self.set_block(
                &[Inline::Text(subtitle.clone())],
                &style,
                &frame,
                Align::Center,
                1.35,
                Keep::WithNext,
                Vec::new(),
            );
            any = true;
        }
        let byline: Vec<&str> = [meta.author.as_deref(), meta.date.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !byline.is_empty() {
            self.space(size * 0.8, &frame);
            let style = ragged(size, false, false);
            let text = byline.join(" \u{00b7} ");
            self.set_block(
                &[Inline::Text(text)],
                &style,
                &frame,
                Align::Center,
                1.4,
                Keep::WithNext,
                Vec::new(),
            );
            any = true;
        }
        if let Some(url) = &meta.url {
            self.space(size * 0.2, &frame);
            let style = ragged(size * 0.8, false, false);
            let link = Inline::Link {
                url: url.clone(),
                content: vec![Inline::Text(url.clone())],
            };
            self.set_block(
                &[link],
                &style,
                &frame,
                Align::Center,
                1.4,
                Keep::WithNext,
                Vec::new(),
            );
            any = true;
        }
        if any {
            // A short rule under the title block, then the article.
            self.space(size * 0.9, &frame);
            let mut rule = LineBox {
                height: size * 0.8,
                baseline: size * 0.4,
                ..Default::default()
            };
            let center = frame.width / 2.0;
            rule.elements.push(Element::Rule {
                from: (center - 30.0, size * 0.4),
                to: (center + 30.0, size * 0.4),
                thickness: 0.5,
                gray: 0.0,
            });
            self.items.push(VItem::Line(rule));
            self.items.push(VItem::Penalty(NO_BREAK));
            self.keep_with_next = true;
            self.space(self.leading() * 1.6, &frame);
        }
    }

    fn blocks(&mut self, blocks: &[Block], frame: &Frame) {
        for block in blocks {
            self.block(block, frame);
        }
    }

    fn block(&mut self, block: &Block, frame: &Frame) {
        let leading = self.leading() * frame.scale;
        let spacing = self.settings.template.block_spacing * leading;
        match block {
            Block::Paragraph(inlines) if figure::is_figure(inlines) => {
                self.figures(inlines, frame);
                self.previous_was_paragraph = false;
            }
            Block::Paragraph(inlines) => {
                let mut style = self.body_style(frame);
                if self.previous_was_paragraph {
                    style.indent = self.settings.template.paragraph_indent * style.size;
                    self.space(self.settings.template.paragraph_spacing * leading, frame);
                }
                self.set_block(
                    inlines,
                    &style,
                    frame,
                    Align::Start,
                    self.settings.template.line_height,
                    Keep::TwoLines,
                    Vec::new(),
                );
                self.previous_was_paragraph = true;
            }
            Block::Heading { level, id, content } => {
                let level = (*level).clamp(1, 6);
                let size = self.size() * self.settings.template.heading_sizes[level as usize - 1];
                let style = ParagraphStyle {
                    size,
                    bold: level <= 4,
                    italic: level >= 4,
                    justify: false,
                    hyphenate: false,
                    indent: 0.0,
                    monospace: false,
                    // A two-line heading reads better as two similar lines.
                    balance: true,
                };
                let before = if level <= 2 { 1.5 } else { 1.1 } * self.leading();
                self.space(before, frame);
                let anchor = (
                    id.clone(),
                    Some((level, Inline::plain_text(content).trim().to_string())),
                );
                self.set_block(
                    content,
                    &style,
                    frame,
                    Align::Start,
                    1.25,
                    Keep::WithNext,
                    vec![anchor],
                );
                self.space(0.45 * self.leading(), frame);
                self.previous_was_paragraph = false;
            }
            Block::Quote(children) => {
                self.space(spacing, frame);
                let inner = if frame.depth < MAX_INDENT_DEPTH {
                    let indent = self.settings.template.quote_indent * self.size();
                    let indent = indent.min(frame.width * 0.12);
                    let mut bars = frame.bars.clone();
                    bars.push(frame.left + indent * 0.45);
                    Frame {
                        left: frame.left + indent,
                        width: frame.width - indent * 1.5,
                        bars,
                        scale: frame.scale,
                        depth: frame.depth + 1,
                    }
                } else {
                    frame.clone()
                };
                self.previous_was_paragraph = false;
                self.blocks(children, &inner);
                self.space(spacing, frame);
                self.previous_was_paragraph = false;
            }
            Block::List {
                start,
                items,
                tight,
            } => {
                self.space(spacing * 0.5, frame);
                let indent = (1.8 * self.size()).min(frame.width * 0.15);
                for (n, item) in items.iter().enumerate() {
                    let marker = match (item.task, start) {
                        (Some(done), _) => Marker::Task { done },
                        (None, Some(first)) => {
                            Marker::Text(format!("{}.", first.saturating_add(n as u64)))
                        }
                        (None, None) => Marker::Text("\u{2022}".to_string()),
                    };
                    let inner = if frame.depth < MAX_INDENT_DEPTH {
                        Frame {
                            left: frame.left + indent,
                            width: frame.width - indent,
                            bars: frame.bars.clone(),
                            scale: frame.scale,
                            depth: frame.depth + 1,
                        }
                    } else {
                        frame.clone()
                    };
                    let first_item = self.items.len();
                    self.previous_was_paragraph = false;
                    self.blocks(&item.blocks, &inner);
                    self.hang_marker(first_item, &marker, &inner);
                    // Loose lists (blank lines between items) get air between items.
                    self.space(if *tight { spacing * 0.25 } else { spacing }, frame);
                }
                self.space(spacing * 0.5, frame);
                self.previous_was_paragraph = false;
            }
            Block::Code { text, .. } => {
                self.space(spacing, frame);
                let size = self.size() * frame.scale * 0.85;
                let style = ParagraphStyle {
                    size,
                    bold: false,
                    italic: false,
                    justify: false,
                    hyphenate: false,
                    indent: 0.0,
                    monospace: true,
                    balance: false,
                };
                let inset = self.size().min(frame.width * 0.1);
                let inner = Frame {
                    left: frame.left + inset,
                    width: frame.width - inset,
                    ..frame.clone()
                };
                let mut boxes = vec![self.code_rule(&inner, size, true)];
                for line in text.trim_end_matches('\n').split('\n') {
                    let inlines = [Inline::Text(line.to_string())];
                    let set = self.set(&inlines, &style, &inner);
                    let mut lines =
                        self.line_boxes(&set, &style, &inner, Align::Start, 1.3, Vec::new());
                    if lines.is_empty() {
                        lines.push(self.empty_line(size * 1.3, &inner));
                    }
                    // A wrapped line's continuations carry a hooked arrow in the margin
                    // (drawn, so that copying the code gives back the code).
                    for continuation in lines.iter_mut().skip(1) {
                        continuation.elements.extend(continuation_mark(
                            inner.left,
                            continuation.baseline,
                            size,
                        ));
                    }
                    boxes.extend(lines);
                }
                boxes.push(self.code_rule(&inner, size, false));
                self.push_lines(boxes, Keep::TwoLines);
                self.space(spacing, frame);
                self.previous_was_paragraph = false;
            }
            Block::Table { aligns, head, rows } => {
                self.space(spacing, frame);
                self.table(aligns, head, rows, frame);
                self.space(spacing, frame);
                self.previous_was_paragraph = false;
            }
            Block::Term(inlines) => {
                let style = ParagraphStyle {
                    bold: true,
                    ..self.body_style(frame)
                };
                self.space(spacing * 0.3, frame);
                let line_height = self.settings.template.line_height;
                self.set_block(
                    inlines,
                    &style,
                    frame,
                    Align::Start,
                    line_height,
                    Keep::WithNext,
                    Vec::new(),
                );
                self.previous_was_paragraph = false;
            }
            Block::Definition(children) => {
                let indent = (1.8 * self.size()).min(frame.width * 0.15);
                let inner = if frame.depth < MAX_INDENT_DEPTH {
                    Frame {
                        left: frame.left + indent,
                        width: frame.width - indent,
                        depth: frame.depth + 1,
                        ..frame.clone()
                    }
                } else {
                    frame.clone()
                };
                self.previous_was_paragraph = false;
                self.blocks(children, &inner);
                self.space(spacing * 0.5, frame);
                self.previous_was_paragraph = false;
            }
            Block::Rule => {
                self.space(spacing, frame);
                let height = self.leading();
                let mut rule = LineBox {
                    height,
                    baseline: height / 2.0,
                    ..Default::default()
                };
                let center = frame.left + frame.width / 2.0;
                rule.elements.push(Element::Rule {
                    from: (center - frame.width * 0.12, height / 2.0),
                    to: (center + frame.width * 0.12, height / 2.0),
                    thickness: 0.5,
                    gray: 0.0,
                });
                self.add_bars(&mut rule, frame);
                self.break_between_blocks();
                self.items.push(VItem::Line(rule));
                self.space(spacing, frame);
                self.previous_was_paragraph = false;
            }
            // Set as notes where they are referenced (see `layout_notes`), or at the end.
            Block::FootnoteDefinition { .. } => {}
        }
    }

    /// After the article: link addresses as endnotes, and footnotes nobody referenced
    /// (so that their text is not lost), each group under a short rule.
    fn end_matter(&mut self, frame: &Frame) {
        let endnotes = std::mem::take(&mut self.notes.endnotes);
        if !endnotes.is_empty() {
            self.end_rule(frame);
            let items = endnotes
                .iter()
                .map(|url| crate::model::ListItem {
                    task: None,
                    blocks: vec![Block::Paragraph(vec![Inline::Link {
                        url: url.clone(),
                        content: vec![Inline::Text(url.clone())],
                    }])],
                })
                .collect();
            let small = Frame {
                scale: 0.85,
                ..frame.clone()
            };
            self.block(
                &Block::List {
                    start: Some(1),
                    items,
                    tight: true,
                },
                &small,
            );
        }
        let unreferenced = self.notes.unreferenced();
        if !unreferenced.is_empty() {
            self.end_rule(frame);
            let small = Frame {
                scale: 0.85,
                ..frame.clone()
            };
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

    fn end_rule(&mut self, frame: &Frame) {
        self.space(self.leading() * 1.5, frame);
        let mut rule = LineBox {
            height: self.leading() * 0.5,
            baseline: self.leading() * 0.25,
            ..Default::default()
        };
        rule.elements.push(Element::Rule {
            from: (frame.left, self.leading() * 0.25),
            to: (frame.left + frame.width * 0.3, self.leading() * 0.25),
            thickness: 0.5,
            gray: 0.0,
        });
        self.break_between_blocks();
        self.items.push(VItem::Line(rule));
        self.keep_with_next = true;
    }

    /// Sets the text of every note (in the order of their numbers) as line boxes for
    /// the foot of the page: smaller type, the number hanging in the margin and linking
    /// back to the reference. Links inside notes print their address inline.
    fn layout_notes(&mut self) -> Vec<Vec<LineBox>> {
        let size = self.size() * NOTE_SCALE;
        let indent = (size * 1.8).min(self.settings.text_width() * 0.2);
        let frame = Frame {
            left: indent,
            width: self.settings.text_width() - indent,
            bars: Vec::new(),
            scale: NOTE_SCALE,
            depth: MAX_INDENT_DEPTH,
        };
        let body_items = std::mem::take(&mut self.items);
        let mut laid_out = Vec::new();
        let mut n = 0;
        while n < self.notes.sources.len() {
            let blocks = match &self.notes.sources[n] {
                NoteSource::Footnote(blocks) => blocks.clone(),
                NoteSource::Address(url) => vec![Block::Paragraph(vec![Inline::Link {
                    url: url.clone(),
                    content: vec![Inline::Text(url.clone())],
                }])],
            };
            n += 1;
            self.previous_was_paragraph = false;
            self.keep_with_next = false;
            self.notes.in_note = true;
            self.blocks(&blocks, &frame);
            self.notes.in_note = false;
            let mut lines: Vec<LineBox> = std::mem::take(&mut self.items)
                .into_iter()
                .filter_map(|item| match item {
                    VItem::Line(line) => Some(line),
                    _ => None,
                })
                .collect();
            if lines.is_empty() {
                lines.push(LineBox {
                    height: size * 1.3,
                    baseline: size,
                    ..Default::default()
                });
            }
            let first = &mut lines[0];
            first
                .anchors
                .push((format!("{}{n}", notes::NOTE_ANCHOR), None));
            let number = format!("{n}.");
            let mut missing = BTreeSet::new();
            let runs = crate::text::shape::shape(
                self.fonts,
                crate::text::FaceId::Serif,
                size,
                &number,
                &mut missing,
            );
            let width: f32 = runs.iter().map(|r| r.width()).sum();
            let x = indent - width - size * 0.45;
            first.elements.insert(
                0,
                Element::Link {
                    rect: Rect {
                        x,
                        y: first.baseline - size,
                        width,
                        height: size * 1.25,
                    },
                    target: LinkTarget::Anchor(format!("{}{n}", notes::REFERENCE_ANCHOR)),
                },
            );
            prepend_runs(first, runs, x);
            laid_out.push(lines);
        }
        self.items = body_items;
        laid_out
    }

    fn set(&mut self, inlines: &[Inline], style: &ParagraphStyle, frame: &Frame) -> SetParagraph {
        if self.timed_out || self.deadline.is_some_and(|d| std::time::Instant::now() > d) {
            self.timed_out = true;
            return SetParagraph::default();
        }
        let annotated = self.notes.annotate(inlines);
        let inlines = annotated.as_slice();
        let ctx = Context {
            fonts: self.fonts,
            hyphenator: self.hyphenator,
            lang: self.settings.lang.as_str(),
            line_width: frame.width,
            deadline: self.deadline,
        };
        let set = inline::layout(inlines, style, &ctx);
        if self.deadline.is_some_and(|d| std::time::Instant::now() > d) {
            self.timed_out = true;
        }
        self.missing.extend(set.missing.iter().copied());
        if set.emergency {
            let text = Inline::plain_text(inlines);
            let excerpt: String = text.chars().take(40).collect();
            self.warnings.push(Warning::EmergencyBreak { excerpt });
        }
        set
    }

    /// Sets a paragraph-like block and adds its lines to the list.
    #[allow(clippy::too_many_arguments)]
    fn set_block(
        &mut self,
        inlines: &[Inline],
        style: &ParagraphStyle,
        frame: &Frame,
        align: Align,
        line_height: f32,
        keep: Keep,
        anchors: Vec<(String, Option<(u8, String)>)>,
    ) {
        let set = self.set(inlines, style, frame);
        let mut boxes = self.line_boxes(&set, style, frame, align, line_height, anchors.clone());
        if boxes.is_empty() {
            if anchors.is_empty() {
                return;
            }
            // An empty heading still anchors links and the outline.
            let mut line = self.empty_line(style.size * line_height, frame);
            line.anchors = anchors;
            boxes.push(line);
        }
        self.push_lines(boxes, keep);
    }

    /// A light rule above (or below) a code block, across the code's measure.
    fn code_rule(&self, frame: &Frame, size: f32, above: bool) -> LineBox {
        let height = size * 0.7;
        let y = if above { height * 0.35 } else { height * 0.65 };
        let mut line = LineBox {
            height,
            baseline: y,
            ..Default::default()
        };
        line.elements.push(Element::Rule {
            from: (frame.left - size * 0.6, y),
            to: (frame.left + frame.width, y),
            thickness: 0.4,
            gray: 0.55,
        });
        self.add_bars(&mut line, frame);
        line
    }

    fn empty_line(&self, height: f32, frame: &Frame) -> LineBox {
        let mut line = LineBox {
            height,
            baseline: height * 0.75,
            ..Default::default()
        };
        self.add_bars(&mut line, frame);
        line
    }

    fn push_lines(&mut self, boxes: Vec<LineBox>, keep: Keep) {
        self.break_between_blocks();
        let n = boxes.len();
        let mut previous_hyphenated = false;
        for (i, line) in boxes.into_iter().enumerate() {
            if i > 0 {
                let penalty = match keep {
                    Keep::WithNext => NO_BREAK,
                    // No orphan (after the first line) and no widow (before the last).
                    Keep::TwoLines if i == 1 || i == n - 1 => NO_BREAK,
                    Keep::TwoLines if previous_hyphenated => BROKEN_WORD_PENALTY,
                    Keep::TwoLines => 0.0,
                };
                self.items.push(VItem::Penalty(penalty));
            }
            previous_hyphenated = line.hyphenated;
            self.items.push(VItem::Line(line));
        }
        self.keep_with_next = keep == Keep::WithNext;
    }

    /// The break opportunity between two blocks (none after a heading).
    fn break_between_blocks(&mut self) {
        let last_is_line = matches!(self.items.last(), Some(VItem::Line(_)));
        if !last_is_line && !matches!(self.items.last(), Some(VItem::Space { .. })) {
            return;
        }
        let penalty = if self.keep_with_next { NO_BREAK } else { 0.0 };
        // The penalty goes before the space, so that the space vanishes at the break.
        let space_at = self
            .items
            .iter()
            .rposition(|item| !matches!(item, VItem::Space { .. }))
            .map_or(0, |i| i + 1);
        self.items.insert(space_at, VItem::Penalty(penalty));
        self.keep_with_next = false;
    }

    /// Vertical space; consecutive spaces collapse to the largest.
    fn space(&mut self, height: f32, frame: &Frame) {
        if height <= 0.0 || self.items.is_empty() {
            return;
        }
        if let Some(VItem::Space { height: h, bars }) = self.items.last_mut() {
            *h = h.max(height);
            if bars.len() > frame.bars.len() {
                *bars = frame.bars.clone();
            }
            return;
        }
        self.items.push(VItem::Space {
            height,
            bars: frame.bars.clone(),
        });
    }

    fn add_bars(&self, line: &mut LineBox, frame: &Frame) {
        for &x in &frame.bars {
            line.elements.push(Element::Rule {
                from: (x, 0.0),
                to: (x, line.height),
                thickness: 0.8,
                gray: 0.45,
            });
        }
    }

    /// Turns set lines into line boxes: glyph runs, strike-through rules, link areas.
    fn line_boxes(
        &self,
        set: &SetParagraph,
        style: &ParagraphStyle,
        frame: &Frame,
        align: Align,
        line_height: f32,
        mut anchors: Vec<(String, Option<(u8, String)>)>,
    ) -> Vec<LineBox> {
        let face = self
            .fonts
            .face(crate::text::FaceId::serif(style.bold, style.italic));
        let height = style.size * line_height;
        let ascent = face.ascender * style.size;
        let descent = -face.descender * style.size;
        let baseline = (height - (ascent + descent)) / 2.0 + ascent;
        let mut boxes = Vec::with_capacity(set.lines.len());
        for line in &set.lines {
            let offset = match align {
                Align::Start => 0.0,
                Align::Center => ((frame.width - line.width) / 2.0).max(0.0),
                Align::End => (frame.width - line.width).max(0.0),
            };
            let mut lb = LineBox {
                height,
                baseline,
                elements: Vec::with_capacity(line.placed.len() + frame.bars.len()),
                hyphenated: line.hyphenated,
                notes: Vec::new(),
                repeat_header: None,
                anchors: std::mem::take(&mut anchors),
            };
            for placed in &line.placed {
                let piece = &set.pieces[placed.piece];
                if piece.run.glyphs.is_empty() {
                    continue;
                }
                let x = frame.left + offset + placed.x;
                let y = baseline - piece.rise;
                let width = piece.run.width();
                if piece.strike {
                    let strike_y = y - piece.run.size * 0.28;
                    lb.elements.push(Element::Rule {
                        from: (x, strike_y),
                        to: (x + width, strike_y),
                        thickness: piece.run.size * 0.06,
                        gray: 0.0,
                    });
                }
                if let Some(link) = piece.link {
                    if let Some(n) = notes::note_number(&set.links[link]) {
                        if !lb.notes.contains(&(n - 1)) {
                            lb.notes.push(n - 1);
                            lb.anchors
                                .push((format!("{}{n}", notes::REFERENCE_ANCHOR), None));
                        }
                    }
                    let target = LinkTarget::from_href(&set.links[link]);
                    let rect = Rect {
                        x,
                        y: y - ascent,
                        width,
                        height: ascent + descent,
                    };
                    push_link(&mut lb.elements, rect, target);
                }
                lb.elements.push(Element::Text {
                    x,
                    y,
                    run: piece.run.clone(),
                });
            }
            self.add_bars(&mut lb, frame);
            boxes.push(lb);
        }
        boxes
    }

    /// Hangs a list marker in the margin to the left of the item's first line.
    fn hang_marker(&mut self, first_item: usize, marker: &Marker, inner: &Frame) {
        let Some(VItem::Line(line)) = self.items[first_item..]
            .iter_mut()
            .find(|item| matches!(item, VItem::Line(_)))
        else {
            return;
        };
        let size = self.settings.font_size * inner.scale;
        let text = match marker {
            Marker::Text(text) => text.as_str(),
            Marker::Task { done: true } => "\u{2713}",
            Marker::Task { done: false } => "",
        };
        let mut missing = BTreeSet::new();
        let runs = crate::text::shape::shape(
            self.fonts,
            crate::text::FaceId::Serif,
            size,
            text,
            &mut missing,
        );
        let mut width: f32 = runs.iter().map(|r| r.width()).sum();
        if let Marker::Task { .. } = marker {
            // A drawn box (the bundled faces have no ballot box), the tick inside it.
            let side = size * 0.72;
            let right = inner.left - size * 0.5;
            let (left, top, bottom) = (right - side, line.baseline - side, line.baseline);
            for (from, to) in [
                ((left, top), (right, top)),
                ((right, top), (right, bottom)),
                ((right, bottom), (left, bottom)),
                ((left, bottom), (left, top)),
            ] {
                line.elements.push(Element::Rule {
                    from,
                    to,
                    thickness: 0.6,
                    gray: 0.0,
                });
            }
            width = width.max(0.0) + (side - width) / 2.0;
        }
        prepend_runs(line, runs, inner.left - width - size * 0.5);
        self.missing.extend(missing);
    }
}

/// Puts glyph runs (a list marker, a note number) at the start of a line's content, from
/// `x` on its baseline: first, so that text extraction reads them before the line's text.
fn prepend_runs(line: &mut LineBox, runs: Vec<crate::text::ShapedRun>, mut x: f32) {
    for (k, run) in runs.into_iter().enumerate() {
        let width = run.width();
        line.elements.insert(
            k,
            Element::Text {
                x,
                y: line.baseline,
                run,
            },
        );
        x += width;
    }
}

/// A hooked arrow (↳) in the margin left of `left`, on the baseline `y`: the mark of a
/// code line that continues a wrapped one.
fn continuation_mark(left: f32, y: f32, size: f32) -> [Element; 4] {
    let (x0, x1) = (left - size * 0.85, left - size * 0.25);
    let (top, mid) = (y - size * 0.62, y - size * 0.25);
    let head = size * 0.16;
    let rule = |from, to| Element::Rule {
        from,
        to,
        thickness: 0.45,
        gray: 0.35,
    };
    [
        rule((x0, top), (x0, mid)),
        rule((x0, mid), (x1, mid)),
        rule((x1 - head, mid - head), (x1, mid)),
        rule((x1 - head, mid + head), (x1, mid)),
    ]
}

/// Adds a link area, extending the previous one when it continues the same link.
fn push_link(elements: &mut Vec<Element>, rect: Rect, target: LinkTarget) {
    for element in elements.iter_mut().rev() {
        if let Element::Link {
            rect: prev,
            target: t,
        } = element
        {
            if *t == target && (prev.y - rect.y).abs() < 0.5 && rect.x >= prev.x {
                prev.width = rect.x + rect.width - prev.x;
                return;
            }
            break;
        }
    }
    elements.push(Element::Link { rect, target });
}
