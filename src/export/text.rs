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
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use super::content::Content;
use super::tags::{Mark, Marks};
use crate::geom::Rgb;
use crate::layout::{Element, Layout};
use crate::text::fonts::Drawing;
use crate::text::{FaceId, FontBook, ShapedRun};

/// A glyph's map entry holds at most this many UTF-16 code units; longer text (an emoji
/// family joined by ZWJs, a letter with many combining marks) goes into `/ActualText`
/// instead. The PDF allows 512 bytes, but readers do not: MuPDF ignores an entry of more
/// than 8 units ("ignoring one to many mapping"), leaving a hole in the text.
const MAX_MAPPED_UNITS: usize = 8;

/// The map entry of a glyph that never stands for text of its own (always drawn in an
/// empty `/ActualText` span): the word joiner, which prints nothing. Readers that take
/// no empty span (PDFium, Chrome's viewer; MuPDF) read the entry instead, and U+FFFD
/// there printed a replacement character inside the word (an Arabic mark).
const NO_TEXT_ENTRY: &str = "\u{2060}";

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
    texts: FxHashMap<(FaceId, u16), Vec<String>>,
}

/// The texts one glyph stands for: how often, and when first seen.
type Uses<'a> = FxHashMap<Cow<'a, str>, (usize, usize)>;

impl TextLayer {
    /// Reads every glyph of the layout: a glyph's own entry is the text it stands for
    /// most often (the earliest, on a tie); other texts follow in order of first use.
    pub fn of<'a>(layout: &'a Layout, fonts: &FontBook) -> TextLayer {
        let mut counts: FxHashMap<(FaceId, u16), Uses<'a>> = FxHashMap::default();
        let mut seen = 0usize;
        for page in &layout.pages {
            for element in &page.elements {
                let Element::Text { run, .. } = element else {
                    continue;
                };
                if fonts.face(run.face).drawing != Drawing::Outlines {
                    // A picture's text is carried by invisible glyphs, a piece each.
                    for piece in carrier_pieces(&run.text) {
                        let entry = counts
                            .entry(carrier_glyph(fonts))
                            .or_default()
                            .entry(Cow::Borrowed(piece))
                            .or_insert((0, seen));
                        entry.0 += 1;
                        seen += 1;
                    }
                    continue;
                }
                let mut count = |glyph: u16, text: Cow<'a, str>| {
                    let entry = counts
                        .entry((run.face, glyph))
                        .or_default()
                        .entry(text)
                        .or_insert((0, seen));
                    entry.0 += 1;
                    seen += 1;
                };
                if run.is_rtl() {
                    for (glyph, text) in run.glyphs.iter().zip(glyph_texts(run)) {
                        count(glyph.id, text);
                    }
                } else {
                    // Left to right, each glyph's text is a slice of the run's.
                    for (i, glyph) in run.glyphs.iter().enumerate() {
                        count(glyph.id, Cow::Borrowed(run.glyph_text(i)));
                    }
                }
            }
        }
        let texts = counts
            .into_iter()
            .map(|((face, glyph), texts)| {
                // A glyph that stands for nothing here (the second glyph of a cluster,
                // whose first carries the cluster's text) is drawn in an empty
                // `/ActualText` span; its map entry is its text elsewhere, or the
                // replacement character: every glyph drawn must map to some text
                // (PDF/UA-1 7.21.7, PDF/A-2 6.2.11.7.2), and the span keeps this one out.
                let mut texts: Vec<(Cow<'_, str>, (usize, usize))> = texts
                    .into_iter()
                    .filter(|(text, _)| {
                        !text.is_empty() && text.encode_utf16().count() <= MAX_MAPPED_UNITS
                    })
                    .collect();
                if texts.is_empty() {
                    texts.push((Cow::Borrowed(NO_TEXT_ENTRY), (0, 0)));
                }
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

    /// The glyphs drawn with outlines, face by face (with the carrier of pictures' text
    /// when there are pictures).
    pub fn glyphs(&self) -> BTreeMap<FaceId, BTreeSet<u16>> {
        let mut glyphs: Vec<(FaceId, u16)> = self.texts.keys().copied().collect();
        glyphs.sort_unstable();
        let mut faces: BTreeMap<FaceId, BTreeSet<u16>> = BTreeMap::new();
        for run in glyphs.chunk_by(|a, b| a.0 == b.0) {
            faces.insert(run[0].0, run.iter().map(|(_, glyph)| *glyph).collect());
        }
        faces
    }

    /// The map entry of a glyph.
    fn entry(&self, face: FaceId, glyph: u16) -> &str {
        self.texts
            .get(&(face, glyph))
            .and_then(|texts| texts.first())
            .map_or("", String::as_str)
    }

    /// The texts of a glyph: its own entry's first, then its copies'.
    pub fn texts(&self, face: FaceId, glyph: u16) -> &[String] {
        self.texts.get(&(face, glyph)).map_or(&[], Vec::as_slice)
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

/// A face as embedded: its resource name, the code each of its glyphs is drawn with,
/// and the codes of glyphs' copies, by (glyph, variant) (see [`TextLayer`]).
pub struct EmbeddedFace {
    pub name: String,
    pub codes: FxHashMap<u16, u16>,
    pub copies: FxHashMap<(u16, usize), u16>,
}

/// Where the fonts of the document are, and the invisible glyph that carries the text
/// of pictures.
pub struct Embedded<'a> {
    pub fonts: &'a BTreeMap<FaceId, EmbeddedFace>,
    /// A face and glyph to draw invisibly under emoji pictures (the body face's space).
    pub carrier: Option<(FaceId, u16)>,
}

/// Writes glyphs where the layout put them. Glyphs that follow each other on one
/// baseline in one font go in one `TJ` array, whatever their runs, moved into place by
/// adjustments (a word space is one number, not a new text matrix). The pen is tracked
/// in the rounded units written, so rounding never adds up along a line.
struct GlyphWriter {
    content: Content,
    font: Option<(FaceId, f32)>,
    /// The horizontal scaling of glyphs (font expansion; a page starts at 1).
    scale: f32,
    /// The fill colour (a page's content starts in black).
    color: Rgb,
    /// The open `TJ` array: codes with the adjustment after each.
    run: Vec<(u16, f32)>,
    /// The open array's baseline, where its next glyph would be drawn, and where the
    /// last glyph ends had it been placed exactly.
    baseline: f32,
    pen: f32,
    exact_end: f32,
    /// Where the current text line starts (the text line matrix), in hundredths of a
    /// point; `None` before the first.
    line_start: Option<(i64, i64)>,
    /// The marked-content sequence open (in a tagged file).
    marked: Option<Mark>,
}

/// How far a glyph may land from its place, in thousandths of an em, when the
/// adjustment before it repeats the gap's own rounding (0.017 pt at 11 pt).
const MAX_DRIFT: f32 = 1.5;

impl GlyphWriter {
    fn new() -> GlyphWriter {
        GlyphWriter {
            content: Content::new(),
            font: None,
            scale: 1.0,
            color: Rgb::BLACK,
            run: Vec::new(),
            baseline: 0.0,
            pen: 0.0,
            exact_end: 0.0,
            line_start: None,
            marked: None,
        }
    }

    fn flush(&mut self) {
        self.content.show_glyphs(&self.run);
        self.run.clear();
    }

    fn set_font(&mut self, face: FaceId, name: &str, size: f32) {
        if self.font != Some((face, size)) {
            self.flush();
            self.content.set_font(name, size);
            self.font = Some((face, size));
        }
    }

    fn set_scale(&mut self, scale: f32) {
        if self.scale != scale {
            self.flush();
            self.content.set_horizontal_scaling(scale * 100.0);
            self.scale = scale;
        }
    }

    fn set_color(&mut self, color: Rgb) {
        if self.color != color {
            self.flush();
            self.content
                .set_fill_rgb(color.0.map(|c| f32::from(c) / 255.0));
            self.color = color;
        }
    }

    fn set_rendering_mode(&mut self, mode: u8) {
        self.flush();
        self.content.set_rendering_mode(mode);
    }

    fn begin_actual_text(&mut self, text: &str) {
        self.flush();
        self.content.begin_actual_text(text);
    }

    fn end_marked(&mut self) {
        self.flush();
        self.content.end_marked();
    }

    /// Draws glyph `code`, `width` thousandths of an em wide in the PDF's widths, with
    /// its origin at (`x`, `y`) in PDF space, in the current font.
    fn glyph(&mut self, code: u16, width: i64, x: f32, y: f32) {
        // Adjustments and widths are in thousandths of the font's em, scaled (`Tz`) as
        // the glyphs are.
        let size = self.font.map_or(0.0, |(_, size)| size) * self.scale;
        let to_units = 1000.0 / size.max(f32::EPSILON);
        match self.run.last_mut() {
            Some(last) if self.baseline == y => {
                // Positive adjustments move the next glyph left. The gap from where the
                // previous glyph ends, rounded on its own, lands close enough as long as
                // the rounding carried along the line stays small; the word spaces of a
                // justified line are then one number repeated (which compresses), not
                // two alternating ones.
                let needed = (self.pen - x) * to_units;
                let natural = ((self.exact_end - x) * to_units).round();
                let adjustment = if (needed - natural).abs() <= MAX_DRIFT {
                    natural
                } else {
                    needed.round()
                };
                last.1 += adjustment;
                self.pen -= adjustment / to_units;
            }
            _ => {
                self.flush();
                // In hundredths of a point, as written: moves from one line's start to
                // the next add up exactly.
                let at = ((x * 100.0).round() as i64, (y * 100.0).round() as i64);
                match self.line_start {
                    // A move from the last line's start (`Td`): the same few numbers
                    // line after line, where a new matrix would repeat the page position.
                    Some((sx, sy)) => self.content.move_line(at.0 - sx, at.1 - sy),
                    None => self.content.set_text_position(at.0, at.1),
                }
                self.line_start = Some(at);
                self.baseline = y;
                self.pen = at.0 as f32 / 100.0;
            }
        }
        self.run.push((code, 0.0));
        self.pen += width as f32 / to_units;
        self.exact_end = x + width as f32 / to_units;
    }

    /// Marks what follows as `mark` (content of a structure element or an artifact),
    /// closing the sequence before unless it is the same. Nothing in an untagged file.
    fn mark(&mut self, marks: &Marks<'_>, mark: Option<Mark>) {
        if mark == self.marked {
            return;
        }
        self.flush();
        if self.marked.is_some() {
            self.content.end_marked();
        }
        match mark.map(|m| marks.opening(m)) {
            Some(Some((name, mcid))) => self.content.begin_tagged(name, mcid),
            Some(None) => self.content.begin_artifact(),
            None => {}
        }
        self.marked = mark;
    }

    /// Closes the open array, and the text section if anything was drawn.
    fn finish(mut self) -> Vec<u8> {
        self.set_color(Rgb::BLACK);
        self.flush();
        if self.marked.take().is_some() {
            self.content.end_marked();
        }
        if self.content.is_empty() {
            return Vec::new();
        }
        let mut bytes = b"BT\n".to_vec();
        bytes.extend(self.content.into_bytes());
        bytes.extend_from_slice(b"ET\n");
        bytes
    }
}

/// The content that draws a page's text (one text section; empty if the page has no
/// text). `h` is the page's height (PDF's y grows upwards).
pub fn page_text(
    elements: &[Element],
    h: f32,
    book: &FontBook,
    embedded: &Embedded<'_>,
    layer: &TextLayer,
    marks: &Marks<'_>,
) -> Vec<u8> {
    let mut writer = GlyphWriter::new();
    // The end of an open /ActualText span over a line's overridden runs (see below).
    let mut span_end: Option<usize> = None;
    for (index, element) in elements.iter().enumerate() {
        let Element::Text {
            x,
            y,
            run,
            color,
            formula,
            ..
        } = element
        else {
            continue;
        };
        let (x, y) = (x.0, y.0);
        if span_end.is_none() {
            writer.mark(marks, marks.at(index));
        }
        // A formula's glyphs (on one line) are one span whose text is the formula's:
        // a copy gives `E = mc²`, not its glyphs in the order they are drawn. Its rules,
        // drawn outside the text, may stand between them.
        if let (None, Some(text)) = (span_end, formula) {
            let mark = marks.at(index);
            let mut end = index + 1;
            for (k, e) in elements.iter().enumerate().skip(index + 1) {
                match e {
                    Element::Text {
                        formula: Some(other),
                        ..
                    } if std::sync::Arc::ptr_eq(other, text) && marks.at(k) == mark => end = k + 1,
                    Element::Text { .. } => break,
                    _ => {}
                }
            }
            writer.begin_actual_text(text);
            span_end = Some(end);
        }
        if book.face(run.face).drawing == Drawing::ColorBitmaps {
            // The picture is drawn elsewhere; here, its text, in an invisible glyph.
            let Some((carrier, glyph)) = embedded.carrier else {
                continue;
            };
            let Some(carrier_face) = embedded.fonts.get(&carrier) else {
                continue;
            };
            writer.set_font(carrier, &carrier_face.name, run.size);
            writer.set_scale(run.scale);
            writer.set_rendering_mode(3);
            // A text too long for one map entry (an emoji family joined by ZWJs) is
            // carried by several glyphs across the picture's width, a piece each.
            let pieces = carrier_pieces(&run.text);
            let step = run.width() / pieces.len() as f32;
            for (i, piece) in pieces.iter().enumerate() {
                let (code, mapped) = mapped_glyph(layer, carrier_face, carrier, glyph, piece);
                let span = mapped != *piece;
                if span {
                    writer.begin_actual_text(piece);
                }
                let at = x + step * i as f32;
                writer.glyph(code, book.face(carrier).pdf_width(glyph), at, h - y);
                if span {
                    writer.end_marked();
                }
            }
            writer.set_rendering_mode(0);
            continue;
        }
        let Some(embedded_face) = embedded.fonts.get(&run.face) else {
            continue;
        };
        writer.set_font(run.face, &embedded_face.name, run.size);
        writer.set_scale(run.scale);
        writer.set_color(*color);
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
            // One span stays inside one marked-content sequence.
            let mark = marks.at(index);
            let end = index
                + elements[index..]
                    .iter()
                    .enumerate()
                    .take_while(|(k, e)| same_line(e) && marks.at(index + k) == mark)
                    .count();
            let text: String = elements[index..end]
                .iter()
                .rev()
                .filter_map(|e| match e {
                    Element::Text { run, .. } => Some(run.text.as_str()),
                    _ => None,
                })
                .collect();
            writer.begin_actual_text(&text);
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
            &mut writer,
        );
        if span_end == Some(index + 1) {
            writer.end_marked();
            span_end = None;
        }
    }
    writer.finish()
}

/// Draws a run's glyphs from (`x`, `baseline`) in PDF space. A glyph whose text is not
/// its map entry is wrapped in an `/ActualText` span, unless `spans` is off (the caller
/// has put the whole run in one).
#[allow(clippy::too_many_arguments)]
fn draw_glyphs(
    run: &ShapedRun,
    x: f32,
    baseline: f32,
    book: &FontBook,
    embedded: &EmbeddedFace,
    layer: &TextLayer,
    spans: bool,
    writer: &mut GlyphWriter,
) {
    let face = book.face(run.face);
    let mut pen = x;
    // Left to right, each glyph's text is a slice of the run's (no list to build).
    let rtl_texts = run.is_rtl().then(|| glyph_texts(run));
    // The end of an open span over a whole word (see below), and of the word last
    // looked at that needs none.
    let mut cluster_end: Option<usize> = None;
    let mut plain_until = 0;
    for (i, glyph) in run.glyphs.iter().enumerate() {
        let text = match &rtl_texts {
            Some(texts) => texts[i].as_ref(),
            None => run.glyph_text(i),
        };
        // A left-to-right word with a cluster of several glyphs (Thai's sara am drawn as
        // two, a Devanagari vowel sign drawn before its consonant, a tone mark over its
        // letter) is one span with the word's text. A span per glyph after a cluster's
        // first, each standing for nothing, left their width without text, which
        // poppler reads as a space (`จำ นวน`), and glyphs whose map entry is U+FFFD,
        // which PDFium (Chrome's viewer) prints, reading no empty span. A span per
        // cluster ends, for a reader, where its last glyph ends: short of the cluster
        // when that is a mark over its letter, which leaves a gap inside the word again.
        if spans
            && rtl_texts.is_none()
            && cluster_end.is_none()
            && i >= plain_until
            && !is_space(text)
        {
            let end = i + run.glyphs[i..]
                .iter()
                .enumerate()
                .take_while(|&(k, _)| !is_space(run.glyph_text(i + k)))
                .count();
            let clustered = run.glyphs[i..end]
                .windows(2)
                .any(|pair| pair[0].cluster == pair[1].cluster);
            // With the space after it: the span then ends where the space does, and a
            // reader that takes a span's text whole (PDFium) keeps the space.
            let end = end
                + run.glyphs[end..]
                    .iter()
                    .enumerate()
                    .take_while(|&(k, _)| is_space(run.glyph_text(end + k)))
                    .count();
            if clustered {
                let word: String = (i..end).map(|k| run.glyph_text(k)).collect();
                writer.begin_actual_text(&word);
                cluster_end = Some(end);
            } else {
                plain_until = end;
            }
        }
        let (code, mapped) = mapped_glyph(layer, embedded, run.face, glyph.id, text);
        let own_span = spans && cluster_end.is_none() && text != mapped;
        if own_span {
            writer.begin_actual_text(text);
        }
        writer.glyph(
            code,
            face.pdf_width(glyph.id),
            pen + glyph.x_offset,
            baseline + glyph.y_offset,
        );
        if own_span {
            writer.end_marked();
        }
        if cluster_end == Some(i + 1) {
            writer.end_marked();
            cluster_end = None;
        }
        pen += glyph.advance;
    }
}

/// Text that separates words (a word space's glyph).
fn is_space(text: &str) -> bool {
    !text.is_empty() && text.chars().all(char::is_whitespace)
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
    let own = embedded.codes.get(&glyph).copied().unwrap_or(0);
    match layer.variant(face, glyph, text) {
        Some(0) => (own, text),
        Some(n) => match embedded.copies.get(&(glyph, n)) {
            Some(&copy) => (copy, text),
            None => (own, layer.entry(face, glyph)),
        },
        None => (own, layer.entry(face, glyph)),
    }
}

/// A picture's text in pieces of at most [`MAX_MAPPED_UNITS`] UTF-16 units (whole
/// characters), one per carrier glyph.
pub fn carrier_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut units = 0;
    for (at, c) in text.char_indices() {
        if units + c.len_utf16() > MAX_MAPPED_UNITS && at > start {
            pieces.push(&text[start..at]);
            start = at;
            units = 0;
        }
        units += c.len_utf16();
    }
    if start < text.len() || pieces.is_empty() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// The invisible glyph that carries the text of pictures (colour emoji): the body
/// serif's `o`, drawn invisibly (rendering mode 3). A glyph with an outline, because
/// MuPDF leaves glyphs without one (a space) out of the text it extracts.
pub fn carrier_glyph(fonts: &FontBook) -> (FaceId, u16) {
    let carrier = fonts
        .face(FaceId::SERIF)
        .shaper
        .glyph_index('o')
        .map_or(0, |g| g.0);
    (FaceId::SERIF, carrier)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrier_pieces_fit_an_entry_and_keep_the_text() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
        let pieces = carrier_pieces(family);
        assert_eq!(
            pieces,
            [
                "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
                "\u{200D}\u{1F466}"
            ]
        );
        assert!(pieces
            .iter()
            .all(|p| p.encode_utf16().count() <= MAX_MAPPED_UNITS));
        assert_eq!(carrier_pieces("\u{1F600}"), ["\u{1F600}"]);
        assert_eq!(carrier_pieces(""), [""]);
    }
}
