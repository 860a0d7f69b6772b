//! The value types of render options, each read from text the same way wherever it comes
//! from (command line, query string, form field, front matter, template, JSON), and
//! written back in the same form.

use std::fmt;

use super::units::{parse_length, round2};
use crate::geom::{Pt, MM};

/// What every option value can do: be read from text, be shown in help and in the API's
/// schema. Errors are one lowercase line that says what is allowed.
pub trait OptionValue: Sized + Clone + fmt::Display {
    /// How the value is shown in help (`SIZE`).
    const VALUE_NAME: &'static str;
    /// The values it may take, when the set is fixed (for help and schemas).
    const POSSIBLE: &'static [&'static str] = &[];
    /// Its type in JSON.
    const JSON_TYPE: JsonType = JsonType::String;
    fn parse_value(text: &str) -> Result<Self, String>;
}

/// How an option is written in JSON (and described in the API's schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Boolean,
}

impl OptionValue for bool {
    const VALUE_NAME: &'static str = "BOOL";
    const POSSIBLE: &'static [&'static str] = &["true", "false"];
    const JSON_TYPE: JsonType = JsonType::Boolean;
    fn parse_value(text: &str) -> Result<bool, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(true),
            "false" | "no" | "off" | "0" => Ok(false),
            _ => Err(format!("`{text}` is not true or false")),
        }
    }
}

/// A template's name, or (on the command line) the path of a template file.
impl OptionValue for String {
    const VALUE_NAME: &'static str = "NAME|FILE";
    fn parse_value(text: &str) -> Result<String, String> {
        let name = text.trim();
        if name.is_empty() {
            Err("the template needs a name".to_string())
        } else {
            Ok(name.to_string())
        }
    }
}

/// An absolute http(s) address, such as the one relative image addresses are resolved
/// against (`base_url`); empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseUrl(pub String);

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl OptionValue for BaseUrl {
    const VALUE_NAME: &'static str = "URL";
    fn parse_value(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        match rest {
            Some(rest) if !rest.is_empty() && !text.chars().any(char::is_whitespace) => {
                Ok(BaseUrl(text.to_string()))
            }
            _ => Err(format!(
                "`{text}` is not an absolute http or https address (e.g. https://blog.example/posts/)"
            )),
        }
    }
}

/// Page width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: Pt,
    pub height: Pt,
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

impl PageSize {
    pub const A4: PageSize = PageSize {
        width: Pt(210.0 * MM),
        height: Pt(297.0 * MM),
        name: PageSizeName::A4,
    };
    pub(crate) const ALLOWED: &'static str =
        "A4, Letter, Legal, A5, or WIDTHxHEIGHT with a unit (e.g. 170x240mm)";
}

impl OptionValue for PageSize {
    const VALUE_NAME: &'static str = "SIZE";
    fn parse_value(s: &str) -> Result<Self, String> {
        let named = |w: f32, h: f32, name| PageSize {
            width: Pt(w),
            height: Pt(h),
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
        let (min, max) = (Pt(50.0 * MM), Pt(1200.0 * MM));
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
                round2(self.width.0 / MM),
                round2(self.height.0 / MM)
            ),
        }
    }
}

/// Page margins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: Pt,
    pub right: Pt,
    pub bottom: Pt,
    pub left: Pt,
}

impl OptionValue for Margins {
    const VALUE_NAME: &'static str = "LENGTHS";
    fn parse_value(s: &str) -> Result<Self, String> {
        let parts: Vec<Pt> = s
            .split_whitespace()
            .map(parse_length)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{e}; use 1, 2, 3 or 4 lengths like `20mm` or `1in 0.8in`"))?;
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
        let limit = Pt(150.0 * MM);
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
        let mm = |v: Pt| format!("{}mm", round2(v.0 / MM));
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

impl OptionValue for FontSize {
    const VALUE_NAME: &'static str = "POINTS";
    const JSON_TYPE: JsonType = JsonType::Number;
    fn parse_value(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let number = t.strip_suffix("pt").unwrap_or(t).trim();
        let v: f32 = number
            .parse()
            .map_err(|_| format!("`{s}` is not a size in points; use a number from 6 to 24"))?;
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

/// How many levels of headings the table of contents lists (1 to 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocDepth(pub u8);

impl OptionValue for TocDepth {
    const VALUE_NAME: &'static str = "LEVELS";
    const JSON_TYPE: JsonType = JsonType::Number;
    fn parse_value(s: &str) -> Result<Self, String> {
        match s.trim().parse::<u8>() {
            Ok(levels @ 1..=6) => Ok(TocDepth(levels)),
            _ => Err(format!(
                "`{s}` is not a number of heading levels; use a number from 1 to 6"
            )),
        }
    }
}

impl fmt::Display for TocDepth {
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

impl OptionValue for Lang {
    const VALUE_NAME: &'static str = "TAG";
    fn parse_value(s: &str) -> Result<Self, String> {
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

/// A text size scale in percent (50 to 200).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextScale(pub f32);

impl Default for TextScale {
    fn default() -> Self {
        TextScale(100.0)
    }
}

impl OptionValue for TextScale {
    const VALUE_NAME: &'static str = "PERCENT";
    fn parse_value(s: &str) -> Result<Self, String> {
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

/// `"A4".parse::<PageSize>()` reads a value as every source does.
macro_rules! from_str_via_option_value {
    ($($ty:ty),+) => {$(
        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                <$ty as OptionValue>::parse_value(text)
            }
        }
    )+};
}

from_str_via_option_value!(
    PageSize,
    Margins,
    FontSize,
    Lang,
    TextScale,
    TocDepth,
    LinkStyle,
    ImagesMode,
    FiguresMode,
    CodeTheme,
    Direction,
    PdfStandard,
    QrPlace
);

/// An option whose values are a fixed set of words: the enum, its words, and the word
/// that names it in messages.
macro_rules! word_option {
    ($(#[$meta:meta])* $ty:ident, $what:literal, $value_name:literal, { $($variant:ident = $word:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $ty {
            #[default]
            $($variant),+
        }

        impl OptionValue for $ty {
            const VALUE_NAME: &'static str = $value_name;
            const POSSIBLE: &'static [&'static str] = &[$($word),+];
            fn parse_value(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word $(| $alias)* => Ok($ty::$variant),)+
                    _ => Err(format!(
                        concat!("`{}` is not ", $what, "; use {}"),
                        s,
                        or_list(Self::POSSIBLE)
                    )),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self {
                    $($ty::$variant => $word),+
                })
            }
        }
    };
}

/// "a, b or c".
fn or_list(words: &[&str]) -> String {
    match words.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

word_option!(
    /// How link addresses are printed (see [`RenderOptions::links`](super::RenderOptions::links)).
    LinkStyle, "a link style", "STYLE", {
        Footnote = "footnote" | "footnotes",
        Endnote = "endnote" | "endnotes",
        Inline = "inline",
        None = "none",
    }
);

word_option!(
    /// The direction text is written in (see [`RenderOptions::dir`](super::RenderOptions::dir)).
    Direction, "a direction", "DIR", {
        Auto = "auto",
        Ltr = "ltr",
        Rtl = "rtl",
    }
);

impl Direction {
    /// The direction a document takes: `ltr` or `rtl` as given; `auto` is right to left
    /// for a language written so (Arabic, Hebrew, Persian, Urdu...), and otherwise each
    /// paragraph's own (its first strong character's).
    pub fn for_document(self, lang: &str) -> Direction {
        const RTL_LANGUAGES: [&str; 10] =
            ["ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "dv"];
        let primary = lang
            .split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match self {
            Direction::Auto if RTL_LANGUAGES.contains(&primary.as_str()) => Direction::Rtl,
            other => other,
        }
    }
}

word_option!(
    /// Whether images are printed (see [`RenderOptions::images`](super::RenderOptions::images)).
    ImagesMode, "an images mode", "MODE", {
        Show = "show",
        Hide = "hide",
    }
);

word_option!(
    /// How fenced code is highlighted (see [`RenderOptions::code_theme`](super::RenderOptions::code_theme)).
    CodeTheme, "a code theme", "THEME", {
        Print = "print" | "gray" | "grey",
        Color = "color" | "colour",
        None = "none",
    }
);

word_option!(
    /// The standards the PDF is made to and claims (see
    /// [`RenderOptions::pdf_standard`](super::RenderOptions::pdf_standard)).
    PdfStandard, "a PDF standard", "STANDARD", {
        UaAndA = "ua-1+a-2a" | "a-2a+ua-1",
        Ua = "ua-1",
        A = "a-2a",
        None = "none",
    }
);

impl PdfStandard {
    /// Whether the file is tagged (every standard Folio makes asks for it).
    pub fn tagged(self) -> bool {
        self != PdfStandard::None
    }

    /// Whether it claims PDF/UA-1.
    pub fn ua(self) -> bool {
        matches!(self, PdfStandard::UaAndA | PdfStandard::Ua)
    }

    /// Whether it claims PDF/A-2a.
    pub fn archival(self) -> bool {
        matches!(self, PdfStandard::UaAndA | PdfStandard::A)
    }
}

word_option!(
    /// Where a QR code of the article's address goes (see
    /// [`RenderOptions::qr`](super::RenderOptions::qr)).
    QrPlace, "a QR code place", "PLACE", {
        None = "none",
        End = "end",
        Title = "title",
    }
);

word_option!(
    /// Where figures go (see [`RenderOptions::figures`](super::RenderOptions::figures)).
    FiguresMode, "a figures mode", "MODE", {
        Float = "float",
        Inline = "inline",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_by_name_and_dimensions() {
        assert_eq!(PageSize::parse_value("a4").unwrap(), PageSize::A4);
        let letter = PageSize::parse_value("Letter").unwrap();
        assert_eq!((letter.width, letter.height), (Pt(612.0), Pt(792.0)));
        let custom = PageSize::parse_value("170x240mm").unwrap();
        assert!((custom.width.0 - 170.0 * MM).abs() < 0.01);
        assert!((custom.height.0 - 240.0 * MM).abs() < 0.01);
        assert_eq!(custom.to_string(), "170x240mm");
        let err = PageSize::parse_value("B7").unwrap_err();
        assert!(err.contains("A4, Letter, Legal, A5"), "{err}");
        assert!(PageSize::parse_value("10x10mm").is_err());
    }

    #[test]
    fn margins_like_css() {
        let m = Margins::parse_value("20mm").unwrap();
        assert_eq!(m.top, m.left);
        let m = Margins::parse_value("1in 2in").unwrap();
        assert_eq!(
            (m.top, m.right, m.bottom, m.left),
            (Pt(72.0), Pt(144.0), Pt(72.0), Pt(144.0))
        );
        assert!(Margins::parse_value("20").unwrap_err().contains("unit"));
        assert!(Margins::parse_value("1mm 2mm 3mm 4mm 5mm").is_err());
    }

    #[test]
    fn language_tags_are_checked_for_shape() {
        assert_eq!(Lang::parse_value("de_CH").unwrap().as_str(), "de-CH");
        assert!(Lang::parse_value("").is_err());
        assert!(Lang::parse_value("english please").is_err());
    }

    #[test]
    fn words_list_what_is_allowed() {
        assert_eq!(
            LinkStyle::parse_value("Endnotes").unwrap(),
            LinkStyle::Endnote
        );
        assert_eq!(
            LinkStyle::parse_value("margin").unwrap_err(),
            "`margin` is not a link style; use footnote, endnote, inline or none"
        );
        assert_eq!(ImagesMode::Hide.to_string(), "hide");
        assert!(bool::parse_value("maybe").is_err());
        assert!(bool::parse_value("Yes").unwrap());
    }
}
