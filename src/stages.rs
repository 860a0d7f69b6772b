//! The pipeline's stages one at a time, for the benchmarks (`benches/stages.rs`): each
//! function runs one stage (or one service of a stage: shaping, hyphenation, line
//! breaking) on what the stage before gave, so that a change is measured where it lands.
//! Not a stable API: hidden from the documentation.

use crate::cancel::Cancel;

use crate::context::{Context, Limits};
use crate::error::Error;
use crate::flow::{self, Flowed};
use crate::inline::{self, ParagraphStyle};
use crate::layout::Layout;
use crate::model::{Block, Document, Inline, Meta};
use crate::settings::Settings;
use crate::text::{shape, ShapeOptions};
use crate::{Engine, RenderOptions, Typeset};

/// A parsed article with its settings.
pub struct Parsed {
    document: Document,
    settings: Settings,
    printed: Meta,
}

/// Stage 1: markdown and front matter → the document, and the render's settings.
pub fn parse(engine: &Engine, markdown: &str, options: &RenderOptions) -> Result<Parsed, Error> {
    let read = engine.read(markdown, options, &Context::default(), &mut Vec::new())?;
    Ok(Parsed {
        document: read.document,
        settings: read.settings,
        printed: read.printed,
    })
}

/// The words of the article's paragraphs, in order (repeats kept).
pub fn words(parsed: &Parsed) -> Vec<String> {
    paragraphs(&parsed.document.blocks)
        .flat_map(|inlines| {
            Inline::plain_text(inlines)
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The top-level paragraphs' inlines.
fn paragraphs(blocks: &[Block]) -> impl Iterator<Item = &[Inline]> {
    blocks.iter().filter_map(|block| match block {
        Block::Paragraph(inlines) => Some(inlines.as_slice()),
        _ => None,
    })
}

/// Shaping: every word in the body face at the body size, as the line breaker's
/// preparation shapes them (through the engine's word cache). Returns the glyphs made.
pub fn shape_words(engine: &Engine, parsed: &Parsed, words: &[String]) -> usize {
    let settings = &parsed.settings;
    let options = ShapeOptions {
        lang: settings.options.lang.as_str(),
        ..ShapeOptions::default()
    };
    let mut missing = Default::default();
    words
        .iter()
        .map(|word| {
            shape::shape_words(
                &engine.fonts,
                &engine.words,
                settings.faces.body.regular,
                settings.font_size,
                word,
                &options,
                &mut missing,
            )
            .iter()
            .map(|run| run.glyphs.len())
            .sum::<usize>()
        })
        .sum()
}

/// Hyphenation: every word by the language's patterns. Returns the points found.
pub fn hyphenate_words(engine: &Engine, parsed: &Parsed, words: &[String]) -> usize {
    let lang = parsed.settings.options.lang.as_str();
    words
        .iter()
        .map(|word| engine.hyphenator.breaks(lang, word).len())
        .sum()
}

/// The article's paragraphs as items for the line breaker (shaped and hyphenated).
pub struct Prepared {
    paragraphs: Vec<inline::prepare::Prepared>,
    style: ParagraphStyle,
    width: f32,
}

/// The inline stage's first half: each top-level paragraph shaped and hyphenated into
/// boxes, glue and penalties, at the text width.
pub fn prepare(engine: &Engine, parsed: &Parsed) -> Prepared {
    let settings = &parsed.settings;
    let cancel = Cancel::never();
    let services = flow::text_services(
        &engine.fonts,
        &engine.words,
        &engine.hyphenator,
        settings,
        &cancel,
    );
    let style = flow::body_style(settings, 1.0);
    let width = settings.text_width().0;
    let paragraphs = paragraphs(&parsed.document.blocks)
        .map(|inlines| inline::prepare::prepare(inlines, &style, &services, width))
        .collect();
    Prepared {
        paragraphs,
        style,
        width,
    }
}

/// Line breaking: the total-fit passes on every prepared paragraph. Returns the lines.
pub fn break_lines(prepared: &Prepared) -> usize {
    let cancel = Cancel::never();
    prepared
        .paragraphs
        .iter()
        .map(|paragraph| {
            inline::choose_breaks(paragraph, &prepared.style, prepared.width, &cancel)
                .0
                .len()
        })
        .sum()
}

/// Stages 2–4: the document's blocks → the vertical list (every paragraph shaped,
/// hyphenated and broken into lines on the way).
pub fn flow(engine: &Engine, parsed: &Parsed) -> Result<Flowed, Error> {
    let context = Context::default();
    let services = engine.services(&context);
    flow::flow(
        &parsed.document,
        &parsed.printed,
        &parsed.settings,
        services,
        &mut Vec::new(),
    )
}

/// Stage 5: the vertical list → pages (copying the lines, so `flowed` can be paginated
/// again, as the benchmark does).
pub fn paginate(engine: &Engine, parsed: &Parsed, flowed: &mut Flowed) -> Result<Layout, Error> {
    crate::pages::paginate(
        flowed,
        false,
        &parsed.settings,
        &parsed.printed,
        &engine.fonts,
        &Limits::default(),
        &Cancel::never(),
        &mut Vec::new(),
    )
}

/// Stage 6: pages → PDF bytes (subset fonts, compression, links, outline, metadata).
/// The writer takes the layout (it frees each page once written); the benchmark hands it
/// a copy made outside the timed part.
pub fn write(engine: &Engine, typeset: &Typeset, layout: Layout) -> Result<Vec<u8>, Error> {
    crate::export::write_pdf(layout, &engine.fonts, &typeset.info, &Cancel::never())
}
