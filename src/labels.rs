//! The words Folio prints itself (the title of the table of contents, the labels of
//! GitHub's alert blocks) in the article's language, from `templates/labels.toml` (read
//! once), English where a language is not listed.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::AlertKind;

/// One language's labels.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    contents: String,
    note: String,
    tip: String,
    important: String,
    warning: String,
    caution: String,
}

fn table() -> &'static HashMap<String, Labels> {
    static TABLE: OnceLock<HashMap<String, Labels>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let table = crate::source::read_toml(include_str!("../templates/labels.toml"), 1)
            .expect("templates/labels.toml is valid (checked by a test)")
            .table;
        serde_json::from_value(serde_json::Value::Object(table))
            .expect("templates/labels.toml is valid (checked by a test)")
    })
}

/// The labels of `lang`.
fn labels(lang: &str) -> &'static Labels {
    let lower = lang.to_ascii_lowercase().replace('_', "-");
    let primary = lower.split('-').next().unwrap_or_default();
    // A language with a region or script of its own words (zh-TW, pt-PT) before the
    // language's.
    let tags = [
        lower.as_str(),
        lower.rsplit_once('-').map_or("", |(tag, _)| tag),
    ];
    tags.iter()
        .find_map(|tag| table().get(*tag))
        .or_else(|| table().get(primary))
        .or_else(|| table().get("en"))
        .expect("English labels are in the table")
}

/// The title of the table of contents in `lang`.
pub fn contents(lang: &str) -> &'static str {
    &labels(lang).contents
}

/// The label of an alert of `kind` in `lang`.
pub fn alert(lang: &str, kind: AlertKind) -> &'static str {
    let labels = labels(lang);
    match kind {
        AlertKind::Note => &labels.note,
        AlertKind::Tip => &labels.tip,
        AlertKind::Important => &labels.important,
        AlertKind::Warning => &labels.warning,
        AlertKind::Caution => &labels.caution,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_by_language_with_english_for_the_rest() {
        assert_eq!(alert("en-US", AlertKind::Warning), "Warning");
        assert_eq!(alert("de", AlertKind::Note), "Hinweis");
        assert_eq!(alert("pt-BR", AlertKind::Tip), "Dica");
        assert_eq!(alert("fi", AlertKind::Caution), "Caution");
        assert_eq!(contents("fr-CA"), "Table des matières");
        assert_eq!(contents("fi"), "Contents");
        assert_eq!(table().len(), 18);
        assert_eq!(contents("zh-TW"), "目錄");
        assert_eq!(contents("zh-Hant-HK"), "目錄");
        assert_eq!(contents("zh-CN"), "目录");
        assert_eq!(contents("pt-PT"), "Índice");
    }
}
