//! Folio typesets markdown articles into print-ready PDFs of book quality.
//!
//! One pipeline, one module per stage, plain data between them (see
//! [`Engine::typeset`] for the sequence):
//!
//! 1. `model`: markdown and front matter → a document of blocks and inlines.
//! 2. `text`: fonts, shaping and hyphenation, the services the next stages use.
//! 3. `inline`: each paragraph → items (boxes, glue, penalties) → lines by Knuth–Plass
//!    total fit → line boxes with their glyph runs, links, anchors and note references.
//! 4. `flow`: blocks → a vertical list of line boxes, spaces and page-break penalties
//!    (widows, orphans and headings are rules written as penalties), and the notes.
//! 5. `pages`: vertical list → positioned pages ([`layout::Layout`]), with notes at
//!    their feet and the running header and footer.
//! 6. `export`: pages → PDF bytes (subset fonts, links, outline, metadata).
//!
//! [`Engine`] holds what is expensive to build (parsed fonts, hyphenation dictionaries,
//! templates) and is shared by every render; the command line and the HTTP service are
//! thin shells around [`Engine::render_with`] and the one options type, [`RenderOptions`].
//!
//! ```no_run
//! let engine = folio::Engine::new();
//! let out = engine.render("# Hello\n\nWorld.", &folio::RenderOptions::default())?;
//! std::fs::write("hello.pdf", &out.pdf)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod geom;
pub mod images;
pub mod layout;
pub mod options;
pub mod quality;
pub mod source;
#[doc(hidden)]
pub mod stages;
pub mod structure;

mod cancel;
mod context;
mod dates;
mod error;
mod export;
mod flow;
mod inline;
mod labels;
mod math;
mod model;
mod pages;
mod settings;
mod template;
mod text;

use std::sync::OnceLock;

pub use cancel::Cancel;
pub use context::{Context, Exceeded, Limit, Limits, Origin};
pub use error::{Error, Warning};
pub use images::ImageSource;
pub use model::{Meta, MetaField, MetaKey, META_KEYS};
use options::PdfStandard;
pub use options::RenderOptions;
pub use settings::{Faces, Settings};
pub use text::fonts::FontInfo;

/// What the text of a [`layout`] is made of: runs of shaped glyphs, each in one face of
/// the engine's font book.
pub mod glyphs {
    pub use crate::text::fonts::{FaceId, FaceSet};
    pub use crate::text::shape::{Glyph, ShapedRun};
}
pub use template::{Design, Template};

use layout::Layout;
use model::Document;
use text::{FontBook, Highlighter, Hyphenator};

/// How many times the pages may be broken again for the table of contents' numbers (one
/// is enough: its entries keep room for any number).
const MAX_CONTENTS_PASSES: usize = 3;

/// Where an engine looks for fonts besides the bundled ones.
#[derive(Debug, Clone, Default)]
pub struct FontSources {
    /// The system's font folders (fontconfig's, or the platform's usual ones).
    pub system: bool,
    /// Folders of fonts to use (every font file inside, recursively).
    pub dirs: Vec<std::path::PathBuf>,
}

/// A finished render.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Warning>,
    /// The article's title, if it has one (for file names).
    pub title: Option<String>,
    /// The images the article asked for outside itself, and whether each was shown: a
    /// cache of this render is only as fresh as they are.
    pub external_images: Vec<images::ExternalImage>,
    /// How well it is set, measured on its layout.
    pub quality: Box<quality::Quality>,
}

/// A typeset document before it is written as PDF: the layout-inspection API that tests
/// and tools use ([`Layout::dump`] gives a readable picture of every page).
#[derive(Debug, Clone)]
pub struct Typeset {
    pub settings: Settings,
    pub layout: Layout,
    pub warnings: Vec<Warning>,
    /// What the front matter (or a leading heading) says about the article.
    pub meta: Meta,
    /// The PDF's identifier: derived from the input and the settings, so the same input
    /// and settings give the same bytes.
    pub id: [u8; 16],
    /// The images asked for outside the document (see [`Rendered::external_images`]).
    pub external_images: Vec<images::ExternalImage>,
    info: export::PdfInfo,
    /// How long stage 1 (reading the markdown and the settings) took, in milliseconds
    /// (for the quality report; no output depends on it).
    read_ms: f32,
}

/// Stage 1's result: the document, the render's settings, and the metadata as printed.
pub(crate) struct Read {
    pub document: model::Document,
    pub settings: Settings,
    pub printed: Meta,
}

/// The CommonMark extensions Folio reads markdown with (GFM tables, task lists,
/// strikethrough, footnotes, smart punctuation, heading attributes, definition lists,
/// and math unless the `math` option is off).
pub fn markdown_extensions() -> pulldown_cmark::Options {
    model::parser_options(true)
}

/// The typesetting engine: build once, render many times, from any thread.
pub struct Engine {
    fonts: FontBook,
    /// Words shaped before, by style: an article repeats most of its words.
    words: text::shape::WordCache,
    hyphenator: Hyphenator,
    highlighter: Highlighter,
    templates: Vec<Template>,
    dates: dates::Dates,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// Reads the bundled fonts' character maps and the templates: cheap, so that a
    /// command-line render starts at once. A face's layout tables are parsed, a
    /// language's hyphenation patterns and a code language's grammar loaded, on first
    /// use, and kept. Installed fonts are looked for only when a character needs one.
    pub fn new() -> Engine {
        Engine::with_font_dirs(Vec::new())
    }

    /// The same, with folders of the user's fonts looked in beside the system's.
    pub fn with_font_dirs(font_dirs: Vec<std::path::PathBuf>) -> Engine {
        Engine::with_fonts(FontSources {
            system: true,
            dirs: font_dirs,
        })
    }

    /// The same, with the installed fonts `sources` says: tests and reproducible builds
    /// leave the system's out, so that what a machine has installed changes nothing.
    pub fn with_fonts(sources: FontSources) -> Engine {
        Engine {
            fonts: FontBook::with_sources(sources.system, sources.dirs),
            words: Default::default(),
            hyphenator: Hyphenator::new(),
            highlighter: Highlighter::new(),
            templates: Template::built_in(),
            dates: dates::Dates::built_in(),
        }
    }

    /// Every font face the engine can use: family, style, and where it comes from
    /// (`bundled`, or an installed font's path).
    pub fn fonts(&self) -> Vec<FontInfo> {
        self.fonts.list()
    }

    /// The files in the engine's font folders that are not fonts it can read, with why
    /// (`is a font collection whose header claims 4294967295 faces`).
    pub fn unreadable_fonts(&self) -> Vec<(std::path::PathBuf, String)> {
        self.fonts.unreadable().to_vec()
    }

    /// The built-in templates (and any added with [`Engine::add_template`]).
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// Makes a template available by its name (replacing one of the same name), for
    /// designs read from a user's file.
    pub fn add_template(&mut self, template: Template) {
        self.templates
            .retain(|t| !t.name.eq_ignore_ascii_case(&template.name));
        self.templates.push(template);
    }

    /// Renders markdown to PDF with the default [`Context`]: images from `data:` URIs
    /// only, no deadline, the default limits. `options` win over the document's front
    /// matter, which wins over the template's defaults.
    pub fn render(&self, markdown: &str, options: &RenderOptions) -> Result<Rendered, Error> {
        self.render_with(markdown, options, &Context::default())
    }

    /// Renders markdown to PDF in `context`: where images come from, when to stop, and
    /// the operator's limits.
    pub fn render_with(
        &self,
        markdown: &str,
        options: &RenderOptions,
        context: &Context<'_>,
    ) -> Result<Rendered, Error> {
        let started = std::time::Instant::now();
        let typeset = self.typeset(markdown, options, context)?;
        let typeset_ms = started.elapsed().as_secs_f32() * 1000.0;
        let pages = typeset.layout.pages.len();
        let external_images = typeset.external_images;
        let standard = quality::Standard {
            made_to: typeset.info.standard.to_string(),
            claimed: typeset.info.claimed,
        };
        let measured = std::time::Instant::now();
        let mut quality =
            quality::measure(&typeset.layout, &self.fonts, &typeset.warnings, standard);
        let report_ms = measured.elapsed().as_secs_f32() * 1000.0;
        let written = std::time::Instant::now();
        let pdf = export::write_pdf(typeset.layout, &self.fonts, &typeset.info, &context.cancel)?;
        let ms = |ms: f32| (f64::from(ms) * 10.0).round() / 10.0;
        quality.timings_ms = quality::Timings {
            read: ms(typeset.read_ms),
            typeset: ms(typeset_ms - typeset.read_ms),
            report: (f64::from(report_ms) * 100.0).round() / 100.0,
            pdf: ms(written.elapsed().as_secs_f32() * 1000.0),
        };
        Ok(Rendered {
            pdf,
            pages,
            warnings: typeset.warnings,
            title: typeset.meta.title,
            external_images,
            quality: Box::new(quality),
        })
    }

    /// Stage 1 whole: the article read (relative addresses resolved), its settings
    /// layered (template < front matter < caller), and its metadata as printed (an ISO
    /// date the way the article's language writes dates).
    pub(crate) fn read(
        &self,
        markdown: &str,
        options: &RenderOptions,
        context: &Context<'_>,
        warnings: &mut Vec<Warning>,
    ) -> Result<Read, Error> {
        let base_url = options.base_url.as_ref().map(|b| b.0.as_str());
        let mut document = model::parse(
            markdown,
            &context.origin,
            base_url,
            options.math,
            &context.limits,
            &context.cancel,
        )?;
        warnings.append(&mut document.warnings);
        let settings = self.settings(&document, options, warnings)?;
        let mut printed = document
            .meta
            .printed(settings.options.show_date, settings.options.show_url);
        let lang = settings.options.lang.as_str();
        printed.date = printed
            .date
            .map(|date| self.dates.format(lang, &date).unwrap_or(date));
        Ok(Read {
            document,
            settings,
            printed,
        })
    }

    /// What the flow stage works with, in `context`.
    pub(crate) fn services<'a>(&'a self, context: &Context<'a>) -> flow::Services<'a> {
        flow::Services {
            fonts: &self.fonts,
            words: &self.words,
            hyphenator: &self.hyphenator,
            highlighter: &self.highlighter,
            images: context.images,
            cancel: context.cancel.clone(),
            limits: context.limits,
        }
    }

    /// Runs every stage but the PDF writer, in order.
    pub fn typeset(
        &self,
        markdown: &str,
        options: &RenderOptions,
        context: &Context<'_>,
    ) -> Result<Typeset, Error> {
        let limits = &context.limits;
        if markdown.len() > limits.max_input_bytes {
            return Err(Error::Limit(Exceeded {
                limit: Limit::InputBytes,
                allowed: limits.max_input_bytes as u64,
                found: markdown.len() as u64,
            }));
        }
        let mut warnings = Vec::new();
        // 1. Markdown → document; options layered: template < front matter < caller.
        let started = std::time::Instant::now();
        let Read {
            document,
            settings,
            printed,
        } = self.read(markdown, options, context, &mut warnings)?;
        let read_ms = started.elapsed().as_secs_f32() * 1000.0;
        // 2–4. Blocks → vertical list (paragraphs set into lines on the way).
        let services = self.services(context);
        let mut flowed = flow::flow(&document, &printed, &settings, services, &mut warnings)?;
        // 5. Vertical list → pages.
        // Without a table of contents the pages are made once: they take the lines'
        // glyphs instead of copying them.
        let once = flowed.contents.is_empty();
        let paginate = |flowed: &mut flow::Flowed, warnings: &mut Vec<Warning>| {
            pages::paginate(
                flowed,
                once,
                &settings,
                &printed,
                &self.fonts,
                limits,
                &context.cancel,
                warnings,
            )
        };
        let mut layout = paginate(&mut flowed, &mut warnings)?;
        // The table of contents learns its page numbers from the pages. The entries kept
        // room for them, so the pages break the same way again; the numbers are checked
        // against the new pages all the same.
        let mut numbered = Vec::new();
        for _ in 0..MAX_CONTENTS_PASSES {
            if flowed.contents.is_empty() {
                break;
            }
            let numbers =
                flow::contents::number(&mut flowed, &layout.anchors, &self.fonts, &settings);
            if numbers == numbered {
                break;
            }
            layout = paginate(&mut flowed, &mut Vec::new())?;
            numbered = numbers;
        }
        let id = document_id(markdown, &settings);
        let mut info = pdf_info(&document, &settings, id);
        let refusal = refusal(info.standard, markdown, &warnings);
        info.claimed = info.standard.tagged() && refusal.is_none();
        warnings.extend(refusal);
        dedup_warnings(&mut warnings);
        let external_images = std::mem::take(&mut flowed.external_images);
        Ok(Typeset {
            external_images,
            info,
            meta: document.meta,
            id,
            settings,
            layout,
            warnings,
            read_ms,
        })
    }

    /// The settings of a render: the caller's options over the front matter's, over the
    /// template's, over the defaults.
    pub(crate) fn settings(
        &self,
        document: &Document,
        options: &RenderOptions,
        warnings: &mut Vec<Warning>,
    ) -> Result<Settings, Error> {
        let caller = options;
        let options = document.options.clone().overlay(options);
        // A value the front matter set and the render refuses is placed in the file.
        let placed = |error: Error| match error {
            Error::InvalidOption { option, message } if !caller.sets(&option) => {
                match document.front_places.get(&option) {
                    Some(_) => Error::FrontMatter(document.front_places.error(
                        &option,
                        true,
                        format!("option `{option}`: {message}"),
                        source::SourcePos::line_start(1),
                    )),
                    None => Error::InvalidOption { option, message },
                }
            }
            other => other,
        };
        let template = self.template(options.template.as_deref()).map_err(placed)?;
        let mut settings = Settings::resolve(&options, template, |lang| {
            self.hyphenator.supports(lang) && !text::hyphenate::is_unhyphenated(lang)
        })
        .map_err(placed)?;
        settings.faces = self.faces(&template.design.fonts, warnings);
        if settings.options.hyphenate
            && !settings.hyphenate
            && !text::hyphenate::is_unhyphenated(&settings.options.lang.to_string())
        {
            warnings.push(Warning::NoHyphenationPatterns {
                lang: settings.options.lang.to_string(),
            });
        }
        Ok(settings)
    }

    /// The faces a design names, found among the bundled and installed fonts; a family
    /// that is not there keeps the bundled face, with a warning.
    fn faces(&self, choice: &template::FontChoice, warnings: &mut Vec<Warning>) -> settings::Faces {
        let mut family = |name: &Option<String>| {
            let name = name.as_ref()?;
            let found = self.fonts.family(name);
            if found.is_none() {
                warnings.push(Warning::UnknownFontFamily {
                    family: name.clone(),
                });
            }
            found
        };
        let defaults = settings::Faces::default();
        let body = family(&choice.body).unwrap_or(defaults.body);
        let heading = family(&choice.heading).unwrap_or(body);
        let code = family(&choice.code).unwrap_or(defaults.code);
        let fallback = choice
            .fallback
            .iter()
            .filter_map(|name| family(&Some(name.clone())))
            .map(|set| set.regular)
            .collect();
        settings::Faces {
            body,
            heading,
            code,
            fallback,
        }
    }

    fn template(&self, name: Option<&str>) -> Result<&Template, Error> {
        let name = name.unwrap_or("article");
        self.templates
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<&str> = self.templates.iter().map(|t| t.name.as_str()).collect();
                Error::InvalidOption {
                    option: "template".to_string(),
                    message: format!(
                        "no template named `{name}`; available: {}",
                        names.join(", ")
                    ),
                }
            })
    }
}

/// What the PDF says about itself.
fn pdf_info(document: &Document, settings: &Settings, id: [u8; 16]) -> export::PdfInfo {
    let meta = &document.meta;
    export::PdfInfo {
        // A tagged file needs a title (PDF/UA-1, 7.1): an article with no text to
        // name it by is "Untitled", as a reader's window would call it.
        title: meta
            .title
            .clone()
            .or_else(|| document_words(&document.blocks))
            .or_else(|| Some("Untitled".to_string())),
        author: meta.author.clone(),
        subject: meta.subtitle.clone(),
        keywords: meta.keywords.clone(),
        lang: settings.options.lang.to_string(),
        date: meta.date.clone(),
        id,
        standard: settings.options.pdf_standard,
        claimed: false,
    }
}

/// What keeps the file from claiming the standards it is made to, given what the render
/// met, with the place in `markdown` where it first happens; none if nothing does. A
/// glyph no font has is drawn as the font's `.notdef` box, which PDF/A forbids and which
/// means nothing to a screen reader.
fn refusal(standard: PdfStandard, markdown: &str, warnings: &[Warning]) -> Option<Warning> {
    if standard == PdfStandard::None {
        return None;
    }
    let mut scripts = Vec::new();
    // The first of the characters in the source: its byte offset.
    let mut first: Option<(usize, char)> = None;
    for warning in warnings {
        let Warning::MissingGlyphs { script, chars, .. } = warning else {
            continue;
        };
        let shown: String = chars.chars().take(5).collect();
        scripts.push(format!("{script} ({shown})"));
        for c in chars.chars() {
            let at = markdown.find(c);
            if let Some(at) = at.filter(|&at| first.is_none_or(|(f, _)| at < f)) {
                first = Some((at, c));
            }
        }
    }
    if scripts.is_empty() {
        return None;
    }
    Some(Warning::StandardNotClaimed {
        standard: standard.to_string(),
        reason: format!(
            "no font has some characters of {}, which print as empty boxes",
            scripts.join(", ")
        ),
        at: first.map(|(at, c)| source::SourcePos::of_span(markdown, at, at + c.len_utf8(), 1)),
    })
}

/// What names an untitled document in its metadata (a reader's window title, PDF/UA's
/// `dc:title`): its first heading, else the first words of its first paragraph.
fn document_words(blocks: &[model::Block]) -> Option<String> {
    /// Words of the first paragraph that make a title.
    const TITLE_WORDS: usize = 8;
    let heading = blocks.iter().find_map(|block| match block {
        model::Block::Heading { content, .. } => Some(model::Inline::plain_text(content)),
        _ => None,
    });
    let text = heading.or_else(|| {
        blocks.iter().find_map(|block| match block {
            model::Block::Paragraph(inlines) => Some(model::Inline::plain_text(inlines)),
            _ => None,
        })
    })?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut title = words[..words.len().min(TITLE_WORDS)].join(" ");
    if words.len() > TITLE_WORDS {
        title.push('\u{2026}');
    }
    (!title.is_empty()).then_some(title)
}

fn dedup_warnings(warnings: &mut Vec<Warning>) {
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
}

/// A stable identifier for the PDF: a SHA-256 of Folio's version, the input and the
/// settings in canonical form ([`Settings::canonical`]), so the same input and settings
/// give the same bytes in every build and on every instance.
fn document_id(markdown: &str, settings: &Settings) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update([0]);
    hasher.update((markdown.len() as u64).to_be_bytes());
    hasher.update(markdown.as_bytes());
    let mut canonical = settings.canonical();
    // Formulas are read by default: an article keeps the identifier it had before the
    // `math` option existed (the same bytes, if it has no formula); turned off, it counts.
    if let Some(options) = canonical.get_mut("options").and_then(|o| o.as_object_mut()) {
        if options.get("math") == Some(&serde_json::Value::Bool(true)) {
            options.remove("math");
        }
    }
    hasher.update(canonical.to_string().as_bytes());
    let digest = hasher.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// Reads an article's front matter alone, with the reader and limits a render uses: what
/// it says about the article, and the options it sets. An article without front matter
/// gives the defaults.
pub fn front_matter(markdown: &str, limits: &Limits) -> Result<(Meta, RenderOptions), Error> {
    let markdown = model::without_nul(markdown);
    let (front, _) = model::split_front_matter(&markdown, limits)?;
    Ok((front.meta, front.options))
}

/// Renders with a default engine built on first use and shared afterwards.
pub fn render(markdown: &str, options: &RenderOptions) -> Result<Rendered, Error> {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new).render(markdown, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }
}
