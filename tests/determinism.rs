//! The same input gives the same bytes, however busy the machine is: no limit that
//! decides what is printed counts time (code highlighting counts bytes). The article is
//! rendered idle, then again while every core is kept busy, and the PDFs compared.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use common::engine;
use folio::RenderOptions;

/// An article of many highlighted code blocks in several languages.
fn code_heavy() -> String {
    let mut markdown = String::from("# Code\n\n");
    for i in 0..60 {
        markdown.push_str(&format!(
            "Step {i}.\n\n```rust\n// step {i}\nfn step_{i}(x: u32) -> u32 {{\n    let y = x * {i};\n    \
             println!(\"{{y}}\");\n    y\n}}\n```\n\n```python\ndef step_{i}(x):\n    \
             \"\"\"Step {i}.\"\"\"\n    return x * {i}  # times\n```\n\n```sh\nfor f in *.md; do \
             folio render \"$f\" --jobs {i}; done\n```\n\n"
        ));
    }
    markdown
}

#[test]
fn a_busy_machine_prints_the_same_bytes_as_an_idle_one() {
    let markdown = code_heavy();
    let options = RenderOptions::default();
    let idle = engine().render(&markdown, &options).expect("renders").pdf;
    let stop = AtomicBool::new(false);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    /// Stops the busy threads however the renders end (a failed assertion included).
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        for _ in 0..cores * 2 {
            scope.spawn(|| {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            });
        }
        for round in 0..3 {
            let busy = engine().render(&markdown, &options).expect("renders").pdf;
            assert!(
                busy == idle,
                "round {round}: the PDF differs from the idle render"
            );
        }
    });
}
