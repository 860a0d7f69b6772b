//! Shaping: styled text → glyphs with advances (kerning and ligatures applied by
//! rustybuzz), each glyph tied to the source text it stands for, so the PDF's text layer
//! gives back exactly the source (a ligature "fi" maps back to two letters).

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use super::fonts::{FaceId, FontBook};

/// One shaped glyph; lengths in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Byte offset, in the run's text, of the cluster this glyph belongs to.
    pub cluster: u32,
}

/// Glyphs of one face and size, with the text they were shaped from.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedRun {
    pub face: FaceId,
    pub size: f32,
    pub text: String,
    pub glyphs: Vec<Glyph>,
    /// Clusters never decrease from glyph to glyph (left-to-right text): slicing and
    /// lookups can then use binary search instead of scanning the run.
    pub ascending: bool,
    /// The bidi level of the run's text (odd: right to left).
    pub level: u8,
    /// How much wider than the font draws them the glyphs are drawn (font expansion;
    /// 1: as drawn). The advances and offsets include it.
    pub scale: f32,
}

impl ShapedRun {
    /// A run of no glyphs (an indent, say).
    pub fn empty(face: FaceId, size: f32) -> ShapedRun {
        ShapedRun {
            face,
            size,
            text: String::new(),
            glyphs: Vec::new(),
            ascending: true,
            level: 0,
            scale: 1.0,
        }
    }

    /// One glyph, `advance` wide, standing for `text` (which may be empty: a glyph that
    /// stands for no text of its own), left to right.
    pub fn single(face: FaceId, size: f32, glyph: u16, text: &str, advance: f32) -> ShapedRun {
        ShapedRun {
            face,
            size,
            text: text.to_string(),
            glyphs: vec![Glyph {
                id: glyph,
                advance,
                x_offset: 0.0,
                y_offset: 0.0,
                cluster: 0,
            }],
            ascending: true,
            level: 0,
            scale: 1.0,
        }
    }

    /// One glyph, `glyph`, for each character of `text` (a run of spaces, leader dots),
    /// the `n`th advancing by `advance(n, character)`.
    pub fn repeated(
        face: FaceId,
        size: f32,
        glyph: u16,
        text: &str,
        level: u8,
        advance: impl Fn(usize, char) -> f32,
    ) -> ShapedRun {
        ShapedRun {
            face,
            size,
            text: text.to_string(),
            glyphs: text
                .char_indices()
                .enumerate()
                .map(|(n, (at, c))| Glyph {
                    id: glyph,
                    advance: advance(n, c),
                    x_offset: 0.0,
                    y_offset: 0.0,
                    cluster: at as u32,
                })
                .collect(),
            ascending: true,
            level,
            scale: 1.0,
        }
    }

    /// Right to left: the glyphs are in visual order, the text in logical order.
    pub fn is_rtl(&self) -> bool {
        self.level % 2 == 1
    }

    /// The index range of the glyphs whose clusters lie in `bytes` (ascending runs).
    fn glyph_range(&self, bytes: &Range<usize>) -> Range<usize> {
        let start = self
            .glyphs
            .partition_point(|g| (g.cluster as usize) < bytes.start);
        let end = self
            .glyphs
            .partition_point(|g| (g.cluster as usize) < bytes.end);
        start..end
    }

    /// Adds `other`'s glyphs and text after this run's (same face and size).
    pub fn append(&mut self, other: ShapedRun) {
        let offset = self.text.len() as u32;
        self.ascending &= other.ascending
            && self
                .glyphs
                .last()
                .zip(other.glyphs.first())
                .is_none_or(|(a, b)| a.cluster <= b.cluster + offset);
        self.glyphs.extend(other.glyphs.into_iter().map(|g| Glyph {
            cluster: g.cluster + offset,
            ..g
        }));
        self.text.push_str(&other.text);
    }

    /// The run drawn `scale` times as wide as the font draws it (font expansion).
    pub fn expanded(mut self, scale: f32) -> ShapedRun {
        if scale != 1.0 {
            for glyph in &mut self.glyphs {
                glyph.advance *= scale;
                glyph.x_offset *= scale;
            }
            self.scale *= scale;
        }
        self
    }

    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }

    /// The source text glyph `i` stands for: its cluster's text for the first glyph of a
    /// cluster, empty for the others. Works for right-to-left runs too, whose clusters
    /// come in decreasing order.
    pub fn glyph_text(&self, i: usize) -> &str {
        let start = self.glyphs[i].cluster;
        let end = if self.ascending {
            if i > 0 && self.glyphs[i - 1].cluster == start {
                return "";
            }
            self.glyphs[i + 1..]
                .iter()
                .map(|g| g.cluster)
                .find(|&c| c > start)
        } else {
            if self.glyphs[..i].iter().any(|g| g.cluster == start) {
                return "";
            }
            self.glyphs
                .iter()
                .map(|g| g.cluster)
                .filter(|&c| c > start)
                .min()
        };
        let end = end.map_or(self.text.len(), |c| c as usize);
        self.text.get(start as usize..end).unwrap_or("")
    }

    /// The glyphs whose clusters lie in `bytes`, as a run of their own. `bytes` must
    /// start and end on cluster boundaries (see [`ShapedRun::is_cluster_boundary`]).
    pub fn slice(&self, bytes: Range<usize>) -> ShapedRun {
        let rebase = |g: &Glyph| Glyph {
            cluster: g.cluster - bytes.start as u32,
            ..*g
        };
        let glyphs = if self.ascending {
            self.glyphs[self.glyph_range(&bytes)]
                .iter()
                .map(rebase)
                .collect()
        } else {
            self.glyphs
                .iter()
                .filter(|g| bytes.contains(&(g.cluster as usize)))
                .map(rebase)
                .collect()
        };
        ShapedRun {
            face: self.face,
            size: self.size,
            text: self.text[bytes].to_string(),
            glyphs,
            ascending: self.ascending,
            level: self.level,
            scale: self.scale,
        }
    }

    /// Whether a break at byte `offset` falls between clusters (not inside a ligature).
    pub fn is_cluster_boundary(&self, offset: usize) -> bool {
        if offset == 0 || offset == self.text.len() {
            return true;
        }
        if self.ascending {
            let i = self
                .glyphs
                .partition_point(|g| (g.cluster as usize) < offset);
            self.glyphs
                .get(i)
                .is_some_and(|g| g.cluster as usize == offset)
        } else {
            self.glyphs.iter().any(|g| g.cluster as usize == offset)
        }
    }

    /// Where the run's clusters start, in text order, and the end of its text: the run
    /// cut at every pair of neighbours gives one run per cluster.
    pub fn cluster_bounds(&self) -> Vec<usize> {
        let mut bounds: Vec<usize> = self.glyphs.iter().map(|g| g.cluster as usize).collect();
        if !self.ascending {
            bounds.sort_unstable();
        }
        bounds.dedup();
        bounds.push(self.text.len());
        bounds
    }
}

/// What to shape a text with, besides its face and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeOptions<'a> {
    /// The document's language (BCP 47), for the shaper and the choice of CJK forms.
    pub lang: &'a str,
    /// The text's bidi level (UAX #9): odd levels are right to left, shaped in that
    /// direction, their glyphs in visual order.
    pub level: u8,
    /// Code: no ligatures or contextual alternates, so every character prints as itself.
    pub literal: bool,
    /// Faces the design names for characters the face lacks, tried first.
    pub fallback: &'a [FaceId],
}

impl Default for ShapeOptions<'_> {
    fn default() -> Self {
        ShapeOptions {
            lang: "en",
            level: 0,
            literal: false,
            fallback: &[],
        }
    }
}

/// Shapes a short line of text set on its own (a list marker, a note's number, a
/// running header) in visual order: its bidi levels from the document's direction
/// (`rtl`) and its own characters, each level run shaped in its direction, the runs
/// left to right as they are drawn.
pub fn shape_visual(
    book: &FontBook,
    face: FaceId,
    size: f32,
    text: &str,
    options: &ShapeOptions<'_>,
    rtl: bool,
    missing: &mut BTreeSet<char>,
) -> Vec<ShapedRun> {
    use unicode_bidi::{BidiInfo, Level};
    let info = BidiInfo::new(text, Some(if rtl { Level::rtl() } else { Level::ltr() }));
    let Some(paragraph) = info.paragraphs.first() else {
        return Vec::new();
    };
    if !rtl && !info.has_rtl() {
        return shape(book, face, size, text, options, missing);
    }
    let (levels, runs) = info.visual_runs(paragraph, paragraph.range.clone());
    let mut out = Vec::new();
    for range in runs {
        let level = levels[range.start].number();
        let options = ShapeOptions { level, ..*options };
        let mut shaped = shape(book, face, size, &text[range], &options, missing);
        if level % 2 == 1 {
            shaped.reverse();
        }
        out.extend(shaped);
    }
    out
}

/// Shapes `text` in `face` at `size` points. The text is cut into runs that one face can
/// set: `face` where it has the characters, else the face the font book finds for them
/// (the script's, a symbol font, an emoji font); a mark, joiner or selector stays in the
/// run of the character it belongs to. Characters no face has are added to `missing` and
/// set in `face` (they print as blanks; their text is kept).
pub fn shape(
    book: &FontBook,
    face: FaceId,
    size: f32,
    text: &str,
    options: &ShapeOptions<'_>,
    missing: &mut BTreeSet<char>,
) -> Vec<ShapedRun> {
    let mut runs = Vec::new();
    let mut run_start = 0;
    let mut run_face: Option<FaceId> = None;
    for (i, c) in text.char_indices() {
        let joins = is_attached(c) && run_face.is_some();
        let wanted = if joins {
            run_face.unwrap_or(face)
        } else {
            face_for(book, face, c, options, run_face, missing)
        };
        if run_face.is_some_and(|f| f != wanted) && i > run_start {
            runs.push(shape_one(
                book,
                run_face.unwrap_or(face),
                size,
                &text[run_start..i],
                options,
            ));
            run_start = i;
        }
        run_face = Some(wanted);
    }
    if run_start < text.len() {
        runs.push(shape_one(
            book,
            run_face.unwrap_or(face),
            size,
            &text[run_start..],
            options,
        ));
    }
    runs
}

/// Words longer than this are shaped each time (they rarely repeat), and the cache holds
/// at most [`MAX_CACHED_WORDS`] words; when full it starts again (a render's words come
/// back soon enough).
const MAX_CACHED_WORD_BYTES: usize = 48;
const MAX_CACHED_WORDS: usize = 50_000;

/// What a word shaped to, and the characters no face had.
struct ShapedWord {
    runs: Vec<ShapedRun>,
    missing: Vec<char>,
}

/// What words are shaped with besides their text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct StyleKey {
    face: FaceId,
    size: u32,
    level: u8,
    literal: bool,
    lang: String,
    fallback: Vec<FaceId>,
}

/// Words shaped before, by face, size, direction, language, features and fallback faces:
/// an article repeats most of its words (three in four), and a service its articles'.
/// The engine keeps one beside its font book.
#[derive(Default)]
pub struct WordCache {
    words: Mutex<FxHashMap<StyleKey, FxHashMap<String, Arc<ShapedWord>>>>,
}

/// Shapes `text` a word at a time (the words and the runs of spaces between them), each
/// word through the book's cache. Kerning and joining stop at a space in every script
/// Folio sets, so the glyphs are those of shaping the whole text at once.
pub fn shape_words(
    book: &FontBook,
    words: &WordCache,
    face: FaceId,
    size: f32,
    text: &str,
    options: &ShapeOptions<'_>,
    missing: &mut BTreeSet<char>,
) -> Vec<ShapedRun> {
    // The words and spaces, as byte ranges.
    let mut pieces = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < text.len() {
        let space = bytes[start] == b' ';
        let end = bytes[start..]
            .iter()
            .position(|&b| (b == b' ') != space)
            .map_or(text.len(), |n| start + n);
        pieces.push(start..end);
        start = end;
    }
    let style = StyleKey {
        face,
        size: size.to_bits(),
        level: options.level,
        literal: options.literal,
        lang: options.lang.to_string(),
        fallback: options.fallback.to_vec(),
    };
    let cacheable = |range: &std::ops::Range<usize>| range.len() <= MAX_CACHED_WORD_BYTES;
    // Words seen before, looked up under one lock; the others are shaped without it.
    let mut found: Vec<Option<Arc<ShapedWord>>> = match words.words.lock() {
        Ok(mut cache) => {
            let words = cache.entry(style.clone()).or_default();
            pieces
                .iter()
                .map(|range| {
                    cacheable(range)
                        .then(|| words.get(&text[range.clone()]).cloned())
                        .flatten()
                })
                .collect()
        }
        Err(_) => vec![None; pieces.len()],
    };
    let mut new_words = Vec::new();
    // Words new to the cache but repeated in this text are shaped once.
    let mut shaped_here: FxHashMap<&str, Arc<ShapedWord>> = FxHashMap::default();
    for (range, word) in pieces.iter().zip(&mut found) {
        if word.is_none() {
            let piece = &text[range.clone()];
            if let Some(shaped) = shaped_here.get(piece) {
                *word = Some(Arc::clone(shaped));
                continue;
            }
            let mut own = BTreeSet::new();
            let runs = shape(book, face, size, piece, options, &mut own);
            let shaped = Arc::new(ShapedWord {
                runs,
                missing: own.into_iter().collect(),
            });
            if cacheable(range) {
                new_words.push((piece.to_string(), Arc::clone(&shaped)));
                shaped_here.insert(piece, Arc::clone(&shaped));
            }
            *word = Some(shaped);
        }
    }
    if !new_words.is_empty() {
        if let Ok(mut cache) = words.words.lock() {
            let total: usize = cache.values().map(|words| words.len()).sum();
            if total + new_words.len() > MAX_CACHED_WORDS {
                cache.clear();
            }
            // A single huge text keeps no more than the bound either.
            new_words.truncate(MAX_CACHED_WORDS);
            cache.entry(style).or_default().extend(new_words);
        }
    }
    let mut runs = Vec::with_capacity(found.len());
    for word in found.into_iter().flatten() {
        runs.extend(word.runs.iter().cloned());
        missing.extend(word.missing.iter().copied());
    }
    runs
}

/// A character that belongs to the cluster before it: a combining mark, a joiner, a
/// variation selector, an emoji modifier or tag.
fn is_attached(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    // No mark or joiner comes before the combining diacritics (U+0300).
    if (c as u32) < 0x300 {
        return false;
    }
    matches!(
        c.general_category(),
        GeneralCategory::NonspacingMark
            | GeneralCategory::EnclosingMark
            | GeneralCategory::SpacingMark
    ) || matches!(c, '\u{200c}' | '\u{200d}' | '\u{fe00}'..='\u{fe0f}' | '\u{1f3fb}'..='\u{1f3ff}' | '\u{e0020}'..='\u{e007f}')
}

/// The face for `c`: the face asked for if it has it; for spaces and punctuation, the
/// face of the run they are in if that has them; else the book's fallback.
fn face_for(
    book: &FontBook,
    face: FaceId,
    c: char,
    options: &ShapeOptions<'_>,
    current: Option<FaceId>,
    missing: &mut BTreeSet<char>,
) -> FaceId {
    if c.is_control() {
        return current.unwrap_or(face);
    }
    // Digits, spaces and punctuation inside a run of another script stay in its face
    // when it has them (so an Arabic phrase is not cut at every comma).
    if let Some(current) = current.filter(|f| *f != face) {
        let common = matches!(
            unicode_script::Script::from(c),
            unicode_script::Script::Common
        );
        if common && book.face(current).has_char(c) {
            return current;
        }
    }
    if c.is_whitespace() || book.face(face).has_char(c) {
        return face;
    }
    match book.fallback(face, c, options.lang, options.fallback) {
        Some(found) => found,
        None => {
            // Variation selectors and joiners are invisible by design.
            if !is_invisible(c) {
                missing.insert(c);
            }
            face
        }
    }
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{fe00}'..='\u{fe0f}' | '\u{ad}')
}

fn shape_one(
    book: &FontBook,
    face_id: FaceId,
    size: f32,
    text: &str,
    options: &ShapeOptions<'_>,
) -> ShapedRun {
    let face = book.face(face_id);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let direction = if options.level % 2 == 1 {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    };
    buffer.set_direction(direction);
    let language: Option<rustybuzz::Language> = options.lang.parse().ok();
    if let Some(language) = &language {
        buffer.set_language(language.clone());
    }
    let plan = face.plan(
        direction,
        Some(buffer.script()),
        language.as_ref(),
        options.literal,
    );
    let output = rustybuzz::shape_with_plan(&face.shaper, &plan, buffer);
    let scale = size / face.units_per_em;
    let glyphs = output
        .glyph_infos()
        .iter()
        .zip(output.glyph_positions())
        .map(|(info, pos)| Glyph {
            id: info.glyph_id as u16,
            advance: pos.x_advance as f32 * scale,
            x_offset: pos.x_offset as f32 * scale,
            y_offset: pos.y_offset as f32 * scale,
            cluster: info.cluster,
        })
        .collect::<Vec<Glyph>>();
    let ascending = glyphs
        .windows(2)
        .all(|pair| pair[0].cluster <= pair[1].cluster);
    ShapedRun {
        face: face_id,
        size,
        text: text.to_string(),
        glyphs,
        ascending,
        level: options.level,
        scale: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaped_words_come_back_from_a_bounded_cache() {
        let book = FontBook::bundled();
        let words = WordCache::default();
        let options = ShapeOptions::default();
        let mut missing = BTreeSet::new();
        let first = shape_words(
            &book,
            &words,
            FaceId::SERIF,
            11.0,
            "office affine",
            &options,
            &mut missing,
        );
        let again = shape_words(
            &book,
            &words,
            FaceId::SERIF,
            11.0,
            "office affine",
            &options,
            &mut missing,
        );
        assert_eq!(first, again);
        // The same glyphs as shaping the text at once (no kerning or ligature crosses a
        // space in Latin text).
        let whole = shape(
            &book,
            FaceId::SERIF,
            11.0,
            "office affine",
            &options,
            &mut missing,
        );
        let ids = |runs: &[ShapedRun]| -> Vec<u16> {
            runs.iter()
                .flat_map(|r| r.glyphs.iter().map(|g| g.id))
                .collect()
        };
        assert_eq!(ids(&first), ids(&whole));
        let text: String = (0..MAX_CACHED_WORDS + 10)
            .map(|n| format!("w{n} "))
            .collect();
        shape_words(
            &book,
            &words,
            FaceId::SERIF,
            11.0,
            &text,
            &options,
            &mut missing,
        );
        let cache = words.words.lock().unwrap();
        let total: usize = cache.values().map(|words| words.len()).sum();
        assert!(total <= MAX_CACHED_WORDS, "{total}");
    }

    #[test]
    fn ligatures_map_back_to_their_letters() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let runs = shape(
            &book,
            FaceId::SERIF,
            10.0,
            "office",
            &ShapeOptions::default(),
            &mut missing,
        );
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        let text: String = (0..run.glyphs.len()).map(|i| run.glyph_text(i)).collect();
        assert_eq!(text, "office");
        assert!(missing.is_empty());
    }

    #[test]
    fn kerning_changes_advances() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let kerned = shape(
            &book,
            FaceId::SERIF,
            10.0,
            "AV",
            &ShapeOptions::default(),
            &mut missing,
        )[0]
        .width();
        let apart = shape(
            &book,
            FaceId::SERIF,
            10.0,
            "A",
            &ShapeOptions::default(),
            &mut missing,
        )[0]
        .width()
            + shape(
                &book,
                FaceId::SERIF,
                10.0,
                "V",
                &ShapeOptions::default(),
                &mut missing,
            )[0]
            .width();
        assert!(kerned < apart - 0.1, "{kerned} vs {apart}");
    }

    #[test]
    fn missing_characters_fall_back_or_are_reported() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let runs = shape(
            &book,
            FaceId::SERIF,
            10.0,
            "a\u{2503}b\u{1F600}",
            &ShapeOptions::default(),
            &mut missing,
        );
        // U+2503 (box drawing) is in the monospace face; the emoji is in no bundled face.
        assert!(runs.iter().any(|r| r.face == FaceId::MONO));
        assert_eq!(missing.into_iter().collect::<String>(), "\u{1F600}");
    }

    #[test]
    fn slices_keep_their_text() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let run = &shape(
            &book,
            FaceId::SERIF,
            10.0,
            "hyphenation",
            &ShapeOptions::default(),
            &mut missing,
        )[0];
        assert!(run.is_cluster_boundary(2));
        let tail = run.slice(2..run.text.len());
        assert_eq!(tail.text, "phenation");
        assert_eq!(tail.glyphs[0].cluster, 0);
    }
}

#[cfg(test)]
mod script_tests {
    use super::*;

    fn faces(text: &str) -> Vec<(String, String)> {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        shape(
            &book,
            FaceId::SERIF,
            10.0,
            text,
            &ShapeOptions::default(),
            &mut missing,
        )
        .into_iter()
        .map(|run| (book.family_name(run.face).to_string(), run.text))
        .collect()
    }

    #[test]
    fn runs_follow_the_scripts_and_keep_punctuation_inside() {
        let runs = faces("He said שלום עולם, and left.");
        let families: Vec<&str> = runs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            families,
            ["Noto Serif", "Noto Serif Hebrew", "Noto Serif"],
            "{runs:?}"
        );
        // The space between the Hebrew words stays in their run.
        assert_eq!(runs[1].1, "שלום עולם");
        // Combining marks stay with their letter.
        let runs = faces("e\u{301}\u{302}x");
        assert_eq!(runs.len(), 1);
    }

    #[test]
    fn code_prints_what_was_typed() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let literal = ShapeOptions {
            literal: true,
            ..ShapeOptions::default()
        };
        for code in ["==", "!=", "->", "=>", "<=", "::", "///", "www", "<!--"] {
            let run = &shape(&book, FaceId::MONO, 10.0, code, &literal, &mut missing)[0];
            // One glyph per character, each its character's own glyph.
            assert_eq!(run.glyphs.len(), code.chars().count(), "{code}");
            for (glyph, c) in run.glyphs.iter().zip(code.chars()) {
                assert_eq!(
                    Some(glyph.id),
                    book.face(FaceId::MONO).shaper.glyph_index(c).map(|g| g.0),
                    "{code}"
                );
            }
        }
    }
}
