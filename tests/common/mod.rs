//! Helpers for integration tests: render, then read the PDF back with the tools a
//! reader's machine has (poppler, qpdf). `scripts/test` installs them; a missing tool
//! fails the test with a message saying so, never skips it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub fn engine() -> &'static folio::Engine {
    static ENGINE: OnceLock<folio::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        folio::Engine::with_fonts(folio::FontSources {
            system: false,
            dirs: vec![test_fonts()],
        })
    })
}

/// The installed fonts the tests may use, and no others: the CJK and colour emoji faces
/// `scripts/test` installs (fonts-noto-cjk, fonts-noto-color-emoji), linked into a folder
/// of their own, so that whatever else the machine has installed (fonts-noto-core has
/// scripts the tests expect no font for) changes nothing.
pub fn test_fonts() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("folio-test-fonts-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for file in TEST_FONT_FILES {
        let path = std::path::Path::new(file);
        let link = dir.join(path.file_name().unwrap());
        if path.exists() && !link.exists() {
            let _ = std::os::unix::fs::symlink(path, &link);
        }
    }
    dir
}

/// The font files [`test_fonts`] links, from Debian's packages.
pub const TEST_FONT_FILES: [&str; 5] = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
];

/// Typesets with the default context.
pub fn typeset(markdown: &str, options: &folio::RenderOptions) -> folio::Typeset {
    engine()
        .typeset(markdown, options, &folio::Context::default())
        .expect("typesets")
}

/// Typesets with images from `images`.
pub fn typeset_with_images(
    markdown: &str,
    options: &folio::RenderOptions,
    images: &dyn folio::ImageSource,
) -> folio::Typeset {
    let context = folio::Context {
        images,
        // Relative images are files `images` has, as for an article on disk.
        origin: folio::Origin::WithFiles,
        ..folio::Context::default()
    };
    engine()
        .typeset(markdown, options, &context)
        .expect("typesets")
}

/// Renders with images from `images`.
pub fn render_with_images(
    markdown: &str,
    options: &folio::RenderOptions,
    images: &dyn folio::ImageSource,
) -> Result<folio::Rendered, folio::Error> {
    let context = folio::Context {
        images,
        // Relative images are files `images` has, as for an article on disk.
        origin: folio::Origin::WithFiles,
        ..folio::Context::default()
    };
    engine().render_with(markdown, options, &context)
}

pub fn example(name: &str) -> String {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs a tool on `input` (written to stdin) and returns stdout; panics with a clear
/// message if the tool is not installed or fails.
pub fn tool(program: &str, args: &[&str], input: &[u8]) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}); run scripts/test, which installs it")
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write to tool");
    let out = child.wait_with_output().expect("tool output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "`{program} {}` failed: {stderr}",
        args.join(" ")
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Tools that only read files: the PDF is written to a temporary file first.
pub fn tool_on_file(
    program: &str,
    args_before: &[&str],
    pdf: &[u8],
    args_after: &[&str],
) -> (bool, String, String) {
    let dir = std::env::temp_dir().join(format!("folio-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = dir.join(format!("doc-{n}.pdf"));
    std::fs::write(&path, pdf).expect("write pdf");
    let path_str = path.to_string_lossy().into_owned();
    let mut args: Vec<&str> = args_before.to_vec();
    args.push(&path_str);
    args.extend_from_slice(args_after);
    let out = Command::new(program)
        .args(&args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}); run scripts/test, which installs it")
        });
    let _ = std::fs::remove_file(&path);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Text in content order (`-raw`): poppler's layout mode re-joins hyphenated words on
/// its own, which would hide whether Folio kept them.
/// A word broken at a line's end reads as its first part and a soft hyphen (U+00AD);
/// here it reads as the hyphen printed there, which the word checks join with what
/// follows (across page furniture too). `pdftotext_raw` keeps it.
pub fn pdftotext(pdf: &[u8]) -> String {
    pdftotext_raw(pdf).replace('\u{ad}', "-")
}

/// Text in content order, as the PDF's text layer gives it.
pub fn pdftotext_raw(pdf: &[u8]) -> String {
    tool("pdftotext", &["-raw", "-enc", "UTF-8", "-", "-"], pdf)
}

/// The link annotations of every page (printpdf writes them inline in `/Annots`).
pub fn annotations(doc: &lopdf::Document) -> Vec<lopdf::Dictionary> {
    let mut out = Vec::new();
    for (_, page_id) in doc.get_pages() {
        let page = doc.get_dictionary(page_id).expect("page");
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        let annots = match annots {
            lopdf::Object::Reference(id) => doc
                .get_object(*id)
                .expect("annots")
                .as_array()
                .expect("array")
                .clone(),
            other => other.as_array().expect("array").clone(),
        };
        for annot in annots {
            let dict = match annot {
                lopdf::Object::Reference(id) => doc.get_dictionary(id).expect("annot").clone(),
                lopdf::Object::Dictionary(d) => d,
                other => panic!("unexpected annotation {other:?}"),
            };
            out.push(dict);
        }
    }
    out
}

/// Words as the tests compare them: runs of letters and digits, lowercased. Combining
/// marks and soft hyphens belong to the word they are in, and are left out of it (a
/// soft hyphen prints only at a line's end; marks are compared through their letters).
pub fn words(text: &str) -> Vec<String> {
    let invisible_in_word = |c: char| {
        matches!(c, '\u{ad}' | '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
    };
    text.split(|c: char| !c.is_alphanumeric() && !invisible_in_word(c))
        .map(|w| {
            w.chars()
                .filter(|c| !invisible_in_word(*c))
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// The words of a markdown article as a browser would show them (CommonMark reference
/// rendering, tags stripped), front matter title/subtitle/author/date included.
pub fn source_words(markdown: &str) -> Vec<String> {
    let (front, body) = split_front(markdown);
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(body, folio::markdown_extensions());
    pulldown_cmark::html::push_html(&mut html, parser);
    let mut text = front;
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    words(&decode(&text))
}

/// Words of image titles and alt texts, which may or may not print (a figure's caption is
/// its title, else its alt text; an image inside text prints its alt text): not words the
/// PDF must have, but words it may have, for reading broken words back.
pub fn image_words(markdown: &str) -> Vec<String> {
    let (_, body) = split_front(markdown);
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(body, folio::markdown_extensions());
    pulldown_cmark::html::push_html(&mut html, parser);
    let mut text = String::new();
    for image in html.split("<img ").skip(1) {
        let tag = &image[..image.find('>').unwrap_or(image.len())];
        for name in ["alt", "title"] {
            if let Some((_, rest)) = tag.split_once(&format!("{name}=\"")) {
                text.push_str(rest.split_once('"').map_or(rest, |(value, _)| value));
                text.push('\n');
            }
        }
    }
    words(&decode(&text))
}

fn split_front(markdown: &str) -> (String, &str) {
    if let Some(rest) = markdown.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            let mut kept = String::new();
            // The date is not the author's words on the page: an ISO date prints in the
            // language's own form (src/dates.rs, tested there and in render_articles.rs).
            for line in rest[..end].lines() {
                for key in ["title:", "subtitle:", "author:"] {
                    if let Some(v) = line.strip_prefix(key) {
                        kept.push_str(v.trim().trim_matches('"'));
                        kept.push('\n');
                    }
                }
            }
            return (kept, &rest[end + 5..]);
        }
    }
    (String::new(), markdown)
}

/// Whether a line of extracted text is page furniture: a running header (`furniture`
/// lists the texts the tests expect there) or a footer ending in "n / N".
fn is_furniture(line: &str, furniture: &[&str]) -> bool {
    let line = line.trim();
    if furniture.contains(&line) {
        return true;
    }
    let mut parts = line.rsplitn(4, ' ');
    let (total, slash, page) = (parts.next(), parts.next(), parts.next());
    let numbered = slash == Some("/")
        && total.is_some_and(|t| t.chars().all(|c| c.is_ascii_digit()))
        && page.is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    numbered && parts.next().is_none_or(|rest| furniture.contains(&rest))
}

/// A footer line: "URL n / N" (the URL is one of the furniture texts).
fn is_footer(line: &str, furniture: &[&str]) -> bool {
    furniture.iter().any(|f| {
        line.trim()
            .strip_prefix(f)
            .is_some_and(|rest| is_furniture(rest, &[]))
    })
}

/// Words of pdftotext's output, with words hyphenated at a line end joined again when
/// the joined form is a source word. Header and footer lines (see [`is_furniture`])
/// are left out; the tests of headers and footers look at them separately.
pub fn pdf_words(text: &str, vocabulary: &[String]) -> Vec<String> {
    pdf_words_without(text, vocabulary, &[])
}

pub fn pdf_words_without(text: &str, vocabulary: &[String], furniture: &[&str]) -> Vec<String> {
    let vocab: std::collections::BTreeSet<&str> = vocabulary.iter().map(String::as_str).collect();
    // A word broken over several lines: each joined stage is the start of a source word.
    let starts_a_word = |s: &str| vocab.range(s..).next().is_some_and(|w| w.starts_with(s));
    let mut joined = String::new();
    // Page 1 carries the title block instead of a running header: only its footer goes.
    let lines: Vec<&str> = text
        .split('\u{c}')
        .enumerate()
        .flat_map(|(page, text)| {
            text.lines().filter(move |l| {
                let furniture_here = if page == 0 { &[][..] } else { furniture };
                !l.trim().is_empty()
                    && !is_furniture(l, furniture_here)
                    && !is_furniture(l, &[])
                    && !is_footer(l, furniture)
            })
        })
        .collect();
    // Two columns' lines side by side may come out as one line: a word broken at the foot
    // of one column then reads `head- tail` inside the line.
    let rejoin = |line: &str| -> String {
        let mut out = String::new();
        let mut pieces = line.split(' ').peekable();
        while let Some(piece) = pieces.next() {
            out.push_str(piece);
            if let (Some(head), Some(next)) = (piece.strip_suffix('-'), pieces.peek()) {
                let head_word = head
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let tail_word = next
                    .split(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let joined = format!("{head_word}{tail_word}");
                let halves =
                    vocab.contains(head_word.as_str()) && vocab.contains(tail_word.as_str());
                if !head_word.is_empty()
                    && !tail_word.is_empty()
                    && vocab.contains(joined.as_str())
                    && !halves
                {
                    out.pop();
                    continue;
                }
            }
            out.push(' ');
        }
        out.truncate(out.trim_end_matches(' ').len());
        out
    };
    let lines: Vec<String> = lines.iter().map(|l| rejoin(l)).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut i = 0;
    while i < lines.len() {
        let mut line = lines[i].to_string();
        // A word continued on the next line: after a hyphen, or (URLs are broken without
        // one) when only the joined form is a source word.
        while i + 1 < lines.len() {
            let next = lines[i + 1];
            let hyphenated = line.ends_with('-');
            let head = line
                .trim_end_matches('-')
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_lowercase();
            let tail = next
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_lowercase();
            let joined = format!("{head}{tail}");
            let whole_tail = next
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
            // Both halves being words of their own (a compound broken at its own hyphen,
            // `well-` / `known`) keeps them apart unless the joined form is a word too.
            let halves_are_words = vocab.contains(head.as_str()) && vocab.contains(tail.as_str());
            let joins = !head.is_empty()
                && !tail.is_empty()
                && whole_tail
                && if hyphenated {
                    vocab.contains(joined.as_str()) || (starts_a_word(&joined) && !halves_are_words)
                } else {
                    (vocab.contains(joined.as_str()) || starts_a_word(&joined)) && !halves_are_words
                };
            if !joins {
                break;
            }
            if hyphenated {
                line.pop();
            }
            line.push_str(next.trim_start());
            i += 1;
        }
        joined.push_str(&line);
        joined.push('\n');
        i += 1;
    }
    words(&joined)
}

/// Source words that the PDF lacks (as a multiset difference).
pub fn missing_words(source: &[String], pdf: &[String]) -> Vec<String> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for w in pdf {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let mut missing = Vec::new();
    for w in source {
        let c = counts.entry(w.as_str()).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            missing.push(w.clone());
        }
    }
    missing
}

pub fn lopdf(pdf: &[u8]) -> lopdf::Document {
    lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF back")
}

/// The text a browser shows for the expected HTML: tags and the content of `<script>`,
/// `<style>` and `<textarea>`-like raw elements left out, entities decoded.
pub fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        let lower = rest.to_ascii_lowercase();
        let skip_to = ["script", "style"].iter().find_map(|tag| {
            lower
                .starts_with(&format!("<{tag}"))
                .then(|| lower.find(&format!("</{tag}>")).map(|i| i + tag.len() + 3))
        });
        match skip_to {
            Some(Some(end)) => rest = &rest[end..],
            _ => match rest.find('>') {
                Some(close) => {
                    // Block-level tags separate words; inline ones (em, a, code) do not.
                    let name: String = lower[1..close]
                        .trim_start_matches('/')
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    let inline = [
                        "em", "strong", "a", "code", "del", "span", "s", "sup", "sub", "b", "i",
                    ];
                    if !inline.contains(&name.as_str()) {
                        text.push(' ');
                    }
                    rest = &rest[close + 1..];
                }
                None => {
                    text.push_str(rest);
                    rest = "";
                }
            },
        }
    }
    text.push_str(rest);
    decode(&text)
}

fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One spec example: its number, section, markdown and expected HTML.
pub struct SpecExample {
    pub number: usize,
    pub section: String,
    pub markdown: String,
    pub html: String,
}

/// Renders every example and fails, listing each, if any loses text; `spec` names the
/// spec in the report, `note` adds to its count line.
pub fn assert_examples_keep_text(
    spec: &str,
    note: &str,
    examples: &[SpecExample],
    deliberate: &[(usize, &[&str])],
) {
    let failures = examples_losing_text(examples, deliberate);
    eprintln!(
        "{spec}: {} of {} examples keep all their text{note}",
        examples.len() - failures.len(),
        examples.len()
    );
    assert!(
        failures.is_empty(),
        "{} examples lose text:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Renders every example (link addresses not printed: they would sit between words the
/// spec expects joined) and returns a line for each that loses text: words of its expected
/// HTML that the PDF lacks, less the `deliberate` ones listed for its number.
fn examples_losing_text(examples: &[SpecExample], deliberate: &[(usize, &[&str])]) -> Vec<String> {
    let options = folio::RenderOptions {
        links: Some(folio::options::LinkStyle::None),
        ..Default::default()
    };
    let mut failures = Vec::new();
    for example in examples {
        let out = match engine().render(&example.markdown, &options) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!(
                    "example {} ({}): error {e}",
                    example.number, example.section
                ));
                continue;
            }
        };
        assert!(out.pdf.starts_with(b"%PDF-"), "example {}", example.number);
        let expected = words(&html_text(&example.html));
        let extracted = pdf_words(&pdftotext(&out.pdf), &expected);
        let mut missing = missing_words(&expected, &extracted);
        if let Some((_, allowed)) = deliberate.iter().find(|(n, _)| *n == example.number) {
            missing.retain(|w| !allowed.contains(&w.as_str()));
        }
        if !missing.is_empty() {
            failures.push(format!(
                "example {} ({}): missing {:?}",
                example.number, example.section, missing
            ));
        }
    }
    failures
}
