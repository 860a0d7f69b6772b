//! Each kind of block as line boxes, spaces and penalties: [`Flow::block`] dispatches to
//! one file per kind; the helpers here set a paragraph-like block in a [`Frame`].

mod code;
mod definition;
mod figure;
mod formula;
mod heading;
mod list;
mod note_text;
mod paragraph;
mod qr;
mod quote;
mod rule;
mod table;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::notes::Notes;
use super::vlist::{add_bars, Keep, VList, WHOLE_IN_COLUMNS_BELOW};
use super::Services;
use crate::context::{Exceeded, Limit};
use crate::error::{Error, Warning};
use crate::geom::Pt;
use crate::images::LoadedImage;
use crate::inline::{
    self, Align, LineAnchor, LineBox, Measure, ParagraphStyle, ParagraphTags, TextServices,
};
use crate::layout::Role;
use crate::model::{Block, Inline};
use crate::options::Direction;
use crate::settings::Settings;
use crate::structure::{Kind, Structure, Tag};
use crate::text::{shape::shape_visual, ShapeOptions, ShapedRun};

/// The characters of inlines that take room on a line (not combining marks, joiners or
/// other format characters).
fn spacing_chars(inlines: &[Inline]) -> usize {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    Inline::plain_text(inlines)
        .chars()
        .filter(|&c| {
            // Below the combining marks, only controls and the soft hyphen take no room.
            if (c as u32) < 0x300 {
                return !c.is_control() && c != '\u{ad}';
            }
            !matches!(
                c.general_category(),
                GeneralCategory::NonspacingMark
                    | GeneralCategory::EnclosingMark
                    | GeneralCategory::Format
                    | GeneralCategory::Control
            )
        })
        .count()
}

/// No glyph is narrower than this, in ems: a paragraph of n characters is at least
/// n fifths of an em long.
const NARROWEST_GLYPH_EM: f32 = 0.2;

/// Quotes and lists stop indenting past this depth, so deep nesting never squeezes the
/// text to nothing.
pub(super) const MAX_INDENT_DEPTH: usize = 5;

/// The horizontal extent blocks are set in (narrower inside quotes and lists).
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub left: Pt,
    pub width: Pt,
    /// Blockquote bars drawn beside the lines, at these x positions.
    pub bars: Vec<Pt>,
    /// Type size relative to body text.
    pub scale: f32,
    /// Nesting of quotes and lists.
    pub depth: usize,
    /// A right-to-left document: indents, markers and quote bars are on the right, the
    /// side lines start from.
    pub rtl: bool,
    /// The structure element the blocks set in it belong to (a quote, a list item's
    /// body, a note; the document at the top).
    pub parent: Tag,
}

impl Frame {
    /// The whole text area (one column).
    pub fn full(width: Pt, rtl: bool) -> Frame {
        Frame {
            left: Pt::ZERO,
            width,
            bars: Vec::new(),
            scale: 1.0,
            depth: 0,
            rtl,
            parent: Tag::DOCUMENT,
        }
    }

    /// The same frame, its blocks part of `parent`.
    pub fn within(&self, parent: Tag) -> Frame {
        Frame {
            parent,
            ..self.clone()
        }
    }

    /// The frame indented by `indent` on the side lines start from (the left, or the
    /// right in a right-to-left document) and narrowed by `narrower` in all, one level
    /// deeper; past [`MAX_INDENT_DEPTH`] the same frame.
    pub fn indented(&self, indent: f32, narrower: f32) -> Frame {
        if self.depth >= MAX_INDENT_DEPTH {
            return self.clone();
        }
        let shift = if self.rtl { narrower - indent } else { indent };
        Frame {
            left: self.left + Pt(shift),
            width: self.width - Pt(narrower),
            depth: self.depth + 1,
            ..self.clone()
        }
    }

    /// The edge lines start from: the left, or the right in a right-to-left document.
    pub fn start_edge(&self) -> Pt {
        if self.rtl {
            self.left + self.width
        } else {
            self.left
        }
    }

    /// `distance` from the start edge into the frame (negative: out into the margin).
    pub fn inward(&self, distance: f32) -> Pt {
        if self.rtl {
            self.start_edge() - Pt(distance)
        } else {
            self.start_edge() + Pt(distance)
        }
    }

    /// Where something `width` wide that hangs `gap` outside the start edge (a list
    /// marker, a note's number) has its left side.
    pub fn hanging(&self, width: f32, gap: f32) -> Pt {
        if self.rtl {
            self.start_edge() + Pt(gap)
        } else {
            self.start_edge() - Pt(gap + width)
        }
    }

    /// A measure across this frame.
    pub fn measure(&self, align: Align, line_height: f32) -> Measure {
        Measure {
            left: self.left,
            width: self.width,
            align,
            line_height,
            max_lines: usize::MAX,
        }
    }
}

/// What paragraphs are set with: the document's services, in a list the list's direction.
fn paragraph_services<'a>(
    services: &'a Services<'_>,
    settings: &'a Settings,
    list_direction: Option<Direction>,
) -> TextServices<'a> {
    let mut text = super::text_services(
        services.fonts,
        services.words,
        services.hyphenator,
        settings,
        &services.cancel,
    );
    if let Some(direction) = list_direction {
        text.direction = direction;
    }
    text
}

/// The state of a flow: settings and services, the list being built, the notes.
pub(super) struct Flow<'a> {
    pub settings: &'a Settings,
    pub services: Services<'a>,
    pub list: VList,
    pub warnings: &'a mut Vec<Warning>,
    /// Characters no bundled face has.
    pub missing: BTreeSet<char>,
    /// The previous block was a paragraph (the next one gets a first-line indent).
    pub previous_was_paragraph: bool,
    pub notes: Notes,
    /// Images loaded so far, by address: each is read and embedded once.
    pub loaded: HashMap<String, Result<Arc<LoadedImage>, String>>,
    /// Pixels of the images loaded so far.
    pub pixels_loaded: u64,
    /// Why the flow stopped early (cancelled, or over a limit): nothing more is set.
    pub stopped: Option<Error>,
    /// Table cells set so far.
    pub table_cells: usize,
    /// The bytes of code the render may still highlight.
    pub highlight_budget: usize,
    /// Inside a list of a document whose paragraphs take their own direction: the
    /// list's, which its items keep (an Arabic item of an English list starts at its
    /// bullet, as a browser sets it).
    pub list_direction: Option<Direction>,
    /// The document's structure so far: every element set is stamped with its node.
    pub structure: Structure,
}

impl<'a> Flow<'a> {
    pub fn new(
        settings: &'a Settings,
        services: Services<'a>,
        notes: Notes,
        warnings: &'a mut Vec<Warning>,
    ) -> Flow<'a> {
        Flow {
            settings,
            services,
            list: VList::whole_below(if settings.columns() > 1 {
                WHOLE_IN_COLUMNS_BELOW
            } else {
                0
            }),
            warnings,
            missing: BTreeSet::new(),
            previous_was_paragraph: false,
            notes,
            loaded: HashMap::new(),
            pixels_loaded: 0,
            stopped: None,
            table_cells: 0,
            highlight_budget: crate::text::highlight::BYTE_BUDGET,
            list_direction: None,
            structure: Structure::default(),
        }
    }

    /// A new structure element of `kind` in `parent`.
    pub fn tag(&mut self, kind: Kind, parent: Tag) -> Tag {
        self.structure.add(kind, parent)
    }

    /// Body text size.
    pub fn size(&self) -> f32 {
        self.settings.font_size
    }

    /// Baseline-to-baseline distance of body text.
    pub fn leading(&self) -> f32 {
        self.settings.leading()
    }

    /// Baseline-to-baseline distance of body text in a frame.
    pub fn frame_leading(&self, frame: &Frame) -> f32 {
        self.leading() * frame.scale
    }

    /// Space above and below quotes, lists, code blocks and rules in a frame.
    pub fn block_spacing(&self, frame: &Frame) -> f32 {
        self.settings.design.block_spacing * self.frame_leading(frame)
    }

    pub fn body_style(&self, frame: &Frame) -> ParagraphStyle {
        super::body_style(self.settings, frame.scale)
    }

    /// Space between blocks, which may shrink by the design's share when a page must
    /// hold more.
    pub fn space(&mut self, height: f32, frame: &Frame) {
        let shrink = height * self.settings.design.space_shrink;
        self.list.space(height, shrink, &frame.bars);
    }

    /// Space in the title block, which may shrink by its own share.
    pub fn title_space(&mut self, height: f32, frame: &Frame) {
        let shrink = height * self.settings.design.title_space_shrink;
        self.list.space(height, shrink, &frame.bars);
    }

    pub fn blocks(&mut self, blocks: &[Block], frame: &Frame) {
        for block in blocks {
            self.block(block, frame);
        }
    }

    /// Adds one block to the list.
    pub fn block(&mut self, block: &Block, frame: &Frame) {
        match block {
            Block::Paragraph(inlines) if figure::is_figure(inlines) => self.figures(inlines, frame),
            Block::Paragraph(inlines) => self.paragraph(inlines, frame),
            Block::Heading { level, id, content } => self.heading(*level, id, content, frame),
            Block::Quote(children) => self.quote(children, frame),
            Block::Alert { kind, blocks } => self.alert(*kind, blocks, frame),
            Block::List {
                start,
                items,
                tight,
            } => self.list(*start, items, *tight, frame),
            Block::Code { lang, text } => self.code(lang.as_deref(), text, frame),
            Block::Table { aligns, head, rows } => self.table_block(aligns, head, rows, frame),
            Block::Term(inlines) => self.term(inlines, frame),
            Block::Definition(children) => self.definition(children, frame),
            Block::Rule => self.thematic_break(frame),
            Block::Math(formula) => self.display_math(formula, frame),
            Block::PageBreak => {
                self.list.force_break();
                self.previous_was_paragraph = false;
            }
            // Set as notes where they are referenced (see `layout_notes`), or at the end.
            Block::FootnoteDefinition { .. } => {}
        }
    }

    /// Sets inlines as a paragraph in `measure`: notes numbered, lines set, missing
    /// characters and emergency breaks noted. Nothing once the render is cancelled.
    /// Its text is content of the structure element `tag`.
    pub fn set(
        &mut self,
        inlines: &[Inline],
        style: &ParagraphStyle,
        measure: &Measure,
        tag: Tag,
    ) -> Vec<LineBox> {
        if self.must_stop() {
            return Vec::new();
        }
        // A paragraph of n characters that take room needs at least this many lines (no
        // glyph is narrower than a fifth of an em): a huge one that cannot fit the page
        // limit is refused before it is shaped, and after shaping by its width.
        let line = style.size * measure.line_height;
        let chars = spacing_chars(inlines) as f32;
        let least_lines = (chars * NARROWEST_GLYPH_EM * style.size / measure.width.0).floor();
        if !self.within_page_budget(least_lines * line) {
            return Vec::new();
        }
        let measure = &Measure {
            max_lines: (self.page_budget_left() / line).max(0.0) as usize,
            ..*measure
        };
        let annotated = self.notes.annotate(inlines);
        if self.notes.count() > self.services.limits.max_notes {
            self.stop(Error::Limit(Exceeded {
                limit: Limit::Notes,
                allowed: self.services.limits.max_notes as u64,
                found: self.notes.count() as u64,
            }));
            return Vec::new();
        }
        let services = paragraph_services(&self.services, self.settings, self.list_direction);
        let mut tags = ParagraphTags {
            structure: &mut self.structure,
            node: tag,
        };
        let set = inline::layout(&annotated, style, measure, &services, &mut tags);
        if self.services.cancel.is_cancelled() {
            self.stop(Error::Cancelled);
        }
        if let Some(lines) = set.too_long {
            self.within_page_budget(lines as f32 * line);
            return Vec::new();
        }
        self.missing.extend(set.missing.iter().copied());
        if set.emergency {
            let text = Inline::plain_text(&annotated);
            let excerpt: String = text.chars().take(40).collect();
            self.warnings.push(Warning::EmergencyBreak { excerpt });
        }
        set.lines
    }

    /// What paragraphs of this document are set with.
    pub fn text_services(&self) -> TextServices<'_> {
        paragraph_services(&self.services, self.settings, self.list_direction)
    }

    /// A marker set on its own (a list's bullet or number, a note's number) in the body's
    /// regular face, in visual order.
    pub fn shape_marker(&mut self, text: &str, size: f32, rtl: bool) -> Vec<ShapedRun> {
        let options = ShapeOptions {
            lang: self.settings.options.lang.as_str(),
            fallback: &self.settings.faces.fallback,
            ..ShapeOptions::default()
        };
        shape_visual(
            self.services.fonts,
            self.settings.faces.body.regular,
            size,
            text,
            &options,
            rtl,
            &mut self.missing,
        )
    }

    /// Sets a paragraph-like block across `frame` and adds its lines to the list, with
    /// quote bars, the role, and `anchor` (a heading's) on its first line. Its text is a
    /// new structure element of `kind` in the frame's.
    #[allow(clippy::too_many_arguments)]
    pub fn set_block(
        &mut self,
        inlines: &[Inline],
        style: &ParagraphStyle,
        frame: &Frame,
        align: Align,
        line_height: f32,
        keep: Keep,
        (role, kind): (Role, Kind),
        anchor: Option<LineAnchor>,
    ) {
        let tag = self.tag(kind, frame.parent);
        let measure = frame.measure(align, line_height);
        let mut boxes = self.set(inlines, style, &measure, tag);
        for line in &mut boxes {
            line.role = role;
            add_bars(line, &frame.bars);
        }
        match (boxes.first_mut(), anchor) {
            (Some(first), Some(anchor)) => first.anchors.insert(0, anchor),
            (None, Some(anchor)) => {
                // An empty heading still anchors links and the outline.
                let mut line = self.empty_line(style.size * line_height, frame);
                line.role = role;
                line.anchors.push(anchor);
                boxes.push(line);
            }
            (_, None) => {}
        }
        if !boxes.is_empty() {
            self.list.push_lines(boxes, keep);
        }
    }

    /// Sets running text (a paragraph, a term, an image's alt text) across `frame`.
    pub fn set_text(
        &mut self,
        inlines: &[Inline],
        style: &ParagraphStyle,
        frame: &Frame,
        keep: Keep,
    ) {
        let line_height = self.settings.design.line_height;
        self.set_block(
            inlines,
            style,
            frame,
            Align::Start,
            line_height,
            keep,
            (Role::Body, Kind::Paragraph),
            None,
        );
    }

    /// A line with nothing on it but the frame's quote bars.
    pub fn empty_line(&self, height: f32, frame: &Frame) -> LineBox {
        let mut line = LineBox::blank(Pt(height), Pt(height * 0.75));
        add_bars(&mut line, &frame.bars);
        line
    }

    /// Whether the flow has stopped (or should, because the render was cancelled).
    pub fn must_stop(&mut self) -> bool {
        if self.stopped.is_none() && self.services.cancel.is_cancelled() {
            self.stopped = Some(Error::Cancelled);
        }
        self.stopped.is_some()
    }

    /// Stops the flow with `error` (the first reason wins).
    pub fn stop(&mut self, error: Error) {
        self.stopped.get_or_insert(error);
    }

    /// The height the page limit leaves for the rest of the document (more or less: the
    /// notes are not counted).
    fn page_budget_left(&self) -> f32 {
        let settings = self.settings;
        let pages = self.services.limits.max_pages as f32 + 1.0;
        pages * settings.text_height().0 * settings.columns() as f32 - self.list.least_height()
    }

    /// Whether the list, with `extra` points more, can still fit in the page limit; if
    /// not, the flow stops with the page limit's error. (A lower bound of the pages: the
    /// paginator can only need more.)
    pub fn within_page_budget(&mut self, extra: f32) -> bool {
        let settings = self.settings;
        let column = settings.text_height().0;
        let columns = settings.columns() as f32;
        let height = self.list.least_height() + extra;
        let pages = (height / (column * columns)).floor();
        let allowed = self.services.limits.max_pages;
        if pages > allowed as f32 {
            self.stop(Error::Limit(Exceeded {
                limit: Limit::Pages,
                allowed: allowed as u64,
                found: pages as u64,
            }));
            return false;
        }
        true
    }
}
