//! Render options: one declaration ([`declare_options!`] below) gives the options type
//! the library, the command line, the HTTP service, front matter and templates share,
//! the list of names, the layering, the parsing from text, the defaults and the
//! descriptions that help texts and API schemas show. Adding an option is one entry.
//!
//! Takes option values from any of those sources (all optional) and gives, layered and
//! with defaults filled in, [`ResolvedOptions`]; [`crate::settings`] combines them with a
//! template into what the engine typesets with.

mod units;
mod values;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

pub use units::parse_length;
pub use values::{
    BaseUrl, CodeTheme, Direction, FiguresMode, FontSize, ImagesMode, JsonType, Lang, LinkStyle,
    Margins, OptionValue, PageSize, PageSizeName, PdfStandard, QrPlace, TextScale, TocDepth,
};

/// What describes one option for help texts and API schemas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionSpec {
    /// As written in front matter, JSON and query strings (`page_size`); the command line
    /// writes it with hyphens (`--page-size`).
    pub name: &'static str,
    /// What it does and its default, from the declaration's doc comment.
    pub help: &'static str,
    /// `SIZE`, `BOOL`...
    pub value_name: &'static str,
    /// The fixed set of values, if it has one.
    pub possible: &'static [&'static str],
    pub json_type: JsonType,
    /// An older command-line flag that sets the option to `false`.
    pub negative_alias: Option<&'static str>,
}

impl OptionSpec {
    /// A yes/no option (a pair of flags on the command line).
    pub fn is_flag(&self) -> bool {
        self.json_type == JsonType::Boolean
    }
}

/// Declares the options: each entry is the doc comment (its help text), the name, the
/// value type, the default, and optionally an older negative flag kept for the command
/// line.
macro_rules! declare_options {
    ($(
        $(#[doc = $doc:literal])+
        $name:ident : $ty:ty = $default:expr $(, negative_alias = $alias:literal)? ;
    )+) => {
        /// Options of one render. Every field is optional; a missing field takes its value
        /// from the document's front matter, then from the template, then from the
        /// default its description gives.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct RenderOptions {
            $(
                $(#[doc = $doc])+
                #[serde(
                    skip_serializing_if = "Option::is_none",
                    serialize_with = "as_text",
                    deserialize_with = "from_text"
                )]
                pub $name: Option<$ty>,
            )+
        }

        /// Every option with its value: the caller's, else the front matter's, else the
        /// template's, else the default.
        #[derive(Debug, Clone, PartialEq)]
        pub struct ResolvedOptions {
            $(
                $(#[doc = $doc])+
                pub $name: $ty,
            )+
        }

        impl RenderOptions {
            /// Every option, in declaration order.
            pub const SPECS: &'static [OptionSpec] = &[$(
                OptionSpec {
                    name: stringify!($name),
                    help: concat!($($doc, "\n"),+),
                    value_name: <$ty as OptionValue>::VALUE_NAME,
                    possible: <$ty as OptionValue>::POSSIBLE,
                    json_type: <$ty as OptionValue>::JSON_TYPE,
                    negative_alias: declare_options!(@alias $($alias)?),
                },
            )+];

            /// Options from `top` win over `self`'s, field by field.
            pub fn overlay(self, top: &RenderOptions) -> RenderOptions {
                RenderOptions {
                    $($name: top.$name.clone().or(self.$name),)+
                }
            }

            /// Whether the option named `name` is set.
            pub fn sets(&self, name: &str) -> bool {
                match name {
                    $(stringify!($name) => self.$name.is_some(),)+
                    _ => false,
                }
            }

            /// Sets one option from text, as a query string, a form field or the command
            /// line gives it; errors name the option and what it allows.
            pub fn set(&mut self, name: &str, value: &str) -> Result<(), Error> {
                match name {
                    $(stringify!($name) => {
                        self.$name = Some(
                            <$ty as OptionValue>::parse_value(value)
                                .map_err(|message| Error::option(name, message))?,
                        );
                    })+
                    _ => return Err(unknown_option(name)),
                }
                Ok(())
            }

            /// The options with defaults for every one not set.
            pub fn resolve(&self) -> ResolvedOptions {
                ResolvedOptions {
                    $($name: self.$name.clone().unwrap_or_else(|| $default),)+
                }
            }
        }

        impl ResolvedOptions {
            /// Every option by name with its value as text (yes/no options as booleans):
            /// a form that does not depend on how the code stores them.
            pub fn canonical(&self) -> serde_json::Map<String, serde_json::Value> {
                let mut map = serde_json::Map::new();
                $(map.insert(stringify!($name).to_string(), canonical_value(&self.$name));)+
                map
            }
        }
    };
    (@alias $alias:literal) => { Some($alias) };
    (@alias) => { None };
}

declare_options! {
    /// Paper size: `A4` (default), `Letter`, `Legal`, `A5`, or `WIDTHxHEIGHT` with a unit
    /// (e.g. `170x240mm`; `mm`, `cm`, `in` and `pt` work).
    page_size: PageSize = PageSize::A4;
    /// Page margins like CSS: one length for all sides, two (top/bottom, left/right),
    /// three (top, left/right, bottom) or four (top, right, bottom, left), each with a
    /// unit (`mm`, `cm`, `in` or `pt`). Default from the template (`article`: `24mm 36mm 26mm`).
    margins: Margins = DEFAULT_MARGINS;
    /// Body text size in points, 6 to 24. Default from the template (`article`: 11).
    font_size: FontSize = FontSize(11.0);
    /// Language of the article as a BCP 47 tag (`en-US`, `de`, `fr`...): chooses the
    /// hyphenation patterns and is written into the PDF. Default `en-US`.
    lang: Lang = Lang::default();
    /// Direction of the text: `auto` (default: right to left for a language written so,
    /// such as `ar` or `he`, and otherwise each paragraph by its first letters), `ltr` or
    /// `rtl`. Right-to-left documents mirror lists, quotes and notes.
    dir: Direction = Direction::Auto;
    /// Page design by name (`folio templates` lists them; the command line also takes the
    /// path of a template file). Default `article`.
    template: String = "article".to_string();
    /// Hyphenate body text with the language's Liang patterns. Default `true` (the
    /// `large-print` template's default is `false`).
    hyphenate: bool = true;
    /// Justify body text (flush left and right, last line ragged); `false` sets it flush
    /// left, ragged right. Default `true` (the `large-print` template's default is `false`).
    justify: bool = true;
    /// Even out justified lines with their letters as well as their spaces: the letters
    /// of a line may be set up to 2 % wider or narrower than the font draws them (font
    /// expansion, as pdfTeX's microtype does), which saves hyphens and uneven gaps. Code,
    /// ideographs and pictures keep their width. Default `true`; no effect on ragged text.
    font_expansion: bool = true;
    /// Typeset LaTeX formulas: `$…$` in the text, `$$…$$` displayed, ```` ```math ````
    /// blocks and GitHub's `` $`…`$ ``. A dollar sign followed by a space, or closing
    /// before a digit, stays a dollar sign. `false` reads every dollar sign as text (for
    /// articles full of prices). Default `true`.
    math: bool = true;
    /// Where the addresses of links are printed for readers of paper: `footnote` (default:
    /// a footnote on the same page, one note per address), `endnote` (a numbered list at
    /// the end), `inline` (in brackets after the link text) or `none`. Links stay
    /// clickable in every case.
    links: LinkStyle = LinkStyle::Footnote;
    /// `show` (default) prints images; `hide` prints their alt text instead.
    images: ImagesMode = ImagesMode::Show;
    /// `float` (default): a figure that does not fit the rest of a page goes to the top of
    /// the next one while the text goes on filling the page, in order and never more than a
    /// page from where it stands in the text; `inline` keeps figures exactly where they are
    /// written, leaving the rest of the page empty when one does not fit.
    figures: FiguresMode = FiguresMode::Float;
    /// Highlighting of fenced code whose opening fence names a language (`rust`,
    /// `python`, `sh`...): `print`
    /// (default: keywords in bold and comments in italics, all in black), `color` (the
    /// same, in dark colours that hold on paper; black with `ink_saver`) or `none`. The
    /// text of the code is never changed.
    code_theme: CodeTheme = CodeTheme::Print;
    /// Scales all text, as a percentage from 50 to 200 (`120%` or `120`). Default 100%.
    text_scale: TextScale = TextScale::default();
    /// Print every text and rule in black, with no grey tints. Default `false`.
    ink_saver: bool = false;
    /// Open the first page with the title block (title, subtitle, byline, address).
    /// Default `true`.
    title_block: bool = true;
    /// Print a table of contents after the title block: the headings down to `toc_depth`,
    /// with dot leaders and page numbers, each entry linked to its heading. Default `false`.
    toc: bool = false;
    /// How many levels of headings the table of contents lists, 1 to 6. Default 3.
    toc_depth: TocDepth = TocDepth(3);
    /// Print on both sides of the paper: on even pages the left and right margins trade
    /// places (the wider one stays on the binding side) and the footer's slots swap, so
    /// that the page number is always on the outer edge. Default `false`.
    duplex: bool = false;
    /// Print the article's date (title block, header and footer). Default `true`.
    show_date: bool = true, negative_alias = "no-date";
    /// Print the article's source address (title block and footer). Default `true`.
    show_url: bool = true, negative_alias = "no-url";
    /// The article's address when its front matter gives none (`url`) and it was not
    /// fetched from one (`GET ?url=`): printed as its source (with `show_url`), and what
    /// its relative links resolve against, as a browser resolves them; also its relative
    /// images, unless they are files that came with it (beside the file on the command
    /// line, in a multipart upload). An absolute http or https address. Default none.
    base_url: BaseUrl = BaseUrl::default();
    /// The standards the PDF is made to: `ua-1+a-2a` (default: tagged for screen readers
    /// and reflow as PDF/UA-1 asks, and archival as PDF/A-2a asks, both claimed in its
    /// metadata), `ua-1`, `a-2a`, or `none` (no structure tree, no claim). A render that
    /// cannot meet a standard (a character no font has) makes the file anyway, without
    /// the claim, and says why in a warning.
    pdf_standard: PdfStandard = PdfStandard::UaAndA;
    /// A QR code of the article's address, for a reader of the paper to go back to the
    /// page with a phone: `none` (default), `end` (after the article's last line, the
    /// short address beside it) or `title` (beside the title block). At least 15 mm,
    /// error correction M, a link in the PDF. Needs an address (front matter `url`, the
    /// fetched `?url=`, or `base_url`) that is printed (`show_url`).
    qr: QrPlace = QrPlace::None;
}

/// The `article` template's margins, for a template file that sets none.
const DEFAULT_MARGINS: Margins = Margins {
    top: crate::geom::Pt(24.0 * crate::geom::MM),
    right: crate::geom::Pt(36.0 * crate::geom::MM),
    bottom: crate::geom::Pt(26.0 * crate::geom::MM),
    left: crate::geom::Pt(36.0 * crate::geom::MM),
};

impl RenderOptions {
    /// The option names, as the API, front matter and templates spell them.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::SPECS.iter().map(|s| s.name)
    }

    /// Whether `name` is an option.
    pub fn is_option(name: &str) -> bool {
        Self::names().any(|n| n == name)
    }

    /// Options from name/value pairs of text (a query string, a form, the command line);
    /// empty values are ignored, unknown names are errors.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<RenderOptions, Error> {
        let mut options = RenderOptions::default();
        for (name, value) in pairs {
            if !value.is_empty() {
                options.set(name, value)?;
            }
        }
        Ok(options)
    }

    /// Reads options from a JSON value, turning serde's complaint into an error that
    /// names the option.
    pub fn from_json(value: serde_json::Value) -> Result<RenderOptions, Error> {
        RenderOptions::deserialize_named(value)
    }

    /// Reads options from any serde source (JSON, YAML or TOML); errors name the option
    /// and its allowed values.
    pub fn deserialize_named<'de, D: Deserializer<'de>>(d: D) -> Result<RenderOptions, Error>
    where
        D::Error: fmt::Display,
    {
        serde_path_to_error::deserialize(d)
            .map_err(|e| error_from_serde(&e.path().to_string(), &e.inner().to_string()))
    }
}

fn unknown_option(name: &str) -> Error {
    let known: Vec<&str> = RenderOptions::names().collect();
    Error::option(
        name,
        format!("no such option; known options: {}", known.join(", ")),
    )
}

/// Turns serde's complaint into an [`Error::InvalidOption`]: `path` is where it happened
/// (the option name), `message` what went wrong.
fn error_from_serde(path: &str, message: &str) -> Error {
    let message = strip_serde_position(message.trim());
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return unknown_option(name);
    }
    let name = path
        .split('.')
        .next()
        .filter(|p| !p.is_empty() && *p != "?");
    Error::option(name.unwrap_or("options"), message)
}

fn strip_serde_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn canonical_value<T: OptionValue>(value: &T) -> serde_json::Value {
    let text = value.to_string();
    match T::JSON_TYPE {
        JsonType::Boolean => serde_json::Value::Bool(text == "true"),
        _ => serde_json::Value::String(text),
    }
}

/// Every option value is written as its text form (numbers and yes/no as themselves).
fn as_text<T: OptionValue, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    let Some(value) = value else {
        return s.serialize_none();
    };
    let text = value.to_string();
    match T::JSON_TYPE {
        JsonType::Boolean => s.serialize_bool(text == "true"),
        _ => s.collect_str(&text),
    }
}

/// Every option value is read from its text form, or from a JSON/YAML/TOML number or
/// boolean written as such.
fn from_text<'de, T: OptionValue, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("text, a number or true/false")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    match d.deserialize_any(Visitor)? {
        Some(text) => T::parse_value(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_option_names_the_option_and_lists_known_ones() {
        let err = RenderOptions::from_json(serde_json::json!({"page_sise": "A4"})).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`page_sise`"), "{text}");
        assert!(text.contains("page_size"), "{text}");
        let err = RenderOptions::from_pairs([("pagesize", "A4")]).unwrap_err();
        assert!(err.to_string().contains("`pagesize`"), "{err}");
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
    fn every_source_reads_the_same_values() {
        let json = RenderOptions::from_json(serde_json::json!({
            "font_size": 12, "justify": false, "links": "endnote", "text_scale": "120%"
        }))
        .unwrap();
        let pairs = RenderOptions::from_pairs([
            ("font_size", "12"),
            ("justify", "no"),
            ("links", "endnote"),
            ("text_scale", "120"),
        ])
        .unwrap();
        assert_eq!(json, pairs);
        assert_eq!(json.font_size, Some(FontSize(12.0)));
        let table = crate::source::read_toml("font_size = \"12pt\"\njustify = false", 1)
            .unwrap()
            .table;
        let toml = RenderOptions::from_json(serde_json::Value::Object(table)).unwrap();
        assert_eq!(toml.font_size, json.font_size);
        // Written back, every value reads again as itself.
        let text = serde_json::to_value(&json).unwrap();
        assert_eq!(RenderOptions::from_json(text).unwrap(), json);
    }

    #[test]
    fn overlay_prefers_the_top_layer_and_resolve_fills_defaults() {
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
        let resolved = merged.resolve();
        assert_eq!(resolved.page_size, PageSize::A4);
        assert_eq!(resolved.template, "article");
        assert!(!resolved.hyphenate);
    }

    #[test]
    fn specs_describe_every_option() {
        let names: Vec<&str> = RenderOptions::names().collect();
        assert_eq!(names.len(), RenderOptions::SPECS.len());
        assert!(names.contains(&"page_size") && names.contains(&"show_url"));
        let links = RenderOptions::SPECS
            .iter()
            .find(|s| s.name == "links")
            .unwrap();
        assert_eq!(links.possible, ["footnote", "endnote", "inline", "none"]);
        assert!(links.help.contains("footnote"));
        let date = RenderOptions::SPECS
            .iter()
            .find(|s| s.name == "show_date")
            .unwrap();
        assert!(date.is_flag());
        assert_eq!(date.negative_alias, Some("no-date"));
    }
}
