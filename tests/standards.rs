//! The tagged PDF read back as a screen reader and a copy would: the structure tree in
//! reading order (`pdfinfo -struct-text`), words broken at a line's end, the claims in the
//! metadata and when they are withheld. veraPDF's verdict is `scripts/pdf-standards`.

mod common;

use common::*;
use folio::RenderOptions;

const ARTICLE: &str = "---
title: Tagged
---

# Heading one

A paragraph with [a link](https://example.org) and a note.[^1]

- first item
- second item

| a | b |
|---|---|
| 1 | 2 |

[^1]: The note.
";

fn render_md(markdown: &str, options: &RenderOptions) -> folio::Rendered {
    engine().render(markdown, options).expect("renders")
}

/// The XMP packet of the catalog, inflated.
fn xmp(pdf: &[u8]) -> String {
    let doc = lopdf(pdf);
    let id = doc
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(lopdf::Object::as_reference)
        .expect("a metadata stream");
    let stream = doc
        .get_object(id)
        .and_then(lopdf::Object::as_stream)
        .expect("a stream");
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).expect("UTF-8 XMP")
}

fn struct_text(pdf: &[u8]) -> String {
    tool("pdfinfo", &["-struct-text", "-"], pdf)
}

#[test]
fn the_structure_tree_reads_as_the_source() {
    let out = render_md(ARTICLE, &RenderOptions::default());
    let tree = struct_text(&out.pdf);
    let expected = r#"Document
  H1 (block)
    "Tagged"
  H1 (block)
    "Heading one"
  P (block)
    "A paragraph with "
    Link (inline)
      Object 20 0
      "a link "
    Link (inline)
      Object 21 0
      "1 "
    "and a note. "
    Link (inline)
      Object 22 0
      "2"
  L (block)
    LI (block)
      Lbl (block)
        "•"
      LBody (block)
        P (block)
          "first item"
    LI (block)
      Lbl (block)
        "•"
      LBody (block)
        P (block)
          "second item"
  Table (block)
    THead
      TR
        TH:
           /Scope /Column
          "a"
        TH:
           /Scope /Column
          "b"
    TBody
      TR
        TD
          "1"
        TD
          "2"
  Note <note-1> (inline)
    Link (inline)
      "1."
      Object 23 0
    P (block)
      Link (inline)
        Object 24 0
        "https://example.org"
  Note <note-2> (inline)
    Link (inline)
      "2."
      Object 25 0
    P (block)
      "The note."
"#;
    assert_eq!(tree.trim_end(), expected.trim_end(), "{tree}");
}

/// The two parts of a word a line ends in `mark` and the next line goes on with: the
/// last word of the first line and the first of the second.
fn broken_at<'a>(pair: &[&'a str], mark: char) -> Option<(&'a str, &'a str)> {
    let head = pair[0].strip_suffix(mark)?;
    let head = head.rsplit(|c: char| !c.is_alphanumeric()).next()?;
    let tail = pair[1].split(|c: char| !c.is_alphanumeric()).next()?;
    Some((head, tail))
}

#[test]
fn a_word_broken_at_a_line_end_reads_back_whole() {
    let md = example("long-essay.md");
    let out = render_md(&md, &RenderOptions::default());
    let text = pdftotext_raw(&out.pdf);
    let source: std::collections::HashSet<String> = md
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut broken = 0;
    for pair in lines.windows(2) {
        if let Some(head) = pair[0].strip_suffix('\u{ad}') {
            assert!(!head.ends_with('-'), "a hyphen before the soft one: {head}");
        }
        let Some((head, tail)) = broken_at(pair, '\u{ad}') else {
            continue;
        };
        let word = format!("{head}{tail}").to_lowercase();
        assert!(
            source.contains(&word),
            "{head}\u{ad} + {tail} is no word of the source"
        );
        broken += 1;
    }
    assert!(broken >= 5, "only {broken} words broken at a line's end");
    // A hyphen at a line's end is one the author wrote (`well-` + `made`).
    for pair in lines.windows(2) {
        let Some((head, tail)) = broken_at(pair, '-') else {
            continue;
        };
        assert!(md.contains(&format!("{head}-{tail}")), "{head}- {tail}");
    }
}

#[test]
fn the_file_claims_both_standards_unless_asked_otherwise() {
    let tagged = render_md(ARTICLE, &RenderOptions::default());
    let claims = xmp(&tagged.pdf);
    assert!(claims.contains("<pdfuaid:part>1</pdfuaid:part>"));
    assert!(
        claims.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>")
    );
    let none = RenderOptions {
        pdf_standard: Some(folio::options::PdfStandard::None),
        ..RenderOptions::default()
    };
    let untagged = render_md(ARTICLE, &none);
    let text = xmp(&untagged.pdf);
    assert!(!text.contains("pdfuaid") && !text.contains("pdfaid"));
    assert!(struct_text(&untagged.pdf).trim().is_empty());
}

#[test]
fn a_character_no_font_has_withholds_the_claim_and_says_why() {
    // A private-use character: no font Folio knows draws it.
    let out = render_md(
        "# Title\n\nText with \u{e000} in it.",
        &RenderOptions::default(),
    );
    let text = xmp(&out.pdf);
    assert!(
        !text.contains("pdfuaid") && !text.contains("pdfaid"),
        "claimed"
    );
    let at = out
        .warnings
        .iter()
        .find_map(|w| match w {
            folio::Warning::StandardNotClaimed { at, .. } => Some(*at),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no refusal in {:?}", out.warnings))
        .expect("a place");
    assert_eq!((at.line, at.column), (3, 11));
    // Still tagged.
    assert!(struct_text(&out.pdf).contains("P (block)"));
}

#[test]
fn the_structure_reads_word_for_word() {
    // A screen reader reads a paragraph's text from the structure, its lines joined: a
    // line broken at a space must end with one, and a word broken at a hyphen must join.
    for name in ["long-essay.md", "mixed-article.md"] {
        let md = example(name);
        let out = render_md(&md, &RenderOptions::default());
        // The date is printed the way the language writes dates.
        let source: std::collections::HashSet<String> = md
            .split(|c: char| !c.is_alphanumeric())
            .chain(["November"])
            .map(str::to_lowercase)
            .collect();
        let tree = struct_text(&out.pdf).replace('\u{ad}', "");
        let mut words = 0;
        for line in tree.lines() {
            let Some(text) = line.trim().strip_prefix('"') else {
                continue;
            };
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                // Note numbers and page numbers are Folio's, not the author's.
                if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                words += 1;
                assert!(
                    source.contains(&word.to_lowercase()),
                    "{name}: `{word}` is no word of the source, in {line}"
                );
            }
        }
        assert!(words > 500, "{name}: only {words} words in the structure");
    }
}

/// Every ToUnicode map of the PDF, decompressed.
fn unicode_maps(pdf: &[u8]) -> Vec<String> {
    let doc = common::lopdf(pdf);
    doc.objects
        .values()
        .filter_map(|object| {
            let dict = object.as_dict().ok()?;
            let stream = dict.get(b"ToUnicode").ok()?.as_reference().ok()?;
            let stream = doc.get_object(stream).ok()?.as_stream().ok()?;
            let bytes = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            Some(String::from_utf8_lossy(&bytes).to_ascii_uppercase())
        })
        .collect()
}

#[test]
fn a_glyph_that_stands_for_no_text_maps_to_a_character_that_prints_nothing() {
    // An Arabic mark drawn with its letter, a glyph of a Devanagari cluster: poppler reads
    // their empty /ActualText span, but PDFium (Chrome's viewer) and MuPDF read the map
    // entry, which was U+FFFD, a replacement character in the copied word.
    for name in ["ar-article.md", "hi-article.md", "th-article.md"] {
        let pdf = render_md(&common::example(name), &RenderOptions::default()).pdf;
        let maps = unicode_maps(&pdf);
        assert!(!maps.is_empty(), "{name}: no ToUnicode map");
        assert!(
            maps.iter().all(|map| !map.contains("<FFFD>")),
            "{name}: a glyph maps to U+FFFD"
        );
    }
    let maps =
        unicode_maps(&render_md(&common::example("ar-article.md"), &RenderOptions::default()).pdf);
    assert!(
        maps.iter().any(|map| map.contains("<2060>")),
        "the Arabic marks map to the word joiner"
    );
}
