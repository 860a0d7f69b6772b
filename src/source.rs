//! Places in the texts Folio reads besides the markdown (an article's front matter, a
//! template file, the service's settings file), and the errors that carry them: a
//! problem is found where the text is read, and its place travels with it as data (a
//! command line draws a caret under it, the service puts it in problem+json), never as
//! words inside a message to be searched for again.

use serde_json::{Map, Value};

/// A place in a text: 1-based line and column (in characters), and how many characters
/// the problem covers (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SourcePos {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl SourcePos {
    /// The start of line `line`.
    pub fn line_start(line: usize) -> SourcePos {
        SourcePos {
            line,
            column: 1,
            len: 1,
        }
    }

    /// The place of the bytes `start..end` of `text`, whose first line is line
    /// `first_line` of the file; a place over several lines covers the rest of its first.
    pub fn of_span(text: &str, start: usize, end: usize, first_line: usize) -> SourcePos {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let before = &text[..start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let covered = text[start..end].split('\n').next().unwrap_or("");
        SourcePos {
            line: first_line + before.matches('\n').count(),
            column: text[line_start..start].chars().count() + 1,
            len: covered.chars().count().max(1),
        }
    }
}

/// Where a text's lines start, found once: places in it are then found in time that does
/// not grow with how far into the text they are (a thousand formulas that cannot be
/// read, each placed, cost no more than one pass).
#[derive(Debug, Clone)]
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    /// The place of the bytes `start..end` of `text` (the text these starts are of),
    /// whose first line is line `first_line` of the file; as [`SourcePos::of_span`].
    pub fn place(&self, text: &str, start: usize, end: usize, first_line: usize) -> SourcePos {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let index = self.0.partition_point(|&s| s <= start).saturating_sub(1);
        let line_start = self.0.get(index).copied().unwrap_or(0).min(start);
        let covered = text[start..end].split('\n').next().unwrap_or("");
        SourcePos {
            line: first_line + index,
            column: text[line_start..start].chars().count() + 1,
            len: covered.chars().count().max(1),
        }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A problem at a place in a text Folio read: one line saying what, where, and the key
/// it is about (as the text writes it), if any.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceError {
    pub message: String,
    pub at: SourcePos,
    pub key: Option<String>,
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.at.line, self.message)
    }
}

impl std::error::Error for SourceError {}

/// Where a key of a document and its value are written. Nested keys have dotted paths
/// (`fonts.body`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPlace {
    pub path: String,
    pub key: SourcePos,
    pub value: SourcePos,
}

/// The places of a document's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places(pub Vec<KeyPlace>);

impl Places {
    /// The place of `path`: exactly as written, else as options are named (case and `-`
    /// folded).
    pub fn get(&self, path: &str) -> Option<&KeyPlace> {
        let folded = |k: &str| k.to_ascii_lowercase().replace('-', "_");
        self.0
            .iter()
            .find(|p| p.path == path)
            .or_else(|| self.0.iter().find(|p| folded(&p.path) == folded(path)))
    }

    /// An error about `path`, at its key (`at_value` false) or its value; at `fallback`
    /// when the text does not write it (a default, a key from a base template).
    pub fn error(
        &self,
        path: &str,
        at_value: bool,
        message: impl Into<String>,
        fallback: SourcePos,
    ) -> SourceError {
        let place = self.get(path);
        SourceError {
            message: message.into(),
            at: place.map_or(fallback, |p| if at_value { p.value } else { p.key }),
            key: Some(place.map_or_else(|| path.to_string(), |p| p.path.clone())),
        }
    }
}

/// A TOML document read once: its table (as JSON values, the shape options and designs
/// are read from) and where its keys are written.
#[derive(Debug)]
pub struct TomlRead {
    pub table: Map<String, Value>,
    pub places: Places,
}

/// Reads TOML `text`, whose first line is line `first_line` of its file.
pub fn read_toml(text: &str, first_line: usize) -> Result<TomlRead, SourceError> {
    let document = toml_edit::ImDocument::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        SourceError {
            message: format!(
                "invalid TOML: {}",
                e.message().lines().next().unwrap_or_default()
            ),
            at: SourcePos::of_span(text, span.start, span.end, first_line),
            key: None,
        }
    })?;
    let mut places = Places::default();
    let table = table_value(document.as_table(), "", text, first_line, &mut places);
    Ok(TomlRead { table, places })
}

fn table_value(
    table: &toml_edit::Table,
    prefix: &str,
    text: &str,
    first_line: usize,
    places: &mut Places,
) -> Map<String, Value> {
    let pos = |span: Option<std::ops::Range<usize>>| {
        let span = span.unwrap_or(0..0);
        SourcePos::of_span(text, span.start, span.end, first_line)
    };
    let mut out = Map::new();
    for (name, item) in table.iter() {
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        let key = pos(table.key(name).and_then(|k| k.span()));
        let value = match item {
            toml_edit::Item::Table(inner) => {
                places.0.push(KeyPlace {
                    path: path.clone(),
                    key,
                    value: pos(inner.span()),
                });
                Value::Object(table_value(inner, &path, text, first_line, places))
            }
            toml_edit::Item::Value(value) => {
                places.0.push(KeyPlace {
                    path: path.clone(),
                    key,
                    value: pos(value.span()),
                });
                value_json(value, &path, text, first_line, places)
            }
            toml_edit::Item::ArrayOfTables(tables) => Value::Array(
                tables
                    .iter()
                    .map(|t| Value::Object(table_value(t, &path, text, first_line, places)))
                    .collect(),
            ),
            toml_edit::Item::None => continue,
        };
        out.insert(name.to_string(), value);
    }
    out
}

fn value_json(
    value: &toml_edit::Value,
    path: &str,
    text: &str,
    first_line: usize,
    places: &mut Places,
) -> Value {
    use toml_edit::Value as V;
    match value {
        V::String(s) => Value::String(s.value().clone()),
        V::Integer(n) => Value::from(*n.value()),
        V::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(Value::Null, Value::Number),
        V::Boolean(b) => Value::Bool(*b.value()),
        V::Datetime(d) => Value::String(d.value().to_string()),
        V::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| value_json(item, path, text, first_line, places))
                .collect(),
        ),
        V::InlineTable(inline) => {
            let mut out = Map::new();
            for (name, item) in inline.iter() {
                let inner = format!("{path}.{name}");
                let span = |s: Option<std::ops::Range<usize>>| {
                    let s = s.unwrap_or(0..0);
                    SourcePos::of_span(text, s.start, s.end, first_line)
                };
                places.0.push(KeyPlace {
                    path: inner.clone(),
                    key: span(inline.key(name).and_then(|k| k.span())),
                    value: span(item.span()),
                });
                out.insert(
                    name.to_string(),
                    value_json(item, &inner, text, first_line, places),
                );
            }
            Value::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_place_as_a_scan_does() {
        let text = "ab\ncé\n\nxyz ünd\n";
        let starts = LineStarts::new(text);
        for start in 0..text.len() {
            for end in [start, start + 1, start + 3, text.len()] {
                assert_eq!(
                    starts.place(text, start, end, 3),
                    SourcePos::of_span(text, start, end, 3),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn places_are_lines_columns_and_lengths_in_characters() {
        let text = "a = 1\nnamé = \"vàlue\"\n";
        let start = text.find("\"v").unwrap();
        let at = SourcePos::of_span(text, start, start + "\"vàlue\"".len(), 1);
        assert_eq!(
            at,
            SourcePos {
                line: 2,
                column: 8,
                len: 7
            }
        );
        // A span over several lines covers the rest of its first.
        assert_eq!(SourcePos::of_span(text, 0, text.len(), 5).len, 5);
    }

    #[test]
    fn toml_keys_and_values_have_places_nested_keys_dotted_paths() {
        let text = "name = \"mine\"\nfont_size = 12\n\n[fonts]\nbody = \"Noto Serif\"\ninline = { a = 1 }\n";
        let read = read_toml(text, 1).unwrap();
        assert_eq!(read.table["font_size"], 12);
        assert_eq!(read.table["fonts"]["body"], "Noto Serif");
        let body = read.places.get("fonts.body").unwrap();
        assert_eq!((body.key.line, body.key.column, body.key.len), (5, 1, 4));
        assert_eq!((body.value.line, body.value.column), (5, 8));
        let size = read.places.get("Font-Size").unwrap();
        assert_eq!(
            (size.value.line, size.value.column, size.value.len),
            (2, 13, 2)
        );
        assert!(read.places.get("fonts.inline.a").is_some());
    }

    #[test]
    fn a_toml_syntax_error_says_where_the_parser_stopped() {
        let err = read_toml("a = 1\nb = = 2\n", 2).unwrap_err();
        assert_eq!(err.at.line, 3);
        assert!(err.at.column > 1, "{err:?}");
        assert!(err.message.starts_with("invalid TOML: "), "{err:?}");
    }
}
