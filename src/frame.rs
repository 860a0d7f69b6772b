//! Positioned output: what the paginator gives and the PDF writer draws. All lengths in
//! points, `y` measured down from the top of the page.

use crate::text::ShapedRun;

/// A rectangle, `y` its top edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// An address outside the document.
    Uri(String),
    /// A heading (or other anchor) inside it, by id.
    Anchor(String),
}

impl LinkTarget {
    pub fn from_href(href: &str) -> LinkTarget {
        match href.strip_prefix('#') {
            Some(id) => LinkTarget::Anchor(id.to_string()),
            None => LinkTarget::Uri(href.to_string()),
        }
    }
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    /// Glyphs with their baseline starting at (`x`, `y`).
    Text { x: f32, y: f32, run: ShapedRun },
    /// A straight line; `gray` 0 is black.
    Rule {
        from: (f32, f32),
        to: (f32, f32),
        thickness: f32,
        gray: f32,
    },
    /// A clickable area.
    Link { rect: Rect, target: LinkTarget },
    /// A picture filling `rect`.
    Image {
        rect: Rect,
        image: std::sync::Arc<crate::images::LoadedImage>,
    },
}

impl Element {
    /// The same element moved by (`dx`, `dy`).
    pub fn translated(mut self, dx: f32, dy: f32) -> Element {
        match &mut self {
            Element::Text { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Element::Rule { from, to, .. } => {
                from.0 += dx;
                from.1 += dy;
                to.0 += dx;
                to.1 += dy;
            }
            Element::Link { rect, .. } | Element::Image { rect, .. } => {
                rect.x += dx;
                rect.y += dy;
            }
        }
        self
    }
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub elements: Vec<Element>,
}

/// A heading's place, for the outline and internal links.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub id: String,
    /// Heading level (1-6) and text when the anchor belongs in the outline.
    pub outline: Option<(u8, String)>,
    /// Zero-based page index.
    pub page: usize,
    pub y: f32,
}

/// The typeset document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub pages: Vec<Page>,
    pub anchors: Vec<Anchor>,
}

impl Layout {
    /// The text of each page, line by line (glyph texts joined; a debugging and testing
    /// aid, not a PDF text extraction).
    pub fn text_dump(&self) -> String {
        let mut out = String::new();
        for (i, page) in self.pages.iter().enumerate() {
            out.push_str(&format!("--- page {} ---\n", i + 1));
            // (baseline, where the previous run ended)
            let mut last: Option<(f32, f32)> = None;
            for element in &page.elements {
                if let Element::Text { x, y, run } = element {
                    match last {
                        Some((ly, _)) if (ly - y).abs() > 0.5 => out.push('\n'),
                        // A visible gap is a space; pieces of one word touch.
                        Some((_, end)) if x - end > run.size * 0.1 => out.push(' '),
                        _ => {}
                    }
                    out.push_str(&run.text);
                    last = Some((*y, x + run.width()));
                }
            }
            out.push('\n');
        }
        out
    }
}
