//! The labels of GitHub's alert blocks (`> [!NOTE]` and the like) in the article's
//! language, from `templates/alerts.toml` (read once), English where a language is not
//! listed.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::AlertKind;

/// One language's labels.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    note: String,
    tip: String,
    important: String,
    warning: String,
    caution: String,
}

fn table() -> &'static HashMap<String, Labels> {
    static TABLE: OnceLock<HashMap<String, Labels>> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../templates/alerts.toml"))
            .expect("templates/alerts.toml is valid (checked by a test)")
    })
}

/// The label of an alert of `kind` in `lang`.
pub fn label(lang: &str, kind: AlertKind) -> &'static str {
    let lower = lang.to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or_default();
    let labels = table()
        .get(primary)
        .or_else(|| table().get("en"))
        .expect("English labels are in the table");
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
        assert_eq!(label("en-US", AlertKind::Warning), "Warning");
        assert_eq!(label("de", AlertKind::Note), "Hinweis");
        assert_eq!(label("pt-BR", AlertKind::Tip), "Dica");
        assert_eq!(label("fi", AlertKind::Caution), "Caution");
        assert_eq!(table().len(), 10);
    }
}
