//! The document's logical structure: what each drawn thing is part of (a paragraph, a
//! heading, a table cell, a link...), as a tree in reading order. The flow stage builds
//! it while it sets the blocks and stamps every element it draws with its [`Tag`]; the
//! pages stage passes it on; the PDF writer turns it into the tagged PDF's structure tree
//! (what screen readers, reflow and PDF/UA read).

/// Which node of the [`Structure`] a drawn element is content of, or none: page
/// furniture (running header, page numbers, rules, bars, repeated table headers) is an
/// artifact, drawn but not part of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Tag(u32);

impl Tag {
    /// Not content: page furniture and decoration.
    pub const ARTIFACT: Tag = Tag(u32::MAX);
    /// The root, the whole document.
    pub const DOCUMENT: Tag = Tag(0);

    pub fn is_artifact(self) -> bool {
        self == Tag::ARTIFACT
    }

    /// The node's index in [`Structure::nodes`] (none for an artifact).
    pub fn index(self) -> Option<usize> {
        (!self.is_artifact()).then_some(self.0 as usize)
    }
}

/// The kinds of structure element Folio writes: PDF 1.7's standard structure types
/// (ISO 32000-1, 14.8.4), which every PDF/UA reader knows without a role map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Document,
    /// A heading; level 1 to 6, never more than one deeper than the heading before it.
    Heading(u8),
    Paragraph,
    BlockQuote,
    /// A division grouping blocks (a definition, an alert's body).
    Division,
    List {
        numbered: bool,
    },
    ListItem,
    /// A list item's bullet or number.
    Label,
    ListBody,
    Table,
    TableHead,
    TableBody,
    TableRow,
    /// A header cell, for the column below it.
    HeaderCell,
    DataCell,
    /// A picture and its caption; `alt` is what the picture shows, in words.
    Figure {
        alt: String,
    },
    Caption,
    /// A formula; `alt` is its LaTeX source, which a screen reader reads. An `inline`
    /// one is read where it stands in its paragraph's text.
    Formula {
        alt: String,
        inline: bool,
    },
    Code,
    /// A footnote's text; `id` is unique in the document.
    Note {
        id: String,
    },
    Link,
    Contents,
    ContentsItem,
}

impl Kind {
    /// The structure type's name in the PDF.
    pub fn pdf_name(&self) -> &'static str {
        match self {
            Kind::Document => "Document",
            Kind::Heading(level) => match level {
                1 => "H1",
                2 => "H2",
                3 => "H3",
                4 => "H4",
                5 => "H5",
                _ => "H6",
            },
            Kind::Paragraph => "P",
            Kind::BlockQuote => "BlockQuote",
            Kind::Division => "Div",
            Kind::List { .. } => "L",
            Kind::ListItem => "LI",
            Kind::Label => "Lbl",
            Kind::ListBody => "LBody",
            Kind::Table => "Table",
            Kind::TableHead => "THead",
            Kind::TableBody => "TBody",
            Kind::TableRow => "TR",
            Kind::HeaderCell => "TH",
            Kind::DataCell => "TD",
            Kind::Figure { .. } => "Figure",
            Kind::Caption => "Caption",
            Kind::Formula { .. } => "Formula",
            Kind::Code => "Code",
            Kind::Note { .. } => "Note",
            Kind::Link => "Link",
            Kind::Contents => "TOC",
            Kind::ContentsItem => "TOCI",
        }
    }
}

/// One element of the structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// None only for the document.
    pub parent: Option<Tag>,
    /// The language of its text where it differs from the document's (BCP 47).
    pub lang: Option<String>,
}

/// The structure tree: nodes in the order they were opened, which is the document's
/// reading order (a parent before its children, siblings in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub nodes: Vec<Node>,
    /// The last heading's level as tagged, so that the next is at most one deeper.
    last_heading: u8,
}

impl Default for Structure {
    fn default() -> Structure {
        Structure {
            nodes: vec![Node {
                kind: Kind::Document,
                parent: None,
                lang: None,
            }],
            last_heading: 0,
        }
    }
}

impl Structure {
    /// Adds a node of `kind` as the last child of `parent`.
    pub fn add(&mut self, kind: Kind, parent: Tag) -> Tag {
        let kind = match kind {
            // A heading is tagged at most one level deeper than the one before it: an
            // article that goes from its title straight to `###` still reads as an outline
            // without holes (PDF/UA forbids skipped levels); what it looks like is unchanged.
            Kind::Heading(level) => {
                let level = level.clamp(1, 6).min(self.last_heading + 1);
                self.last_heading = level;
                Kind::Heading(level)
            }
            kind => kind,
        };
        let parent = if parent.is_artifact() {
            Tag::DOCUMENT
        } else {
            parent
        };
        self.nodes.push(Node {
            kind,
            parent: Some(parent),
            lang: None,
        });
        Tag(self.nodes.len() as u32 - 1)
    }

    pub fn node(&self, tag: Tag) -> Option<&Node> {
        self.nodes.get(tag.index()?)
    }

    pub fn node_mut(&mut self, tag: Tag) -> Option<&mut Node> {
        self.nodes.get_mut(tag.index()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_never_skip_a_level() {
        let mut tree = Structure::default();
        let levels: Vec<u8> = [1, 3, 4, 2, 6, 1]
            .into_iter()
            .map(|level| {
                let tag = tree.add(Kind::Heading(level), Tag::DOCUMENT);
                match tree.node(tag).unwrap().kind {
                    Kind::Heading(level) => level,
                    _ => unreachable!(),
                }
            })
            .collect();
        assert_eq!(levels, [1, 2, 3, 2, 3, 1]);
    }

    #[test]
    fn an_artifact_parent_means_the_document() {
        let mut tree = Structure::default();
        let p = tree.add(Kind::Paragraph, Tag::ARTIFACT);
        assert_eq!(tree.node(p).unwrap().parent, Some(Tag::DOCUMENT));
        assert!(tree.node(Tag::ARTIFACT).is_none());
    }
}
