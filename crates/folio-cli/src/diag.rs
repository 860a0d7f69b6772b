//! Diagnostics in the form editors and CI annotate: `file:line:col: error: message`, and
//! on a terminal (or with `--diagnostic-format human`) the offending line with a caret
//! under the place.
//!
//! The places come with the errors, as data (`folio::source::SourceError`: line, column,
//! length and key, found where the text was read); this module only draws them.

use std::io::IsTerminal;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagnosticFormat {
    /// One line each: `file:line:col: error: message`.
    Short,
    /// The line, then the source line it is about with a caret under the place.
    Human,
}

impl DiagnosticFormat {
    /// The format asked for, else `human` when stderr is a terminal and `short` when not.
    pub fn resolve(asked: Option<DiagnosticFormat>) -> DiagnosticFormat {
        asked.unwrap_or_else(|| {
            if std::io::stderr().is_terminal() {
                DiagnosticFormat::Human
            } else {
                DiagnosticFormat::Short
            }
        })
    }
}

use folio::source::{SourceError, SourcePos};

/// `file:line:col: error: message`, with the excerpt in the human format.
pub fn placed(
    file: &str,
    text: &str,
    place: SourcePos,
    message: &str,
    format: DiagnosticFormat,
) -> String {
    let mut out = format!("{file}:{}:{}: error: {message}", place.line, place.column);
    if format == DiagnosticFormat::Human {
        if let Some(source) = text.lines().nth(place.line.saturating_sub(1)) {
            let number = place.line.to_string();
            let gutter = " ".repeat(number.len());
            // Keep tabs as tabs so the caret lines up however the terminal shows them.
            let indent: String = source
                .chars()
                .take(place.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!(
                "\n{gutter} |\n{number} | {source}\n{gutter} | {indent}{}",
                "^".repeat(place.len.max(1))
            ));
        }
    }
    out
}

/// An error of rendering `text` (the article `file`), as printed: at its place when it
/// has one.
pub fn render_error(
    file: &str,
    text: &str,
    error: &folio::Error,
    format: DiagnosticFormat,
) -> String {
    match error {
        folio::Error::FrontMatter(e) => placed(file, text, e.at, &e.message, format),
        other => format!("folio: {file}: {other}"),
    }
}

/// An error at a place in a file Folio reads besides articles (a template, `serve`'s
/// settings), as printed.
pub fn file_error(file: &str, text: &str, error: &SourceError, format: DiagnosticFormat) -> String {
    placed(file, text, error.at, &error.message, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_drawn_at_its_place() {
        let text = "---\ntitle: fine\nfont_size:  huge # big\n---\nText";
        let error = folio::Error::FrontMatter(SourceError {
            message: "option `font_size`: `huge` is not a size".into(),
            at: SourcePos {
                line: 3,
                column: 13,
                len: 4,
            },
            key: Some("font_size".into()),
        });
        assert_eq!(
            render_error("a.md", text, &error, DiagnosticFormat::Human),
            "a.md:3:13: error: option `font_size`: `huge` is not a size\n  |\n3 | font_size:  huge # big\n  |             ^^^^"
        );
        assert_eq!(
            render_error("a.md", text, &error, DiagnosticFormat::Short),
            "a.md:3:13: error: option `font_size`: `huge` is not a size"
        );
    }

    #[test]
    fn the_engines_places_land_under_the_text_they_name() {
        // Read by the engine, drawn here: the caret is under the value in the file.
        let text = "---\ntitle: ok\nfont_size:  huge\n---\nText";
        let error = folio::render(text, &folio::RenderOptions::default()).unwrap_err();
        let shown = render_error("a.md", text, &error, DiagnosticFormat::Human);
        assert!(
            shown.starts_with("a.md:3:13: error: option `font_size`"),
            "{shown}"
        );
        assert!(
            shown.ends_with("3 | font_size:  huge\n  |             ^^^^"),
            "{shown}"
        );
        let text = "name = \"x\"\n  line_hieght = 1.4\ncolumns = 9\n";
        let folio::Error::Template(error) = folio::Template::from_toml(text).unwrap_err() else {
            panic!("not a template error");
        };
        let shown = file_error("t.toml", text, &error, DiagnosticFormat::Short);
        assert!(
            shown.starts_with("t.toml:2:3: error: unknown field `line_hieght`"),
            "{shown}"
        );
        let text = "name = \"x\"\nextends = \"article\"\ncolumns = 9\n";
        let folio::Error::Template(error) = folio::Template::from_toml(text).unwrap_err() else {
            panic!("not a template error");
        };
        assert_eq!(
            file_error("t.toml", text, &error, DiagnosticFormat::Short),
            "t.toml:3:11: error: columns must be between 1 and 4"
        );
    }
}
