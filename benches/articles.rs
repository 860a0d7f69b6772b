//! Articles of a chosen length for benchmarks and comparisons, generated deterministically
//! (the same length gives the same text on every machine) from the words of
//! `examples/long-essay.md`, drawn with their own frequencies, so that repeats, word
//! lengths and hyphenation are those of real prose. A blog's mix: a title block, sections
//! with headings, paragraphs with emphasis, inline code, links and footnotes, a list, a
//! code block and a table every few thousand words.

/// The lengths the benchmarks and the comparison use, in words.
pub const SIZES: [usize; 3] = [400, 5_000, 50_000];

/// The source of the vocabulary.
const ESSAY: &str = include_str!("../examples/long-essay.md");

/// A small deterministic generator (SplitMix64): no dependency, the same numbers
/// everywhere.
struct Numbers(u64);

impl Numbers {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The essay's running words (letters only, lowercase), in order, repeats kept.
fn vocabulary() -> Vec<String> {
    let body = ESSAY.split("\n---\n").nth(1).unwrap_or(ESSAY);
    body.split(|c: char| !c.is_alphabetic() && c != '\'' && c != '’')
        .filter(|w| w.len() > 1 || *w == "a")
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_lowercase)
        .collect()
}

/// A markdown article of about `words` words.
pub fn article(words: usize) -> String {
    let vocabulary = vocabulary();
    let mut numbers = Numbers(words as u64);
    let mut out = format!(
        "---\ntitle: A Benchmark Article of {words} Words\nauthor: Folio benchmarks\n\
         date: 2026-11-30\nurl: https://folio.example.org/bench/{words}\nlang: en-US\n---\n\n"
    );
    let mut written = 0;
    let mut section = 0;
    let mut notes = 0;
    let mut word = |numbers: &mut Numbers| vocabulary[numbers.below(vocabulary.len())].clone();
    while written < words {
        if written % 600 < 120 && written / 600 >= section {
            section += 1;
            let title: Vec<String> = (0..2 + numbers.below(4))
                .map(|_| word(&mut numbers))
                .collect();
            out += &format!("## {}\n\n", capitalised(&title.join(" ")));
            if section % 3 == 0 {
                out += &list(&mut numbers, &mut word, &mut written);
            }
            if section % 5 == 0 {
                out += CODE;
                out += TABLE;
            }
        }
        // A paragraph of three to seven sentences.
        let mut paragraph = Vec::new();
        for _ in 0..3 + numbers.below(5) {
            let length = 8 + numbers.below(18);
            let mut sentence: Vec<String> = (0..length).map(|_| word(&mut numbers)).collect();
            written += length;
            match numbers.below(12) {
                0 => sentence[1] = format!("*{}*", sentence[1]),
                1 => sentence[2] = format!("`{}()`", sentence[2]),
                2 => {
                    sentence[3] = format!(
                        "[{} {}](https://example.org/{}/{})",
                        sentence[3], sentence[4], sentence[3], written
                    );
                    sentence.remove(4);
                }
                3 => {
                    notes += 1;
                    let last = sentence.len() - 1;
                    sentence[last] = format!("{}[^n{notes}]", sentence[last]);
                    let note: Vec<String> = (0..6 + numbers.below(14))
                        .map(|_| word(&mut numbers))
                        .collect();
                    out += &format!("[^n{notes}]: {}.\n\n", capitalised(&note.join(" ")));
                }
                _ => {}
            }
            paragraph.push(format!(
                "{}{}",
                capitalised(&sentence.join(" ")),
                [".", ".", ".", "?", ";"][numbers.below(5)]
            ));
        }
        out += &paragraph.join(" ").replace(";", ".");
        out += "\n\n";
    }
    out
}

/// A bulleted list of three to five items.
fn list(
    numbers: &mut Numbers,
    word: &mut impl FnMut(&mut Numbers) -> String,
    written: &mut usize,
) -> String {
    let mut out = String::new();
    for _ in 0..3 + numbers.below(3) {
        let length = 4 + numbers.below(12);
        let item: Vec<String> = (0..length).map(|_| word(numbers)).collect();
        *written += length;
        out += &format!("- {}\n", capitalised(&item.join(" ")));
    }
    out + "\n"
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const CODE: &str = "```rust\n\
/// Sums the widths of the boxes between two breaks.\n\
fn natural_width(items: &[Item], from: usize, to: usize) -> f32 {\n\
    items[from..to].iter().map(|item| item.width()).sum()\n\
}\n\
```\n\n";

const TABLE: &str = "| Stage | Input | Output | Time (ms) |\n\
|---|---|---|---:|\n\
| Parse | Markdown text | Blocks and inlines | 0.4 |\n\
| Shape | Styled text | Glyphs with advances | 2.1 |\n\
| Break | Boxes, glue, penalties | Lines by total fit | 1.3 |\n\
| Write | Positioned glyphs | A PDF with subset fonts | 3.5 |\n\n";
