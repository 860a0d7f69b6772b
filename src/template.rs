//! Page designs as data: a template is a TOML file that gives defaults for render options
//! (page size, margins, type size, justification...) and the design values no option
//! sets: leading, spacing, heading sizes, columns, the running header and footer.
//! Built-in templates are embedded in the binary; a user may also pass a file of their own.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::options::RenderOptions;

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

    /// Reads a template from TOML text; an unknown key or a bad value is an error naming
    /// it and its line.
    pub fn from_toml(text: &str) -> Result<Template, Error> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of_offset(text, s.start));
            template_error(line, e.message().lines().next().unwrap_or_default())
        })?;
        if let Some(base) = table.remove("extends") {
            table = extended(base, table, key_line(text, "extends"))?;
        }
        let mut options = toml::Table::new();
        let mut design = toml::Table::new();
        let (mut name, mut description) = (None, String::new());
        for (key, value) in table {
            let line = key_line(text, &key);
            if key == "template" {
                return Err(template_error(line, "a template cannot choose a template"));
            } else if IDENTITY_KEYS.contains(&key.as_str()) {
                let toml::Value::String(value) = value else {
                    return Err(template_error(line, &format!("`{key}` must be text")));
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
        let name = name.ok_or_else(|| template_error(1, "missing field `name`"))?;
        let defaults =
            RenderOptions::deserialize_named(toml::Value::Table(options)).map_err(|e| match e {
                Error::InvalidOption { option, message } => template_error(
                    key_line(text, &option),
                    &format!("option `{option}`: {message}"),
                ),
                other => other,
            })?;
        let design: Design =
            serde_path_to_error::deserialize(toml::Value::Table(design)).map_err(|e| {
                let key = e.path().to_string();
                let message = e.inner().to_string();
                let unknown = message
                    .strip_prefix("unknown field `")
                    .and_then(|rest| rest.split('`').next());
                let line = key_line(text, unknown.unwrap_or(&key));
                let first = message.lines().next().unwrap_or_default();
                match (unknown, first.split_once(", expected one of ")) {
                    // The design's keys are serde's list; a template also takes its name,
                    // `extends` and any render option: all of them are named.
                    (Some(unknown), Some((_, design_keys))) => {
                        let options: Vec<String> = RenderOptions::SPECS
                            .iter()
                            .filter(|spec| spec.name != "template")
                            .map(|spec| format!("`{}`", spec.name))
                            .collect();
                        template_error(
                            line,
                            &format!(
                                "unknown field `{unknown}`; a template's keys are `name`, \
                                 `description`, `extends`, the design's ({design_keys}) and the \
                                 render options' ({})",
                                options.join(", ")
                            ),
                        )
                    }
                    _ => template_error(line, first),
                }
            })?;
        design.check()?;
        Ok(Template {
            name,
            description,
            defaults,
            design,
        })
    }
}

/// A template's keys over those of the built-in design it `extends` (its `[fonts]` table
/// key by key), so that a file sets only what it changes.
fn extended(base: toml::Value, keys: toml::Table, line: usize) -> Result<toml::Table, Error> {
    let names = Template::built_in_names().join(", ");
    let toml::Value::String(base) = base else {
        return Err(template_error(
            line,
            &format!("`extends` must name a built-in template ({names})"),
        ));
    };
    let (_, base_text) = BUILT_IN
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&base))
        .ok_or_else(|| {
            template_error(
                line,
                &format!("`extends`: no built-in template named `{base}`; available: {names}"),
            )
        })?;
    let mut merged: toml::Table =
        toml::from_str(base_text).expect("built-in templates are valid (checked by the tests)");
    // The file names itself: it must not pass for the design it starts from.
    merged.remove("name");
    merged.remove("description");
    for (key, value) in keys {
        match (merged.get_mut(&key), value) {
            (Some(toml::Value::Table(base)), toml::Value::Table(table)) => base.extend(table),
            (_, value) => {
                merged.insert(key, value);
            }
        }
    }
    Ok(merged)
}

impl Design {
    fn check(&self) -> Result<(), Error> {
        let bad = |what: &str| Err(Error::option("template", what.to_string()));
        if !(1.0..=3.0).contains(&self.line_height) {
            return bad("line_height must be between 1 and 3");
        }
        if !(0.0..=5.0).contains(&self.paragraph_indent) {
            return bad("paragraph_indent must be between 0 and 5 em");
        }
        if !(0.0..=3.0).contains(&self.paragraph_spacing)
            || !(0.0..=3.0).contains(&self.block_spacing)
        {
            return bad("paragraph_spacing and block_spacing must be between 0 and 3 lines");
        }
        if self.heading_sizes.iter().any(|s| !(0.5..=4.0).contains(s)) {
            return bad("heading_sizes must be between 0.5 and 4 em");
        }
        if !(0.0..=6.0).contains(&self.quote_indent) {
            return bad("quote_indent must be between 0 and 6 em");
        }
        if !(1..=4).contains(&self.columns) {
            return bad("columns must be between 1 and 4");
        }
        if !(0.5..=6.0).contains(&self.column_gap) {
            return bad("column_gap must be between 0.5 and 6 em");
        }
        if !(0.0..=1.0).contains(&self.space_shrink)
            || !(0.0..=1.0).contains(&self.title_space_shrink)
        {
            return bad("space_shrink and title_space_shrink must be between 0 and 1");
        }
        if !(0.5..=1.5).contains(&self.note_scale) || !(0.5..=1.5).contains(&self.furniture_scale) {
            return bad("note_scale and furniture_scale must be between 0.5 and 1.5");
        }
        Ok(())
    }
}

fn template_error(line: usize, message: &str) -> Error {
    Error::option("template", format!("line {line}: {message}"))
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].lines().count().max(1)
}

/// The line on which `key` is set (the first line that starts with it), or 1.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
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
        assert_eq!(all[0].defaults.page_size, Some(PageSize::A4));
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
        let text = include_str!("../templates/article.toml").replace("\"A4\"", "\"B7\"");
        let err = Template::from_toml(&text).unwrap_err().to_string();
        assert!(
            err.contains("option `page_size`: `B7` is not a page size"),
            "{err}"
        );
    }
}
