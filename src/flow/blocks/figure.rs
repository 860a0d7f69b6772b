//! Figures: a paragraph made only of images becomes one figure per image, scaled to the
//! measure and the page (aspect kept, never enlarged past its natural size), never split,
//! with its title (or alt text) as a caption kept with it. An image that cannot be shown
//! becomes a framed placeholder with its alt text, and a warning.

use std::sync::Arc;

use super::{Align, Flow, Frame};
use crate::error::Warning;
use crate::flow::{LineBox, VItem, NO_BREAK};
use crate::frame::{Element, Rect};
use crate::images::{self, LoadedImage, DEFAULT_MAX_PIXELS};
use crate::inline::ParagraphStyle;
use crate::model::Inline;
use crate::options::ImagesMode;

/// Pixels per point at the size an image is shown at when it fits: 96 dpi, as a
/// browser shows it.
const POINTS_PER_PIXEL: f32 = 72.0 / 96.0;
/// A figure takes at most this share of the text area's height.
const MAX_HEIGHT_SHARE: f32 = 0.8;

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
        for inline in inlines {
            if let Inline::Image { url, title, alt } = inline {
                self.figure(url, title, alt, frame);
            }
        }
    }

    fn figure(&mut self, url: &str, title: &str, alt: &[Inline], frame: &Frame) {
        let leading = self.leading();
        let caption_inlines: Vec<Inline> = if title.trim().is_empty() {
            alt.to_vec()
        } else {
            vec![Inline::Text(title.to_string())]
        };
        if self.settings.images == ImagesMode::Hide {
            let style = ParagraphStyle {
                italic: true,
                ..self.body_style(frame)
            };
            self.set_block(
                alt,
                &style,
                frame,
                Align::Start,
                self.settings.template.line_height,
                super::Keep::TwoLines,
                Vec::new(),
            );
            return;
        }
        self.space(leading * 0.6, frame);
        let loaded = self.load_image(url);
        let mut boxes = Vec::new();
        match loaded {
            Ok(image) => {
                let (width, height) = self.figure_size(&image, frame);
                let x = frame.left + (frame.width - width) / 2.0;
                let mut line = LineBox {
                    height: height + leading * 0.5,
                    baseline: height,
                    ..Default::default()
                };
                line.elements.push(Element::Image {
                    rect: Rect {
                        x,
                        y: 0.0,
                        width,
                        height,
                    },
                    image,
                });
                self.add_bars(&mut line, frame);
                boxes.push(line);
                boxes.extend(self.caption(&caption_inlines, frame));
            }
            Err(reason) => {
                self.warnings.push(Warning::Image {
                    url: url.to_string(),
                    reason,
                });
                boxes.push(self.placeholder(alt, frame));
                if !title.trim().is_empty() {
                    boxes.extend(self.caption(&caption_inlines, frame));
                }
            }
        }
        // One unbreakable block: the picture with its caption.
        self.break_between_blocks();
        for (i, line) in boxes.into_iter().enumerate() {
            if i > 0 {
                self.items.push(VItem::Penalty(NO_BREAK));
            }
            self.items.push(VItem::Line(line));
        }
        self.keep_with_next = false;
        self.space(leading * 0.6, frame);
    }

    fn load_image(&mut self, url: &str) -> Result<Arc<LoadedImage>, String> {
        if let Some(cached) = self.loaded.get(url) {
            return cached.clone();
        }
        let result = self
            .images
            .fetch(url)
            .and_then(|bytes| images::load(&bytes, DEFAULT_MAX_PIXELS))
            .map(Arc::new);
        self.loaded.insert(url.to_string(), result.clone());
        result
    }

    /// The size a figure is shown at: its natural size at 96 dpi, reduced to the measure
    /// and to a share of the page's height, aspect kept.
    fn figure_size(&self, image: &LoadedImage, frame: &Frame) -> (f32, f32) {
        let natural_w = image.width.max(1) as f32 * POINTS_PER_PIXEL;
        let natural_h = image.height.max(1) as f32 * POINTS_PER_PIXEL;
        let max_h = self.settings.text_height() * MAX_HEIGHT_SHARE;
        let scale = (frame.width / natural_w).min(max_h / natural_h).min(1.0);
        (natural_w * scale, natural_h * scale)
    }

    /// Captions and placeholder texts: italic, ragged, in balanced centred lines.
    fn small_italic(&self, size: f32) -> ParagraphStyle {
        ParagraphStyle {
            size,
            bold: false,
            italic: true,
            justify: false,
            hyphenate: self.settings.hyphenate,
            indent: 0.0,
            monospace: false,
            balance: true,
        }
    }

    fn caption(&mut self, inlines: &[Inline], frame: &Frame) -> Vec<LineBox> {
        if Inline::plain_text(inlines).trim().is_empty() {
            return Vec::new();
        }
        let style = self.small_italic(self.size() * frame.scale * 0.88);
        let set = self.set(inlines, &style, frame);
        self.line_boxes(&set, &style, frame, Align::Center, 1.3, Vec::new())
    }

    /// A framed box with the image's alt text, where the image could not be shown.
    fn placeholder(&mut self, alt: &[Inline], frame: &Frame) -> LineBox {
        let size = self.size() * frame.scale * 0.9;
        let width = (frame.width * 0.6).max(size * 12.0).min(frame.width);
        let inner = Frame {
            left: frame.left + (frame.width - width) / 2.0 + size,
            width: width - 2.0 * size,
            ..frame.clone()
        };
        let text = if Inline::plain_text(alt).trim().is_empty() {
            vec![Inline::Text("\u{2014}".to_string())]
        } else {
            alt.to_vec()
        };
        let style = self.small_italic(size);
        let set = self.set(&text, &style, &inner);
        let lines = self.line_boxes(&set, &style, &inner, Align::Center, 1.3, Vec::new());
        let pad = size * 1.2;
        let mut placeholder = LineBox::default();
        let mut y = pad;
        for line in lines {
            placeholder.elements.extend(
                line.elements
                    .into_iter()
                    .filter(|e| !matches!(e, Element::Rule { from, to, .. } if from.0 == to.0))
                    .map(|e| e.translated(0.0, y)),
            );
            y += line.height;
        }
        let height = y + pad;
        let (left, right) = (inner.left - size, inner.left + inner.width + size);
        let rule = |from, to| Element::Rule {
            from,
            to,
            thickness: 0.6,
            gray: 0.4,
        };
        placeholder.elements.extend([
            rule((left, 0.0), (right, 0.0)),
            rule((right, 0.0), (right, height)),
            rule((right, height), (left, height)),
            rule((left, height), (left, 0.0)),
        ]);
        placeholder.height = height + self.leading() * 0.3;
        placeholder.baseline = pad + size;
        self.add_bars(&mut placeholder, frame);
        placeholder
    }
}
