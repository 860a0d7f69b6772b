//! Each stage of the pipeline on its own and the whole render, on the generated benchmark
//! articles of about 400, 5,000 and 50,000 words (`benches/articles.rs`): parse, shaping,
//! hyphenation, preparing paragraphs (shaping and hyphenation as the line breaker needs
//! them), line breaking, the flow of blocks (all of the inline stage), pagination, PDF
//! writing (subsetting and compression), and `render` end to end.
//!
//! `cargo bench --bench stages`; one size: `cargo bench --bench stages -- /5000`; compare
//! with a saved baseline (`-- --save-baseline before`, then `-- --baseline before`).

#[path = "articles.rs"]
mod articles;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use folio::{stages, Context, Engine, RenderOptions};

fn stages(c: &mut Criterion) {
    let engine = Engine::new();
    let options = RenderOptions::default();
    for words in articles::SIZES {
        let markdown = articles::article(words);
        let mut group = c.benchmark_group(format!("{words}"));
        group.throughput(Throughput::Elements(words as u64));
        if words > 10_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(8));
        }
        let parsed = stages::parse(&engine, &markdown, &options).expect("parses");
        let words_of = stages::words(&parsed);
        let prepared = stages::prepare(&engine, &parsed);
        let mut flowed = stages::flow(&engine, &parsed).expect("flows");
        let typeset = engine
            .typeset(&markdown, &options, &Context::default())
            .expect("typesets");
        let id = |stage: &str| BenchmarkId::new(stage, words);
        group.bench_function(id("parse"), |b| {
            b.iter(|| stages::parse(&engine, &markdown, &options).expect("parses"))
        });
        group.bench_function(id("shape"), |b| {
            b.iter(|| stages::shape_words(&engine, &parsed, &words_of))
        });
        group.bench_function(id("hyphenate"), |b| {
            b.iter(|| stages::hyphenate_words(&engine, &parsed, &words_of))
        });
        group.bench_function(id("prepare"), |b| {
            b.iter(|| stages::prepare(&engine, &parsed))
        });
        group.bench_function(id("break"), |b| b.iter(|| stages::break_lines(&prepared)));
        group.bench_function(id("flow"), |b| {
            b.iter(|| stages::flow(&engine, &parsed).expect("flows"))
        });
        group.bench_function(id("paginate"), |b| {
            b.iter(|| stages::paginate(&engine, &parsed, &mut flowed).expect("paginates"))
        });
        group.bench_function(id("write"), |b| {
            b.iter_batched(
                || typeset.layout.clone(),
                |layout| stages::write(&engine, &typeset, layout).expect("writes"),
                criterion::BatchSize::LargeInput,
            )
        });
        group.bench_function(id("render"), |b| {
            b.iter(|| engine.render(&markdown, &options).expect("renders"))
        });
        group.finish();
    }
}

fn startup(c: &mut Criterion) {
    c.bench_function("engine/new", |b| b.iter(Engine::new));
}

criterion_group!(benches, stages, startup);
criterion_main!(benches);
