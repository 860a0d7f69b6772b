//! Link annotations: the clickable areas over link text, to a web address or to a place in
//! the document (a heading, a note and back). Written straight into the page
//! dictionaries, with positions to a hundredth of a point and only the keys a reader
//! needs (no border, no highlight colour: the text itself shows the link).

use std::collections::HashMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::metadata::text_string;
use crate::layout::{Anchor, AnchorKey, Element, LinkTarget, NoteId, Page};

/// Every place of each anchor, in page order: a document's links find theirs without a
/// search through all anchors (which made a long table of contents quadratic).
pub type Anchors<'a> = HashMap<&'a AnchorKey, Vec<&'a Anchor>>;

/// Indexes the anchors of a layout.
pub fn index(anchors: &[Anchor]) -> Anchors<'_> {
    let mut index: Anchors<'_> = HashMap::new();
    for anchor in anchors {
        index.entry(&anchor.key).or_default().push(anchor);
    }
    index
}

/// The link annotations of page `index` (`pages` are the page objects, in order): one
/// for each of its link elements, in order, or none where the link goes nowhere. Each
/// says where it goes in words (`/Contents`, what a screen reader announces) and is
/// flagged to print (PDF/A asks; a link draws nothing).
pub fn annotations(
    page: &Page,
    index: usize,
    anchors: &Anchors<'_>,
    pages: &[ObjectId],
) -> Vec<Option<Dictionary>> {
    let h = page.height.0;
    let mut annotations = Vec::new();
    for element in &page.elements {
        let Element::Link { rect, target, .. } = element else {
            continue;
        };
        let mut link = Dictionary::from_iter([
            ("Subtype", Object::Name(b"Link".to_vec())),
            ("F", Object::Integer(PRINT_FLAG)),
            ("Contents", text_string(&describe(target, anchors))),
            (
                "Rect",
                numbers([
                    rect.x.0,
                    h - rect.y.0 - rect.height.0,
                    rect.x.0 + rect.width.0,
                    h - rect.y.0,
                ]),
            ),
            ("Border", Object::Array(vec![Object::Integer(0); 3])),
        ]);
        match target {
            LinkTarget::Uri(uri) => link.set(
                "A",
                Dictionary::from_iter([
                    ("S", Object::Name(b"URI".to_vec())),
                    (
                        "URI",
                        Object::String(uri.as_bytes().to_vec(), StringFormat::Literal),
                    ),
                ]),
            ),
            // A note may be set on several pages: jump to the one on this page.
            LinkTarget::Internal(key) => {
                let place = anchors.get(key).and_then(|places| {
                    places
                        .iter()
                        .find(|a| a.page == index)
                        .or_else(|| places.first())
                });
                // A link to an anchor that does not exist goes nowhere; keep the text.
                let Some((anchor, &page_id)) =
                    place.and_then(|anchor| Some((anchor, pages.get(anchor.page)?)))
                else {
                    annotations.push(None);
                    continue;
                };
                let destination = Object::Array(vec![
                    Object::Reference(page_id),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Integer(0),
                    rounded(h - anchor.y.0),
                    Object::Null,
                ]);
                link.set(
                    "A",
                    Dictionary::from_iter([
                        ("S", Object::Name(b"GoTo".to_vec())),
                        ("D", destination),
                    ]),
                );
            }
        }
        annotations.push(Some(link));
    }
    annotations
}

/// An annotation's flag to print it (PDF 1.7, 12.5.3).
const PRINT_FLAG: i64 = 4;

/// Where a link goes, in words: its address, or the heading or note it jumps to.
fn describe(target: &LinkTarget, anchors: &Anchors<'_>) -> String {
    match target {
        LinkTarget::Uri(uri) => uri.clone(),
        LinkTarget::Internal(key) => {
            let heading = anchors
                .get(key)
                .and_then(|places| places.iter().find_map(|a| a.outline.as_ref()));
            match (key, heading) {
                (_, Some((_, title))) => format!("Go to \u{201c}{title}\u{201d}"),
                (AnchorKey::Note(NoteId(n)), _) => format!("Note {}", n + 1),
                (AnchorKey::NoteRef(NoteId(n)), _) => {
                    format!("Back to the reference of note {}", n + 1)
                }
                (AnchorKey::Endnote(n), _) => format!("Link address {n}"),
                (AnchorKey::Id(id), _) => format!("Go to #{id}"),
            }
        }
    }
}

/// A length to a hundredth of a point (as a PDF number: a whole one when it is whole).
fn rounded(value: f32) -> Object {
    let hundredths = (value * 100.0).round();
    if hundredths % 100.0 == 0.0 {
        Object::Integer((hundredths / 100.0) as i64)
    } else {
        Object::Real(hundredths / 100.0)
    }
}

fn numbers<const N: usize>(values: [f32; N]) -> Object {
    Object::Array(values.into_iter().map(rounded).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_to_hundredths() {
        assert_eq!(rounded(722.21106), Object::Real(722.21));
        assert_eq!(rounded(12.0004), Object::Integer(12));
    }
}
