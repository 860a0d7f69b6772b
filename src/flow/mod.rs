//! Stage 4: blocks → a vertical list.
//!
//! Takes the document's blocks, the metadata as it is to be printed and the settings, and
//! gives [`Flowed`]: the vertical list of the article ([`VItem`]s: line boxes, discardable
//! spaces, and penalties that say where a page may break and at what cost) and the notes
//! its lines refer to, set for the foot of a page. The rules of good pagination are
//! written here as penalties (no break after a paragraph's first line or before its last:
//! no orphans or widows; none after a heading: it keeps with what follows), so the page
//! stage only has to find breaks.

mod blocks;
pub mod contents;
mod matter;
pub mod notes;
pub mod vlist;

use crate::text::shape::WordCache;
pub use vlist::{VItem, NO_BREAK};

use crate::cancel::Cancel;

use crate::context::Limits;
use crate::error::{Error, Warning};
use crate::images::ImageSource;
use crate::inline::{LineBox, ParagraphStyle, TextServices};
use crate::model::{Document, Meta};
use crate::options::QrPlace;
use crate::settings::Settings;
use crate::text::{FontBook, Highlighter, Hyphenator};

use blocks::{Flow, Frame};
use notes::Notes;

/// The vertical list of the article and the notes its lines refer to.
#[derive(Debug, Clone, Default)]
pub struct Flowed {
    /// What spans all columns at the top of the first page (the title block of a page of
    /// several columns; empty with one column, where the title block opens `items`).
    pub head: Vec<VItem>,
    pub items: Vec<VItem>,
    /// Note `i` (numbered `i + 1`) as line boxes for the foot of a page.
    pub notes: Vec<Vec<LineBox>>,
    /// Where the table of contents' page numbers go (see [`contents::number`]).
    pub contents: Vec<contents::NumberSlot>,
    /// The images asked for outside the document, in address order.
    pub external_images: Vec<crate::images::ExternalImage>,
    /// The document's structure, which the lines' elements are tagged with.
    pub structure: crate::structure::Structure,
}

/// The engine's services a flow uses.
pub struct Services<'a> {
    pub fonts: &'a FontBook,
    pub words: &'a WordCache,
    pub hyphenator: &'a Hyphenator,
    pub highlighter: &'a Highlighter,
    pub images: &'a dyn ImageSource,
    pub cancel: Cancel,
    pub limits: Limits,
}

/// How much wider or narrower than the font draws them the letters of justified text may
/// be set (with the `font_expansion` option): pdfTeX's microtype default, 2 %, which a
/// reader does not see as a change of face but which evens out the spaces and saves
/// hyphens.
pub const FONT_EXPANSION: f32 = 0.02;

/// Body text's paragraph style at `scale` times the body size (1 outside quotes, notes and
/// tables).
pub fn body_style(settings: &Settings, scale: f32) -> ParagraphStyle {
    ParagraphStyle {
        size: settings.font_size * scale,
        bold: false,
        italic: false,
        justify: settings.options.justify,
        expansion: if settings.options.font_expansion {
            FONT_EXPANSION
        } else {
            0.0
        },
        hyphenate: settings.hyphenate,
        indent: 0.0,
        monospace: false,
        balance: false,
        family: settings.faces.body,
        code: settings.faces.code,
    }
}

/// What the paragraphs of a document are set with: the engine's fonts and patterns, and
/// the document's language, direction and fallback faces.
pub fn text_services<'a>(
    fonts: &'a FontBook,
    words: &'a WordCache,
    hyphenator: &'a Hyphenator,
    settings: &'a Settings,
    cancel: &'a Cancel,
) -> TextServices<'a> {
    TextServices {
        fonts,
        words,
        hyphenator,
        lang: settings.options.lang.as_str(),
        direction: settings.direction,
        fallback: &settings.faces.fallback,
        cancel,
    }
}

/// Typesets the document's blocks into a vertical list. `printed` is the metadata as the
/// reader wants it shown (without date or address if so asked). Warnings (missing
/// characters, emergency breaks, images that could not be shown) are added to `warnings`.
pub fn flow(
    doc: &Document,
    printed: &Meta,
    settings: &Settings,
    services: Services<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Flowed, Error> {
    let notes = Notes::collect(doc, settings.options.links);
    let mut flow = Flow::new(settings, services, notes, warnings);
    let frame = Frame::full(settings.text_width(), settings.rtl());
    let mut head = Vec::new();
    // The QR code's address: the one printed (none when the reader left it out).
    let qr = settings.options.qr;
    let qr_address = printed.url.clone().filter(|_| qr != QrPlace::None);
    if qr != QrPlace::None && qr_address.is_none() {
        flow.warnings.push(Warning::QrCode {
            reason: "the article has no printed address (front matter `url`, the fetched \
                     address, or `base_url`; and `show_url`)"
                .into(),
        });
    }
    let beside_title = qr == QrPlace::Title && settings.options.title_block;
    if settings.options.title_block {
        let code = qr_address.as_deref().filter(|_| beside_title);
        flow.title_block(printed, code);
        if settings.columns() > 1 {
            head = flow.list.take().0;
        }
    }
    let contents = if settings.options.toc {
        let entries = contents::entries(&doc.blocks, settings.options.toc_depth.0);
        flow.contents(&entries, &frame)
    } else {
        Vec::new()
    };
    flow.blocks(&doc.blocks, &frame);
    if let Some(address) = qr_address.as_deref().filter(|_| !beside_title) {
        flow.qr_block(address, &frame);
    }
    flow.notes.number_nested();
    flow.end_matter(&frame);
    flow.within_page_budget(0.0);
    let notes = flow.layout_notes();
    if let Some(error) = flow.stopped.take() {
        return Err(error);
    }
    let refused = std::mem::take(&mut flow.notes.refused_links);
    if let Some(example) = refused.first() {
        flow.warnings.push(Warning::UnsafeLinks {
            count: refused.len(),
            example: example.clone(),
        });
    }
    for (script, chars) in crate::text::fonts::missing_by_script(&std::mem::take(&mut flow.missing))
    {
        flow.warnings.push(Warning::MissingGlyphs {
            package: crate::text::fonts::package_for(&script).to_string(),
            script,
            chars,
        });
    }
    let mut external_images: Vec<crate::images::ExternalImage> = flow
        .loaded
        .iter()
        .filter(|(url, _)| !url.starts_with("data:"))
        .map(|(url, result)| crate::images::ExternalImage {
            url: url.clone(),
            shown: result.is_ok(),
        })
        .collect();
    external_images.sort_by(|a, b| a.url.cmp(&b.url));
    Ok(Flowed {
        head,
        items: flow.list.items,
        notes,
        contents,
        external_images,
        structure: flow.structure,
    })
}
