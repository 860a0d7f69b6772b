//! Renders the example articles and reads the PDFs back: text, pages, fonts, outline,
//! links, metadata, validity.

mod common;

use common::*;
use folio::RenderOptions;
use lopdf::Object;

/// Renders with images read from `examples/`, as the CLI would for the example files.
fn render(markdown: &str) -> folio::Rendered {
    let images = folio::images::LocalFiles::new(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")),
        &[],
    );
    render_with_images(markdown, &RenderOptions::default(), &images).expect("renders")
}

/// Every source word appears in the text poppler extracts.
fn assert_every_word_kept(name: &str, markdown: &str, pdf: &[u8]) {
    let source = source_words(markdown);
    let meta = typeset(markdown, &RenderOptions::default()).meta;
    let furniture: Vec<&str> = [meta.title.as_deref(), meta.url.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let extracted = pdf_words_without(&pdftotext(pdf), &source, &furniture);
    let missing = missing_words(&source, &extracted);
    assert!(
        missing.is_empty(),
        "{name}: {} words missing, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
}

#[test]
fn news_article_is_one_or_two_small_valid_pages_with_every_word() {
    let md = example("news.md");
    let out = render(&md);
    assert!(out.pages <= 2);
    assert!(out.pdf.len() < 60 * 1024, "{} bytes", out.pdf.len());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let (ok, stdout, stderr) = tool_on_file("qpdf", &["--check"], &out.pdf, &[]);
    assert!(ok, "qpdf --check: {stdout} {stderr}");
    assert_every_word_kept("news.md", &md, &out.pdf);
    // `date: 2026-11-02` prints as an English reader writes it.
    assert!(pdftotext(&out.pdf).contains("November 2, 2026"));
}

#[test]
fn every_example_renders_with_every_word_kept() {
    for name in ["news.md", "short.md", "long-essay.md", "mixed-article.md"] {
        let md = example(name);
        let out = render(&md);
        assert!(out.warnings.is_empty(), "{name}: {:?}", out.warnings);
        assert_every_word_kept(name, &md, &out.pdf);
        let info = tool_on_file("pdfinfo", &[], &out.pdf, &[]);
        assert!(
            info.0 && info.2.trim().is_empty(),
            "{name}: pdfinfo complains: {}",
            info.2
        );
        assert!(
            info.1.contains(&format!("Pages:           {}", out.pages)),
            "{name}: {}",
            info.1
        );
    }
}

#[test]
fn fonts_are_embedded_subsets_with_unicode_maps() {
    let out = render(&example("long-essay.md"));
    let (ok, listing, _) = tool_on_file("pdffonts", &[], &out.pdf, &[]);
    assert!(ok);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(rows.len() >= 4, "{listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols[0];
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "not a subset name: {row}"
        );
        // emb sub uni
        let flags = &cols[cols.len() - 5..cols.len() - 2];
        assert_eq!(flags, ["yes", "yes", "yes"], "{row}");
    }
}

#[test]
fn text_is_extracted_exactly_with_ligatures_and_kerning() {
    let md = "Offices officially affirm the “fluffy” AVA waffle – ‘fjord’ and ﬁre.";
    let out = render(md);
    let text = pdftotext(&out.pdf);
    assert!(
        text.contains("Offices officially affirm the “fluffy” AVA waffle – ‘fjord’ and ﬁre."),
        "{text}"
    );
}

#[test]
fn outline_mirrors_the_heading_tree() {
    let md = "# Title\n\nIntro.\n\n## One\n\nText.\n\n### One A\n\nText.\n\n## Two\n\nText.";
    let out = render(md);
    let doc = lopdf(&out.pdf);
    let catalog = doc.catalog().expect("catalog");
    assert_eq!(
        catalog.get(b"PageMode").unwrap(),
        &Object::Name(b"UseOutlines".to_vec())
    );
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut titles = Vec::new();
    fn walk(doc: &lopdf::Document, first: Option<&Object>, depth: usize, titles: &mut Vec<String>) {
        let mut cursor = first.and_then(|o| o.as_reference().ok());
        while let Some(id) = cursor {
            let item = doc.get_dictionary(id).unwrap();
            let title = lopdf::decode_text_string(item.get(b"Title").unwrap()).unwrap();
            titles.push(format!("{}{}", "  ".repeat(depth), title));
            assert!(item.get(b"Dest").is_ok(), "{title} has no destination");
            walk(doc, item.get(b"First").ok(), depth + 1, titles);
            cursor = item.get(b"Next").ok().and_then(|o| o.as_reference().ok());
        }
    }
    walk(&doc, outlines.get(b"First").ok(), 0, &mut titles);
    // The leading level-1 heading became the title block; the rest nest by level.
    assert_eq!(titles, vec!["One", "  One A", "Two"]);
}

/// An article of sections of different lengths, over several pages, with headings of
/// three levels (the deepest not listed at the default depth) and repeated names.
fn article_with_contents() -> String {
    let mut md = String::from("---\ntitle: Contents test\ntoc: true\n---\n\n");
    for section in 1..=7 {
        let words = "Words enough to take some room on the page. ".repeat(15 + 37 * section % 80);
        md += &format!("## Section {section}\n\n{words}\n\n### Details\n\n");
        md += &"More words for the details of the section. ".repeat(25);
        md += "\n\n#### Too deep to list\n\nShort.\n\n";
    }
    md
}

#[test]
fn contents_list_headings_at_the_pages_they_are_printed_on() {
    let md = article_with_contents();
    let out = render(&md);
    assert!(out.pages >= 4, "{} pages", out.pages);
    let text = pdftotext(&out.pdf);
    let pages: Vec<&str> = text.split('\x0c').collect();
    // Entries: a title, leader dots, a page number.
    let entries: Vec<(String, usize)> = pages[0]
        .lines()
        .skip_while(|line| line.trim() != "Contents")
        .skip(1)
        .map_while(|line| {
            let (rest, number) = line.trim().rsplit_once(' ')?;
            let page = number.parse().ok().filter(|_| rest.ends_with('.'))?;
            Some((rest.trim_end_matches([' ', '.']).to_string(), page))
        })
        .collect();
    let titles: Vec<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    let expected: Vec<String> = (1..=7)
        .flat_map(|n| [format!("Section {n}"), "Details".to_string()])
        .collect();
    assert_eq!(titles, expected, "{}", pages[0]);
    // Each heading, found in order after the contents, is on the page its entry says.
    let mut from = (0, pages[0].find("Section 7").expect("contents") + 1);
    for (title, page) in &entries {
        let found = pages
            .iter()
            .enumerate()
            .skip(from.0)
            .find_map(|(i, text)| {
                let start = if i == from.0 { from.1 } else { 0 };
                let at = text.get(start..)?.lines().position(|l| l.trim() == title)?;
                let offset: usize = text[start..].lines().take(at).map(|l| l.len() + 1).sum();
                Some((i, start + offset + 1))
            })
            .unwrap_or_else(|| panic!("heading {title} not found after the contents"));
        assert_eq!(found.0 + 1, *page, "{title}");
        from = found;
    }
    // Each entry links to its heading's page.
    let doc = lopdf(&out.pdf);
    let page_numbers: std::collections::HashMap<lopdf::ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let first_page = doc.get_pages()[&1];
    let annots = doc
        .get_dictionary(first_page)
        .unwrap()
        .get(b"Annots")
        .unwrap();
    let annots = match annots {
        Object::Reference(id) => doc.get_object(*id).unwrap().as_array().unwrap().clone(),
        other => other.as_array().unwrap().clone(),
    };
    let mut targets = Vec::new();
    for annot in annots {
        let annot = match annot {
            Object::Reference(id) => doc.get_dictionary(id).unwrap().clone(),
            Object::Dictionary(d) => d,
            other => panic!("{other:?}"),
        };
        let action = annot.get(b"A").unwrap().as_dict().unwrap();
        if action.get(b"S").unwrap().as_name().unwrap() == b"GoTo" {
            let dest = action.get(b"D").unwrap().as_array().unwrap();
            targets.push(page_numbers[&dest[0].as_reference().unwrap()] as usize);
        }
    }
    let pages_listed: Vec<usize> = entries.iter().map(|(_, p)| *p).collect();
    assert_eq!(targets, pages_listed);
}

#[test]
fn contents_depth_and_off_by_default() {
    let md = article_with_contents();
    let options = RenderOptions {
        toc_depth: Some("2".parse().unwrap()),
        ..Default::default()
    };
    let text = pdftotext(
        &render_with_images(&md, &options, &folio::images::DataUrisOnly)
            .unwrap()
            .pdf,
    );
    let first = text.split('\x0c').next().unwrap();
    assert!(first.contains("Section 3"), "{first}");
    assert!(!first.contains("Details"), "{first}");
    let off = RenderOptions {
        toc: Some(false),
        ..Default::default()
    };
    let text = pdftotext(
        &render_with_images(&md, &off, &folio::images::DataUrisOnly)
            .unwrap()
            .pdf,
    );
    assert!(!text.lines().any(|l| l.trim() == "Contents"), "{text}");
}

#[test]
fn links_are_clickable_uris_and_internal_jumps() {
    let md = "# Doc\n\nSee [the spec](https://spec.commonmark.org/) and [below](#later).\n\n## Later\n\nDone.";
    let out = render(md);
    let doc = lopdf(&out.pdf);
    let mut uris = Vec::new();
    let mut gotos = 0;
    {
        for annot in annotations(&doc) {
            let action = annot.get(b"A").unwrap().as_dict().unwrap();
            match action.get(b"S").unwrap().as_name().unwrap() {
                b"URI" => uris.push(
                    String::from_utf8(action.get(b"URI").unwrap().as_str().unwrap().to_vec())
                        .unwrap(),
                ),
                b"GoTo" => gotos += 1,
                other => panic!("unexpected action {other:?}"),
            }
            // No visible border around links.
            let border = annot.get(b"Border").unwrap().as_array().unwrap();
            assert_eq!(border[2].as_float().unwrap(), 0.0);
        }
    }
    // The link itself and its address printed in a footnote are both clickable.
    assert_eq!(uris, vec!["https://spec.commonmark.org/".to_string(); 2]);
    // "#later", the note marker to its note, and the note number back to the marker.
    assert_eq!(gotos, 3);
}

#[test]
fn metadata_language_and_dates_come_from_front_matter() {
    let out = render(&example("long-essay.md"));
    let (_, info, _) = tool_on_file("pdfinfo", &[], &out.pdf, &[]);
    assert!(
        info.contains("Title:           The Measure of a Line"),
        "{info}"
    );
    assert!(
        info.contains("Author:          Folio contributors"),
        "{info}"
    );
    assert!(info.contains("Metadata Stream: yes"), "{info}");
    assert!(info.contains("CreationDate:    Fri Nov 20"), "{info}");
    let doc = lopdf(&out.pdf);
    let lang = lopdf::decode_text_string(doc.catalog().unwrap().get(b"Lang").unwrap()).unwrap();
    assert_eq!(lang, "en-GB");
}

#[test]
fn same_input_gives_identical_bytes() {
    let md = example("short.md");
    assert_eq!(render(&md).pdf, render(&md).pdf);
}

#[test]
fn running_header_and_page_numbers() {
    let out = render(&example("long-essay.md"));
    assert!(out.pages >= 5);
    let text = pdftotext(&out.pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), out.pages);
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("{} / {}", i + 1, out.pages)),
            "page {} lacks its number",
            i + 1
        );
        assert!(
            page.contains("https://folio.example.org/essays/measure-of-a-line"),
            "page {} lacks the URL",
            i + 1
        );
        // From page 2 on, the running header carries the title.
        let header = "The Measure of a Line: Notes on Setting Text for Paper";
        assert_eq!(
            page.matches(header).count(),
            usize::from(i > 0),
            "page {}",
            i + 1
        );
    }
}

#[test]
fn mupdf_draws_every_page_without_complaint() {
    let out = render(&example("long-essay.md"));
    let (ok, _, stderr) = tool_on_file("mutool", &["draw", "-q", "-o", "/dev/null"], &out.pdf, &[]);
    // Debian's MuPDF is built without colour management and says so on every file.
    let complaints: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("ICC support is not available"))
        .collect();
    assert!(ok && complaints.is_empty(), "mutool: {stderr}");
}

#[test]
fn other_languages_render_with_their_patterns() {
    let md = "---\nlang: de\n---\nDie Silbentrennung ist eine Kunst, die Donaudampfschifffahrtsgesellschaftskapitäne \
              und Bundesverfassungsgerichtsentscheidungen gleichermaßen betrifft, wenn die Zeilen schmal sind.";
    let options = RenderOptions {
        page_size: Some("A5".parse().unwrap()),
        ..Default::default()
    };
    let out = engine().render(md, &options).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let source = source_words("Die Silbentrennung ist eine Kunst, die Donaudampfschifffahrtsgesellschaftskapitäne und Bundesverfassungsgerichtsentscheidungen gleichermaßen betrifft, wenn die Zeilen schmal sind.");
    let extracted = pdf_words(&pdftotext(&out.pdf), &source);
    assert!(missing_words(&source, &extracted).is_empty());
    let cyrillic = "---\nlang: ru\n---\nТипография — это искусство оформления печатного текста.";
    let out = engine()
        .render(cyrillic, &RenderOptions::default())
        .unwrap();
    assert!(pdftotext(&out.pdf).contains("Типография — это искусство"));
}

#[test]
fn mixed_article_keeps_text_inside_the_text_area_without_overlaps() {
    let md = example("mixed-article.md");
    let images = folio::images::LocalFiles::new(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")),
        &[],
    );
    let typeset = typeset_with_images(&md, &RenderOptions::default(), &images);
    let area = typeset.settings.text_area();
    let (left, right) = (area.x.0, (area.x + area.width).0);
    let (top, bottom) = (area.y.0, (area.y + area.height).0);
    for (n, page) in typeset.layout.pages.iter().enumerate() {
        let mut boxes: Vec<(f32, f32, f32, f32, String)> = Vec::new();
        for element in &page.elements {
            if let folio::layout::Element::Text { x, y, run, .. } = element {
                let (x, y) = (&x.0, &y.0);
                let in_body = *y > top - 1.0 && *y < bottom + 1.0;
                if !in_body {
                    continue; // running header and footer
                }
                // List markers and note numbers hang a little into the margin.
                assert!(
                    *x >= left - 30.0 && x + run.width() <= right + 0.5,
                    "page {}: {:?} outside",
                    n + 1,
                    run.text
                );
                boxes.push((
                    *x,
                    y - run.size * 0.7,
                    x + run.width(),
                    *y,
                    run.text.clone(),
                ));
            }
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap_x = a.0 < b.2 - 0.3 && b.0 < a.2 - 0.3;
                let overlap_y = a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5;
                assert!(
                    !(overlap_x && overlap_y),
                    "page {}: {:?} overlaps {:?}",
                    n + 1,
                    a.4,
                    b.4
                );
            }
        }
    }
}

#[test]
fn a_render_past_its_deadline_stops_with_an_error() {
    let md = example("long-essay.md");
    let past = folio::Context {
        cancel: folio::Cancel::with_deadline(Some(std::time::Instant::now())),
        ..folio::Context::default()
    };
    let err = engine()
        .render_with(&md, &RenderOptions::default(), &past)
        .unwrap_err();
    assert_eq!(err, folio::Error::Cancelled);
    assert!(err.to_string().contains("deadline"), "{err}");
    let far = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let later = folio::Context {
        cancel: folio::Cancel::with_deadline(Some(far)),
        ..folio::Context::default()
    };
    assert!(engine()
        .render_with(&md, &RenderOptions::default(), &later)
        .is_ok());
}

/// Each text span MuPDF reads (`mutool trace`): its font and its horizontal over its
/// vertical scale (1: drawn as the font draws it).
fn span_widths(pdf: &[u8]) -> Vec<(String, f64)> {
    let (ok, trace, err) = tool_on_file("mutool", &["trace"], pdf, &[]);
    assert!(ok, "mutool trace: {err}");
    let attribute = |line: &str, name: &str| -> Option<String> {
        let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(line[start..].split('"').next()?.to_string())
    };
    trace
        .lines()
        .filter(|line| line.trim_start().starts_with("<span "))
        .filter_map(|line| {
            let font = attribute(line, "font")?;
            let m: Vec<f64> = attribute(line, "trm")?
                .split(' ')
                .map(|n| n.parse().unwrap_or(0.0))
                .collect();
            Some((font, m[0] / m[3]))
        })
        .collect()
}

#[test]
fn justified_letters_widen_or_narrow_by_at_most_two_percent_and_code_never() {
    let markdown = format!(
        "{}\n\nSome `inline_code_that_keeps_its_grid` in a justified paragraph of prose.\n",
        example("long-essay.md")
    );
    let rendered = render(&markdown);
    let widths = span_widths(&rendered.pdf);
    let expanded = widths
        .iter()
        .filter(|(_, w)| (w - 1.0).abs() > 1e-4)
        .count();
    assert!(
        expanded > 100,
        "{expanded} of {} spans expanded",
        widths.len()
    );
    for (font, width) in &widths {
        assert!((width - 1.0).abs() <= 0.0201, "{font} at {width}");
        if font.contains("JetBrainsMono") {
            assert_eq!(*width, 1.0, "code is expanded");
        }
    }
    assert!(widths.iter().any(|(f, _)| f.contains("JetBrainsMono")));
    // The text layer reads the same words.
    assert_every_word_kept("long essay, expanded", &markdown, &rendered.pdf);
    // Off, every glyph is drawn as the font draws it.
    let options = RenderOptions {
        font_expansion: Some(false),
        ..RenderOptions::default()
    };
    let plain = engine().render(&markdown, &options).expect("renders");
    assert!(span_widths(&plain.pdf).iter().all(|(_, w)| *w == 1.0));
}
