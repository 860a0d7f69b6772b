//! Line-break opportunities inside runs of text written without spaces between words
//! (UAX #14 through ICU4X's line segmenter, with its dictionaries for Thai, Lao, Khmer and
//! Burmese).
//!
//! Takes one space-free stretch of text and gives the byte offsets inside it where a line
//! may end. Spaces, hyphens, soft hyphens and URLs are the paragraph builder's business;
//! this module only answers for the scripts that need the segmenter, so Latin, Greek and
//! Cyrillic words keep exactly their old break points. Kinsoku (no `。、」` at a line start,
//! no `「（` at a line end) comes with the segmenter's strict rules.

use icu_segmenter::{options::LineBreakOptions, LineSegmenter};
use unicode_script::{Script, UnicodeScript};

/// Where a line may end inside `word`: byte offsets strictly between its first and last
/// character, next to a character of a script written without spaces. Breaks between two
/// Hangul syllables are left out: Korean breaks at its spaces.
pub fn opportunities(word: &str) -> Vec<usize> {
    if !word.chars().any(needs_segmenter) {
        return Vec::new();
    }
    let segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
    segmenter
        .segment_str(word)
        .filter(|&at| at > 0 && at < word.len())
        .filter(|&at| {
            let before = word[..at].chars().next_back();
            let after = word[at..].chars().next();
            let near = before.is_some_and(needs_segmenter) || after.is_some_and(needs_segmenter);
            let hangul = before.is_some_and(is_hangul) && after.is_some_and(is_hangul);
            near && !hangul
        })
        .collect()
}

/// Characters set solid, one square cell each (Han, kana, Hangul, Bopomofo and the CJK
/// punctuation and full-width forms): justification spreads the space between them.
pub fn is_cjk(c: char) -> bool {
    matches!(
        c.script(),
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo
    ) || matches!(
        c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3190..=0x31FF | 0x30FC | 0xFF00..=0xFFEF
    )
}

/// Characters whose words are not separated by spaces: CJK and the scripts of South-East
/// Asia that the segmenter's dictionaries split into words. A justified line of them
/// spreads its space between their characters or words, having few spaces to widen.
pub fn is_unspaced(c: char) -> bool {
    needs_segmenter(c)
}

fn needs_segmenter(c: char) -> bool {
    // Everything below Thai (Latin, Greek, Cyrillic, Arabic, Hebrew, Indic) breaks at
    // spaces: answered without a script lookup.
    if (c as u32) < 0x0E00 {
        return false;
    }
    is_cjk(c)
        || matches!(
            c.script(),
            Script::Thai | Script::Lao | Script::Khmer | Script::Myanmar | Script::Yi
        )
}

fn is_hangul(c: char) -> bool {
    c.script() == Script::Hangul
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces of `text` between its break opportunities.
    fn pieces(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        for at in opportunities(text) {
            out.push(&text[start..at]);
            start = at;
        }
        out.push(&text[start..]);
        out
    }

    #[test]
    fn latin_words_have_no_new_breaks() {
        assert!(opportunities("and/or").is_empty());
        assert!(opportunities("typesetting").is_empty());
    }

    #[test]
    fn ideographs_break_between_any_two() {
        assert_eq!(pieces("排版引擎"), ["排", "版", "引", "擎"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // 。、」） stay with the character before them.
        assert_eq!(pieces("好。好、「好」"), ["好。", "好、", "「好」"]);
        assert_eq!(pieces("字（注）字"), ["字", "（注）", "字"]);
    }

    #[test]
    fn small_kana_and_the_long_vowel_mark_stay_attached() {
        // Strict kinsoku: no line starts with ッ, ャ or ー.
        let p = pieces("チャットーです");
        for piece in &p[1..] {
            let first = piece.chars().next().unwrap();
            assert!(!matches!(first, 'ッ' | 'ャ' | 'ー'), "{p:?}");
        }
    }

    #[test]
    fn thai_breaks_between_dictionary_words() {
        // "ภาษาไทย" (Thai language) is two words.
        assert_eq!(pieces("ภาษาไทย"), ["ภาษา", "ไทย"]);
    }

    #[test]
    fn korean_breaks_only_at_spaces() {
        assert!(opportunities("한국어").is_empty());
    }

    #[test]
    fn latin_next_to_ideographs_may_break_at_the_change() {
        assert_eq!(pieces("用Rust写"), ["用", "Rust", "写"]);
    }
}
