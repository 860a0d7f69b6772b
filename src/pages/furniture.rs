//! Running header and footer: the template's slots with their placeholders filled in
//! (`{title}`, `{author}`, `{date}`, `{url}`, `{page}`, `{pages}`), shortened with an
//! ellipsis when they would not fit.

use std::collections::BTreeSet;

use super::Geometry;
use crate::frame::{Element, LinkTarget, Page, Rect};
use crate::model::Meta;
use crate::template::Template;
use crate::text::{shape::shape, FaceId, FontBook, ShapedRun};

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

/// Shapes `text`, cutting it and adding an ellipsis until it fits `max_width`.
pub fn fitted(
    fonts: &FontBook,
    face: FaceId,
    size: f32,
    text: &str,
    max_width: f32,
) -> Vec<ShapedRun> {
    let mut missing = BTreeSet::new();
    let runs = shape(fonts, face, size, text, &mut missing);
    if width(&runs) <= max_width {
        return runs;
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "\u{2026}";
        if width(&shape(fonts, face, size, &candidate, &mut missing)) <= max_width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let shortened: String = chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "\u{2026}";
    shape(fonts, face, size, &shortened, &mut missing)
}

fn width(runs: &[ShapedRun]) -> f32 {
    runs.iter().map(ShapedRun::width).sum()
}

/// Adds header and footer to every page.
pub fn decorate(
    pages: &mut [Page],
    template: &Template,
    meta: &Meta,
    fonts: &FontBook,
    geometry: &Geometry,
    body_size: f32,
) {
    let count = pages.len();
    let size = (body_size * 0.8).max(6.0);
    let text_width = geometry.text_width;
    let header_y = geometry.top - body_size * 2.2;
    let footer_y = geometry.top + geometry.text_height + body_size * 2.8;
    for (i, page) in pages.iter_mut().enumerate() {
        let number = i + 1;
        if number > 1 {
            if let Some(text) = fill(&template.header, meta, number, count) {
                let runs = fitted(fonts, FaceId::SerifItalic, size, &text, text_width * 0.8);
                let x = geometry.left + (text_width - width(&runs)) / 2.0;
                push_runs(page, runs, x, header_y);
            }
        }
        let right = fill(&template.footer_right, meta, number, count);
        let right_runs = right.map(|t| fitted(fonts, FaceId::Serif, size, &t, text_width * 0.3));
        let right_width = right_runs.as_ref().map_or(0.0, |r| width(r));
        let left = fill(&template.footer_left, meta, number, count);
        match left {
            Some(text) => {
                let runs = fitted(
                    fonts,
                    FaceId::Serif,
                    size,
                    &text,
                    text_width - right_width - size * 2.0,
                );
                let w = width(&runs);
                if let Some(url) = meta.url.as_ref().filter(|u| text == **u) {
                    page.elements.push(Element::Link {
                        rect: Rect {
                            x: geometry.left,
                            y: footer_y - size,
                            width: w,
                            height: size * 1.3,
                        },
                        target: LinkTarget::Uri(url.clone()),
                    });
                }
                push_runs(page, runs, geometry.left, footer_y);
                if let Some(runs) = right_runs {
                    push_runs(
                        page,
                        runs,
                        geometry.left + text_width - right_width,
                        footer_y,
                    );
                }
            }
            None => {
                if let Some(runs) = right_runs {
                    push_runs(
                        page,
                        runs,
                        geometry.left + (text_width - right_width) / 2.0,
                        footer_y,
                    );
                }
            }
        }
    }
}

fn push_runs(page: &mut Page, runs: Vec<ShapedRun>, mut x: f32, y: f32) {
    for run in runs {
        let w = run.width();
        page.elements.push(Element::Text { x, y, run });
        x += w;
    }
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
        let runs = fitted(&fonts, FaceId::Serif, 8.0, long, 150.0);
        assert!(width(&runs) <= 150.0);
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert!(
            text.ends_with('\u{2026}') && text.starts_with("A very long"),
            "{text}"
        );
    }
}
