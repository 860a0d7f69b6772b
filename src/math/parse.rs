//! LaTeX math source → a [`Formula`]: the subset people write in articles (KaTeX's list
//! of supported functions is the yardstick). Anything else is an error with its place
//! (the caller prints the source as code and warns), never a panic; the source's length,
//! its nesting and its number of atoms are bounded, so no input costs more than a
//! formula of that size.

use super::symbols::{self, Alphabet};
use super::tree::{Array, ArrayKind, Class, Formula, MathList, Node, Style, TextFont};

/// The deepest nesting any setting allows (the stack's room for the recursion).
pub const MAX_DEPTH_CEILING: usize = 64;

/// How large a formula may be: longer, more atoms or deeper, it is not set (the caller
/// prints its source). The operator sets them (`Limits`); a document cannot raise them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Bytes of source.
    pub bytes: usize,
    /// Atoms: characters, commands, groups.
    pub atoms: usize,
    /// Nesting of groups, arguments, scripts and environments.
    pub depth: usize,
}

impl Default for Bounds {
    fn default() -> Bounds {
        let limits = crate::context::Limits::default();
        Bounds::of(&limits)
    }
}

impl Bounds {
    pub fn of(limits: &crate::context::Limits) -> Bounds {
        Bounds {
            bytes: limits.max_formula_bytes,
            atoms: limits.max_formula_atoms,
            // The parser and the layout recurse once per level: whatever the operator
            // sets, the stack holds this many.
            depth: limits.max_formula_depth.min(MAX_DEPTH_CEILING),
        }
    }
}

/// Why a formula could not be read, and where in its source (a byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    pub kind: MathErrorKind,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MathErrorKind {
    UnknownCommand(String),
    UnknownEnvironment(String),
    /// A `{` never closed.
    UnclosedGroup,
    /// A `}` that closes nothing.
    UnopenedGroup,
    /// `\left` without `\right`, or the other way round.
    UnmatchedDelimiter(&'static str),
    /// `\begin{a}` ended by `\end{b}`, or (`end` empty) never ended.
    UnmatchedEnvironment {
        begin: String,
        end: String,
    },
    /// A command or script without what it applies to.
    MissingArgument(String),
    /// A delimiter after `\left`, `\right` or `\big` that is none.
    NotADelimiter(String),
    DoubleScript(char),
    /// Nested deeper than the limit (`max_formula_depth`, which is given).
    TooDeep(usize),
    /// Longer than the limit (`max_formula_bytes`).
    TooLong(usize),
    /// More atoms than the limit (`max_formula_atoms`).
    TooManyAtoms(usize),
    /// `&` or `\\` outside an environment that has cells.
    Misplaced(&'static str),
}

impl MathError {
    /// The command the error is about, as written (for the warning).
    pub fn command(&self) -> Option<String> {
        match &self.kind {
            MathErrorKind::UnknownCommand(name) | MathErrorKind::MissingArgument(name) => {
                Some(name.clone())
            }
            MathErrorKind::UnknownEnvironment(name)
            | MathErrorKind::UnmatchedEnvironment { begin: name, .. } => {
                Some(format!("\\begin{{{name}}}"))
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for MathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            MathErrorKind::UnknownCommand(name) => write!(f, "unknown command `{name}`"),
            MathErrorKind::UnknownEnvironment(name) => write!(f, "unknown environment `{name}`"),
            MathErrorKind::UnclosedGroup => write!(f, "a `{{` is never closed"),
            MathErrorKind::UnopenedGroup => write!(f, "a `}}` closes no group"),
            MathErrorKind::UnmatchedDelimiter(which) => write!(f, "{which}"),
            MathErrorKind::UnmatchedEnvironment { begin, end } if end.is_empty() => {
                write!(f, "`\\begin{{{begin}}}` is never ended")
            }
            MathErrorKind::UnmatchedEnvironment { begin, end } => {
                write!(f, "`\\begin{{{begin}}}` is ended by `\\end{{{end}}}`")
            }
            MathErrorKind::MissingArgument(name) => write!(f, "`{name}` is missing its argument"),
            MathErrorKind::NotADelimiter(what) => write!(f, "`{what}` is not a delimiter"),
            MathErrorKind::DoubleScript(c) => write!(f, "two `{c}` on one base"),
            MathErrorKind::TooDeep(limit) => write!(
                f,
                "nested more than {limit} levels deep (the limit max_formula_depth)"
            ),
            MathErrorKind::TooLong(limit) => {
                write!(f, "longer than {limit} bytes (the limit max_formula_bytes)")
            }
            MathErrorKind::TooManyAtoms(limit) => {
                write!(f, "more than {limit} atoms (the limit max_formula_atoms)")
            }
            MathErrorKind::Misplaced(what) => {
                write!(f, "`{what}` outside an environment with cells")
            }
        }
    }
}

/// The first place where a formula's braces do not balance (`\{` and `\}` are not
/// braces), if there is one: a `}` that closes nothing, or the last `{` never closed.
pub fn unbalanced_braces(source: &str) -> Option<MathError> {
    let mut open = Vec::new();
    let mut escaped = false;
    for (at, c) in source.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => open.push(at),
            '}' if open.pop().is_none() => {
                return Some(MathError {
                    kind: MathErrorKind::UnopenedGroup,
                    at,
                });
            }
            _ => {}
        }
    }
    open.pop().map(|at| MathError {
        kind: MathErrorKind::UnclosedGroup,
        at,
    })
}

/// Reads a formula's source (without its dollars), within `bounds`.
pub fn parse(source: &str, display: bool, bounds: &Bounds) -> Result<Formula, MathError> {
    if source.len() > bounds.bytes {
        return Err(MathError {
            kind: MathErrorKind::TooLong(bounds.bytes),
            at: 0,
        });
    }
    let mut parser = Parser {
        bounds: *bounds,
        src: source,
        pos: 0,
        depth: 0,
        nodes: 0,
        alphabet: Alphabet::Math,
        tag: None,
    };
    let (rows, aligned) = if display {
        parser.cells(Stop::End)?
    } else {
        let (list, _) = parser.list(Stop::End, false)?;
        (vec![vec![list]], false)
    };
    let body = if rows.len() == 1 && rows[0].len() == 1 {
        rows.into_iter().flatten().flatten().collect()
    } else {
        // Lines broken with `\\` (and aligned at `&`) outside an environment, as KaTeX
        // and MathJax allow in a display.
        vec![Node::Array(Box::new(Array {
            kind: if aligned {
                ArrayKind::Aligned
            } else {
                ArrayKind::Gathered
            },
            rows,
            open: None,
            close: None,
        }))]
    };
    Ok(Formula {
        source: source.to_string(),
        display,
        body,
        tag: parser.tag,
        atoms: parser.nodes,
    })
}

/// What ends the list being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The end of the source.
    End,
    /// A `}`.
    Brace,
    /// `\right`.
    Right,
    /// `\end{…}`.
    Environment,
    /// A `]` (an optional argument: a root's index).
    Bracket,
}

/// What ended a list: the stop, or a cell separator (`&`, `\\`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Stop,
    Cell,
    Row,
}

struct Parser<'a> {
    bounds: Bounds,
    src: &'a str,
    pos: usize,
    depth: usize,
    nodes: usize,
    /// The alphabet letters are set in (`\mathbb{…}` changes it inside its argument).
    alphabet: Alphabet,
    tag: Option<String>,
}

type Result<T, E = MathError> = std::result::Result<T, E>;

impl Parser<'_> {
    fn error(&self, kind: MathErrorKind, at: usize) -> MathError {
        MathError { kind, at }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c == '%' {
                // A comment runs to the end of its line.
                while let Some(c) = self.bump() {
                    if c == '\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    /// Reads a command's name after its backslash: letters, or one other character.
    fn command_name(&mut self) -> String {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => {
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.bump();
                }
            }
            Some(_) => {
                self.bump();
            }
            None => {}
        }
        self.src[start..self.pos].to_string()
    }

    fn enter(&mut self, at: usize) -> Result<()> {
        self.depth += 1;
        if self.depth > self.bounds.depth {
            return Err(self.error(MathErrorKind::TooDeep(self.bounds.depth), at));
        }
        Ok(())
    }

    fn count(&mut self, at: usize) -> Result<()> {
        self.nodes += 1;
        if self.nodes > self.bounds.atoms {
            return Err(self.error(MathErrorKind::TooManyAtoms(self.bounds.atoms), at));
        }
        Ok(())
    }

    /// Reads rows of cells up to `stop`: `&` separates cells and `\\` rows. Also
    /// whether any row had more than one cell.
    fn cells(&mut self, stop: Stop) -> Result<(Vec<Vec<MathList>>, bool)> {
        let mut rows = vec![Vec::new()];
        let mut aligned = false;
        loop {
            let (list, ended) = self.list(stop, true)?;
            let row = rows.last_mut().expect("a row is open");
            row.push(list);
            match ended {
                Ended::Stop => break,
                Ended::Cell => aligned = true,
                Ended::Row => rows.push(Vec::new()),
            }
        }
        // `\\` at the end of the last row adds no row.
        if rows.len() > 1 && rows.last().is_some_and(|r| r.len() == 1 && r[0].is_empty()) {
            rows.pop();
        }
        Ok((rows, aligned))
    }

    /// Reads a list up to `stop` (consumed), or a cell separator when `cells`.
    fn list(&mut self, stop: Stop, cells: bool) -> Result<(MathList, Ended)> {
        let mut list = MathList::new();
        loop {
            self.skip_space();
            let at = self.pos;
            let Some(c) = self.peek() else {
                return match stop {
                    Stop::End => Ok((list, Ended::Stop)),
                    Stop::Brace | Stop::Bracket => {
                        Err(self.error(MathErrorKind::UnclosedGroup, at))
                    }
                    Stop::Right => Err(self.error(
                        MathErrorKind::UnmatchedDelimiter("`\\left` without `\\right`"),
                        at,
                    )),
                    Stop::Environment => Err(self.error(
                        MathErrorKind::UnmatchedEnvironment {
                            begin: String::new(),
                            end: String::new(),
                        },
                        at,
                    )),
                };
            };
            match c {
                '}' => {
                    self.bump();
                    if stop == Stop::Brace {
                        return Ok((list, Ended::Stop));
                    }
                    return Err(self.error(MathErrorKind::UnopenedGroup, at));
                }
                '{' => {
                    self.bump();
                    self.enter(at)?;
                    let (inner, _) = self.list(Stop::Brace, false)?;
                    self.depth -= 1;
                    self.count(at)?;
                    list.push(Node::Group(inner));
                }
                ']' if stop == Stop::Bracket => {
                    self.bump();
                    return Ok((list, Ended::Stop));
                }
                '&' => {
                    self.bump();
                    self.count(at)?;
                    if !cells {
                        return Err(self.error(MathErrorKind::Misplaced("&"), at));
                    }
                    return Ok((list, Ended::Cell));
                }
                '^' | '_' => {
                    self.bump();
                    self.script(&mut list, c, at)?;
                }
                '\'' => {
                    // Primes: OpenType math fonts draw them raised already, so they follow
                    // their base at its size (`f'^2` takes its script after the prime).
                    self.bump();
                    let mut primes = 1;
                    while self.peek() == Some('\'') {
                        self.bump();
                        primes += 1;
                    }
                    let prime = match primes {
                        1 => '′',
                        2 => '″',
                        3 => '‴',
                        _ => '⁗',
                    };
                    self.count(at)?;
                    list.push(Node::Symbol {
                        c: prime,
                        class: Class::Ord,
                    });
                }
                '\\' => {
                    self.bump();
                    let name = self.command_name();
                    match name.as_str() {
                        "\\" | "cr" | "newline" => {
                            self.count(at)?;
                            // An optional space after it: `\\[2pt]`.
                            self.skip_space();
                            if self.peek() == Some('[') {
                                while let Some(c) = self.bump() {
                                    if c == ']' {
                                        break;
                                    }
                                }
                            }
                            if !cells {
                                return Err(self.error(MathErrorKind::Misplaced("\\\\"), at));
                            }
                            return Ok((list, Ended::Row));
                        }
                        "right" if stop == Stop::Right => return Ok((list, Ended::Stop)),
                        "right" => {
                            return Err(self.error(
                                MathErrorKind::UnmatchedDelimiter("`\\right` without `\\left`"),
                                at,
                            ))
                        }
                        "end" if stop == Stop::Environment => return Ok((list, Ended::Stop)),
                        "end" => {
                            let end = self.braced_word(at, "\\end")?;
                            return Err(self.error(
                                MathErrorKind::UnmatchedEnvironment {
                                    begin: String::new(),
                                    end,
                                },
                                at,
                            ));
                        }
                        _ => self.command(&mut list, &name, at)?,
                    }
                }
                _ => {
                    self.bump();
                    self.count(at)?;
                    list.push(self.character(c));
                }
            }
        }
    }

    /// A character written as itself.
    fn character(&self, c: char) -> Node {
        match c {
            '~' => Node::Space(6.0),
            '-' => Node::Symbol {
                c: '−',
                class: Class::Bin,
            },
            '*' => Node::Symbol {
                c: '∗',
                class: Class::Bin,
            },
            'α'..='ω' if self.alphabet == Alphabet::Math => Node::Symbol {
                c: char::from_u32('𝛼' as u32 + (c as u32 - 'α' as u32)).unwrap_or(c),
                class: Class::Ord,
            },
            _ => Node::Symbol {
                c: self.alphabet.apply(c),
                class: symbols::char_class(c),
            },
        }
    }

    /// Attaches a script (`^` or `_`) to the last atom of `list`.
    fn script(&mut self, list: &mut MathList, which: char, at: usize) -> Result<()> {
        let arg = self
            .argument(at)?
            .ok_or_else(|| self.error(MathErrorKind::MissingArgument(which.to_string()), at))?;
        self.attach(list, which, arg, at)
    }

    fn attach(
        &mut self,
        list: &mut MathList,
        which: char,
        script: MathList,
        at: usize,
    ) -> Result<()> {
        let base = match list.pop() {
            Some(Node::Scripts {
                base,
                mut sub,
                mut sup,
                limits,
            }) => {
                let slot = if which == '^' { &mut sup } else { &mut sub };
                match slot {
                    Some(_) => return Err(self.error(MathErrorKind::DoubleScript(which), at)),
                    None => *slot = Some(script),
                }
                list.push(Node::Scripts {
                    base,
                    sub,
                    sup,
                    limits,
                });
                return Ok(());
            }
            Some(node) => node,
            None => Node::Group(Vec::new()),
        };
        let (sub, sup) = if which == '^' {
            (None, Some(script))
        } else {
            (Some(script), None)
        };
        list.push(Node::Scripts {
            base: Box::new(base),
            sub,
            sup,
            limits: None,
        });
        Ok(())
    }

    /// A command's argument: a braced group or one token. `None` at the end of the list.
    fn argument(&mut self, at: usize) -> Result<Option<MathList>> {
        self.skip_space();
        let start = self.pos;
        match self.peek() {
            None | Some('}') | Some('&') | Some('^') | Some('_') => Ok(None),
            Some('{') => {
                self.bump();
                self.enter(at)?;
                let (list, _) = self.list(Stop::Brace, false)?;
                self.depth -= 1;
                Ok(Some(list))
            }
            Some('\\') => {
                self.bump();
                let name = self.command_name();
                if matches!(name.as_str(), "\\" | "right" | "end") {
                    self.pos = start;
                    return Ok(None);
                }
                self.enter(at)?;
                let mut list = MathList::new();
                self.command(&mut list, &name, start)?;
                self.depth -= 1;
                Ok(Some(list))
            }
            Some(c) => {
                self.bump();
                self.count(start)?;
                Ok(Some(vec![self.character(c)]))
            }
        }
    }

    /// An optional argument in brackets (`\sqrt[3]`, `\xrightarrow[below]`), if given.
    fn optional(&mut self, at: usize) -> Result<Option<MathList>> {
        self.skip_space();
        if self.peek() != Some('[') {
            return Ok(None);
        }
        self.bump();
        self.enter(at)?;
        let (list, _) = self.list(Stop::Bracket, false)?;
        self.depth -= 1;
        Ok(Some(list))
    }

    fn required(&mut self, command: &str, at: usize) -> Result<MathList> {
        self.argument(at)?
            .ok_or_else(|| self.error(MathErrorKind::MissingArgument(format!("\\{command}")), at))
    }

    /// The text of a braced argument, as written (`\text{…}`, `\begin{…}`).
    fn braced_text(&mut self, command: &str, at: usize) -> Result<String> {
        self.skip_space();
        if self.peek() != Some('{') {
            // One character: `\text a`.
            return match self.bump() {
                Some(c) => Ok(c.to_string()),
                None => Err(self.error(MathErrorKind::MissingArgument(command.to_string()), at)),
            };
        }
        self.bump();
        let start = self.pos;
        let mut depth = 0usize;
        let mut text = String::new();
        while let Some(c) = self.bump() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return Ok(text),
                '}' => depth -= 1,
                '\\' => {
                    // Escaped characters and a few spaces inside text.
                    let name = self.command_name();
                    match name.as_str() {
                        "{" | "}" | "$" | "%" | "&" | "#" | "_" => text.push_str(&name),
                        " " | "," | ";" | "quad" | "qquad" => text.push(' '),
                        "\\" => text.push(' '),
                        _ => {
                            return Err(self.error(
                                MathErrorKind::UnknownCommand(format!("\\{name}")),
                                self.pos - name.len() - 1,
                            ))
                        }
                    }
                    continue;
                }
                _ => {}
            }
            text.push(c);
        }
        Err(self.error(MathErrorKind::UnclosedGroup, start - 1))
    }

    fn braced_word(&mut self, at: usize, command: &str) -> Result<String> {
        let word = self.braced_text(command, at)?;
        Ok(word.trim().to_string())
    }

    /// The delimiter after `\left`, `\right`, `\big`…
    fn delimiter(&mut self, at: usize) -> Result<Option<char>> {
        self.skip_space();
        let start = self.pos;
        let written = match self.bump() {
            Some('\\') => {
                let name = self.command_name();
                format!("\\{name}")
            }
            Some(c) => c.to_string(),
            None => return Err(self.error(MathErrorKind::MissingArgument("\\left".into()), at)),
        };
        symbols::delimiter(&written)
            .ok_or_else(|| self.error(MathErrorKind::NotADelimiter(written), start))
    }

    fn command(&mut self, list: &mut MathList, name: &str, at: usize) -> Result<()> {
        self.count(at)?;
        let node = match name {
            "frac" | "dfrac" | "tfrac" | "cfrac" => {
                let num = self.required(name, at)?;
                let den = self.required(name, at)?;
                Node::Fraction {
                    num,
                    den,
                    rule: true,
                    delims: None,
                    style: match name {
                        "dfrac" | "cfrac" => Some(Style::Display),
                        "tfrac" => Some(Style::Text),
                        _ => None,
                    },
                }
            }
            "binom" | "dbinom" | "tbinom" => {
                let num = self.required(name, at)?;
                let den = self.required(name, at)?;
                Node::Fraction {
                    num,
                    den,
                    rule: false,
                    delims: Some(('(', ')')),
                    style: match name {
                        "dbinom" => Some(Style::Display),
                        "tbinom" => Some(Style::Text),
                        _ => None,
                    },
                }
            }
            "sqrt" => {
                let index = self.optional(at)?;
                let body = self.required(name, at)?;
                Node::Root { index, body }
            }
            "left" => {
                let open = self.delimiter(at)?;
                self.enter(at)?;
                let (body, _) = self.list(Stop::Right, false)?;
                self.depth -= 1;
                let close = self.delimiter(at)?;
                Node::Delimited { open, body, close }
            }
            "middle" => match self.delimiter(at)? {
                Some(c) => Node::Middle(c),
                None => Node::Space(0.0),
            },
            "big" | "Big" | "bigg" | "Bigg" | "bigl" | "Bigl" | "biggl" | "Biggl" | "bigr"
            | "Bigr" | "biggr" | "Biggr" | "bigm" | "Bigm" | "biggm" | "Biggm" => {
                let size = match name.trim_end_matches(['l', 'r', 'm']) {
                    "big" => 1,
                    "Big" => 2,
                    "bigg" => 3,
                    _ => 4,
                };
                let delimiter = self.delimiter(at)?;
                let Some(c) = delimiter else {
                    return Ok(());
                };
                let class = match name.chars().last() {
                    Some('l') => Class::Open,
                    Some('r') => Class::Close,
                    Some('m') => Class::Rel,
                    _ => symbols::char_class(c),
                };
                Node::BigDelimiter { c, size, class }
            }
            "overline" | "underline" => Node::Line {
                over: name == "overline",
                base: self.required(name, at)?,
            },
            "overbrace" | "underbrace" => {
                let over = name == "overbrace";
                let base = self.required(name, at)?;
                // The label is the script on the brace's side.
                self.skip_space();
                let label = match self.peek() {
                    Some('^') if over => {
                        self.bump();
                        Some(self.required(name, at)?)
                    }
                    Some('_') if !over => {
                        self.bump();
                        Some(self.required(name, at)?)
                    }
                    _ => None,
                };
                Node::Brace { over, base, label }
            }
            "mathord" | "mathop" | "mathbin" | "mathrel" | "mathopen" | "mathclose"
            | "mathpunct" | "mathinner" => Node::Classed {
                class: match name {
                    "mathop" => Class::Op,
                    "mathbin" => Class::Bin,
                    "mathrel" => Class::Rel,
                    "mathopen" => Class::Open,
                    "mathclose" => Class::Close,
                    "mathpunct" => Class::Punct,
                    "mathinner" => Class::Inner,
                    _ => Class::Ord,
                },
                body: self.required(name, at)?,
            },
            "phantom" | "hphantom" | "vphantom" => Node::Phantom {
                body: self.required(name, at)?,
                width: name != "vphantom",
                height: name != "hphantom",
            },
            "boxed" => Node::Boxed(self.required(name, at)?),
            "xrightarrow" | "xleftarrow" | "xRightarrow" | "xLeftarrow" | "xleftrightarrow"
            | "xLeftrightarrow" | "xmapsto" => {
                let below = self.optional(at)?;
                Node::Arrow {
                    c: match name {
                        "xleftarrow" => '←',
                        "xRightarrow" => '⇒',
                        "xLeftarrow" => '⇐',
                        "xleftrightarrow" => '↔',
                        "xLeftrightarrow" => '⇔',
                        "xmapsto" => '↦',
                        _ => '→',
                    },
                    above: self.required(name, at)?,
                    below,
                }
            }
            "overset" | "underset" | "stackrel" => {
                let mark = self.required(name, at)?;
                let base = self.required(name, at)?;
                let base = match <[Node; 1]>::try_from(base) {
                    Ok([node]) => node,
                    Err(base) => Node::Group(base),
                };
                let (sub, sup) = if name == "underset" {
                    (Some(mark), None)
                } else {
                    (None, Some(mark))
                };
                Node::Scripts {
                    base: Box::new(base),
                    sub,
                    sup,
                    limits: Some(true),
                }
            }
            "text" | "textrm" | "textnormal" | "mbox" | "textup" | "hbox" | "textit" | "textbf"
            | "textsf" | "texttt" | "emph" => Node::Text {
                text: self.braced_text(name, at)?,
                class: Class::Ord,
                font: match name {
                    "textit" | "emph" => TextFont::Italic,
                    "textbf" => TextFont::Bold,
                    _ => TextFont::Body,
                },
                limits: false,
            },
            "operatorname" => {
                let starred = self.peek() == Some('*');
                if starred {
                    self.bump();
                }
                let text = self.braced_text(name, at)?;
                Node::Text {
                    text: text.trim().to_string(),
                    class: Class::Op,
                    font: TextFont::Math,
                    limits: starred,
                }
            }
            "bmod" => Node::Text {
                text: "mod".into(),
                class: Class::Bin,
                font: TextFont::Math,
                limits: false,
            },
            "pmod" => {
                let arg = self.required(name, at)?;
                list.push(Node::Space(12.0));
                let mut group = vec![
                    Node::Symbol {
                        c: '(',
                        class: Class::Open,
                    },
                    Node::Text {
                        text: "mod".into(),
                        class: Class::Ord,
                        font: TextFont::Math,
                        limits: false,
                    },
                    Node::Space(6.0),
                ];
                group.extend(arg);
                group.push(Node::Symbol {
                    c: ')',
                    class: Class::Close,
                });
                Node::Group(group)
            }
            "limits" | "nolimits" => {
                let limits = name == "limits";
                match list.pop() {
                    Some(Node::Scripts { base, sub, sup, .. }) => Node::Scripts {
                        base,
                        sub,
                        sup,
                        limits: Some(limits),
                    },
                    Some(node) => Node::Scripts {
                        base: Box::new(node),
                        sub: None,
                        sup: None,
                        limits: Some(limits),
                    },
                    None => return Ok(()),
                }
            }
            // amsmath's spacing: `f\colon A` has 2 mu before the colon and 6 after,
            // `\iff` and `\implies` a thick space more on each side.
            "colon" => {
                list.push(Node::Space(2.0));
                list.push(Node::Symbol {
                    c: ':',
                    class: Class::Punct,
                });
                Node::Space(3.0)
            }
            "iff" | "implies" | "impliedby" => {
                let c = match name {
                    "iff" => '⟺',
                    "implies" => '⟹',
                    _ => '⟸',
                };
                list.push(Node::Space(5.0));
                list.push(Node::Symbol {
                    c,
                    class: Class::Rel,
                });
                Node::Space(5.0)
            }
            "displaystyle" => Node::SetStyle(Style::Display),
            "textstyle" => Node::SetStyle(Style::Text),
            "scriptstyle" => Node::SetStyle(Style::Script),
            "scriptscriptstyle" => Node::SetStyle(Style::ScriptScript),
            "," | "thinspace" => Node::Space(3.0),
            ":" | ">" | "medspace" => Node::Space(4.0),
            ";" | "thickspace" => Node::Space(5.0),
            "!" | "negthinspace" => Node::Space(-3.0),
            "negmedspace" => Node::Space(-4.0),
            "negthickspace" => Node::Space(-5.0),
            " " => Node::Space(6.0),
            "enspace" => Node::Space(9.0),
            "quad" => Node::Space(18.0),
            "qquad" => Node::Space(36.0),
            "hspace" | "mspace" | "kern" | "mkern" | "hskip" | "mskip" => {
                let length = if matches!(name, "hspace" | "mspace") {
                    self.braced_text(name, at)?
                } else {
                    self.unbraced_length()
                };
                Node::Space(mu(&length).ok_or_else(|| {
                    self.error(MathErrorKind::MissingArgument(format!("\\{name}")), at)
                })?)
            }
            "tag" | "tag*" => {
                let starred = self.peek() == Some('*');
                if starred {
                    self.bump();
                }
                let text = self.braced_text(name, at)?;
                self.tag = Some(if starred { text } else { format!("({text})") });
                return Ok(());
            }
            "notag" | "nonumber" | "label" => {
                if name == "label" {
                    self.braced_text(name, at)?;
                }
                return Ok(());
            }
            "not" => {
                let negated = self.required(name, at)?;
                let c = match negated.as_slice() {
                    [Node::Symbol { c, .. }] => match c {
                        '=' => '≠',
                        '∈' => '∉',
                        '⊂' => '⊄',
                        '⊃' => '⊅',
                        '⊆' => '⊈',
                        '⊇' => '⊉',
                        '≡' => '≢',
                        '∼' => '≁',
                        '≈' => '≉',
                        '<' => '≮',
                        '>' => '≯',
                        '≤' => '≰',
                        '≥' => '≱',
                        '∃' => '∄',
                        '∣' => '∤',
                        '∥' => '∦',
                        _ => {
                            return Err(
                                self.error(MathErrorKind::UnknownCommand("\\not".into()), at)
                            )
                        }
                    },
                    _ => return Err(self.error(MathErrorKind::UnknownCommand("\\not".into()), at)),
                };
                Node::Symbol {
                    c,
                    class: Class::Rel,
                }
            }
            "begin" => self.environment(at)?,
            _ => {
                if let Some(word) = self.italic_word(name) {
                    Node::Text {
                        text: word,
                        class: Class::Ord,
                        font: TextFont::Italic,
                        limits: false,
                    }
                } else if let Some(alphabet) = Alphabet::named(name) {
                    let outer = self.alphabet;
                    self.alphabet = alphabet;
                    let arg = self.required(name, at);
                    self.alphabet = outer;
                    Node::Group(arg?)
                } else if let Some((c, stretch)) = symbols::accent(name) {
                    Node::Accent {
                        accent: c,
                        base: self.required(name, at)?,
                        stretch,
                    }
                } else if let Some(limits) = symbols::operator_name(name) {
                    Node::Text {
                        text: symbols::operator_text(name).to_string(),
                        class: Class::Op,
                        font: TextFont::Math,
                        limits,
                    }
                } else if let Some((c, class)) = symbols::symbol(name) {
                    let c = match self.alphabet {
                        Alphabet::Math => c,
                        alphabet => alphabet.apply(c),
                    };
                    Node::Symbol { c, class }
                } else {
                    return Err(self.error(MathErrorKind::UnknownCommand(format!("\\{name}")), at));
                }
            }
        };
        list.push(node);
        Ok(())
    }

    /// The word of `\mathit{word}` (two letters or more, nothing else), which LaTeX
    /// sets in the text italic, kerned and with its ligatures (`diff`), not as a product
    /// of variables; `None` (and nothing read) otherwise.
    fn italic_word(&mut self, command: &str) -> Option<String> {
        if command != "mathit" {
            return None;
        }
        let start = self.pos;
        self.skip_space();
        let rest = &self.src[self.pos..];
        let inner = rest.strip_prefix('{')?;
        let word: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        if word.len() >= 2 && inner[word.len()..].starts_with('}') {
            self.pos += word.len() + 2;
            Some(word)
        } else {
            self.pos = start;
            None
        }
    }

    /// A length written without braces (`\kern3mu`).
    fn unbraced_length(&mut self) -> String {
        self.skip_space();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            self.bump();
        }
        for _ in 0..2 {
            if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.bump();
            }
        }
        self.src[start..self.pos].to_string()
    }

    fn environment(&mut self, at: usize) -> Result<Node> {
        let name = self.braced_word(at, "\\begin")?;
        let (kind, open, close) = match name.as_str() {
            "matrix" | "array" => (ArrayKind::Matrix, None, None),
            "smallmatrix" => (ArrayKind::Small, None, None),
            "pmatrix" => (ArrayKind::Matrix, Some('('), Some(')')),
            "bmatrix" => (ArrayKind::Matrix, Some('['), Some(']')),
            "Bmatrix" => (ArrayKind::Matrix, Some('{'), Some('}')),
            "vmatrix" => (ArrayKind::Matrix, Some('|'), Some('|')),
            "Vmatrix" => (ArrayKind::Matrix, Some('‖'), Some('‖')),
            "cases" | "dcases" => (ArrayKind::Cases, Some('{'), None),
            "rcases" => (ArrayKind::Cases, None, Some('}')),
            "aligned" | "align" | "align*" | "alignat" | "alignat*" | "split" | "eqnarray"
            | "eqnarray*" => (ArrayKind::Aligned, None, None),
            "gathered" | "gather" | "gather*" | "equation" | "equation*" | "multline"
            | "multline*" => (ArrayKind::Gathered, None, None),
            _ => return Err(self.error(MathErrorKind::UnknownEnvironment(name), at)),
        };
        if name == "array" || name.starts_with("alignat") {
            // The column specification (`{lcr}`) or count: the columns are set as a
            // matrix's (or aligned's) whatever it says.
            self.braced_text("\\begin", at)?;
        }
        self.enter(at)?;
        let (rows, _) = self.cells(Stop::Environment).map_err(|mut e| {
            if let MathErrorKind::UnmatchedEnvironment { begin, .. } = &mut e.kind {
                if begin.is_empty() {
                    *begin = name.clone();
                }
            }
            e
        })?;
        self.depth -= 1;
        let end_at = self.pos.saturating_sub("\\end".len());
        let end = self.braced_word(at, "\\end")?;
        if end != name {
            return Err(self.error(
                MathErrorKind::UnmatchedEnvironment { begin: name, end },
                end_at,
            ));
        }
        Ok(Node::Array(Box::new(Array {
            kind,
            rows,
            open,
            close,
        })))
    }
}

/// A length (`1em`, `3mu`, `2pt`) in mu, taking an em as 18 mu and a point as a tenth of
/// an em (TeX's 10 pt type).
fn mu(length: &str) -> Option<f32> {
    let length = length.trim();
    let split = length
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(length.len());
    let (number, unit) = length.split_at(split);
    let number: f32 = number.trim().parse().ok()?;
    let per_unit = match unit.trim() {
        "mu" => 1.0,
        "em" => 18.0,
        "ex" => 8.0,
        "pt" => 1.8,
        _ => return None,
    };
    let mu = number * per_unit;
    // Bounded: a space never wider than a line or two, and never more than two ems
    // backwards (a negative space only tucks neighbours together).
    mu.is_finite().then_some(mu.clamp(-36.0, 360.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(c: char, class: Class) -> Node {
        Node::Symbol { c, class }
    }

    fn parse(source: &str, display: bool) -> Result<Formula, MathError> {
        super::parse(source, display, &Bounds::default())
    }

    fn err(source: &str) -> String {
        let e = parse(source, false).expect_err(source);
        format!("{} at {}", e, e.at)
    }

    #[test]
    fn letters_are_italic_and_operators_have_their_classes() {
        let f = parse("E = mc^2", false).unwrap();
        assert_eq!(
            f.body,
            vec![
                sym('𝐸', Class::Ord),
                sym('=', Class::Rel),
                sym('𝑚', Class::Ord),
                Node::Scripts {
                    base: Box::new(sym('𝑐', Class::Ord)),
                    sub: None,
                    sup: Some(vec![sym('2', Class::Ord)]),
                    limits: None,
                },
            ]
        );
        let f = parse("a - b \\le \\alpha", false).unwrap();
        let classes: Vec<Class> = f.body.iter().map(Node::class).collect();
        assert_eq!(
            classes,
            [Class::Ord, Class::Bin, Class::Ord, Class::Rel, Class::Ord]
        );
    }

    #[test]
    fn fractions_roots_and_scripts_nest() {
        let f = parse(r"\frac{1}{\sqrt[3]{x_i^2}}", false).unwrap();
        let Node::Fraction { num, den, rule, .. } = &f.body[0] else {
            panic!("{:?}", f.body)
        };
        assert!(rule);
        assert_eq!(num, &vec![sym('1', Class::Ord)]);
        let Node::Root { index, body } = &den[0] else {
            panic!("{den:?}")
        };
        assert_eq!(index.as_deref(), Some(&[sym('3', Class::Ord)][..]));
        assert!(matches!(
            &body[0],
            Node::Scripts {
                sub: Some(_),
                sup: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn primes_follow_their_base_and_take_its_script() {
        let f = parse("f''^2", false).unwrap();
        assert_eq!(f.body[0], sym('𝑓', Class::Ord));
        let Node::Scripts {
            base,
            sup: Some(sup),
            ..
        } = &f.body[1]
        else {
            panic!("{:?}", f.body)
        };
        assert_eq!(**base, sym('″', Class::Ord));
        assert_eq!(sup, &vec![sym('2', Class::Ord)]);
    }

    #[test]
    fn environments_rows_and_tags() {
        let f = parse(
            r"\begin{pmatrix} a & b \\ c & d \end{pmatrix} \tag{2}",
            true,
        )
        .unwrap();
        let Node::Array(array) = &f.body[0] else {
            panic!()
        };
        assert_eq!(array.rows.len(), 2);
        assert_eq!(array.rows[0].len(), 2);
        assert_eq!((array.open, array.close), (Some('('), Some(')')));
        assert_eq!(f.tag.as_deref(), Some("(2)"));
        // Lines outside an environment become an aligned array.
        let f = parse(r"a &= b \\ &= c", true).unwrap();
        assert!(matches!(&f.body[0], Node::Array(a) if a.kind == ArrayKind::Aligned));
    }

    #[test]
    fn alphabets_text_and_operator_names() {
        let f = parse(r"\mathbb{R} \mathbf{v} \text{if } x \sin \lim", false).unwrap();
        assert_eq!(f.body[0], Node::Group(vec![sym('ℝ', Class::Ord)]));
        assert_eq!(f.body[1], Node::Group(vec![sym('𝐯', Class::Ord)]));
        assert!(
            matches!(&f.body[2], Node::Text { text, font: TextFont::Body, .. } if text == "if ")
        );
        let g = parse(r"\mathit{diff} \mathit{x}", false).unwrap();
        assert!(
            matches!(&g.body[0], Node::Text { text, font: TextFont::Italic, .. } if text == "diff")
        );
        assert_eq!(g.body[1], Node::Group(vec![sym('𝑥', Class::Ord)]));
        assert!(matches!(
            &f.body[4],
            Node::Text {
                class: Class::Op,
                limits: false,
                ..
            }
        ));
        assert!(matches!(
            &f.body[5],
            Node::Text {
                class: Class::Op,
                limits: true,
                ..
            }
        ));
    }

    #[test]
    fn bad_input_is_an_error_with_its_place() {
        assert_eq!(err(r"a + \foo b"), "unknown command `\\foo` at 4");
        assert_eq!(err(r"\frac{a}{b"), "a `{` is never closed at 10");
        assert_eq!(err(r"a}"), "a `}` closes no group at 1");
        assert_eq!(err(r"\left( a"), "`\\left` without `\\right` at 8");
        assert_eq!(err(r"a \right)"), "`\\right` without `\\left` at 2");
        assert_eq!(
            err(r"\begin{foo} a \end{foo}"),
            "unknown environment `foo` at 0"
        );
        assert_eq!(
            err(r"\begin{matrix} a \end{pmatrix}"),
            "`\\begin{matrix}` is ended by `\\end{pmatrix}` at 17"
        );
        assert_eq!(err(r"x^1^2"), "two `^` on one base at 3");
        assert_eq!(
            err(r"\begin{cases} a"),
            "`\\begin{cases}` is never ended at 15"
        );
        assert_eq!(err(r"\frac"), "`\\frac` is missing its argument at 0");
        assert_eq!(err(r"a & b"), "`&` outside an environment with cells at 2");
    }

    #[test]
    fn arrows_frames_phantoms_and_classes() {
        let f = parse(
            r"\xrightarrow[b]{a} \boxed{x} \mathrel{y} \hphantom{z}",
            false,
        )
        .unwrap();
        assert!(matches!(
            &f.body[0],
            Node::Arrow {
                c: '→',
                below: Some(_),
                ..
            }
        ));
        assert_eq!(f.body[0].class(), Class::Rel);
        assert!(matches!(&f.body[1], Node::Boxed(_)));
        assert_eq!(f.body[2].class(), Class::Rel);
        assert!(matches!(
            &f.body[3],
            Node::Phantom {
                width: true,
                height: false,
                ..
            }
        ));
    }

    #[test]
    fn unbalanced_braces_are_found_where_they_fail() {
        let at = |s: &str| unbalanced_braces(s).map(|e| (e.at, e.kind));
        assert_eq!(at("a}b"), Some((1, MathErrorKind::UnopenedGroup)));
        assert_eq!(at("{a{b}"), Some((0, MathErrorKind::UnclosedGroup)));
        assert_eq!(at(r"\frac{a}{b"), Some((8, MathErrorKind::UnclosedGroup)));
        assert_eq!(at(r"\{a\}"), None);
        assert_eq!(at("{a}{b}"), None);
    }

    #[test]
    fn size_nesting_and_atoms_are_bounded() {
        let bounds = Bounds::default();
        let depth = bounds.depth;
        let deep = "{".repeat(depth + 1) + &"}".repeat(depth + 1);
        assert_eq!(
            parse(&deep, false).unwrap_err().kind,
            MathErrorKind::TooDeep(depth)
        );
        let deep_fracs = r"\frac{".repeat(40) + &"}{1}".repeat(40);
        assert!(matches!(
            parse(&deep_fracs, false).unwrap_err().kind,
            MathErrorKind::TooDeep(_)
        ));
        let long = "x".repeat(bounds.bytes + 1);
        assert!(matches!(
            parse(&long, false).unwrap_err().kind,
            MathErrorKind::TooLong(_)
        ));
        let many = "x+".repeat(bounds.atoms);
        assert!(matches!(
            parse(&many, false).unwrap_err().kind,
            MathErrorKind::TooManyAtoms(_)
        ));
        let scripts = "x".to_string() + &"^{x".repeat(30) + &"}".repeat(30);
        assert!(matches!(
            parse(&scripts, false).unwrap_err().kind,
            MathErrorKind::TooDeep(_)
        ));
        // The operator's limits, not the defaults, bound it.
        let tight = Bounds {
            bytes: 8,
            atoms: 3,
            depth: 1,
        };
        let parse_tight = |s: &str| super::parse(s, false, &tight).map(|_| ()).unwrap_err().kind;
        assert_eq!(parse_tight("x+y+z+w+v"), MathErrorKind::TooLong(8));
        assert_eq!(parse_tight("x+y+z"), MathErrorKind::TooManyAtoms(3));
        assert_eq!(parse_tight("{{x}}"), MathErrorKind::TooDeep(1));
    }
}
