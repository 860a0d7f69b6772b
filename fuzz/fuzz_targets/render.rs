//! Any bytes as markdown (and a few bytes choosing options) through the whole pipeline,
//! under the service's limits: the render must not panic or hang, a user error must be a
//! user error, and every PDF must parse back.
//!
//! Run: `cargo fuzz run render` from the repository root (cargo-fuzz; on a stable
//! toolchain prefix `RUSTC_BOOTSTRAP=1`). Seeds: `fuzz/seeds.sh` copies the examples and
//! the hostile corpus into `fuzz/corpus/render`.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn engine() -> &'static folio::Engine {
    static ENGINE: OnceLock<folio::Engine> = OnceLock::new();
    ENGINE.get_or_init(folio::Engine::new)
}

fuzz_target!(|data: &[u8]| {
    let (choice, text) = match data.split_first() {
        Some((c, rest)) => (*c, rest),
        None => (0, data),
    };
    let Ok(markdown) = std::str::from_utf8(text) else { return };
    let options = folio::RenderOptions {
        page_size: Some(["A4", "A5", "Letter", "60x80mm"][choice as usize % 4].parse().unwrap()),
        font_size: Some(folio::options::FontSize(6.0 + (choice / 4 % 19) as f32)),
        justify: Some(choice & 0x40 == 0),
        hyphenate: Some(choice & 0x80 == 0),
        margins: Some("12mm".parse().unwrap()),
        ..Default::default()
    };
    let context = folio::Context {
        limits: folio::Limits {
            max_pages: 50,
            ..folio::Limits::default()
        },
        ..folio::Context::default()
    };
    match engine().render_with(markdown, &options, &context) {
        Ok(out) => {
            assert!(out.pdf.starts_with(b"%PDF-"));
            assert!(out.pages >= 1);
            lopdf::Document::load_mem(&out.pdf).expect("the PDF parses back");
        }
        Err(e) => assert!(e.is_user_error(), "internal error: {e}"),
    }
});
