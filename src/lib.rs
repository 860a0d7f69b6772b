//! Folio typesets markdown articles into print-ready PDFs of book quality.
//!
//! One pipeline, one module per stage, plain data between them:
//!
//! 1. [`model`]: markdown (and front matter) → [`model::Document`] of blocks and inlines.
//! 2. [`text`]: fonts, shaping and hyphenation, the services the next stages use.
//! 3. [`inline`]: each paragraph → items (boxes, glue, penalties) → lines, by
//!    Knuth–Plass total fit.
//! 4. [`flow`]: blocks → a vertical list of line boxes, spaces and page-break penalties
//!    (widows, orphans and headings are rules written as penalties).
//! 5. [`pages`]: vertical list → positioned [`frame::Page`]s, with running header and
//!    footer.
//! 6. [`export`]: pages → PDF bytes (subset fonts, links, outline, metadata).
//!
//! [`Engine`] holds what is expensive to build (parsed fonts, hyphenation dictionaries,
//! templates) and is shared by every render; the CLI and the HTTP service are thin shells
//! around [`Engine::render`] and the one options type, [`RenderOptions`].
//!
//! ```no_run
//! let engine = folio::Engine::new();
//! let out = engine.render("# Hello\n\nWorld.", &folio::RenderOptions::default())?;
//! std::fs::write("hello.pdf", &out.pdf)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod error;
pub mod export;
pub mod flow;
pub mod frame;
pub mod images;
pub mod inline;
pub mod model;
pub mod options;
pub mod pages;
pub mod server;
pub mod template;
pub mod text;

use std::collections::BTreeSet;
use std::sync::OnceLock;

pub use error::{Error, Warning};
pub use options::{RenderOptions, Settings};
pub use template::Template;

use frame::Layout;
use text::{FontBook, Hyphenator};

/// Largest markdown input accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;
/// Largest number of pages a render may produce.
pub const MAX_PAGES: usize = 2_000;

/// A finished render.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Warning>,
    /// The article's title, if it has one (for file names).
    pub title: Option<String>,
}

/// A typeset document before it is written as PDF (for tests and tools).
#[derive(Debug, Clone)]
pub struct Typeset {
    pub document: model::Document,
    /// The options as layered (caller over front matter), before the template fills in.
    pub options: RenderOptions,
    pub settings: Settings,
    pub layout: Layout,
    pub warnings: Vec<Warning>,
}

/// The typesetting engine: build once, render many times, from any thread.
pub struct Engine {
    fonts: FontBook,
    hyphenator: Hyphenator,
    templates: Vec<Template>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// Parses the bundled fonts and templates and loads the default hyphenation
    /// dictionary (other languages load on first use and are kept).
    pub fn new() -> Engine {
        Engine {
            fonts: FontBook::bundled(),
            hyphenator: Hyphenator::new(),
            templates: Template::built_in(),
        }
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

    /// Renders markdown to PDF. `options` win over the document's front matter, which
    /// wins over the template's defaults. Images are read from `data:` URIs only; see
    /// [`Engine::render_with_images`] to let them come from elsewhere.
    pub fn render(&self, markdown: &str, options: &RenderOptions) -> Result<Rendered, Error> {
        self.render_with_images(markdown, options, &images::DataUrisOnly)
    }

    /// Renders markdown to PDF, reading images through `images` (the CLI passes the
    /// article's folder, the service its allowed origins).
    pub fn render_with_images(
        &self,
        markdown: &str,
        options: &RenderOptions,
        images: &dyn images::ImageSource,
    ) -> Result<Rendered, Error> {
        self.render_until(markdown, options, images, None)
    }

    /// Renders, giving up with [`Error::Limit`] once `deadline` has passed (the service
    /// stops work nobody waits for any more).
    pub fn render_until(
        &self,
        markdown: &str,
        options: &RenderOptions,
        images: &dyn images::ImageSource,
        deadline: Option<std::time::Instant>,
    ) -> Result<Rendered, Error> {
        let typeset = self.typeset_until(markdown, options, images, deadline)?;
        let meta = &typeset.document.meta;
        let info = export::PdfInfo {
            title: meta.title.clone(),
            author: meta.author.clone(),
            subject: meta.subtitle.clone(),
            keywords: meta.keywords.clone(),
            lang: typeset.settings.lang.to_string(),
            date: meta.date.clone(),
            id: document_id(markdown, &typeset.options, &typeset.settings),
        };
        let pdf = export::write_pdf(&typeset.layout, &self.fonts, &info)?;
        Ok(Rendered {
            pdf,
            pages: typeset.layout.pages.len(),
            warnings: typeset.warnings,
            title: typeset.document.meta.title,
        })
    }

    /// Runs every stage but the PDF writer (images from `data:` URIs only).
    pub fn typeset(&self, markdown: &str, options: &RenderOptions) -> Result<Typeset, Error> {
        self.typeset_with_images(markdown, options, &images::DataUrisOnly)
    }

    /// Runs every stage but the PDF writer.
    pub fn typeset_with_images(
        &self,
        markdown: &str,
        options: &RenderOptions,
        images: &dyn images::ImageSource,
    ) -> Result<Typeset, Error> {
        self.typeset_until(markdown, options, images, None)
    }

    fn typeset_until(
        &self,
        markdown: &str,
        options: &RenderOptions,
        images: &dyn images::ImageSource,
        deadline: Option<std::time::Instant>,
    ) -> Result<Typeset, Error> {
        if markdown.len() > MAX_INPUT_BYTES {
            return Err(Error::Limit(format!(
                "the article is {} bytes; the limit is {} bytes",
                markdown.len(),
                MAX_INPUT_BYTES
            )));
        }
        let document = model::parse(markdown)?;
        let options = document.options.clone().overlay(options);
        let template = self.template(options.template.as_deref())?;
        let settings =
            Settings::resolve(&options, template, |lang| self.hyphenator.supports(lang))?;

        let mut warnings = Vec::new();
        if options.hyphenate != Some(false) && !self.hyphenator.supports(settings.lang.as_str()) {
            warnings.push(Warning::NoHyphenationPatterns {
                lang: settings.lang.to_string(),
            });
        }
        // What the reader asked not to see is left out of the printed metadata.
        let mut printed = document.meta.clone();
        if !settings.show_date {
            printed.date = None;
        }
        if !settings.show_url {
            printed.url = None;
        }
        let mut missing = BTreeSet::new();
        let flowed = flow::flow_document(
            &document,
            &printed,
            &settings,
            flow::Services {
                fonts: &self.fonts,
                hyphenator: &self.hyphenator,
                images,
                deadline,
            },
            &mut warnings,
            &mut missing,
        );

        if flowed.timed_out {
            return Err(Error::Limit(
                "the render took longer than its deadline".to_string(),
            ));
        }
        let geometry = pages::Geometry {
            page_width: settings.page.width,
            page_height: settings.page.height,
            left: settings.margins.left,
            top: settings.margins.top,
            text_width: settings.area_width(),
            text_height: settings.text_height(),
            columns: settings.template.columns.max(1) as usize,
            column_width: settings.text_width(),
            column_gap: settings.column_gap(),
        };
        let line_unit = settings.font_size * settings.template.line_height;
        let plans = pages::break_pages(
            &flowed.items,
            &flowed.notes,
            geometry.text_height,
            line_unit,
            &mut warnings,
        );
        if plans.len() > MAX_PAGES {
            return Err(Error::Limit(format!(
                "the article needs {} pages; the limit is {MAX_PAGES}",
                plans.len()
            )));
        }
        let (mut page_list, anchors) =
            pages::place(&flowed.items, &flowed.notes, &plans, &geometry, line_unit);
        if page_list.is_empty() {
            // An empty article still gives a (blank) page with its footer.
            page_list.push(frame::Page {
                width: geometry.page_width,
                height: geometry.page_height,
                elements: Vec::new(),
            });
        }
        if settings.ink_saver {
            for page in &mut page_list {
                for element in &mut page.elements {
                    if let frame::Element::Rule { gray, .. } = element {
                        *gray = 0.0;
                    }
                }
            }
        }
        pages::furniture::decorate(
            &mut page_list,
            &settings.template,
            &printed,
            &self.fonts,
            &geometry,
            settings.font_size,
        );
        if !missing.is_empty() {
            warnings.push(Warning::MissingGlyphs {
                chars: missing.into_iter().collect(),
            });
        }
        dedup_warnings(&mut warnings);
        Ok(Typeset {
            document,
            options,
            settings,
            layout: Layout {
                pages: page_list,
                anchors,
            },
            warnings,
        })
    }

    fn template(&self, name: Option<&str>) -> Result<Template, Error> {
        let name = name.unwrap_or("article");
        self.templates
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = self.templates.iter().map(|t| t.name.as_str()).collect();
                Error::option(
                    "template",
                    format!(
                        "no template named `{name}`; available: {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

fn dedup_warnings(warnings: &mut Vec<Warning>) {
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
}

/// A stable identifier for the PDF: a SHA-256 of Folio's version, the input and the
/// resolved options in canonical form ([`canonical_settings`]), so the same input and
/// settings give the same bytes in every build and on every instance.
fn document_id(markdown: &str, options: &RenderOptions, settings: &Settings) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update([0]);
    hasher.update((markdown.len() as u64).to_be_bytes());
    hasher.update(markdown.as_bytes());
    hasher.update(canonical_settings(options, settings).to_string().as_bytes());
    let digest = hasher.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

/// The settings of a render in a canonical form that does not depend on how the code
/// stores them: every option by name with its resolved value (in declaration order),
/// then the template's design values by their template keys.
fn canonical_settings(options: &RenderOptions, settings: &Settings) -> serde_json::Value {
    let t = &settings.template;
    let font_size = options.font_size.unwrap_or(t.font_size);
    serde_json::json!({
        "options": {
            "page_size": settings.page.to_string(),
            "margins": settings.margins.to_string(),
            "font_size": font_size.to_string(),
            "lang": settings.lang.to_string(),
            "template": t.name,
            "hyphenate": options.hyphenate.unwrap_or(t.hyphenate),
            "justify": settings.justify,
            "links": settings.links.to_string(),
            "images": settings.images.to_string(),
            "text_scale": options.text_scale.unwrap_or(options::TextScale(100.0)).to_string(),
            "ink_saver": settings.ink_saver,
            "title_block": settings.title_block,
            "show_date": settings.show_date,
            "show_url": settings.show_url,
        },
        "design": {
            "line_height": t.line_height,
            "paragraph_indent": t.paragraph_indent,
            "paragraph_spacing": t.paragraph_spacing,
            "block_spacing": t.block_spacing,
            "heading_sizes": t.heading_sizes,
            "quote_indent": t.quote_indent,
            "header": t.header,
            "footer_left": t.footer_left,
            "footer_right": t.footer_right,
            "columns": t.columns,
            "column_gap": t.column_gap,
        },
    })
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
