//! Hyphenation with Liang's patterns (the `hyphenation` crate's embedded TeX
//! dictionaries), following TeX's conventions: at least two letters before a break and
//! three after, and only words made of letters are hyphenated.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use hyphenation::{Hyphenator as _, Language, Load, Standard};

/// Dictionaries by language, each loaded on first use and then shared.
pub struct Hyphenator {
    dictionaries: HashMap<Language, OnceLock<Option<Standard>>>,
    /// Break points found so far, by language tag and word: most words of an article
    /// come back, and a word's points cost a walk through the patterns every time.
    found: Mutex<FxHashMap<String, FxHashMap<String, Vec<usize>>>>,
}

/// Longer words are not kept, and the cache starts again when it holds this many.
const MAX_CACHED_WORD_BYTES: usize = 48;
const MAX_CACHED_WORDS: usize = 50_000;

/// Minimum letters before and after a break (TeX's \lefthyphenmin, \righthyphenmin).
const LEFT_MIN: usize = 2;
const RIGHT_MIN: usize = 3;

/// Every language the `hyphenation` crate has patterns for, by its code there.
const PATTERN_CODES: &[&str] = &[
    "af",
    "sq",
    "hy",
    "as",
    "eu",
    "be",
    "bn",
    "bg",
    "ca",
    "zh-latn-pinyin",
    "cop",
    "hr",
    "cs",
    "da",
    "nl",
    "en-gb",
    "en-us",
    "eo",
    "et",
    "mul-ethi",
    "fi",
    "fi-x-school",
    "fr",
    "fur",
    "gl",
    "ka",
    "de-1901",
    "de-1996",
    "de-ch-1901",
    "grc",
    "el-monoton",
    "el-polyton",
    "gu",
    "hi",
    "hu",
    "is",
    "id",
    "ia",
    "ga",
    "it",
    "kn",
    "kmr",
    "la",
    "la-x-classic",
    "la-x-liturgic",
    "lv",
    "lt",
    "mk",
    "ml",
    "mr",
    "mn-cyrl",
    "nb",
    "nn",
    "oc",
    "or",
    "pi",
    "pa",
    "pms",
    "pl",
    "pt",
    "ro",
    "rm",
    "ru",
    "sa",
    "sr-cyrl",
    "sh-cyrl",
    "sh-latn",
    "cu",
    "sk",
    "sl",
    "es",
    "sv",
    "ta",
    "te",
    "th",
    "tr",
    "tk",
    "uk",
    "hsb",
    "cy",
];

/// Languages whose writing is not hyphenated (CJK, Arabic-script and Hebrew-script
/// languages, and the South-East Asian scripts broken at dictionary words): no patterns
/// are used, and none are missed. Thai has patterns in the crate (TeX's, which Thai TeX
/// uses to find word boundaries, not to print hyphens); Folio finds Thai word boundaries
/// with ICU's dictionary and never prints a hyphen in Thai.
const UNHYPHENATED: &[&str] = &[
    "zh", "ja", "ko", "ar", "fa", "ur", "ps", "sd", "ug", "ckb", "dv", "he", "yi", "th", "lo",
    "km", "my", "bo", "dz",
];

/// The patterns for a BCP 47 tag: its primary language, with the region, variant or
/// script where the crate has more than one set (English, German, Greek, Latin, Serbian).
fn language_for(tag: &str) -> Option<Language> {
    let lower = tag.to_ascii_lowercase().replace('_', "-");
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let has = |s: &str| rest.contains(&s);
    let british = ["gb", "uk", "au", "nz", "ie", "za", "in"];
    Some(match primary {
        "en" if british.iter().any(|r| has(r)) => Language::EnglishGB,
        "en" => Language::EnglishUS,
        "de" if has("ch") => Language::GermanSwiss,
        "de" if has("1901") => Language::German1901,
        "de" => Language::German1996,
        "el" if has("polyton") => Language::GreekPoly,
        "el" => Language::GreekMono,
        "la" if has("classic") => Language::LatinClassic,
        "la" if has("liturgic") => Language::LatinLiturgical,
        "fi" if has("school") => Language::FinnishScholastic,
        "sr" if has("latn") => Language::SerbocroatianLatin,
        "sr" => Language::SerbianCyrillic,
        "sh" | "bs" if has("cyrl") => Language::SerbocroatianCyrillic,
        "sh" | "bs" => Language::SerbocroatianLatin,
        "mn" => Language::Mongolian,
        "no" => Language::NorwegianBokmal,
        "ku" => Language::Kurmanji,
        "zh" if has("pinyin") => Language::Chinese,
        "am" | "ti" | "gez" => Language::Ethiopic,
        _ => return Language::try_from_code(primary),
    })
}

/// Whether a language is written without hyphenation, so having no patterns for it is
/// no loss worth a warning.
pub fn is_unhyphenated(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or_default();
    UNHYPHENATED.contains(&primary) && !lower.contains("pinyin")
}

impl Default for Hyphenator {
    fn default() -> Self {
        Self::new()
    }
}

impl Hyphenator {
    /// Prepares the table of languages; each dictionary is loaded on first use.
    pub fn new() -> Hyphenator {
        let dictionaries = PATTERN_CODES
            .iter()
            .filter_map(Language::try_from_code)
            .map(|lang| (lang, OnceLock::new()))
            .collect();
        Hyphenator {
            dictionaries,
            found: Mutex::new(FxHashMap::default()),
        }
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
    /// Words seen before (by language) are answered from the engine's cache.
    pub fn breaks(&self, tag: &str, word: &str) -> Vec<usize> {
        if word.len() > MAX_CACHED_WORD_BYTES {
            return self.find_breaks(tag, word);
        }
        let known = |found: &FxHashMap<String, FxHashMap<String, Vec<usize>>>| {
            found.get(tag).and_then(|words| words.get(word)).cloned()
        };
        if let Some(breaks) = self.found.lock().ok().and_then(|found| known(&found)) {
            return breaks;
        }
        let breaks = self.find_breaks(tag, word);
        if let Ok(mut found) = self.found.lock() {
            // One bound for all languages together: a service that sees many languages
            // keeps no more than one that sees one.
            let total: usize = found.values().map(|words| words.len()).sum();
            if total >= MAX_CACHED_WORDS {
                found.clear();
            }
            found
                .entry(tag.to_string())
                .or_default()
                .insert(word.to_string(), breaks.clone());
        }
        breaks
    }

    fn find_breaks(&self, tag: &str, word: &str) -> Vec<usize> {
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

    #[test]
    fn the_cache_of_break_points_stays_bounded_across_languages() {
        let h = Hyphenator::new();
        let word = |n: usize| {
            let letters: String = format!("{n:06}")
                .bytes()
                .map(|d| (b'a' + d - b'0') as char)
                .collect();
            format!("hyphen{letters}ation")
        };
        for n in 0..MAX_CACHED_WORDS / 2 + 10 {
            h.breaks("en-US", &word(n));
            h.breaks("de", &word(n));
        }
        let found = h.found.lock().unwrap();
        let total: usize = found.values().map(|words| words.len()).sum();
        assert!(total <= MAX_CACHED_WORDS, "{total}");
        // A word seen again gets the same points from the cache.
        drop(found);
        assert_eq!(
            h.breaks("en-US", "hyphenation"),
            h.breaks("en-US", "hyphenation")
        );
    }

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

    #[test]
    fn every_language_of_the_crate_is_reachable_from_a_tag() {
        let h = Hyphenator::new();
        for code in PATTERN_CODES {
            let lang = Language::try_from_code(code).unwrap();
            assert!(h.dictionary(lang).is_some(), "{code}");
        }
        for (tag, lang) in [
            ("hi", Language::Hindi),
            ("th", Language::Thai),
            ("ka", Language::Georgian),
            ("sr", Language::SerbianCyrillic),
            ("sr-Latn", Language::SerbocroatianLatin),
            ("el-polyton", Language::GreekPoly),
            ("en_AU", Language::EnglishGB),
            ("mn", Language::Mongolian),
            ("am", Language::Ethiopic),
        ] {
            assert_eq!(language_for(tag), Some(lang), "{tag}");
        }
        assert!(is_unhyphenated("zh-CN") && is_unhyphenated("ar") && is_unhyphenated("he"));
        assert!(is_unhyphenated("th-TH"));
        assert!(!is_unhyphenated("zh-Latn-pinyin") && !is_unhyphenated("en"));
    }
}
