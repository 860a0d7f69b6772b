//! Shaping: styled text → glyphs with advances (kerning and ligatures applied by
//! rustybuzz), each glyph tied to the source text it stands for, so the PDF's text layer
//! gives back exactly the source (a ligature "fi" maps back to two letters).

use std::collections::BTreeSet;
use std::ops::Range;

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
        }
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

/// Shapes `text` in `face` at `size` points. Characters the face lacks are shaped in the
/// first fallback face that has them; characters no face has are added to `missing` and
/// shaped in the primary face (they print as blanks).
pub fn shape(
    book: &FontBook,
    face: FaceId,
    size: f32,
    text: &str,
    missing: &mut BTreeSet<char>,
) -> Vec<ShapedRun> {
    let mut runs = Vec::new();
    let mut run_start = 0;
    let mut run_face = face;
    for (i, c) in text.char_indices() {
        let wanted = face_for(book, face, c, missing);
        if wanted != run_face && i > run_start {
            runs.push(shape_one(book, run_face, size, &text[run_start..i]));
            run_start = i;
        }
        run_face = wanted;
    }
    if run_start < text.len() {
        runs.push(shape_one(book, run_face, size, &text[run_start..]));
    }
    runs
}

fn face_for(book: &FontBook, face: FaceId, c: char, missing: &mut BTreeSet<char>) -> FaceId {
    if c.is_whitespace() || c.is_control() || book.face(face).has_char(c) {
        return face;
    }
    match face.fallbacks().iter().find(|f| book.face(**f).has_char(c)) {
        Some(f) => *f,
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

fn shape_one(book: &FontBook, face_id: FaceId, size: f32, text: &str) -> ShapedRun {
    let face = book.face(face_id);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let output = rustybuzz::shape(&face.shaper, &[], buffer);
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_map_back_to_their_letters() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let runs = shape(&book, FaceId::Serif, 10.0, "office", &mut missing);
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
        let kerned = shape(&book, FaceId::Serif, 10.0, "AV", &mut missing)[0].width();
        let apart = shape(&book, FaceId::Serif, 10.0, "A", &mut missing)[0].width()
            + shape(&book, FaceId::Serif, 10.0, "V", &mut missing)[0].width();
        assert!(kerned < apart - 0.1, "{kerned} vs {apart}");
    }

    #[test]
    fn missing_characters_fall_back_or_are_reported() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let runs = shape(
            &book,
            FaceId::Serif,
            10.0,
            "a\u{2503}b\u{1F600}",
            &mut missing,
        );
        // U+2503 (box drawing) is in the monospace face; the emoji is nowhere.
        assert!(runs.iter().any(|r| r.face == FaceId::Mono));
        assert_eq!(missing.into_iter().collect::<String>(), "\u{1F600}");
    }

    #[test]
    fn slices_keep_their_text() {
        let book = FontBook::bundled();
        let mut missing = BTreeSet::new();
        let run = &shape(&book, FaceId::Serif, 10.0, "hyphenation", &mut missing)[0];
        assert!(run.is_cluster_boundary(2));
        let tail = run.slice(2..run.text.len());
        assert_eq!(tail.text, "phenation");
        assert_eq!(tail.glyphs[0].cluster, 0);
    }
}
