//! Properties that hold for any input: a valid PDF comes out, no word is lost, and no
//! text leaves the text area.

mod common;

use common::*;
use folio::layout::{Element, Role};
use folio::RenderOptions;
use proptest::prelude::*;

/// Words of many shapes: short, long, hyphenated, non-Latin, URLs, numbers.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z]{1,10}",
        2 => "[A-Z][a-z]{2,12}",
        1 => "[a-z]{12,40}",
        1 => "[a-z]{3,8}-[a-z]{3,8}",
        1 => "[а-я]{3,12}",
        1 => "[α-ω]{3,10}",
        1 => "[0-9]{1,6}",
        1 => "https://[a-z]{3,10}\\.example\\.org/[a-z]{2,12}/[a-z0-9]{2,30}",
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..25).prop_map(|w| w.join(" "))
}

/// A small PNG (480 x 160 pixels) for figures.
const PICTURE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAeAAAACgCAIAAABbmSgaAAAByUlEQVR42u3UMQ0AAAgEsReGEtQhlRkHDE2q4IbLdAHwUCQAMGgADBrAoAEwaACDBsCgATBoAIMGwKABDBoAgwbAoAEMGgCDBjBoAAwawKABMGgADBrAoAEwaACDBsCgATBoAIMGwKABDBoAgwYwaAAMGgCDBjBoAAwawKABMGgADBrAoAEwaACDBsCgAQxaBQCDBsCgAQwaAIMGMGgADBoAgwYwaAAMGsCgATBoAAwawKABMGgAgwbAoAEMGgCDBsCgAQwaAIMGMGgADBoAgwYwaAAMGsCgATBoAIMGwKABMGgAgwbAoAEMGgCDBsCgAQwaAIMGMGgADBrAoFUAMGgADBrAoAEwaACDBsCgATBoAIMGwKABDBoAgwbAoAEMGgCDBjBoAAwawKABMGgADBrAoAEwaACDBsCgATBoAIMGwKABDBoAgwYwaAAMGgCDBjBoAAwawKABMGgADBrAoAEwaACDBsCgAQwaAIMGwKABDBoAgwYwaAAMGgCDBjBoAAwawKABMGgADBrAoAEwaACDBsCgAQwaAIMGwKABDBoAgwYwaAAMGgCDBjBoAAwawKABMGgAgwbAoAEwaACDBsCgAQwaAIMG4FrIvl1GrZo9twAAAABJRU5ErkJggg==";

/// A block of markdown built from words, and the words it shows.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => sentence(),
        1 => sentence().prop_map(|s| format!("## {s}")),
        1 => sentence().prop_map(|s| format!("> {s}")),
        1 => (sentence(), sentence()).prop_map(|(a, b)| format!("- {a}\n- {b}")),
        1 => (sentence(), word(), sentence()).prop_map(|(a, w, b)| format!("{a} *{w}* **{b}**")),
        1 => (sentence(), word()).prop_map(|(a, w)| format!("{a} `{w}`")),
        1 => (sentence(), sentence()).prop_map(|(a, b)| format!("{a}  \n{b}")),
        1 => (sentence(), sentence()).prop_map(|(a, b)| format!("![{a}]({PICTURE} \"{b}\")")),
        1 => prop::collection::vec(prop::collection::vec(word(), 1..12), 1..24).prop_map(|cells| {
            // A table as wide as it has cells in its first row, up to 11 columns.
            let columns = cells[0].len();
            let row = |r: &[String]| format!("| {} |", (0..columns).map(|c| r.get(c).cloned().unwrap_or_default()).collect::<Vec<_>>().join(" | "));
            let mut lines = vec![row(&cells[0]), format!("|{}", "---|".repeat(columns))];
            lines.extend(cells[1..].iter().map(|r| row(r)));
            lines.join("\n")
        }),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(block(), 1..12).prop_map(|blocks| blocks.join("\n\n"))
}

fn options() -> impl Strategy<Value = RenderOptions> {
    (
        prop::sample::select(vec!["A4", "A5", "Letter", "100x150mm"]),
        6.0f32..=24.0,
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["article", "compact", "large-print"]),
    )
        .prop_map(|(page, size, justify, hyphenate, template)| RenderOptions {
            page_size: Some(
                if template == "compact" && page != "Letter" {
                    "A4"
                } else {
                    page
                }
                .parse()
                .unwrap(),
            ),
            // Two columns hold a readable line only on a large page with text up to about
            // 12 pt (at 22 pt a column of A6 holds four letters, words break everywhere
            // and the test's reading of the text back cannot tell the pieces apart).
            font_size: Some(folio::options::FontSize(
                ((if template == "compact" {
                    size.min(12.0)
                } else {
                    size
                }) * 2.0)
                    .round()
                    / 2.0,
            )),
            template: Some(template.to_string()),
            justify: Some(justify),
            hyphenate: Some(hyphenate),
            // Room for the header and footer at any size up to 24 pt.
            margins: Some("18mm".parse().unwrap()),
            ..Default::default()
        })
}

proptest! {
    // A fixed seed: the same 48 documents on every run and every machine, so that a
    // failure is the change's, not the dice's (vary the seed by hand to explore).
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x000F_0110_2026),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_word_is_kept(markdown in document(), options in options()) {
        let out = engine().render(&markdown, &options).expect("renders");
        let doc = lopdf(&out.pdf);
        prop_assert_eq!(doc.get_pages().len(), out.pages);
        let source = source_words(&markdown);
        let text = pdftotext(&out.pdf);
        let vocabulary = [source.clone(), image_words(&markdown)].concat();
        let extracted = pdf_words(&text, &vocabulary);
        let missing = missing_words(&source, &extracted);
        prop_assert!(missing.is_empty(), "missing {:?} from:\n{}", missing, text);
    }

    #[test]
    fn no_text_outside_the_text_area(markdown in document(), options in options()) {
        let typeset = typeset(&markdown, &options);
        let area = typeset.settings.text_area();
        let (left, top) = (area.x.0, area.y.0);
        let right = (area.x + area.width).0;
        let bottom = (area.y + area.height).0;
        // To save a sheet a page may run one line long, never more.
        let overrun = typeset.settings.leading();
        for (n, page) in typeset.layout.pages.iter().enumerate() {
            // Every piece of text is on one of the page's lines, which says what it is:
            // the running header and footer sit in the margins, nothing else may.
            let mut on_a_line = vec![false; page.elements.len()];
            for line in &page.lines {
                let furniture = matches!(line.role, Role::Header | Role::Footer);
                for i in line.elements.clone() {
                    on_a_line[i] = true;
                    let Element::Text { x, y, run, .. } = &page.elements[i] else {
                        continue;
                    };
                    let (x, y) = (x.0, y.0);
                    if furniture {
                        prop_assert!(y < top || y > bottom, "page {}: furniture {:?} inside the text area", n + 1, run.text);
                        continue;
                    }
                    prop_assert!(x + run.width() <= right + 0.5, "page {}: {:?} ends at {} > {}", n + 1, run.text, x + run.width(), right);
                    prop_assert!(x >= left - 40.0, "page {}: {:?} starts at {}", n + 1, run.text, x);
                    prop_assert!(y >= top - 0.5, "page {}: {:?} above the text area", n + 1, run.text);
                    prop_assert!(y <= bottom + overrun + 0.5, "page {}: {:?} at {} below the text area ({})", n + 1, run.text, y, bottom);
                }
            }
            for (i, element) in page.elements.iter().enumerate() {
                if let Element::Text { run, .. } = element {
                    prop_assert!(on_a_line[i], "page {}: {:?} on no line", n + 1, run.text);
                }
            }
        }
    }

    #[test]
    fn arbitrary_input_never_panics(input in "\\PC{0,400}") {
        match engine().render(&input, &RenderOptions::default()) {
            Ok(out) => { lopdf(&out.pdf); }
            Err(e) => prop_assert!(e.is_user_error(), "{}", e),
        }
    }
}
