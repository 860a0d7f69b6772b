//! Running header and footer: the template's slots with their placeholders filled in
//! (`{title}`, `{author}`, `{date}`, `{url}`, `{page}`, `{pages}`), shortened with an
//! ellipsis when they would not fit.

use std::collections::BTreeSet;

use super::Geometry;
use crate::geom::{Pt, Rect};
use crate::layout::{Element, LinkTarget, Page, Role};
use crate::model::Meta;
use crate::structure::{Kind, Structure, Tag};
use crate::template::Design;
use crate::text::fonts::FaceSet;
use crate::text::{shape::shape_visual, FaceId, FontBook, ShapeOptions, ShapedRun};

/// The most of the text width the header may take, and the footer's second slot (the page
/// number: never cut short, the address beside it gives way).
const HEADER_WIDTH_SHARE: f32 = 0.8;
const FOOTER_RIGHT_SHARE: f32 = 0.6;
/// The gap between the footer's two slots, in furniture ems; the link area's height.
const FOOTER_GAP_EM: f32 = 2.0;
const LINK_HEIGHT_EM: f32 = 1.3;

/// Fills `{name}` placeholders. A slot that refers to a value the document does not have
/// is left out entirely (no "Page 1 of" without the number, no empty URL line).
pub fn fill(slot: &str, meta: &Meta, page: usize, pages: usize) -> Option<String> {
    let mut out = String::new();
    let mut rest = slot;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let value = match &after[..close] {
            "title" => meta.title.clone(),
            "author" => meta.author.clone(),
            "date" => meta.date.clone(),
            "url" => meta.url.clone(),
            "page" => Some(page.to_string()),
            "pages" => Some(pages.to_string()),
            other => Some(format!("{{{other}}}")),
        };
        out.push_str(&value?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// How furniture is written: the document's language and direction. In a right-to-left
/// document the footer's first slot is on the right.
#[derive(Debug, Clone, Copy)]
pub struct Writing<'a> {
    pub lang: &'a str,
    pub rtl: bool,
    /// The body's family, and faces for characters it lacks.
    pub family: FaceSet,
    pub fallback: &'a [FaceId],
}

/// Shapes `text` in visual order, cutting it and adding an ellipsis until it fits
/// `max_width`.
pub fn fitted(
    fonts: &FontBook,
    face: FaceId,
    size: f32,
    text: &str,
    max_width: f32,
    writing: Writing<'_>,
) -> Vec<ShapedRun> {
    let mut missing = BTreeSet::new();
    let options = ShapeOptions {
        lang: writing.lang,
        fallback: writing.fallback,
        ..ShapeOptions::default()
    };
    let mut set =
        |text: &str| shape_visual(fonts, face, size, text, &options, writing.rtl, &mut missing);
    let runs = set(text);
    if width(&runs) <= max_width {
        return runs;
    }
    let chars: Vec<char> = text.chars().collect();
    let shortened =
        |n: usize| chars[..n].iter().collect::<String>().trim_end().to_string() + "\u{2026}";
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width(&set(&shortened(mid))) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    set(&shortened(lo))
}

fn width(runs: &[ShapedRun]) -> f32 {
    runs.iter().map(ShapedRun::width).sum()
}

/// Adds header and footer to every page, at `size`. They are artifacts, except the
/// links to the article's address, which are all one link of `structure` (a link must be
/// part of the structure; its text on each page stays furniture).
#[allow(clippy::too_many_arguments)]
pub fn decorate(
    pages: &mut [Page],
    structure: &mut Structure,
    design: &Design,
    meta: &Meta,
    fonts: &FontBook,
    geometry: &Geometry,
    size: f32,
    writing: Writing<'_>,
) {
    let count = pages.len();
    let text_width = geometry.text_width.0;
    let header_y = geometry.top - geometry.header_raise;
    let footer_y = geometry.top + geometry.text_height + geometry.footer_drop;
    let mut address_link = None;
    for (i, page) in pages.iter_mut().enumerate() {
        let number = i + 1;
        let edge = geometry.left_of(i);
        // A mirrored page puts the footer's second slot (the page number) on the outer
        // edge: the slots trade places, as in a right-to-left document.
        let swapped = writing.rtl != geometry.mirrored(i);
        if number > 1 {
            if let Some(text) = fill(&design.header, meta, number, count) {
                let runs = fitted(
                    fonts,
                    writing.family.italic,
                    size,
                    &text,
                    text_width * HEADER_WIDTH_SHARE,
                    writing,
                );
                let x = edge + Pt((text_width - width(&runs)) / 2.0);
                push_runs(page, Role::Header, runs, x, header_y, size);
            }
        }
        let right = fill(&design.footer_right, meta, number, count);
        let right_runs = right.map(|t| {
            fitted(
                fonts,
                writing.family.regular,
                size,
                &t,
                text_width * FOOTER_RIGHT_SHARE,
                writing,
            )
        });
        let right_width = right_runs.as_ref().map_or(0.0, |r| width(r));
        let left = fill(&design.footer_left, meta, number, count);
        match left {
            Some(text) => {
                let runs = fitted(
                    fonts,
                    writing.family.regular,
                    size,
                    &text,
                    text_width - right_width - size * FOOTER_GAP_EM,
                    writing,
                );
                let w = width(&runs);
                // The first slot at the start edge, the second at the end edge.
                let start_x = if swapped {
                    edge + Pt(text_width - w)
                } else {
                    edge
                };
                let end_x = if swapped {
                    edge
                } else {
                    edge + Pt(text_width - right_width)
                };
                let link = meta
                    .url
                    .as_ref()
                    .filter(|u| text == **u)
                    .and_then(|u| LinkTarget::from_href(u));
                if let Some(target) = link {
                    page.elements.push(Element::Link {
                        rect: Rect {
                            x: start_x,
                            y: footer_y - Pt(size),
                            width: Pt(w),
                            height: Pt(size * LINK_HEIGHT_EM),
                        },
                        target,
                        tag: *address_link
                            .get_or_insert_with(|| structure.add(Kind::Link, Tag::DOCUMENT)),
                    });
                }
                push_runs(page, Role::Footer, runs, start_x, footer_y, size);
                if let Some(runs) = right_runs {
                    push_runs(page, Role::Footer, runs, end_x, footer_y, size);
                }
            }
            None => {
                if let Some(runs) = right_runs {
                    let x = edge + Pt((text_width - right_width) / 2.0);
                    push_runs(page, Role::Footer, runs, x, footer_y, size);
                }
            }
        }
    }
}

/// Adds runs one after the other from `x` on the baseline `y`, as one line of the page.
fn push_runs(page: &mut Page, role: Role, runs: Vec<ShapedRun>, x: Pt, y: Pt, size: f32) {
    let mut x = x;
    let mut elements = Vec::with_capacity(runs.len());
    for run in runs {
        let w = run.width();
        elements.push(Element::Text {
            x,
            y,
            run,
            color: crate::geom::Rgb::BLACK,
            tag: Tag::ARTIFACT,
            formula: None,
        });
        x += Pt(w);
    }
    page.push_placed(role, y - Pt(size), Pt(size * LINK_HEIGHT_EM), elements);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_and_unknown_values_drop_the_slot() {
        let meta = Meta {
            title: Some("On Paper".into()),
            ..Meta::default()
        };
        assert_eq!(
            fill("{page} / {pages}", &meta, 2, 7).as_deref(),
            Some("2 / 7")
        );
        assert_eq!(fill("{title}", &meta, 1, 1).as_deref(), Some("On Paper"));
        assert_eq!(fill("{url}", &meta, 1, 1), None);
    }

    #[test]
    fn long_titles_are_shortened_with_an_ellipsis() {
        let fonts = FontBook::bundled();
        let long = "A very long title that goes on and on and will never fit into a running header";
        let writing = Writing {
            lang: "en",
            rtl: false,
            family: FaceSet::SERIF,
            fallback: &[],
        };
        let runs = fitted(&fonts, FaceId::SERIF, 8.0, long, 150.0, writing);
        assert!(width(&runs) <= 150.0);
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert!(
            text.ends_with('\u{2026}') && text.starts_with("A very long"),
            "{text}"
        );
    }
}
