//! A QR code of the article's address, so that a reader of the paper can go back to the
//! page with a phone: the code drawn as filled rules (vector, sharp at any resolution)
//! with its quiet zone, the short address printed beside it, the whole a link. The
//! encoding is the `qrcode` crate's; the drawing and the placing are ours.

use qrcode::{Color, EcLevel, QrCode};

use super::{Flow, Frame};
use crate::geom::{Pt, Rect, MM};
use crate::inline::{Align, LineBox, Measure};
use crate::layout::{Element, LinkTarget, Role};
use crate::structure::{Kind, Tag};

/// The code's side with its quiet zone: never smaller than this (a phone reads a 15 mm
/// code from a page held at reading distance), larger for a long address's many modules.
const MIN_SIDE: Pt = Pt(15.0 * MM);
/// The narrowest a module may be: codes of long addresses grow instead of shrinking.
const MIN_MODULE: f32 = 0.5 * MM;
/// The empty margin every side of a QR code needs (ISO/IEC 18004), in modules.
const QUIET_MODULES: usize = 4;
/// The gap between the code and the address beside it, in ems, and the address's size.
const GAP_EM: f32 = 0.8;
const ADDRESS_SCALE: f32 = 0.8;
/// The address is cut after this many characters (the code carries it whole).
const SHORT_ADDRESS_CHARS: usize = 48;

/// A QR code ready to draw: its modules and the side of one.
pub(in crate::flow) struct Qr {
    modules: Vec<bool>,
    width: usize,
    module: f32,
}

impl Qr {
    /// The code of `address` (error correction M: a crease or a smudge still reads), or
    /// none if it is too long for a QR code.
    pub fn of(address: &str) -> Option<Qr> {
        let code = QrCode::with_error_correction_level(address.as_bytes(), EcLevel::M).ok()?;
        let width = code.width();
        let modules = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let with_quiet = (width + 2 * QUIET_MODULES) as f32;
        let module = (MIN_SIDE.0 / with_quiet).max(MIN_MODULE);
        Some(Qr {
            modules,
            width,
            module,
        })
    }

    /// The side of the code with its quiet zone.
    pub fn side(&self) -> Pt {
        Pt(self.module * (self.width + 2 * QUIET_MODULES) as f32)
    }

    /// The code as rules, its quiet zone's top left corner at (`x`, `y`): each run of dark
    /// modules in a row is one rule as thick as a module (butt caps: a filled rectangle).
    pub fn elements(&self, x: Pt, y: Pt) -> Vec<Element> {
        let mut elements = Vec::new();
        let origin = |modules: usize| self.module * (QUIET_MODULES + modules) as f32;
        for row in 0..self.width {
            let cells = &self.modules[row * self.width..(row + 1) * self.width];
            let middle = y + Pt(origin(row) + self.module / 2.0);
            let mut column = 0;
            while column < self.width {
                if !cells[column] {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < self.width && cells[column] {
                    column += 1;
                }
                elements.push(Element::rule(
                    (x + Pt(origin(start)), middle),
                    (x + Pt(origin(column)), middle),
                    Pt(self.module),
                    0.0,
                ));
            }
        }
        elements
    }
}

/// The address as printed beside the code: without its scheme, cut short with an ellipsis.
fn short_address(address: &str) -> String {
    let bare = address
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    if bare.chars().count() <= SHORT_ADDRESS_CHARS {
        return bare.to_string();
    }
    let mut short: String = bare.chars().take(SHORT_ADDRESS_CHARS - 1).collect();
    short.push('\u{2026}');
    short
}

impl Flow<'_> {
    /// The QR code of `address`, its quiet zone's top left corner at (`x`, 0), and a link
    /// area over it, the annotation of `link`; and its side.
    pub(in crate::flow) fn qr_code(address: &str, x: Pt, link: Tag) -> Option<(Vec<Element>, Pt)> {
        let qr = Qr::of(address)?;
        let target = LinkTarget::from_href(address)?;
        let side = qr.side();
        let mut elements = qr.elements(x, Pt::ZERO);
        elements.push(Element::Link {
            rect: Rect {
                x,
                y: Pt::ZERO,
                width: side,
                height: side,
            },
            target,
            tag: link,
        });
        Some((elements, side))
    }

    /// Sets the QR code of `address` with the short address beside it after the article,
    /// never split from itself; a warning if the address makes no code.
    pub(in crate::flow) fn qr_block(&mut self, address: &str, frame: &Frame) {
        let spacing = self.block_spacing(frame);
        match self.qr_line(address, frame) {
            Some(line) => {
                self.space(spacing, frame);
                self.list
                    .push_lines(vec![line], crate::flow::vlist::Keep::TwoLines);
                self.previous_was_paragraph = false;
            }
            None => self.no_qr_code(),
        }
    }

    /// The warning for an address that makes no code.
    pub(in crate::flow) fn no_qr_code(&mut self) {
        self.warnings.push(crate::error::Warning::QrCode {
            reason: "the address is too long for a QR code, or not a web address".into(),
        });
    }

    /// A line with the QR code of `address` at the start edge of `frame` and the short
    /// address beside it, the whole a link to the address (a link of the structure; the
    /// code itself is drawing, an artifact). None if the address makes no code.
    pub(in crate::flow) fn qr_line(&mut self, address: &str, frame: &Frame) -> Option<LineBox> {
        let target = LinkTarget::from_href(address)?;
        let link = self.tag(Kind::Link, frame.parent);
        let (mut code, side) = Flow::qr_code(address, frame.left, link)?;
        if frame.rtl {
            // At the start edge, which is the right.
            let shift = frame.width - side;
            code = code
                .into_iter()
                .map(|e| e.translated(shift, Pt::ZERO))
                .collect();
        }
        let size = self.size() * ADDRESS_SCALE;
        let gap = self.size() * GAP_EM;
        let mut line = LineBox {
            height: side,
            baseline: side / 2.0,
            role: Role::Figure,
            elements: code,
            ..LineBox::default()
        };
        // The address beside the code, vertically centred on it.
        let text_width = (frame.width - side - Pt(gap)).max(Pt(size));
        let measure = Measure {
            left: if frame.rtl {
                frame.left
            } else {
                frame.left + side + Pt(gap)
            },
            width: text_width,
            align: Align::Start,
            line_height: 1.3,
            max_lines: 2,
        };
        let style = crate::inline::ParagraphStyle {
            size,
            justify: false,
            hyphenate: false,
            ..self.body_style(frame)
        };
        // Plain text, part of the link (an address set as a markdown link would get a note
        // of its own address).
        let text = vec![crate::model::Inline::Text(short_address(address))];
        let lines = self.set(&text, &style, &measure, link);
        let total: f32 = lines.iter().map(|l| l.height.0).sum();
        let top = (side.0 - total) / 2.0;
        let mut y = top;
        let (mut left, mut right) = (f32::MAX, f32::MIN);
        for text_line in lines {
            for element in text_line.elements {
                if let Element::Text { x, run, .. } = &element {
                    left = left.min(x.0);
                    right = right.max(x.0 + run.width());
                }
                line.elements.push(element.translated(Pt::ZERO, Pt(y)));
            }
            y += text_line.height.0;
        }
        if left < right {
            line.elements.push(Element::Link {
                rect: Rect {
                    x: Pt(left),
                    y: Pt(top),
                    width: Pt(right - left),
                    height: Pt(total),
                },
                target,
                tag: link,
            });
        }
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_at_least_fifteen_millimetres_with_its_quiet_zone() {
        let qr = Qr::of("https://blog.example/2026/12/a-post/").unwrap();
        assert!(qr.side().0 >= MIN_SIDE.0 - 0.01, "{}", qr.side().0);
        // A long address gets more modules, never modules thinner than the least.
        let long = Qr::of(&format!("https://blog.example/{}", "a".repeat(300))).unwrap();
        assert!(long.module >= MIN_MODULE - 1e-4);
        assert!(long.side() > qr.side());
    }

    #[test]
    fn dark_runs_become_rules_inside_the_quiet_zone() {
        let qr = Qr::of("https://blog.example/").unwrap();
        let elements = qr.elements(Pt(100.0), Pt(50.0));
        let dark = qr.modules.iter().filter(|d| **d).count();
        let mut covered = 0.0;
        for element in &elements {
            let Element::Rule {
                from,
                to,
                thickness,
                ..
            } = element
            else {
                panic!("only rules");
            };
            assert_eq!(from.y, to.y);
            assert!((thickness.0 - qr.module).abs() < 1e-4);
            let quiet = qr.module * QUIET_MODULES as f32;
            assert!(
                from.x.0 >= 100.0 + quiet - 1e-3 && to.x.0 <= 100.0 + qr.side().0 - quiet + 1e-3
            );
            covered += (to.x - from.x).0 / qr.module;
        }
        assert!(
            (covered - dark as f32).abs() < 0.01,
            "{covered} modules drawn, {dark} dark"
        );
    }

    #[test]
    fn the_printed_address_is_short() {
        assert_eq!(
            short_address("https://blog.example/post/"),
            "blog.example/post"
        );
        let long = short_address(&format!("https://blog.example/{}", "x".repeat(80)));
        assert_eq!(long.chars().count(), SHORT_ADDRESS_CHARS);
        assert!(long.ends_with('\u{2026}'));
    }
}
