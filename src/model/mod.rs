//! Stage 1: markdown → document model.
//!
//! Takes the article's markdown text (with optional YAML or TOML front matter) and gives a
//! [`Document`]: the article's metadata, the options its front matter sets, and a tree of
//! [`Block`]s and [`Inline`]s. Malformed markdown is never an error (it reads as text, as
//! CommonMark says); only unreadable front matter is.

mod address;
mod build;
mod frontmatter;
mod html;
mod unclosed;
mod yaml;

pub use address::Addresses;
pub use build::{formulas_as_text, parse_markdown, parser_options};
pub use frontmatter::{split_front_matter, MetaField, MetaKey, META_KEYS};

use crate::cancel::Cancel;
use crate::math::Formula;

use crate::context::{Limits, Origin};
use crate::error::{Error, Warning};
use crate::options::RenderOptions;

/// A parsed article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub meta: Meta,
    /// Options set by the front matter (they lose to options the caller passes).
    pub options: RenderOptions,
    pub blocks: Vec<Block>,
    /// What reading the markdown had to mend (an HTML block that never closed).
    pub warnings: Vec<Warning>,
    /// Where the front matter's keys and values are written in the article's file, so
    /// that a value refused later (a template that does not exist) is placed too.
    pub front_places: crate::source::Places,
}

/// What the front matter says about the article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    /// `subtitle`, or `description` when there is no subtitle.
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    /// The article's canonical address, printed in the title block and footer.
    pub url: Option<String>,
    pub keywords: Vec<String>,
}

impl Meta {
    /// The metadata as the reader wants it printed: without the date or the address if
    /// they asked so.
    pub fn printed(&self, show_date: bool, show_url: bool) -> Meta {
        Meta {
            date: self.date.clone().filter(|_| show_date),
            url: self.url.clone().filter(|_| show_url),
            ..self.clone()
        }
    }
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Heading {
        level: u8,
        /// Anchor for internal links (`#id`): given by `{#id}` or made from the text.
        id: String,
        content: Vec<Inline>,
    },
    Quote(Vec<Block>),
    List {
        /// Number of the first item for ordered lists; `None` for bullets.
        start: Option<u64>,
        items: Vec<ListItem>,
        /// Items without blank lines between them: set close together.
        tight: bool,
    },
    Code {
        lang: Option<String>,
        text: String,
    },
    Table {
        /// Alignment of each column.
        aligns: Vec<ColumnAlign>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
    /// A term of a definition list: set in bold, kept with its definitions.
    Term(Vec<Inline>),
    /// The definition of the term before it: set indented.
    Definition(Vec<Block>),
    /// One of GitHub's alert blocks (`> [!NOTE]`…): a quote opened by its label.
    Alert {
        kind: AlertKind,
        blocks: Vec<Block>,
    },
    /// A forced page break: a raw HTML block with the class `page-break`, or styled
    /// `page-break-before: always` / `break-before: page` (or `-after`), which a browser
    /// shows as nothing.
    PageBreak,
    /// A formula displayed on its own (`$$…$$` standing between a paragraph's lines, or a
    /// ```` ```math ```` block), centred between the text around it.
    Math(Box<Formula>),
    /// A footnote's text, collected where it is defined.
    FootnoteDefinition {
        label: String,
        blocks: Vec<Block>,
    },
}

/// The kinds of GitHub's alert blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

/// How a table column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColumnAlign {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// `Some(checked)` for task list items.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

/// A note's number in the document, from 0 (printed as 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoteId(pub u32);

impl NoteId {
    /// The number printed for the note.
    pub fn number(self) -> u32 {
        self.0 + 1
    }
}

/// Which note a mark in the text refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteMark {
    /// A note at the foot of the page (a footnote, or a link's address).
    Footnote(NoteId),
    /// A link's address in the numbered list at the end.
    Endnote(u32),
}

/// An inline element.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Link {
        url: String,
        content: Vec<Inline>,
    },
    Image {
        url: String,
        /// The image's title (`![alt](url "title")`): its caption when given.
        title: String,
        alt: Vec<Inline>,
    },
    FootnoteReference(String),
    /// A formula in the text (`$…$`; `$$…$$` in a heading or a table cell, set in
    /// display style where it stands).
    Math(Box<Formula>),
    /// A numbered note's mark. The parser never makes one: the flow stage puts them where
    /// footnotes are referenced and after links whose addresses it prints as notes.
    NoteMark(NoteMark),
    /// Text printed in a colour (highlighted code). The parser never makes one: the flow
    /// stage colours code blocks.
    Colored {
        color: crate::geom::Rgb,
        content: Vec<Inline>,
    },
    /// A hard line break (two spaces or a backslash at the end of a line, `<br>`).
    LineBreak,
    /// A line ending inside a paragraph: an inter-word space.
    SoftBreak,
}

impl Inline {
    /// The inlines nested in this one (an emphasis's text, a link's text, an image's alt
    /// text), if it has any.
    pub fn children(&self) -> Option<&[Inline]> {
        match self {
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. }
            | Inline::Colored { content: c, .. }
            | Inline::Image { alt: c, .. } => Some(c),
            _ => None,
        }
    }

    /// The plain text of a sequence of inlines (for outlines, ids and messages).
    /// A heading's inlines as they print elsewhere (the table of contents, the outline):
    /// without footnote references or note marks, links as their text, breaks as spaces.
    pub fn without_references(inlines: &[Inline]) -> Vec<Inline> {
        let inner = Inline::without_references;
        let mut out = Vec::with_capacity(inlines.len());
        for inline in inlines {
            out.push(match inline {
                Inline::FootnoteReference(_) | Inline::NoteMark(_) => continue,
                Inline::Link { content, .. } => {
                    out.extend(inner(content));
                    continue;
                }
                Inline::LineBreak | Inline::SoftBreak => Inline::Text(" ".to_string()),
                Inline::Image { alt, .. } => Inline::Text(Inline::plain_text(&inner(alt))),
                Inline::Emphasis(c) => Inline::Emphasis(inner(c)),
                Inline::Strong(c) => Inline::Strong(inner(c)),
                Inline::Strikethrough(c) => Inline::Strikethrough(inner(c)),
                Inline::Superscript(c) => Inline::Superscript(inner(c)),
                Inline::Subscript(c) => Inline::Subscript(inner(c)),
                Inline::Colored { color, content } => Inline::Colored {
                    color: *color,
                    content: inner(content),
                },
                Inline::Text(_) | Inline::Code(_) | Inline::Math(_) => inline.clone(),
            });
        }
        out
    }

    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut out = String::new();
        fn walk(inlines: &[Inline], out: &mut String) {
            for inline in inlines {
                if let Some(children) = inline.children() {
                    walk(children, out);
                    continue;
                }
                match inline {
                    Inline::Text(t) | Inline::Code(t) => out.push_str(t),
                    Inline::Math(formula) => out.push_str(&formula.linear()),
                    Inline::FootnoteReference(label) => out.push_str(label),
                    Inline::NoteMark(NoteMark::Footnote(id)) => {
                        out.push_str(&format!("\u{202f}{}", id.number()))
                    }
                    Inline::NoteMark(NoteMark::Endnote(n)) => out.push_str(&format!("\u{202f}{n}")),
                    Inline::LineBreak | Inline::SoftBreak => out.push(' '),
                    // Inlines with children were walked above.
                    _ => {}
                }
            }
        }
        walk(inlines, &mut out);
        out
    }
}

/// The article's text as every reader of it sees it: NUL characters as U+FFFD, as
/// CommonMark asks (so that the front matter read alone is the one a render reads).
pub fn without_nul(source: &str) -> std::borrow::Cow<'_, str> {
    if source.contains('\0') {
        std::borrow::Cow::Owned(source.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(source)
    }
}

/// Parses an article: front matter first (refused if larger or deeper than `limits`
/// allow), then the markdown body. NUL characters become U+FFFD, as CommonMark asks; an
/// HTML block that never closes is read as text (with a warning), not as the end of the
/// article; `cancel` is checked as the events go by. Relative link and image addresses
/// are resolved against the article's address (see [`Addresses`]): where it came from
/// (`origin`), else its front matter's `url`, else `base_url` (the caller's, else the
/// front matter's); the article's address is its printed source when the front matter
/// names none.
pub fn parse(
    source: &str,
    origin: &Origin,
    base_url: Option<&str>,
    math: Option<bool>,
    limits: &Limits,
    cancel: &Cancel,
) -> Result<Document, Error> {
    let source = without_nul(source);
    let (mut front, body) = split_front_matter(&source, limits)?;
    // The caller's `math` wins over the front matter's.
    let math = math.or(front.options.math).unwrap_or(true);
    let bounds = crate::math::Bounds::of(limits);
    if math {
        // The title block and the document's metadata are plain text: formulas in them
        // read as plain Unicode.
        for text in [&mut front.meta.title, &mut front.meta.subtitle] {
            if let Some(text) = text.as_mut() {
                *text = formulas_as_text(text, &bounds);
            }
        }
    }
    // The line of the file the body starts on (after the front matter), for the places
    // of formulas that cannot be set.
    let body_start = (body.as_ptr() as usize).saturating_sub(source.as_ptr() as usize);
    let first_line = 1 + source
        .get(..body_start)
        .map_or(0, |s| s.matches('\n').count());
    let front_base = front.options.base_url.as_ref().map(|b| b.0.as_str());
    let addresses = Addresses::new(
        origin,
        front.meta.url.as_deref(),
        base_url.or(front_base).filter(|b| !b.is_empty()),
    );
    if front.meta.url.is_none() {
        front.meta.url = addresses.article_written().map(str::to_string);
    }
    let mut warnings = Vec::new();
    let escaped = unclosed::escape_unclosed_blocks(body, math);
    let body = match &escaped {
        Some((escaped, openers)) => {
            for opener in openers {
                warnings.push(Warning::UnclosedHtml {
                    tag: format!("{opener}\u{2026}"),
                });
            }
            escaped.as_str()
        }
        None => body,
    };
    let (blocks, markdown_warnings) = parse_markdown(
        body,
        &addresses,
        math.then_some(&bounds),
        first_line,
        cancel,
    )?;
    warnings.extend(markdown_warnings);
    let mut doc = Document {
        meta: front.meta,
        options: front.options,
        blocks,
        warnings,
        front_places: front.places,
    };
    // Without a title in the front matter, a leading level-1 heading is the title.
    if doc.meta.title.is_none() {
        if let Some(Block::Heading {
            level: 1, content, ..
        }) = doc.blocks.first()
        {
            doc.meta.title = Some(Inline::plain_text(content).trim().to_string());
            doc.blocks.remove(0);
        }
    }
    Ok(doc)
}
