//! The outline (bookmarks): a tree that mirrors the headings, in document order, each
//! entry jumping to its heading's place on the page. printpdf's bookmarks are flat and
//! re-sorted, so the tree is built here in lopdf.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::metadata::text_string;
use crate::error::Error;
use crate::layout::{Anchor, Page};

struct Entry {
    level: u8,
    title: String,
    page: usize,
    y: f32,
    children: Vec<Entry>,
}

/// Nests entries by level: a heading belongs under the nearest earlier heading of a
/// smaller level (a level-3 heading right after a level-1 one nests directly under it).
fn build_tree(anchors: &[Anchor]) -> Vec<Entry> {
    let mut roots: Vec<Entry> = Vec::new();
    for anchor in anchors {
        let Some((level, title)) = &anchor.outline else {
            continue;
        };
        let entry = Entry {
            level: *level,
            title: if title.is_empty() {
                "(untitled)".to_string()
            } else {
                title.clone()
            },
            page: anchor.page,
            y: anchor.y.0,
            children: Vec::new(),
        };
        let mut siblings = &mut roots;
        loop {
            let descend = siblings.last().is_some_and(|last| last.level < entry.level);
            if !descend {
                break;
            }
            siblings = &mut siblings.last_mut().expect("checked above").children;
        }
        siblings.push(entry);
    }
    roots
}

/// Writes `/Outlines` and opens the outline panel when there are headings.
pub fn write_outline(doc: &mut Document, anchors: &[Anchor], pages: &[Page]) -> Result<(), Error> {
    let tree = build_tree(anchors);
    if tree.is_empty() {
        return Ok(());
    }
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let root_id = doc.new_object_id();
    let (first, last, count) = write_level(doc, &tree, root_id, &page_ids, pages);
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    root.set("First", Object::Reference(first));
    root.set("Last", Object::Reference(last));
    root.set("Count", Object::Integer(count));
    doc.objects.insert(root_id, Object::Dictionary(root));
    let catalog = doc
        .catalog_mut()
        .map_err(|e| Error::Internal(format!("PDF catalog: {e}")))?;
    catalog.set("Outlines", Object::Reference(root_id));
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    Ok(())
}

/// Writes one level of siblings; returns (first, last, number of visible descendants).
fn write_level(
    doc: &mut Document,
    entries: &[Entry],
    parent: ObjectId,
    page_ids: &[ObjectId],
    pages: &[Page],
) -> (ObjectId, ObjectId, i64) {
    let ids: Vec<ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    let mut count = 0;
    for (i, entry) in entries.iter().enumerate() {
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&entry.title));
        dict.set("Parent", Object::Reference(parent));
        if i > 0 {
            dict.set("Prev", Object::Reference(ids[i - 1]));
        }
        if i + 1 < ids.len() {
            dict.set("Next", Object::Reference(ids[i + 1]));
        }
        if let (Some(page_id), Some(page)) = (page_ids.get(entry.page), pages.get(entry.page)) {
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(*page_id),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(page.height.0 - entry.y),
                    Object::Null,
                ]),
            );
        }
        count += 1;
        if !entry.children.is_empty() {
            let (first, last, n) = write_level(doc, &entry.children, ids[i], page_ids, pages);
            dict.set("First", Object::Reference(first));
            dict.set("Last", Object::Reference(last));
            dict.set("Count", Object::Integer(n));
            count += n;
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    (ids[0], ids[ids.len() - 1], count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(level: u8, title: &str) -> Anchor {
        Anchor {
            key: crate::layout::AnchorKey::Id(title.to_lowercase()),
            outline: Some((level, title.to_string())),
            page: 0,
            y: crate::geom::Pt(0.0),
        }
    }

    fn shape(entries: &[Entry]) -> String {
        entries
            .iter()
            .map(|e| {
                if e.children.is_empty() {
                    e.title.clone()
                } else {
                    format!("{}({})", e.title, shape(&e.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn headings_nest_by_level() {
        let anchors = [
            anchor(2, "A"),
            anchor(3, "A1"),
            anchor(3, "A2"),
            anchor(4, "A2x"),
            anchor(2, "B"),
            anchor(4, "B1"),
            anchor(1, "C"),
        ];
        assert_eq!(shape(&build_tree(&anchors)), "A(A1 A2(A2x)) B(B1) C");
    }
}
