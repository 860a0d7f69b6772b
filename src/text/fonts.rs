//! The faces Folio sets text in: the bundled ones (their character maps read with the
//! engine, their layout tables parsed on first use and kept), and installed or user-given
//! fonts for the scripts the bundled faces lack (CJK, emoji...),
//! discovered on the first character that needs them, so that an article the bundled
//! faces cover never pays for a font scan.
//!
//! A face is named by a [`FaceId`]; the choice among installed fonts is deterministic (by
//! a preference list per script, then by family, style and path), so the same input with
//! the same fonts gives the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustybuzz::ttf_parser;
use unicode_script::Script;

/// One face, by its place in the [`FontBook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub u16);

impl FaceId {
    pub const SERIF: FaceId = FaceId(0);
    pub const SERIF_ITALIC: FaceId = FaceId(1);
    pub const SERIF_BOLD: FaceId = FaceId(2);
    pub const SERIF_BOLD_ITALIC: FaceId = FaceId(3);
    pub const MONO: FaceId = FaceId(4);
    pub const MONO_BOLD: FaceId = FaceId(5);
    pub const MONO_ITALIC: FaceId = FaceId(6);
    /// The math font (STIX Two Math): formulas only, never a fallback for text.
    pub const MATH: FaceId = FaceId(15);

    /// The serif face with this weight and slant.
    pub fn serif(bold: bool, italic: bool) -> FaceId {
        match (bold, italic) {
            (false, false) => FaceId::SERIF,
            (false, true) => FaceId::SERIF_ITALIC,
            (true, false) => FaceId::SERIF_BOLD,
            (true, true) => FaceId::SERIF_BOLD_ITALIC,
        }
    }
}

/// The four styles of a family, as faces (a style the family lacks is its nearest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceSet {
    pub regular: FaceId,
    pub italic: FaceId,
    pub bold: FaceId,
    pub bold_italic: FaceId,
}

impl FaceSet {
    /// The bundled serif (Noto Serif).
    pub const SERIF: FaceSet = FaceSet {
        regular: FaceId::SERIF,
        italic: FaceId::SERIF_ITALIC,
        bold: FaceId::SERIF_BOLD,
        bold_italic: FaceId::SERIF_BOLD_ITALIC,
    };

    /// The bundled monospace (JetBrains Mono; its bold stands in for bold italic).
    pub const MONO: FaceSet = FaceSet {
        regular: FaceId::MONO,
        italic: FaceId::MONO_ITALIC,
        bold: FaceId::MONO_BOLD,
        bold_italic: FaceId::MONO_BOLD,
    };

    /// One face for every style.
    pub fn single(face: FaceId) -> FaceSet {
        FaceSet {
            regular: face,
            italic: face,
            bold: face,
            bold_italic: face,
        }
    }

    pub fn pick(&self, bold: bool, italic: bool) -> FaceId {
        match (bold, italic) {
            (false, false) => self.regular,
            (false, true) => self.italic,
            (true, false) => self.bold,
            (true, true) => self.bold_italic,
        }
    }
}

/// The bundled faces: file, whether bold, and the script it is for (`None`: Latin, Greek
/// and Cyrillic, the body faces). Their order gives their [`FaceId`]s.
const BUNDLED: &[(&[u8], bool, bool, Option<Script>)] = &[
    (
        include_bytes!("../../fonts/NotoSerif-Regular.ttf"),
        false,
        false,
        None,
    ),
    (
        include_bytes!("../../fonts/NotoSerif-Italic.ttf"),
        false,
        true,
        None,
    ),
    (
        include_bytes!("../../fonts/NotoSerif-Bold.ttf"),
        true,
        false,
        None,
    ),
    (
        include_bytes!("../../fonts/NotoSerif-BoldItalic.ttf"),
        true,
        true,
        None,
    ),
    (
        include_bytes!("../../fonts/JetBrainsMono-Regular.ttf"),
        false,
        false,
        None,
    ),
    (
        include_bytes!("../../fonts/JetBrainsMono-Bold.ttf"),
        true,
        false,
        None,
    ),
    (
        include_bytes!("../../fonts/JetBrainsMono-Italic.ttf"),
        false,
        true,
        None,
    ),
    (
        include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf"),
        false,
        false,
        Some(Script::Arabic),
    ),
    (
        include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf"),
        true,
        false,
        Some(Script::Arabic),
    ),
    (
        include_bytes!("../../fonts/NotoSerifHebrew-Regular.ttf"),
        false,
        false,
        Some(Script::Hebrew),
    ),
    (
        include_bytes!("../../fonts/NotoSerifHebrew-Bold.ttf"),
        true,
        false,
        Some(Script::Hebrew),
    ),
    (
        include_bytes!("../../fonts/NotoSerifDevanagari-Regular.ttf"),
        false,
        false,
        Some(Script::Devanagari),
    ),
    (
        include_bytes!("../../fonts/NotoSerifDevanagari-Bold.ttf"),
        true,
        false,
        Some(Script::Devanagari),
    ),
    (
        include_bytes!("../../fonts/NotoSerifThai-Regular.ttf"),
        false,
        false,
        Some(Script::Thai),
    ),
    (
        include_bytes!("../../fonts/NotoSerifThai-Bold.ttf"),
        true,
        false,
        Some(Script::Thai),
    ),
    // Last, as `FaceId::MATH`: it is chosen for formulas only, so that text without
    // math is set exactly as before it came.
    (
        include_bytes!("../../fonts/STIXTwoMath-Regular.ttf"),
        false,
        false,
        None,
    ),
];

/// The bytes of every bundled font file (for drawings that set their own text).
pub fn bundled_font_data() -> impl Iterator<Item = &'static [u8]> {
    BUNDLED
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != FaceId::MATH.0 as usize)
        .map(|(_, (bytes, ..))| *bytes)
}

/// How a face draws its glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawing {
    /// Outlines (TrueType or CFF), embedded as a subset font.
    Outlines,
    /// Colour bitmaps (CBDT, sbix): each glyph is drawn as a picture.
    ColorBitmaps,
}

/// A parsed face with the metrics layout needs, in em units (multiply by the size).
pub struct Face {
    /// The font file, for embedding (a collection's whole file; see `index`).
    pub data: &'static [u8],
    /// The face's index in a collection (`.ttc`), 0 otherwise.
    pub index: u32,
    pub shaper: rustybuzz::Face<'static>,
    pub units_per_em: f32,
    pub ascender: f32,
    /// Negative: below the baseline.
    pub descender: f32,
    pub postscript_name: String,
    pub bold: bool,
    pub italic: bool,
    /// The script a bundled face is for (`None` for the body and code faces and for
    /// installed fonts).
    pub script: Option<Script>,
    pub drawing: Drawing,
    /// Advance of the space glyph.
    pub space_width: f32,
    /// Glyph id and advance of the hyphen drawn at a hyphenated line end.
    pub hyphen: (u16, f32),
    /// Shaping plans made so far: building one (looking up the features of a script and
    /// language) costs more than shaping a short run with it.
    plans: Mutex<HashMap<PlanKey, Arc<rustybuzz::ShapePlan>>>,
}

/// What a shaping plan is for: direction (right to left?), script tag, language, and
/// whether ligatures and alternates are off (code).
type PlanKey = (bool, Option<u32>, Option<String>, bool);

/// Ligatures and alternates that would turn what a programmer typed into other glyphs.
const LITERAL_FEATURES: [&[u8; 4]; 4] = [b"liga", b"calt", b"dlig", b"clig"];

impl Face {
    /// Parses a face; `None` when it cannot be shaped with.
    fn parse(data: &'static [u8], index: u32) -> Option<Face> {
        let shaper = rustybuzz::Face::from_slice(data, index)?;
        let units_per_em = shaper.units_per_em() as f32;
        let em = |v: i16| v as f32 / units_per_em;
        let postscript_name = font_name(&shaper, ttf_parser::name_id::POST_SCRIPT_NAME)
            .unwrap_or_else(|| format!("Face{index}"));
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
        let tables = shaper.raw_face();
        let has = |tag: &[u8; 4]| tables.table(ttf_parser::Tag::from_bytes(tag)).is_some();
        let drawing = if !has(b"glyf") && !has(b"CFF ") && (has(b"CBDT") || has(b"sbix")) {
            Drawing::ColorBitmaps
        } else {
            Drawing::Outlines
        };
        Some(Face {
            data,
            index,
            ascender: em(shaper.ascender()),
            descender: em(shaper.descender()),
            units_per_em,
            bold: shaper.is_bold(),
            italic: shaper.is_italic(),
            postscript_name,
            script: None,
            drawing,
            space_width: advance(' ').1,
            hyphen: advance('-'),
            shaper,
            plans: Mutex::new(HashMap::new()),
        })
    }

    /// The shaping plan for text in this direction, script and language, made once and
    /// kept; `literal` turns off ligatures and contextual alternates.
    pub fn plan(
        &self,
        direction: rustybuzz::Direction,
        script: Option<rustybuzz::Script>,
        language: Option<&rustybuzz::Language>,
        literal: bool,
    ) -> Arc<rustybuzz::ShapePlan> {
        let key: PlanKey = (
            direction == rustybuzz::Direction::RightToLeft,
            script.map(|s| s.tag().as_u32()),
            language.map(|l| l.as_str().to_string()),
            literal,
        );
        if let Some(plan) = self.plans.lock().ok().and_then(|p| p.get(&key).cloned()) {
            return plan;
        }
        let features: Vec<rustybuzz::Feature> = if literal {
            LITERAL_FEATURES
                .iter()
                .map(|tag| rustybuzz::Feature::new(ttf_parser::Tag::from_bytes(tag), 0, ..))
                .collect()
        } else {
            Vec::new()
        };
        let plan = Arc::new(rustybuzz::ShapePlan::new(
            &self.shaper,
            direction,
            script,
            language,
            &features,
        ));
        if let Ok(mut plans) = self.plans.lock() {
            plans.insert(key, Arc::clone(&plan));
        }
        plan
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

    /// Whether the face's outlines are TrueType (`glyf`), whose glyphs a subset can
    /// hold twice; CFF subsets are keyed by the original glyphs.
    pub fn copyable_outlines(&self) -> bool {
        self.shaper.tables().glyf.is_some()
    }
}

/// The first of a face's names with id `id` that reads as text.
fn font_name(face: &ttf_parser::Face<'_>, id: u16) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == id)
        .find_map(|n| n.to_string())
}

/// A bundled face: what choosing it needs (family, style, script, its character map) at
/// once, the shaper's parse of its layout tables when first used (a Latin article never
/// parses the Arabic or Thai faces, and a start-up parses none).
struct Bundled {
    data: &'static [u8],
    outline: ttf_parser::Face<'static>,
    family: String,
    bold: bool,
    italic: bool,
    script: Option<Script>,
    face: OnceLock<Face>,
}

impl Bundled {
    fn face(&self) -> &Face {
        self.face.get_or_init(|| {
            let mut face = Face::parse(self.data, 0).expect("bundled font parses");
            face.bold = self.bold;
            face.italic = self.italic;
            face.script = self.script;
            face
        })
    }

    fn has_char(&self, c: char) -> bool {
        self.outline.glyph_index(c).is_some()
    }
}

/// A face found on the machine (or in a user's font folder), parsed when first needed.
struct Installed {
    family: String,
    path: PathBuf,
    index: u32,
    bold: bool,
    italic: bool,
    /// How far the face is from its style's usual weight and width (a light or
    /// condensed face is a family's last choice for its style).
    unusual: u32,
    face: OnceLock<Option<Face>>,
}

/// What a scan of the installed fonts found: the faces, and the files in the user's
/// folders that are not fonts Folio can read, with why.
struct Scanned {
    faces: Vec<Installed>,
    unreadable: Vec<(PathBuf, String)>,
}

/// A fallback question: the face asked for, the character, the CJK region.
type FallbackKey = (FaceId, char, &'static str);

/// Every font Folio can use.
pub struct FontBook {
    bundled: Vec<Bundled>,
    /// Whether installed fonts are looked for at all.
    use_installed: bool,
    /// Whether the system's font folders are among them.
    use_system: bool,
    /// Folders the user added (`--font-dir`, `FOLIO_FONT_DIRS`), scanned with the system's.
    font_dirs: Vec<PathBuf>,
    installed: OnceLock<Scanned>,
    /// Which face serves a character that the face asked for lacks, by (face, char, CJK
    /// region of the language).
    fallback_cache: Mutex<HashMap<FallbackKey, Option<FaceId>>>,
}

/// Families tried first for a script, in order (Noto's CJK families name the region in
/// the last word; the region comes from the article's language).
fn preferred_families(script: Script, lang: &str) -> Vec<String> {
    let cjk = |region: &str| {
        vec![
            format!("Noto Serif CJK {region}"),
            format!("Noto Sans CJK {region}"),
            format!("Source Han Serif {region}"),
            format!("Source Han Sans {region}"),
        ]
    };
    let region = cjk_region(lang, script);
    match script {
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo => {
            let mut families = cjk(region);
            // The other regions still have the character if this one lacks it.
            for other in ["SC", "TC", "JP", "KR", "HK"] {
                if other != region {
                    families.extend(cjk(other));
                }
            }
            families
        }
        _ => Vec::new(),
    }
}

/// The CJK region whose glyph forms an article in `lang` expects.
fn cjk_region(lang: &str, script: Script) -> &'static str {
    let lang = lang.to_ascii_lowercase();
    match script {
        Script::Hangul => return "KR",
        Script::Hiragana | Script::Katakana => return "JP",
        _ => {}
    }
    if lang.starts_with("ja") {
        "JP"
    } else if lang.starts_with("ko") {
        "KR"
    } else if lang.starts_with("zh-hk") || lang.starts_with("zh-mo") {
        "HK"
    } else if lang.starts_with("zh-tw") || lang.starts_with("zh-hant") {
        "TC"
    } else {
        "SC"
    }
}

/// Families tried for a character that is an emoji or a symbol.
const EMOJI_FAMILIES: [&str; 2] = ["Noto Color Emoji", "Noto Emoji"];
const SYMBOL_FAMILIES: [&str; 4] = [
    "Noto Sans Symbols 2",
    "Noto Sans Symbols",
    "Noto Sans Math",
    "DejaVu Sans",
];

impl FontBook {
    /// The bundled faces (about a millisecond each to parse), and installed fonts looked
    /// for when first needed: those in `font_dirs`, with the system's font folders only if
    /// `system` (without them, output does not depend on what the machine has installed).
    pub fn with_sources(system: bool, font_dirs: Vec<PathBuf>) -> FontBook {
        FontBook {
            use_installed: true,
            use_system: system,
            ..FontBook::bundled_with(font_dirs)
        }
    }

    /// The bundled faces only (no installed font is ever looked at).
    #[cfg(test)]
    pub fn bundled() -> FontBook {
        FontBook::bundled_with(Vec::new())
    }

    fn bundled_with(font_dirs: Vec<PathBuf>) -> FontBook {
        let bundled = BUNDLED
            .iter()
            .map(|&(data, bold, italic, script)| {
                // The bundled files are checked by the test suite.
                let outline = ttf_parser::Face::parse(data, 0).expect("bundled font parses");
                let family = font_name(&outline, ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
                    .or_else(|| font_name(&outline, ttf_parser::name_id::FAMILY))
                    .unwrap_or_default();
                Bundled {
                    data,
                    outline,
                    family,
                    bold,
                    italic,
                    script,
                    face: OnceLock::new(),
                }
            })
            .collect();
        FontBook {
            bundled,
            use_installed: false,
            use_system: false,
            font_dirs,
            installed: OnceLock::new(),
            fallback_cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn face(&self, id: FaceId) -> &Face {
        let i = id.0 as usize;
        if let Some(bundled) = self.bundled.get(i) {
            return bundled.face();
        }
        // Ids of installed faces are handed out only once the face is parsed.
        self.installed
            .get()
            .and_then(|all| all.faces.get(i - self.bundled.len()))
            .and_then(|f| f.face.get())
            .and_then(Option::as_ref)
            .unwrap_or_else(|| self.bundled[0].face())
    }

    /// The family name of a face.
    #[cfg(test)]
    pub fn family_name(&self, id: FaceId) -> &str {
        let i = id.0 as usize;
        match self.bundled.get(i) {
            Some(bundled) => &bundled.family,
            None => self
                .installed()
                .get(i - self.bundled.len())
                .map_or("", |installed| installed.family.as_str()),
        }
    }

    /// The faces of a family by its name (any case): bundled, or installed (found then,
    /// and parsed). A style the family lacks is taken from the nearest it has (bold
    /// italic from bold, italic and bold from regular). `None` if no such family exists.
    pub fn family(&self, name: &str) -> Option<FaceSet> {
        let bundled: Vec<(FaceId, bool, bool)> = self
            .bundled
            .iter()
            .enumerate()
            .filter(|(_, f)| f.family.eq_ignore_ascii_case(name))
            .map(|(i, f)| (FaceId(i as u16), f.bold, f.italic))
            .collect();
        let found = if bundled.is_empty() {
            let installed = self.installed();
            (0..installed.len())
                .filter(|&i| installed[i].family.eq_ignore_ascii_case(name))
                .filter(|&i| self.load(i).is_some())
                .map(|i| {
                    let id = FaceId((self.bundled.len() + i) as u16);
                    (id, installed[i].bold, installed[i].italic)
                })
                .collect()
        } else {
            bundled
        };
        let style = |bold: bool, italic: bool| {
            found
                .iter()
                .find(|(_, b, i)| *b == bold && *i == italic)
                .map(|(id, _, _)| *id)
        };
        let regular = style(false, false).or_else(|| found.first().map(|f| f.0))?;
        let bold = style(true, false).unwrap_or(regular);
        Some(FaceSet {
            regular,
            italic: style(false, true).unwrap_or(regular),
            bold,
            bold_italic: style(true, true).unwrap_or(bold),
        })
    }

    /// The bundled face for a script and weight, if there is one.
    pub fn script_face(&self, script: Script, bold: bool) -> Option<FaceId> {
        let mut found = None;
        for (i, face) in self.bundled.iter().enumerate() {
            if face.script == Some(script) {
                if face.bold == bold {
                    return Some(FaceId(i as u16));
                }
                found.get_or_insert(FaceId(i as u16));
            }
        }
        found
    }

    /// The face to set `c` in when `preferred` lacks it: the bundled faces first (the
    /// script's own face, then the others), then installed fonts (the script's preferred
    /// families, symbol and emoji families, then any that has it). `None` when no font
    /// has it.
    /// `first` are faces the design names for fallback, tried before all that.
    pub fn fallback(
        &self,
        preferred: FaceId,
        c: char,
        lang: &str,
        first: &[FaceId],
    ) -> Option<FaceId> {
        if self.face(preferred).has_char(c) {
            return Some(preferred);
        }
        if let Some(&id) = first.iter().find(|id| self.face(**id).has_char(c)) {
            return Some(id);
        }
        // The choice depends on the language only through the CJK region.
        let key = (preferred, c, cjk_region(lang, Script::Han));
        if let Ok(cache) = self.fallback_cache.lock() {
            if let Some(found) = cache.get(&key) {
                return *found;
            }
        }
        let found = self.find(preferred, c, lang);
        if let Ok(mut cache) = self.fallback_cache.lock() {
            cache.insert(key, found);
        }
        found
    }

    fn find(&self, preferred: FaceId, c: char, lang: &str) -> Option<FaceId> {
        let script = Script::from(c);
        let bold = self.face(preferred).bold;
        if let Some(id) = self
            .script_face(script, bold)
            .filter(|id| self.face(*id).has_char(c))
        {
            return Some(id);
        }
        // The general faces first, then the script faces: punctuation shared by several
        // scripts (the danda, Arabic comma) is found in a script face.
        // The math font is for formulas only.
        let text_faces = &self.bundled[..FaceId::MATH.0 as usize];
        let general = text_faces
            .iter()
            .position(|f| f.script.is_none() && f.has_char(c));
        let scripted = || {
            text_faces
                .iter()
                .position(|f| f.script.is_some() && f.bold == bold && f.has_char(c))
                .or_else(|| text_faces.iter().position(|f| f.has_char(c)))
        };
        if let Some(i) = general.or_else(scripted) {
            return Some(FaceId(i as u16));
        }
        let installed = self.installed();
        let usable = |i: usize| self.load(i).filter(|face| face.has_char(c)).is_some();
        let by_family = |families: &[String]| {
            families.iter().find_map(|family| {
                installed
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.family.eq_ignore_ascii_case(family))
                    // The weight asked for, if the family has it.
                    .min_by_key(|(_, f)| (f.bold != bold, f.italic))
                    .map(|(i, _)| i)
                    .filter(|&i| usable(i))
            })
        };
        let mut families = preferred_families(script, lang);
        if is_emoji(c) {
            families.extend(EMOJI_FAMILIES.iter().map(|s| s.to_string()));
        }
        families.extend(SYMBOL_FAMILIES.iter().map(|s| s.to_string()));
        let index = by_family(&families).or_else(|| {
            // Any installed face that has it, in a fixed order, the weight asked for
            // first; a colour emoji font only for emoji (it maps digits and spaces too).
            let mut candidates: Vec<usize> = (0..installed.len()).collect();
            candidates.sort_by_key(|&i| (installed[i].bold != bold, installed[i].italic));
            candidates.into_iter().find(|&i| {
                usable(i)
                    && (is_emoji(c) || self.load(i).is_some_and(|f| f.drawing == Drawing::Outlines))
            })
        })?;
        Some(FaceId((self.bundled.len() + index) as u16))
    }

    /// The installed fonts, in a fixed order (found on first use).
    fn installed(&self) -> &[Installed] {
        &self.scanned().faces
    }

    fn scanned(&self) -> &Scanned {
        self.installed.get_or_init(|| {
            if self.use_installed {
                scan(self.use_system, &self.font_dirs)
            } else {
                Scanned {
                    faces: Vec::new(),
                    unreadable: Vec::new(),
                }
            }
        })
    }

    /// The files in the user's font folders that are not fonts Folio can read, and why.
    pub fn unreadable(&self) -> &[(PathBuf, String)] {
        &self.scanned().unreadable
    }

    fn load(&self, i: usize) -> Option<&Face> {
        let entry = self.installed().get(i)?;
        entry
            .face
            .get_or_init(|| {
                let data = map_file(&entry.path)?;
                Face::parse(data, entry.index)
            })
            .as_ref()
    }

    /// Every face Folio can use, bundled then installed, for `folio fonts`.
    pub fn list(&self) -> Vec<FontInfo> {
        let style = |bold: bool, italic: bool| {
            match (bold, italic) {
                (false, false) => "regular",
                (false, true) => "italic",
                (true, false) => "bold",
                (true, true) => "bold italic",
            }
            .to_string()
        };
        let mut out: Vec<FontInfo> = self
            .bundled
            .iter()
            .map(|f| FontInfo {
                family: f.family.clone(),
                style: style(f.bold, f.italic),
                source: "bundled".to_string(),
            })
            .collect();
        out.extend(self.installed().iter().map(|f| FontInfo {
            family: f.family.clone(),
            style: style(f.bold, f.italic),
            source: f.path.display().to_string(),
        }));
        out
    }
}

/// A font face the engine can use, as `folio fonts` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontInfo {
    /// The family name (`Noto Serif`).
    pub family: String,
    /// `regular`, `italic`, `bold` or `bold italic`.
    pub style: String,
    /// `bundled`, or the installed font file's path.
    pub source: String,
}

/// Whether a character is an emoji (the pictographic ranges, and the joiners and
/// selectors of emoji sequences).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

/// The system's font folders (if `system`) and the user's, scanned for faces (their
/// names only). The user's folders are walked here, each file's header checked before
/// the font database reads it (a collection that claims four billion faces would
/// otherwise take a minute to refuse); a file that gives no face is reported.
fn scan(system: bool, extra: &[PathBuf]) -> Scanned {
    let mut db = fontdb::Database::new();
    if system {
        db.load_system_fonts();
    }
    let mut unreadable = Vec::new();
    for dir in extra {
        for path in font_files(dir) {
            let before = db.len();
            match check_font_header(&path) {
                Err(reason) => unreadable.push((path, reason)),
                Ok(()) => {
                    if let Err(e) = db.load_font_file(&path) {
                        unreadable.push((path, format!("cannot be read ({e})")));
                    } else if db.len() == before {
                        unreadable.push((path, "holds no face Folio can read".to_string()));
                    }
                }
            }
        }
    }
    let mut found: Vec<Installed> = db
        .faces()
        .filter_map(|info| {
            let path = match &info.source {
                fontdb::Source::File(path) => path.clone(),
                fontdb::Source::SharedFile(path, _) => path.clone(),
                fontdb::Source::Binary(_) => return None,
            };
            let bold = info.weight.0 >= 600;
            let usual_weight: u16 = if bold { 700 } else { 400 };
            let normal_width = fontdb::Stretch::Normal.to_number();
            Some(Installed {
                family: info.families.first().map(|(name, _)| name.clone())?,
                path,
                index: info.index,
                bold,
                italic: info.style != fontdb::Style::Normal,
                unusual: u32::from(info.weight.0.abs_diff(usual_weight))
                    + 100 * u32::from(info.stretch.to_number().abs_diff(normal_width)),
                face: OnceLock::new(),
            })
        })
        .collect();
    // A fixed order, whatever order the folders were read in; within a family and
    // style, the usual weight and width first.
    found.sort_by(|a, b| {
        (&a.family, a.bold, a.italic, a.unusual, &a.path, a.index)
            .cmp(&(&b.family, b.bold, b.italic, b.unusual, &b.path, b.index))
    });
    unreadable.sort();
    Scanned {
        faces: found,
        unreadable,
    }
}

/// The font files under `dir` (by extension: TrueType, OpenType and their collections),
/// in a fixed order. Folders are followed at most [`MAX_FONT_DIR_DEPTH`] deep, so a link
/// that loops ends.
fn font_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if depth < MAX_FONT_DIR_DEPTH {
                    folders.push((path, depth + 1));
                }
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            }) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// How deep font folders are walked.
const MAX_FONT_DIR_DEPTH: usize = 8;

/// The most faces a font collection may hold (the largest in use hold a few dozen).
const MAX_COLLECTION_FACES: u32 = 1024;

/// Refuses a file whose header cannot be a font's: too short, or a collection whose
/// face count does not fit its file or is past [`MAX_COLLECTION_FACES`].
fn check_font_header(path: &Path) -> Result<(), String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot be opened ({e})"))?;
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = [0u8; 12];
    if file.read_exact(&mut head).is_err() {
        return Err("is too short to be a font".to_string());
    }
    if &head[..4] == b"ttcf" {
        let faces = u32::from_be_bytes([head[8], head[9], head[10], head[11]]);
        if faces == 0 || faces > MAX_COLLECTION_FACES || 12 + 4 * u64::from(faces) > length {
            return Err(format!(
                "is a font collection whose header claims {faces} faces"
            ));
        }
    }
    Ok(())
}

/// A font file, mapped into memory for the life of the program (installed fonts are
/// parsed once per engine and kept).
fn map_file(path: &Path) -> Option<&'static [u8]> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: font files are not modified while Folio runs; a font changed under a
    // running service would at worst draw wrong glyphs, as with any font cache.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Some(Box::leak(Box::new(map)))
}

/// Characters no font has, grouped by script (emoji as their own group), each group's
/// name and characters in a fixed order.
pub fn missing_by_script(chars: &BTreeSet<char>) -> Vec<(String, String)> {
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    for &c in chars {
        let name = if is_emoji(c) {
            "Emoji".to_string()
        } else {
            Script::from(c).full_name().replace('_', " ")
        };
        groups.entry(name).or_default().push(c);
    }
    groups.into_iter().collect()
}

/// The Debian package with fonts for a script (as [`missing_by_script`] names it).
pub fn package_for(script: &str) -> &'static str {
    match script {
        "Han" | "Hiragana" | "Katakana" | "Hangul" | "Bopomofo" => "fonts-noto-cjk",
        "Emoji" => "fonts-noto-color-emoji",
        _ => "fonts-noto-core",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_font_files_are_reported_by_name_and_cost_nothing() {
        let dir = std::env::temp_dir().join(format!("folio-bad-fonts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("nested")).unwrap();
        // A collection that claims 0xFFFFFFFF faces (fontdb would try each), an empty
        // file, and text named like a font.
        let mut bomb = b"ttcf\x00\x01\x00\x00\xff\xff\xff\xff".to_vec();
        bomb.resize(4096, 0);
        std::fs::write(dir.join("bomb.ttc"), bomb).unwrap();
        std::fs::write(dir.join("empty.ttf"), b"").unwrap();
        std::fs::write(dir.join("nested/junk.otf"), b"not a font".repeat(20)).unwrap();
        let book = FontBook::with_sources(false, vec![dir.clone()]);
        let reasons: Vec<(String, &str)> = book
            .unreadable()
            .iter()
            .map(|(path, reason)| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, reason.as_str())
            })
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "bomb.ttc".to_string(),
                    "is a font collection whose header claims 4294967295 faces"
                ),
                ("empty.ttf".to_string(), "is too short to be a font"),
                ("junk.otf".to_string(), "holds no face Folio can read"),
            ]
        );
        assert!(book.installed().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bundled_faces_cover_latin_cyrillic_and_greek() {
        let book = FontBook::bundled();
        for id in 0..5 {
            let face = book.face(FaceId(id));
            for c in "AzÉŁőßЖжЯΩωλ€–—“”…".chars() {
                assert!(face.has_char(c), "{} lacks {c}", face.postscript_name);
            }
            assert!(face.space_width > 0.1 && face.space_width < 0.7);
            assert!(face.hyphen.0 != 0);
        }
        assert_eq!(
            book.face(FaceId::SERIF).postscript_name,
            "NotoSerif-Regular"
        );
    }

    #[test]
    fn bundled_faces_for_right_to_left_and_indic_scripts() {
        let book = FontBook::bundled();
        for (script, sample) in [
            (Script::Arabic, "سلام"),
            (Script::Hebrew, "שלום"),
            (Script::Devanagari, "नमस्ते"),
            (Script::Thai, "สวัสดี"),
        ] {
            for bold in [false, true] {
                let id = book.script_face(script, bold).unwrap();
                assert_eq!(book.face(id).bold, bold);
                for c in sample.chars() {
                    assert!(book.face(id).has_char(c), "{script:?} lacks {c}");
                    assert_eq!(
                        book.fallback(FaceId::serif(bold, false), c, "en", &[]),
                        Some(id)
                    );
                }
            }
        }
    }

    #[test]
    fn characters_the_serif_lacks_come_from_another_bundled_face_first() {
        let book = FontBook::bundled();
        // The box-drawing character is in the monospace face.
        assert_eq!(
            book.fallback(FaceId::SERIF, '\u{2503}', "en", &[]),
            Some(FaceId::MONO)
        );
        assert_eq!(
            book.fallback(FaceId::SERIF, 'a', "en", &[]),
            Some(FaceId::SERIF)
        );
        // Punctuation of several scripts (the danda) is found in a script face.
        let danda = book.fallback(FaceId::SERIF, '\u{964}', "en", &[]).unwrap();
        assert_eq!(book.face(danda).script, Some(Script::Devanagari));
        let bold = book
            .fallback(FaceId::SERIF_BOLD, '\u{964}', "en", &[])
            .unwrap();
        assert!(book.face(bold).bold);
    }

    #[test]
    fn missing_characters_are_named_by_script_with_a_package() {
        let chars: BTreeSet<char> = "中か한😀ꆈ".chars().collect();
        let groups = missing_by_script(&chars);
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Emoji", "Han", "Hangul", "Hiragana", "Yi"]);
        assert_eq!(package_for("Han"), "fonts-noto-cjk");
        assert_eq!(package_for("Emoji"), "fonts-noto-color-emoji");
        assert_eq!(package_for("Yi"), "fonts-noto-core");
    }

    #[test]
    fn cjk_regions_follow_the_language() {
        assert_eq!(cjk_region("ja", Script::Han), "JP");
        assert_eq!(cjk_region("zh-TW", Script::Han), "TC");
        assert_eq!(cjk_region("zh-Hans", Script::Han), "SC");
        assert_eq!(cjk_region("en", Script::Hangul), "KR");
        assert_eq!(
            preferred_families(Script::Han, "ko")[0],
            "Noto Serif CJK KR"
        );
    }
}
