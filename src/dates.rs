//! Dates in the article's language: a front-matter date written as ISO 8601
//! (`2026-11-02`) is printed the way the language writes dates ("2. November 2026",
//! "2026年11月2日"); anything else, or a language without an entry, is printed as the
//! author wrote it. The table is `templates/dates.toml`, read once per engine.

use std::collections::HashMap;

use serde::Deserialize;

/// How one language writes a date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DateStyle {
    /// With `{day}`, `{month}`, `{month_number}` and `{year}`.
    format: String,
    /// Month names as used in a date; required when `format` has `{month}`.
    #[serde(default)]
    months: Vec<String>,
    /// Added to the year (another era's count).
    #[serde(default)]
    year_offset: i32,
}

/// The date styles of the languages Folio knows, by lower-case tag.
#[derive(Debug, Clone)]
pub struct Dates {
    styles: HashMap<String, DateStyle>,
}

impl Dates {
    /// The bundled table.
    pub fn built_in() -> Dates {
        let table = crate::source::read_toml(include_str!("../templates/dates.toml"), 1)
            .expect("templates/dates.toml is valid (checked by a test)")
            .table;
        let styles: HashMap<String, DateStyle> =
            serde_json::from_value(serde_json::Value::Object(table))
                .expect("templates/dates.toml is valid (checked by a test)");
        Dates { styles }
    }

    /// `date` as `lang` prints it, if it is an ISO date and the language has a style.
    pub fn format(&self, lang: &str, date: &str) -> Option<String> {
        let (year, month, day) = parse_iso(date)?;
        let lower = lang.to_ascii_lowercase().replace('_', "-");
        let primary = lower.split('-').next().unwrap_or_default();
        let style = self
            .styles
            .get(&lower)
            .or_else(|| self.styles.get(primary))?;
        let month_name = match style.months.get(month as usize - 1) {
            Some(name) => name.as_str(),
            None if style.format.contains("{month}") => return None,
            None => "",
        };
        Some(
            style
                .format
                .replace("{day}", &day.to_string())
                .replace("{month_number}", &month.to_string())
                .replace("{month}", month_name)
                .replace("{year}", &(year + style.year_offset).to_string()),
        )
    }
}

/// `YYYY-MM-DD` (optionally followed by a time, `T…` or ` …`) as year, month, day.
fn parse_iso(date: &str) -> Option<(i32, u32, u32)> {
    let date = date.trim();
    let day_part = date.get(..10)?;
    let rest = &date[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let bytes = day_part.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &day_part[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1..=12).contains(&month) && day >= 1 && day <= days[month as usize - 1];
    valid.then_some((year as i32, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_printed_in_the_language() {
        let dates = Dates::built_in();
        let cases = [
            ("en", "November 2, 2026"),
            ("en-GB", "2 November 2026"),
            ("de", "2. November 2026"),
            ("fr-CA", "2 novembre 2026"),
            ("zh-CN", "2026年11月2日"),
            ("ja", "2026年11月2日"),
            ("ar", "2 نوفمبر 2026"),
            ("th", "2 พฤศจิกายน พ.ศ. 2569"),
            ("hu", "2026. november 2."),
        ];
        for (lang, printed) in cases {
            assert_eq!(
                dates.format(lang, "2026-11-02").as_deref(),
                Some(printed),
                "{lang}"
            );
        }
        assert_eq!(
            dates.format("de", "2026-11-02T08:00:00Z").as_deref(),
            Some("2. November 2026")
        );
    }

    #[test]
    fn other_dates_and_languages_are_left_as_written() {
        let dates = Dates::built_in();
        for date in [
            "2 November 2026",
            "2026-13-01",
            "2026-02-30",
            "2026-1-2",
            "26-11-02",
            "2026-11-02x",
            "",
        ] {
            assert_eq!(dates.format("en", date), None, "{date}");
        }
        assert_eq!(dates.format("xx", "2026-11-02"), None);
        assert_eq!(
            dates.format("en", "2024-02-29").as_deref(),
            Some("February 29, 2024")
        );
    }

    #[test]
    fn every_style_is_complete() {
        let dates = Dates::built_in();
        for (lang, style) in &dates.styles {
            assert!(
                style.months.len() == 12 || !style.format.contains("{month}"),
                "{lang}"
            );
        }
    }
}
