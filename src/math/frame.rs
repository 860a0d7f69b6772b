//! What the math layout gives: boxes of glyphs and rules placed relative to a baseline
//! (in points, y up, as TeX measures), and for a formula in a paragraph the boxes, glues
//! and penalties the line breaker may break it at.

use std::sync::Arc;

use crate::geom::{Pt, Rgb};
use crate::layout::Element;
use crate::structure::Tag;
use crate::text::{FaceId, FontBook, ShapedRun};

/// Something drawn in a formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Drawn {
    Glyph {
        face: FaceId,
        id: u16,
        size: f32,
        /// Its advance, in points.
        advance: f32,
        /// The character it draws (what its map entry reads), if it draws one whole.
        text: Option<char>,
    },
    /// A filled rectangle from its place, `width` to the right and `height` up.
    Rule { width: f32, height: f32 },
}

/// A drawn thing at (`x`, `y`) from the box's origin on its baseline, y up.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    pub drawn: Drawn,
}

/// A box of math: its extent around its baseline and what it draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MathBox {
    pub width: f32,
    pub ascent: f32,
    /// Below the baseline, positive downwards.
    pub descent: f32,
    /// The italic correction of its last glyph (a superscript moves out by it).
    pub italic: f32,
    /// Where an accent over it is centred (a single glyph's attachment point).
    pub accent_x: Option<f32>,
    /// It is one character (TeX drops scripts of a box, not of a character).
    pub is_char: bool,
    pub items: Vec<Placed>,
}

impl MathBox {
    /// An empty box `width` wide (a space, a kern).
    pub fn space(width: f32) -> MathBox {
        MathBox {
            width,
            ..MathBox::default()
        }
    }

    /// Draws `other` with its origin at (`x`, `y`) in this box, growing the box's
    /// height and depth to hold it (not its width: the caller sets that).
    pub fn add(&mut self, other: MathBox, x: f32, y: f32) {
        if self.items.is_empty() {
            // The first ink sets the extent: a brace drawn wholly above its baseline
            // reaches no lower than its ink.
            self.ascent = other.ascent + y;
            self.descent = other.descent - y;
        } else if !other.items.is_empty() {
            self.ascent = self.ascent.max(other.ascent + y);
            self.descent = self.descent.max(other.descent - y);
        }
        self.items.extend(other.items.into_iter().map(|p| Placed {
            x: p.x + x,
            y: p.y + y,
            drawn: p.drawn,
        }));
    }

    /// Appends `other` at the right end, widening the box.
    pub fn append(&mut self, other: MathBox) {
        let x = self.width;
        self.width += other.width;
        self.italic = other.italic;
        self.add(other, x, 0.0);
    }

    /// A rule `width` by `thickness` whose bottom is `y` above the baseline.
    pub fn rule(&mut self, x: f32, y: f32, width: f32, thickness: f32) {
        self.ascent = self.ascent.max(y + thickness);
        self.descent = self.descent.max(-y);
        self.items.push(Placed {
            x,
            y,
            drawn: Drawn::Rule {
                width,
                height: thickness,
            },
        });
    }

    /// The same box moved up by `dy`.
    pub fn raised(mut self, dy: f32) -> MathBox {
        for item in &mut self.items {
            item.y += dy;
        }
        self.ascent += dy;
        self.descent -= dy;
        self
    }
}

impl MathBox {
    /// The page elements that draw the box with its origin at (`x`, `baseline`) (page
    /// space, y down): a run per glyph, marked as part of the formula whose text-layer
    /// text is `text`, and its rules (decoration: the text says what they mean).
    pub fn draw(
        &self,
        x: Pt,
        baseline: Pt,
        color: Rgb,
        tag: Tag,
        text: &Arc<str>,
        fonts: &FontBook,
    ) -> Vec<Element> {
        let mut out = Vec::with_capacity(self.items.len() + 2);
        // A reader that takes a span's text whole (poppler) puts it where the span's
        // first glyph starts, as wide as up to where its last ends: spaces on the
        // baseline at both ends make that the formula's place on its line, whatever
        // glyph is drawn first (a numerator, above the line).
        let math = fonts.face(FaceId::MATH);
        let space = math.shaper.glyph_index(' ').map(|g| g.0);
        let space_size = self
            .items
            .iter()
            .find_map(|p| match p.drawn {
                Drawn::Glyph { size, .. } => Some(size),
                Drawn::Rule { .. } => None,
            })
            .unwrap_or(10.0);
        let space_width = math.space_width * space_size;
        let carrier = |at: f32| -> Option<Element> {
            Some(Element::Text {
                x: Pt(at),
                y: baseline,
                run: ShapedRun::single(FaceId::MATH, space_size, space?, " ", space_width),
                color,
                tag,
                formula: Some(text.clone()),
            })
        };
        let carried = !text.is_empty() && self.width > space_width;
        if carried {
            out.extend(carrier(x.0));
        }
        for placed in &self.items {
            let (px, py) = (x.0 + placed.x, baseline.0 - placed.y);
            match placed.drawn {
                Drawn::Glyph {
                    face,
                    id,
                    size,
                    advance,
                    text: glyph_text,
                } => {
                    let mut bytes = [0u8; 4];
                    let glyph_text = glyph_text.map_or("", |c| c.encode_utf8(&mut bytes));
                    let run = ShapedRun::single(face, size, id, glyph_text, advance);
                    out.push(Element::Text {
                        x: Pt(px),
                        y: Pt(py),
                        run,
                        color,
                        tag,
                        formula: Some(text.clone()),
                    });
                }
                Drawn::Rule { width, height } => {
                    let y = Pt(py - height / 2.0);
                    out.push(Element::rule(
                        (Pt(px), y),
                        (Pt(px + width), y),
                        Pt(height),
                        0.0,
                    ));
                }
            }
        }
        if carried {
            out.extend(carrier(x.0 + self.width - space_width));
        }
        out
    }
}

/// A formula in a paragraph as the line breaker sees it: material, and between atoms of
/// the top level, the places a line may end.
#[derive(Debug, Clone, PartialEq)]
pub enum MathItem {
    Box(MathBox),
    /// The space after a relation or a binary operator, where a line may break (and
    /// which vanishes there), or (`breakable` false) a space between atoms that only
    /// stretches and shrinks with the line, as TeX's medium and thick math spaces do.
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
        breakable: bool,
    },
    /// A line may end here at this cost (TeX's \relpenalty or \binoppenalty).
    Penalty(f32),
}
