//! Golden layout dumps: a readable picture of every page (its lines with their place,
//! role and text) for each input, compared with the file checked in beside it, so that a
//! change in line or page breaking shows up in review as a diff of text.
//!
//! Inputs: every example in every template (dumps in `tests/layout/examples/`), and every
//! `tests/layout/*.md` (dump beside it, `.txt`; front matter chooses its options).
//! `FOLIO_BLESS=1 cargo test --test layout` writes the dumps anew; review the diff.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use folio::images::LocalFiles;
use folio::RenderOptions;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The dump of `input` (its images read from its own folder) with `options`.
fn dump(input: &Path, options: &RenderOptions) -> String {
    let markdown = std::fs::read_to_string(input).expect("read input");
    let images = LocalFiles::new(input.parent().expect("folder"), &[]);
    let typeset = typeset_with_images(&markdown, options, &images);
    let mut out = typeset.layout.dump(typeset.settings.text_area().x);
    if !typeset.warnings.is_empty() {
        out.push_str("warnings:\n");
        for warning in &typeset.warnings {
            out.push_str(&format!("  {warning}\n"));
        }
    }
    out
}

/// Compares `actual` with the golden file, or writes it when blessing. Returns a line
/// describing a difference.
fn check(golden: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("FOLIO_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().expect("folder")).expect("create folder");
        std::fs::write(golden, actual).expect("write golden file");
        return None;
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{}: differs from line {} on\n  expected: {}\n  actual:   {}",
        golden.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>"),
    ))
}

#[test]
fn layouts_match_their_golden_dumps() {
    let mut failures = Vec::new();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    examples.sort();
    assert!(!examples.is_empty());
    for input in &examples {
        for template in ["article", "large-print", "compact"] {
            let options = RenderOptions {
                template: Some(template.to_string()),
                ..RenderOptions::default()
            };
            let name = input.file_stem().expect("name").to_string_lossy();
            let golden = root().join(format!("tests/layout/examples/{name}.{template}.txt"));
            failures.extend(check(&golden, &dump(input, &options)));
        }
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/layout"))
        .expect("tests/layout")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    cases.sort();
    for input in &cases {
        let golden = input.with_extension("txt");
        failures.extend(check(&golden, &dump(input, &RenderOptions::default())));
    }
    assert!(
        failures.is_empty(),
        "{} layouts changed (FOLIO_BLESS=1 writes them anew; review the diff):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A golden dump whose input is gone (renamed, deleted) would never be compared again:
/// every dump must have its input, and every example dump a template that exists.
#[test]
fn every_golden_dump_has_its_input() {
    let templates: Vec<String> = folio::Template::built_in_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/layout")).expect("tests/layout") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") && !path.with_extension("md").exists() {
            orphans.push(path);
        }
    }
    for entry in std::fs::read_dir(root().join("tests/layout/examples")).expect("examples") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let found = name
            .strip_suffix(".txt")
            .and_then(|rest| rest.rsplit_once('.'))
            .is_some_and(|(example, template)| {
                templates.iter().any(|t| t == template)
                    && root().join(format!("examples/{example}.md")).exists()
            });
        if !found {
            orphans.push(path);
        }
    }
    assert!(
        orphans.is_empty(),
        "golden dumps without an input (delete them, or restore the input): {orphans:?}"
    );
}
