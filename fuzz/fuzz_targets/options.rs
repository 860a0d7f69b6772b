//! Options as a caller sends them (names and values as text, as in a query string) with
//! the markdown: every combination must give a PDF or an error that names an option,
//! never a panic.
//!
//! Run: `cargo fuzz run options` (on a stable toolchain prefix `RUSTC_BOOTSTRAP=1`).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static folio::Engine {
    static ENGINE: OnceLock<folio::Engine> = OnceLock::new();
    ENGINE.get_or_init(folio::Engine::new)
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Indices into the option names (or made-up names), with values.
    options: Vec<(u8, String)>,
    markdown: String,
}

fuzz_target!(|input: Input| {
    let names: Vec<&str> = folio::RenderOptions::names().collect();
    let pairs: Vec<(String, String)> = input
        .options
        .iter()
        .take(8)
        .map(|(n, value)| {
            let name = names
                .get(*n as usize)
                .map_or_else(|| format!("unknown{n}"), |s| s.to_string());
            (name, value.clone())
        })
        .collect();
    let options = match folio::RenderOptions::from_pairs(
        pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    ) {
        Ok(options) => options,
        Err(e) => {
            assert!(matches!(e, folio::Error::InvalidOption { .. }), "{e}");
            return;
        }
    };
    let context = folio::Context {
        limits: folio::Limits {
            max_pages: 30,
            ..folio::Limits::default()
        },
        ..folio::Context::default()
    };
    match engine().render_with(&input.markdown, &options, &context) {
        Ok(out) => assert!(out.pdf.starts_with(b"%PDF-")),
        Err(e) => assert!(e.is_user_error(), "internal error: {e}"),
    }
});
