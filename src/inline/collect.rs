//! Inlines → styled spans: the first step of preparing a paragraph. Emphasis, links,
//! code, superscripts and note marks become runs of text each in one face, size, colour
//! and kind; neighbours of one style are merged so that a paragraph is shaped (and
//! kerned) in as few pieces as it can be. The paragraph's link targets are collected on
//! the way.

use super::style::ParagraphStyle;
use crate::geom::Rgb;
use crate::layout::{AnchorKey, LinkTarget};
use crate::math::Formula;
use crate::model::{Inline, NoteMark};
use crate::text::fonts::FaceSet;
use crate::text::FaceId;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum TextKind {
    /// Running text: hyphenated, its spaces flexible.
    Prose,
    /// Inline code or a code block: set in the code face, never hyphenated.
    Code,
    /// A link whose text is an address: breaks after its separators, never hyphenated.
    Url,
}

/// A stretch of a paragraph's text in one style.
#[derive(Debug, Clone)]
pub(super) struct Span {
    pub text: String,
    pub face: FaceId,
    pub size: f32,
    /// Index into the paragraph's links.
    pub link: Option<usize>,
    pub strike: bool,
    /// Raise (superscript, > 0) or lower the baseline, in points.
    pub rise: f32,
    pub color: Rgb,
    pub kind: TextKind,
}

/// The style inherited down the inline tree.
#[derive(Debug, Clone, Copy)]
struct Style {
    bold: bool,
    italic: bool,
    size: f32,
    link: Option<usize>,
    strike: bool,
    rise: f32,
    color: Rgb,
    url: bool,
}

/// What a paragraph's text is collected into: spans, formulas, and the forced line
/// breaks between them.
pub(super) enum Chunk<'a> {
    Text(Span),
    Math(MathSpan<'a>),
    LineBreak,
}

/// A formula in a paragraph, with the style of the text around it.
pub(super) struct MathSpan<'a> {
    pub formula: &'a Formula,
    /// The family and size of the text around it (for its `\text{…}`).
    pub text_faces: FaceSet,
    pub size: f32,
    pub link: Option<usize>,
    pub rise: f32,
    pub color: Rgb,
}

/// The spans of a paragraph's `inlines` in the paragraph's style, with its link targets
/// added to `links` (spans refer to them by index).
pub(super) fn collect<'a>(
    inlines: &'a [Inline],
    para: &ParagraphStyle,
    links: &mut Vec<LinkTarget>,
) -> Vec<Chunk<'a>> {
    let base = Style {
        bold: para.bold,
        italic: para.italic,
        size: para.size,
        link: None,
        strike: false,
        rise: 0.0,
        color: Rgb::BLACK,
        url: false,
    };
    let mut chunks = Vec::new();
    flatten(inlines, base, para, &mut chunks, links);
    chunks
}

fn flatten<'a>(
    inlines: &'a [Inline],
    style: Style,
    para: &ParagraphStyle,
    out: &mut Vec<Chunk<'a>>,
    links: &mut Vec<LinkTarget>,
) {
    for inline in inlines {
        match inline {
            Inline::Math(formula) => out.push(Chunk::Math(MathSpan {
                formula,
                text_faces: para.family,
                size: style.size,
                link: style.link,
                rise: style.rise,
                color: style.color,
            })),
            Inline::Text(text) => push_text(out, text, style, para, false),
            Inline::Code(code) => push_text(out, code, style, para, true),
            Inline::SoftBreak => push_text(out, " ", style, para, false),
            Inline::LineBreak => out.push(Chunk::LineBreak),
            Inline::Emphasis(children) => flatten(
                children,
                Style {
                    italic: !style.italic,
                    ..style
                },
                para,
                out,
                links,
            ),
            Inline::Strong(children) => flatten(
                children,
                Style {
                    bold: true,
                    ..style
                },
                para,
                out,
                links,
            ),
            Inline::Strikethrough(children) => flatten(
                children,
                Style {
                    strike: true,
                    ..style
                },
                para,
                out,
                links,
            ),
            Inline::Colored { color, content } => flatten(
                content,
                Style {
                    color: *color,
                    ..style
                },
                para,
                out,
                links,
            ),
            Inline::Superscript(children) => {
                flatten(children, raised(style, 0.33), para, out, links)
            }
            Inline::Subscript(children) => {
                flatten(children, raised(style, -0.15), para, out, links)
            }
            Inline::Link { url, content } => {
                let text = Inline::plain_text(content);
                let looks_like_url =
                    text == *url || text.contains("://") || text.starts_with("www.");
                let link = LinkTarget::from_href(url).map(|target| {
                    links.push(target);
                    links.len() - 1
                });
                let linked = Style {
                    link,
                    url: looks_like_url,
                    ..style
                };
                flatten(content, linked, para, out, links);
            }
            Inline::Image { alt, .. } => {
                // An image inside a line of text: its alt text stands in for it (a
                // paragraph of images only becomes figures, see flow::blocks::figure).
                flatten(
                    alt,
                    Style {
                        italic: !style.italic,
                        ..style
                    },
                    para,
                    out,
                    links,
                )
            }
            Inline::FootnoteReference(label) => {
                push_text(out, label, raised(style, 0.33), para, false)
            }
            Inline::NoteMark(mark) => {
                // A narrow no-break space keeps the mark on the line of the word it follows,
                // and apart from it for text extraction ("word 3", not "word3").
                push_text(out, "\u{202f}", style, para, false);
                let (target, number) = match mark {
                    NoteMark::Footnote(id) => (AnchorKey::Note(*id), id.number()),
                    NoteMark::Endnote(n) => (AnchorKey::Endnote(*n), *n),
                };
                links.push(LinkTarget::Internal(target));
                let linked = Style {
                    link: Some(links.len() - 1),
                    url: false,
                    ..style
                };
                push_text(out, &number.to_string(), raised(linked, 0.33), para, false);
            }
        }
    }
}

fn raised(style: Style, by_em: f32) -> Style {
    Style {
        rise: style.rise + by_em * style.size,
        size: style.size * 0.7,
        ..style
    }
}

fn push_text(
    out: &mut Vec<Chunk<'_>>,
    text: &str,
    style: Style,
    para: &ParagraphStyle,
    code: bool,
) {
    if text.is_empty() {
        return;
    }
    let monospace = code || para.monospace;
    let face = if monospace {
        para.code.pick(style.bold, style.italic)
    } else {
        para.family.pick(style.bold, style.italic)
    };
    // Monospace is set a little smaller so that its x-height matches the serif's.
    let size = if monospace && !para.monospace {
        style.size * 0.88
    } else {
        style.size
    };
    let kind = if monospace {
        TextKind::Code
    } else if style.url {
        TextKind::Url
    } else {
        TextKind::Prose
    };
    // Merge with the previous span when nothing about the style changed, so a paragraph
    // split into text events by smart punctuation is shaped (and kerned) as one.
    if let Some(Chunk::Text(prev)) = out.last_mut() {
        if prev.face == face
            && prev.size == size
            && prev.link == style.link
            && prev.strike == style.strike
            && prev.rise == style.rise
            && prev.color == style.color
            && prev.kind == kind
        {
            prev.text.push_str(text);
            return;
        }
    }
    out.push(Chunk::Text(Span {
        text: text.to_string(),
        face,
        size,
        link: style.link,
        strike: style.strike,
        rise: style.rise,
        color: style.color,
        kind,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::FaceSet;
    use Inline::*;

    fn text(s: &str) -> Inline {
        Text(s.to_string())
    }

    /// The chunks of `inlines` in 10 pt serif body text, one line each: the span's kind,
    /// its face when not regular, its link, size and rise when it has them, and its text.
    fn spans(inlines: &[Inline]) -> Vec<String> {
        let para = ParagraphStyle {
            size: 10.0,
            bold: false,
            italic: false,
            justify: true,
            expansion: 0.0,
            hyphenate: true,
            indent: 0.0,
            monospace: false,
            balance: false,
            family: FaceSet::SERIF,
            code: FaceSet::MONO,
        };
        let mut links = Vec::new();
        collect(inlines, &para, &mut links)
            .into_iter()
            .map(|chunk| match chunk {
                Chunk::LineBreak => "line break".to_string(),
                Chunk::Math(math) => format!("math «{}»", math.formula.source),
                Chunk::Text(span) => {
                    let mut out = format!("{:?}", span.kind).to_lowercase();
                    let face = match span.face {
                        FaceId::SERIF_ITALIC => " italic",
                        FaceId::SERIF_BOLD => " bold",
                        FaceId::SERIF_BOLD_ITALIC => " bold italic",
                        _ => "",
                    };
                    out.push_str(face);
                    if let Some(link) = span.link {
                        out.push_str(&format!(" link {link}"));
                    }
                    if span.size != 10.0 {
                        out.push_str(&format!(" {}pt", span.size));
                    }
                    if span.rise != 0.0 {
                        out.push_str(&format!(" raised {:.1}", span.rise));
                    }
                    if span.strike {
                        out.push_str(" struck");
                    }
                    format!("{out} «{}»", span.text)
                }
            })
            .collect()
    }

    #[test]
    fn styles_nest_and_neighbours_of_one_style_merge() {
        assert_eq!(
            spans(&[
                text("Plain and "),
                text("still plain, "),
                Emphasis(vec![text("italic "), Strong(vec![text("bold italic")])]),
                SoftBreak,
                Emphasis(vec![Emphasis(vec![text("upright again")])]),
                Strikethrough(vec![text("gone")]),
            ]),
            [
                "prose «Plain and still plain, »",
                "prose italic «italic »",
                "prose bold italic «bold italic»",
                "prose « upright again»",
                "prose struck «gone»",
            ]
        );
    }

    #[test]
    fn code_links_and_breaks_are_spans_of_their_own_kind() {
        assert_eq!(
            spans(&[
                text("Run "),
                Code("ls -l".to_string()),
                LineBreak,
                Link {
                    url: "https://example.org".to_string(),
                    content: vec![text("https://example.org")],
                },
                text(" or "),
                Link {
                    url: "https://example.org/about".to_string(),
                    content: vec![text("about us")],
                },
            ]),
            [
                "prose «Run »",
                "code 8.8pt «ls -l»",
                "line break",
                "url link 0 «https://example.org»",
                "prose « or »",
                "prose link 1 «about us»",
            ]
        );
    }

    #[test]
    fn note_marks_are_raised_links_after_a_narrow_no_break_space() {
        assert_eq!(
            spans(&[
                text("A claim"),
                NoteMark(crate::model::NoteMark::Endnote(3)),
                text("."),
                Superscript(vec![text("2")]),
            ]),
            [
                "prose «A claim\u{202f}»",
                "prose link 0 7pt raised 3.3 «3»",
                "prose «.»",
                "prose 7pt raised 3.3 «2»",
            ]
        );
    }
}
