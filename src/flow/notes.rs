//! Footnotes and link addresses for paper.
//!
//! Markdown footnotes (`[^label]`) and, with `links = footnote`, the addresses of links
//! become numbered notes: the reference in the text turns into a raised number that
//! links to its note, and the paginator sets each note at the foot of the page where it
//! is referenced. With `links = endnote` addresses are numbered in a list at the end;
//! with `inline` they follow the link text in brackets; with `none` they are not printed.

use std::collections::HashMap;

use crate::layout::LinkTarget;
use crate::model::{Block, Document, Inline, NoteId, NoteMark};
use crate::options::LinkStyle;

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
    /// Addresses of links printed as text only (see [`LinkTarget::from_href`]).
    pub refused_links: Vec<String>,
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
                    Block::Quote(inner)
                    | Block::Definition(inner)
                    | Block::Alert { blocks: inner, .. } => walk(inner, notes),
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

    /// Numbers the footnotes that notes refer to (notes in notes), after those of the
    /// text, so that they are not taken for unreferenced ones: call once the text is set.
    pub fn number_nested(&mut self) {
        let mut n = 0;
        while n < self.sources.len() {
            if let NoteSource::Footnote(blocks) = &self.sources[n] {
                let mut labels = Vec::new();
                footnote_labels(blocks, &mut labels);
                for label in labels {
                    if let Some(blocks) = self.definitions.get(&label).cloned() {
                        self.number(NoteKey::Footnote(label), || NoteSource::Footnote(blocks));
                    }
                }
            }
            n += 1;
        }
    }

    /// How many notes are numbered so far.
    pub fn count(&self) -> usize {
        self.sources.len() + self.endnotes.len()
    }

    fn number(&mut self, key: NoteKey, source: impl FnOnce() -> NoteSource) -> NoteId {
        if let Some(n) = self.numbers.get(&key) {
            return NoteId(*n as u32 - 1);
        }
        self.sources.push(source());
        let n = self.sources.len();
        self.numbers.insert(key, n);
        NoteId(n as u32 - 1)
    }

    /// Rewrites a paragraph's inlines: footnote references and (by the link style) link
    /// addresses become note markers or bracketed addresses.
    pub fn annotate(&mut self, inlines: &[Inline]) -> Vec<Inline> {
        let mut out = Vec::with_capacity(inlines.len());
        for inline in inlines {
            match inline {
                Inline::FootnoteReference(label) => match self.definitions.get(label).cloned() {
                    Some(blocks) => {
                        let id = self.number(NoteKey::Footnote(label.clone()), || {
                            NoteSource::Footnote(blocks)
                        });
                        out.push(Inline::NoteMark(NoteMark::Footnote(id)));
                    }
                    // A reference without a definition stays as written.
                    None => out.push(Inline::Text(format!("[^{label}]"))),
                },
                Inline::Link { url, content } => {
                    let content = self.annotate(content);
                    if LinkTarget::from_href(url).is_none() {
                        // Not a link a reader may follow: its text only.
                        self.refused_links.push(url.clone());
                        out.extend(content);
                        continue;
                    }
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
                            let id = self.number(NoteKey::Address(url.clone()), || {
                                NoteSource::Address(url.clone())
                            });
                            out.push(Inline::NoteMark(NoteMark::Footnote(id)));
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
                            out.push(Inline::NoteMark(NoteMark::Endnote(n as u32)));
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

/// The labels of the footnotes `blocks` refer to, in order.
fn footnote_labels(blocks: &[Block], out: &mut Vec<String>) {
    fn inlines(list: &[Inline], out: &mut Vec<String>) {
        for inline in list {
            if let Inline::FootnoteReference(label) = inline {
                out.push(label.clone());
            } else if let Some(children) = inline.children() {
                inlines(children, out);
            }
        }
    }
    for block in blocks {
        match block {
            Block::Paragraph(c) | Block::Term(c) | Block::Heading { content: c, .. } => {
                inlines(c, out)
            }
            Block::Quote(inner) | Block::Definition(inner) | Block::Alert { blocks: inner, .. } => {
                footnote_labels(inner, out)
            }
            Block::FootnoteDefinition { blocks, .. } => footnote_labels(blocks, out),
            Block::List { items, .. } => {
                for item in items {
                    footnote_labels(&item.blocks, out);
                }
            }
            Block::Table { head, rows, .. } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    inlines(cell, out);
                }
            }
            _ => {}
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use crate::context::Limits;

    fn parse(source: &str) -> Result<Document, crate::error::Error> {
        crate::model::parse(
            source,
            &crate::context::Origin::Text,
            None,
            None,
            &Limits::default(),
            &Cancel::never(),
        )
    }

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
        assert!(out.contains(&Inline::NoteMark(NoteMark::Footnote(NoteId(1)))));
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
