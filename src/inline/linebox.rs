//! Set lines → line boxes: each line's pieces as drawn glyph runs at their places, with
//! strike-through rules, link areas, the anchors and note references it carries. A
//! [`LineBox`] is what the inline stage gives the flow stage.

use std::sync::Arc;

use super::finalize::Line;
use super::prepare::Prepared;
use super::style::ParagraphStyle;
use crate::geom::{Pt, Rect, Rgb};
use crate::layout::{AnchorKey, Element, LinkTarget, NoteId, Role};
use crate::structure::{Kind, Structure, Tag};
use crate::text::fonts::Drawing;
use crate::text::{FontBook, ShapedRun};

/// Where a paragraph's text goes in the document's structure: its own node, and a link
/// node under it for each of its links (added when the link is first drawn).
pub struct ParagraphTags<'a> {
    pub structure: &'a mut Structure,
    pub node: Tag,
}

impl ParagraphTags<'_> {
    /// The node of the paragraph's formula `k` (added when it is first drawn), in
    /// `parent` (the paragraph, or the link the formula is the text of).
    fn formula(
        &mut self,
        formulas: &mut Vec<Option<Tag>>,
        sources: &[Arc<str>],
        k: usize,
        parent: Tag,
    ) -> Tag {
        if formulas.len() < sources.len() {
            formulas.resize(sources.len(), None);
        }
        *formulas[k].get_or_insert_with(|| {
            self.structure.add(
                Kind::Formula {
                    alt: sources[k].to_string(),
                    inline: true,
                },
                parent,
            )
        })
    }

    /// The node of the paragraph's link `link`, of `links` in all.
    fn link(&mut self, links: &mut Vec<Option<Tag>>, count: usize, link: usize) -> Tag {
        if links.len() < count {
            links.resize(count, None);
        }
        *links[link].get_or_insert_with(|| self.structure.add(Kind::Link, self.node))
    }
}

/// A strike-through line: how far above the baseline, and how thick, in ems.
const STRIKE_RAISE: f32 = 0.28;
const STRIKE_THICKNESS: f32 = 0.06;

/// A place on a line that links can jump to, with its outline entry (level and text) when
/// it is a heading.
#[derive(Debug, Clone, PartialEq)]
pub struct LineAnchor {
    pub key: AnchorKey,
    pub outline: Option<(u8, String)>,
}

impl LineAnchor {
    pub fn new(key: AnchorKey) -> LineAnchor {
        LineAnchor { key, outline: None }
    }
}

/// A line and everything drawn on it, positioned relative to the box's top left corner
/// (x from the left edge of the text area).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineBox {
    pub height: Pt,
    /// Distance from the top of the box to the baseline.
    pub baseline: Pt,
    pub elements: Vec<Element>,
    /// The line ends with a hyphen (the word continues on the next line).
    pub hyphenated: bool,
    /// Notes referenced on this line: they go to the foot of the same page.
    pub notes: Vec<NoteId>,
    /// For a table row: the table's header, repeated above the row when the row is the
    /// first thing on a page.
    pub repeat_header: Option<Arc<LineBox>>,
    /// Anchors on this line (a heading's id, a note's reference).
    pub anchors: Vec<LineAnchor>,
    /// What the line is part of.
    pub role: Role,
}

impl LineBox {
    /// An empty box of `height` (a blank code line, a rule's line).
    pub fn blank(height: Pt, baseline: Pt) -> LineBox {
        LineBox {
            height,
            baseline,
            ..LineBox::default()
        }
    }
}

/// How lines sit in their measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Start,
    Center,
    End,
}

/// Where a paragraph's lines go: from `left` (relative to the text area), `width` wide,
/// aligned so, each `line_height` times the type size tall; at most `max_lines` of them
/// (a paragraph that surely needs more is not set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub left: Pt,
    pub width: Pt,
    pub align: Align,
    pub line_height: f32,
    pub max_lines: usize,
}

/// Turns set lines into line boxes: glyph runs, strike-through rules, link areas, note
/// references. Pieces of one word set side by side become one run.
pub fn line_boxes(
    prepared: &mut Prepared,
    lines: &[Line],
    style: &ParagraphStyle,
    measure: &Measure,
    fonts: &FontBook,
    tags: &mut ParagraphTags<'_>,
) -> Vec<LineBox> {
    let face = fonts.face(style.family.pick(style.bold, style.italic));
    let height = style.size * measure.line_height;
    let ascent = face.ascender * style.size;
    let descent = -face.descender * style.size;
    let baseline = (height - (ascent + descent)) / 2.0 + ascent;
    // A right-to-left paragraph starts at the right.
    let align = match (measure.align, prepared.level % 2 == 1) {
        (Align::Start, true) => Align::End,
        (Align::End, true) => Align::Start,
        (align, _) => align,
    };
    let mut boxes = Vec::with_capacity(lines.len());
    let mut link_tags: Vec<Option<Tag>> = Vec::new();
    let mut formula_tags: Vec<Option<Tag>> = Vec::new();
    for line in lines {
        let offset = match align {
            Align::Start => 0.0,
            Align::Center => ((measure.width.0 - line.width) / 2.0).max(0.0),
            Align::End => (measure.width.0 - line.width).max(0.0),
        };
        let mut lb = LineBox {
            height: Pt(height),
            baseline: Pt(baseline),
            elements: Vec::with_capacity(line.placed.len()),
            hyphenated: line.hyphenated,
            ..LineBox::default()
        };
        // How far the line's formulas reach above and below its baseline.
        let (mut math_above, mut math_below) = (0.0f32, 0.0f32);
        for (k, placed) in line.placed.iter().enumerate() {
            let piece = &prepared.pieces[placed.piece];
            if let Some(math) = &piece.math {
                // The parts of one formula on one line are drawn as one, with one span
                // for its text: the parts after the first were drawn with it.
                let same_formula = |p: &super::finalize::Placed| {
                    prepared.pieces[p.piece]
                        .math
                        .as_ref()
                        .is_some_and(|m| m.formula == math.formula)
                };
                if k > 0 && same_formula(&line.placed[k - 1]) {
                    continue;
                }
                let mut boxed = math.boxed.clone();
                for next in line.placed[k + 1..].iter().take_while(|p| same_formula(p)) {
                    if let Some(part) = &prepared.pieces[next.piece].math {
                        let at = next.x - placed.x;
                        boxed.add(part.boxed.clone(), at, 0.0);
                        boxed.width = at + part.boxed.width;
                    }
                }
                let x = measure.left.0 + offset + placed.x;
                let y = baseline - piece.rise;
                let link = piece
                    .link
                    .map(|link| (link, tags.link(&mut link_tags, prepared.links.len(), link)));
                let parent = link.map_or(tags.node, |(_, tag)| tag);
                let tag = tags.formula(&mut formula_tags, &prepared.formulas, math.formula, parent);
                math_above = math_above.max(boxed.ascent + piece.rise);
                math_below = math_below.max(boxed.descent - piece.rise);
                lb.elements
                    .extend(boxed.draw(Pt(x), Pt(y), piece.color, tag, &math.text, fonts));
                if let Some((link, link_tag)) = link {
                    let rect = Rect {
                        x: Pt(x),
                        y: Pt(y - boxed.ascent),
                        width: Pt(boxed.width),
                        height: Pt(boxed.ascent + boxed.descent),
                    };
                    push_link(
                        &mut lb.elements,
                        rect,
                        prepared.links[link].clone(),
                        link_tag,
                    );
                }
                continue;
            }
            let piece = &mut prepared.pieces[placed.piece];
            if piece.run.glyphs.is_empty() {
                continue;
            }
            // A piece is placed once, but a hyphen serves every break of its span.
            let run = if piece.shared {
                piece.run.clone()
            } else {
                let face = piece.run.face;
                std::mem::replace(&mut piece.run, ShapedRun::empty(face, 0.0))
            };
            let run = run.expanded(placed.scale);
            let piece = &prepared.pieces[placed.piece];
            let x = measure.left.0 + offset + placed.x;
            let y = baseline - piece.rise;
            let width = run.width();
            let tag = match piece.link {
                Some(link) => tags.link(&mut link_tags, prepared.links.len(), link),
                None => tags.node,
            };
            if placed.spaced {
                add_space(&mut lb.elements, x, &run, fonts);
            }
            if piece.strike {
                let strike_y = y - run.size * STRIKE_RAISE;
                lb.elements.push(Element::rule(
                    (Pt(x), Pt(strike_y)),
                    (Pt(x + width), Pt(strike_y)),
                    Pt(run.size * STRIKE_THICKNESS),
                    0.0,
                ));
            }
            if let Some(link) = piece.link {
                let target = &prepared.links[link];
                if let LinkTarget::Internal(AnchorKey::Note(id)) = target {
                    if !lb.notes.contains(id) {
                        lb.notes.push(*id);
                        lb.anchors.push(LineAnchor::new(AnchorKey::NoteRef(*id)));
                    }
                }
                let rect = Rect {
                    x: Pt(x),
                    y: Pt(y - ascent),
                    width: Pt(width),
                    height: Pt(ascent + descent),
                };
                push_link(&mut lb.elements, rect, target.clone(), tag);
            }
            if let Some(Element::Text {
                x: prev_x,
                y: prev_y,
                run: prev,
                color,
                tag: prev_tag,
                formula: None,
            }) = lb.elements.last_mut()
            {
                let touches = (prev_x.0 + prev.width() - x).abs() < 0.001;
                let same = prev.face == run.face
                    && prev.size == run.size
                    && prev.scale == run.scale
                    && prev_y.0 == y
                    && *color == piece.color
                    && *prev_tag == tag;
                // Right-to-left pieces are drawn in the reverse of their text's order.
                if touches && same && !prev.is_rtl() && !run.is_rtl() {
                    prev.append(run);
                    continue;
                }
            }
            lb.elements.push(Element::Text {
                x: Pt(x),
                y: Pt(y),
                run,
                color: piece.color,
                tag,
                formula: None,
            });
        }
        if line.spaced_end {
            end_with_space(&mut lb.elements, fonts);
        }
        grow_for_formulas(&mut lb, math_above, math_below);
        boxes.push(lb);
    }
    boxes
}

/// Makes a line taller where its formulas (a fraction, a matrix) reach beyond the room
/// the line has above or below its baseline, by what they reach beyond it: lines
/// without tall formulas keep the leading.
fn grow_for_formulas(lb: &mut LineBox, above: f32, below: f32) {
    let extra_above = (above - lb.baseline.0).max(0.0);
    let extra_below = (below - (lb.height.0 - lb.baseline.0)).max(0.0);
    if extra_above > 0.0 {
        lb.elements = std::mem::take(&mut lb.elements)
            .into_iter()
            .map(|e| e.translated(Pt::ZERO, Pt(extra_above)))
            .collect();
        lb.baseline += Pt(extra_above);
    }
    lb.height += Pt(extra_above + extra_below);
}

/// Writes the word space before a run at `x` as a space glyph at the end of the text
/// before it, as wide as the gap the line left: the text layer then holds a real space
/// (what a screen reader and a copy read), and the justified spacing stays exact. Only
/// between left-to-right runs drawn with outlines, on the same baseline; elsewhere the
/// gap stays a gap, which text extraction reads as a space too.
fn add_space(elements: &mut [Element], x: f32, next: &ShapedRun, fonts: &FontBook) {
    if next.is_rtl() {
        return;
    }
    if let Some(Element::Text { x: prev_x, run, .. }) = last_text(elements) {
        let gap = x - (prev_x.0 + run.width());
        if gap > 0.0 {
            append_space(run, gap, fonts);
        }
    }
}

/// Ends a line broken at a word space with that space, of no width: a reader of the
/// structure (which joins a paragraph's lines) then reads two words, not one.
fn end_with_space(elements: &mut [Element], fonts: &FontBook) {
    if let Some(Element::Text { run, .. }) = last_text(elements) {
        if !run.text.ends_with(' ') {
            append_space(run, 0.0, fonts);
        }
    }
}

/// The last text drawn on the line, unless it is a formula's (whose text is its
/// span's: a space glyph added to it would not be read).
fn last_text(elements: &mut [Element]) -> Option<&mut Element> {
    elements
        .iter_mut()
        .rev()
        .find(|e| matches!(e, Element::Text { .. }))
        .filter(|e| matches!(e, Element::Text { formula: None, .. }))
}

/// Appends a space glyph `advance` wide to a left-to-right run drawn with outlines whose
/// face has one (a right-to-left run is drawn in visual order: a space would land at the
/// wrong end of its text).
fn append_space(run: &mut ShapedRun, advance: f32, fonts: &FontBook) {
    let face = fonts.face(run.face);
    if run.is_rtl() || face.drawing != Drawing::Outlines {
        return;
    }
    let Some(glyph) = face.shaper.glyph_index(' ') else {
        return;
    };
    run.append(ShapedRun::repeated(
        run.face,
        run.size,
        glyph.0,
        " ",
        run.level,
        |_, _| advance,
    ));
}

/// Adds a link area, extending the previous one when it continues the same link.
fn push_link(elements: &mut Vec<Element>, rect: Rect, target: LinkTarget, tag: Tag) {
    for element in elements.iter_mut().rev() {
        if let Element::Link {
            rect: prev,
            target: t,
            ..
        } = element
        {
            if *t == target && (prev.y - rect.y).abs() < Pt(0.5) && rect.x >= prev.x {
                prev.width = rect.x + rect.width - prev.x;
                return;
            }
            break;
        }
    }
    elements.push(Element::Link { rect, target, tag });
}

impl LineBox {
    /// Puts glyph runs (a list marker, a note number) at the start of the line's content,
    /// from `x` on its baseline: first, so that text extraction reads them before the
    /// line's text.
    pub fn prepend_runs(&mut self, runs: Vec<crate::text::ShapedRun>, x: Pt, tag: Tag) {
        let mut x = x;
        for (k, run) in runs.into_iter().enumerate() {
            let width = Pt(run.width());
            self.elements.insert(
                k,
                Element::Text {
                    x,
                    y: self.baseline,
                    run,
                    color: Rgb::BLACK,
                    tag,
                    formula: None,
                },
            );
            x += width;
        }
    }
}
