//! Every example of the CommonMark spec renders to a valid PDF whose text contains the
//! text of the spec's expected HTML. The spec comes from the `commonmark-spec` npm
//! package that `scripts/test` installs (`npm ci`); it is not copied into the repository.

mod common;

use common::*;

/// Examples as the spec's own extractor reads them: a fence of 32 backticks and the word
/// `example`, the markdown, a line with a single `.`, the HTML, the closing fence.
fn examples(spec: &str) -> Vec<SpecExample> {
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- END TESTS -->") {
            break;
        }
        if let Some(title) = line.strip_prefix('#') {
            section = title.trim_start_matches('#').trim().to_string();
            continue;
        }
        if line != format!("{fence} example") {
            continue;
        }
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for line in lines.by_ref() {
            if line == fence {
                break;
            }
            if line == "." && !in_html {
                in_html = true;
                continue;
            }
            let target = if in_html { &mut html } else { &mut markdown };
            target.push_str(line);
            target.push('\n');
        }
        out.push(SpecExample {
            number: out.len() + 1,
            section: section.clone(),
            markdown: markdown.replace('→', "\t"),
            html,
        });
    }
    out
}

fn spec_path() -> String {
    std::env::var("FOLIO_COMMONMARK_SPEC").unwrap_or_else(|_| {
        format!(
            "{}/node_modules/commonmark-spec/spec.txt",
            env!("CARGO_MANIFEST_DIR")
        )
    })
}

#[test]
fn every_commonmark_example_keeps_its_text() {
    let path = spec_path();
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{path}: {e}; run scripts/test, which installs the spec with `npm ci`")
    });
    let examples = examples(&spec);
    assert_eq!(examples.len(), 652, "the 0.31.2 spec has 652 examples");
    assert_examples_keep_text("CommonMark spec", "", &examples, &[]);
}
