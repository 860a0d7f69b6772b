//! Syntax highlighting of fenced code: a block's text and language → its lines as spans of
//! a [`Token`] kind, by the syntax definitions syntect ships (loaded once per engine, on
//! the first block that names a language, so renders without one never pay for them).
//! The spans cover the text exactly: highlighting changes how code prints, never what it
//! says.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};

use crate::context::Cancel;

/// What a piece of code is, as far as printing it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Plain,
    Comment,
    Keyword,
    String,
    /// Numbers and the language's constants (`true`, `None`...).
    Constant,
    /// The name a definition gives (a function, a type).
    Name,
}

/// A block longer than this, or with a line longer than [`MAX_LINE_BYTES`], prints
/// plain: the grammars' regular expressions are not made for megabytes of one line, and
/// a public service takes any input.
const MAX_BLOCK_BYTES: usize = 64 * 1024;
const MAX_LINE_BYTES: usize = 2_000;

/// Scopes and the token they make, the more specific first; the innermost scope of a
/// piece of text that matches one decides (operators are keywords to the grammars, but
/// printed in bold they shout).
const SCOPE_TOKENS: [(&str, Token); 12] = [
    ("keyword.operator", Token::Plain),
    ("comment", Token::Comment),
    ("string", Token::String),
    ("constant.character", Token::String),
    ("constant.numeric", Token::Constant),
    ("constant.language", Token::Constant),
    ("keyword", Token::Keyword),
    ("storage", Token::Keyword),
    ("entity.name.function", Token::Name),
    ("entity.name.type", Token::Name),
    ("entity.name.class", Token::Name),
    ("entity.name.struct", Token::Name),
];

/// The engine's highlighter: grammars loaded on first use, then shared by every render.
#[derive(Default)]
pub struct Highlighter {
    loaded: OnceLock<(SyntaxSet, Vec<(Scope, Token)>)>,
}

/// One line of highlighted code: its spans, in order.
pub type HighlightedLine = Vec<(Token, String)>;

impl Highlighter {
    pub fn new() -> Highlighter {
        Highlighter::default()
    }

    fn loaded(&self) -> &(SyntaxSet, Vec<(Scope, Token)>) {
        self.loaded.get_or_init(|| {
            let scopes = SCOPE_TOKENS
                .iter()
                .filter_map(|(name, token)| Scope::new(name).ok().map(|s| (s, *token)))
                .collect();
            (SyntaxSet::load_defaults_newlines(), scopes)
        })
    }

    /// The lines of `code` (split at `\n`) as spans by the grammar of `lang` (a name or
    /// file extension: `rust`, `rs`, `python`, `js`, `sh`...). `None` when no grammar knows
    /// the language, the block is too long to highlight, the grammar fails, or the render
    /// is cancelled: the code then prints plain.
    pub fn highlight(
        &self,
        lang: &str,
        code: &str,
        cancel: &Cancel,
    ) -> Option<Vec<HighlightedLine>> {
        let lang = lang.trim();
        if lang.is_empty()
            || code.len() > MAX_BLOCK_BYTES
            || code.split('\n').any(|line| line.len() > MAX_LINE_BYTES)
        {
            return None;
        }
        let (syntaxes, scopes) = self.loaded();
        let syntax = syntaxes
            .find_syntax_by_token(lang)
            .or_else(|| syntaxes.find_syntax_by_token(&lang.to_ascii_lowercase()))?;
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut lines = Vec::new();
        for line in code.split('\n') {
            if cancel.is_cancelled() {
                return None;
            }
            // The grammars read lines with their newline.
            let with_newline = format!("{line}\n");
            let ops = state.parse_line(&with_newline, syntaxes).ok()?;
            let mut spans: HighlightedLine = Vec::new();
            let mut start = 0;
            let mut push = |stack: &ScopeStack, from: usize, to: usize| {
                let to = to.min(line.len());
                if from >= to {
                    return;
                }
                let token = token_of(stack, scopes);
                match spans.last_mut() {
                    Some((last, text)) if *last == token => text.push_str(&line[from..to]),
                    _ => spans.push((token, line[from..to].to_string())),
                }
            };
            for (at, op) in ops {
                push(&stack, start, at);
                start = start.max(at);
                stack.apply(&op).ok()?;
            }
            push(&stack, start, line.len());
            lines.push(spans);
        }
        Some(lines)
    }
}

/// The token of text under `stack`: the innermost scope's that has one.
fn token_of(stack: &ScopeStack, scopes: &[(Scope, Token)]) -> Token {
    stack
        .as_slice()
        .iter()
        .rev()
        .find_map(|scope| {
            scopes
                .iter()
                .find(|(prefix, _)| prefix.is_prefix_of(*scope))
                .map(|(_, token)| *token)
        })
        .unwrap_or(Token::Plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(lang: &str, code: &str) -> Vec<HighlightedLine> {
        Highlighter::new()
            .highlight(lang, code, &Cancel::never())
            .expect("highlighted")
    }

    fn find(lines: &[HighlightedLine], text: &str) -> Token {
        lines
            .iter()
            .flatten()
            .find(|(_, t)| t.contains(text))
            .map(|(token, _)| *token)
            .unwrap_or_else(|| panic!("{text} not in {lines:?}"))
    }

    #[test]
    fn rust_keywords_comments_strings_and_numbers() {
        let code = "// greet\nfn main() {\n    let n = 42;\n    println!(\"hi {n}\");\n}";
        let lines = tokens("rust", code);
        assert_eq!(find(&lines, "greet"), Token::Comment);
        assert_eq!(find(&lines, "fn"), Token::Keyword);
        assert_eq!(find(&lines, "main"), Token::Name);
        assert_eq!(find(&lines, "42"), Token::Constant);
        assert_eq!(find(&lines, "hi "), Token::String);
        assert_eq!(find(&lines, " = "), Token::Plain);
    }

    #[test]
    fn spans_give_back_the_code_exactly() {
        let code = "def f(x):\n\treturn x  # twice\n\n\"\"\"doc\nstring\"\"\"\n";
        for lang in ["python", "py", "Python"] {
            let lines = tokens(lang, code);
            let text: Vec<String> = lines
                .iter()
                .map(|line| line.iter().map(|(_, t)| t.as_str()).collect())
                .collect();
            assert_eq!(text.join("\n"), code, "{lang}");
        }
    }

    #[test]
    fn unknown_languages_and_huge_blocks_print_plain() {
        let highlighter = Highlighter::new();
        let never = Cancel::never();
        assert!(highlighter
            .highlight("no-such-language", "x", &never)
            .is_none());
        assert!(highlighter.highlight("", "x", &never).is_none());
        let long_line = "x".repeat(MAX_LINE_BYTES + 1);
        assert!(highlighter.highlight("rust", &long_line, &never).is_none());
        let many_lines = "let x = 1;\n".repeat(MAX_BLOCK_BYTES / 8);
        assert!(highlighter.highlight("rust", &many_lines, &never).is_none());
    }
}
