//! Text on the page with a text layer that gives back exactly what the author wrote.
//!
//! A font's ToUnicode map can give each glyph one meaning only, but one glyph may stand
//! for different text in different places (a space glyph for a zero-width space, the
//! second glyph of a reordered Indic cluster, a glyph shared by two characters), and some
//! text cannot be written glyph by glyph at all (right-to-left runs are drawn in visual
//! order; a letter with hundreds of marks would overflow a ToUnicode entry). So each
//! glyph's map entry is its most frequent text ([`TextLayer`]), and wherever a glyph means
//! something else the drawing is wrapped in a marked-content span whose `/ActualText` is
//! the source text. Right-to-left runs are drawn in visual order with every glyph mapped
//! to its own text, which readers turn back into reading order. Colour emoji are drawn as
//! pictures (see [`bitmap_glyphs`]) with an invisible glyph carrying their text.

use std::collections::{BTreeMap, HashMap};

use printpdf::{
    Codepoint, DictItem, FontId, Op, PdfFontHandle, Pt, TextItem, TextMatrix, TextRenderingMode,
};

use crate::layout::{Element, Layout};
use crate::text::fonts::Drawing;
use crate::text::{FaceId, FontBook, ShapedRun};

/// A glyph's map entry holds at most this many characters; longer text (a letter with
/// hundreds of combining marks) goes into `/ActualText` instead (a ToUnicode entry is
/// limited to 512 bytes).
const MAX_MAPPED_CHARS: usize = 32;

/// What each glyph of each face means in the font's ToUnicode map.
#[derive(Debug, Default)]
pub struct TextLayer {
    canonical: HashMap<(FaceId, u16), String>,
}

impl TextLayer {
    /// Reads every glyph of the layout: a glyph's entry is the text it stands for most
    /// often (the earliest, on a tie).
    pub fn of(layout: &Layout, fonts: &FontBook) -> TextLayer {
        // (face, glyph) → text → (count, first seen)
        let mut counts: HashMap<(FaceId, u16), HashMap<&str, (usize, usize)>> = HashMap::new();
        let mut seen = 0usize;
        for page in &layout.pages {
            for element in &page.elements {
                let Element::Text { run, .. } = element else {
                    continue;
                };
                if fonts.face(run.face).drawing != Drawing::Outlines {
                    continue;
                }
                for (i, glyph) in run.glyphs.iter().enumerate() {
                    let text = run.glyph_text(i);
                    let entry = counts
                        .entry((run.face, glyph.id))
                        .or_default()
                        .entry(text)
                        .or_insert((0, seen));
                    entry.0 += 1;
                    seen += 1;
                }
            }
        }
        let canonical = counts
            .into_iter()
            .map(|(key, texts)| {
                let best = texts
                    .into_iter()
                    .filter(|(text, _)| text.chars().count() <= MAX_MAPPED_CHARS)
                    .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
                    .map_or_else(String::new, |(text, _)| text.to_string());
                (key, best)
            })
            .collect();
        TextLayer { canonical }
    }

    /// The map entry of a glyph.
    fn entry(&self, face: FaceId, glyph: u16) -> &str {
        self.canonical
            .get(&(face, glyph))
            .map_or("", String::as_str)
    }
}

/// Text as a PDF text string: UTF-16BE with a byte order mark.
pub fn utf16_text(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    bytes
}

fn begin_actual_text(ops: &mut Vec<Op>, text: &str) {
    ops.push(Op::BeginMarkedContentWithProperties {
        tag: "Span".to_string(),
        properties: DictItem::Dict {
            map: [(
                "ActualText".to_string(),
                DictItem::String {
                    data: utf16_text(text),
                    literal: false,
                },
            )]
            .into_iter()
            .collect(),
        },
    });
}

fn flush(ops: &mut Vec<Op>, pending: &mut Vec<Codepoint>) {
    if !pending.is_empty() {
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(std::mem::take(pending))],
        });
    }
}

/// Where the fonts of the document are: resource name and the glyph ids of each face's
/// subset, and the invisible glyph that carries the text of pictures.
pub struct Embedded<'a> {
    pub fonts: &'a BTreeMap<FaceId, (FontId, BTreeMap<u16, u16>)>,
    /// A face and glyph to draw invisibly under emoji pictures (the body face's space).
    pub carrier: Option<(FaceId, u16)>,
}

/// The operators that draw a page's text (inside one text section). `h` is the page's
/// height (PDF's y grows upwards).
pub fn text_ops(
    elements: &[Element],
    h: f32,
    book: &FontBook,
    embedded: &Embedded<'_>,
    layer: &TextLayer,
    ops: &mut Vec<Op>,
) {
    let mut current_font: Option<(FaceId, f32)> = None;
    let mut set_font = |ops: &mut Vec<Op>, face: FaceId, size: f32| {
        if current_font != Some((face, size)) {
            if let Some((font_id, _)) = embedded.fonts.get(&face) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id.clone()),
                    size: Pt(size),
                });
                current_font = Some((face, size));
            }
        }
    };
    // The end of an open /ActualText span over a line's overridden runs (see below).
    let mut span_end: Option<usize> = None;
    for (index, element) in elements.iter().enumerate() {
        let Element::Text { x, y, run } = element else {
            continue;
        };
        let (x, y) = (x.0, y.0);
        if book.face(run.face).drawing == Drawing::ColorBitmaps {
            // The picture is drawn elsewhere; here, its text, in an invisible glyph.
            let Some((carrier, glyph)) = embedded.carrier else {
                continue;
            };
            let Some((_, new_ids)) = embedded.fonts.get(&carrier) else {
                continue;
            };
            set_font(ops, carrier, run.size);
            ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Invisible,
            });
            begin_actual_text(ops, &run.text);
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(h - y)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint {
                    gid: new_ids.get(&glyph).copied().unwrap_or(0),
                    offset: 0.0,
                    cid: Some(layer.entry(carrier, glyph).to_string()),
                }])],
            });
            ops.push(Op::EndMarkedContentWithProperties);
            ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Fill,
            });
            continue;
        }
        let Some((_, new_ids)) = embedded.fonts.get(&run.face) else {
            continue;
        };
        set_font(ops, run.face, run.size);
        // A right-to-left run is drawn in visual order, each glyph mapped to its own
        // text: readers put runs of right-to-left letters back in reading order
        // themselves (an /ActualText over such a run would be reversed a second time).
        // Left-to-right letters forced right-to-left by an override are not put back,
        // so their run carries its text in reading order.
        // Neighbouring such runs (a word split at its hyphenation points) share one span,
        // their texts in reading order, which is the reverse of the drawing order.
        if span_end.is_none() && is_overridden(run) {
            let same_line = |e: &Element| {
                matches!(e, Element::Text { y: other, run, .. }
                    if other.0 == y && is_overridden(run)
                        && book.face(run.face).drawing == Drawing::Outlines)
            };
            let end = index
                + elements[index..]
                    .iter()
                    .take_while(|e| same_line(e))
                    .count();
            let text: String = elements[index..end]
                .iter()
                .rev()
                .filter_map(|e| match e {
                    Element::Text { run, .. } => Some(run.text.as_str()),
                    _ => None,
                })
                .collect();
            begin_actual_text(ops, &text);
            span_end = Some(end);
        }
        draw_glyphs(run, x, h - y, book, new_ids, layer, span_end.is_none(), ops);
        if span_end == Some(index + 1) {
            ops.push(Op::EndMarkedContentWithProperties);
            span_end = None;
        }
    }
}

/// Draws a run's glyphs from (`x`, `baseline`) in PDF space. Each piece starts with a
/// text matrix; inside it glyphs advance by their `/W` widths and kerning is a TJ
/// adjustment. A glyph whose text is not its map entry is wrapped in an `/ActualText`
/// span, unless `spans` is off (the caller has put the whole run in one).
#[allow(clippy::too_many_arguments)]
fn draw_glyphs(
    run: &ShapedRun,
    x: f32,
    baseline: f32,
    book: &FontBook,
    new_ids: &BTreeMap<u16, u16>,
    layer: &TextLayer,
    spans: bool,
    ops: &mut Vec<Op>,
) {
    let face = book.face(run.face);
    let to_units = 1000.0 / run.size;
    let mut pen = x;
    let mut pending: Vec<Codepoint> = Vec::new();
    let mut needs_matrix = true;
    for (i, glyph) in run.glyphs.iter().enumerate() {
        let gid = new_ids.get(&glyph.id).copied().unwrap_or(0);
        let entry = layer.entry(run.face, glyph.id);
        let text = run.glyph_text(i);
        let codepoint = |offset: f32| Codepoint {
            gid,
            offset,
            cid: Some(entry.to_string()),
        };
        let own_span = spans && text != entry;
        if own_span || glyph.x_offset != 0.0 || glyph.y_offset != 0.0 {
            // A glyph placed on its own: a positioned mark, or one whose text is not
            // its map entry (then with that text as /ActualText).
            flush(ops, &mut pending);
            if own_span {
                begin_actual_text(ops, text);
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(
                    Pt(pen + glyph.x_offset),
                    Pt(baseline + glyph.y_offset),
                ),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![codepoint(0.0)])],
            });
            if own_span {
                ops.push(Op::EndMarkedContentWithProperties);
            }
            pen += glyph.advance;
            needs_matrix = true;
            continue;
        }
        if needs_matrix {
            flush(ops, &mut pending);
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(pen), Pt(baseline)),
            });
            needs_matrix = false;
        }
        // Positive offsets move the next glyph left: the nominal width minus the shaped
        // advance is the kerning. Rounded, so unkerned glyphs get none.
        let offset = ((face.pdf_width(glyph.id) as f32 - glyph.advance * to_units) * 1000.0)
            .round()
            / 1000.0;
        pending.push(codepoint(offset));
        pen += glyph.advance;
    }
    flush(ops, &mut pending);
}

/// Whether a run is set right to left without right-to-left letters: left-to-right text
/// under a directional override, which readers would copy out backwards.
fn is_overridden(run: &ShapedRun) -> bool {
    use unicode_bidi::BidiClass::{AL, R};
    run.is_rtl()
        && !run
            .text
            .chars()
            .any(|c| matches!(unicode_bidi::bidi_class(c), R | AL))
}

/// A colour glyph's picture: PNG bytes and where it sits, in points relative to the
/// glyph's origin on the baseline (x right, y up) and its size.
pub struct BitmapGlyph {
    pub png: Vec<u8>,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The pictures of a colour-bitmap run's glyphs, each with its pen position along the
/// run (in points from its start).
pub fn bitmap_glyphs(run: &ShapedRun, book: &FontBook) -> Vec<(f32, u16, Option<BitmapGlyph>)> {
    let face = book.face(run.face);
    let mut pen = 0.0;
    let mut out = Vec::with_capacity(run.glyphs.len());
    for glyph in &run.glyphs {
        let picture = face
            .shaper
            .glyph_raster_image(rustybuzz::ttf_parser::GlyphId(glyph.id), u16::MAX)
            .filter(|image| image.format == rustybuzz::ttf_parser::RasterImageFormat::PNG)
            .map(|image| {
                let scale = run.size / image.pixels_per_em.max(1) as f32;
                BitmapGlyph {
                    png: image.data.to_vec(),
                    x: image.x as f32 * scale,
                    y: image.y as f32 * scale,
                    width: image.width as f32 * scale,
                    height: image.height as f32 * scale,
                }
            });
        out.push((pen + glyph.x_offset, glyph.id, picture));
        pen += glyph.advance;
    }
    out
}
