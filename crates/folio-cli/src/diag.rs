//! Diagnostics in the form editors and CI annotate: `file:line:col: error: message`, and
//! on a terminal (or with `--diagnostic-format human`) the offending line with a caret
//! under the place.
//!
//! The engine's errors give the line of a front-matter or template problem (when they
//! give a place at all); the column, and the line when it is missing, are found here
//! from the source text: the key an error names, the value set for it, or the place the
//! YAML or TOML parser stopped.

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

/// A place in a file: 1-based line and column (in characters), and how many characters
/// the caret underlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

/// `file:line:col: error: message`, with the excerpt in the human format.
pub fn placed(
    file: &str,
    text: &str,
    place: Place,
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
                "^".repeat(place.width.max(1))
            ));
        }
    }
    out
}

/// An error of rendering `text` (the article `file`), as printed.
pub fn render_error(
    file: &str,
    text: &str,
    error: &folio::Error,
    format: DiagnosticFormat,
) -> String {
    match locate_render_error(text, error) {
        Some((place, message)) => placed(file, text, place, &message, format),
        None => format!("folio: {file}: {error}"),
    }
}

fn locate_render_error(text: &str, error: &folio::Error) -> Option<(Place, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (block_start, block, sep) = front_matter(text)?;
    match error {
        folio::Error::FrontMatter {
            line,
            column,
            message,
        } => {
            if let Some(rest) = message
                .strip_prefix("invalid YAML: ")
                .or_else(|| message.strip_prefix("invalid TOML: "))
            {
                // The engine's reader says where it stopped.
                let place = if *column > 0 {
                    Place {
                        line: *line,
                        column: *column,
                        width: 1,
                    }
                } else {
                    syntax_place(block, sep, block_start).unwrap_or(Place {
                        line: *line,
                        column: 1,
                        width: line_width(text, *line),
                    })
                };
                let kind = if sep == ':' { "YAML" } else { "TOML" };
                return Some((place, format!("invalid {kind} in the front matter: {rest}")));
            }
            let place = named_key(message)
                .and_then(|(key, value)| key_place(text, Some(*line), &key, sep, value))
                .unwrap_or(Place {
                    line: *line,
                    column: 1,
                    width: line_width(text, *line),
                });
            Some((place, message.clone()))
        }
        // An option set in the front matter that the render refused (an unknown
        // template, say): point at the value.
        folio::Error::InvalidOption { option, message } => {
            let last = block_start + block.lines().count();
            let place = key_place(&text_lines(text, last), None, option, sep, true)
                .filter(|p| p.line >= block_start)?;
            Some((place, format!("option `{option}`: {message}")))
        }
        _ => None,
    }
}

/// The first `lines` lines of `text`.
fn text_lines(text: &str, lines: usize) -> String {
    text.lines().take(lines).collect::<Vec<_>>().join("\n")
}

/// The front matter of an article: the line its block starts on (1-based), the block,
/// and the separator of its keys (`:` for YAML, `=` for TOML).
fn front_matter(text: &str) -> Option<(usize, &str, char)> {
    let (fence, sep) = if text.starts_with("---") {
        ("---", ':')
    } else if text.starts_with("+++") {
        ("+++", '=')
    } else {
        return None;
    };
    let first_end = text.find('\n')? + 1;
    let rest = &text[first_end..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((2, &rest[..offset], sep));
        }
        offset += line.len();
    }
    None
}

/// The key a message names, and whether the place is its value: `option `k`: …` (the
/// value is wrong), `unknown field `k`` and `` `k` must be … `` (the key is).
fn named_key(message: &str) -> Option<(String, bool)> {
    let quoted = |rest: &str| rest.split('`').next().map(str::to_string);
    if let Some(rest) = message.strip_prefix("option `") {
        return quoted(rest).map(|k| (k, true));
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return quoted(rest).map(|k| (k, false));
    }
    if let Some(rest) = message.strip_prefix('`') {
        let key = quoted(rest)?;
        let after = &rest[key.len() + 1..];
        let after = after.trim_start_matches(':').trim_start();
        let at_key = after.starts_with("must") || after.starts_with("no setting named");
        return Some((key, !at_key));
    }
    if message.starts_with("a template cannot choose a template") {
        return Some(("template".to_string(), false));
    }
    None
}

/// Where `key` is set in `text`: on line `line` if given (else the first line that sets
/// it), at the key or at its value.
pub fn key_place(
    text: &str,
    line: Option<usize>,
    key: &str,
    sep: char,
    value: bool,
) -> Option<Place> {
    let try_line = |number: usize, source: &str| -> Option<Place> {
        let start = source.len() - source.trim_start().len();
        let mut rest = &source[start..];
        let mut key_start = start;
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        if let Some(q) = quote {
            rest = &rest[1..];
            key_start += 1;
            rest = rest.strip_prefix(key)?.strip_prefix(q)?;
        } else {
            rest = rest.strip_prefix(key)?;
        }
        let after_key = rest.trim_start().strip_prefix(sep)?;
        if !value {
            return Some(Place {
                line: number,
                column: source[..key_start].chars().count() + 1,
                width: key.chars().count(),
            });
        }
        let value_text = after_key.trim_start();
        let value_start = source.len() - value_text.len();
        let width = value_width(value_text);
        Some(Place {
            line: number,
            column: source[..value_start].chars().count() + 1,
            width: width.max(1),
        })
    };
    if let Some(line) = line {
        if let Some(place) = text
            .lines()
            .nth(line.checked_sub(1)?)
            .and_then(|s| try_line(line, s))
        {
            return Some(place);
        }
    }
    text.lines()
        .enumerate()
        .find_map(|(i, source)| try_line(i + 1, source))
}

/// The characters of a value written at the start of `text`: a quoted string up to its
/// closing quote, else up to a comment or the end of the line.
fn value_width(text: &str) -> usize {
    let mut chars = text.chars();
    match chars.next() {
        Some(q @ ('"' | '\'')) => {
            let mut n = 1;
            for c in chars {
                n += 1;
                if c == q {
                    break;
                }
            }
            n
        }
        Some(_) => {
            let end = text.find(" #").unwrap_or(text.len());
            text[..end].trim_end().chars().count()
        }
        None => 0,
    }
}

fn line_width(text: &str, line: usize) -> usize {
    text.lines()
        .nth(line.saturating_sub(1))
        .map_or(1, |l| l.trim_end().chars().count().max(1))
}

/// Where the YAML (`sep` `:`) or TOML parser stops in `block`, whose first line is line
/// `first_line` of the file.
fn syntax_place(block: &str, sep: char, first_line: usize) -> Option<Place> {
    if sep == ':' {
        // The engine's YAML errors carry their column; nothing to parse again.
        None
    } else {
        let place = toml_syntax_place(block)?;
        Some(Place {
            line: place.line + first_line - 1,
            ..place
        })
    }
}

/// Where the TOML parser stops in `text`.
fn toml_syntax_place(text: &str) -> Option<Place> {
    let error = text.parse::<toml::Table>().err()?;
    let span = error.span()?;
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let width = text[start..span.end.min(text.len()).max(start)]
        .lines()
        .next()
        .map_or(1, |s| s.chars().count().max(1));
    Some(Place {
        line,
        column,
        width,
    })
}

/// An error of a TOML file (a template, `serve`'s configuration): `message` may start
/// with `line N: ` (the engine's templates) and may name a key; else the key is looked
/// for among the words of the message.
pub fn toml_file_error(file: &str, text: &str, message: &str, format: DiagnosticFormat) -> String {
    let (line, message) = match message
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
        .and_then(|(n, rest)| Some((n.parse::<usize>().ok()?, rest)))
    {
        Some((line, rest)) => (Some(line), rest),
        None => (None, message),
    };
    let place = toml_syntax_place(text)
        .or_else(|| {
            let (key, value) = named_key(message)?;
            key_place(text, line, &key, '=', value)
        })
        .or_else(|| {
            // `line_height must be between 1 and 3`: the first word that is a key.
            message
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .find_map(|word| key_place(text, None, word, '=', true))
        })
        .or_else(|| {
            line.map(|line| Place {
                line,
                column: 1,
                width: line_width(text, line),
            })
        });
    match place {
        Some(place) => placed(file, text, place, message, format),
        None => format!("folio: {file}: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_front_matter_option_points_at_its_value() {
        let text = "---\ntitle: fine\nfont_size:  huge # big\n---\nText";
        let error = folio::Error::FrontMatter {
            line: 3,
            column: 13,
            message: "option `font_size`: `huge` is not a size".into(),
        };
        assert_eq!(
            render_error("a.md", text, &error, DiagnosticFormat::Human),
            "a.md:3:13: error: option `font_size`: `huge` is not a size\n  |\n3 | font_size:  huge # big\n  |             ^^^^"
        );
    }

    #[test]
    fn a_yaml_syntax_error_gets_the_parser_s_column() {
        let text = "---\ntitle: ok\nauthor: [unclosed\n---\nText";
        let error = folio::Error::FrontMatter {
            line: 4,
            column: 1,
            message: "invalid YAML: did not find expected ',' or ']'".into(),
        };
        let short = render_error("a.md", text, &error, DiagnosticFormat::Short);
        assert!(
            short.starts_with("a.md:4:1: error: invalid YAML in the front matter: did not find"),
            "{short}"
        );
    }

    #[test]
    fn template_keys_are_found_with_or_without_a_line() {
        let text = "name = \"x\"\n  line_hieght = 1.4\ncolumns = 9\n";
        assert_eq!(
            toml_file_error(
                "t.toml",
                text,
                "line 2: unknown field `line_hieght`, expected one of …",
                DiagnosticFormat::Short
            ),
            "t.toml:2:3: error: unknown field `line_hieght`, expected one of …"
        );
        assert_eq!(
            toml_file_error(
                "t.toml",
                text,
                "columns must be between 1 and 4",
                DiagnosticFormat::Short
            ),
            "t.toml:3:11: error: columns must be between 1 and 4"
        );
        assert_eq!(
            toml_file_error(
                "t.toml",
                "name = \n",
                "invalid string",
                DiagnosticFormat::Short
            ),
            "t.toml:1:8: error: invalid string"
        );
    }
}
