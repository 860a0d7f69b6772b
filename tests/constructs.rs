//! Each construct of a blog post as it should come out on paper.

mod common;

use common::*;
use folio::layout::{Anchor, AnchorKey, Element, NoteId};
use folio::RenderOptions;

fn anchor(anchors: &[Anchor], key: AnchorKey) -> Option<&Anchor> {
    anchors.iter().find(|a| a.key == key)
}

/// The place note `n` (numbered from 1) is referenced, and the note.
fn note_and_reference(anchors: &[Anchor], n: u32) -> (&Anchor, &Anchor) {
    let id = NoteId(n - 1);
    let reference = anchor(anchors, AnchorKey::NoteRef(id)).expect("reference placed");
    let note = anchor(anchors, AnchorKey::Note(id)).expect("note placed");
    (reference, note)
}

/// A long article with a footnote in every paragraph, some long.
fn footnoted_article() -> String {
    let mut md = String::from("# Notes everywhere\n\n");
    for i in 1..=40 {
        md.push_str(&format!(
            "Paragraph {i} talks about typesetting at some length, so that the pages fill up and \
             the references land at every height of the page, near the top, the middle and the \
             bottom, where a footnote is hardest to place.[^n{i}] It then goes on a little.\n\n"
        ));
        let note = if i % 7 == 0 {
            "A long note. ".repeat(60)
        } else {
            format!("Note {i} explains a detail.")
        };
        md.push_str(&format!("[^n{i}]: {note}\n\n"));
    }
    md
}

#[test]
fn every_footnote_starts_on_the_page_of_its_reference() {
    let typeset = typeset(&footnoted_article(), &RenderOptions::default());
    assert!(typeset.layout.pages.len() >= 4);
    for n in 1..=40 {
        let (reference, note) = note_and_reference(&typeset.layout.anchors, n);
        assert_eq!(reference.page, note.page, "note {n}");
        assert!(note.y > reference.y, "note {n} sits below its reference");
    }
}

#[test]
fn a_long_note_continues_on_the_next_page_and_keeps_its_words() {
    let mut md = String::from("Intro.\n\n");
    for i in 0..28 {
        md.push_str(&format!("Filler paragraph {i} with enough words to take two lines of text on the page, more or less, as filler does.\n\n"));
    }
    md.push_str("The reference comes late on the page.[^big]\n\n");
    md.push_str("Then more text follows.\n\n");
    let note: String = (0..700).map(|i| format!("w{i} ")).collect();
    md.push_str(&format!("[^big]: {note}\n"));
    let out = engine().render(&md, &RenderOptions::default()).unwrap();
    let typeset = typeset(&md, &RenderOptions::default());
    let (reference, note) = note_and_reference(&typeset.layout.anchors, 1);
    assert_eq!(reference.page, note.page);
    // The note's last words are on a later page than its first.
    let text = pdftotext(&out.pdf);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let first = pages.iter().position(|p| p.contains("w0 ")).unwrap();
    let last = pages.iter().position(|p| p.contains("w699")).unwrap();
    assert!(
        last > first,
        "the note was expected to continue on the next page"
    );
    let source = source_words(&md);
    let extracted = pdf_words(&text, &source);
    assert!(missing_words(&source, &extracted).is_empty());
}

#[test]
fn footnote_reference_and_note_link_to_each_other() {
    let md = "Text with a note.[^a]\n\n[^a]: The note.";
    let out = engine().render(md, &RenderOptions::default()).unwrap();
    let doc = lopdf(&out.pdf);
    let gotos = annotations(&doc)
        .iter()
        .filter(|a| {
            a.get(b"A")
                .unwrap()
                .as_dict()
                .unwrap()
                .get(b"S")
                .unwrap()
                .as_name()
                .unwrap()
                == b"GoTo"
        })
        .count();
    assert_eq!(gotos, 2);
    let text = pdftotext(&out.pdf);
    assert!(text.contains("Text with a note. 1"), "{text}");
    assert!(text.contains("1. The note."), "{text}");
}

#[test]
fn link_addresses_follow_the_links_option() {
    let md = "Read [the guide](https://guide.example/start) and [the guide again](https://guide.example/start).";
    let render = |style: &str| {
        let options = RenderOptions {
            links: Some(style.parse().unwrap()),
            ..Default::default()
        };
        pdftotext(&engine().render(md, &options).unwrap().pdf)
    };
    let footnote = render("footnote");
    assert_eq!(
        footnote.matches("https://guide.example/start").count(),
        1,
        "one note for one address: {footnote}"
    );
    assert!(footnote.contains("1. https://guide.example/start"));
    let inline = render("inline");
    assert!(
        inline.contains("the guide [https://guide.example/start]"),
        "{inline}"
    );
    let endnote = render("endnote");
    assert!(
        endnote.contains("1. https://guide.example/start"),
        "{endnote}"
    );
    let none = render("none");
    assert!(!none.contains("https://"), "{none}");
}

#[test]
fn table_header_repeats_after_a_page_break_and_cells_keep_their_words() {
    let rows: String = (1..60)
        .map(|i| format!("| {i} | Item {i} has a description long enough to wrap in its column of the table | {:.2} |\n", i as f32 * 3.5))
        .collect();
    let md = format!("| # | Description | Price |\n|--:|:--|--:|\n{rows}");
    let out = engine().render(&md, &RenderOptions::default()).unwrap();
    assert!(out.pages >= 2);
    let text = pdftotext(&out.pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Description"),
            "page {} lacks the header",
            i + 1
        );
    }
    let source = source_words(&md);
    let extracted = pdf_words(&text, &source);
    let missing = missing_words(&source, &extracted);
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn a_table_wider_than_the_page_stays_inside_it() {
    let md = "| a | b | c | d | e | f | g | h |\n|---|---|---|---|---|---|---|---|\n\
              | extraordinarily | supercalifragilistic | antidisestablishment | incomprehensibilities | \
              x | y | https://example.org/a/very/long/path/to/somewhere | z |\n";
    let typeset = typeset(md, &RenderOptions::default());
    let area = typeset.settings.text_area();
    let right = (area.x + area.width).0;
    for element in &typeset.layout.pages[0].elements {
        if let Element::Text { x, run, .. } = element {
            assert!(
                x.0 + run.width() <= right + 0.5,
                "{:?} sticks out",
                run.text
            );
        }
    }
}

fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, 90])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn jpeg_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 3) as u8, 200])
    });
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    out
}

#[test]
fn images_are_embedded_jpeg_unchanged_and_never_split() {
    let dir = std::env::temp_dir().join(format!("folio-constructs-images-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jpeg = jpeg_bytes(640, 900);
    std::fs::write(dir.join("tall.jpg"), &jpeg).unwrap();
    std::fs::write(dir.join("small.png"), png_bytes(120, 80)).unwrap();
    let filler = "Words fill the page before the picture arrives. ".repeat(60);
    let md = format!(
        "{filler}\n\n![A tall photo](tall.jpg \"The caption\")\n\n![small](small.png)\n\nEnd."
    );
    let source = folio::images::LocalFiles::new(&dir, &[]);
    let out = render_with_images(&md, &RenderOptions::default(), &source).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    // The JPEG's bytes are in the file as they were: no re-encoding.
    assert!(
        out.pdf.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
        "JPEG was re-encoded"
    );
    let (ok, list, _) = tool_on_file("pdfimages", &["-list"], &out.pdf, &[]);
    assert!(ok);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert!(rows[0].contains("jpeg"), "{list}");
    // Fits the text area, aspect kept, and whole on one page.
    let typeset = typeset_with_images(&md, &RenderOptions::default(), &source);
    let area = typeset.settings.text_area();
    let mut found = 0;
    for page in &typeset.layout.pages {
        for element in &page.elements {
            if let Element::Image { rect, image, .. } = element {
                found += 1;
                assert!(
                    rect.x.0 >= area.x.0 - 0.5
                        && (rect.x + rect.width).0 <= (area.x + area.width).0 + 0.5
                );
                assert!(
                    rect.y.0 >= area.y.0 - 0.5
                        && (rect.y + rect.height).0 <= (area.y + area.height).0 + 0.5
                );
                let aspect = image.width as f32 / image.height as f32;
                assert!((rect.width / rect.height - aspect).abs() < 0.01);
            }
        }
    }
    assert_eq!(found, 2);
    assert!(pdftotext(&out.pdf).contains("The caption"));
}

#[test]
fn a_missing_image_is_a_placeholder_with_its_alt_text_and_a_warning() {
    let md = "![The diagram that went missing](nowhere.png)\n\nText after.";
    let out = engine().render(md, &RenderOptions::default()).unwrap();
    assert!(
        matches!(&out.warnings[..], [folio::Warning::Image { url, .. }] if url == "nowhere.png"),
        "{:?}",
        out.warnings
    );
    assert!(pdftotext(&out.pdf).contains("The diagram that went missing"));
}

#[test]
fn images_hide_leaves_the_alt_text() {
    use base64::Engine as _;
    let uri = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png_bytes(50, 50))
    );
    let md = format!("![A small square]({uri})");
    let shown = engine().render(&md, &RenderOptions::default()).unwrap();
    let (_, list, _) = tool_on_file("pdfimages", &["-list"], &shown.pdf, &[]);
    assert_eq!(list.lines().count(), 3, "{list}");
    let options = RenderOptions {
        images: Some(folio::options::ImagesMode::Hide),
        ..Default::default()
    };
    let hidden = engine().render(&md, &options).unwrap();
    let (_, list, _) = tool_on_file("pdfimages", &["-list"], &hidden.pdf, &[]);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(pdftotext(&hidden.pdf).contains("A small square"));
}

#[test]
fn images_outside_the_article_folder_are_refused() {
    let root =
        std::env::temp_dir().join(format!("folio-constructs-outside-{}", std::process::id()));
    std::fs::create_dir_all(root.join("post")).unwrap();
    std::fs::write(root.join("secret.png"), png_bytes(10, 10)).unwrap();
    let source = folio::images::LocalFiles::new(&root.join("post"), &[]);
    let out =
        render_with_images("![s](../secret.png)", &RenderOptions::default(), &source).unwrap();
    assert!(
        matches!(&out.warnings[..], [folio::Warning::Image { reason, .. }] if reason.contains("outside")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn layout_dump_of_a_small_page_reads_as_expected() {
    let md = "# Dump\n\nThe quick brown fox jumps over the lazy dog and then it runs away into the forest, \
              where nobody can follow it.";
    let options = RenderOptions {
        page_size: Some("100x150mm".parse().unwrap()),
        margins: Some("15mm".parse().unwrap()),
        font_size: Some(folio::options::FontSize(10.0)),
        hyphenate: Some(false),
        ..Default::default()
    };
    let typeset = typeset(md, &options);
    let dump = typeset.layout.text_dump();
    eprintln!("{dump}");
    let lines: Vec<&str> = dump.lines().collect();
    assert_eq!(lines[0], "--- page 1 ---");
    assert_eq!(lines[1], "Dump");
    // Body lines, justified by total fit, then the footer.
    assert!(
        lines[2].starts_with("The quick brown fox jumps over"),
        "{dump}"
    );
    assert_eq!(lines.last().copied(), Some("1 / 1"), "{dump}");
    let body: String = lines[2..lines.len() - 1].join(" ");
    assert_eq!(body, "The quick brown fox jumps over the lazy dog and then it runs away into the forest, where nobody can follow it.");
}

#[test]
fn links_to_note_anchors_are_ordinary_internal_links() {
    // Footnote references are typed: a link the author writes to `#fn-3` (or to `#fn-1`,
    // which exists as a note) is an internal link like any other, not a note reference.
    let md = "See [three](#fn-3) and [one](#fn-1) and a real note.[^a]\n\n[^a]: The only note.";
    let out = engine().render(md, &RenderOptions::default()).unwrap();
    let text = pdftotext(&out.pdf);
    assert_eq!(text.matches("The only note.").count(), 1, "{text}");
    let typeset = typeset(md, &RenderOptions::default());
    let notes = typeset
        .layout
        .anchors
        .iter()
        .filter(|a| matches!(a.key, AnchorKey::Note(_)))
        .count();
    assert_eq!(notes, 1);
    // Neither address is a heading's id, so neither link jumps anywhere.
    let gotos = annotations(&lopdf(&out.pdf))
        .iter()
        .filter(|a| {
            a.get(b"A")
                .and_then(|a| a.as_dict())
                .and_then(|a| a.get(b"S"))
                .and_then(|s| s.as_name())
                .is_ok_and(|s| s == b"GoTo")
        })
        .count();
    assert_eq!(
        gotos, 2,
        "only the note and its reference link to each other"
    );
}

#[test]
fn a_note_in_a_note_has_its_own_number_and_sits_with_its_parent() {
    let md = "A claim.[^a] Another.[^b]\n\n[^a]: The source, which needs a remark.[^c]\n[^b]: A plain note.\n[^c]: The remark on the source.";
    let out = engine().render(md, &RenderOptions::default()).unwrap();
    let text = pdftotext(&out.pdf);
    assert!(text.contains("3. The remark on the source."), "{text}");
    assert!(
        !text.contains("c. The remark"),
        "listed as unreferenced: {text}"
    );
    assert_eq!(
        text.matches("The remark on the source.").count(),
        1,
        "{text}"
    );
    let source = text.find("1. The source").expect("note 1");
    let remark = text.find("3. The remark").expect("note 3");
    let plain = text.find("2. A plain note").expect("note 2");
    assert!(
        source < remark && remark < plain,
        "nested note after its parent: {text}"
    );
}

/// A JPEG that says (EXIF orientation 6) its stored pixels must turn a quarter clockwise.
fn jpeg_turned_a_quarter(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg_bytes(width, height);
    // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = (app1.len() + 2) as u16;
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

#[test]
fn a_phone_photo_prints_upright_with_its_bytes_unchanged() {
    let dir = std::env::temp_dir().join(format!("folio-constructs-exif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Stored landscape, 300x200; seen upright it is portrait, 200x300.
    let jpeg = jpeg_turned_a_quarter(300, 200);
    std::fs::write(dir.join("photo.jpg"), &jpeg).unwrap();
    let md = "![A photo](photo.jpg)";
    let source = folio::images::LocalFiles::new(&dir, &[]);
    let out = render_with_images(md, &RenderOptions::default(), &source).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert!(
        out.pdf.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
        "re-encoded"
    );
    let typeset = typeset_with_images(md, &RenderOptions::default(), &source);
    let rect = typeset
        .layout
        .pages
        .iter()
        .flat_map(|p| &p.elements)
        .find_map(|e| match e {
            Element::Image { rect, .. } => Some(*rect),
            _ => None,
        })
        .expect("the photo");
    assert!(
        (rect.width / rect.height - 2.0 / 3.0).abs() < 0.01,
        "{rect:?}"
    );
    // The picture is drawn by a matrix that turns it: its first two numbers are 0 and
    // minus the height.
    let doc = lopdf(&out.pdf);
    let page = doc.get_pages()[&1];
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let turned = content.operations.iter().any(|op| {
        op.operator == "cm"
            && op.operands.len() == 6
            && op.operands[0].as_float().is_ok_and(|a| a.abs() < 1e-3)
            && op.operands[1]
                .as_float()
                .is_ok_and(|b| (b + rect.height.0).abs() < 0.01)
    });
    assert!(turned, "no turning matrix in {:?}", content.operations);
    // The image object keeps the stored size.
    let (ok, list, _) = tool_on_file("pdfimages", &["-list"], &out.pdf, &[]);
    assert!(ok);
    assert!(
        list.lines()
            .nth(2)
            .is_some_and(|row| row.contains(" 300 ") && row.contains(" 200 ")),
        "{list}"
    );
}

#[test]
fn an_svg_diagram_is_drawn_as_vectors_with_its_caption() {
    let dir = std::env::temp_dir().join(format!("folio-constructs-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150">
        <rect x="10" y="10" width="120" height="60" fill="#ddeeff" stroke="#234" stroke-width="2"/>
        <text x="20" y="45" font-size="16">Markdown</text>
        <path d="M130,40 L200,40" fill="none" stroke="black" stroke-dasharray="4 2"/>
    </svg>"##;
    std::fs::write(dir.join("diagram.svg"), svg).unwrap();
    let md = "Before.\n\n![Pipeline](diagram.svg \"The pipeline\")\n\nAfter.";
    let source = folio::images::LocalFiles::new(&dir, &[]);
    let out = render_with_images(md, &RenderOptions::default(), &source).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let text = pdftotext(&out.pdf);
    assert!(text.contains("The pipeline"), "{text}");
    // No picture object: the drawing is paths on the page.
    let (ok, list, _) = tool_on_file("pdfimages", &["-list"], &out.pdf, &[]);
    assert!(ok);
    assert_eq!(list.lines().count(), 2, "{list}");
    let doc = lopdf(&out.pdf);
    let page = doc.get_pages()[&1];
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let count = |op: &str| {
        content
            .operations
            .iter()
            .filter(|o| o.operator == op)
            .count()
    };
    assert!(
        count("m") > 3 && count("c") > 3,
        "no paths (letters are curves)"
    );
    assert!(
        count("B") >= 1 && count("S") >= 1,
        "the box is filled and stroked, the line stroked"
    );
    assert!(content.operations.iter().any(|o| o.operator == "d"
        && o.operands
            .first()
            .and_then(|a| a.as_array().ok())
            .is_some_and(|a| a.len() == 2)));
    // Shown at 96 pixels to the inch: 400 x 150 px is 300 x 112.5 pt.
    let typeset = typeset_with_images(md, &RenderOptions::default(), &source);
    let rect = typeset.layout.pages[0]
        .elements
        .iter()
        .find_map(|e| match e {
            Element::Image { rect, .. } => Some(*rect),
            _ => None,
        })
        .unwrap();
    assert!(
        (rect.width.0 - 300.0).abs() < 0.5 && (rect.height.0 - 112.5).abs() < 0.5,
        "{rect:?}"
    );
}

#[test]
fn header_and_footer_stay_on_the_paper_or_the_margins_are_refused() {
    let md = "---\ntitle: Furniture\n---\n\nSome text.";
    let tight = RenderOptions {
        margins: Some("6mm 30mm".parse().unwrap()),
        ..Default::default()
    };
    let err = engine().render(md, &tight).unwrap_err();
    let message = err.to_string();
    assert!(err.is_user_error(), "{message}");
    assert!(
        message.contains("margins") && message.contains("at least"),
        "{message}"
    );
    // Tight but enough: the furniture comes closer to the text and stays on the paper.
    let close = RenderOptions {
        margins: Some("12mm 30mm".parse().unwrap()),
        ..Default::default()
    };
    let typeset = typeset(md, &close);
    let area = typeset.settings.text_area();
    for page in &typeset.layout.pages {
        for element in &page.elements {
            if let Element::Text { y, run, .. } = element {
                let size = run.size;
                assert!(y.0 - size >= 0.0, "{:?} above the paper", run.text);
                assert!(
                    y.0 + 0.3 * size <= page.height.0,
                    "{:?} below the paper",
                    run.text
                );
                let in_text = y.0 > area.y.0 && y.0 < (area.y + area.height).0;
                let clear = y.0 < area.y.0 - size * 0.5 || y.0 > (area.y + area.height).0;
                assert!(
                    in_text || clear,
                    "{:?} at {} touches the text area",
                    run.text,
                    y.0
                );
            }
        }
    }
}

#[test]
fn an_author_s_page_break_starts_a_new_page_and_entities_are_decoded() {
    let md = "First page.\n\n<div class=\"page-break\"></div>\n\nSecond page.\n\n<div style=\"break-after: page\"></div>\n\n<p>Third: caf&eacute; &rarr; &hearts;</p>";
    let out = engine().render(md, &RenderOptions::default()).unwrap();
    assert_eq!(out.pages, 3);
    let text = pdftotext(&out.pdf);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert!(
        pages[0].contains("First page.") && !pages[0].contains("Second"),
        "{text}"
    );
    assert!(pages[1].contains("Second page."), "{text}");
    assert!(pages[2].contains("Third: café → ♥"), "{text}");
    // In two columns the break ends the page, not the column.
    let compact = RenderOptions {
        template: Some("compact".to_string()),
        ..Default::default()
    };
    let out = engine().render(md, &compact).unwrap();
    assert_eq!(out.pages, 3);
}

#[test]
fn github_alerts_print_their_label_in_the_article_s_language() {
    let md = "> [!WARNING]\n> Check the margins before printing.\n\n> [!NOTE]\n> - a list first\n\n> A plain quote.";
    let text = pdftotext(&engine().render(md, &RenderOptions::default()).unwrap().pdf);
    assert!(text.contains("Warning. Check the margins"), "{text}");
    assert!(text.contains("Note."), "{text}");
    assert!(!text.contains("[!"), "{text}");
    assert!(!text.contains("Note. A plain quote"), "{text}");
    let german = RenderOptions {
        lang: Some("de".parse().unwrap()),
        ..Default::default()
    };
    let text = pdftotext(&engine().render(md, &german).unwrap().pdf);
    assert!(text.contains("Warnung. Check the margins"), "{text}");
}

#[test]
fn duplex_mirrors_even_pages_and_keeps_the_page_number_outside() {
    let md = format!(
        "---\ntitle: Both sides\nurl: https://example.org/both\n---\n\n{}",
        "A paragraph long enough to fill pages when it is repeated. ".repeat(400)
    );
    let options = RenderOptions {
        duplex: Some(true),
        // Top, right, bottom, left: a wide left margin on odd pages, the binding side.
        margins: Some("20mm 15mm 25mm 35mm".parse().unwrap()),
        ..Default::default()
    };
    let typeset = typeset(&md, &options);
    assert!(typeset.layout.pages.len() >= 2);
    let area = typeset.settings.text_area();
    let body_left = |page: &folio::layout::Page| {
        page.elements
            .iter()
            .filter_map(|e| match e {
                Element::Text { x, y, .. } if y.0 > area.y.0 && y.0 < (area.y + area.height).0 => {
                    Some(x.0)
                }
                _ => None,
            })
            .fold(f32::MAX, f32::min)
    };
    let mm = 72.0 / 25.4;
    assert!((body_left(&typeset.layout.pages[0]) - 35.0 * mm).abs() < 1.0);
    assert!((body_left(&typeset.layout.pages[1]) - 15.0 * mm).abs() < 1.0);
    // The page number: at the right edge of page 1, at the left edge of page 2.
    let number_x = |page: &folio::layout::Page, n: usize| {
        page.elements
            .iter()
            .find_map(|e| match e {
                Element::Text { x, run, .. } if run.text.starts_with(&format!("{n} /")) => {
                    Some(x.0)
                }
                _ => None,
            })
            .expect("page number")
    };
    let width = typeset.layout.pages[0].width.0;
    assert!(number_x(&typeset.layout.pages[0], 1) > width / 2.0);
    assert!(number_x(&typeset.layout.pages[1], 2) < width / 2.0);
    assert!((number_x(&typeset.layout.pages[1], 2) - 15.0 * mm).abs() < 1.0);
}

/// The fonts a PDF embeds, by their names without the subset tag.
fn embedded_fonts(pdf: &[u8]) -> Vec<String> {
    let (ok, fonts, err) = tool_on_file("pdffonts", &[], pdf, &[]);
    assert!(ok, "pdffonts: {err}");
    fonts
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split_once('+').map_or(name, |(_, n)| n).to_string())
        .collect()
}

/// Whether any page sets a colour for filling (text in a colour other than black).
fn fills_in_colour(pdf: &[u8]) -> bool {
    let doc = lopdf(pdf);
    doc.get_pages().values().any(|&page| {
        let content = doc.get_page_content(page);
        lopdf::content::Content::decode(&content)
            .expect("content decodes")
            .operations
            .iter()
            .any(|op| {
                op.operator == "rg"
                    && op
                        .operands
                        .iter()
                        .any(|v| v.as_float().unwrap_or(0.0) > 0.0)
            })
    })
}

#[test]
fn highlighted_code_copies_out_as_written_in_every_theme() {
    let rust = "// greet the reader\nfn main() {\n    let answer = 42; /* six times seven */\n    println!(\"hi {answer}\");\n}";
    let python = "def twice(x):\n    \"\"\"Doubles.\"\"\"\n    return x * 2  # as said";
    let md = format!(
        "Text.\n\n```rust\n{rust}\n```\n\n```python\n{python}\n```\n\n```\nplain text\n```\n"
    );
    for (theme, bold_and_italic, colour) in [
        ("print", true, false),
        ("color", true, true),
        ("none", false, false),
    ] {
        let options = RenderOptions {
            code_theme: Some(theme.parse().unwrap()),
            ..Default::default()
        };
        let rendered = engine().render(&md, &options).expect("renders");
        // MuPDF reads every character as drawn (poppler folds runs of spaces): the code
        // comes back with its indentation and its double spaces.
        let (ok, text, err) = tool_on_file(
            "mutool",
            &["draw", "-F", "txt", "-o", "-"],
            &rendered.pdf,
            &[],
        );
        assert!(ok, "mutool: {err}");
        let lines: Vec<&str> = text.lines().collect();
        for line in rust.lines().chain(python.lines()) {
            assert!(lines.contains(&line), "{theme}: `{line}` in {text}");
        }
        let fonts = embedded_fonts(&rendered.pdf);
        for face in ["JetBrainsMono-Bold", "JetBrainsMono-Italic"] {
            assert_eq!(
                fonts.iter().any(|f| f == face),
                bold_and_italic,
                "{theme}: {fonts:?}"
            );
        }
        assert_eq!(fills_in_colour(&rendered.pdf), colour, "{theme}");
    }
    // Ink saver prints the colour theme in black.
    let options = RenderOptions {
        code_theme: Some("color".parse().unwrap()),
        ink_saver: Some(true),
        ..Default::default()
    };
    let rendered = engine().render(&md, &options).expect("renders");
    assert!(!fills_in_colour(&rendered.pdf));
}

#[test]
fn a_right_to_left_item_in_a_left_to_right_list_starts_at_its_bullet() {
    let md = "A list:\n\n- First item in English.\n- هذا عنصر باللغة العربية في قائمة إنجليزية.\n- Third item.\n";
    let typeset = typeset(md, &RenderOptions::default());
    let area = typeset.settings.text_area();
    let page = &typeset.layout.pages[0];
    // Where each line's text starts, by what it says.
    let start_of = |needle: &str| {
        page.lines
            .iter()
            .find_map(|line| {
                let texts: Vec<(f32, String)> = line
                    .elements
                    .clone()
                    .filter_map(|i| match &page.elements[i] {
                        folio::layout::Element::Text { x, run, .. } => {
                            Some((x.0, run.text.clone()))
                        }
                        _ => None,
                    })
                    .collect();
                let all: String = texts.iter().map(|(_, t)| t.as_str()).collect();
                all.contains(needle).then(|| {
                    texts
                        .iter()
                        .filter(|(_, t)| t.trim() != "\u{2022}" && !t.trim().is_empty())
                        .map(|(x, _)| *x)
                        .fold(f32::INFINITY, f32::min)
                })
            })
            .unwrap_or_else(|| panic!("no line says {needle}"))
    };
    let english = start_of("First");
    let arabic = start_of("عنصر");
    // The Arabic text starts where the English does, beside the bullet, not at the far
    // right of the measure.
    assert!(
        (arabic - english).abs() < 1.0,
        "English starts at {english}, Arabic at {arabic} (text area {}..{})",
        area.x.0,
        (area.x + area.width).0
    );
}

#[test]
fn a_right_to_left_paragraphs_first_line_indent_is_at_its_right() {
    let sentence = "تُكتب العربية من اليمين إلى اليسار، وتتصل حروفها بعضها ببعض، فيتغير شكل الحرف بحسب موقعه في الكلمة. لذلك يجب على محرك التنضيد أن يشكّل الكلمات أولاً، ثم يقسم الفقرة إلى أسطر.";
    let md = format!("---\nlang: ar\n---\n\n{sentence}\n\n{sentence}\n");
    let typeset = typeset(&md, &RenderOptions::default());
    let area = typeset.settings.text_area();
    let page = &typeset.layout.pages[0];
    // Each body line's left and right ends.
    let extents: Vec<(f32, f32)> = page
        .lines
        .iter()
        .filter(|line| line.role == folio::layout::Role::Body)
        .map(|line| {
            line.elements
                .clone()
                .filter_map(|i| match &page.elements[i] {
                    folio::layout::Element::Text { x, run, .. } if !run.text.trim().is_empty() => {
                        Some((x.0, x.0 + run.width()))
                    }
                    _ => None,
                })
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, r), (a, b)| {
                    (l.min(a), r.max(b))
                })
        })
        .collect();
    let (left, right) = (area.x.0, (area.x + area.width).0);
    // The second paragraph's first line: flush left, its indent at the right, where a
    // right-to-left line starts.
    let lines_per_paragraph = extents.len() / 2;
    let (l, r) = extents[lines_per_paragraph];
    assert!(
        (l - left).abs() < 0.5,
        "starts at {l}, the measure at {left}: {extents:?}"
    );
    assert!(
        right - r > 10.0,
        "ends at {r}, the measure at {right}: {extents:?}"
    );
    // The first paragraph's first line has no indent: flush on both sides.
    let (l, r) = extents[0];
    assert!(
        (l - left).abs() < 0.5 && (right - r).abs() < 0.5,
        "{extents:?}"
    );
}
