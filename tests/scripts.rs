//! Every script on paper and back out: the example articles in Chinese, Japanese, Arabic,
//! Hebrew, Hindi, Thai and a mix with emoji draw no missing glyph and copy out in
//! reading order; right-to-left paragraphs end flush right; code copies out exactly; a
//! Latin article embeds only the Latin faces; a script no font has is named in the
//! warning with the package to install, and its text still comes out.
//!
//! Needs poppler-utils, mupdf-tools, fonts-noto-cjk and fonts-noto-color-emoji (installed
//! by `scripts/test`).

mod common;

use common::*;
use folio::layout::{Element, Role};
use folio::{RenderOptions, Warning};

const ARTICLES: [&str; 7] = [
    "zh-article.md",
    "ja-article.md",
    "ar-article.md",
    "he-article.md",
    "hi-article.md",
    "th-article.md",
    "scripts-and-emoji.md",
];

/// Text in reading order (poppler's default mode, which puts right-to-left words back
/// in their order), without the directional marks poppler adds around them.
fn reading_text(pdf: &[u8]) -> String {
    tool("pdftotext", &["-enc", "UTF-8", "-", "-"], pdf)
        .chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}'))
        .collect()
}

/// The characters an author wrote: the title and author from the front matter, then
/// the text of the markdown (its words and code, not its syntax), without spaces.
fn written_chars(markdown: &str) -> Vec<char> {
    let mut text = String::new();
    let (front, body) = match markdown
        .strip_prefix("---\n")
        .and_then(|r| r.split_once("\n---\n"))
    {
        Some((front, body)) => (front, body),
        None => ("", markdown),
    };
    for line in front.lines() {
        for key in ["title:", "author:"] {
            if let Some(value) = line.strip_prefix(key) {
                text.push_str(value);
            }
        }
    }
    use pulldown_cmark::{Event, Parser};
    for event in Parser::new_ext(body, folio::markdown_extensions()) {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(&t);
        }
    }
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The share of `source`'s characters found in `extracted` in the same order (the
/// longest common subsequence over the length of the source).
fn in_order_recall(source: &[char], extracted: &[char]) -> f64 {
    let mut previous = vec![0u32; extracted.len() + 1];
    let mut current = vec![0u32; extracted.len() + 1];
    for a in source {
        for (j, b) in extracted.iter().enumerate() {
            current[j + 1] = if a == b {
                previous[j] + 1
            } else {
                previous[j + 1].max(current[j])
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[extracted.len()] as f64 / source.len().max(1) as f64
}

/// Glyph ids drawn, from `mutool trace` (0 is the missing-glyph box).
fn drawn_glyph_ids(pdf: &[u8]) -> Vec<String> {
    let (ok, trace, err) = tool_on_file("mutool", &["trace"], pdf, &[]);
    assert!(ok, "mutool trace failed: {err}");
    trace
        .split(" glyph=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn articles_in_every_script_draw_every_glyph_and_copy_out_in_reading_order() {
    for name in ARTICLES {
        let markdown = example(name);
        let rendered = engine()
            .render(&markdown, &RenderOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let missing: Vec<&Warning> = rendered
            .warnings
            .iter()
            .filter(|w| matches!(w, Warning::MissingGlyphs { .. }))
            .collect();
        assert!(missing.is_empty(), "{name}: {missing:?}");
        let glyphs = drawn_glyph_ids(&rendered.pdf);
        assert!(glyphs.len() > 300, "{name}: {} glyphs", glyphs.len());
        let notdef = glyphs.iter().filter(|g| *g == "0").count();
        assert_eq!(notdef, 0, "{name}: .notdef drawn {notdef} times");
        let source = written_chars(&markdown);
        let extracted: Vec<char> = reading_text(&rendered.pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let recall = in_order_recall(&source, &extracted);
        assert!(recall >= 0.99, "{name}: {:.2}% in order", recall * 100.0);
    }
}

#[test]
fn right_to_left_paragraphs_end_flush_right_last_lines_too() {
    let markdown = "---\nlang: he\n---\n\n\
        קוראים רבים עדיין אוהבים להדפיס מאמרים ארוכים ולקרוא אותם על נייר, הרחק מהתראות \
        ומחלונות קופצים, כי שם קל יותר להתרכז בטקסט עצמו ולסמן בו הערות בעיפרון.\n\n\
        עברית נכתבת מימין לשמאל, ולכן כל שורה מתחילה בצד ימין של העמוד ומסתיימת בצד \
        שמאל שלו, גם כאשר היא כוללת מספרים כמו 2026 או מילים לועזיות כמו PDF.\n\n\
        ما زال كثير من القراء يفضلون طباعة المقالات الطويلة وقراءتها على الورق، بعيداً \
        عن الإشعارات والنوافذ المنبثقة التي تقطع حبل الأفكار.\n";
    let typeset = typeset(markdown, &RenderOptions::default());
    let area = typeset.settings.text_area();
    let right_margin = area.x + area.width;
    let mut lines = 0;
    let mut indented: Vec<f32> = Vec::new();
    for page in &typeset.layout.pages {
        for line in page.lines.iter().filter(|l| l.role == Role::Body) {
            let (mut left, mut right) = (f32::MAX, f32::MIN);
            for element in &page.elements[line.elements.clone()] {
                if let Element::Text { x, run, .. } = element {
                    left = left.min(x.0);
                    right = right.max(x.0 + run.width());
                }
            }
            // A paragraph's first line after the first paragraph ends its indent short
            // of the margin: where a right-to-left line starts.
            if (right - right_margin.0).abs() >= 0.5 {
                indented.push(right_margin.0 - right);
            }
            assert!(left >= area.x.0 - 0.5, "a line starts left of the margin");
            lines += 1;
        }
    }
    assert!(lines >= 6, "{lines} lines");
    assert_eq!(
        indented.len(),
        2,
        "lines ending short of the margin by {indented:?}"
    );
    assert!(
        indented
            .iter()
            .all(|i| (i - indented[0]).abs() < 0.01 && *i > 5.0),
        "lines end short of the right margin by {indented:?}, not by one indent"
    );
}

const OPERATORS: [&str; 11] = [
    "==", "!=", "<=", ">=", "=>", "->", "::", "///", "www", "ffi", "fl",
];

#[test]
fn code_and_operators_copy_out_exactly() {
    let all = OPERATORS.join(" ");
    let markdown = format!(
        "Body text: {all} and more.\n\n\
         Inline: `{all} <!--` done.\n\n\
         ```\n{all} <!--\na::b /// c == d != e <= f => g\n```\n"
    );
    let rendered = engine()
        .render(&markdown, &RenderOptions::default())
        .expect("renders");
    let text = pdftotext(&rendered.pdf);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert!(
        lines.contains(&format!("Body text: {all} and more.").as_str()),
        "body: {text}"
    );
    assert!(
        lines.contains(&format!("Inline: {all} <!-- done.").as_str()),
        "inline code: {text}"
    );
    assert!(
        lines.contains(&format!("{all} <!--").as_str()),
        "code block: {text}"
    );
    assert!(
        lines.contains(&"a::b /// c == d != e <= f => g"),
        "code block: {text}"
    );
}

#[test]
fn a_latin_article_embeds_only_the_latin_faces() {
    let rendered = engine()
        .render(&example("news.md"), &RenderOptions::default())
        .expect("renders");
    let (ok, fonts, err) = tool_on_file("pdffonts", &[], &rendered.pdf, &[]);
    assert!(ok, "pdffonts: {err}");
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(!names.is_empty());
    for name in &names {
        let face = name.split('+').nth(1).unwrap_or(name);
        assert!(
            face.starts_with("NotoSerif-") || face.starts_with("JetBrainsMono"),
            "{name} embedded in a Latin article: {names:?}"
        );
    }
}

#[test]
fn a_script_no_font_has_is_named_with_its_package_and_its_text_kept() {
    // Egyptian hieroglyphs: neither bundled nor in the packages the tests install.
    let markdown = "The sign \u{13000}\u{13001} stands for a man.\n";
    let rendered = engine()
        .render(markdown, &RenderOptions::default())
        .expect("renders");
    let warning = rendered
        .warnings
        .iter()
        .find(|w| matches!(w, Warning::MissingGlyphs { .. }))
        .expect("a missing-glyph warning");
    let message = warning.to_string();
    assert!(
        message.contains("Egyptian Hieroglyphs") && message.contains("fonts-noto-core"),
        "{message}"
    );
    assert!(
        reading_text(&rendered.pdf).contains("\u{13000}\u{13001}"),
        "the text is kept"
    );
}

#[test]
fn long_emoji_sequences_map_in_entries_every_reader_takes() {
    // A family joined by ZWJs is eleven UTF-16 units; MuPDF ignores a ToUnicode entry
    // of more than eight, and leaves glyphs without an outline out of its text.
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
    let markdown = format!("The {family} and \u{1F1EB}\u{1F1F7} travel.\n");
    let rendered = engine()
        .render(&markdown, &RenderOptions::default())
        .expect("renders");
    let doc = lopdf(&rendered.pdf);
    let mut entries = 0;
    for object in doc.objects.values() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        let Ok(bytes) = stream.decompressed_content() else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        if !text.contains("begincmap") {
            continue;
        }
        for line in text.lines() {
            // `<code> <units>` of a bfchar block: at most 8 units of 4 hex digits.
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 2 && parts.iter().all(|p| p.starts_with('<')) {
                entries += 1;
                assert!(parts[1].len() - 2 <= 8 * 4, "an entry too long: {line}");
            }
        }
    }
    assert!(entries > 0);
    assert!(
        reading_text(&rendered.pdf).contains(family),
        "poppler reads it whole"
    );
    // MuPDF reads every unit (1.21 writes a surrogate pair as two characters).
    let (ok, stext, _) = tool_on_file(
        "mutool",
        &["draw", "-F", "stext", "-o", "-"],
        &rendered.pdf,
        &[],
    );
    assert!(ok);
    let units: Vec<String> = family
        .encode_utf16()
        .map(|u| format!("&#x{u:x};"))
        .collect();
    let seen: String = stext
        .split("c=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let readable: String = family
        .chars()
        .map(|c| format!("&#x{:x};", c as u32))
        .collect();
    assert!(
        seen.contains(&units.concat()) || seen.contains(&readable) || seen.contains(family),
        "MuPDF's text lacks the family: {seen}"
    );
}

#[test]
fn chinese_and_japanese_paragraphs_end_with_more_than_a_character_in_large_print() {
    // Large print is ragged: a paragraph's last line of one character and its stop (a
    // runt, the commonest before a heading) costs as a short last word does.
    for name in ["ja-article.md", "zh-article.md"] {
        let options = RenderOptions {
            template: Some("large-print".to_string()),
            ..RenderOptions::default()
        };
        let typeset = typeset(&example(name), &options);
        for page in &typeset.layout.pages {
            let body: Vec<&folio::layout::PageLine> =
                page.lines.iter().filter(|l| l.role == Role::Body).collect();
            // A paragraph's last line: the line after it belongs to another structure
            // element (or there is none on the page).
            let tag_of = |line: &folio::layout::PageLine| {
                page.elements[line.elements.clone()]
                    .iter()
                    .find_map(|e| match e {
                        Element::Text { tag, .. } => Some(*tag),
                        _ => None,
                    })
            };
            for (i, line) in body.iter().enumerate() {
                let last = body
                    .get(i + 1)
                    .is_none_or(|next| tag_of(next) != tag_of(line));
                let text: String = page.elements[line.elements.clone()]
                    .iter()
                    .filter_map(|e| match e {
                        Element::Text { run, .. } => Some(run.text.as_str()),
                        _ => None,
                    })
                    .collect();
                let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
                assert!(
                    !last || letters >= 2,
                    "{name}: a paragraph ends with the runt `{text}`"
                );
            }
        }
    }
}

/// The spaces a reader's copy of `pdf` puts inside words: neighbours on a line that the
/// markdown writes together and never with a space between.
fn spaces_inside_words(pdf: &[u8], markdown: &str) -> Vec<String> {
    reading_text(pdf)
        .lines()
        .flat_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words
                .windows(2)
                .filter(|pair| {
                    let joined = format!("{}{}", pair[0], pair[1]);
                    markdown.contains(&joined)
                        && !markdown.contains(&format!("{} {}", pair[0], pair[1]))
                })
                .map(|pair| format!("{} {}", pair[0], pair[1]))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_cluster_of_several_glyphs_copies_out_without_a_space_inside_its_word() {
    // Thai's sara am is drawn as two glyphs, a Devanagari cluster as up to four: a word
    // with such a cluster is one span of text, with the space after it. A span per glyph
    // left the width of the glyphs after a cluster's first without text, which a reader
    // took for a space (`จำ นวน`; 7 in the Thai article, 86 in the Hindi); a span per
    // cluster still split words whose cluster ends in a mark (`टाइपसेटिं ग`).
    for name in ["th-article.md", "hi-article.md"] {
        let markdown = example(name);
        let pdf = engine()
            .render(&markdown, &RenderOptions::default())
            .expect("renders")
            .pdf;
        let inside = spaces_inside_words(&pdf, &markdown);
        assert!(
            inside.is_empty(),
            "{name}: {} spaces inside words: {inside:?}",
            inside.len()
        );
    }
}
