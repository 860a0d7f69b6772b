//! The table of contents (`toc = true`): after the title block, the article's headings down
//! to `toc_depth`, each entry with dot leaders to its page number and linked to its
//! heading.
//!
//! Page numbers are known only once the pages are broken. The entries are set first with
//! room kept for a number at the end of each one's last line ([`Flowed::contents`] records
//! where), and [`number`] draws the leaders and numbers once the pages are known. The
//! entries' heights never depend on the numbers, so the pages break the same way again.

use std::collections::HashMap;

use super::blocks::{Flow, Frame};
use super::vlist::{Keep, VItem, NO_BREAK};
use super::Flowed;
use crate::geom::{Pt, Rect, Rgb};
use crate::inline::{Align, LineBox, Measure, ParagraphStyle};
use crate::layout::{Anchor, AnchorKey, Element, LinkTarget, Role};
use crate::model::{Block, Inline};
use crate::settings::Settings;
use crate::structure::{Kind, Tag};
use crate::text::{shape::shape, FontBook, ShapeOptions, ShapedRun};

/// Entries indent by this much per level below the top one, in ems.
const INDENT_PER_LEVEL: f32 = 1.5;
/// Leader dots stand on a grid this wide (ems), so that they line up from entry to entry.
const LEADER_PITCH: f32 = 0.55;
/// The least gap between an entry's text and its leaders, and its leaders and its number
/// (ems).
const LEADER_CLEARANCE: f32 = 0.5;
/// Room kept at the end of an entry's lines: its number and the gaps around it, in digit
/// widths (four digits and two of gap).
const NUMBER_ROOM_DIGITS: f32 = 6.0;
/// Space above each top-level entry when the contents list more than one level, and
/// below the contents, in lines.
const SPACE_ABOVE_TOP_ENTRY: f32 = 0.35;
const SPACE_AFTER: f32 = 1.2;
/// Space below the contents' title, in lines.
const SPACE_BELOW_TITLE: f32 = 0.45;
/// Baseline distance of the title's lines, as a multiple of its size.
const TITLE_LINE_HEIGHT: f32 = 1.25;

/// A heading listed in the contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub level: u8,
    pub id: String,
    /// The heading's text with its emphasis and code, without its note references.
    pub title: Vec<Inline>,
}

/// Where an entry's leaders and page number go: the last line of the entry (an index in
/// [`Flowed::items`]), where its text ends on that line, and the frame's edges.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberSlot {
    pub item: usize,
    pub id: String,
    /// How many elements the line had before the leaders and number were drawn.
    elements: usize,
    text_end: Pt,
    frame_left: Pt,
    frame_right: Pt,
    rtl: bool,
    size: f32,
    /// The entry's link in the structure, which its number is part of too.
    link: Tag,
}

/// The article's headings of level `depth` and above, in order (headings inside quotes,
/// lists and notes are part of what they stand in, and are not listed).
pub fn entries(blocks: &[Block], depth: u8) -> Vec<Entry> {
    blocks
        .iter()
        .filter_map(|block| match block {
            Block::Heading { level, id, content } if *level <= depth => Some(Entry {
                level: *level,
                id: id.clone(),
                title: Inline::without_references(content),
            }),
            _ => None,
        })
        .collect()
}

impl Flow<'_> {
    /// Sets the contents' title and entries, keeping the place of each page number.
    pub(super) fn contents(&mut self, entries: &[Entry], frame: &Frame) -> Vec<NumberSlot> {
        if entries.is_empty() {
            return Vec::new();
        }
        let lang = self.settings.options.lang.as_str();
        let title_style = ParagraphStyle {
            size: self.size() * self.settings.design.heading_sizes[1],
            bold: true,
            justify: false,
            hyphenate: false,
            balance: true,
            family: self.settings.faces.heading,
            ..self.body_style(frame)
        };
        self.set_block(
            &[Inline::Text(crate::labels::contents(lang).to_string())],
            &title_style,
            frame,
            Align::Start,
            TITLE_LINE_HEIGHT,
            Keep::WithNext,
            (Role::Heading(2), Kind::Heading(2)),
            None,
        );
        let toc = self.tag(Kind::Contents, frame.parent);
        let frame = &frame.within(toc);
        self.space(SPACE_BELOW_TITLE * self.leading(), frame);
        let top = entries.iter().map(|e| e.level).min().unwrap_or(1);
        let levels = entries.iter().any(|e| e.level > top);
        // Room for a number at the end of each entry's lines (the same for all of them).
        let size = self.body_style(frame).size;
        let digit: f32 = self
            .shape_marker("0", size, false)
            .iter()
            .map(ShapedRun::width)
            .sum();
        let number_room = digit * NUMBER_ROOM_DIGITS;
        let mut slots = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            if levels && entry.level == top && i > 0 {
                self.space(SPACE_ABOVE_TOP_ENTRY * self.leading(), frame);
            }
            if let Some(slot) = self.contents_entry(entry, top, number_room, frame) {
                slots.push(slot);
            }
        }
        self.space(SPACE_AFTER * self.leading(), frame);
        self.previous_was_paragraph = false;
        slots
    }

    /// One entry: its title set ragged in the room its indent and number leave, never
    /// split across pages, linked to its heading.
    fn contents_entry(
        &mut self,
        entry: &Entry,
        top: u8,
        number_room: f32,
        frame: &Frame,
    ) -> Option<NumberSlot> {
        let style = ParagraphStyle {
            justify: false,
            hyphenate: false,
            ..self.body_style(frame)
        };
        let indent = f32::from(entry.level - top) * INDENT_PER_LEVEL * style.size;
        let width = (frame.width.0 - indent - number_room).max(frame.width.0 / 3.0);
        let left = if frame.rtl {
            frame.left + frame.width - Pt(indent + width)
        } else {
            frame.left + Pt(indent)
        };
        let measure = Measure {
            left,
            width: Pt(width),
            align: Align::Start,
            line_height: self.settings.design.line_height,
            max_lines: usize::MAX,
        };
        let item = self.tag(Kind::ContentsItem, frame.parent);
        let link = self.tag(Kind::Link, item);
        let mut lines = self.set(&entry.title, &style, &measure, link);
        let target = LinkTarget::Internal(AnchorKey::Id(entry.id.clone()));
        for line in &mut lines {
            line.role = Role::Contents;
            let (start, end) = text_extent(line)?;
            let (x0, x1) = if frame.rtl {
                (frame.left, end)
            } else {
                (start, frame.left + frame.width)
            };
            line.elements.push(Element::Link {
                rect: Rect {
                    x: x0,
                    y: Pt::ZERO,
                    width: x1 - x0,
                    height: line.height,
                },
                target: target.clone(),
                tag: link,
            });
        }
        let last = lines.last()?;
        let (start, end) = text_extent(last)?;
        let elements = last.elements.len();
        self.list.push_rows(lines, |_| NO_BREAK);
        Some(NumberSlot {
            item: self.list.items.len() - 1,
            id: entry.id.clone(),
            elements,
            text_end: if frame.rtl { start } else { end },
            frame_left: frame.left,
            frame_right: frame.left + frame.width,
            rtl: frame.rtl,
            size: style.size,
            link,
        })
    }
}

/// Where the text of a line starts and ends (its leftmost and rightmost glyph edges).
fn text_extent(line: &LineBox) -> Option<(Pt, Pt)> {
    line.elements
        .iter()
        .filter_map(|element| match element {
            Element::Text { x, run, .. } => Some((*x, *x + Pt(run.width()))),
            _ => None,
        })
        .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)))
}

/// Draws each entry's leaders and page number, the pages being those `anchors` give the
/// headings (numbered from 1). Returns the numbers drawn, in entry order, so that the
/// caller can check them against the pages broken again.
pub fn number(
    flowed: &mut Flowed,
    anchors: &[Anchor],
    fonts: &FontBook,
    settings: &Settings,
) -> Vec<usize> {
    // Each heading's page (the first heading of an id: the one its links reach).
    let mut pages: HashMap<&str, usize> = HashMap::new();
    for anchor in anchors {
        if let AnchorKey::Id(id) = &anchor.key {
            pages.entry(id.as_str()).or_insert(anchor.page + 1);
        }
    }
    let page_of = |id: &str| pages.get(id).copied();
    let face = settings.faces.body.regular;
    let options = ShapeOptions {
        lang: settings.options.lang.as_str(),
        ..ShapeOptions::default()
    };
    let mut missing = std::collections::BTreeSet::new();
    // The leader dot, shaped once for each size the entries are set at (one in practice).
    let mut dot: (f32, Vec<ShapedRun>) = (0.0, Vec::new());
    let mut numbers = Vec::with_capacity(flowed.contents.len());
    for slot in &flowed.contents {
        let Some(VItem::Line(line)) = flowed.items.get_mut(slot.item) else {
            continue;
        };
        line.elements.truncate(slot.elements);
        let Some(page) = page_of(&slot.id) else {
            numbers.push(0);
            continue;
        };
        numbers.push(page);
        let digits = shape(
            fonts,
            face,
            slot.size,
            &page.to_string(),
            &options,
            &mut missing,
        );
        let number_width: f32 = digits.iter().map(ShapedRun::width).sum();
        let clearance = LEADER_CLEARANCE * slot.size;
        let mut x = if slot.rtl {
            slot.frame_left
        } else {
            slot.frame_right - Pt(number_width)
        };
        // The leaders fill the gap between the text and the number.
        let (from, to) = if slot.rtl {
            (
                slot.frame_left + Pt(number_width + clearance),
                slot.text_end - Pt(clearance),
            )
        } else {
            (slot.text_end + Pt(clearance), x - Pt(clearance))
        };
        if dot.0 != slot.size {
            dot = (
                slot.size,
                shape(fonts, face, slot.size, ".", &options, &mut missing),
            );
        }
        if let Some(leaders) = leaders(&dot.1, slot.frame_left, from, to, slot.size) {
            let leader_x = leaders.0;
            line.elements.push(Element::Text {
                x: leader_x,
                y: line.baseline,
                run: leaders.1,
                color: Rgb::BLACK,
                tag: Tag::ARTIFACT,
                formula: None,
            });
        }
        for run in digits {
            let width = Pt(run.width());
            line.elements.push(Element::Text {
                x,
                y: line.baseline,
                run,
                color: Rgb::BLACK,
                tag: slot.link,
                formula: None,
            });
            x += width;
        }
    }
    numbers
}

/// A run of dots on the grid that starts at `origin`, filling `from`..`to`; none when
/// fewer than two fit.
fn leaders(dot: &[ShapedRun], origin: Pt, from: Pt, to: Pt, size: f32) -> Option<(Pt, ShapedRun)> {
    let run = dot.first()?;
    let glyph = *run.glyphs.first()?;
    let pitch = LEADER_PITCH * size;
    let first = ((from - origin).0 / pitch).ceil().max(0.0);
    let last = ((to - origin).0 - glyph.advance) / pitch;
    if last < first + 1.0 {
        return None;
    }
    let count = (last - first).floor() as usize + 1;
    let dots = ".".repeat(count);
    let advance = |n: usize, _| if n + 1 == count { glyph.advance } else { pitch };
    let run = ShapedRun::repeated(run.face, run.size, glyph.id, &dots, run.level, advance);
    Some((origin + Pt(first * pitch), run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse;

    #[test]
    fn entries_list_top_level_headings_to_the_depth() {
        let doc = parse(
            "# Title\n\n## One[^n]\n\n### One.a\n\n#### Deep\n\n> ## Quoted\n\n## Two `code` [link](https://a.b)\n\n[^n]: Note.\n",
            &Default::default(),
            None,
            None,
            &Default::default(),
            &Default::default(),
        )
        .unwrap();
        let listed: Vec<(u8, String)> = entries(&doc.blocks, 3)
            .into_iter()
            .map(|e| (e.level, Inline::plain_text(&e.title)))
            .collect();
        assert_eq!(
            listed,
            [
                (2, "One".to_string()),
                (3, "One.a".to_string()),
                (2, "Two code link".to_string())
            ]
        );
        assert_eq!(entries(&doc.blocks, 2).len(), 2);
    }

    #[test]
    fn leaders_stand_on_a_grid_between_text_and_number() {
        let glyph = crate::text::shape::Glyph {
            id: 17,
            advance: 3.0,
            x_offset: 0.0,
            y_offset: 0.0,
            cluster: 0,
        };
        let dot = ShapedRun {
            glyphs: vec![glyph],
            text: ".".to_string(),
            ..ShapedRun::empty(crate::text::FaceId(0), 10.0)
        };
        // Pitch 5.5 pt from x = 0: the first dot at 22 (>= 20), the last ending by 60.
        let (x, run) = leaders(
            std::slice::from_ref(&dot),
            Pt(0.0),
            Pt(20.0),
            Pt(60.0),
            10.0,
        )
        .unwrap();
        assert_eq!(x, Pt(22.0));
        assert_eq!(run.glyphs.len(), 7);
        assert!(x.0 + run.width() <= 60.0, "{}", run.width());
        assert_eq!(run.text, ".......");
        // No room for two dots: none.
        assert!(leaders(&[dot], Pt(0.0), Pt(20.0), Pt(26.0), 10.0).is_none());
    }
}
