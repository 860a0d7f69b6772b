//! Hostile input: what a stranger may send a public endpoint, and what must come of it.
//! Small cases are files in `tests/hostile/`; large ones are made here. Every case ends
//! within a generous bound (the figures belong to `scripts/flood`, not here) with its
//! documented outcome: a valid PDF that keeps every word, or a refusal that names the
//! limit. No case panics, reads a local file, or writes a link a reader should not follow.

mod common;

use std::time::{Duration, Instant};

use common::*;
use folio::images::{DataUrisOnly, LocalFiles};
use folio::{Context, Error, Limit, Limits, RenderOptions, Warning};

/// Limits as the service sets them by default.
fn service_limits() -> Limits {
    Limits {
        max_pages: 500,
        max_input_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    }
}

/// Generous: several times what a debug build needs.
const BOUND: Duration = Duration::from_secs(30);

/// Renders `markdown` as the service would (images from `data:` URIs only) and checks
/// the time bound; the panics this catches would be Folio's bugs.
fn render(markdown: &str, limits: Limits) -> Result<folio::Rendered, Error> {
    render_from(markdown, limits, &DataUrisOnly)
}

fn render_from(
    markdown: &str,
    limits: Limits,
    images: &dyn folio::ImageSource,
) -> Result<folio::Rendered, Error> {
    let context = Context {
        images,
        limits,
        ..Context::default()
    };
    let started = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine().render_with(markdown, &RenderOptions::default(), &context)
    }))
    .expect("no panic");
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    result
}

/// A valid PDF with no action a reader should not follow.
fn assert_safe_pdf(pdf: &[u8]) {
    let doc = lopdf(pdf);
    assert!(!doc.get_pages().is_empty());
    for annotation in annotations(&doc) {
        let Ok(action) = annotation.get(b"A").and_then(|a| a.as_dict()) else {
            continue;
        };
        let kind = action.get(b"S").and_then(|s| s.as_name()).unwrap();
        assert!(
            kind == b"URI" || kind == b"GoTo",
            "{:?}",
            String::from_utf8_lossy(kind)
        );
        if kind == b"URI" {
            let uri = action.get(b"URI").and_then(|u| u.as_str()).unwrap();
            let uri = String::from_utf8_lossy(uri).to_ascii_lowercase();
            assert!(
                ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|s| uri.starts_with(s)),
                "{uri}"
            );
            assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri:?}");
        }
    }
    let raw = String::from_utf8_lossy(pdf);
    for forbidden in [
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/SubmitForm",
    ] {
        assert!(!raw.contains(forbidden), "{forbidden}");
    }
}

fn assert_words_kept(markdown: &str, pdf: &[u8]) {
    let source = source_words(markdown);
    let extracted = pdf_words(&pdftotext(pdf), &source);
    let missing = missing_words(&source, &extracted);
    assert!(
        missing.is_empty(),
        "missing {:?}",
        &missing[..missing.len().min(10)]
    );
}

fn refused_by(result: Result<folio::Rendered, Error>, limit: Limit) {
    match result {
        Err(Error::Limit(exceeded)) => {
            assert_eq!(exceeded.limit, limit);
            assert!(exceeded.to_string().contains(limit.name()), "{exceeded}");
        }
        Err(other) => panic!("expected {limit:?}, got {other}"),
        Ok(_) => panic!("expected {limit:?}, got a PDF"),
    }
}

/// Every `tests/hostile/*.md` renders to a safe PDF that keeps its words.
#[test]
fn small_hostile_files_render_safely_and_keep_their_words() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    for file in files {
        let markdown = std::fs::read_to_string(&file).unwrap();
        let out = render(&markdown, service_limits())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_safe_pdf(&out.pdf);
        assert_words_kept(&markdown, &out.pdf);
    }
}

#[test]
fn deep_or_large_front_matter_is_refused_at_once() {
    let deep = format!(
        "---\ntags: {}{}\n---\nText.",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    refused_by(render(&deep, service_limits()), Limit::FrontMatterDepth);
    let large = format!("---\ntitle: {}\n---\nText.", "long ".repeat(30_000));
    refused_by(render(&large, service_limits()), Limit::FrontMatterBytes);
    let input = "word ".repeat(500_000);
    refused_by(render(&input, service_limits()), Limit::InputBytes);
}

#[test]
fn a_paragraph_too_long_for_the_page_limit_is_refused_before_it_is_set() {
    let limits = Limits {
        max_pages: 20,
        ..service_limits()
    };
    let paragraph = "many words in one paragraph ".repeat(20_000);
    let started = Instant::now();
    refused_by(render(&paragraph, limits), Limit::Pages);
    // Refused by an estimate, long before the 500 kB were set into lines.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn huge_tables_and_too_many_notes_are_refused() {
    let rows: String = (0..40_000).map(|i| format!("| a{i} | b | c |\n")).collect();
    let table = format!("| A | B | C |\n|---|---|---|\n{rows}");
    refused_by(render(&table, service_limits()), Limit::TableCells);
    let limits = Limits {
        max_notes: 100,
        ..service_limits()
    };
    let notes: String = (0..200)
        .map(|i| format!("Text.[^n{i}]\n\n[^n{i}]: Note {i}.\n\n"))
        .collect();
    refused_by(render(&notes, limits), Limit::Notes);
}

#[test]
fn giant_words_and_pathological_markdown_end_in_time_with_their_text() {
    let word = "x".repeat(200_000);
    let out = render(&word, service_limits()).unwrap();
    assert_safe_pdf(&out.pdf);
    let letters = pdftotext(&out.pdf).chars().filter(|c| *c == 'x').count();
    assert_eq!(
        letters, 200_000,
        "every letter of the giant word is in the text"
    );
    for pathological in [
        "`a``".repeat(25_000),
        "[x](".repeat(50_000),
        format!("{}deep", ">".repeat(10_000)),
    ] {
        let out = render(&pathological, service_limits()).unwrap();
        assert_safe_pdf(&out.pdf);
    }
}

/// A PNG of `width` x `height` made by patching a small one's header: a decompression
/// bomb's claim, in a few hundred bytes.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([10, 20, 30]));
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png
}

fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x as u8) ^ seed, (y as u8).wrapping_mul(seed), seed])
    });
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn data_uri(bytes: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[test]
fn image_bombs_become_placeholders_within_the_budget() {
    // One image claiming 60000 x 60000 pixels: refused before any pixel is decoded.
    let bomb = format!(
        "Before.\n\n![bomb]({})\n\nAfter.",
        data_uri(&png_claiming(60_000, 60_000))
    );
    let out = render(&bomb, service_limits()).unwrap();
    assert_safe_pdf(&out.pdf);
    assert!(
        matches!(&out.warnings[..], [Warning::Image { reason, .. }] if reason.contains("max_image_pixels")),
        "{:?}",
        out.warnings
    );
    // Many distinct large images: the budget for all of them together holds.
    let limits = Limits {
        max_total_pixels: 2_000_000,
        ..service_limits()
    };
    let figures: String = (0..6)
        .map(|i| {
            format!(
                "![image {i}]({})\n\n",
                data_uri(&png(1000, 700, i as u8 + 1))
            )
        })
        .collect();
    let out = render(&figures, limits).unwrap();
    assert_safe_pdf(&out.pdf);
    let over_budget = out
        .warnings
        .iter()
        .filter(
            |w| matches!(w, Warning::Image { reason, .. } if reason.contains("max_total_pixels")),
        )
        .count();
    assert_eq!(
        over_budget, 4,
        "two images fit the budget: {:?}",
        out.warnings
    );
    // More images than allowed at all.
    let limits = Limits {
        max_images: 2,
        ..service_limits()
    };
    let small: String = (0..4)
        .map(|i| format!("![i{i}]({})\n\n", data_uri(&png(4, 4, i as u8 + 1))))
        .collect();
    let out = render(&small, limits).unwrap();
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
}

#[test]
fn malformed_images_and_escapes_become_placeholders_without_panicking() {
    let truncated = &png(40, 40, 3)[..60];
    let cases = [
        format!("![cut]({})", data_uri(truncated)),
        "![garbage](data:image/jpeg;base64,/9j/AAAAAAAA)".to_string(),
        "![bad base64](data:image/png;base64,@@@@)".to_string(),
        "![percent](data:,%ff%fe%zz%)".to_string(),
        "![multibyte](%aé.png)".to_string(),
        "![traversal](../../../../etc/passwd)".to_string(),
        "![file](file:///etc/passwd)".to_string(),
        "![remote](http://127.0.0.1:1/x.png)".to_string(),
    ];
    for case in cases {
        let out = render(&case, service_limits()).unwrap();
        assert_safe_pdf(&out.pdf);
        assert!(
            out.warnings
                .iter()
                .any(|w| matches!(w, Warning::Image { .. })),
            "{case}: {:?}",
            out.warnings
        );
        assert!(!pdftotext(&out.pdf).contains("root:"), "{case}");
    }
    // Through the command line's source too: nothing outside the article's folder, and
    // the warning does not say where the file is.
    let folder = std::env::temp_dir().join(format!("folio-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let out = render_from(
        "![x](../../../../etc/passwd)",
        service_limits(),
        &LocalFiles::new(&folder, &[]),
    )
    .unwrap();
    let text = out
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect::<String>();
    assert!(!text.contains(&*folder.to_string_lossy()), "{text}");
    // Nor whether a file outside exists: the same answer either way.
    let missing = render_from(
        "![x](../../../../etc/no-such-file)",
        service_limits(),
        &LocalFiles::new(&folder, &[]),
    )
    .unwrap();
    let reason = |out: &folio::Rendered| match &out.warnings[..] {
        [Warning::Image { reason, .. }] => reason.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(reason(&out), reason(&missing));
}

#[test]
fn only_web_and_mail_links_become_actions() {
    let schemes = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "launch:calc.exe",
        "\\\\\\\\server\\\\share",
        "ftp://files.example/x",
        "https://ok.example/a\u{7}b",
        "mailto:someone@example.org",
        "http://ok.example/",
    ];
    let markdown: String = schemes
        .iter()
        .enumerate()
        .map(|(i, s)| format!("Link number {i} is [here](<{s}>).\n\n"))
        .collect();
    let markdown = format!("---\nurl: \"javascript:alert(1)\"\n---\n{markdown}");
    let out = render(&markdown, service_limits()).unwrap();
    assert_safe_pdf(&out.pdf);
    let uris: std::collections::BTreeSet<Vec<u8>> = annotations(&lopdf(&out.pdf))
        .iter()
        .filter_map(|a| {
            let action = a.get(b"A").and_then(|a| a.as_dict()).ok()?;
            Some(action.get(b"URI").ok()?.as_str().ok()?.to_vec())
        })
        .collect();
    let uris: Vec<String> = uris
        .iter()
        .map(|u| String::from_utf8_lossy(u).into_owned())
        .collect();
    assert_eq!(
        uris,
        [
            "http://ok.example/",
            "https://ok.example/a%07b",
            "mailto:someone@example.org"
        ],
        "the link text and its printed address link to the same three"
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| matches!(w, Warning::UnsafeLinks { count, .. } if *count >= 8)),
        "{:?}",
        out.warnings
    );
}

#[test]
fn invisible_and_control_characters_keep_words_apart() {
    // Zero-width spaces are break opportunities: a run of words joined by them breaks
    // between the words (with no hyphen), and every letter is kept.
    let zwsp = "zero\u{200b}width\u{200b}space\u{200b}";
    let out = render(&zwsp.repeat(60), service_limits()).unwrap();
    let text = pdftotext(&out.pdf);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("zero") || l.contains("space"))
        .collect();
    assert!(lines.len() >= 3, "{text}");
    for line in &lines[..lines.len() - 1] {
        let end = line.trim_end().trim_end_matches('\u{200b}');
        assert!(
            ["zero", "width", "space"].iter().any(|w| end.ends_with(w)),
            "a line ends inside a word: {line:?}"
        );
    }
    let letters: String = text.chars().filter(char::is_ascii_alphabetic).collect();
    assert_eq!(letters.matches("zerowidthspace").count(), 60);
    // NUL is U+FFFD, as CommonMark says: the words on either side stay two words.
    let out = render("before\0after", service_limits()).unwrap();
    let words = words(&pdftotext(&out.pdf));
    assert!(
        words.contains(&"before".to_string()) && words.contains(&"after".to_string()),
        "{words:?}"
    );
}

#[test]
fn unclosed_raw_html_keeps_the_text_after_it() {
    for opener in ["<script>", "<style>", "<!--"] {
        let markdown = format!(
            "First paragraph.\n\n{opener}\n\n## Later heading\n\nLater paragraph survives."
        );
        let out = render(&markdown, service_limits()).unwrap();
        let text = pdftotext(&out.pdf);
        assert!(
            text.contains("Later paragraph survives"),
            "{opener}: {text}"
        );
        assert!(
            out.warnings
                .iter()
                .any(|w| matches!(w, Warning::UnclosedHtml { .. })),
            "{opener}: {:?}",
            out.warnings
        );
    }
    // Inline: an unclosed <script> in a paragraph gives back the rest of the paragraph.
    let out = render("Text <script>not code after all, kept.", service_limits()).unwrap();
    assert!(pdftotext(&out.pdf).contains("not code after all, kept."));
}

#[test]
fn a_cancelled_render_stops_at_once() {
    let cancel = folio::Cancel::new();
    cancel.cancel();
    let context = Context {
        cancel,
        ..Context::default()
    };
    let started = Instant::now();
    let err = engine()
        .render_with(
            &"word ".repeat(100_000),
            &RenderOptions::default(),
            &context,
        )
        .unwrap_err();
    assert_eq!(err, Error::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(2));
}
