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

use std::borrow::Cow;
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

/// A glyph stands for at most this many different texts through copies of itself; more
/// (which only a pathological document has) go into `/ActualText` spans.
const MAX_GLYPH_COPIES: usize = 64;

/// What each glyph of each face means in the font's ToUnicode map. A glyph that stands
/// for different text in different places (a space glyph for a zero-width space, the
/// first glyph of a reordered Indic cluster, an Arabic letter carrying its marks) gets a
/// copy of itself in the subset for each further text, each copy with its own entry,
/// where the face's outlines can be copied (TrueType); elsewhere the drawing of the
/// other texts is wrapped in `/ActualText` spans.
#[derive(Debug, Default)]
pub struct TextLayer {
    /// The texts of each glyph: the first is its own entry, the others its copies'.
    texts: HashMap<(FaceId, u16), Vec<String>>,
}

/// The texts one glyph stands for: how often, and when first seen.
type Uses<'a> = HashMap<Cow<'a, str>, (usize, usize)>;

impl TextLayer {
    /// Reads every glyph of the layout: a glyph's own entry is the text it stands for
    /// most often (the earliest, on a tie); other texts follow in order of first use.
    pub fn of(layout: &Layout, fonts: &FontBook) -> TextLayer {
        let mut counts: HashMap<(FaceId, u16), Uses<'_>> = HashMap::new();
        let mut seen = 0usize;
        for page in &layout.pages {
            for element in &page.elements {
                let Element::Text { run, .. } = element else {
                    continue;
                };
                if fonts.face(run.face).drawing != Drawing::Outlines {
                    // A picture's text is carried by an invisible glyph.
                    let entry = counts
                        .entry(carrier_glyph(fonts))
                        .or_default()
                        .entry(Cow::Borrowed(run.text.as_str()))
                        .or_insert((0, seen));
                    entry.0 += 1;
                    seen += 1;
                    continue;
                }
                for (glyph, text) in run.glyphs.iter().zip(glyph_texts(run)) {
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
        let texts = counts
            .into_iter()
            .map(|((face, glyph), texts)| {
                let mut texts: Vec<(Cow<'_, str>, (usize, usize))> = texts
                    .into_iter()
                    .filter(|(text, _)| text.chars().count() <= MAX_MAPPED_CHARS)
                    .collect();
                texts.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
                if let Some(rest) = texts.get_mut(1..) {
                    rest.sort_by_key(|(_, (_, first))| *first);
                }
                let copies = if fonts.face(face).copyable_outlines() {
                    MAX_GLYPH_COPIES
                } else {
                    0
                };
                let texts = texts
                    .into_iter()
                    .take(1 + copies)
                    .map(|(text, _)| text.into_owned())
                    .collect();
                ((face, glyph), texts)
            })
            .collect();
        TextLayer { texts }
    }

    /// The map entry of a glyph.
    fn entry(&self, face: FaceId, glyph: u16) -> &str {
        self.texts
            .get(&(face, glyph))
            .and_then(|texts| texts.first())
            .map_or("", String::as_str)
    }

    /// Which of a glyph's texts `text` is (0: its own entry; n: its n-th copy's).
    fn variant(&self, face: FaceId, glyph: u16, text: &str) -> Option<usize> {
        self.texts
            .get(&(face, glyph))?
            .iter()
            .position(|t| t == text)
    }

    /// The glyphs of `face` to copy in its subset, one per further text, in a fixed
    /// order: (glyph, variant).
    pub fn copies(&self, face: FaceId) -> Vec<(u16, usize)> {
        let mut copies: Vec<(u16, usize)> = self
            .texts
            .iter()
            .filter(|((f, _), _)| *f == face)
            .flat_map(|((_, glyph), texts)| (1..texts.len()).map(move |n| (*glyph, n)))
            .collect();
        copies.sort_unstable();
        copies
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

/// A face as embedded: its resource name, where each of its glyphs went in the subset,
/// and where the copies of glyphs went, by (glyph, variant) (see [`TextLayer`]).
pub struct EmbeddedFace {
    pub id: FontId,
    pub new_ids: BTreeMap<u16, u16>,
    pub copies: HashMap<(u16, usize), u16>,
}

/// Where the fonts of the document are, and the invisible glyph that carries the text
/// of pictures.
pub struct Embedded<'a> {
    pub fonts: &'a BTreeMap<FaceId, EmbeddedFace>,
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
            if let Some(embedded_face) = embedded.fonts.get(&face) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(embedded_face.id.clone()),
                    size: Pt(size),
                });
                current_font = Some((face, size));
            }
        }
    };
    // The ink text is printed in (a page's content starts in black).
    let mut current_color = crate::geom::Rgb::BLACK;
    let mut set_color = |ops: &mut Vec<Op>, color: crate::geom::Rgb| {
        if current_color != color {
            let [r, g, b] = color.0.map(|c| f32::from(c) / 255.0);
            ops.push(Op::SetFillColor {
                col: printpdf::Color::Rgb(printpdf::Rgb {
                    r,
                    g,
                    b,
                    icc_profile: None,
                }),
            });
            current_color = color;
        }
    };
    // The end of an open /ActualText span over a line's overridden runs (see below).
    let mut span_end: Option<usize> = None;
    for (index, element) in elements.iter().enumerate() {
        let Element::Text { x, y, run, color } = element else {
            continue;
        };
        let (x, y) = (x.0, y.0);
        if book.face(run.face).drawing == Drawing::ColorBitmaps {
            // The picture is drawn elsewhere; here, its text, in an invisible glyph.
            let Some((carrier, glyph)) = embedded.carrier else {
                continue;
            };
            let Some(carrier_face) = embedded.fonts.get(&carrier) else {
                continue;
            };
            set_font(ops, carrier, run.size);
            ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Invisible,
            });
            let (gid, mapped) = mapped_glyph(layer, carrier_face, carrier, glyph, &run.text);
            let span = mapped != run.text;
            if span {
                begin_actual_text(ops, &run.text);
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(h - y)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint {
                    gid,
                    offset: 0.0,
                    cid: Some(mapped.to_string()),
                }])],
            });
            if span {
                ops.push(Op::EndMarkedContentWithProperties);
            }
            ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Fill,
            });
            continue;
        }
        let Some(embedded_face) = embedded.fonts.get(&run.face) else {
            continue;
        };
        set_font(ops, run.face, run.size);
        set_color(ops, *color);
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
        draw_glyphs(
            run,
            x,
            h - y,
            book,
            embedded_face,
            layer,
            span_end.is_none(),
            ops,
        );
        if span_end == Some(index + 1) {
            ops.push(Op::EndMarkedContentWithProperties);
            span_end = None;
        }
    }
    set_color(ops, crate::geom::Rgb::BLACK);
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
    embedded: &EmbeddedFace,
    layer: &TextLayer,
    spans: bool,
    ops: &mut Vec<Op>,
) {
    let face = book.face(run.face);
    let to_units = 1000.0 / run.size;
    // Each glyph's pen position along the run.
    let mut pens = Vec::with_capacity(run.glyphs.len());
    let mut pen = x;
    for glyph in &run.glyphs {
        pens.push(pen);
        pen += glyph.advance;
    }
    let mut pending: Vec<Codepoint> = Vec::new();
    // Where the pen is after the last glyph drawn in sequence (None: set a new matrix).
    let mut at: Option<usize> = None;
    let texts = glyph_texts(run);
    for (i, glyph) in run.glyphs.iter().enumerate() {
        let text = &texts[i];
        let (gid, mapped) = mapped_glyph(layer, embedded, run.face, glyph.id, text);
        let codepoint = |offset: f32| Codepoint {
            gid,
            offset,
            cid: Some(mapped.to_string()),
        };
        let own_span = spans && text != mapped;
        if own_span || glyph.x_offset != 0.0 || glyph.y_offset != 0.0 {
            // A glyph placed on its own: a positioned mark, or one whose text is not
            // its map entry (then with that text as /ActualText).
            flush(ops, &mut pending);
            if own_span {
                begin_actual_text(ops, text);
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(
                    Pt(pens[i] + glyph.x_offset),
                    Pt(baseline + glyph.y_offset),
                ),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![codepoint(0.0)])],
            });
            if own_span {
                ops.push(Op::EndMarkedContentWithProperties);
            }
            at = None;
            continue;
        }
        if at != Some(i) {
            flush(ops, &mut pending);
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(pens[i]), Pt(baseline)),
            });
        }
        // Positive offsets move the next glyph left: the nominal width minus the shaped
        // advance is the kerning. Rounded, so unkerned glyphs get none.
        let offset = ((face.pdf_width(glyph.id) as f32 - glyph.advance * to_units) * 1000.0)
            .round()
            / 1000.0;
        pending.push(codepoint(offset));
        at = Some(i + 1);
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

/// The glyph to draw for `glyph` standing for `text`, and the text its map entry gives:
/// the glyph itself if its entry is this text, else its copy for this text, else the
/// glyph itself (whose entry then differs, and the caller wraps it in a span).
fn mapped_glyph<'a>(
    layer: &'a TextLayer,
    embedded: &EmbeddedFace,
    face: FaceId,
    glyph: u16,
    text: &'a str,
) -> (u16, &'a str) {
    let own = embedded.new_ids.get(&glyph).copied().unwrap_or(0);
    match layer.variant(face, glyph, text) {
        Some(0) => (own, text),
        Some(n) => match embedded.copies.get(&(glyph, n)) {
            Some(&copy) => (copy, text),
            None => (own, layer.entry(face, glyph)),
        },
        None => (own, layer.entry(face, glyph)),
    }
}

/// The invisible glyph that carries the text of pictures (colour emoji): the body
/// serif's space.
pub fn carrier_glyph(fonts: &FontBook) -> (FaceId, u16) {
    let space = fonts
        .face(FaceId::SERIF)
        .shaper
        .glyph_index(' ')
        .map_or(0, |g| g.0);
    (FaceId::SERIF, space)
}

/// The text each glyph of a run stands for (see [`ShapedRun::glyph_text`]). A
/// right-to-left run is drawn in visual order, and its text goes the same way: a cluster
/// (a letter and its marks, a ligature) is given to its widest glyph, the base, with its
/// characters last to first, and its other glyphs stand for nothing. Readers turn a
/// right-to-left word's characters around to read it, which puts each cluster's
/// characters back in the order they were written.
fn glyph_texts(run: &ShapedRun) -> Vec<Cow<'_, str>> {
    let mut texts: Vec<Cow<'_, str>> = (0..run.glyphs.len())
        .map(|i| Cow::Borrowed(run.glyph_text(i)))
        .collect();
    if !run.is_rtl() {
        return texts;
    }
    let mut start = 0;
    for cluster in run.glyphs.chunk_by(|a, b| a.cluster == b.cluster) {
        let group = start..start + cluster.len();
        start = group.end;
        let text: String = group.clone().map(|i| texts[i].as_ref()).collect();
        if text.chars().nth(1).is_none() {
            continue;
        }
        let base = (0..cluster.len())
            .max_by(|&a, &b| cluster[a].advance.total_cmp(&cluster[b].advance))
            .unwrap_or(0);
        for (j, i) in group.enumerate() {
            texts[i] = if j == base {
                Cow::Owned(text.chars().rev().collect())
            } else {
                Cow::Borrowed("")
            };
        }
    }
    texts
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
