//! Page designs as data: a template is a TOML file that gives the page geometry defaults,
//! the type sizes and spacing, and the running header and footer. Built-in templates are
//! embedded in the binary; a user may also pass a path to a file of their own.

use serde::Deserialize;

use crate::error::Error;
use crate::options::{FontSize, Margins, PageSize};

/// A page design.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub description: String,
    pub page_size: PageSize,
    pub margins: Margins,
    pub font_size: FontSize,
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
    pub header: String,
    pub footer_left: String,
    pub footer_right: String,
    /// Justify body text unless the reader says otherwise.
    #[serde(default = "yes")]
    pub justify: bool,
    /// Hyphenate body text unless the reader says otherwise.
    #[serde(default = "yes")]
    pub hyphenate: bool,
    /// Columns of text on a page.
    #[serde(default = "one")]
    pub columns: u32,
    /// Space between columns, in em.
    #[serde(default = "two")]
    pub column_gap: f32,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

fn two() -> f32 {
    2.0
}

const BUILT_IN: &[(&str, &str)] = &[
    ("article", include_str!("../templates/article.toml")),
    ("large-print", include_str!("../templates/large-print.toml")),
    ("compact", include_str!("../templates/compact.toml")),
];

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

    /// Reads a template from TOML text; an unknown key or a bad value is an error
    /// naming it.
    pub fn from_toml(text: &str) -> Result<Template, Error> {
        let template: Template = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].lines().count().max(1)
            });
            Error::option(
                "template",
                format!(
                    "line {line}: {}",
                    e.message().lines().next().unwrap_or_default()
                ),
            )
        })?;
        template.check()?;
        Ok(template)
    }

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
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_parse() {
        let all = Template::built_in();
        let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["article", "large-print", "compact"]);
        assert_eq!(all[0].page_size, PageSize::A4);
        assert_eq!(all[2].columns, 2);
    }

    #[test]
    fn unknown_key_is_named() {
        let text = include_str!("../templates/article.toml").replace("line_height", "line_hieght");
        let err = Template::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("line_hieght"), "{err}");
    }
}
