//! Stage 5: vertical list → pages.
//!
//! Takes the [`Flowed`] list and notes, the settings and the metadata as it is to be
//! printed, and gives the [`Layout`]: pages with everything positioned, and the anchors
//! (headings, notes) with their pages. [`breaking`] finds where each page (or column)
//! ends and which notes go to its foot, [`place`] positions the lines, [`furniture`] adds
//! the running header and footer once the page count is known. The page limit is checked
//! here, before anything is drawn.

pub mod balance;
pub mod breaking;
pub mod furniture;
pub mod place;

use crate::cancel::Cancel;

use crate::context::{Exceeded, Limit, Limits};
use crate::error::{Error, Warning};
use crate::flow::{Flowed, VItem};
use crate::geom::Pt;
use crate::layout::{Element, Layout, Page};
use crate::model::Meta;
use crate::settings::Settings;
use crate::text::FontBook;

/// Space taken by the rule above the notes, in body lines.
pub(crate) const NOTE_SEPARATOR_LINES: f32 = 0.9;

/// Where the text area of a page is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub page_width: Pt,
    pub page_height: Pt,
    pub left: Pt,
    pub top: Pt,
    /// Width and height of the text area.
    pub text_width: Pt,
    pub text_height: Pt,
    /// Columns per page; the paginator fills one column after the other.
    pub columns: usize,
    pub column_width: Pt,
    pub column_gap: Pt,
    /// A right-to-left document: the first column on the right, note rules on the right.
    pub rtl: bool,
    /// The header's baseline above the text area, the footer's below it.
    pub header_raise: Pt,
    pub footer_drop: Pt,
    /// Printed on both sides: even pages are mirrored.
    pub duplex: bool,
    /// The right margin (the left one of a mirrored page).
    pub right: Pt,
}

impl Geometry {
    pub fn of(settings: &Settings) -> Geometry {
        let page = &settings.options.page_size;
        let margins = &settings.options.margins;
        Geometry {
            page_width: page.width,
            page_height: page.height,
            left: margins.left,
            top: margins.top,
            text_width: settings.area_width(),
            text_height: settings.text_height(),
            columns: settings.columns(),
            column_width: settings.text_width(),
            column_gap: settings.column_gap(),
            rtl: settings.rtl(),
            header_raise: settings.header_raise(),
            footer_drop: settings.footer_drop(),
            duplex: settings.options.duplex,
            right: margins.right,
        }
    }

    /// Whether the page at `index` (from 0) is mirrored: an even page printed on both sides.
    pub fn mirrored(&self, index: usize) -> bool {
        self.duplex && index % 2 == 1
    }

    /// Where the text area starts on the page at `index` (from 0).
    pub fn left_of(&self, index: usize) -> Pt {
        if self.mirrored(index) {
            self.right
        } else {
            self.left
        }
    }
}

/// A last page filled less than this share is worth saving.
const NEARLY_EMPTY_LAST_PAGE: f32 = 0.25;

/// Breaks the list into pages at their natural height; if the last page would be nearly
/// empty, tries again with the spaces allowed to shrink, then also with pages allowed to
/// run a line long, and keeps the first that needs a page fewer. The rules on widows,
/// orphans and headings hold in every attempt (they are forbidden breaks). With several
/// columns, the last page's columns are then balanced.
fn economical_pages(
    flowed: &Flowed,
    geometry: &Geometry,
    line_unit: f32,
    cancel: &Cancel,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<breaking::PagePlan>, Error> {
    let columns = geometry.columns.max(1);
    let mut rules = breaking::PageRules {
        head: Pt(head_height(&flowed.head)),
        columns,
        ..breaking::PageRules::natural(geometry.text_height, Pt(line_unit))
    };
    let natural = rules;
    let mut found = Vec::new();
    let mut plans =
        breaking::break_pages(&flowed.items, &flowed.notes, &natural, cancel, &mut found)?;
    let sheets = |plans: &[breaking::PagePlan]| plans.len().div_ceil(columns);
    if sheets(&plans) > 1
        && last_page_fill(&plans, flowed, columns, geometry.text_height.0) < NEARLY_EMPTY_LAST_PAGE
    {
        let squeezed = breaking::PageRules {
            squeeze: true,
            ..natural
        };
        let long = breaking::PageRules {
            overrun: Pt(line_unit),
            ..squeezed
        };
        for tighter_rules in [squeezed, long] {
            let mut tried = Vec::new();
            let tighter = breaking::break_pages(
                &flowed.items,
                &flowed.notes,
                &tighter_rules,
                cancel,
                &mut tried,
            )?;
            if sheets(&tighter) < sheets(&plans) {
                plans = tighter;
                found = tried;
                rules = tighter_rules;
                break;
            }
        }
    }
    balance::balance_last_page(&mut plans, &flowed.items, &flowed.notes, &rules, cancel)?;
    warnings.extend(found);
    Ok(plans)
}

/// The height of what spans the columns at the top of the first page.
fn head_height(head: &[VItem]) -> f32 {
    head.iter()
        .map(|item| match item {
            VItem::Line(line) => line.height.0,
            VItem::Space { height, .. } => height.0,
            VItem::Penalty(_) | VItem::Float(_) => 0.0,
        })
        .sum()
}

/// How full the last page is: the height of its columns' lines, spaces and notes over
/// the height of its columns.
fn last_page_fill(
    plans: &[breaking::PagePlan],
    flowed: &Flowed,
    columns: usize,
    text_height: f32,
) -> f32 {
    let first = (plans.len() - 1) / columns * columns;
    let used: f32 = plans[first..]
        .iter()
        .map(|plan| {
            let floats_on_top: f32 = plan
                .top_floats
                .iter()
                .map(|&index| match &flowed.items[index] {
                    VItem::Float(block) => block.height_on_page(true),
                    _ => 0.0,
                })
                .sum();
            let items: f32 = plan
                .items
                .clone()
                .map(|index| match &flowed.items[index] {
                    VItem::Line(line) => line.height.0,
                    VItem::Space { height, .. } => height.0,
                    VItem::Float(_) if plan.deferred.contains(&index) => 0.0,
                    VItem::Float(block) => block.height_on_page(false),
                    VItem::Penalty(_) => 0.0,
                })
                .sum::<f32>()
                + floats_on_top;
            let notes: f32 = plan
                .notes
                .iter()
                .map(|p| {
                    breaking::lines_height(&flowed.notes[p.note.0 as usize][p.lines.clone()]).0
                })
                .sum();
            items + notes
        })
        .sum();
    used / (text_height * columns as f32)
}

/// Breaks the vertical list into pages and lays them out, with header and footer. With
/// `take_lines` the lines' elements are moved onto the pages (see [`place::place`]), and
/// `flowed` cannot be paginated again.
#[allow(clippy::too_many_arguments)]
pub fn paginate(
    flowed: &mut Flowed,
    take_lines: bool,
    settings: &Settings,
    printed: &Meta,
    fonts: &FontBook,
    limits: &Limits,
    cancel: &Cancel,
    warnings: &mut Vec<Warning>,
) -> Result<Layout, Error> {
    let geometry = Geometry::of(settings);
    let line_unit = settings.leading();
    let plans = economical_pages(flowed, &geometry, line_unit, cancel, warnings)?;
    let pages = plans.len().div_ceil(geometry.columns.max(1));
    if pages > limits.max_pages {
        return Err(Error::Limit(Exceeded {
            limit: Limit::Pages,
            allowed: limits.max_pages as u64,
            found: pages as u64,
        }));
    }
    let (mut pages, anchors) = place::place(
        &mut flowed.head,
        &mut flowed.items,
        &flowed.notes,
        &plans,
        &geometry,
        line_unit,
        take_lines,
    );
    if pages.is_empty() {
        // An empty article still gives a (blank) page with its footer.
        pages.push(Page::new(geometry.page_width, geometry.page_height));
    }
    if settings.options.ink_saver {
        for page in &mut pages {
            for element in &mut page.elements {
                match element {
                    Element::Rule { gray, .. } => *gray = 0.0,
                    Element::Text { color, .. } => *color = crate::geom::Rgb::BLACK,
                    _ => {}
                }
            }
        }
    }
    let mut structure = if take_lines {
        std::mem::take(&mut flowed.structure)
    } else {
        flowed.structure.clone()
    };
    furniture::decorate(
        &mut pages,
        &mut structure,
        &settings.design,
        printed,
        fonts,
        &geometry,
        settings.furniture_size(),
        furniture::Writing {
            lang: settings.options.lang.as_str(),
            rtl: settings.rtl(),
            family: settings.faces.body,
            fallback: &settings.faces.fallback,
        },
    );
    Ok(Layout {
        pages,
        anchors,
        structure,
    })
}
