//! Render options: one serde type shared by the library, the CLI, the HTTP service and
//! front matter, so an option has one name and one meaning everywhere.
//!
//! Takes option values from any of those sources (all optional) and gives, after
//! [`RenderOptions::overlay`] and resolution against a template, the concrete settings
//! the engine typesets with.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// Options of one render. Every field is optional; a missing field takes its value from
/// the document's front matter, then from the template, then from the default below.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RenderOptions {
    /// Paper size: `A4` (default), `Letter`, `Legal`, `A5`, or `WIDTHxHEIGHTmm`
    /// (e.g. `170x240mm`; `cm`, `in` and `pt` work too).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "A4")]
    pub page_size: Option<PageSize>,
    /// Page margins like CSS: one value for all sides, two (top/bottom, left/right) or
    /// four (top, right, bottom, left), each with a unit: `mm`, `cm`, `in` or `pt`.
    /// Default from the template (`article`: `24mm 32mm 26mm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "20mm 25mm")]
    pub margins: Option<Margins>,
    /// Body text size in points, 6 to 24. Default from the template (`article`: 11).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f32>, example = 11.0)]
    pub font_size: Option<FontSize>,
    /// Language of the article as a BCP 47 tag (`en-US`, `de`, `fr`...). Chooses the
    /// hyphenation patterns and is written into the PDF. Default `en-US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "en-US")]
    pub lang: Option<Lang>,
    /// Page design by name (`folio templates` lists them). Default `article`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Hyphenate body text with the language's Liang patterns. Default `true` (the
    /// `large-print` template's default is `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hyphenate: Option<bool>,
    /// Justify body text (flush left and right, last line ragged). Default `true` (the
    /// `large-print` template's default is `false`); `false` sets it flush left, ragged
    /// right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justify: Option<bool>,
    /// Where the addresses of links are printed for readers of paper: `footnote`
    /// (default: a footnote on the same page; one note per address), `endnote` (a
    /// numbered list at the end), `inline` (in brackets after the link text) or `none`.
    /// Links stay clickable in every case.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "footnote")]
    pub links: Option<LinkStyle>,
    /// `show` (default) prints images; `hide` prints their alt text instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "show")]
    pub images: Option<ImagesMode>,
    /// Scales all text, as a percentage from 50 to 200 (`120%` or `120`). Default 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "120%")]
    pub text_scale: Option<TextScale>,
    /// Print every text and rule in black, with no grey tints. Default `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink_saver: Option<bool>,
    /// Open the first page with the title block (title, subtitle, byline, address).
    /// Default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_block: Option<bool>,
    /// Print the article's date (title block, header and footer). Default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_date: Option<bool>,
    /// Print the article's source address (title block and footer). Default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_url: Option<bool>,
}

/// A text size scale in percent (see [`RenderOptions::text_scale`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextScale(pub f32);

impl FromStr for TextScale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let number = t.strip_suffix('%').unwrap_or(t).trim();
        let value: f32 = number.parse().map_err(|_| {
            format!("`{s}` is not a percentage; use a number from 50 to 200, like 120%")
        })?;
        if value.is_finite() && (50.0..=200.0).contains(&value) {
            Ok(TextScale(value))
        } else {
            Err(format!("{value}% is out of range; use 50% to 200%"))
        }
    }
}

impl fmt::Display for TextScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// Whether images are printed (see [`RenderOptions::images`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImagesMode {
    #[default]
    Show,
    Hide,
}

impl FromStr for ImagesMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "show" => Ok(ImagesMode::Show),
            "hide" => Ok(ImagesMode::Hide),
            _ => Err(format!("`{s}` is not an images mode; use show or hide")),
        }
    }
}

impl fmt::Display for ImagesMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImagesMode::Show => "show",
            ImagesMode::Hide => "hide",
        })
    }
}

/// How link addresses are printed (see [`RenderOptions::links`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LinkStyle {
    #[default]
    Footnote,
    Endnote,
    Inline,
    None,
}

impl FromStr for LinkStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "footnote" | "footnotes" => Ok(LinkStyle::Footnote),
            "endnote" | "endnotes" => Ok(LinkStyle::Endnote),
            "inline" => Ok(LinkStyle::Inline),
            "none" => Ok(LinkStyle::None),
            _ => Err(format!(
                "`{s}` is not a link style; use footnote, endnote, inline or none"
            )),
        }
    }
}

impl fmt::Display for LinkStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LinkStyle::Footnote => "footnote",
            LinkStyle::Endnote => "endnote",
            LinkStyle::Inline => "inline",
            LinkStyle::None => "none",
        })
    }
}

/// The option names, as the CLI, the API and front matter spell them.
pub const OPTION_NAMES: &[&str] = &[
    "page_size",
    "margins",
    "font_size",
    "lang",
    "template",
    "hyphenate",
    "justify",
    "links",
    "images",
    "text_scale",
    "ink_saver",
    "title_block",
    "show_date",
    "show_url",
];

impl RenderOptions {
    /// Options from `top` win over `self`'s, field by field.
    pub fn overlay(self, top: &RenderOptions) -> RenderOptions {
        RenderOptions {
            page_size: top.page_size.or(self.page_size),
            margins: top.margins.or(self.margins),
            font_size: top.font_size.or(self.font_size),
            lang: top.lang.clone().or(self.lang),
            template: top.template.clone().or(self.template),
            hyphenate: top.hyphenate.or(self.hyphenate),
            justify: top.justify.or(self.justify),
            links: top.links.or(self.links),
            images: top.images.or(self.images),
            text_scale: top.text_scale.or(self.text_scale),
            ink_saver: top.ink_saver.or(self.ink_saver),
            title_block: top.title_block.or(self.title_block),
            show_date: top.show_date.or(self.show_date),
            show_url: top.show_url.or(self.show_url),
        }
    }

    /// Reads options from a JSON value, turning serde's complaint into an error that
    /// names the option.
    pub fn from_json(value: serde_json::Value) -> Result<RenderOptions, Error> {
        RenderOptions::deserialize_named(value)
    }

    /// Reads options from any serde source (JSON, YAML or TOML front matter, query
    /// strings); errors name the option and its allowed values.
    pub fn deserialize_named<'de, D: Deserializer<'de>>(d: D) -> Result<RenderOptions, Error>
    where
        D::Error: fmt::Display,
    {
        serde_path_to_error::deserialize(d)
            .map_err(|e| error_from_serde(&e.path().to_string(), &e.inner().to_string()))
    }
}

/// Turns serde's complaint into an [`Error::InvalidOption`]: `path` is where it happened
/// (the option name), `message` what went wrong ("unknown field `x`, expected ...", or
/// our own value errors, which start with the option name).
pub(crate) fn error_from_serde(path: &str, message: &str) -> Error {
    let message = strip_serde_position(message.trim());
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return Error::option(
            name,
            format!("no such option; known options: {}", OPTION_NAMES.join(", ")),
        );
    }
    for name in OPTION_NAMES {
        if let Some(rest) = message.strip_prefix(&format!("{name}: ")) {
            return Error::option(name, rest);
        }
    }
    let name = path
        .split('.')
        .next()
        .filter(|p| !p.is_empty() && *p != "?");
    match name {
        Some(name) => Error::option(name, message),
        None => Error::option("options", message),
    }
}

fn strip_serde_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Page width and height in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
    /// The name it was given by, for messages and round trips.
    pub name: PageSizeName,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageSizeName {
    A4,
    A5,
    Letter,
    Legal,
    Custom,
}

const MM: f32 = 72.0 / 25.4;

impl PageSize {
    pub const A4: PageSize = PageSize {
        width: 210.0 * MM,
        height: 297.0 * MM,
        name: PageSizeName::A4,
    };
    const ALLOWED: &'static str =
        "A4, Letter, Legal, A5, or WIDTHxHEIGHT with a unit (e.g. 170x240mm)";
}

impl FromStr for PageSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let named = |w: f32, h: f32, name| PageSize {
            width: w,
            height: h,
            name,
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => return Ok(PageSize::A4),
            "a5" => return Ok(named(148.0 * MM, 210.0 * MM, PageSizeName::A5)),
            "letter" => return Ok(named(612.0, 792.0, PageSizeName::Letter)),
            "legal" => return Ok(named(612.0, 1008.0, PageSizeName::Legal)),
            _ => {}
        }
        let bad = || format!("`{s}` is not a page size; use {}", PageSize::ALLOWED);
        let lower = s.trim().to_ascii_lowercase();
        let (w, h) = lower.split_once('x').ok_or_else(bad)?;
        // "210x297mm": the unit on the last number applies to both.
        let unit_start = h.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(bad)?;
        let unit = &h[unit_start..];
        let width =
            parse_length(&format!("{}{unit}", w.trim_end_matches(unit))).map_err(|_| bad())?;
        let height = parse_length(h).map_err(|_| bad())?;
        let min = 50.0 * MM;
        let max = 1200.0 * MM;
        if !(min..=max).contains(&width) || !(min..=max).contains(&height) {
            return Err(format!(
                "`{s}` is out of range; each side must be between 50mm and 1200mm"
            ));
        }
        Ok(PageSize {
            width,
            height,
            name: PageSizeName::Custom,
        })
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            PageSizeName::A4 => f.write_str("A4"),
            PageSizeName::A5 => f.write_str("A5"),
            PageSizeName::Letter => f.write_str("Letter"),
            PageSizeName::Legal => f.write_str("Legal"),
            PageSizeName::Custom => write!(
                f,
                "{}x{}mm",
                round2(self.width / MM),
                round2(self.height / MM)
            ),
        }
    }
}

fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Parses a length with a unit (`mm`, `cm`, `in`, `pt`) into points.
pub fn parse_length(s: &str) -> Result<f32, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("`{s}` needs a unit (mm, cm, in or pt)"))?;
    let (number, unit) = s.split_at(split);
    let value: f32 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number with a unit"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("`{s}` must be a positive length"));
    }
    let factor = match unit.trim() {
        "mm" => MM,
        "cm" => 10.0 * MM,
        "in" => 72.0,
        "pt" => 1.0,
        other => return Err(format!("unknown unit `{other}`; use mm, cm, in or pt")),
    };
    Ok(value * factor)
}

/// Page margins in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl FromStr for Margins {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<f32> = s
            .split_whitespace()
            .map(parse_length)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{e}; use 1, 2 or 4 lengths like `20mm` or `1in 0.8in`"))?;
        let m = match parts.as_slice() {
            [a] => Margins {
                top: *a,
                right: *a,
                bottom: *a,
                left: *a,
            },
            [v, h] => Margins {
                top: *v,
                right: *h,
                bottom: *v,
                left: *h,
            },
            [t, h, b] => Margins {
                top: *t,
                right: *h,
                bottom: *b,
                left: *h,
            },
            [t, r, b, l] => Margins {
                top: *t,
                right: *r,
                bottom: *b,
                left: *l,
            },
            _ => {
                return Err(format!(
                    "`{s}` must have 1 to 4 lengths, like `20mm` or `25mm 30mm`"
                ))
            }
        };
        let limit = 150.0 * MM;
        if [m.top, m.right, m.bottom, m.left]
            .iter()
            .any(|v| *v > limit)
        {
            return Err(format!(
                "`{s}` is too large; each margin must be at most 150mm"
            ));
        }
        Ok(m)
    }
}

impl fmt::Display for Margins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mm = |v: f32| format!("{}mm", round2(v / MM));
        write!(
            f,
            "{} {} {} {}",
            mm(self.top),
            mm(self.right),
            mm(self.bottom),
            mm(self.left)
        )
    }
}

/// Body text size in points (6 to 24).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FontSize(pub f32);

impl FromStr for FontSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let number = t.strip_suffix("pt").unwrap_or(t).trim();
        let v: f32 = number
            .parse()
            .map_err(|_| format!("`{s}` is not a size in points; use a number from 6 to 24"))?;
        FontSize::checked(v)
    }
}

impl FontSize {
    fn checked(v: f32) -> Result<FontSize, String> {
        if v.is_finite() && (6.0..=24.0).contains(&v) {
            Ok(FontSize(v))
        } else {
            Err(format!(
                "{v} is out of range; use a number from 6 to 24 (points)"
            ))
        }
    }
}

impl fmt::Display for FontSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A BCP 47 language tag, checked for shape (letters, digits and hyphens).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lang(String);

impl Lang {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang("en-US".to_string())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().replace('_', "-");
        let well_formed = !t.is_empty()
            && t.len() <= 35
            && t.split('-').all(|part| {
                !part.is_empty()
                    && part.len() <= 8
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
            })
            && t.split('-').next().is_some_and(|p| {
                (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
            });
        if well_formed {
            Ok(Lang(t))
        } else {
            Err(format!(
                "`{s}` is not a language tag; use a BCP 47 tag such as en-US, de, fr or pt-BR"
            ))
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Serde for the value types above: they read from strings (and, for a font size, from
/// numbers too), and their errors start with the option name so messages can name it.
macro_rules! serde_via_str {
    ($ty:ty, $name:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = StrOrNumber::deserialize(d)
                    .map_err(|_| serde::de::Error::custom(concat!($name, ": expected a string")))?;
                value
                    .0
                    .parse::<$ty>()
                    .map_err(|e| serde::de::Error::custom(format!("{}: {}", $name, e)))
            }
        }
    };
}

serde_via_str!(PageSize, "page_size");
serde_via_str!(Margins, "margins");
serde_via_str!(FontSize, "font_size");
serde_via_str!(Lang, "lang");
serde_via_str!(LinkStyle, "links");
serde_via_str!(ImagesMode, "images");
serde_via_str!(TextScale, "text_scale");

/// A value written either as a string or as a number (TOML and JSON users write
/// `font_size = 11`, query strings and YAML may give `"11"`).
struct StrOrNumber(String);

impl<'de> Deserialize<'de> for StrOrNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = StrOrNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StrOrNumber, E> {
                Ok(StrOrNumber(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<StrOrNumber, E> {
                Ok(StrOrNumber(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<StrOrNumber, E> {
                Ok(StrOrNumber(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<StrOrNumber, E> {
                Ok(StrOrNumber(v.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_by_name_and_dimensions() {
        assert_eq!("a4".parse::<PageSize>().unwrap(), PageSize::A4);
        let letter: PageSize = "Letter".parse().unwrap();
        assert_eq!((letter.width, letter.height), (612.0, 792.0));
        let custom: PageSize = "170x240mm".parse().unwrap();
        assert!((custom.width - 170.0 * MM).abs() < 0.01);
        assert!((custom.height - 240.0 * MM).abs() < 0.01);
        assert_eq!(custom.to_string(), "170x240mm");
        let err = "B7".parse::<PageSize>().unwrap_err();
        assert!(err.contains("A4, Letter, Legal, A5"), "{err}");
        assert!("10x10mm".parse::<PageSize>().is_err());
    }

    #[test]
    fn margins_like_css() {
        let m: Margins = "20mm".parse().unwrap();
        assert_eq!(m.top, m.left);
        let m: Margins = "1in 2in".parse().unwrap();
        assert_eq!(
            (m.top, m.right, m.bottom, m.left),
            (72.0, 144.0, 72.0, 144.0)
        );
        assert!("20".parse::<Margins>().unwrap_err().contains("unit"));
        assert!("1mm 2mm 3mm 4mm 5mm".parse::<Margins>().is_err());
    }

    #[test]
    fn unknown_option_names_the_option_and_lists_known_ones() {
        let err = RenderOptions::from_json(serde_json::json!({"page_sise": "A4"})).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`page_sise`"), "{text}");
        assert!(text.contains("page_size"), "{text}");
    }

    #[test]
    fn bad_value_names_the_option_and_allowed_values() {
        let err = RenderOptions::from_json(serde_json::json!({"page_size": "B7"})).unwrap_err();
        assert_eq!(
            err,
            Error::option(
                "page_size",
                format!("`B7` is not a page size; use {}", PageSize::ALLOWED)
            )
        );
        let err = RenderOptions::from_json(serde_json::json!({"font_size": 99})).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid option `font_size`"),
            "{err}"
        );
        let err = RenderOptions::from_json(serde_json::json!({"justify": "maybe"})).unwrap_err();
        assert!(err.to_string().contains("`justify`"), "{err}");
    }

    #[test]
    fn font_size_from_number_or_string() {
        let o = RenderOptions::from_json(serde_json::json!({"font_size": 12})).unwrap();
        assert_eq!(o.font_size, Some(FontSize(12.0)));
        let o = RenderOptions::from_json(serde_json::json!({"font_size": "11.5pt"})).unwrap();
        assert_eq!(o.font_size, Some(FontSize(11.5)));
    }

    #[test]
    fn overlay_prefers_the_top_layer() {
        let base = RenderOptions {
            justify: Some(false),
            hyphenate: Some(false),
            ..Default::default()
        };
        let top = RenderOptions {
            justify: Some(true),
            ..Default::default()
        };
        let merged = base.overlay(&top);
        assert_eq!(merged.justify, Some(true));
        assert_eq!(merged.hyphenate, Some(false));
    }

    #[test]
    fn language_tags_are_checked_for_shape() {
        assert_eq!("de_CH".parse::<Lang>().unwrap().as_str(), "de-CH");
        assert!("".parse::<Lang>().is_err());
        assert!("english please".parse::<Lang>().is_err());
    }
}

/// Options resolved against the template: what the engine typesets with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub page: PageSize,
    pub margins: Margins,
    pub font_size: f32,
    pub lang: Lang,
    /// Hyphenation is on and the language has patterns.
    pub hyphenate: bool,
    pub justify: bool,
    pub links: LinkStyle,
    pub images: ImagesMode,
    pub ink_saver: bool,
    pub title_block: bool,
    pub show_date: bool,
    pub show_url: bool,
    pub template: crate::template::Template,
}

/// The text area must keep room for a readable line and a few lines per page.
const MIN_TEXT_WIDTH: f32 = 30.0 * MM;
const MIN_TEXT_HEIGHT: f32 = 40.0 * MM;

impl Settings {
    /// Combines options (already layered: front matter under caller) with a template.
    pub fn resolve(
        options: &RenderOptions,
        template: crate::template::Template,
        has_patterns: impl Fn(&str) -> bool,
    ) -> Result<Settings, Error> {
        let lang = options.lang.clone().unwrap_or_default();
        let settings = Settings {
            page: options.page_size.unwrap_or(template.page_size),
            margins: options.margins.unwrap_or(template.margins),
            font_size: options.font_size.unwrap_or(template.font_size).0
                * options.text_scale.map_or(1.0, |s| s.0 / 100.0),
            hyphenate: options.hyphenate.unwrap_or(template.hyphenate)
                && has_patterns(lang.as_str()),
            justify: options.justify.unwrap_or(template.justify),
            links: options.links.unwrap_or_default(),
            images: options.images.unwrap_or_default(),
            ink_saver: options.ink_saver.unwrap_or(false),
            title_block: options.title_block.unwrap_or(true),
            show_date: options.show_date.unwrap_or(true),
            show_url: options.show_url.unwrap_or(true),
            lang,
            template,
        };
        if settings.area_width() < MIN_TEXT_WIDTH || settings.text_height() < MIN_TEXT_HEIGHT {
            return Err(Error::option(
                "margins",
                format!(
                    "margins {} leave a text area of {:.0}x{:.0}mm on a {} page; it must be at least 30x40mm",
                    settings.margins,
                    settings.area_width() / MM,
                    settings.text_height() / MM,
                    settings.page
                ),
            ));
        }
        Ok(settings)
    }

    /// Width of a column of text (the whole text area with one column).
    pub fn text_width(&self) -> f32 {
        let columns = self.template.columns.max(1) as f32;
        (self.area_width() - self.column_gap() * (columns - 1.0)) / columns
    }

    /// Width of the text area between the side margins.
    pub fn area_width(&self) -> f32 {
        self.page.width - self.margins.left - self.margins.right
    }

    /// Space between columns.
    pub fn column_gap(&self) -> f32 {
        self.template.column_gap * self.font_size
    }

    pub fn text_height(&self) -> f32 {
        self.page.height - self.margins.top - self.margins.bottom
    }
}
