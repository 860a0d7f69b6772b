//! pulldown-cmark events → blocks and inlines.
//!
//! CommonMark with the GFM extensions (tables, task lists, strikethrough, footnotes) and
//! smart punctuation. Raw HTML is never interpreted: it contributes its text content
//! (`<br>` breaks a line; `<script>`, `<style>` and comments vanish).

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::address::Addresses;
use super::html::{BreakSide, HtmlStyle, HtmlText, HtmlToken};
use super::{Block, ColumnAlign, Inline, ListItem};
use crate::cancel::Cancel;
use crate::error::{Error, Warning};
use crate::math;
use crate::source::{LineStarts, SourcePos};

/// The parser options Folio reads markdown with (`math`: `$…$` and `$$…$$` are formulas).
pub fn parser_options(math: bool) -> Options {
    let math = if math {
        Options::ENABLE_MATH
    } else {
        Options::empty()
    };
    math | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// Parses a markdown body (no front matter) into blocks, giving up if `cancel` is set;
/// the warnings say what had to be mended.
/// A line of plain text (a front matter title) with its formulas (`$…$`, by the same
/// rules as the body's) written as plain Unicode (`E = mc²`); the rest as written.
pub fn formulas_as_text(text: &str, bounds: &math::Bounds) -> String {
    if !text.contains('$') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let options = Options::ENABLE_MATH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let Event::InlineMath(source) = event else {
            continue;
        };
        if digit_after(text, range.end) || range.start < done {
            continue;
        }
        let source = in_backticks(&source).unwrap_or(&source);
        let Ok(formula) = math::parse(source, false, bounds) else {
            continue;
        };
        out.push_str(&text[done..range.start]);
        out.push_str(&formula.linear());
        done = range.end;
    }
    out.push_str(&text[done..]);
    out
}

/// `math` reads formulas; `first_line` is the line of the article's file the body
/// starts on (for the places of warnings).
pub fn parse_markdown(
    markdown: &str,
    addresses: &Addresses,
    math: Option<&math::Bounds>,
    first_line: usize,
    cancel: &Cancel,
) -> Result<(Vec<Block>, Vec<Warning>), Error> {
    let bounds = math.copied().unwrap_or_default();
    let math = math.is_some();
    let mut builder = Builder {
        explicit_ids: explicit_heading_ids(markdown, math),
        addresses: addresses.clone(),
        bounds,
        ..Builder::default()
    };
    let lines = std::cell::OnceCell::new();
    let place = |start: usize, end: usize| {
        lines
            .get_or_init(|| LineStarts::new(markdown))
            .place(markdown, start, end, first_line)
    };
    let mut parser = Parser::new_ext(markdown, parser_options(math)).into_offset_iter();
    // Events read ahead (looking for a dollar that closes a formula) and not yet used.
    let mut pending: VecDeque<(Event<'_>, std::ops::Range<usize>)> = VecDeque::new();
    let mut n = 0usize;
    while let Some((event, range)) = pending.pop_front().or_else(|| parser.next()) {
        n += 1;
        if n.is_multiple_of(CANCEL_CHECK_EVENTS) && cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        match event {
            // pulldown-cmark reads no formula whose braces do not balance: its dollars
            // come as text. One that opens, closed on its line by another with nothing
            // but text between and braces that do not balance, is a formula the author
            // got wrong: printed as its source in code type, with a warning.
            Event::Text(ref dollar)
                if math
                    && &**dollar == "$"
                    && is_dollar(markdown, &range)
                    && opens(markdown, range.end) =>
            {
                let mut ahead = Vec::new();
                let mut closer = None;
                while ahead.len() < DOLLAR_LOOKAHEAD {
                    let Some(next) = pending.pop_front().or_else(|| parser.next()) else {
                        break;
                    };
                    let text = matches!(next.0, Event::Text(_));
                    let closes = matches!(&next.0, Event::Text(t) if &**t == "$")
                        && is_dollar(markdown, &next.1)
                        && closes(markdown, &next.1);
                    ahead.push(next);
                    if closes {
                        closer = Some(ahead.len() - 1);
                    }
                    if closes || !text {
                        break;
                    }
                }
                let unbalanced = closer.and_then(|k| {
                    let source = &markdown[range.end..ahead[k].1.start];
                    math::unbalanced_braces(source).map(|e| (k, source, e))
                });
                match unbalanced {
                    Some((k, source, error)) => {
                        let at = range.end + error.at;
                        builder.math_warning(&error, || place(at, at + 1));
                        builder.push_inline(Inline::Code(format!("${source}$")));
                        for later in ahead.drain(k + 1..).rev() {
                            pending.push_front(later);
                        }
                    }
                    None => {
                        builder.event(event);
                        for later in ahead.into_iter().rev() {
                            pending.push_front(later);
                        }
                    }
                }
            }
            Event::InlineMath(source) => {
                // `from $5 to 10$20`: the dollars are text.
                if digit_after(markdown, range.end) {
                    // As written, without the markers of the containers it spans.
                    builder.event(Event::Text(format!("${source}$").into()));
                    continue;
                }
                builder.math(&source, false, &|at| {
                    place(range.start + 1 + at, range.start + 2 + at)
                })
            }
            Event::DisplayMath(source) => builder.math(&source, true, &|at| {
                place(range.start + 2 + at, range.start + 3 + at)
            }),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if math && info.split_whitespace().next() == Some("math") =>
            {
                // The formula's text starts on the line after the fence.
                let opening = markdown[range.clone()].find('\n').map_or(0, |i| i + 1);
                builder.math_block = Some(range.start + opening);
                builder.event(event);
            }
            Event::End(TagEnd::CodeBlock) if builder.math_block.is_some() => {
                let start = builder.math_block.take().unwrap_or(0);
                builder.end_math_block(&|at| place(start + at, start + at + 1));
                builder.event(event);
            }
            event => builder.event(event),
        }
    }
    let mut warnings = std::mem::take(&mut builder.warnings);
    if let Some(at) = builder.more_math_at {
        warnings.push(Warning::Math {
            message: format!(
                "and {} more formulas printed as their source",
                builder.math_warnings - MAX_MATH_WARNINGS
            ),
            command: None,
            at,
        });
    }
    Ok((builder.finish(), warnings))
}

/// The ids authors give headings (`## Title {#id}`), read ahead so that a made-up id never
/// takes one an author gives a later heading. Only a document with `{#` has any.
fn explicit_heading_ids(markdown: &str, math: bool) -> HashSet<String> {
    if !markdown.contains("{#") {
        return HashSet::new();
    }
    Parser::new_ext(markdown, parser_options(math))
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

/// How many events go by between two looks at the cancellation flag.
const CANCEL_CHECK_EVENTS: usize = 4096;

/// An open block container.
#[derive(Debug)]
enum Container {
    Root,
    Quote,
    ListItem { task: Option<bool> },
    Footnote { label: String },
    Definition,
}

/// An open inline container.
#[derive(Debug)]
enum Span {
    Paragraph,
    /// Text directly inside a tight list item or a table cell, with no `<p>`.
    Implicit,
    Heading {
        level: u8,
        id: Option<String>,
    },
    Emphasis,
    Strong,
    Strikethrough,
    Superscript,
    Subscript,
    Link {
        url: String,
    },
    Image {
        url: String,
        title: String,
    },
    TableCell,
    /// The term of a definition list.
    Term,
    /// Opened by an inline HTML tag; closed by its end tag, or by whatever ends the
    /// enclosing span (HTML in markdown is often unbalanced).
    Html(HtmlStyle),
}

/// How many events after a dollar are read ahead for the dollar that closes it (a
/// formula's text comes as a few text events; anything else ends the search).
const DOLLAR_LOOKAHEAD: usize = 16;

/// Whether the text at `range` is a dollar sign as written (not `\$`, which is never a
/// formula's).
fn is_dollar(markdown: &str, range: &std::ops::Range<usize>) -> bool {
    markdown.get(range.clone()) == Some("$")
}

/// Whether a dollar ending at `at` may open a formula: a non-space follows it.
fn opens(markdown: &str, at: usize) -> bool {
    markdown[at..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace())
}

/// Whether a dollar at `range` may close a formula: a non-space before it and no digit
/// after it.
fn closes(markdown: &str, range: &std::ops::Range<usize>) -> bool {
    let before = markdown[..range.start].chars().next_back();
    before.is_some_and(|c| !c.is_whitespace()) && !digit_after(markdown, range.end)
}

/// Pandoc's rule, which pulldown-cmark lacks: a dollar with a digit after it (at `at`)
/// closes no formula.
fn digit_after(markdown: &str, at: usize) -> bool {
    markdown[at..].starts_with(|c: char| c.is_ascii_digit())
}

/// The formula inside GitHub's `` $`…`$ `` backticks, if it is written so.
fn in_backticks(source: &str) -> Option<&str> {
    source.strip_prefix('`')?.strip_suffix('`')
}

/// Formulas that cannot be read get a warning each up to this many; the rest one.
const MAX_MATH_WARNINGS: usize = 100;

/// Deeper nesting than this is flattened: its content joins the enclosing block (or
/// span), so hostile input cannot exhaust the stack of the later, recursive stages.
const MAX_BLOCK_DEPTH: usize = 24;
const MAX_SPAN_DEPTH: usize = 32;

#[derive(Default)]
struct Builder {
    /// One entry per open tag: whether it was flattened (its end is then ignored).
    open_tags: Vec<bool>,
    blocks: Vec<(Container, Vec<Block>)>,
    spans: Vec<(Span, Vec<Inline>)>,
    /// Open lists: start number, items so far, and whether any item has a paragraph of
    /// its own (a loose list).
    lists: Vec<(Option<u64>, Vec<ListItem>, bool)>,
    code: Option<(Option<String>, String)>,
    table: Option<TableBuilder>,
    html: HtmlText,
    /// The raw HTML block being read asked for a page break after it.
    break_after_html: bool,
    /// Heading ids given so far, so that each heading's is unique, and the suffix to try
    /// next for each made-up id (a thousand headings of one name cost no more than one).
    heading_ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// The ids authors give headings anywhere in the document.
    explicit_ids: HashSet<String>,
    /// What relative link and image addresses resolve against.
    addresses: Addresses,
    warnings: Vec<Warning>,
    /// In a ```` ```math ```` block: where its text starts in the markdown.
    math_block: Option<usize>,
    /// How large a formula may be.
    bounds: math::Bounds,
    /// Formulas printed as their source so far, and where the first one past the
    /// warnings' cap is.
    math_warnings: usize,
    more_math_at: Option<SourcePos>,
    /// A displayed formula just ended a paragraph's first part: the rest of the
    /// paragraph starts without the line break before it, and is dropped if empty.
    after_display: bool,
}

#[derive(Default)]
struct TableBuilder {
    aligns: Vec<ColumnAlign>,
    head: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    row: Vec<Vec<Inline>>,
    in_head: bool,
}

impl Builder {
    /// `slug`, or as GitHub does for the second heading of the same name, `slug-1`, then
    /// `slug-2`..., never an id an author gives a heading, so that links and the table of
    /// contents reach every heading.
    fn unique_id(&mut self, slug: String) -> String {
        let taken = |id: &str| self.heading_ids.contains(id) || self.explicit_ids.contains(id);
        if !taken(&slug) {
            return slug;
        }
        let mut n = self.next_suffix.get(&slug).copied().unwrap_or(1);
        while taken(&format!("{slug}-{n}")) {
            n += 1;
        }
        self.next_suffix.insert(slug.clone(), n + 1);
        format!("{slug}-{n}")
    }

    fn event(&mut self, event: Event<'_>) {
        if self.blocks.is_empty() {
            self.blocks.push((Container::Root, Vec::new()));
        }
        match event {
            Event::Start(tag) => {
                let flatten = match &tag {
                    Tag::BlockQuote(_)
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::FootnoteDefinition(_)
                    | Tag::DefinitionListDefinition => self.blocks.len() >= MAX_BLOCK_DEPTH,
                    Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Superscript
                    | Tag::Subscript
                    | Tag::Link { .. }
                    | Tag::Image { .. } => self.spans.len() >= MAX_SPAN_DEPTH,
                    _ => false,
                };
                self.open_tags.push(flatten);
                if !flatten {
                    self.start(tag);
                }
            }
            Event::End(tag) => {
                if !self.open_tags.pop().unwrap_or(false) {
                    self.end(tag);
                }
            }
            Event::Text(text) => {
                if let Some((_, code)) = self.code.as_mut() {
                    code.push_str(&text);
                } else if self.html.skipping() {
                    // inside <script> or <style> opened by inline HTML
                    self.html.skip_text(&text);
                } else {
                    self.push_inline(Inline::Text(text.into_string()));
                }
            }
            Event::Code(code) => self.push_inline(Inline::Code(code.into_string())),
            // Read by `parse_markdown`, which knows where they are.
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                self.push_inline(Inline::Code(math.into_string()))
            }
            Event::Html(html) => {
                match super::html::page_break(&html) {
                    Some(BreakSide::Before) => {
                        self.close_implicit();
                        self.push_block(Block::PageBreak);
                    }
                    Some(BreakSide::After) => self.break_after_html = true,
                    None => {}
                }
                self.block_html(&html)
            }
            Event::InlineHtml(html) => {
                let tokens = self.html.feed(&html);
                self.apply_html(tokens);
            }
            Event::FootnoteReference(label) => {
                self.push_inline(Inline::FootnoteReference(label.into_string()))
            }
            Event::SoftBreak => self.push_inline(Inline::SoftBreak),
            Event::HardBreak => self.push_inline(Inline::LineBreak),
            Event::Rule => {
                self.close_implicit();
                self.push_block(Block::Rule);
            }
            Event::TaskListMarker(checked) => {
                if let Some((Container::ListItem { task }, _)) = self.blocks.last_mut() {
                    *task = Some(checked);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        // Only the line break right after a display is dropped.
        self.after_display = false;
        match tag {
            Tag::Paragraph => {
                self.close_implicit();
                // A paragraph directly in a list item makes the list loose.
                if matches!(self.blocks.last(), Some((Container::ListItem { .. }, _))) {
                    if let Some((_, _, loose)) = self.lists.last_mut() {
                        *loose = true;
                    }
                }
                self.spans.push((Span::Paragraph, Vec::new()));
            }
            Tag::Heading { level, id, .. } => {
                self.close_implicit();
                self.spans.push((
                    Span::Heading {
                        level: heading_level(level),
                        id: id.map(|id| id.into_string()),
                    },
                    Vec::new(),
                ));
            }
            Tag::BlockQuote(_) => {
                self.close_implicit();
                self.blocks.push((Container::Quote, Vec::new()));
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_string)
                        .filter(|s| !s.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((lang, String::new()));
            }
            Tag::HtmlBlock => self.close_implicit(),
            Tag::List(start) => {
                self.close_implicit();
                self.lists.push((start, Vec::new(), false));
            }
            Tag::Item => self
                .blocks
                .push((Container::ListItem { task: None }, Vec::new())),
            Tag::FootnoteDefinition(label) => {
                self.close_implicit();
                self.blocks.push((
                    Container::Footnote {
                        label: label.into_string(),
                    },
                    Vec::new(),
                ));
            }
            Tag::Table(aligns) => {
                self.close_implicit();
                let aligns = aligns
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::Center => ColumnAlign::Center,
                        pulldown_cmark::Alignment::Right => ColumnAlign::Right,
                        _ => ColumnAlign::Left,
                    })
                    .collect();
                self.table = Some(TableBuilder {
                    aligns,
                    ..TableBuilder::default()
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.spans.push((Span::TableCell, Vec::new())),
            Tag::Emphasis => self.open_span(Span::Emphasis),
            Tag::Strong => self.open_span(Span::Strong),
            Tag::Strikethrough => self.open_span(Span::Strikethrough),
            Tag::Superscript => self.open_span(Span::Superscript),
            Tag::Subscript => self.open_span(Span::Subscript),
            Tag::Link { dest_url, .. } => self.open_span(Span::Link {
                url: self.addresses.link(&dest_url),
            }),
            Tag::Image {
                dest_url, title, ..
            } => self.open_span(Span::Image {
                url: self.addresses.image(&dest_url),
                title: title.into_string(),
            }),
            Tag::DefinitionListTitle => {
                self.close_implicit();
                self.spans.push((Span::Term, Vec::new()));
            }
            Tag::DefinitionListDefinition => {
                self.close_implicit();
                self.blocks.push((Container::Definition, Vec::new()));
            }
            Tag::DefinitionList | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.end_html_block();
                self.close_html_spans();
                if let Some((_, inlines)) = self.spans.pop() {
                    // Nothing after a displayed formula: no paragraph.
                    let after_display = std::mem::take(&mut self.after_display);
                    if !(after_display && inlines.iter().all(is_blank)) {
                        self.push_block(Block::Paragraph(inlines));
                    }
                }
            }
            TagEnd::Heading(_) => {
                self.end_html_block();
                self.close_html_spans();
                if let Some((Span::Heading { level, id }, content)) = self.spans.pop() {
                    let id = match id {
                        Some(id) => id,
                        None => self.unique_id(slug(&Inline::plain_text(&content))),
                    };
                    self.heading_ids.insert(id.clone());
                    self.push_block(Block::Heading { level, id, content });
                }
            }
            TagEnd::BlockQuote(kind) => {
                self.close_implicit();
                if let Some((_, blocks)) = self.blocks.pop() {
                    self.push_block(match kind {
                        Some(kind) => Block::Alert {
                            kind: alert_kind(kind),
                            blocks,
                        },
                        None => Block::Quote(blocks),
                    });
                }
            }
            TagEnd::CodeBlock => {
                if let Some((lang, text)) = self.code.take() {
                    self.push_block(Block::Code { lang, text });
                }
            }
            TagEnd::HtmlBlock => {
                self.end_html_block();
                self.close_implicit();
                if std::mem::take(&mut self.break_after_html) {
                    self.push_block(Block::PageBreak);
                }
            }
            TagEnd::List(_) => {
                if let Some((start, items, loose)) = self.lists.pop() {
                    self.push_block(Block::List {
                        start,
                        items,
                        tight: !loose,
                    });
                }
            }
            TagEnd::Item => {
                self.close_implicit();
                if let Some((Container::ListItem { task }, blocks)) = self.blocks.pop() {
                    if let Some((_, items, _)) = self.lists.last_mut() {
                        items.push(ListItem { task, blocks });
                    }
                }
            }
            TagEnd::FootnoteDefinition => {
                self.close_implicit();
                if let Some((Container::Footnote { label }, blocks)) = self.blocks.pop() {
                    self.push_block(Block::FootnoteDefinition { label, blocks });
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.push_block(Block::Table {
                        aligns: t.aligns,
                        head: t.head,
                        rows: t.rows,
                    });
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.head = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::TableCell => {
                self.end_html_block();
                self.close_html_spans();
                if let Some((_, cell)) = self.spans.pop() {
                    if let Some(t) = self.table.as_mut() {
                        t.row.push(cell);
                    }
                }
            }
            TagEnd::Emphasis => self.end_span(),
            TagEnd::Strong => self.end_span(),
            TagEnd::Strikethrough => self.end_span(),
            TagEnd::Superscript => self.end_span(),
            TagEnd::Subscript => self.end_span(),
            TagEnd::Link => self.end_span(),
            TagEnd::Image => self.end_span(),
            TagEnd::DefinitionListTitle => {
                self.end_html_block();
                self.close_html_spans();
                if let Some((Span::Term, inlines)) = self.spans.pop() {
                    self.push_block(Block::Term(inlines));
                }
            }
            TagEnd::DefinitionListDefinition => {
                self.close_implicit();
                if let Some((Container::Definition, blocks)) = self.blocks.pop() {
                    self.push_block(Block::Definition(blocks));
                }
            }
            TagEnd::DefinitionList | TagEnd::MetadataBlock(_) => self.close_implicit(),
        }
    }

    fn open_span(&mut self, span: Span) {
        self.ensure_inline_context();
        self.spans.push((span, Vec::new()));
    }

    /// Closes the span a markdown end tag ends (after any HTML spans left open inside it).
    fn end_span(&mut self) {
        self.close_html_spans();
        self.close_span();
    }

    fn close_span(&mut self) {
        let Some((span, children)) = self.spans.pop() else {
            return;
        };
        let inline = match span {
            Span::Emphasis => Inline::Emphasis(children),
            Span::Strong => Inline::Strong(children),
            Span::Strikethrough => Inline::Strikethrough(children),
            Span::Superscript => Inline::Superscript(children),
            Span::Subscript => Inline::Subscript(children),
            Span::Link { url } => Inline::Link {
                url,
                content: children,
            },
            Span::Image { url, title } => Inline::Image {
                url,
                title,
                alt: children,
            },
            Span::Html(style) => match style {
                HtmlStyle::Emphasis => Inline::Emphasis(children),
                HtmlStyle::Strong => Inline::Strong(children),
                HtmlStyle::Strikethrough => Inline::Strikethrough(children),
                HtmlStyle::Superscript => Inline::Superscript(children),
                HtmlStyle::Subscript => Inline::Subscript(children),
                HtmlStyle::Code => Inline::Code(Inline::plain_text(&children)),
            },
            // Not a span: put it back (unbalanced events cannot happen with pulldown-cmark,
            // but losing text is worse than keeping a stray container).
            other => {
                self.spans.push((other, children));
                return;
            }
        };
        self.push_inline(inline);
    }

    /// A formula's source: set as a formula (a displayed one between the parts of its
    /// paragraph), or, if it cannot be read, printed as code with a warning placed by
    /// `place` (from a byte offset in the source).
    fn math(&mut self, source: &str, display: bool, place: &dyn Fn(usize) -> SourcePos) {
        // GitHub's `` $`…`$ ``: the backticks are not part of the formula.
        let (source, quoted) = match in_backticks(source) {
            Some(inner) if !display => (inner, 1),
            _ => (source, 0),
        };
        let formula = match math::parse(source, display, &self.bounds) {
            Ok(formula) => formula,
            Err(e) => {
                self.math_warning(&e, || place(quoted + e.at));
                let dollars = if display { "$$" } else { "$" };
                let tick = if quoted == 1 { "`" } else { "" };
                let written = format!("{dollars}{tick}{source}{tick}{dollars}");
                self.push_inline(Inline::Code(written));
                return;
            }
        };
        let in_paragraph =
            self.spans.len() == 1 && matches!(self.spans[0].0, Span::Paragraph | Span::Implicit);
        if !display || !in_paragraph {
            self.push_inline(Inline::Math(Box::new(formula)));
            return;
        }
        // A display between a paragraph's lines ends the first part of the paragraph
        // and the rest follows it.
        self.close_html_spans();
        if let Some((span, mut inlines)) = self.spans.pop() {
            while matches!(inlines.last(), Some(Inline::SoftBreak | Inline::LineBreak)) {
                inlines.pop();
            }
            if !inlines.iter().all(is_blank) {
                self.push_block(Block::Paragraph(inlines));
            }
            self.push_block(Block::Math(Box::new(formula)));
            self.spans.push((span, Vec::new()));
            self.after_display = true;
        }
    }

    /// Warns of a formula printed as its source: one warning each for the first
    /// [`MAX_MATH_WARNINGS`], then one for all the others (placed at the first of them),
    /// so that an article of thousands of bad formulas costs no more to report.
    fn math_warning(&mut self, error: &math::MathError, place: impl FnOnce() -> SourcePos) {
        self.math_warnings += 1;
        if self.math_warnings <= MAX_MATH_WARNINGS {
            self.warnings.push(Warning::Math {
                message: error.to_string(),
                command: error.command(),
                at: place(),
            });
        } else if self.math_warnings == MAX_MATH_WARNINGS + 1 {
            self.more_math_at = Some(place());
        }
    }

    /// Ends a ```` ```math ```` block: its text is a displayed formula, unless it cannot
    /// be read (then it stays a code block, with a warning).
    fn end_math_block(&mut self, place: &dyn Fn(usize) -> SourcePos) {
        let Some((_, source)) = &self.code else {
            return;
        };
        match math::parse(source.trim_end(), true, &self.bounds) {
            Ok(formula) => {
                self.code = None;
                self.push_block(Block::Math(Box::new(formula)));
            }
            Err(e) => self.math_warning(&e, || place(e.at)),
        }
    }

    /// Text outside any paragraph (tight list items, HTML blocks) opens an implicit one.
    fn ensure_inline_context(&mut self) {
        if self.spans.is_empty() {
            self.spans.push((Span::Implicit, Vec::new()));
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if self.after_display {
            // The line break after a displayed formula is not a space.
            if matches!(inline, Inline::SoftBreak | Inline::LineBreak) {
                return;
            }
            self.after_display = false;
        }
        self.ensure_inline_context();
        if let Some((_, inlines)) = self.spans.last_mut() {
            inlines.push(inline);
        }
    }

    /// Closes an implicit paragraph (if one is open) before a block starts.
    fn close_implicit(&mut self) {
        if matches!(self.spans.first(), Some((Span::Implicit, _))) {
            self.close_html_spans();
        }
        if matches!(self.spans.last(), Some((Span::Implicit, _))) {
            if let Some((_, inlines)) = self.spans.pop() {
                if !inlines.iter().all(is_blank) {
                    self.push_block(Block::Paragraph(inlines));
                }
            }
        }
    }

    fn push_block(&mut self, block: Block) {
        if self.blocks.is_empty() {
            self.blocks.push((Container::Root, Vec::new()));
        }
        if let Some((_, blocks)) = self.blocks.last_mut() {
            blocks.push(block);
        }
    }

    fn block_html(&mut self, html: &str) {
        let tokens = self.html.feed(html);
        self.apply_html(tokens);
    }

    fn apply_html(&mut self, tokens: Vec<HtmlToken>) {
        for token in tokens {
            match token {
                HtmlToken::Text(text) => {
                    if text.trim().is_empty() && self.spans.is_empty() {
                        continue;
                    }
                    self.push_inline(Inline::Text(text));
                }
                HtmlToken::LineBreak => self.push_inline(Inline::LineBreak),
                HtmlToken::Open(style) => {
                    if self.spans.len() < MAX_SPAN_DEPTH {
                        self.open_span(Span::Html(style));
                    }
                }
                HtmlToken::Close(style) => {
                    if matches!(self.spans.last(), Some((Span::Html(open), _)) if *open == style) {
                        self.close_span();
                    }
                }
            }
        }
    }

    /// The end of a block for the raw HTML reader: text an unclosed `<script>` or
    /// `<style>` would have hidden is printed after all, with a warning.
    fn end_html_block(&mut self) {
        if let Some(unclosed) = self.html.end_block() {
            self.warnings.push(Warning::UnclosedHtml {
                tag: unclosed.tag.to_string(),
            });
            self.push_inline(Inline::Text(unclosed.text));
        }
    }

    /// Closes spans opened by HTML tags that were never closed, so the markdown span or
    /// block that ends now finds itself on top.
    fn close_html_spans(&mut self) {
        while matches!(self.spans.last(), Some((Span::Html(_), _))) {
            self.close_span();
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.close_implicit();
        // Close anything a truncated stream left open, innermost first, keeping the text.
        while let Some((_, inlines)) = self.spans.pop() {
            if !inlines.is_empty() {
                self.push_block(Block::Paragraph(inlines));
            }
        }
        while self.blocks.len() > 1 {
            let (_, blocks) = self.blocks.pop().unwrap_or((Container::Root, Vec::new()));
            self.push_block(Block::Quote(blocks));
        }
        self.blocks.pop().map(|(_, b)| b).unwrap_or_default()
    }
}

fn is_blank(inline: &Inline) -> bool {
    match inline {
        Inline::Text(t) => t.trim().is_empty(),
        Inline::SoftBreak => true,
        _ => false,
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A heading's anchor as GitHub makes it: lowercase, spaces to hyphens, punctuation gone.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == ' ' || c == '-' {
            out.push('-');
        } else if c == '_' {
            out.push('_');
        }
    }
    out
}

fn alert_kind(kind: pulldown_cmark::BlockQuoteKind) -> super::AlertKind {
    use super::AlertKind;
    use pulldown_cmark::BlockQuoteKind as Gfm;
    match kind {
        Gfm::Note => AlertKind::Note,
        Gfm::Tip => AlertKind::Tip,
        Gfm::Important => AlertKind::Important,
        Gfm::Warning => AlertKind::Warning,
        Gfm::Caution => AlertKind::Caution,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_markdown(markdown: &str) -> Vec<Block> {
        super::parse_markdown(
            markdown,
            &Addresses::default(),
            Some(&math::Bounds::default()),
            1,
            &Cancel::never(),
        )
        .unwrap()
        .0
    }

    fn text(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(i) => Inline::plain_text(i),
                Block::Heading { content, .. } => Inline::plain_text(content),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn formulas(blocks: &[Block]) -> Vec<String> {
        fn walk(inlines: &[Inline], out: &mut Vec<String>) {
            for inline in inlines {
                match inline {
                    Inline::Math(f) => {
                        out.push(format!("{}{}", if f.display { "D:" } else { "" }, f.source))
                    }
                    other => walk(other.children().unwrap_or(&[]), out),
                }
            }
        }
        let mut out = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph(inlines) => walk(inlines, &mut out),
                Block::Math(f) => out.push(format!("block:{}", f.source)),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn dollars_open_and_close_formulas_by_pandocs_rules() {
        let blocks = parse_markdown("Costs $5 and $10 later, $ 20, and from $5 to 10$20.");
        assert_eq!(formulas(&blocks), Vec::<String>::new());
        assert_eq!(
            text(&blocks),
            ["Costs $5 and $10 later, $ 20, and from $5 to 10$20."]
        );
        let blocks = parse_markdown("Both $x^2$ and $`y_1`$ and \\$5.");
        assert_eq!(formulas(&blocks), ["x^2", "y_1"]);
        // Unbalanced braces between dollars: the source as code; escaped dollars and
        // prices are never a formula's.
        let blocks = parse_markdown("x $a}b$ y, \\$5 {x} 6\\$, $5 {x} and $6.");
        let Block::Paragraph(inlines) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert!(
            inlines.contains(&Inline::Code("$a}b$".into())),
            "{inlines:?}"
        );
        assert_eq!(
            Inline::plain_text(inlines),
            "x $a}b$ y, $5 {x} 6$, $5 {x} and $6."
        );
        let blocks = parse_markdown("```math\n\\sqrt{2}\n```\n");
        assert_eq!(formulas(&blocks), ["block:\\sqrt{2}"]);
        // A display between a paragraph's lines splits it; a heading keeps it inline.
        let blocks = parse_markdown("Before\n$$a=b$$\nafter.\n\n# Title $$c$$\n");
        assert_eq!(formulas(&blocks), ["block:a=b"]);
        assert!(matches!(&blocks[1], Block::Math(_)));
        let texts = text(&blocks);
        assert_eq!((texts[0].as_str(), texts[2].as_str()), ("Before", "after."));
        assert!(matches!(&blocks[3], Block::Heading { content, .. }
            if matches!(&content[1], Inline::Math(f) if f.display)));
    }

    #[test]
    fn formulas_in_plain_text_become_plain_unicode() {
        let text = |s: &str| formulas_as_text(s, &math::Bounds::default());
        assert_eq!(text("Why $E=mc^2$ holds"), "Why E = mc² holds");
        assert_eq!(text("From $5 to $10"), "From $5 to $10");
        assert_eq!(text("Bad $\\foo$ kept"), "Bad $\\foo$ kept");
        assert_eq!(text("*No* markdown"), "*No* markdown");
    }

    #[test]
    fn paragraphs_headings_and_smart_punctuation() {
        let blocks = parse_markdown("# Hello \"world\"\n\nIt's -- here... --- done");
        assert_eq!(
            text(&blocks),
            vec![
                "Hello \u{201c}world\u{201d}",
                "It\u{2019}s \u{2013} here\u{2026} \u{2014} done"
            ]
        );
        match &blocks[0] {
            Block::Heading { level, id, .. } => {
                assert_eq!(*level, 1);
                assert_eq!(id, "hello-world");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn heading_ids_are_unique_as_on_github() {
        let blocks = parse_markdown("## Notes\n\n## Notes\n\n## Notes {#notes-1}\n\n## Notes");
        let ids: Vec<&str> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        // An explicit id is the author's, even on a later heading: made-up ids step
        // around it.
        assert_eq!(ids, ["notes", "notes-2", "notes-1", "notes-3"]);
    }

    #[test]
    fn tight_list_items_get_implicit_paragraphs() {
        let blocks = parse_markdown("- one\n- [x] two\n\n3. three");
        let Block::List {
            start: None,
            items,
            tight: true,
        } = &blocks[0]
        else {
            panic!("{blocks:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].task, Some(true));
        assert_eq!(text(&items[0].blocks), vec!["one"]);
        assert!(matches!(blocks[1], Block::List { start: Some(3), .. }));
        let loose = parse_markdown("- one\n\n- two");
        assert!(
            matches!(loose[0], Block::List { tight: false, .. }),
            "{loose:?}"
        );
    }

    #[test]
    fn html_keeps_text_and_drops_scripts() {
        let blocks = parse_markdown(
            "<div>Kept <b>bold</b><script>alert(1)</script></div>\n\nA<br>B <!-- gone --> &amp; C",
        );
        let all = text(&blocks).join("|");
        assert!(all.contains("Kept bold"), "{all}");
        assert!(!all.contains("alert"), "{all}");
        assert!(!all.contains("gone"), "{all}");
        assert!(!all.contains('>'), "{all}");
        assert!(all.contains("& C"), "{all}");
    }

    #[test]
    fn hostile_nesting_is_flattened_but_keeps_its_text() {
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::Quote(inner) => 1 + depth(inner),
                    Block::List { items, .. } => {
                        1 + items.iter().map(|i| depth(&i.blocks)).max().unwrap_or(0)
                    }
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        let quotes = format!("{} deep", ">".repeat(10_000));
        let blocks = parse_markdown(&quotes);
        assert!(depth(&blocks) <= MAX_BLOCK_DEPTH);
        let list: String = (0..200)
            .map(|i| format!("{}- item{i}\n", "  ".repeat(i)))
            .collect();
        let blocks = parse_markdown(&list);
        assert!(depth(&blocks) <= MAX_BLOCK_DEPTH);
        let text = format!("{blocks:?}");
        assert!(text.contains("item199"));
        let emphasis = format!("{}x{}", "*_".repeat(200), "_*".repeat(200));
        assert!(format!("{:?}", parse_markdown(&emphasis)).contains('x'));
    }

    #[test]
    fn quotes_nest() {
        let blocks = parse_markdown("> outer\n>\n> > inner");
        let Block::Quote(inner) = &blocks[0] else {
            panic!()
        };
        assert!(matches!(inner[1], Block::Quote(_)));
    }
}
