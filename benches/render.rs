//! End-to-end render time of the example articles (markdown in, PDF bytes out), and the
//! stages before PDF writing on their own, so a change can be measured where it lands.
//!
//! Run with `cargo bench`; compare runs with criterion's saved baselines
//! (`cargo bench -- --save-baseline before`, then `--baseline before`).

use criterion::{criterion_group, criterion_main, Criterion};
use folio::{Context, Engine, RenderOptions};

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("example exists")
}

fn render(c: &mut Criterion) {
    let engine = Engine::new();
    let options = RenderOptions::default();
    for name in ["news.md", "short.md", "long-essay.md"] {
        let markdown = example(name);
        c.bench_function(&format!("render/{name}"), |b| {
            b.iter(|| engine.render(&markdown, &options).expect("renders"))
        });
        c.bench_function(&format!("typeset/{name}"), |b| {
            b.iter(|| {
                engine
                    .typeset(&markdown, &options, &Context::default())
                    .expect("typesets")
            })
        });
    }
}

/// A math-heavy article: the sheet of formulas the tests read back (91 formulas).
fn math(c: &mut Criterion) {
    let engine = Engine::new();
    let options = RenderOptions::default();
    let path = format!("{}/tests/math/sheet.md", env!("CARGO_MANIFEST_DIR"));
    let markdown = std::fs::read_to_string(path).expect("the sheet exists");
    c.bench_function("render/math-sheet.md", |b| {
        b.iter(|| engine.render(&markdown, &options).expect("renders"))
    });
}

fn engine_startup(c: &mut Criterion) {
    c.bench_function("engine/new", |b| b.iter(Engine::new));
}

criterion_group!(benches, render, math, engine_startup);
criterion_main!(benches);
