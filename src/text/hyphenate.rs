//! Hyphenation with Liang's patterns (the `hyphenation` crate's embedded TeX
//! dictionaries), following TeX's conventions: at least two letters before a break and
//! three after, and only words made of letters are hyphenated.

use std::collections::HashMap;
use std::sync::OnceLock;

use hyphenation::{Hyphenator as _, Language, Load, Standard};

/// Dictionaries by language, each loaded on first use and then shared.
pub struct Hyphenator {
    dictionaries: HashMap<Language, OnceLock<Option<Standard>>>,
}

/// Minimum letters before and after a break (TeX's \lefthyphenmin, \righthyphenmin).
const LEFT_MIN: usize = 2;
const RIGHT_MIN: usize = 3;

/// The languages Folio maps tags to, by primary subtag (and region where it matters).
fn language_for(tag: &str) -> Option<Language> {
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let has = |s: &str| rest.contains(&s);
    Some(match primary {
        "en" if has("gb")
            || has("uk")
            || has("au")
            || has("nz")
            || has("ie")
            || has("za")
            || has("in") =>
        {
            Language::EnglishGB
        }
        "en" => Language::EnglishUS,
        "de" if has("ch") => Language::GermanSwiss,
        "de" if has("1901") => Language::German1901,
        "de" => Language::German1996,
        "fr" => Language::French,
        "es" => Language::Spanish,
        "it" => Language::Italian,
        "nl" => Language::Dutch,
        "pt" => Language::Portuguese,
        "pl" => Language::Polish,
        "sv" => Language::Swedish,
        "ru" => Language::Russian,
        "uk" => Language::Ukrainian,
        "da" => Language::Danish,
        "nb" | "no" => Language::NorwegianBokmal,
        "nn" => Language::NorwegianNynorsk,
        "fi" => Language::Finnish,
        "cs" => Language::Czech,
        "sk" => Language::Slovak,
        "sl" => Language::Slovenian,
        "hr" => Language::Croatian,
        "hu" => Language::Hungarian,
        "ro" => Language::Romanian,
        "ca" => Language::Catalan,
        "tr" => Language::Turkish,
        "el" => Language::GreekMono,
        "bg" => Language::Bulgarian,
        "et" => Language::Estonian,
        "lv" => Language::Latvian,
        "lt" => Language::Lithuanian,
        "is" => Language::Icelandic,
        "ga" => Language::Irish,
        "cy" => Language::Welsh,
        "la" => Language::Latin,
        "eu" => Language::Basque,
        "gl" => Language::Galician,
        "id" => Language::Indonesian,
        _ => return None,
    })
}

impl Default for Hyphenator {
    fn default() -> Self {
        Self::new()
    }
}

impl Hyphenator {
    /// Prepares the table of languages; English (US) is loaded now, the rest on first use.
    pub fn new() -> Hyphenator {
        let all = [
            "en-US", "en-GB", "de", "de-CH", "de-1901", "fr", "es", "it", "nl", "pt", "pl", "sv",
            "ru", "uk", "da", "nb", "nn", "fi", "cs", "sk", "sl", "hr", "hu", "ro", "ca", "tr",
            "el", "bg", "et", "lv", "lt", "is", "ga", "cy", "la", "eu", "gl", "id",
        ];
        let dictionaries = all
            .iter()
            .filter_map(|tag| language_for(tag))
            .map(|lang| (lang, OnceLock::new()))
            .collect();
        let hyphenator = Hyphenator { dictionaries };
        hyphenator.dictionary(Language::EnglishUS);
        hyphenator
    }

    /// Whether patterns exist for a language tag.
    pub fn supports(&self, tag: &str) -> bool {
        language_for(tag).is_some_and(|lang| self.dictionary(lang).is_some())
    }

    fn dictionary(&self, lang: Language) -> Option<&Standard> {
        self.dictionaries
            .get(&lang)?
            .get_or_init(|| {
                let mut dict = Standard::from_embedded(lang).ok()?;
                dict.minima = (dict.minima.0.max(LEFT_MIN), dict.minima.1.max(RIGHT_MIN));
                Some(dict)
            })
            .as_ref()
    }

    /// Byte offsets in `word` where a hyphen may be inserted. Leading and trailing
    /// punctuation is ignored; words with digits or other non-letters inside get none.
    pub fn breaks(&self, tag: &str, word: &str) -> Vec<usize> {
        let Some(dict) = language_for(tag).and_then(|lang| self.dictionary(lang)) else {
            return Vec::new();
        };
        let start = word
            .char_indices()
            .find(|(_, c)| c.is_alphabetic())
            .map_or(word.len(), |(i, _)| i);
        let end = word
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphabetic())
            .map_or(start, |(i, c)| i + c.len_utf8());
        if start >= end {
            return Vec::new();
        }
        let core = &word[start..end];
        let letters = core.chars().count();
        if letters < LEFT_MIN + RIGHT_MIN
            || !core
                .chars()
                .all(|c| c.is_alphabetic() || c == '\u{2019}' || c == '\'')
        {
            return Vec::new();
        }
        dict.hyphenate(core)
            .breaks
            .into_iter()
            .filter(|&b| {
                let before = core[..b].chars().count();
                before >= LEFT_MIN && letters - before >= RIGHT_MIN
            })
            .map(|b| b + start)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word with a hyphen at every break point, as in `hy-phen-a-tion`.
    fn marked(h: &Hyphenator, tag: &str, word: &str) -> String {
        let breaks = h.breaks(tag, word);
        let mut out = String::new();
        for (i, c) in word.char_indices() {
            if breaks.contains(&i) {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn english() {
        let h = Hyphenator::new();
        assert_eq!(marked(&h, "en-US", "hyphenation"), "hy-phen-a-tion");
        assert_eq!(marked(&h, "en", "typesetting"), "type-set-ting");
        assert_eq!(marked(&h, "en-GB", "characteristic"), "char-ac-ter-istic");
        // Trailing punctuation is not part of the word; three letters stay at the end.
        assert_eq!(
            marked(&h, "en-US", "\u{201c}hyphenation,\u{201d}"),
            "\u{201c}hy-phen-a-tion,\u{201d}"
        );
    }

    #[test]
    fn other_languages() {
        let h = Hyphenator::new();
        assert_eq!(marked(&h, "de", "Silbentrennung"), "Sil-ben-tren-nung");
        assert_eq!(marked(&h, "de", "Zeitungen"), "Zei-tun-gen");
        assert_eq!(marked(&h, "fr", "typographie"), "ty-po-gra-phie");
        assert_eq!(marked(&h, "es", "tipografía"), "ti-po-gra-fía");
        assert_eq!(marked(&h, "it", "tipografia"), "ti-po-gra-fia");
        assert_eq!(marked(&h, "nl", "woordafbreking"), "woord-af-bre-king");
        assert_eq!(marked(&h, "pt-BR", "tipografia"), "ti-po-gra-fia");
        assert_eq!(marked(&h, "pl", "przykładowy"), "przy-kła-dowy");
        assert_eq!(marked(&h, "sv", "avstavning"), "av-stav-ning");
        assert_eq!(marked(&h, "ru", "типография"), "ти-по-гра-фия");
        assert_eq!(marked(&h, "uk", "друкарство"), "дру-кар-ство");
    }

    #[test]
    fn tex_minimums_and_non_words() {
        let h = Hyphenator::new();
        // Never fewer than three letters after a break.
        for (tag, word) in [("de", "Zeitungen"), ("es", "palabra"), ("ru", "слово")] {
            let breaks = h.breaks(tag, word);
            assert!(
                breaks.iter().all(|&b| word[b..].chars().count() >= 3),
                "{word}: {breaks:?}"
            );
            assert!(
                breaks.iter().all(|&b| word[..b].chars().count() >= 2),
                "{word}: {breaks:?}"
            );
        }
        assert!(h.breaks("en", "abc123def").is_empty());
        assert!(h.breaks("en", "cat").is_empty());
        assert!(h.breaks("xx", "hyphenation").is_empty());
        assert!(!h.supports("ja"));
        assert!(h.supports("uk"));
    }
}
