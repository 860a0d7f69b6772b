//! The YAML reader for front matter: an event parser (saphyr-parser, which keeps its own
//! state on the heap and never recurses) folded into a JSON value by a loop with an
//! explicit stack, so that every cost is bounded by the block's own size:
//!
//! - nesting is counted as it opens, and a block deeper than the limit stops at the
//!   first level too many, whatever quotes, block scalars or flow collections it uses;
//! - aliases (`*name`) are expanded, but the values they add count against a budget of
//!   one value per byte of the block: an "alias bomb" stops at once instead of
//!   growing to gigabytes;
//! - every value keeps where it was written, so errors and keys have a line and a column.
//!
//! Plain scalars are resolved by YAML 1.2's core schema (null, booleans, integers,
//! floats; everything else, dates included, is text).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Value};

/// A place in the block: 1-based line and column (in characters), and how many
/// characters it covers (the rest of its line when it spans several; at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl Place {
    fn of(span: &Span) -> Place {
        let one_line = span.end.line() == span.start.line();
        Place {
            line: span.start.line(),
            column: span.start.col() + 1,
            len: if one_line {
                span.end.col().saturating_sub(span.start.col()).max(1)
            } else {
                1
            },
        }
    }
}

/// A top-level key of the block and where it and its value are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPlace {
    pub key: String,
    pub key_at: Place,
    pub value_at: Place,
}

/// A block read: its value, and the places of its top-level keys in order.
#[derive(Debug)]
pub struct Read {
    pub value: Value,
    pub keys: Vec<KeyPlace>,
}

/// Why a block could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlError {
    /// Not YAML (the parser's own message, where it stopped).
    Syntax { at: Place, message: String },
    /// Nested deeper than `allowed` (found at `at`).
    TooDeep { at: Place, allowed: usize },
    /// Aliases expand to more values than the block has bytes.
    AliasBudget { at: Place, budget: usize },
    /// Well-formed YAML that front matter cannot hold (a key that is not text, a key set
    /// twice, a second document).
    Unsupported { at: Place, message: String },
}

/// A collection being built.
enum Open {
    Sequence {
        anchor: usize,
        items: Vec<Value>,
        nodes: usize,
    },
    Mapping {
        anchor: usize,
        map: Map<String, Value>,
        /// The key read, waiting for its value.
        key: Option<String>,
        nodes: usize,
    },
}

/// Reads a YAML block into a JSON value, nested at most `max_depth` deep.
pub fn read(text: &str, max_depth: usize) -> Result<Read, YamlError> {
    let budget = text.len().max(64);
    let mut produced = 0usize;
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut keys = Vec::new();
    let mut root: Option<Value> = None;
    let mut documents = 0;

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let at = Place {
                line: e.marker().line(),
                column: e.marker().col() + 1,
                len: 1,
            };
            // The scanner reads ahead, and has a nesting limit of its own (deeper than
            // any we allow): reaching it is nesting too deep, not a syntax error.
            if e.info().contains("recursion limit") {
                YamlError::TooDeep {
                    at,
                    allowed: max_depth,
                }
            } else {
                YamlError::Syntax {
                    at,
                    message: e.info().to_string(),
                }
            }
        })?;
        let at = Place::of(&span);
        // A finished value: its anchor, and how many values it holds.
        let finished: Option<(Value, usize, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::Unsupported {
                        at,
                        message: "a second YAML document; front matter is one mapping".into(),
                    });
                }
                None
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= max_depth {
                    return Err(YamlError::TooDeep {
                        at,
                        allowed: max_depth,
                    });
                }
                let open = if matches!(event, Event::SequenceStart(..)) {
                    Open::Sequence {
                        anchor,
                        items: Vec::new(),
                        nodes: 1,
                    }
                } else {
                    Open::Mapping {
                        anchor,
                        map: Map::new(),
                        key: None,
                        nodes: 1,
                    }
                };
                note_value_place(&stack, &mut keys, at);
                stack.push(open);
                produced += 1;
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Sequence {
                    anchor,
                    items,
                    nodes,
                }) => Some((Value::Array(items), anchor, nodes)),
                Some(Open::Mapping {
                    anchor, map, nodes, ..
                }) => Some((Value::Object(map), anchor, nodes)),
                None => None,
            },
            Event::Scalar(text, style, anchor, tag) => {
                produced += 1;
                let forced_text = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !forced_text {
                    plain_scalar(&text)
                } else {
                    Value::String(text.into_owned())
                };
                note_value_place(&stack, &mut keys, at);
                Some((value, anchor, 1))
            }
            Event::Alias(id) => {
                let (value, nodes) = anchors.get(&id).cloned().ok_or(YamlError::Syntax {
                    at,
                    message: "an alias names no anchor before it".into(),
                })?;
                produced += nodes;
                note_value_place(&stack, &mut keys, at);
                Some((value, 0, nodes))
            }
        };
        if produced > budget {
            return Err(YamlError::AliasBudget { at, budget });
        }
        let Some((value, anchor, nodes)) = finished else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, (value.clone(), nodes));
        }
        let depth = stack.len();
        match stack.last_mut() {
            None => root = Some(value),
            Some(Open::Sequence {
                items,
                nodes: total,
                ..
            }) => {
                items.push(value);
                *total += nodes;
            }
            Some(Open::Mapping {
                map,
                key,
                nodes: total,
                ..
            }) => {
                *total += nodes;
                match key.take() {
                    None => {
                        let name = key_text(&value).ok_or_else(|| YamlError::Unsupported {
                            at,
                            message: "a key must be text, not a list or mapping".into(),
                        })?;
                        if map.contains_key(&name) {
                            return Err(YamlError::Unsupported {
                                at,
                                message: format!("`{name}` is set twice"),
                            });
                        }
                        if depth == 1 {
                            keys.push(KeyPlace {
                                key: name.clone(),
                                key_at: at,
                                value_at: at,
                            });
                        }
                        *key = Some(name);
                    }
                    Some(name) => {
                        map.insert(name, value);
                    }
                }
            }
        }
    }
    Ok(Read {
        value: root.unwrap_or(Value::Null),
        keys,
    })
}

/// Records where a value starts, when it is the value of the top-level key just read
/// (inside the top-level mapping, with its key read).
fn note_value_place(stack: &[Open], keys: &mut [KeyPlace], at: Place) {
    if let [Open::Mapping { key: Some(_), .. }] = stack {
        if let Some(last) = keys.last_mut() {
            last.value_at = at;
        }
    }
}

/// A key as text: scalars are; collections are not.
fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A plain scalar by YAML 1.2's core schema.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | "+.Inf"
        | "-.Inf" => return Value::String(text.to_string()),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Value::from(n);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return Value::from(n);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(oct, 8) {
            return Value::from(n);
        }
    }
    if is_core_float(text) {
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let mut i = 0;
    let int_digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        read(text, 32).unwrap().value
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = value(
            "a: 12\nb: -3.5\nc: true\nd: ~\ne: 2024-03-01\nf: '12'\ng: !!str 7\nh: 0x1f\ni: 1e3\nj: text here\n",
        );
        assert_eq!(v["a"], 12);
        assert_eq!(v["b"], -3.5);
        assert_eq!(v["c"], true);
        assert!(v["d"].is_null());
        assert_eq!(v["e"], "2024-03-01");
        assert_eq!(v["f"], "12");
        assert_eq!(v["g"], "7");
        assert_eq!(v["h"], 31);
        assert_eq!(v["i"], 1000.0);
        assert_eq!(v["j"], "text here");
    }

    #[test]
    fn collections_block_and_flow_and_block_scalars() {
        let v = value("list:\n  - one\n  - {name: Two, n: 2}\ntext: |\n  line one\n  line two\n");
        assert_eq!(v["list"][0], "one");
        assert_eq!(v["list"][1]["name"], "Two");
        assert_eq!(v["text"], "line one\nline two\n");
    }

    #[test]
    fn keys_have_places() {
        let read = read("title: On Paper\nfont_size:   huge\nlist:\n  - a\n", 32).unwrap();
        let places: Vec<_> = read
            .keys
            .iter()
            .map(|k| (k.key.as_str(), k.key_at, k.value_at))
            .collect();
        let p = |line, column, len| Place { line, column, len };
        assert_eq!(
            places,
            [
                ("title", p(1, 1, 5), p(1, 8, 8)),
                ("font_size", p(2, 1, 9), p(2, 14, 4)),
                ("list", p(3, 1, 4), p(4, 3, 1)),
            ]
        );
    }

    #[test]
    fn aliases_expand_within_a_budget_of_the_blocks_size() {
        let v = value("base: &b {x: 1}\ncopy: *b\n");
        assert_eq!(v["copy"]["x"], 1);
        // The classic "billion laughs": each level doubles the one before.
        let mut bomb = String::from("a0: &a0 [x, x]\n");
        for i in 1..40 {
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
        }
        match read(&bomb, 32) {
            Err(YamlError::AliasBudget { budget, .. }) => assert_eq!(budget, bomb.len()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn depth_is_counted_whatever_the_quotes() {
        for prefix in ["tags: [a'b, ", "tags: [a\"b, ", "tags: ", "x: |\n  a\ny: "] {
            let text = format!("{prefix}{}", "[".repeat(30_000));
            match read(&text, 32) {
                Err(YamlError::TooDeep { allowed: 32, .. }) => {}
                other => panic!("{prefix}: {other:?}"),
            }
        }
        let mut indented = String::new();
        for level in 0..40 {
            indented.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
        }
        assert!(matches!(
            read(&indented, 32),
            Err(YamlError::TooDeep { .. })
        ));
        assert!(read(&indented, 64).is_ok());
    }

    #[test]
    fn syntax_errors_and_unsupported_shapes_have_places() {
        match read("title: [unclosed\nb: 1\n", 32) {
            Err(YamlError::Syntax { at, .. }) => assert!(at.line >= 1),
            other => panic!("{other:?}"),
        }
        match read("title: a\ntitle: b\n", 32) {
            Err(YamlError::Unsupported { at, message }) => {
                assert_eq!(
                    at,
                    Place {
                        line: 2,
                        column: 1,
                        len: 5
                    }
                );
                assert!(message.contains("twice"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
