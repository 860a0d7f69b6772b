//! Any text as a front matter block, fenced as YAML (`---`) and as TOML (`+++`), read by
//! `folio::front_matter` and then rendered: neither may panic or hang, every error must
//! be a user error, and a front matter the reader refuses must stop the render too.
//!
//! Run: `cargo fuzz run front_matter -s none` (on a stable toolchain prefix
//! `RUSTC_BOOTSTRAP=1`). Seeds: `fuzz/seeds.sh` writes a few into `fuzz/corpus/front_matter`.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn engine() -> &'static folio::Engine {
    static ENGINE: OnceLock<folio::Engine> = OnceLock::new();
    // No installed fonts: what this machine has installed changes nothing.
    ENGINE.get_or_init(|| folio::Engine::with_fonts(folio::FontSources::default()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(block) = std::str::from_utf8(data) else { return };
    let limits = folio::Limits {
        max_pages: 30,
        ..folio::Limits::default()
    };
    let context = folio::Context {
        limits,
        ..folio::Context::default()
    };
    for fence in ["---", "+++"] {
        let markdown = format!("{fence}\n{block}\n{fence}\nText after the front matter.\n");
        // The reader alone reads what a render reads (NUL as U+FFFD included: a NUL once
        // made the reader refuse a block the render took).
        let read = folio::front_matter(&markdown, &limits);
        if let Err(e) = &read {
            assert!(e.is_user_error(), "front_matter: internal error: {e}");
        }
        let rendered = engine().render_with(&markdown, &folio::RenderOptions::default(), &context);
        if std::env::var_os("FOLIO_FUZZ_DEBUG").is_some() {
            eprintln!("{fence} front_matter: {read:?}");
            eprintln!("{fence} render: {:?}", rendered.as_ref().map(|r| (r.pages, &r.title)));
        }
        match rendered {
            Ok(out) => {
                assert!(out.pdf.starts_with(b"%PDF-"));
                if let Err(e) = &read {
                    panic!("front_matter refused the block ({e}) but the render accepted it");
                }
            }
            Err(e) => assert!(e.is_user_error(), "render: internal error: {e}"),
        }
    }
});
