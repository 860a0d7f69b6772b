//! Writes the benchmark articles (about 400, 5,000 and 50,000 words) to a folder, for the
//! peer comparison (`benches/compare`) and for profiling:
//! `cargo run --release --example bench-articles -- target/bench-articles`.

#[path = "../benches/articles.rs"]
mod articles;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-articles".to_string());
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {dir}: {e}"));
    for words in articles::SIZES {
        let path = format!("{dir}/{words}.md");
        std::fs::write(&path, articles::article(words))
            .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        println!("{path}");
    }
}
