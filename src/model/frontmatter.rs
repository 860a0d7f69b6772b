//! Front matter: a YAML block fenced by `---` or a TOML block fenced by `+++` at the very
//! start of the file. Gives the article's [`Meta`] and any [`RenderOptions`] it sets;
//! other keys (tags, layout, draft...) belong to the blog and are ignored.

use super::Meta;
use crate::context::{Exceeded, Limit, Limits};
use crate::error::Error;
use crate::options::RenderOptions;
use crate::source::{self, KeyPlace, Places, SourceError, SourcePos};

use super::yaml;

/// What a front matter block gave.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub meta: Meta,
    pub options: RenderOptions,
    /// Where each top-level key and its value are written in the article's file.
    pub places: Places,
}

/// A piece of the article's metadata the front matter gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaField {
    Title,
    Subtitle,
    /// A stand-in for the subtitle, used when there is none.
    Summary,
    Author,
    Date,
    Url,
    Keywords,
}

/// A front-matter key that describes the article, for help texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetaKey {
    /// The names that set it (case and `-` are folded: `Canonical-URL` is `canonical_url`).
    pub names: &'static [&'static str],
    pub field: MetaField,
    /// What it does, in a few words.
    pub help: &'static str,
}

/// The keys that describe the article; every other key that is not a render option
/// belongs to the blog and is ignored.
pub const META_KEYS: &[MetaKey] = &[
    MetaKey {
        names: &["title"],
        field: MetaField::Title,
        help: "the title, in the title block, the running header and the PDF's metadata",
    },
    MetaKey {
        names: &["subtitle"],
        field: MetaField::Subtitle,
        help: "the subtitle under the title",
    },
    MetaKey {
        names: &["description", "summary"],
        field: MetaField::Summary,
        help: "the subtitle when there is no subtitle",
    },
    MetaKey {
        names: &["author", "authors"],
        field: MetaField::Author,
        help: "a name or a list of names",
    },
    MetaKey {
        names: &["date"],
        field: MetaField::Date,
        help: "the date, printed in the title block (an ISO date as the article's language writes dates)",
    },
    MetaKey {
        names: &["url", "canonical_url", "canonical"],
        field: MetaField::Url,
        help: "the article's address, printed as its source; relative links (and images, unless they are files beside it) resolve against it",
    },
    MetaKey {
        names: &["keywords", "tags"],
        field: MetaField::Keywords,
        help: "a list, written to the PDF's metadata",
    },
];

/// Splits `source` into its front matter (parsed) and the markdown body after it.
/// Errors name the line of the source file where the front matter is wrong. A block larger
/// or more deeply nested than `limits` allow is refused before it is parsed (a YAML
/// parser takes time that grows with the square of the nesting).
pub fn split_front_matter<'a>(
    source: &'a str,
    limits: &Limits,
) -> Result<(FrontMatter, &'a str), Error> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    for (fence, format) in [("---", Format::Yaml), ("+++", Format::Toml)] {
        let Some(rest) = strip_fence_line(source, fence) else {
            continue;
        };
        // With no closing fence, the opening line is markdown (a thematic break, or
        // text), as CommonMark reads it.
        let Some((inner, body)) = find_closing_fence(rest, fence) else {
            return Ok((FrontMatter::default(), source));
        };
        check_size(inner, format, limits)?;
        return match parse_block(inner, format, limits)? {
            Some(front) => Ok((front, body)),
            // Not a mapping (`---\nFoo\n---` is a setext heading): markdown after all.
            None => Ok((FrontMatter::default(), source)),
        };
    }
    Ok((FrontMatter::default(), source))
}

/// Refuses a block over the size limit, or (TOML) nested deeper than the depth limit.
/// YAML's depth is counted by its reader as it parses ([`yaml::read`]).
fn check_size(block: &str, format: Format, limits: &Limits) -> Result<(), Error> {
    if block.len() > limits.max_front_matter_bytes {
        return Err(exceeded(
            Limit::FrontMatterBytes,
            limits.max_front_matter_bytes,
            block.len(),
        ));
    }
    if format == Format::Toml {
        let depth = toml_nesting_depth(block);
        if depth > limits.max_front_matter_depth {
            return Err(exceeded(
                Limit::FrontMatterDepth,
                limits.max_front_matter_depth,
                depth,
            ));
        }
    }
    Ok(())
}

fn exceeded(limit: Limit, allowed: usize, found: usize) -> Error {
    Error::Limit(Exceeded {
        limit,
        allowed: allowed as u64,
        found: found as u64,
    })
}

/// The deepest nesting in a TOML block: open brackets and braces outside strings (a
/// string ends at its quote or its line; a bound, not a parse: toml's own parser limits
/// what this lets through).
fn toml_nesting_depth(block: &str) -> usize {
    let mut deepest = 0;
    let mut flow: usize = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in block.chars() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), '\n') => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => flow += 1,
            (None, ']' | '}') => flow = flow.saturating_sub(1),
            _ => {}
        }
        escaped = false;
        deepest = deepest.max(flow);
    }
    deepest
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Yaml,
    Toml,
}

fn strip_fence_line<'a>(s: &'a str, fence: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(fence)?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Finds the closing fence line; gives (block text, body after the fence line).
fn find_closing_fence<'a>(s: &'a str, fence: &str) -> Option<(&'a str, &'a str)> {
    let mut offset = 0;
    for line in s.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == fence || (fence == "---" && trimmed == "...") {
            return Some((&s[..offset], &s[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// The front matter's lines start on line 2 of the file (after the opening fence).
const FIRST_LINE: usize = 2;

/// Parses a front matter block; `None` when it is valid YAML but not a mapping (then it
/// was never meant as front matter).
fn parse_block(text: &str, format: Format, limits: &Limits) -> Result<Option<FrontMatter>, Error> {
    // Read into a generic JSON value first, so meta fields and options share one path.
    let (value, places) = match format {
        Format::Yaml => {
            if text.trim().is_empty() {
                return Ok(Some(FrontMatter::default()));
            }
            let read = yaml::read(text, limits.max_front_matter_depth).map_err(yaml_error)?;
            let in_file = |at: yaml::Place| SourcePos {
                line: at.line + FIRST_LINE - 1,
                column: at.column,
                len: at.len,
            };
            let places = read
                .keys
                .iter()
                .map(|k| KeyPlace {
                    path: k.key.clone(),
                    key: in_file(k.key_at),
                    value: in_file(k.value_at),
                })
                .collect();
            match read.value {
                serde_json::Value::Null => return Ok(Some(FrontMatter::default())),
                serde_json::Value::Object(map) => (map, Places(places)),
                _ => return Ok(None),
            }
        }
        Format::Toml => {
            let read = source::read_toml(text, FIRST_LINE).map_err(Error::FrontMatter)?;
            (read.table, read.places)
        }
    };
    let fallback = SourcePos::line_start(FIRST_LINE);
    let error = |key: &str, at_value: bool, message: String| {
        Error::FrontMatter(places.error(key, at_value, message, fallback))
    };
    let mut meta = Meta::default();
    let mut option_map = serde_json::Map::new();
    for (key, value) in value {
        let field = key.to_ascii_lowercase().replace('-', "_");
        let text_value = |value: &serde_json::Value| -> Result<Option<String>, Error> {
            scalar_text(value)
                .map_err(|what| error(&key, false, format!("`{key}` must be text, not {what}")))
        };
        let meta_field = META_KEYS
            .iter()
            .find(|k| k.names.contains(&field.as_str()))
            .map(|k| k.field);
        match meta_field {
            Some(MetaField::Title) => meta.title = text_value(&value)?,
            Some(MetaField::Subtitle) => meta.subtitle = text_value(&value)?,
            Some(MetaField::Summary) if meta.subtitle.is_none() => {
                meta.subtitle = text_value(&value)?
            }
            Some(MetaField::Summary) => {}
            Some(MetaField::Author) => meta.author = people(&value),
            Some(MetaField::Date) => meta.date = text_value(&value)?,
            Some(MetaField::Url) => meta.url = text_value(&value)?,
            Some(MetaField::Keywords) => meta.keywords.extend(list_of_text(&value)),
            None if RenderOptions::is_option(&field) => {
                option_map.insert(field, value);
            }
            None => {} // the blog's own keys
        }
    }
    let options =
        RenderOptions::from_json(serde_json::Value::Object(option_map)).map_err(|e| match e {
            Error::InvalidOption { option, message } => {
                error(&option, true, format!("option `{option}`: {message}"))
            }
            other => other,
        })?;
    Ok(Some(FrontMatter {
        meta,
        options,
        places,
    }))
}

fn scalar_text(value: &serde_json::Value) -> Result<Option<String>, &'static str> {
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(printable(s)).filter(|s| !s.is_empty())),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::Bool(b) => Ok(Some(b.to_string())),
        serde_json::Value::Array(_) => Err("a list"),
        serde_json::Value::Object(_) => Err("a mapping"),
    }
}

/// Text from front matter as it may be printed: trimmed, line breaks and tabs as spaces,
/// other control characters (which no font draws) left out.
fn printable(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Authors may be a name, a list of names, or mappings with a `name`.
fn people(value: &serde_json::Value) -> Option<String> {
    let names: Vec<String> = match value {
        serde_json::Value::Array(items) => items.iter().filter_map(person).collect(),
        other => person(other).into_iter().collect(),
    };
    (!names.is_empty()).then(|| names.join(", "))
}

fn person(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => {
            map.get("name").and_then(|v| scalar_text(v).ok().flatten())
        }
        other => scalar_text(other).ok().flatten(),
    }
}

fn list_of_text(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| scalar_text(v).ok().flatten())
            .collect(),
        serde_json::Value::String(s) => s
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// A YAML reader's error as the render's: a place in the file, or a limit.
fn yaml_error(error: yaml::YamlError) -> Error {
    let at_file = |at: yaml::Place, message: String| {
        Error::FrontMatter(SourceError {
            message,
            at: SourcePos {
                line: at.line + FIRST_LINE - 1,
                column: at.column,
                len: at.len,
            },
            key: None,
        })
    };
    match error {
        yaml::YamlError::Syntax { at, message } => at_file(at, format!("invalid YAML: {message}")),
        yaml::YamlError::Unsupported { at, message } => at_file(at, message),
        yaml::YamlError::AliasBudget { at, budget } => at_file(
            at,
            format!(
                "YAML aliases here expand to more than {budget} values (one per byte of the \
                 front matter); write the values out"
            ),
        ),
        yaml::YamlError::TooDeep { allowed, .. } => {
            exceeded(Limit::FrontMatterDepth, allowed, allowed + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::FontSize;

    #[test]
    fn yaml_front_matter_gives_meta_options_and_body() {
        let src = "---\ntitle: On Paper\nsubtitle: A test\nauthor: [Ada, {name: Grace}]\n\
                   date: 2024-03-01\nurl: https://blog.example/paper\nfont_size: 12\n\
                   tags: [print]\nlayout: post\n---\n# Body\n";
        let (front, body) = split_front_matter(src, &Limits::default()).unwrap();
        assert_eq!(front.meta.title.as_deref(), Some("On Paper"));
        assert_eq!(front.meta.author.as_deref(), Some("Ada, Grace"));
        assert_eq!(front.meta.date.as_deref(), Some("2024-03-01"));
        assert_eq!(front.meta.keywords, vec!["print".to_string()]);
        assert_eq!(front.options.font_size, Some(FontSize(12.0)));
        assert_eq!(body, "# Body\n");
    }

    #[test]
    fn toml_front_matter() {
        let src = "+++\ntitle = \"T\"\njustify = false\ndate = 2024-01-02\n+++\nText";
        let (front, body) = split_front_matter(src, &Limits::default()).unwrap();
        assert_eq!(front.meta.title.as_deref(), Some("T"));
        assert_eq!(front.meta.date.as_deref(), Some("2024-01-02"));
        assert_eq!(front.options.justify, Some(false));
        assert_eq!(body, "Text");
    }

    #[test]
    fn bad_yaml_names_the_file_line() {
        let src = "---\ntitle: ok\nauthor: [unclosed\n---\nText";
        match split_front_matter(src, &Limits::default()).unwrap_err() {
            Error::FrontMatter(e) => {
                assert!((3..=4).contains(&e.at.line), "{e}");
                assert!(e.message.starts_with("invalid YAML"), "{e}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bad_option_in_front_matter_names_line_and_option() {
        let src = "---\ntitle: ok\npage_size: B7\n---\nText";
        let err = split_front_matter(src, &Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "front matter, line 3: option `page_size`: `B7` is not a page size; use A4, Letter, \
             Legal, A5, or WIDTHxHEIGHT with a unit (e.g. 170x240mm)"
        );
    }

    #[test]
    fn title_must_be_text() {
        let err = split_front_matter("---\ntitle: [a, b]\n---\n", &Limits::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "front matter, line 2: `title` must be text, not a list"
        );
    }

    #[test]
    fn a_setext_heading_is_not_front_matter() {
        let (front, body) = split_front_matter("---\nFoo\n---\n", &Limits::default()).unwrap();
        assert_eq!(front.meta, Meta::default());
        assert_eq!(body, "---\nFoo\n---\n");
        let (_, body) = split_front_matter("+++\ntext", &Limits::default()).unwrap();
        assert_eq!(body, "+++\ntext");
    }

    #[test]
    fn deep_or_large_front_matter_is_refused_before_parsing() {
        let limits = Limits::default();
        let deep = format!(
            "---\ntags: {}x{}\n---\nText",
            "[".repeat(20_000),
            "]".repeat(20_000)
        );
        let err = split_front_matter(&deep, &limits).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Limit(Exceeded {
                    limit: Limit::FrontMatterDepth,
                    ..
                })
            ),
            "{err}"
        );
        assert!(err.to_string().contains("max_front_matter_depth"), "{err}");
        let big = format!("---\ntitle: {}\n---\nText", "x".repeat(100_000));
        let err = split_front_matter(&big, &limits).unwrap_err();
        assert!(err.to_string().contains("max_front_matter_bytes"), "{err}");
        // Ordinary nesting and brackets inside quotes pass.
        let fine = "---\ntitle: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\nauthor:\n  - name: A\n    links: [[1, 2], {a: [3]}]\n---\n";
        assert!(split_front_matter(fine, &limits).is_ok());
    }

    #[test]
    fn quotes_do_not_hide_nesting_and_aliases_do_not_multiply() {
        let limits = Limits::default();
        for quote in ["'", "\""] {
            let deep = format!("---\ntags: [a{quote}b, {}\n---\nText", "[".repeat(30_000));
            let err = split_front_matter(&deep, &limits).unwrap_err();
            assert!(err.to_string().contains("max_front_matter_depth"), "{err}");
        }
        let mut bomb = String::from("---\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        bomb.push_str("---\nText");
        let err = split_front_matter(&bomb, &limits).unwrap_err();
        match &err {
            Error::FrontMatter(e) => {
                assert!(e.message.contains("aliases"), "{e}");
                assert!(e.at.line > 2 && e.at.column > 1, "{err:?}");
            }
            other => panic!("{other:?}"),
        }
        // An alias within reason is read as the value it names.
        let (front, _) = split_front_matter(
            "---\nwho: &me Ada Lovelace\nauthor: *me\n---\nText",
            &limits,
        )
        .unwrap();
        assert_eq!(front.meta.author.as_deref(), Some("Ada Lovelace"));
    }

    #[test]
    fn errors_carry_their_place_and_key() {
        let at = |source: &str| match split_front_matter(source, &Limits::default()) {
            Err(Error::FrontMatter(e)) => (e.at.line, e.at.column, e.at.len, e.key),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            at("---\ntitle: ok\nfont_size:  huge\n---\n"),
            (3, 13, 4, Some("font_size".into()))
        );
        // The key as the file spells it; a TOML block too.
        assert_eq!(
            at("---\nFont-Size: huge\n---\n"),
            (2, 12, 4, Some("Font-Size".into()))
        );
        assert_eq!(
            at("+++\ntitle = \"ok\"\nfont_size = \"huge\"\n+++\n"),
            (3, 13, 6, Some("font_size".into()))
        );
        assert_eq!(
            at("---\ntitle: [a]\n---\n"),
            (2, 1, 5, Some("title".into()))
        );
        let (line, column, ..) = at("---\ntitle: ok\n  - bad: [\n---\n");
        assert!(line >= 3 && column > 0);
    }

    #[test]
    fn unclosed_dashes_are_a_thematic_break_not_front_matter() {
        let (front, body) = split_front_matter("---\nJust text", &Limits::default()).unwrap();
        assert_eq!(front.meta, Meta::default());
        assert_eq!(body, "---\nJust text");
    }
}
