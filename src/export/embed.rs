//! Embedded fonts: a face's subset program and the dictionaries a reader needs to draw it
//! and read its text back (`/W` widths, the `/ToUnicode` map, the descriptor), written
//! straight into the lopdf document. printpdf would build these only from its own text
//! operations, after parsing each subset again.
//!
//! Every font is a `Type0` font with `Identity-H` encoding: two-byte codes that are the
//! subset's glyph ids (TrueType, and CFF keyed by name) or the CIDs its charset gives
//! them (CFF keyed by CID, which readers look up through that charset).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use super::content::push_hex;
use super::subset;
use super::text::{EmbeddedFace, TextLayer};
use crate::error::Error;
use crate::text::fonts::Face;
use crate::text::FaceId;

/// Width of a code the `/W` array does not list (none it draws).
const DEFAULT_WIDTH: i64 = 1000;

/// At most this many entries in one `beginbfchar` block (a CMap's limit).
const BFCHAR_BLOCK: usize = 100;

/// FontDescriptor `/Flags` (ISO 32000-1, table 123).
const FLAG_FIXED_PITCH: i64 = 1;
const FLAG_NONSYMBOLIC: i64 = 1 << 5;
const FLAG_ITALIC: i64 = 1 << 6;

/// Subsets `face` to `glyphs` (and copies of glyphs that stand for further texts, from
/// `layer`), adds its objects to `doc` and returns the font dictionary's id and how to
/// draw with it under resource name `resource`.
pub fn embed_face(
    doc: &mut Document,
    face: &Face,
    face_id: FaceId,
    resource: String,
    glyphs: &BTreeSet<u16>,
    layer: &TextLayer,
) -> Result<(ObjectId, EmbeddedFace), Error> {
    let failed =
        |what: &str, e: String| Error::Internal(format!("{what} {}: {e}", face.postscript_name));
    let copies = layer.copies(face_id);
    let originals: Vec<u16> = copies.iter().map(|(glyph, _)| *glyph).collect();
    let subset = subset::subset_font(face.data, face.index, glyphs, &originals)
        .map_err(|e| failed("subsetting", e))?;

    // What kind of program the subset is decides how it is embedded, and what its codes
    // are: glyph ids, except in a CID-keyed CFF font, where readers look the codes up as
    // CIDs in its charset.
    let mut charset = BTreeMap::new();
    let (subtype, file_key, file) = match printpdf::extract_cid_keyed_cff(&subset.bytes, 0) {
        // The bare `CFF ` table.
        Some(cff) => {
            charset = printpdf::cff_charset_gid_to_cid_map(&subset.bytes, 0).unwrap_or_default();
            (
                "CIDFontType0",
                "FontFile3",
                font_file3("CIDFontType0C", cff),
            )
        }
        // A whole OpenType font with CFF outlines keyed by name.
        None if subset.bytes.starts_with(b"OTTO") => (
            "CIDFontType0",
            "FontFile3",
            font_file3("OpenType", subset.bytes),
        ),
        // TrueType outlines.
        None => {
            let length = subset.bytes.len() as i64;
            let dict = Dictionary::from_iter([("Length1", Object::Integer(length))]);
            ("CIDFontType2", "FontFile2", Stream::new(dict, subset.bytes))
        }
    };
    let code = |gid: u16| charset.get(&gid).copied().unwrap_or(gid);

    // Each code's width and text: the glyphs' own (variant 0), then their copies'.
    let mut glyph_codes: Vec<(u16, i64, &str)> = Vec::with_capacity(glyphs.len() + copies.len());
    let mut codes = FxHashMap::default();
    let mut copy_codes = FxHashMap::default();
    let own = subset
        .new_ids
        .iter()
        .map(|(&glyph, &gid)| ((glyph, 0), gid));
    let copied = copies.iter().copied().zip(subset.copy_ids.iter().copied());
    for ((original, variant), gid) in own.chain(copied) {
        let text = layer.texts(face_id, original).get(variant);
        glyph_codes.push((
            code(gid),
            face.pdf_width(original),
            text.map_or("", String::as_str),
        ));
        if variant == 0 {
            codes.insert(original, code(gid));
        } else {
            copy_codes.insert((original, variant), code(gid));
        }
    }
    glyph_codes.sort_unstable_by_key(|(code, _, _)| *code);
    glyph_codes.dedup_by_key(|(code, _, _)| *code);

    let base_font = Object::Name(
        format!(
            "{}+{}",
            subset::subset_tag(&face.postscript_name, glyphs),
            face.postscript_name
        )
        .into_bytes(),
    );
    let file = doc.add_object(file);
    let mut descriptor = descriptor(face, base_font.clone());
    descriptor.set(file_key, file);
    let descriptor = doc.add_object(descriptor);

    let mut descendant = Dictionary::from_iter([
        ("Type", name("Font")),
        ("Subtype", name(subtype)),
        ("BaseFont", base_font.clone()),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter([
                (
                    "Registry",
                    Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                ),
                (
                    "Ordering",
                    Object::String(b"Identity".to_vec(), StringFormat::Literal),
                ),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("DW", Object::Integer(DEFAULT_WIDTH)),
        ("W", widths(&glyph_codes)),
    ]);
    if subtype == "CIDFontType2" {
        descendant.set("CIDToGIDMap", name("Identity"));
    }
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode(&glyph_codes)));
    let font = doc.add_object(Dictionary::from_iter([
        ("Type", name("Font")),
        ("Subtype", name("Type0")),
        ("BaseFont", base_font),
        ("Encoding", name("Identity-H")),
        ("ToUnicode", Object::Reference(to_unicode)),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Dictionary(descendant)]),
        ),
    ]));
    Ok((
        font,
        EmbeddedFace {
            name: resource,
            codes,
            copies: copy_codes,
        },
    ))
}

/// A `/FontFile3` stream of the given subtype.
fn font_file3(subtype: &str, program: Vec<u8>) -> Stream {
    Stream::new(Dictionary::from_iter([("Subtype", name(subtype))]), program)
}

fn name(n: &str) -> Object {
    Object::Name(n.as_bytes().to_vec())
}

/// The font descriptor: metrics in thousandths of an em, for readers that must
/// substitute or synthesise the face.
fn descriptor(face: &Face, font_name: Object) -> Dictionary {
    let tables = &face.shaper;
    let scale = 1000.0 / face.units_per_em;
    let units = |v: i16| (f32::from(v) * scale).round() as i64;
    let bbox = tables.global_bounding_box();
    let italic_angle = tables.italic_angle();
    let mut flags = FLAG_NONSYMBOLIC;
    if italic_angle != 0.0 || face.italic {
        flags |= FLAG_ITALIC;
    }
    if tables.is_monospaced() {
        flags |= FLAG_FIXED_PITCH;
    }
    // No table gives the stem width; the usual estimate from the weight class (about 88
    // at 400, 166 at 700).
    let weight = f32::from(tables.weight().to_number());
    let stem_v = 50 + (weight / 65.0).powi(2).round() as i64;
    Dictionary::from_iter([
        ("Type", name("FontDescriptor")),
        ("FontName", font_name),
        ("Flags", Object::Integer(flags)),
        (
            "FontBBox",
            Object::Array(
                [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max]
                    .into_iter()
                    .map(|v| Object::Integer(units(v)))
                    .collect(),
            ),
        ),
        ("ItalicAngle", Object::Real(italic_angle)),
        ("Ascent", Object::Integer(units(tables.ascender()))),
        ("Descent", Object::Integer(units(tables.descender()))),
        (
            "CapHeight",
            Object::Integer(units(tables.capital_height().unwrap_or(tables.ascender()))),
        ),
        ("StemV", Object::Integer(stem_v)),
    ])
}

/// The `/W` array: each run of consecutive codes as `first [w w …]`.
fn widths(codes: &[(u16, i64, &str)]) -> Object {
    let mut array = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut next = None;
    for &(code, width, _) in codes {
        if next != Some(code) {
            if !run.is_empty() {
                array.push(Object::Array(std::mem::take(&mut run)));
            }
            array.push(Object::Integer(i64::from(code)));
        }
        run.push(Object::Integer(width));
        next = code.checked_add(1);
    }
    if !run.is_empty() {
        array.push(Object::Array(run));
    }
    Object::Array(array)
}

/// The `/ToUnicode` CMap: each code's text, in UTF-16BE. Codes that stand for nothing
/// (the second glyph of a cluster) are left out. Runs of codes that map to runs of
/// characters (digits, an alphabet in order) are written as ranges.
fn to_unicode(codes: &[(u16, i64, &str)]) -> Vec<u8> {
    let mut out = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        .to_vec();
    let mut singles: Vec<(u16, &str)> = Vec::new();
    let mut ranges: Vec<(u16, u16, u16)> = Vec::new();
    let mapped = codes.iter().filter(|(_, _, text)| !text.is_empty());
    for &(code, _, text) in mapped {
        let unit = single_unit(text);
        // A range may only vary the codes' and the characters' last byte.
        let extends = |&(first, last, start): &(u16, u16, u16)| {
            code == last + 1
                && code >> 8 == first >> 8
                && unit.is_some_and(|u| u == start + (code - first) && u >> 8 == start >> 8)
        };
        match ranges.last_mut() {
            Some(range) if extends(range) => range.1 = code,
            _ => match (singles.last(), unit) {
                (Some(&(before, text_before)), Some(u))
                    if before + 1 == code
                        && before >> 8 == code >> 8
                        && single_unit(text_before) == u.checked_sub(1)
                        && u >> 8 == (u - 1) >> 8 =>
                {
                    singles.pop();
                    ranges.push((before, code, u - 1));
                }
                _ => singles.push((code, text)),
            },
        }
    }
    for block in singles.chunks(BFCHAR_BLOCK) {
        out.extend_from_slice(format!("{} beginbfchar\n", block.len()).as_bytes());
        for (code, text) in block {
            out.push(b'<');
            push_hex(&mut out, &code.to_be_bytes());
            out.extend_from_slice(b"> <");
            let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            push_hex(&mut out, &units);
            out.extend_from_slice(b">\n");
        }
        out.extend_from_slice(b"endbfchar\n");
    }
    for block in ranges.chunks(BFCHAR_BLOCK) {
        out.extend_from_slice(format!("{} beginbfrange\n", block.len()).as_bytes());
        for (first, last, start) in block {
            for (i, value) in [first, last, start].into_iter().enumerate() {
                out.extend_from_slice(if i == 0 { b"<" } else { b" <" });
                push_hex(&mut out, &value.to_be_bytes());
                out.push(b'>');
            }
            out.push(b'\n');
        }
        out.extend_from_slice(b"endbfrange\n");
    }
    out.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

/// The text's one UTF-16 unit, if it is one character of the basic plane.
fn single_unit(text: &str) -> Option<u16> {
    let mut units = text.encode_utf16();
    match (units.next(), units.next()) {
        (Some(unit), None) => Some(unit),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_group_consecutive_codes() {
        let codes = [(0, 500, ""), (1, 600, "a"), (2, 700, "b"), (7, 300, "c")];
        let Object::Array(array) = widths(&codes) else {
            panic!("an array");
        };
        let printed: Vec<String> = array
            .iter()
            .map(|o| match o {
                Object::Integer(n) => n.to_string(),
                Object::Array(ws) => format!("{ws:?}"),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(printed.len(), 4);
        assert_eq!(printed[0], "0");
        assert_eq!(printed[2], "7");
    }

    #[test]
    fn to_unicode_maps_texts_and_skips_empty_ones() {
        let codes = [(0, 500, ""), (3, 600, "fi"), (4, 700, "😀")];
        let cmap = String::from_utf8(to_unicode(&codes)).unwrap();
        assert!(cmap.contains("2 beginbfchar\n<0003> <00660069>\n<0004> <D83DDE00>\nendbfchar"));
        assert_eq!(
            cmap.matches("<0000>").count(),
            1,
            "only in the code space range"
        );
    }

    #[test]
    fn to_unicode_writes_runs_as_ranges() {
        let codes = [
            (6, 0, "0"),
            (7, 0, "1"),
            (8, 0, "2"),
            (9, 0, "x"),
            (10, 0, "fi"),
            (0xff, 0, "a"),
            (0x100, 0, "b"),
        ];
        let cmap = String::from_utf8(to_unicode(&codes)).unwrap();
        assert!(cmap.contains("1 beginbfrange\n<0006> <0008> <0030>\nendbfrange"));
        assert!(cmap.contains(
            "4 beginbfchar\n<0009> <0078>\n<000A> <00660069>\n<00FF> <0061>\n<0100> <0062>\n"
        ));
    }
}
