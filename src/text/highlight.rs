//! Syntax highlighting of fenced code: a block's text and language → its lines as spans of
//! a [`Token`] kind, by the syntax definitions syntect ships (loaded once per engine, on
//! the first block that names a language, so renders without one never pay for them).
//! The spans cover the text exactly: highlighting changes how code prints, never what it
//! says.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};

use crate::cancel::Cancel;

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
/// plain: some grammars' regular expressions take time that grows with the square of a
/// line's length (the shell's, on a long run of spaces), and a public service takes any
/// input. A render also highlights at most [`BYTE_BUDGET`] bytes of code in all; the
/// blocks after that print plain. The budget counts work, not time, so that the same
/// input prints the same however busy the machine is.
const MAX_BLOCK_BYTES: usize = 64 * 1024;
const MAX_LINE_BYTES: usize = 500;
pub const BYTE_BUDGET: usize = 512 * 1024;

/// Names fences use for languages whose grammar goes by another (TypeScript and JSX are
/// highlighted as JavaScript, a shell session as the shell).
const ALIASES: [(&str, &str); 8] = [
    ("shell", "bash"),
    ("console", "bash"),
    ("zsh", "bash"),
    ("ts", "js"),
    ("typescript", "js"),
    ("tsx", "js"),
    ("jsx", "js"),
    ("py3", "python"),
];

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
    /// file extension: `rust`, `rs`, `python`, `js`, `sh`...; a fence's `rust,ignore` or
    /// `{python}` name it too). `None` when no grammar knows the language, the block is too
    /// long to highlight, the grammar fails, the render is cancelled or `budget` (the
    /// bytes of code the render may still highlight, reduced by this block's) is too small
    /// for the block: the code then prints plain.
    pub fn highlight(
        &self,
        lang: &str,
        code: &str,
        cancel: &Cancel,
        budget: &mut usize,
    ) -> Option<Vec<HighlightedLine>> {
        let lang = lang
            .split([',', ' ', '{', '}', '.'])
            .find(|part| !part.is_empty())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let lang = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lang)
            .map_or(lang.as_str(), |(_, name)| name);
        if lang.is_empty()
            || code.len() > *budget
            || code.len() > MAX_BLOCK_BYTES
            || code.split('\n').any(|line| line.len() > MAX_LINE_BYTES)
        {
            return None;
        }
        let (syntaxes, scopes) = self.loaded();
        let syntax = syntaxes.find_syntax_by_token(lang)?;
        *budget -= code.len();
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut lines = Vec::new();
        for line in code.split('\n') {
            // A cancelled render is not finished: what it prints does not matter.
            if cancel.is_cancelled() {
                return None;
            }
            // The grammars read lines with their newline; a line of only spaces is read as
            // an empty one (it is printed as it is).
            let blank = line.trim().is_empty();
            let with_newline = if blank {
                "\n".to_string()
            } else {
                format!("{line}\n")
            };
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
                if !blank {
                    push(&stack, start, at);
                    start = start.max(at);
                }
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
            .highlight(lang, code, &Cancel::never(), &mut BYTE_BUDGET.clone())
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
        for lang in ["python", "py", "Python", "{python}", "python,ignore"] {
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
        let mut budget = BYTE_BUDGET;
        let mut plain = |lang: &str, code: &str| {
            highlighter
                .highlight(lang, code, &never, &mut budget)
                .is_none()
        };
        assert!(plain("no-such-language", "x"));
        assert!(plain("", "x"));
        assert!(plain("rust", &"x".repeat(MAX_LINE_BYTES + 1)));
        assert!(plain("rust", &"let x = 1;\n".repeat(MAX_BLOCK_BYTES / 8)));
        assert!(!plain("ts", "const x = 1;"));
        assert!(!plain("console", "ls -l"));
        // Out of budget: plain, and a block that fits takes its bytes from it.
        let mut left = 12;
        assert!(highlighter
            .highlight("rust", "fn f() { g() }", &never, &mut left)
            .is_none());
        assert!(highlighter
            .highlight("rust", "fn f() {}", &never, &mut left)
            .is_some());
        assert_eq!(left, 3);
    }
}
