//! Settings: the render options, layered and resolved, combined with a template's design
//! into what the engine typesets with.

use crate::error::Error;
use crate::geom::{Pt, Rect, MM};
use crate::options::{Direction, RenderOptions, ResolvedOptions};
use crate::template::{Design, Template};
use crate::text::fonts::{FaceId, FaceSet};

/// What the engine typesets with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Every option's value.
    pub options: ResolvedOptions,
    /// The template's name and design values.
    pub template: String,
    pub design: Design,
    /// Body text size in points: the font size scaled by the text scale.
    pub font_size: f32,
    /// Hyphenation is on and the language has patterns.
    pub hyphenate: bool,
    /// The document's direction: `Rtl` for a right-to-left document (given, or by its
    /// language), else `Ltr` as given or `Auto` (each paragraph its own).
    pub direction: Direction,
    /// The faces the text is set in (the design's `[fonts]`, found in the font book).
    pub faces: Faces,
}

/// The faces a document is set in.
#[derive(Debug, Clone, PartialEq)]
pub struct Faces {
    pub body: FaceSet,
    pub heading: FaceSet,
    pub code: FaceSet,
    /// Faces tried first for characters the others lack.
    pub fallback: Vec<FaceId>,
}

impl Default for Faces {
    /// The bundled serif and monospace.
    fn default() -> Faces {
        Faces {
            body: FaceSet::SERIF,
            heading: FaceSet::SERIF,
            code: FaceSet::MONO,
            fallback: Vec::new(),
        }
    }
}

/// The running header's baseline above the text area, and the footer's below it, in body
/// ems, where the margins allow; in tight margins they come closer to the text, but no
/// closer than the least distances. The least size they are set at.
const HEADER_RAISE_EM: f32 = 2.2;
const FOOTER_DROP_EM: f32 = 2.8;
const LEAST_HEADER_RAISE_EM: f32 = 1.0;
const LEAST_FOOTER_DROP_EM: f32 = 1.2;
const MIN_FURNITURE_SIZE: f32 = 6.0;
/// How far the header's letters rise above its baseline, and the footer's descend below
/// it, in furniture ems (with room to spare: accents, descenders).
const HEADER_ASCENT_EM: f32 = 0.9;
const FOOTER_DESCENT_EM: f32 = 0.3;
/// Header and footer keep this far from the paper's edge where the margin allows: many
/// printers cannot print closer.
const EDGE_CLEARANCE: Pt = Pt(6.0 * MM);

/// The text area must keep room for a readable line and a few lines per page.
const MIN_TEXT_WIDTH: Pt = Pt(30.0 * MM);
const MIN_TEXT_HEIGHT: Pt = Pt(40.0 * MM);

impl Settings {
    /// Combines the options (already layered: front matter under the caller's) with a
    /// template, whose option defaults come under both.
    pub fn resolve(
        options: &RenderOptions,
        template: &Template,
        has_patterns: impl Fn(&str) -> bool,
    ) -> Result<Settings, Error> {
        let options = template.defaults.clone().overlay(options).resolve();
        let settings = Settings {
            font_size: options.font_size.0 * (options.text_scale.0 / 100.0),
            hyphenate: options.hyphenate && has_patterns(options.lang.as_str()),
            direction: options.dir.for_document(options.lang.as_str()),
            faces: Faces::default(),
            template: template.name.clone(),
            design: template.design.clone(),
            options,
        };
        if settings.area_width() < MIN_TEXT_WIDTH || settings.text_height() < MIN_TEXT_HEIGHT {
            return Err(Error::option(
                "margins",
                format!(
                    "margins {} leave a text area of {:.0}x{:.0}mm on a {} page; it must be at least 30x40mm",
                    settings.options.margins,
                    settings.area_width().to_mm(),
                    settings.text_height().to_mm(),
                    settings.options.page_size
                ),
            ));
        }
        settings.check_furniture_fits()?;
        Ok(settings)
    }

    /// Size of the running header and footer.
    pub fn furniture_size(&self) -> f32 {
        (self.font_size * self.design.furniture_scale).max(MIN_FURNITURE_SIZE)
    }

    /// The header's baseline above the text area: as designed, or closer to the text in a
    /// tight margin (clear of the paper's edge if it can be, and always on the paper).
    pub fn header_raise(&self) -> Pt {
        let ink = self.furniture_size() * HEADER_ASCENT_EM;
        let room = self.options.margins.top.0 - ink;
        let least = self.font_size * LEAST_HEADER_RAISE_EM;
        let designed = self.font_size * HEADER_RAISE_EM;
        Pt(designed.min((room - EDGE_CLEARANCE.0).max(least)).min(room))
    }

    /// The footer's baseline below the text area, placed as the header is.
    pub fn footer_drop(&self) -> Pt {
        let ink = self.furniture_size() * FOOTER_DESCENT_EM;
        let room = self.options.margins.bottom.0 - ink;
        let least = self.font_size * LEAST_FOOTER_DROP_EM;
        let designed = self.font_size * FOOTER_DROP_EM;
        Pt(designed.min((room - EDGE_CLEARANCE.0).max(least)).min(room))
    }

    /// Header and footer stay on the paper and clear of the text: margins too small for
    /// them are an error that names the least margin that holds them.
    fn check_furniture_fits(&self) -> Result<(), Error> {
        let size = self.furniture_size();
        let margins = &self.options.margins;
        let least_top = Pt(self.font_size * LEAST_HEADER_RAISE_EM + size * HEADER_ASCENT_EM);
        let least_bottom = Pt(self.font_size * LEAST_FOOTER_DROP_EM + size * FOOTER_DESCENT_EM);
        let has_footer =
            !self.design.footer_left.is_empty() || !self.design.footer_right.is_empty();
        let short = if !self.design.header.is_empty() && margins.top < least_top {
            Some(("top", "header", margins.top, least_top))
        } else if has_footer && margins.bottom < least_bottom {
            Some(("bottom", "footer", margins.bottom, least_bottom))
        } else {
            None
        };
        match short {
            Some((side, what, given, least)) => Err(Error::option(
                "margins",
                format!(
                    "a {side} margin of {:.1}mm leaves no room for the {what} at {:.0} pt type; \
                     it must be at least {:.0}mm",
                    given.to_mm(),
                    self.font_size,
                    least.to_mm().ceil()
                ),
            )),
            None => Ok(()),
        }
    }

    /// Baseline-to-baseline distance of body text.
    pub fn leading(&self) -> f32 {
        self.font_size * self.design.line_height
    }

    pub fn columns(&self) -> usize {
        self.design.columns.max(1) as usize
    }

    /// Whether the document is set right to left (its lines start from the right).
    pub fn rtl(&self) -> bool {
        self.direction == Direction::Rtl
    }

    /// Width of a column of text (the whole text area with one column).
    pub fn text_width(&self) -> Pt {
        let columns = self.columns() as f32;
        (self.area_width() - self.column_gap() * (columns - 1.0)) / columns
    }

    /// The text area on the page (all columns), in the page's coordinates.
    pub fn text_area(&self) -> Rect {
        let margins = &self.options.margins;
        Rect {
            x: margins.left,
            y: margins.top,
            width: self.area_width(),
            height: self.text_height(),
        }
    }

    /// Width of the text area between the side margins.
    pub fn area_width(&self) -> Pt {
        let page = &self.options.page_size;
        let margins = &self.options.margins;
        page.width - margins.left - margins.right
    }

    /// Space between columns.
    pub fn column_gap(&self) -> Pt {
        Pt(self.design.column_gap * self.font_size)
    }

    pub fn text_height(&self) -> Pt {
        let page = &self.options.page_size;
        let margins = &self.options.margins;
        page.height - margins.top - margins.bottom
    }

    /// The settings in a canonical form that does not depend on how the code stores
    /// them: every option by name with its value in declaration order, then the design
    /// values by their template keys. The PDF's identifier is derived from it.
    pub fn canonical(&self) -> serde_json::Value {
        let mut options = self.options.canonical();
        // The template as found (its name may have been given in another case).
        options.insert("template".into(), self.template.clone().into());
        serde_json::json!({
            "options": options,
            "design": serde_json::to_value(&self.design).unwrap_or_default(),
        })
    }
}
