//! Figures: a paragraph made only of images becomes one figure per image, scaled to the
//! measure and the page (aspect kept, never enlarged past its natural size), never split,
//! with its title (or alt text) as a caption kept with it. An image that cannot be shown
//! becomes a framed placeholder with its alt text, and a warning.

use std::sync::Arc;

use super::{Flow, Frame};
use crate::error::Warning;
use crate::flow::vlist::{add_bars, FloatBlock, Keep, NO_BREAK};
use crate::geom::{Pt, Rect};
use crate::images::{self, LoadedImage};
use crate::inline::{Align, LineBox, ParagraphStyle};
use crate::layout::{Element, Role};
use crate::model::Inline;
use crate::options::{FiguresMode, ImagesMode};
use crate::structure::{Kind, Tag};

/// Pixels per point at the size an image is shown at when it fits: 96 dpi, as a
/// browser shows it.
const POINTS_PER_PIXEL: f32 = 72.0 / 96.0;
/// The finest resolution an image is kept at: finer than any printer's halftone shows.
const PRINT_DPI: f32 = 300.0;
/// A figure takes at most this share of the text area's height.
const MAX_HEIGHT_SHARE: f32 = 0.8;
/// Space above and below a figure, and below the picture, in body lines.
const SPACE_AROUND: f32 = 0.6;
const SPACE_BELOW_PICTURE: f32 = 0.5;
/// Captions and placeholder texts relative to body text, and their line height.
const CAPTION_SCALE: f32 = 0.88;
const PLACEHOLDER_SCALE: f32 = 0.9;
const SMALL_LINE_HEIGHT: f32 = 1.3;
/// A placeholder's frame: its width as a share of the measure (at least this many ems),
/// its padding in ems, the frame's line, and the space below it in body lines.
const PLACEHOLDER_WIDTH_SHARE: f32 = 0.6;
const PLACEHOLDER_MIN_WIDTH_EM: f32 = 12.0;
const PLACEHOLDER_PAD_EM: f32 = 1.2;
const PLACEHOLDER_RULE: Pt = Pt(0.6);
const PLACEHOLDER_GRAY: f32 = 0.4;
const PLACEHOLDER_SPACE_BELOW: f32 = 0.3;

/// A paragraph of images only (and the spaces or breaks between them).
pub(super) fn is_figure(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| matches!(i, Inline::Image { .. }))
        && inlines.iter().all(|i| match i {
            Inline::Image { .. } | Inline::SoftBreak | Inline::LineBreak => true,
            Inline::Text(t) => t.trim().is_empty(),
            _ => false,
        })
}

impl Flow<'_> {
    pub(super) fn figures(&mut self, inlines: &[Inline], frame: &Frame) {
        let mut all_float = true;
        for inline in inlines {
            if let Inline::Image { url, title, alt } = inline {
                all_float &= self.figure(url, title, alt, frame);
            }
        }
        // Text around figures that float is one run of paragraphs (the figure may go to
        // another page): the next paragraph is spaced and indented as after a paragraph.
        if !all_float {
            self.previous_was_paragraph = false;
        }
    }

    /// Sets one figure; whether it floats.
    fn figure(&mut self, url: &str, title: &str, alt: &[Inline], frame: &Frame) -> bool {
        let leading = self.leading();
        let caption_inlines: Vec<Inline> = if title.trim().is_empty() {
            alt.to_vec()
        } else {
            vec![Inline::Text(title.to_string())]
        };
        if self.settings.options.images == ImagesMode::Hide {
            let style = ParagraphStyle {
                italic: true,
                ..self.body_style(frame)
            };
            self.set_text(alt, &style, frame, Keep::TwoLines);
            return false;
        }
        let mut floats = self.may_float(frame);
        if !floats {
            self.space(leading * SPACE_AROUND, frame);
        }
        let loaded = self.load_image(url);
        let mut boxes = Vec::new();
        match loaded {
            Ok(image) => {
                // A picture without alt text is decoration (an artifact); its title, if
                // any, is then a caption of nothing, a paragraph.
                let alt_text = Inline::plain_text(alt).trim().to_string();
                let (tag, caption_parent) = if alt_text.is_empty() {
                    (Tag::ARTIFACT, frame.parent)
                } else {
                    let figure = self.tag(Kind::Figure { alt: alt_text }, frame.parent);
                    (figure, figure)
                };
                let (width, height) = self.figure_size(&image, frame);
                let x = frame.left + (frame.width - Pt(width)) / 2.0;
                let mut line =
                    LineBox::blank(Pt(height + leading * SPACE_BELOW_PICTURE), Pt(height));
                line.role = Role::Figure;
                line.elements.push(Element::Image {
                    rect: Rect {
                        x,
                        y: Pt::ZERO,
                        width: Pt(width),
                        height: Pt(height),
                    },
                    image,
                    tag,
                });
                add_bars(&mut line, &frame.bars);
                boxes.push(line);
                boxes.extend(self.caption(&caption_inlines, frame, caption_parent));
            }
            Err(reason) => {
                self.warnings.push(Warning::Image {
                    url: url.to_string(),
                    reason,
                });
                boxes.push(self.placeholder(alt, frame));
                if !title.trim().is_empty() {
                    boxes.extend(self.caption(&caption_inlines, frame, frame.parent));
                }
            }
        }
        // A figure taller than a page (a long caption on a small page) cannot float
        // whole: it is set in the text, where a page break may split it.
        let height: f32 = boxes.iter().map(|b| b.height.0).sum();
        if floats && height > self.settings.text_height().0 {
            floats = false;
            self.space(leading * SPACE_AROUND, frame);
        }
        if floats {
            self.list.push_float(FloatBlock {
                lines: boxes,
                space: Pt(leading * SPACE_AROUND),
            });
            return true;
        }
        // One unbreakable block: the picture with its caption.
        self.list.push_rows(boxes, |_| NO_BREAK);
        self.space(leading * SPACE_AROUND, frame);
        false
    }

    /// Whether a figure here may float: when the author allows it, in the main text (not
    /// in a note, list or quote), and not right after a heading it must stay with.
    fn may_float(&self, frame: &Frame) -> bool {
        self.settings.options.figures == FiguresMode::Float
            && !self.notes.in_note
            && frame.depth == 0
            && frame.bars.is_empty()
            && !self.list.keeps_with_next()
    }

    /// An image by its address, read once however often the article shows it, within the
    /// render's budgets: the number of images, the pixels of each and of all together.
    fn load_image(&mut self, url: &str) -> Result<Arc<LoadedImage>, String> {
        if let Some(cached) = self.loaded.get(url) {
            return cached.clone();
        }
        let limits = self.services.limits;
        let result = if self.loaded.len() >= limits.max_images {
            Err(format!(
                "the article has more than {} images, all max_images allows",
                limits.max_images
            ))
        } else {
            let remaining = limits.max_total_pixels.saturating_sub(self.pixels_loaded);
            let (max_pixels, limit) = if remaining < limits.max_image_pixels {
                (remaining, "max_total_pixels (for all images together)")
            } else {
                (limits.max_image_pixels, "max_image_pixels")
            };
            self.services
                .images
                .fetch(url, limits.max_image_bytes)
                .and_then(|bytes| {
                    let fit = self.print_pixels();
                    let budget = images::Budget {
                        max_pixels,
                        limit,
                        max_decode_bytes: limits.max_image_decode_bytes,
                    };
                    images::load(&bytes, budget, fit, &self.services.cancel)
                })
                .map(Arc::new)
        };
        if let Ok(image) = &result {
            self.pixels_loaded += image.width as u64 * image.height as u64;
        }
        self.loaded.insert(url.to_string(), result.clone());
        result
    }

    /// The most pixels a figure can use in print: the text area at [`PRINT_DPI`].
    fn print_pixels(&self) -> (u32, u32) {
        let to_pixels = |points: f32| (points / 72.0 * PRINT_DPI).ceil() as u32;
        (
            to_pixels(self.settings.text_width().0),
            to_pixels(self.settings.text_height().0 * MAX_HEIGHT_SHARE),
        )
    }

    /// The size a figure is shown at: its natural size at 96 dpi, reduced to the measure
    /// and to a share of the page's height, aspect kept.
    fn figure_size(&self, image: &LoadedImage, frame: &Frame) -> (f32, f32) {
        let natural_w = image.width.max(1) as f32 * POINTS_PER_PIXEL;
        let natural_h = image.height.max(1) as f32 * POINTS_PER_PIXEL;
        let max_h = self.settings.text_height().0 * MAX_HEIGHT_SHARE;
        let scale = (frame.width.0 / natural_w).min(max_h / natural_h).min(1.0);
        (natural_w * scale, natural_h * scale)
    }

    /// Captions and placeholder texts: italic, ragged, in balanced centred lines.
    fn small_italic(&self, size: f32) -> ParagraphStyle {
        ParagraphStyle {
            size,
            bold: false,
            italic: true,
            justify: false,
            expansion: 0.0,
            hyphenate: self.settings.hyphenate,
            indent: 0.0,
            monospace: false,
            balance: true,
            family: self.settings.faces.body,
            code: self.settings.faces.code,
        }
    }

    /// A caption under a picture: a `Caption` of its figure, or a paragraph of `parent`
    /// when there is no figure.
    fn caption(&mut self, inlines: &[Inline], frame: &Frame, parent: Tag) -> Vec<LineBox> {
        if Inline::plain_text(inlines).trim().is_empty() {
            return Vec::new();
        }
        let style = self.small_italic(self.size() * frame.scale * CAPTION_SCALE);
        let measure = frame.measure(Align::Center, SMALL_LINE_HEIGHT);
        let of_figure = matches!(
            self.structure.node(parent).map(|n| &n.kind),
            Some(Kind::Figure { .. })
        );
        let kind = if of_figure {
            Kind::Caption
        } else {
            Kind::Paragraph
        };
        let tag = self.tag(kind, parent);
        let mut lines = self.set(inlines, &style, &measure, tag);
        for line in &mut lines {
            line.role = Role::Caption;
            add_bars(line, &frame.bars);
        }
        lines
    }

    /// A framed box with the image's alt text, where the image could not be shown.
    fn placeholder(&mut self, alt: &[Inline], frame: &Frame) -> LineBox {
        let size = self.size() * frame.scale * PLACEHOLDER_SCALE;
        let width = (frame.width.0 * PLACEHOLDER_WIDTH_SHARE)
            .max(size * PLACEHOLDER_MIN_WIDTH_EM)
            .min(frame.width.0);
        let inner = Frame {
            left: frame.left + (frame.width - Pt(width)) / 2.0 + Pt(size),
            width: Pt(width - 2.0 * size),
            ..frame.clone()
        };
        let text = if Inline::plain_text(alt).trim().is_empty() {
            vec![Inline::Text("\u{2014}".to_string())]
        } else {
            alt.to_vec()
        };
        let style = self.small_italic(size);
        let tag = self.tag(Kind::Paragraph, frame.parent);
        let lines = self.set(
            &text,
            &style,
            &inner.measure(Align::Center, SMALL_LINE_HEIGHT),
            tag,
        );
        let pad = size * PLACEHOLDER_PAD_EM;
        let mut placeholder = LineBox {
            role: Role::Figure,
            ..LineBox::default()
        };
        let mut y = pad;
        for line in lines {
            placeholder.elements.extend(
                line.elements
                    .into_iter()
                    .map(|e| e.translated(Pt::ZERO, Pt(y))),
            );
            y += line.height.0;
        }
        let height = y + pad;
        let (left, right) = (inner.left - Pt(size), inner.left + inner.width + Pt(size));
        let (top, bottom) = (Pt::ZERO, Pt(height));
        let rule = |from, to| Element::rule(from, to, PLACEHOLDER_RULE, PLACEHOLDER_GRAY);
        placeholder.elements.extend([
            rule((left, top), (right, top)),
            rule((right, top), (right, bottom)),
            rule((right, bottom), (left, bottom)),
            rule((left, bottom), (left, top)),
        ]);
        placeholder.height = Pt(height + self.leading() * PLACEHOLDER_SPACE_BELOW);
        placeholder.baseline = Pt(pad + size);
        add_bars(&mut placeholder, &frame.bars);
        placeholder
    }
}
