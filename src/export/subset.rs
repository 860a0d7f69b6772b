//! Font subsetting: only the glyphs a document uses are embedded (a page of text needs a
//! few hundred of a face's thousands). printpdf subsets only with a heavy optional
//! feature, so Folio does it with allsorts, which printpdf already builds on.

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use allsorts::tag;

/// The tables an embedded subset keeps besides the outlines (`glyf` and `loca`, or
/// `CFF `): what a PDF reader needs to draw the glyphs (the PDF carries the name, the
/// widths and the text). Hinting programs (`cvt `, `fpgm`, `prep`), the `name` table
/// (a kilobyte and a half of names and licence text per face) and `post` are left out:
/// paper never uses them. So is `cmap`: the PDF's codes are glyph ids (`Identity`), so
/// readers never look a character up in the font (poppler, MuPDF and pdfium draw the
/// same pixels without it; a quarter to half a kilobyte per document).
const EMBEDDED_TABLES: [u32; 4] = [tag::HEAD, tag::HHEA, tag::HMTX, tag::MAXP];

/// A subset font program and where each original glyph went.
pub struct Subset {
    pub bytes: Vec<u8>,
    /// Original glyph id → glyph id in the subset.
    pub new_ids: BTreeMap<u16, u16>,
    /// The glyph ids of the copies, in the order asked for.
    pub copy_ids: Vec<u16>,
}

/// Subsets `font` to `used` glyphs, plus a copy of each glyph of `copies` (a glyph's
/// copy draws the same outline under another id, to carry another text). Glyph 0
/// (.notdef) always comes first, and the subset's glyph ids are the positions in that
/// list (allsorts numbers them so; the components of composite glyphs go after it).
pub fn subset_font(
    font: &[u8],
    index: u32,
    used: &BTreeSet<u16>,
    copies: &[u16],
) -> Result<Subset, String> {
    let scope = ReadScope::new(font);
    let font_data = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
    let provider = font_data
        .table_provider(index as usize)
        .map_err(|e| e.to_string())?;
    let originals: Vec<u16> = std::iter::once(0)
        .chain(used.iter().copied().filter(|&g| g != 0))
        .collect();
    let ids: Vec<u16> = originals.iter().chain(copies).copied().collect();
    let bytes = subset(
        &provider,
        &ids,
        &SubsetProfile::Custom(EMBEDDED_TABLES.to_vec()),
        CmapTarget::Unrestricted,
    )
    .map_err(|e| e.to_string())?;
    let new_ids = originals
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new as u16))
        .collect();
    let copy_ids = (originals.len()..ids.len()).map(|n| n as u16).collect();
    Ok(Subset {
        bytes,
        new_ids,
        copy_ids,
    })
}

/// The six-letter tag that marks a subset font's name (`ABCDEF+NotoSerif`), derived
/// from the glyph set so the same document always gets the same name.
pub fn subset_tag(face_name: &str, used: &BTreeSet<u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in face_name
        .bytes()
        .chain(used.iter().flat_map(|g| g.to_be_bytes()))
    {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|i| (b'A' + ((hash >> (i * 5)) % 26) as u8) as char)
        .collect()
}
