//! The bundled faces, parsed once and shared by every render.

use rustybuzz::ttf_parser;

/// One of the bundled faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaceId {
    Serif,
    SerifItalic,
    SerifBold,
    SerifBoldItalic,
    Mono,
}

impl FaceId {
    pub const ALL: [FaceId; 5] = [
        FaceId::Serif,
        FaceId::SerifItalic,
        FaceId::SerifBold,
        FaceId::SerifBoldItalic,
        FaceId::Mono,
    ];

    /// The serif face with this weight and slant.
    pub fn serif(bold: bool, italic: bool) -> FaceId {
        match (bold, italic) {
            (false, false) => FaceId::Serif,
            (false, true) => FaceId::SerifItalic,
            (true, false) => FaceId::SerifBold,
            (true, true) => FaceId::SerifBoldItalic,
        }
    }

    fn file(self) -> &'static [u8] {
        match self {
            FaceId::Serif => include_bytes!("../../fonts/NotoSerif-Regular.ttf"),
            FaceId::SerifItalic => include_bytes!("../../fonts/NotoSerif-Italic.ttf"),
            FaceId::SerifBold => include_bytes!("../../fonts/NotoSerif-Bold.ttf"),
            FaceId::SerifBoldItalic => include_bytes!("../../fonts/NotoSerif-BoldItalic.ttf"),
            FaceId::Mono => include_bytes!("../../fonts/JetBrainsMono-Regular.ttf"),
        }
    }

    /// Faces to try, in order, for a character this face lacks.
    pub fn fallbacks(self) -> &'static [FaceId] {
        match self {
            FaceId::Mono => &[FaceId::Serif],
            _ => &[FaceId::Mono],
        }
    }
}

/// A parsed face with the metrics layout needs, in em units (multiply by the size).
pub struct Face {
    /// The font file, for embedding.
    pub data: &'static [u8],
    pub shaper: rustybuzz::Face<'static>,
    pub units_per_em: f32,
    pub ascender: f32,
    /// Negative: below the baseline.
    pub descender: f32,
    pub postscript_name: String,
    /// Advance of the space glyph.
    pub space_width: f32,
    /// Glyph id and advance of the hyphen drawn at a hyphenated line end.
    pub hyphen: (u16, f32),
}

impl Face {
    fn parse(id: FaceId) -> Face {
        let data = id.file();
        // The bundled files are checked by the test suite; a failure here is a build bug.
        let shaper = rustybuzz::Face::from_slice(data, 0).expect("bundled font parses");
        let units_per_em = shaper.units_per_em() as f32;
        let em = |v: i16| v as f32 / units_per_em;
        let postscript_name = shaper
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| format!("{id:?}"));
        let advance = |c: char| {
            shaper
                .glyph_index(c)
                .map(|g| {
                    (
                        g.0,
                        shaper.glyph_hor_advance(g).unwrap_or(0) as f32 / units_per_em,
                    )
                })
                .unwrap_or((0, 0.0))
        };
        let space_width = advance(' ').1;
        let hyphen = advance('-');
        Face {
            data,
            ascender: em(shaper.ascender()),
            descender: em(shaper.descender()),
            units_per_em,
            postscript_name,
            space_width,
            hyphen,
            shaper,
        }
    }

    /// The glyph's advance in thousandths of an em, truncated as a PDF's `/W` array
    /// holds it (printpdf computes it the same way, in f32).
    pub fn pdf_width(&self, glyph: u16) -> i64 {
        let advance = self
            .shaper
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        (advance as f32 * 1000.0 / self.units_per_em) as i64
    }

    pub fn has_char(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }
}

/// All bundled faces.
pub struct FontBook {
    faces: Vec<Face>,
}

impl FontBook {
    /// Parses the bundled faces (about a millisecond each).
    pub fn bundled() -> FontBook {
        FontBook {
            faces: FaceId::ALL.iter().map(|id| Face::parse(*id)).collect(),
        }
    }

    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_cover_latin_cyrillic_and_greek() {
        let book = FontBook::bundled();
        for id in FaceId::ALL {
            let face = book.face(id);
            for c in "AzÉŁőßЖжЯΩωλ€–—“”…".chars() {
                assert!(face.has_char(c), "{id:?} lacks {c}");
            }
            assert!(face.space_width > 0.1 && face.space_width < 0.7, "{id:?}");
            assert!(face.hyphen.0 != 0);
        }
        assert_eq!(
            book.face(FaceId::Serif).postscript_name,
            "NotoSerif-Regular"
        );
    }
}
