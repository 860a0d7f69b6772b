//! Where a word may break, and what each break costs: soft hyphens and zero-width spaces
//! the author wrote, explicit hyphens and dashes, the hyphenation points of the language's
//! patterns, the separators of an address or a path, and the word boundaries of scripts
//! written without spaces. The preparation of a paragraph cuts its words' glyphs at these
//! places and puts a penalty of the break's kind there.

use super::items::PenaltyKind;
use crate::text::{breaks, Hyphenator};

/// TeX's \hyphenpenalty and \exhyphenpenalty.
pub const HYPHEN_PENALTY: f32 = 100.0;
/// A hyphenation point the patterns give: a little dearer than TeX's 100, which with the
/// continuous cost model (where every looser line is possible) hyphenates more than
/// needed; 125 gave fewer hyphens and no looser spacing than the TeX passes in every
/// language of the handbook corpus (`scripts/corpus`).
const PATTERN_HYPHEN_PENALTY: f32 = 125.0;
/// A hyphenation point closer than this many letters to its word's nearer end costs more:
/// this share of [`PATTERN_HYPHEN_PENALTY`] more for each letter closer.
const EDGE_LETTERS: usize = 4;
const EDGE_PENALTY_SHARE: f32 = 0.25;
/// Breaking inside a URL is a little worse than hyphenating a word.
pub const URL_PENALTY: f32 = 100.0;
/// A zero-width space is where the author allows a break, as at a space.
pub const ZERO_WIDTH_PENALTY: f32 = 0.0;
/// The zero-width space: a break opportunity that prints nothing.
const ZERO_WIDTH_SPACE: char = '\u{200b}';
/// Words longer than this (in letters) are not hyphenated: no dictionary knows them,
/// and the patterns' work grows with their length.
const MAX_HYPHENATED_LETTERS: usize = 64;
/// An address breaks no closer than this many bytes to its start, and leaves at least
/// [`ADDRESS_TAIL`] bytes after a break.
const ADDRESS_HEAD: usize = 4;
const ADDRESS_TAIL: usize = 3;

/// What a word is part of: it decides which breaks it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordKind {
    /// Running text: explicit hyphens and dashes, hyphenation points, script boundaries
    /// (and an address written as plain text is read as one).
    Prose,
    /// The text of a link that is an address: after its separators, with no hyphen.
    Address,
    /// Inline code in running text (a path, a dotted name): as an address, but never
    /// after a `-`, which would read as a word broken by Folio.
    InlineCode,
    /// A line of a code block: only where the author allows (soft hyphen, zero-width
    /// space); a code block wraps its own way.
    CodeBlock,
}

/// The language's hyphenation patterns, for words that may be hyphenated.
pub struct Hyphenation<'a> {
    pub hyphenator: &'a Hyphenator,
    pub lang: &'a str,
}

/// A place a word may break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opportunity {
    /// Byte offset in the word where the next line would start.
    pub offset: usize,
    pub kind: PenaltyKind,
    /// Breaking here adds a hyphen at the line's end.
    pub hyphen: bool,
    /// For a hyphenation point, the letters between it and the nearer end of its part of
    /// the word (a break near an edge costs more); `usize::MAX` otherwise.
    pub edge: usize,
}

impl Opportunity {
    fn new(offset: usize, kind: PenaltyKind, hyphen: bool) -> Opportunity {
        Opportunity {
            offset,
            kind,
            hyphen,
            edge: usize::MAX,
        }
    }

    /// The penalty of breaking here.
    pub fn cost(&self) -> f32 {
        match self.kind {
            PenaltyKind::Url => URL_PENALTY,
            PenaltyKind::ZeroWidth | PenaltyKind::Script => ZERO_WIDTH_PENALTY,
            PenaltyKind::Hyphenation => hyphen_penalty(self.edge),
            _ => HYPHEN_PENALTY,
        }
    }

    /// Whether a break here counts as a hyphen for the rules against hyphens in a row.
    pub fn flagged(&self) -> bool {
        !matches!(
            self.kind,
            PenaltyKind::Url | PenaltyKind::ZeroWidth | PenaltyKind::Script
        )
    }
}

/// The places `word` may break, in order, one per offset. `soft_hyphens` are the offsets
/// in the word where the author's soft hyphens stood (taken out of its text); with
/// `hyphenation`, prose is hyphenated by the patterns, except a word with soft hyphens
/// of its own, whose author said where it breaks.
pub fn opportunities(
    word: &str,
    kind: WordKind,
    soft_hyphens: impl IntoIterator<Item = usize>,
    hyphenation: Option<&Hyphenation<'_>>,
) -> Vec<Opportunity> {
    let mut found: Vec<Opportunity> = soft_hyphens
        .into_iter()
        .filter(|&s| s > 0 && s < word.len())
        .map(|s| Opportunity::new(s, PenaltyKind::Explicit, true))
        .collect();
    let authored = !found.is_empty();
    for (i, c) in word.char_indices() {
        let after = i + c.len_utf8();
        if c == ZERO_WIDTH_SPACE && after < word.len() {
            found.push(Opportunity::new(after, PenaltyKind::ZeroWidth, false));
        }
    }
    match kind {
        WordKind::Address | WordKind::InlineCode => address_breaks(&mut found, word, kind),
        WordKind::Prose if looks_like_url(word) => address_breaks(&mut found, word, kind),
        WordKind::Prose => prose_breaks(&mut found, word, authored, hyphenation),
        WordKind::CodeBlock => {}
    }
    found.sort_by_key(|o| o.offset);
    found.dedup_by_key(|o| o.offset);
    found
}

/// After an address's separators, not too near its ends, nor before a further `/`.
fn address_breaks(found: &mut Vec<Opportunity>, word: &str, kind: WordKind) {
    for (i, c) in word.char_indices() {
        let after = i + c.len_utf8();
        let breaks_after = match c {
            '-' => kind != WordKind::InlineCode,
            '/' | '.' | '_' | '?' | '&' | '=' | '#' | '~' => true,
            _ => false,
        };
        if breaks_after
            && after >= ADDRESS_HEAD
            && word.len() - after >= ADDRESS_TAIL
            && !word[after..].starts_with('/')
        {
            found.push(Opportunity::new(after, PenaltyKind::Url, false));
        }
    }
}

/// After explicit hyphens and dashes; the hyphenation points of the parts between them
/// (and between zero-width spaces); the word boundaries of scripts without spaces.
fn prose_breaks(
    found: &mut Vec<Opportunity>,
    word: &str,
    authored: bool,
    hyphenation: Option<&Hyphenation<'_>>,
) {
    let mut part_start = 0;
    for (i, c) in word.char_indices() {
        let dash = matches!(c, '-' | '\u{2010}' | '\u{2013}' | '\u{2014}');
        if dash || c == ZERO_WIDTH_SPACE {
            let after = i + c.len_utf8();
            if dash && i > 0 && after < word.len() {
                found.push(Opportunity::new(after, PenaltyKind::Explicit, false));
            }
            if let Some(hyphenation) = hyphenation {
                hyphenation_points(found, hyphenation, &word[part_start..i], part_start);
            }
            part_start = after;
        }
    }
    for at in breaks::opportunities(word) {
        found.push(Opportunity::new(at, PenaltyKind::Script, false));
    }
    if let Some(hyphenation) = hyphenation.filter(|_| !authored) {
        hyphenation_points(found, hyphenation, &word[part_start..], part_start);
    }
}

fn hyphenation_points(
    found: &mut Vec<Opportunity>,
    hyphenation: &Hyphenation<'_>,
    part: &str,
    offset: usize,
) {
    let letters = part.chars().count();
    if part.len() > 4 * MAX_HYPHENATED_LETTERS || letters > MAX_HYPHENATED_LETTERS {
        return;
    }
    for b in hyphenation.hyphenator.breaks(hyphenation.lang, part) {
        let before = part[..b].chars().count();
        found.push(Opportunity {
            edge: before.min(letters - before),
            ..Opportunity::new(offset + b, PenaltyKind::Hyphenation, true)
        });
    }
}

/// The penalty of a hyphenation point `edge` letters from the nearer end of its word: a
/// reader stumbles more over `re-` or `-ed` alone at a line's end or start than over a
/// break in the middle of a word, so a break near an edge costs more.
fn hyphen_penalty(edge: usize) -> f32 {
    let short = EDGE_LETTERS.saturating_sub(edge) as f32;
    PATTERN_HYPHEN_PENALTY * (1.0 + EDGE_PENALTY_SHARE * short)
}

/// A word of prose that is an address written out (`https://…`, `www.…`).
pub fn looks_like_url(word: &str) -> bool {
    let w = word.trim_start_matches(['(', '<', '[', '\u{201c}']);
    w.starts_with("http://")
        || w.starts_with("https://")
        || w.starts_with("www.")
        || w.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn hyphenator() -> &'static Hyphenator {
        static HYPHENATOR: OnceLock<Hyphenator> = OnceLock::new();
        HYPHENATOR.get_or_init(Hyphenator::new)
    }

    /// The word with its breaks marked: `·` where a hyphen is added, `|` where it breaks
    /// as it is (after a dash, in an address, between words of a script without spaces),
    /// `^` at a zero-width space's break.
    fn marked(word: &str, kind: WordKind, soft: &[usize], lang: Option<&str>) -> String {
        let hyphenation = lang.map(|lang| Hyphenation {
            hyphenator: hyphenator(),
            lang,
        });
        let found = opportunities(word, kind, soft.iter().copied(), hyphenation.as_ref());
        let mut out = String::new();
        let mut last = 0;
        for o in found {
            out.push_str(&word[last..o.offset]);
            out.push(match (o.hyphen, o.kind) {
                (true, _) => '·',
                (false, PenaltyKind::ZeroWidth) => '^',
                _ => '|',
            });
            last = o.offset;
        }
        out.push_str(&word[last..]);
        out
    }

    fn prose(word: &str, lang: &str) -> String {
        marked(word, WordKind::Prose, &[], Some(lang))
    }

    #[test]
    fn prose_hyphenates_by_the_languages_patterns() {
        assert_eq!(prose("hyphenation", "en-US"), "hy·phen·a·tion");
        assert_eq!(prose("typesetting", "en-US"), "type·set·ting");
        assert_eq!(prose("Silbentrennung", "de"), "Sil·ben·tren·nung");
        // At least two letters before a hyphen and three after it.
        assert_eq!(prose("переносы", "ru"), "пе·ре·носы");
        // Unhyphenated text keeps only what the author wrote.
        assert_eq!(
            marked("hyphenation", WordKind::Prose, &[], None),
            "hyphenation"
        );
    }

    #[test]
    fn an_authors_hyphens_dashes_and_soft_hyphens_come_first() {
        // After a hyphen or a dash, as written; the parts are still hyphenated.
        assert_eq!(prose("well-known", "en-US"), "well-|known");
        assert_eq!(prose("state-of-the-art", "en-US"), "state-|of-|the-|art");
        assert_eq!(prose("1914–1918", "en-US"), "1914–|1918");
        // Never before the word or after its last letter.
        assert_eq!(prose("-ish", "en-US"), "-ish");
        // Soft hyphens (taken out of the text before) are the only points of their word.
        assert_eq!(
            marked("Donaudampf", WordKind::Prose, &[5], Some("de")),
            "Donau·dampf"
        );
        // A zero-width space.
        assert_eq!(prose("foo\u{200b}bar", "en-US"), "foo\u{200b}^bar");
    }

    #[test]
    fn addresses_and_code_break_after_their_separators_without_a_hyphen() {
        assert_eq!(
            marked(
                "https://example.org/a-long/path",
                WordKind::Address,
                &[],
                None
            ),
            "https://|example.|org/|a-|long/|path"
        );
        // Written out in prose, an address is read as one.
        assert_eq!(
            prose("https://example.org/a-long/path", "en-US"),
            "https://|example.|org/|a-|long/|path"
        );
        // Inline code never breaks after a `-`, which would read as a hyphen.
        assert_eq!(
            marked(
                "/etc/apt/sources-list.d/x.conf",
                WordKind::InlineCode,
                &[],
                None
            ),
            "/etc/|apt/|sources-list.|d/|x.|conf"
        );
        // A code block breaks only where the author allows.
        assert_eq!(
            marked("a_long.name/path", WordKind::CodeBlock, &[], Some("en-US")),
            "a_long.name/path"
        );
    }

    #[test]
    fn scripts_without_spaces_break_between_words() {
        assert_eq!(prose("日本語の文章", "ja"), "日|本|語|の|文|章");
        // Thai breaks at its dictionary's words and is never hyphenated (its language
        // is unhyphenated: no patterns are given).
        assert_eq!(marked("ภาษาไทย", WordKind::Prose, &[], None), "ภาษา|ไทย");
    }

    #[test]
    fn long_words_are_not_hyphenated_and_edges_cost_more() {
        let long = "a".repeat(MAX_HYPHENATED_LETTERS + 1);
        assert_eq!(prose(&long, "en-US"), long);
        let at = |edge| Opportunity {
            edge,
            ..Opportunity::new(1, PenaltyKind::Hyphenation, true)
        };
        assert!(at(1).cost() > at(2).cost() && at(2).cost() > at(4).cost());
        assert_eq!(at(4).cost(), at(9).cost());
        assert!(at(4).flagged() && !Opportunity::new(1, PenaltyKind::Url, false).flagged());
    }
}
