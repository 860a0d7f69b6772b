//! The tagged PDF: each drawn element marked as content of its structure element (with a
//! marked-content id, MCID) or as an artifact, and the structure tree written from the
//! layout's [`Structure`] with the parent tree that leads back from content to it
//! (ISO 32000-1, 14.7 and 14.8; what PDF/UA-1 asks).
//!
//! The order of a structure element's kids is the reading order: its marked content and
//! its links and formulas in the order the layout drew them, then its other children in the order the
//! flow opened them (the document's order: a figure floated to the next page is read
//! where the author put it).

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use super::metadata::text_string;
use crate::error::Error;
use crate::layout::{Element, Layout};
use crate::structure::{Kind, Structure, Tag};

/// How one drawn element is marked in its page's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Page furniture or decoration.
    Artifact,
    /// Content of structure element `tag`, in the marked-content sequence `mcid`.
    Content { tag: Tag, mcid: u32 },
    /// Nothing drawn in a content stream (a link area: an annotation).
    Nothing,
}

/// What a structure element holds, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kid {
    /// Marked content `mcid` of page `page`.
    Content { page: usize, mcid: u32 },
    /// The link annotation `annotation` of page `page`.
    Annotation { page: usize, annotation: usize },
    /// A link inside the element (read where its text is).
    Link(Tag),
}

/// The marks of every element of every page, and what each structure element holds.
pub struct Marking {
    /// Per page, per element.
    pub marks: Vec<Vec<Mark>>,
    /// Per page, the structure element of each MCID.
    mcids: Vec<Vec<Tag>>,
    /// Per structure element, its marked content and links in drawing order.
    kids: Vec<Vec<Kid>>,
}

impl Marking {
    /// Marks the layout's elements: consecutive text of one structure element shares one
    /// sequence; a link area is an annotation of its link element.
    pub fn of(layout: &Layout) -> Marking {
        let nodes = layout.structure.nodes.len();
        let mut marking = Marking {
            marks: Vec::with_capacity(layout.pages.len()),
            mcids: Vec::with_capacity(layout.pages.len()),
            kids: vec![Vec::new(); nodes],
        };
        let mut linked = vec![false; nodes];
        for (page_index, page) in layout.pages.iter().enumerate() {
            let mut marks = Vec::with_capacity(page.elements.len());
            let mut mcids: Vec<Tag> = Vec::new();
            let mut annotations = 0;
            // The sequence the last text element opened, which the next may continue.
            let mut open_text: Option<(Tag, u32)> = None;
            for element in &page.elements {
                let mark = match element {
                    Element::Rule { .. } => Mark::Artifact,
                    Element::Link { tag, .. } => {
                        let kid = Kid::Annotation {
                            page: page_index,
                            annotation: annotations,
                        };
                        annotations += 1;
                        marking.attach(&layout.structure, *tag, kid, &mut linked);
                        Mark::Nothing
                    }
                    Element::Text { tag, .. } | Element::Image { tag, .. } => {
                        let is_text = matches!(element, Element::Text { .. });
                        match tag.index() {
                            Some(i) if i < nodes => match open_text {
                                Some((open, mcid)) if is_text && open == *tag => {
                                    Mark::Content { tag: *tag, mcid }
                                }
                                _ => {
                                    let mcid = mcids.len() as u32;
                                    mcids.push(*tag);
                                    let kid = Kid::Content {
                                        page: page_index,
                                        mcid,
                                    };
                                    marking.attach(&layout.structure, *tag, kid, &mut linked);
                                    if is_text {
                                        open_text = Some((*tag, mcid));
                                    }
                                    Mark::Content { tag: *tag, mcid }
                                }
                            },
                            _ => Mark::Artifact,
                        }
                    }
                };
                // A text's sequence goes on only to the next text of its element: an
                // artifact's text between them (in the same stream, where one MCID must
                // be one sequence) or a picture of content (read between them) ends it.
                if matches!(
                    (element, mark),
                    (Element::Text { .. }, Mark::Artifact)
                        | (Element::Image { .. }, Mark::Content { .. })
                ) {
                    open_text = None;
                }
                marks.push(mark);
            }
            marking.marks.push(marks);
            marking.mcids.push(mcids);
        }
        marking
    }

    /// Adds `kid` to `tag`'s kids; a link element inside text is itself a kid of its
    /// parent where its first content or annotation is drawn (a link of the document's
    /// own, the address in the footer, comes in the order it was made, at the end).
    fn attach(&mut self, structure: &Structure, tag: Tag, kid: Kid, linked: &mut [bool]) {
        let Some(index) = tag.index() else {
            return;
        };
        self.kids[index].push(kid);
        let Some(node) = structure.node(tag) else {
            return;
        };
        if read_with_text(&node.kind) && !linked[index] {
            linked[index] = true;
            if let Some(parent) = node.parent.and_then(Tag::index).filter(|&p| p != 0) {
                self.kids[parent].push(Kid::Link(tag));
            }
        }
    }
}

/// Elements read where their first content is drawn among their parent's text: links
/// and formulas inside a paragraph.
fn read_with_text(kind: &Kind) -> bool {
    matches!(kind, Kind::Link | Kind::Formula { inline: true, .. })
}

/// The name a mark opens with in a content stream (`None`: an artifact).
pub fn mark_name(structure: &Structure, mark: Mark) -> Option<(&'static str, u32)> {
    match mark {
        Mark::Content { tag, mcid } => Some((structure.node(tag)?.kind.pdf_name(), mcid)),
        _ => None,
    }
}

/// The link annotations of each page, as written: their objects, in the order of the
/// page's link elements (skipped ones are `None`).
pub type PageAnnotations = Vec<Vec<Option<ObjectId>>>;

/// Writes the structure tree, the parent tree and the catalog's marks. `pages` are the
/// page objects in order; `annotations` each page's link annotations.
pub fn write_structure(
    doc: &mut Document,
    structure: &Structure,
    marking: &Marking,
    pages: &[ObjectId],
    annotations: &PageAnnotations,
    lang: &str,
) -> Result<(), Error> {
    let nodes = &structure.nodes;
    // Which elements are written: those with content, and their ancestors.
    let mut used = vec![false; nodes.len()];
    for (i, kids) in marking.kids.iter().enumerate() {
        if kids.is_empty() {
            continue;
        }
        let mut node = Some(i);
        while let Some(n) = node.filter(|&n| !used[n]) {
            used[n] = true;
            node = nodes[n].parent.and_then(Tag::index);
        }
    }
    used[0] = true;
    let ids: Vec<Option<ObjectId>> = used
        .iter()
        .map(|&u| u.then(|| doc.new_object_id()))
        .collect();
    // Children in the order the flow opened them (links and formulas inside text come
    // with their text instead).
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, node) in nodes.iter().enumerate().skip(1) {
        let with_text = read_with_text(&node.kind) && node.parent != Some(Tag::DOCUMENT);
        if !used[i] || with_text {
            continue;
        }
        if let Some(parent) = node.parent.and_then(Tag::index) {
            children[parent].push(i);
        }
    }

    // The parent tree: per page its MCIDs' elements, then each annotation's.
    let mut nums: Vec<Object> = Vec::new();
    let mut page_keys: Vec<Option<i64>> = vec![None; pages.len()];
    for (page, mcids) in marking.mcids.iter().enumerate() {
        if mcids.is_empty() {
            continue;
        }
        let key = page as i64;
        page_keys[page] = Some(key);
        let parents = mcids
            .iter()
            .map(|tag| match tag.index().and_then(|i| ids[i]) {
                Some(id) => Object::Reference(id),
                None => Object::Null,
            })
            .collect();
        nums.push(Object::Integer(key));
        nums.push(Object::Array(parents));
    }
    let mut next_key = pages.len() as i64;
    let mut annotation_keys: Vec<(ObjectId, i64, usize)> = Vec::new();
    for (i, kids) in marking.kids.iter().enumerate() {
        for kid in kids {
            if let Kid::Annotation { page, annotation } = kid {
                if let Some(Some(annot)) = annotations.get(*page).and_then(|a| a.get(*annotation)) {
                    annotation_keys.push((*annot, next_key, i));
                    next_key += 1;
                }
            }
        }
    }
    annotation_keys.sort_by_key(|(_, key, _)| *key);
    for (annot, key, node) in &annotation_keys {
        if let Some(id) = ids[*node] {
            nums.push(Object::Integer(*key));
            nums.push(Object::Reference(id));
        }
        if let Ok(dict) = doc.get_dictionary_mut(*annot) {
            dict.set("StructParent", Object::Integer(*key));
        }
    }
    for (page, key) in page_keys.iter().enumerate() {
        if let Some(key) = key {
            if let Ok(dict) = doc.get_dictionary_mut(pages[page]) {
                dict.set("StructParents", Object::Integer(*key));
            }
        }
    }
    let parent_tree = doc.add_object(Dictionary::from_iter([("Nums", Object::Array(nums))]));

    // The elements.
    let root = doc.new_object_id();
    let mut note_ids: Vec<(String, ObjectId)> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let Some(id) = ids[i] else {
            continue;
        };
        // No `/Type /StructElem` (optional, and thousands of them in a long article).
        let mut dict = Dictionary::new();
        dict.set("S", Object::Name(node.kind.pdf_name().as_bytes().to_vec()));
        let parent = node.parent.and_then(Tag::index).and_then(|p| ids[p]);
        dict.set("P", Object::Reference(parent.unwrap_or(root)));
        // The page most of its content is on: its kids there are bare MCIDs.
        let home = marking.kids[i].iter().find_map(|kid| match kid {
            Kid::Content { page, .. } | Kid::Annotation { page, .. } => Some(*page),
            Kid::Link(_) => None,
        });
        if let Some(page) = home {
            dict.set("Pg", Object::Reference(pages[page]));
        }
        let mut k: Vec<Object> = Vec::new();
        for kid in &marking.kids[i] {
            match *kid {
                Kid::Content { page, mcid } if Some(page) == home => {
                    k.push(Object::Integer(i64::from(mcid)))
                }
                Kid::Content { page, mcid } => k.push(Object::Dictionary(Dictionary::from_iter([
                    ("Type", Object::Name(b"MCR".to_vec())),
                    ("Pg", Object::Reference(pages[page])),
                    ("MCID", Object::Integer(i64::from(mcid))),
                ]))),
                Kid::Annotation { page, annotation } => {
                    if let Some(Some(annot)) = annotations.get(page).and_then(|a| a.get(annotation))
                    {
                        let mut objr = Dictionary::from_iter([
                            ("Type", Object::Name(b"OBJR".to_vec())),
                            ("Obj", Object::Reference(*annot)),
                        ]);
                        // On the element's own page the element's `/Pg` says where.
                        if Some(page) != home {
                            objr.set("Pg", Object::Reference(pages[page]));
                        }
                        k.push(Object::Dictionary(objr));
                    }
                }
                Kid::Link(tag) => {
                    if let Some(id) = tag.index().and_then(|t| ids[t]) {
                        k.push(Object::Reference(id));
                    }
                }
            }
        }
        for &child in &children[i] {
            if let Some(id) = ids[child] {
                k.push(Object::Reference(id));
            }
        }
        // One kid stands alone; several make an array.
        match k.len() {
            1 => dict.set("K", k.pop().unwrap_or(Object::Null)),
            _ => dict.set("K", Object::Array(k)),
        }
        match &node.kind {
            Kind::Figure { alt } | Kind::Formula { alt, .. } => dict.set("Alt", text_string(alt)),
            Kind::Note { id: note } => {
                dict.set(
                    "ID",
                    Object::String(note.as_bytes().to_vec(), StringFormat::Literal),
                );
                note_ids.push((note.clone(), id));
            }
            Kind::HeaderCell => dict.set(
                "A",
                Dictionary::from_iter([
                    ("O", Object::Name(b"Table".to_vec())),
                    ("Scope", Object::Name(b"Column".to_vec())),
                ]),
            ),
            _ => {}
        }
        if let Some(lang) = &node.lang {
            dict.set("Lang", text_string(lang));
        }
        if i == 0 {
            dict.set("Lang", text_string(lang));
        }
        doc.objects.insert(id, Object::Dictionary(dict));
    }

    let mut tree_root = Dictionary::from_iter([
        ("Type", Object::Name(b"StructTreeRoot".to_vec())),
        ("ParentTree", Object::Reference(parent_tree)),
        ("ParentTreeNextKey", Object::Integer(next_key)),
    ]);
    if let Some(document) = ids[0] {
        tree_root.set("K", Object::Reference(document));
    }
    if !note_ids.is_empty() {
        // A name tree's keys in byte order.
        note_ids.sort();
        let names = note_ids
            .into_iter()
            .flat_map(|(name, id)| {
                [
                    Object::String(name.into_bytes(), StringFormat::Literal),
                    Object::Reference(id),
                ]
            })
            .collect();
        let tree = doc.add_object(Dictionary::from_iter([("Names", Object::Array(names))]));
        tree_root.set("IDTree", Object::Reference(tree));
    }
    doc.objects.insert(root, Object::Dictionary(tree_root));
    let catalog = doc
        .catalog_mut()
        .map_err(|e| Error::Internal(format!("PDF catalog: {e}")))?;
    catalog.set("StructTreeRoot", Object::Reference(root));
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter([("Marked", Object::Boolean(true))]),
    );
    Ok(())
}

/// One page's marks, as the content writers ask for them (none in an untagged file).
pub struct Marks<'a> {
    marks: Option<&'a [Mark]>,
    structure: &'a Structure,
}

impl<'a> Marks<'a> {
    pub fn of(marking: &'a Option<Marking>, structure: &'a Structure, page: usize) -> Marks<'a> {
        Marks {
            marks: marking
                .as_ref()
                .and_then(|m| m.marks.get(page))
                .map(Vec::as_slice),
            structure,
        }
    }

    /// Whether the file is tagged (drawing then opens marked-content sequences).
    pub fn tagged(&self) -> bool {
        self.marks.is_some()
    }

    /// The mark of element `index` (`None`: the file is not tagged).
    pub fn at(&self, index: usize) -> Option<Mark> {
        self.marks
            .map(|m| m.get(index).copied().unwrap_or(Mark::Artifact))
    }

    /// What a mark opens with: its structure type and MCID, or `None` for an artifact.
    pub fn opening(&self, mark: Mark) -> Option<(&'static str, u32)> {
        mark_name(self.structure, mark)
    }
}
