//! Footnotes and link addresses for paper.
//!
//! Markdown footnotes (`[^label]`) and, with `links = footnote`, the addresses of links
//! become numbered notes: the reference in the text turns into a raised number that
//! links to its note, and the paginator sets each note at the foot of the page where it
//! is referenced. With `links = endnote` addresses are numbered in a list at the end;
//! with `inline` they follow the link text in brackets; with `none` they are not printed.

use std::collections::HashMap;

use crate::model::{Block, Document, Inline};
use crate::options::LinkStyle;

/// Links to a note use this prefix and the note's number (`#fn-3`).
pub const NOTE_ANCHOR: &str = "fn-";
/// The place a note was referenced from (`#fnref-3`), for the link back.
pub const REFERENCE_ANCHOR: &str = "fnref-";
/// Endnote anchors (`#en-3`).
pub const ENDNOTE_ANCHOR: &str = "en-";

/// What a note says.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteSource {
    /// A markdown footnote's blocks.
    Footnote(Vec<Block>),
    /// A link's address.
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum NoteKey {
    Footnote(String),
    Address(String),
}

/// The document's notes, numbered in order of first reference.
#[derive(Debug, Default)]
pub struct Notes {
    style: LinkStyle,
    /// Set while the text of a note is set: links there print their address inline
    /// (a note of a note would have no page to go to).
    pub in_note: bool,
    definitions: HashMap<String, Vec<Block>>,
    /// Footnote labels in the order of their definitions.
    defined_order: Vec<String>,
    numbers: HashMap<NoteKey, usize>,
    /// Note `n` (1-based) is `sources[n - 1]`.
    pub sources: Vec<NoteSource>,
    /// With `links = endnote`: the addresses, numbered.
    pub endnotes: Vec<String>,
    endnote_numbers: HashMap<String, usize>,
}

impl Notes {
    /// Gathers the footnote definitions of the document (wherever they are).
    pub fn collect(doc: &Document, style: LinkStyle) -> Notes {
        let mut notes = Notes {
            style,
            ..Notes::default()
        };
        fn walk(blocks: &[Block], notes: &mut Notes) {
            for block in blocks {
                match block {
                    Block::FootnoteDefinition { label, blocks } => {
                        if !notes.definitions.contains_key(label) {
                            notes.defined_order.push(label.clone());
                            notes.definitions.insert(label.clone(), blocks.clone());
                        }
                        walk(blocks, notes);
                    }
                    Block::Quote(inner) | Block::Definition(inner) => walk(inner, notes),
                    Block::List { items, .. } => items.iter().for_each(|i| walk(&i.blocks, notes)),
                    _ => {}
                }
            }
        }
        walk(&doc.blocks, &mut notes);
        notes
    }

    /// Footnote definitions never referenced, in document order: they are printed at
    /// the end so that no text is lost.
    pub fn unreferenced(&self) -> Vec<(String, Vec<Block>)> {
        self.defined_order
            .iter()
            .filter(|label| {
                !self
                    .numbers
                    .contains_key(&NoteKey::Footnote((*label).clone()))
            })
            .map(|label| (label.clone(), self.definitions[label].clone()))
            .collect()
    }

    fn number(&mut self, key: NoteKey, source: impl FnOnce() -> NoteSource) -> usize {
        if let Some(n) = self.numbers.get(&key) {
            return *n;
        }
        self.sources.push(source());
        let n = self.sources.len();
        self.numbers.insert(key, n);
        n
    }

    /// Rewrites a paragraph's inlines: footnote references and (by the link style) link
    /// addresses become note markers or bracketed addresses.
    pub fn annotate(&mut self, inlines: &[Inline]) -> Vec<Inline> {
        let mut out = Vec::with_capacity(inlines.len());
        for inline in inlines {
            match inline {
                Inline::FootnoteReference(label) => match self.definitions.get(label).cloned() {
                    Some(blocks) => {
                        let n = self.number(NoteKey::Footnote(label.clone()), || {
                            NoteSource::Footnote(blocks)
                        });
                        out.extend(marker(n, NOTE_ANCHOR));
                    }
                    // A reference without a definition stays as written.
                    None => out.push(Inline::Text(format!("[^{label}]"))),
                },
                Inline::Link { url, content } => {
                    let content = self.annotate(content);
                    out.push(Inline::Link {
                        url: url.clone(),
                        content: content.clone(),
                    });
                    if !prints_address(url, &content) {
                        continue;
                    }
                    let style = if self.in_note {
                        LinkStyle::Inline
                    } else {
                        self.style
                    };
                    match style {
                        LinkStyle::Footnote => {
                            let n = self.number(NoteKey::Address(url.clone()), || {
                                NoteSource::Address(url.clone())
                            });
                            out.extend(marker(n, NOTE_ANCHOR));
                        }
                        LinkStyle::Endnote => {
                            let n = match self.endnote_numbers.get(url) {
                                Some(n) => *n,
                                None => {
                                    self.endnotes.push(url.clone());
                                    self.endnote_numbers
                                        .insert(url.clone(), self.endnotes.len());
                                    self.endnotes.len()
                                }
                            };
                            out.extend(marker(n, ENDNOTE_ANCHOR));
                        }
                        LinkStyle::Inline => {
                            out.push(Inline::Text(" [".to_string()));
                            out.push(Inline::Link {
                                url: url.clone(),
                                content: vec![Inline::Text(url.clone())],
                            });
                            out.push(Inline::Text("]".to_string()));
                        }
                        LinkStyle::None => {}
                    }
                }
                Inline::Emphasis(c) => out.push(Inline::Emphasis(self.annotate(c))),
                Inline::Strong(c) => out.push(Inline::Strong(self.annotate(c))),
                Inline::Strikethrough(c) => out.push(Inline::Strikethrough(self.annotate(c))),
                Inline::Superscript(c) => out.push(Inline::Superscript(self.annotate(c))),
                Inline::Subscript(c) => out.push(Inline::Subscript(self.annotate(c))),
                other => out.push(other.clone()),
            }
        }
        out
    }
}

/// A raised note number linking to its note. A narrow no-break space before it keeps it
/// on the line of the word it follows, and keeps the two apart for text extraction
/// ("word 3", not "word3").
fn marker(n: usize, anchor: &str) -> [Inline; 2] {
    [
        Inline::Text("\u{202f}".to_string()),
        Inline::Link {
            url: format!("#{anchor}{n}"),
            content: vec![Inline::Superscript(vec![Inline::Text(n.to_string())])],
        },
    ]
}

/// Whether a link's address is worth printing: external, and not already the text.
fn prints_address(url: &str, content: &[Inline]) -> bool {
    if url.starts_with('#') || url.is_empty() {
        return false;
    }
    let text = Inline::plain_text(content);
    let text = text.trim();
    let bare = |s: &str| {
        s.trim_start_matches("mailto:")
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    };
    bare(text) != bare(url)
}

/// The note number a link target refers to (`#fn-3` → 3).
pub fn note_number(target: &str) -> Option<usize> {
    target
        .strip_prefix('#')?
        .strip_prefix(NOTE_ANCHOR)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse;

    fn texts(inlines: &[Inline]) -> String {
        Inline::plain_text(inlines)
    }

    #[test]
    fn same_address_gets_one_note_and_footnotes_share_the_numbers() {
        let doc = parse("A [x](https://a.example) b[^n] c [y](https://a.example) [z](https://b.example)\n\n[^n]: Note.").unwrap();
        let mut notes = Notes::collect(&doc, LinkStyle::Footnote);
        let Block::Paragraph(inlines) = &doc.blocks[0] else {
            panic!()
        };
        let out = notes.annotate(inlines);
        assert_eq!(
            texts(&out),
            "A x\u{202f}1 b\u{202f}2 c y\u{202f}1 z\u{202f}3"
        );
        assert_eq!(notes.sources.len(), 3);
        assert_eq!(
            notes.sources[0],
            NoteSource::Address("https://a.example".into())
        );
        assert!(matches!(notes.sources[1], NoteSource::Footnote(_)));
        assert!(notes.unreferenced().is_empty());
    }

    #[test]
    fn link_styles() {
        let doc =
            parse("See [the spec](https://spec.example/) or <https://bare.example>.").unwrap();
        let Block::Paragraph(inlines) = &doc.blocks[0] else {
            panic!()
        };
        let inline = Notes::collect(&doc, LinkStyle::Inline).annotate(inlines);
        assert_eq!(
            texts(&inline),
            "See the spec [https://spec.example/] or https://bare.example."
        );
        let mut endnotes = Notes::collect(&doc, LinkStyle::Endnote);
        assert_eq!(
            texts(&endnotes.annotate(inlines)),
            "See the spec\u{202f}1 or https://bare.example."
        );
        assert_eq!(endnotes.endnotes, vec!["https://spec.example/".to_string()]);
        let none = Notes::collect(&doc, LinkStyle::None).annotate(inlines);
        assert_eq!(texts(&none), "See the spec or https://bare.example.");
    }

    #[test]
    fn unreferenced_definitions_are_kept() {
        let doc = parse("Text.\n\n[^lonely]: Never referenced.").unwrap();
        let notes = Notes::collect(&doc, LinkStyle::Footnote);
        assert_eq!(notes.unreferenced().len(), 1);
    }
}
