//! Any bytes as an SVG image (a `data:` URI, base64) in a small article, rendered: the
//! render must not panic (a panic in the SVG converter's thread aborts here too), hang or
//! run out of memory, a user error must be a user error, and every PDF must parse back.
//!
//! Run: `cargo fuzz run svg -s none` (on a stable toolchain prefix `RUSTC_BOOTSTRAP=1`).
//! Seeds: `fuzz/seeds.sh` writes a few drawings into `fuzz/corpus/svg`.

#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static folio::Engine {
    static ENGINE: OnceLock<folio::Engine> = OnceLock::new();
    // No installed fonts: what this machine has installed changes nothing.
    ENGINE.get_or_init(|| folio::Engine::with_fonts(folio::FontSources::default()))
}

fuzz_target!(|data: &[u8]| {
    let uri = base64::engine::general_purpose::STANDARD.encode(data);
    let markdown = format!(
        "# A drawing\n\nA paragraph before the figure.\n\n\
         ![A drawing](data:image/svg+xml;base64,{uri})\n\n\
         A paragraph after it, and the drawing again inline: \
         ![small](data:image/svg+xml;base64,{uri}).\n"
    );
    let context = folio::Context {
        limits: folio::Limits {
            max_pages: 30,
            ..folio::Limits::default()
        },
        ..folio::Context::default()
    };
    match engine().render_with(&markdown, &folio::RenderOptions::default(), &context) {
        Ok(out) => {
            if std::env::var_os("FOLIO_FUZZ_DEBUG").is_some() {
                eprintln!("{} pages, {} bytes, warnings: {:?}", out.pages, out.pdf.len(), out.warnings);
            }
            assert!(out.pdf.starts_with(b"%PDF-"));
            lopdf::Document::load_mem(&out.pdf).expect("the PDF parses back");
        }
        Err(e) => assert!(e.is_user_error(), "internal error: {e}"),
    }
});
