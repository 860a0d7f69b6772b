//! Page designs as data: a template is a TOML file that gives defaults for render options
//! (page size, margins, type size, justification...) and the design values no option
//! sets: leading, spacing, heading sizes, columns, the running header and footer.
//! Built-in templates are embedded in the binary; a user may also pass a file of their own.

use serde::{Deserialize, Serialize};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::options::RenderOptions;
use crate::source::{self, SourceError, SourcePos};

/// A page design.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: String,
    pub description: String,
    /// Defaults for the options of the same names (the document and the caller may
    /// override them).
    pub defaults: RenderOptions,
    pub design: Design,
}

/// The values of a design that no render option sets. Lengths in `em` are multiples of
/// the body text size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// Baseline-to-baseline distance of body text, as a multiple of the font size.
    pub line_height: f32,
    /// First-line indent of a paragraph that follows a paragraph, in em.
    pub paragraph_indent: f32,
    /// Extra space between paragraphs, in lines.
    pub paragraph_spacing: f32,
    /// Space above and below quotes, lists, code blocks and rules, in lines.
    pub block_spacing: f32,
    /// Heading sizes for levels 1 to 6, in em.
    pub heading_sizes: [f32; 6],
    /// Blockquote indent, in em.
    pub quote_indent: f32,
    /// Running header (pages after the first) and footer slots; see the built-in
    /// templates for the placeholders.
    pub header: String,
    pub footer_left: String,
    pub footer_right: String,
    /// Columns of text on a page.
    #[serde(default = "one")]
    pub columns: u32,
    /// Space between columns, in em.
    #[serde(default = "two")]
    pub column_gap: f32,
    /// How much of the space between blocks and around headings a page may give up to
    /// save a nearly empty last page, as a share of it (0.5: down to half).
    #[serde(default = "half")]
    pub space_shrink: f32,
    /// The same for the spaces of the title block.
    #[serde(default = "third")]
    pub title_space_shrink: f32,
    /// Notes (footnotes, link addresses) relative to body text.
    #[serde(default = "four_fifths")]
    pub note_scale: f32,
    /// Running header and footer relative to body text.
    #[serde(default = "four_fifths")]
    pub furniture_scale: f32,
    /// Displayed formulas are centred; set, they are flush left at this indent (em), as
    /// LaTeX's `fleqn` sets them. (Left out of the design's canonical form when unset,
    /// so that designs without it keep their identity.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub math_indent: Option<f32>,
    /// The fonts, by family name (`[fonts]`); unset, the bundled ones.
    #[serde(default)]
    pub fonts: FontChoice,
}

/// A design's fonts (the `[fonts]` table of a template): family names, looked up among
/// the bundled and installed fonts. A family that is not there leaves the bundled face
/// in its place, with a warning.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FontChoice {
    /// Body text (default: the bundled Noto Serif).
    pub body: Option<String>,
    /// Headings and the title (default: the body's family).
    pub heading: Option<String>,
    /// Code (default: the bundled JetBrains Mono).
    pub code: Option<String>,
    /// Families tried in order for characters the chosen faces lack, before Folio's own
    /// choice (the bundled script faces, then installed fonts).
    pub fallback: Vec<String>,
}

fn one() -> u32 {
    1
}

fn two() -> f32 {
    2.0
}

fn half() -> f32 {
    0.5
}

fn four_fifths() -> f32 {
    0.8
}

fn third() -> f32 {
    1.0 / 3.0
}

const BUILT_IN: &[(&str, &str)] = &[
    ("article", include_str!("../templates/article.toml")),
    ("large-print", include_str!("../templates/large-print.toml")),
    ("compact", include_str!("../templates/compact.toml")),
];

/// Keys of a template file that are neither options nor design values.
const IDENTITY_KEYS: [&str; 2] = ["name", "description"];

impl Template {
    /// The names of the built-in templates.
    pub fn built_in_names() -> Vec<&'static str> {
        BUILT_IN.iter().map(|(name, _)| *name).collect()
    }

    /// Parses all built-in templates (done once, by the engine).
    pub fn built_in() -> Vec<Template> {
        BUILT_IN
            .iter()
            .map(|(name, text)| {
                // Built-in templates are checked by the test suite.
                Template::from_toml(text)
                    .unwrap_or_else(|e| panic!("built-in template {name}: {e}"))
            })
            .collect()
    }

    /// Reads a template from TOML text; an unknown key or a bad value is an error that
    /// names it and says where it is written.
    pub fn from_toml(text: &str) -> Result<Template, Error> {
        let read = source::read_toml(text, 1).map_err(Error::Template)?;
        let places = read.places;
        let start = SourcePos::line_start(1);
        let fail = |key: &str, at_value: bool, message: String| {
            Error::Template(places.error(key, at_value, message, start))
        };
        let mut table = read.table;
        if let Some(base) = table.remove("extends") {
            table = extended(base, table).map_err(|message| fail("extends", true, message))?;
        }
        let mut options = Map::new();
        let mut design = Map::new();
        let (mut name, mut description) = (None, String::new());
        for (key, value) in table {
            if key == "template" {
                return Err(fail(
                    &key,
                    false,
                    "a template cannot choose a template".into(),
                ));
            } else if IDENTITY_KEYS.contains(&key.as_str()) {
                let Value::String(value) = value else {
                    return Err(fail(&key, true, format!("`{key}` must be text")));
                };
                if key == "name" {
                    name = Some(value);
                } else {
                    description = value;
                }
            } else if RenderOptions::is_option(&key) {
                options.insert(key, value);
            } else {
                design.insert(key, value);
            }
        }
        let name = name.ok_or_else(|| {
            Error::Template(SourceError {
                message: "missing field `name`".into(),
                at: start,
                key: None,
            })
        })?;
        let defaults =
            RenderOptions::deserialize_named(Value::Object(options)).map_err(|e| match e {
                Error::InvalidOption { option, message } => {
                    fail(&option, true, format!("option `{option}`: {message}"))
                }
                other => other,
            })?;
        let design: Design =
            serde_path_to_error::deserialize(Value::Object(design)).map_err(|e| {
                let path = e.path().to_string();
                let message = e.inner().to_string();
                let first = message.lines().next().unwrap_or_default();
                let unknown = message
                    .strip_prefix("unknown field `")
                    .and_then(|rest| rest.split('`').next());
                // The path names the unknown key itself (`fonts.bodyy`), or its table.
                let full = |key: &str| match path.as_str() {
                    "." | "" => key.to_string(),
                    table if table == key || table.ends_with(&format!(".{key}")) => {
                        table.to_string()
                    }
                    table => format!("{table}.{key}"),
                };
                match (unknown, first.split_once(", expected one of ")) {
                    // The design's keys are serde's list; a template also takes its name,
                    // `extends` and any render option: all of them are named.
                    (Some(unknown), Some((_, design_keys))) if !full(unknown).contains('.') => {
                        let options: Vec<String> = RenderOptions::SPECS
                            .iter()
                            .filter(|spec| spec.name != "template")
                            .map(|spec| format!("`{}`", spec.name))
                            .collect();
                        fail(
                            unknown,
                            false,
                            format!(
                                "unknown field `{unknown}`; a template's keys are `name`, \
                                 `description`, `extends`, the design's ({design_keys}) and the \
                                 render options' ({})",
                                options.join(", ")
                            ),
                        )
                    }
                    (Some(unknown), _) => fail(&full(unknown), false, first.to_string()),
                    (None, _) if path == "." || path.is_empty() => Error::Template(SourceError {
                        message: first.to_string(),
                        at: start,
                        key: None,
                    }),
                    (None, _) => fail(&path, true, format!("`{path}`: {first}")),
                }
            })?;
        design
            .check()
            .map_err(|(key, message)| fail(key, true, message))?;
        Ok(Template {
            name,
            description,
            defaults,
            design,
        })
    }
}

/// A template's keys over those of the built-in design it `extends` (its `[fonts]` table
/// key by key), so that a file sets only what it changes; why not, if `base` names none.
fn extended(base: Value, keys: Map<String, Value>) -> Result<Map<String, Value>, String> {
    let names = Template::built_in_names().join(", ");
    let Value::String(base) = base else {
        return Err(format!("`extends` must name a built-in template ({names})"));
    };
    let (_, base_text) = BUILT_IN
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&base))
        .ok_or_else(|| {
            format!("`extends`: no built-in template named `{base}`; available: {names}")
        })?;
    let mut merged = source::read_toml(base_text, 1)
        .expect("built-in templates are valid (checked by the tests)")
        .table;
    // The file names itself: it must not pass for the design it starts from.
    merged.remove("name");
    merged.remove("description");
    for (key, value) in keys {
        match (merged.get_mut(&key), value) {
            (Some(Value::Object(base)), Value::Object(table)) => base.extend(table),
            (_, value) => {
                merged.insert(key, value);
            }
        }
    }
    Ok(merged)
}

impl Design {
    /// The key of a value out of its range, and the range it must be in.
    fn check(&self) -> Result<(), (&'static str, String)> {
        let ranges: [(&'static str, f32, f32, f32, &str); 11] = [
            ("line_height", self.line_height, 1.0, 3.0, ""),
            ("paragraph_indent", self.paragraph_indent, 0.0, 5.0, " em"),
            (
                "paragraph_spacing",
                self.paragraph_spacing,
                0.0,
                3.0,
                " lines",
            ),
            ("block_spacing", self.block_spacing, 0.0, 3.0, " lines"),
            ("quote_indent", self.quote_indent, 0.0, 6.0, " em"),
            ("columns", self.columns as f32, 1.0, 4.0, ""),
            ("column_gap", self.column_gap, 0.5, 6.0, " em"),
            ("space_shrink", self.space_shrink, 0.0, 1.0, ""),
            ("title_space_shrink", self.title_space_shrink, 0.0, 1.0, ""),
            ("note_scale", self.note_scale, 0.5, 1.5, ""),
            ("furniture_scale", self.furniture_scale, 0.5, 1.5, ""),
        ];
        if let Some(indent) = self.math_indent {
            if !(0.0..=10.0).contains(&indent) {
                return Err((
                    "math_indent",
                    "math_indent must be between 0 and 10 em".into(),
                ));
            }
        }
        for (key, value, low, high, unit) in ranges {
            if !(low..=high).contains(&value) {
                return Err((key, format!("{key} must be between {low} and {high}{unit}")));
            }
        }
        if self.heading_sizes.iter().any(|s| !(0.5..=4.0).contains(s)) {
            return Err((
                "heading_sizes",
                "heading_sizes must be between 0.5 and 4 em".to_string(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_error_names_every_key_a_template_takes() {
        let err = Template::from_toml("name = \"x\"\nfont_sizee = 11\n").unwrap_err();
        let text = err.to_string();
        for key in [
            "`name`",
            "`extends`",
            "`line_height`",
            "`fonts`",
            "`font_size`",
            "`page_size`",
        ] {
            assert!(text.contains(key), "{key} missing: {text}");
        }
        assert!(text.contains("unknown field `font_sizee`"), "{text}");
    }
    use crate::options::PageSize;

    #[test]
    fn built_in_templates_parse() {
        let all = Template::built_in();
        let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["article", "large-print", "compact"]);
        // The article design keeps the options' own page size; compact names its own.
        assert_eq!(all[0].defaults.page_size, None);
        assert_eq!(all[0].defaults.resolve().page_size, PageSize::A4);
        assert_eq!(all[2].defaults.page_size, Some(PageSize::A4));
        assert_eq!(all[1].defaults.justify, Some(false));
        assert_eq!(all[2].design.columns, 2);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = include_str!("../templates/article.toml").replace("line_height", "line_hieght");
        let err = Template::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("line_hieght"), "{err}");
        let line = text
            .lines()
            .position(|l| l.starts_with("line_hieght"))
            .unwrap()
            + 1;
        assert!(err.contains(&format!("line {line}:")), "{err}");
    }

    #[test]
    fn a_template_extends_a_built_in_one_with_only_what_it_changes() {
        let text = "name = \"mine\"\nextends = \"compact\"\njustify = false\nline_height = 1.5\n\
                    [fonts]\ncode = \"Iosevka\"\n";
        let mine = Template::from_toml(text).unwrap();
        let compact = &Template::built_in()[2];
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.design.line_height, 1.5);
        assert_eq!(mine.design.columns, compact.design.columns);
        assert_eq!(mine.design.heading_sizes, compact.design.heading_sizes);
        assert_eq!(mine.design.fonts.code.as_deref(), Some("Iosevka"));
        assert_eq!(mine.defaults.justify, Some(false));
        assert_eq!(mine.defaults.margins, compact.defaults.margins);
        // It must name itself, and extend a design that exists.
        let err = Template::from_toml("extends = \"article\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `name`"), "{err}");
        let err = Template::from_toml("name = \"x\"\nextends = \"bogus\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 2:") && err.contains("available: article"),
            "{err}"
        );
    }

    #[test]
    fn option_defaults_are_checked_like_options() {
        let text = include_str!("../templates/compact.toml").replace("\"A4\"", "\"B7\"");
        let err = Template::from_toml(&text).unwrap_err().to_string();
        assert!(
            err.contains("option `page_size`: `B7` is not a page size"),
            "{err}"
        );
    }
}
