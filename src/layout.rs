//! The page model: what the page stage gives and the PDF writer draws, and what tests and
//! tools inspect ([`Layout::dump`]). Every element is positioned on its page in points,
//! `y` measured down from the top of the page.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use crate::geom::{Point, Pt, Rect, Rgb};
use crate::images::LoadedImage;
use crate::structure::{Structure, Tag};
use crate::text::ShapedRun;

pub use crate::model::NoteId;

/// A place inside the document that links can jump to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnchorKey {
    /// A heading (or other element) by its id, as `[text](#id)` names it.
    Id(String),
    /// A footnote's text at the foot of a page.
    Note(NoteId),
    /// The place a footnote is referenced from, for the note's link back.
    NoteRef(NoteId),
    /// An entry of the end notes list (link addresses with `links = endnote`).
    Endnote(u32),
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// An address outside the document.
    Uri(String),
    /// A place inside it.
    Internal(AnchorKey),
}

/// The schemes a link may have in a PDF: a reader's click goes to the web or to mail,
/// never to a script, a local file, a program or embedded data.
const SAFE_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

impl LinkTarget {
    /// The target of a markdown link, if it may be one: `#id` inside the document, or an
    /// `http`, `https` or `mailto` address outside it, written in printable ASCII (other
    /// bytes percent-encoded, so no control character reaches the file). Anything else
    /// (`javascript:`, `file:`, `data:`, a relative address...) is no link at all.
    pub fn from_href(href: &str) -> Option<LinkTarget> {
        let href = href.trim();
        if let Some(id) = href.strip_prefix('#') {
            return Some(LinkTarget::Internal(AnchorKey::Id(id.to_string())));
        }
        let scheme = href.split_once(':')?.0;
        let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid || !SAFE_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            return None;
        }
        Some(LinkTarget::Uri(ascii_uri(href)))
    }
}

/// An address in printable ASCII: spaces, control characters and non-ASCII characters
/// percent-encoded (as UTF-8), as a browser sends them.
fn ascii_uri(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for c in href.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    /// Glyphs with their baseline starting at (`x`, `y`), in `color`.
    Text {
        x: Pt,
        y: Pt,
        run: ShapedRun,
        color: Rgb,
        /// What the text is part of in the document's structure.
        tag: Tag,
        /// The formula the glyph is part of: its source, which the text layer gives once
        /// in place of all its glyphs (the glyphs of one formula's line share it).
        formula: Option<Arc<str>>,
    },
    /// A straight line; `gray` 0 is black. Always decoration (an artifact): a rule's
    /// meaning, if any, is in the structure of the text around it.
    Rule {
        from: Point,
        to: Point,
        thickness: Pt,
        gray: f32,
    },
    /// A clickable area, part of the structure's link element `tag`.
    Link {
        rect: Rect,
        target: LinkTarget,
        tag: Tag,
    },
    /// A picture filling `rect` (a figure's, or an artifact: an emoji's picture, whose
    /// text is carried by its run, or a decorative image).
    Image {
        rect: Rect,
        image: Arc<LoadedImage>,
        tag: Tag,
    },
}

impl Element {
    /// The same element moved by (`dx`, `dy`).
    pub fn translated(mut self, dx: Pt, dy: Pt) -> Element {
        match &mut self {
            Element::Text { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Element::Rule { from, to, .. } => {
                from.x += dx;
                from.y += dy;
                to.x += dx;
                to.y += dy;
            }
            Element::Link { rect, .. } | Element::Image { rect, .. } => {
                rect.x += dx;
                rect.y += dy;
            }
        }
        self
    }

    /// The element drawn again as furniture (a table's header repeated on a later
    /// page): an artifact, and no second link (a link is part of the structure once).
    pub fn repeated(&self) -> Option<Element> {
        let mut copy = self.clone();
        match &mut copy {
            Element::Text { tag, .. } | Element::Image { tag, .. } => *tag = Tag::ARTIFACT,
            Element::Link { .. } => return None,
            Element::Rule { .. } => {}
        }
        Some(copy)
    }

    /// A horizontal or vertical rule from (`x0`, `y0`) to (`x1`, `y1`).
    pub fn rule(from: (Pt, Pt), to: (Pt, Pt), thickness: Pt, gray: f32) -> Element {
        Element::Rule {
            from: Point::new(from.0, from.1),
            to: Point::new(to.0, to.1),
            thickness,
            gray,
        }
    }
}

/// What a line of a page is, for inspection and for readers of the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    Title,
    Subtitle,
    Byline,
    Address,
    Heading(u8),
    /// Running text: paragraphs, list items, quotes, definitions.
    #[default]
    Body,
    Code,
    Table,
    Figure,
    Caption,
    /// A displayed formula.
    Math,
    /// An entry of the table of contents.
    Contents,
    /// A decorative rule: under the title block, a thematic break, before end matter.
    Rule,
    Note,
    Header,
    Footer,
}

impl Role {
    fn label(self) -> String {
        match self {
            Role::Title => "title".into(),
            Role::Subtitle => "subtitle".into(),
            Role::Byline => "byline".into(),
            Role::Address => "address".into(),
            Role::Heading(level) => format!("h{level}"),
            Role::Body => "body".into(),
            Role::Code => "code".into(),
            Role::Table => "table".into(),
            Role::Figure => "figure".into(),
            Role::Caption => "caption".into(),
            Role::Math => "math".into(),
            Role::Contents => "contents".into(),
            Role::Rule => "rule".into(),
            Role::Note => "note".into(),
            Role::Header => "header".into(),
            Role::Footer => "footer".into(),
        }
    }
}

/// A line of a page: its role, where it is, and which of the page's elements it drew.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLine {
    pub role: Role,
    pub top: Pt,
    pub height: Pt,
    /// Indices into [`Page::elements`].
    pub elements: Range<usize>,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: Pt,
    pub height: Pt,
    pub elements: Vec<Element>,
    /// The page's lines, in the order they were placed.
    pub lines: Vec<PageLine>,
}

impl Page {
    pub fn new(width: Pt, height: Pt) -> Page {
        Page {
            width,
            height,
            elements: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Adds a line's elements, moved to (`x`, `y`), and records the line.
    pub fn push_line(&mut self, role: Role, x: Pt, y: Pt, height: Pt, elements: Vec<Element>) {
        let start = self.elements.len();
        self.elements
            .extend(elements.into_iter().map(|e| e.translated(x, y)));
        self.lines.push(PageLine {
            role,
            top: y,
            height,
            elements: start..self.elements.len(),
        });
    }
}

impl Page {
    /// Adds elements already placed on the page as one line.
    pub fn push_placed(&mut self, role: Role, top: Pt, height: Pt, elements: Vec<Element>) {
        let start = self.elements.len();
        self.elements.extend(elements);
        self.lines.push(PageLine {
            role,
            top,
            height,
            elements: start..self.elements.len(),
        });
    }
}

/// A heading's (or a note's) place, for the outline and internal links.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub key: AnchorKey,
    /// Heading level (1-6) and text when the anchor belongs in the outline.
    pub outline: Option<(u8, String)>,
    /// Zero-based page index.
    pub page: usize,
    pub y: Pt,
}

/// The typeset document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub pages: Vec<Page>,
    pub anchors: Vec<Anchor>,
    /// The document's logical structure, which the elements' tags point into.
    pub structure: Structure,
}

/// The text of a sequence of elements: runs joined, a space where a visible gap separates
/// them, and `newline` where the baseline changes.
fn elements_text<'a>(elements: impl Iterator<Item = &'a Element>, newline: char) -> String {
    let mut out = String::new();
    // (baseline, where the previous run ended)
    let mut last: Option<(Pt, Pt)> = None;
    for element in elements {
        if let Element::Text { x, y, run, .. } = element {
            // A word space the text carries (a space glyph) needs no other.
            let spaced = out.ends_with(' ');
            match last {
                Some((ly, _)) if (ly - *y).abs() > Pt(0.5) && !(spaced && newline == ' ') => {
                    // A line's closing word space is not shown in a dump of lines.
                    out.truncate(out.trim_end_matches(' ').len());
                    out.push(newline)
                }
                // A visible gap is a space; pieces of one word touch.
                Some((_, end)) if *x - end > Pt(run.size * 0.1) && !spaced => out.push(' '),
                _ => {}
            }
            out.push_str(&run.text);
            last = Some((*y, *x + Pt(run.width())));
        }
    }
    out.truncate(out.trim_end_matches(' ').len());
    out
}

impl Layout {
    /// The text of each page, line by line (glyph texts joined; a debugging and testing
    /// aid, not a PDF text extraction).
    pub fn text_dump(&self) -> String {
        let mut out = String::new();
        for (i, page) in self.pages.iter().enumerate() {
            out.push_str(&format!("--- page {} ---\n", i + 1));
            out.push_str(&elements_text(page.elements.iter(), '\n'));
            out.push('\n');
        }
        out
    }

    /// A readable picture of every page for golden tests and reviews: one row per line
    /// with its top, height, indent from the left margin and role, then its text (images
    /// and rules named in brackets).
    pub fn dump(&self, left_margin: Pt) -> String {
        let mut out = String::new();
        for (i, page) in self.pages.iter().enumerate() {
            let _ = writeln!(
                out,
                "page {} of {} ({:.1} x {:.1} pt)",
                i + 1,
                self.pages.len(),
                page.width.0,
                page.height.0
            );
            for line in &page.lines {
                let elements = &page.elements[line.elements.clone()];
                let left = elements
                    .iter()
                    .filter_map(|e| match e {
                        Element::Text { x, .. } => Some(*x),
                        Element::Image { rect, .. } => Some(rect.x),
                        _ => None,
                    })
                    .reduce(Pt::min);
                let mut text = elements_text(elements.iter(), ' ');
                for element in elements {
                    if let Element::Image { rect, image, .. } = element {
                        let _ = write!(
                            text,
                            "[image {}x{} px at {:.0}x{:.0} pt]",
                            image.width, image.height, rect.width.0, rect.height.0
                        );
                    }
                }
                if text.is_empty() && elements.iter().any(|e| matches!(e, Element::Rule { .. })) {
                    text.push_str("[rule]");
                }
                let indent = left.map_or(String::from("     "), |x| {
                    format!("{:5.1}", (x - left_margin).0)
                });
                let _ = writeln!(
                    out,
                    "  {:6.1} {:5.1} {indent} {:<9} {}",
                    line.top.0,
                    line.height.0,
                    line.role.label(),
                    text.trim_end()
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_addresses_and_anchors_are_links() {
        let uri = |s: &str| Some(LinkTarget::Uri(s.to_string()));
        assert_eq!(
            LinkTarget::from_href("https://a.example/x"),
            uri("https://a.example/x")
        );
        assert_eq!(
            LinkTarget::from_href("HTTP://A.example"),
            uri("HTTP://A.example")
        );
        assert_eq!(
            LinkTarget::from_href("mailto:a@b.example"),
            uri("mailto:a@b.example")
        );
        assert_eq!(
            LinkTarget::from_href("#intro"),
            Some(LinkTarget::Internal(AnchorKey::Id("intro".into())))
        );
        for refused in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "vbscript:x",
            "file:///etc/passwd",
            "data:text/html,<script>",
            "launch:calc.exe",
            "\\\\server\\share",
            "//evil.example/x",
            "relative/page.html",
            "/absolute/path",
            "java\u{0}script:x",
        ] {
            assert_eq!(LinkTarget::from_href(refused), None, "{refused:?}");
        }
        // Control characters and spaces never reach the file as they are.
        assert_eq!(
            LinkTarget::from_href("https://a.example/a b\u{7}\u{e9}"),
            uri("https://a.example/a%20b%07%C3%A9")
        );
    }
}
