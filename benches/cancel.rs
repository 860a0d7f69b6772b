//! How soon a render stops after its deadline, on the inputs that used to hold a worker
//! for seconds: a paragraph of 2 MB of words, and one 2 MB word. Prints, for deadlines of
//! 200, 600 and 1500 ms, when each render ended and how.
//!
//! `cargo bench --bench cancel` (release build; a figure, not a test).

use std::time::{Duration, Instant};

fn main() {
    let engine = folio::Engine::with_fonts(folio::FontSources::default());
    let words = ["print", "paper", "margin", "justify", "hyphen", "leading"];
    let paragraph: String = (0..250_000)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let word = "x".repeat(2_000_000);
    let limits = folio::Limits {
        max_pages: 5_000,
        ..folio::Limits::default()
    };
    for (name, markdown) in [("2 MB paragraph", &paragraph), ("2 MB word", &word)] {
        for deadline_ms in [200u64, 600, 1500] {
            let started = Instant::now();
            let context = folio::Context {
                cancel: folio::Cancel::with_deadline(Some(
                    started + Duration::from_millis(deadline_ms),
                )),
                limits,
                ..folio::Context::default()
            };
            let result = engine.render_with(markdown, &folio::RenderOptions::default(), &context);
            let ended = started.elapsed().as_secs_f64() * 1000.0;
            let how = match result {
                Ok(r) => format!("finished, {} pages", r.pages),
                Err(folio::Error::Cancelled) => "stopped".to_string(),
                Err(e) => format!("failed: {e}"),
            };
            println!(
                "{name:<15} deadline {deadline_ms:>5} ms: ended at {ended:>7.1} ms ({how}; {:+.1} ms past the deadline)",
                ended - deadline_ms as f64
            );
        }
    }
}
