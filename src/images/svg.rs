//! SVG images as vector drawings: parsed and simplified by `usvg` (CSS, `use`, shapes,
//! transforms, text laid out in the bundled faces and turned into outlines), then kept as
//! plain paths with a fill and a stroke each, in the drawing's own units (CSS pixels, y
//! down), for the PDF stage to draw as vectors at any size.
//!
//! What paper can show is kept: solid fills and strokes with their dashes, caps and joins.
//! Opacity is mixed with the white of the paper; a gradient or pattern paints with the
//! average of its colours. Pictures inside an SVG are left out (an SVG never reads a file
//! or an address), and so are filters, masks and clip paths (their content is drawn
//! unclipped).

use std::sync::{Arc, OnceLock};

use crate::context::Cancel;

/// The most path steps a drawing may have: a diagram has thousands; millions are an
/// attack or a rendering of a photograph, too slow to print.
pub const MAX_STEPS: usize = 400_000;

/// A vector drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// Its size in CSS pixels (96 to the inch).
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<Shape>,
}

/// One path with how it is painted.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub steps: Vec<Step>,
    pub fill: Option<Fill>,
    pub stroke: Option<Stroke>,
    /// Stroke under the fill (SVG's `paint-order: stroke`).
    pub stroke_first: bool,
}

/// A step of a path, in the drawing's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    Move(f32, f32),
    Line(f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fill {
    /// Red, green, blue from 0 to 1.
    pub rgb: [f32; 3],
    pub even_odd: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    pub rgb: [f32; 3],
    pub width: f32,
    /// PDF's line cap (0 butt, 1 round, 2 square) and join (0 miter, 1 round, 2 bevel).
    pub cap: u8,
    pub join: u8,
    pub miter_limit: f32,
    pub dashes: Vec<f32>,
    pub dash_offset: f32,
}

/// Whether `bytes` look like an SVG document (XML whose root is `<svg>`).
pub fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with("<?xml") || text.starts_with("<svg") || text.starts_with("<!"))
        && text.contains("<svg")
}

/// The faces SVG text is set in: the bundled ones, loaded once.
fn faces() -> Arc<fontdb::Database> {
    static FACES: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            for bytes in crate::text::fonts::bundled_font_data() {
                db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
            }
            db.set_serif_family("Noto Serif");
            db.set_sans_serif_family("Noto Serif");
            db.set_monospace_family("JetBrains Mono");
            Arc::new(db)
        })
        .clone()
}

/// Parses an SVG document into a drawing, within `max_pixels` for its size at 96 to the
/// inch (the budget raster images have).
pub fn load(bytes: &[u8], max_pixels: u64, limit: &str, cancel: &Cancel) -> Result<Vector, String> {
    let options = usvg::Options {
        font_family: "Noto Serif".to_string(),
        fontdb: faces(),
        // Nothing outside the document is read: no files, no addresses, no pictures.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_data(bytes, &options).map_err(|e| format!("unreadable SVG: {e}"))?;
    let size = tree.size();
    let (width, height) = (size.width(), size.height());
    if (width as f64) * (height as f64) > max_pixels as f64 {
        return Err(format!(
            "an SVG of {width:.0}x{height:.0} pixels is more than the {max_pixels} pixels {limit} allows"
        ));
    }
    let mut drawing = Vector {
        width,
        height,
        shapes: Vec::new(),
    };
    let mut steps = 0;
    walk(
        tree.root(),
        usvg::Transform::identity(),
        1.0,
        &mut drawing.shapes,
        &mut steps,
    )?;
    if cancel.is_cancelled() {
        return Err("cancelled".to_string());
    }
    Ok(drawing)
}

/// Adds the shapes of `group` (under `transform`, at `opacity`) to `out`.
fn walk(
    group: &usvg::Group,
    transform: usvg::Transform,
    opacity: f32,
    out: &mut Vec<Shape>,
    steps: &mut usize,
) -> Result<(), String> {
    let transform = transform.pre_concat(group.transform());
    let opacity = opacity * group.opacity().get();
    for node in group.children() {
        match node {
            usvg::Node::Group(inner) => walk(inner, transform, opacity, out, steps)?,
            usvg::Node::Text(text) => walk(text.flattened(), transform, opacity, out, steps)?,
            usvg::Node::Path(path) if path.is_visible() => {
                let shape = shape(path, transform, opacity);
                *steps += shape.steps.len();
                if *steps > MAX_STEPS {
                    return Err(format!(
                        "the SVG has more than {MAX_STEPS} path steps, too many to print"
                    ));
                }
                out.push(shape);
            }
            usvg::Node::Path(_) | usvg::Node::Image(_) => {}
        }
    }
    Ok(())
}

fn shape(path: &usvg::Path, t: usvg::Transform, opacity: f32) -> Shape {
    let map = |x: f32, y: f32| (t.sx * x + t.kx * y + t.tx, t.ky * x + t.sy * y + t.ty);
    let mut steps = Vec::new();
    let mut last = (0.0, 0.0);
    for segment in path.data().segments() {
        use usvg::tiny_skia_path::PathSegment;
        match segment {
            PathSegment::MoveTo(p) => {
                last = (p.x, p.y);
                let (x, y) = map(p.x, p.y);
                steps.push(Step::Move(x, y));
            }
            PathSegment::LineTo(p) => {
                last = (p.x, p.y);
                let (x, y) = map(p.x, p.y);
                steps.push(Step::Line(x, y));
            }
            PathSegment::QuadTo(c, p) => {
                // The same curve as a cubic: control points two thirds of the way.
                let c1 = (
                    last.0 + 2.0 / 3.0 * (c.x - last.0),
                    last.1 + 2.0 / 3.0 * (c.y - last.1),
                );
                let c2 = (p.x + 2.0 / 3.0 * (c.x - p.x), p.y + 2.0 / 3.0 * (c.y - p.y));
                last = (p.x, p.y);
                let (a, b, e) = (map(c1.0, c1.1), map(c2.0, c2.1), map(p.x, p.y));
                steps.push(Step::Cubic(a.0, a.1, b.0, b.1, e.0, e.1));
            }
            PathSegment::CubicTo(c1, c2, p) => {
                last = (p.x, p.y);
                let (a, b, e) = (map(c1.x, c1.y), map(c2.x, c2.y), map(p.x, p.y));
                steps.push(Step::Cubic(a.0, a.1, b.0, b.1, e.0, e.1));
            }
            PathSegment::Close => steps.push(Step::Close),
        }
    }
    let fill = path.fill().map(|fill| Fill {
        rgb: on_paper(fill.paint(), opacity * fill.opacity().get()),
        even_odd: fill.rule() == usvg::FillRule::EvenOdd,
    });
    // Stroke widths scale with the transform (by its area's square root).
    let scale = (t.sx * t.sy - t.kx * t.ky).abs().sqrt();
    let stroke = path.stroke().map(|stroke| Stroke {
        rgb: on_paper(stroke.paint(), opacity * stroke.opacity().get()),
        width: stroke.width().get() * scale,
        cap: match stroke.linecap() {
            usvg::LineCap::Butt => 0,
            usvg::LineCap::Round => 1,
            usvg::LineCap::Square => 2,
        },
        join: match stroke.linejoin() {
            usvg::LineJoin::Miter | usvg::LineJoin::MiterClip => 0,
            usvg::LineJoin::Round => 1,
            usvg::LineJoin::Bevel => 2,
        },
        miter_limit: stroke.miterlimit().get(),
        dashes: stroke
            .dasharray()
            .map(|d| d.iter().map(|v| v * scale).collect())
            .unwrap_or_default(),
        dash_offset: stroke.dashoffset() * scale,
    });
    Shape {
        steps,
        fill,
        stroke,
        stroke_first: path.paint_order() == usvg::PaintOrder::StrokeAndFill,
    }
}

/// A paint as the colour it leaves on white paper at `opacity`.
fn on_paper(paint: &usvg::Paint, opacity: f32) -> [f32; 3] {
    let average = |stops: &[usvg::Stop]| {
        if stops.is_empty() {
            return ([0.5; 3], 1.0);
        }
        let n = stops.len() as f32;
        let mut rgb = [0.0; 3];
        let mut alpha = 0.0;
        for stop in stops {
            let c = stop.color();
            rgb[0] += c.red as f32 / 255.0 / n;
            rgb[1] += c.green as f32 / 255.0 / n;
            rgb[2] += c.blue as f32 / 255.0 / n;
            alpha += stop.opacity().get() / n;
        }
        (rgb, alpha)
    };
    let (rgb, alpha) = match paint {
        usvg::Paint::Color(c) => (
            [
                c.red as f32 / 255.0,
                c.green as f32 / 255.0,
                c.blue as f32 / 255.0,
            ],
            1.0,
        ),
        usvg::Paint::LinearGradient(g) => average(g.stops()),
        usvg::Paint::RadialGradient(g) => average(g.stops()),
        usvg::Paint::Pattern(_) => ([0.5; 3], 1.0),
    };
    let a = (alpha * opacity).clamp(0.0, 1.0);
    rgb.map(|c| c * a + (1.0 - a))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIAGRAM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 100 50">
        <rect x="10" y="10" width="30" height="20" fill="#ff0000" stroke="black" stroke-width="2"/>
        <circle cx="70" cy="25" r="10" fill="blue" opacity="0.5"/>
        <text x="10" y="45" font-size="8">Label</text>
    </svg>"##;

    #[test]
    fn shapes_keep_their_paint_and_scale() {
        assert!(is_svg(DIAGRAM.as_bytes()));
        assert!(!is_svg(b"\x89PNG\r\n"));
        let drawing = load(
            DIAGRAM.as_bytes(),
            1_000_000,
            "max_image_pixels",
            &Cancel::never(),
        )
        .unwrap();
        assert_eq!((drawing.width, drawing.height), (200.0, 100.0));
        let rect = &drawing.shapes[0];
        assert_eq!(rect.fill.unwrap().rgb, [1.0, 0.0, 0.0]);
        // The viewBox doubles everything: the rectangle starts at (20, 20), its stroke is 4.
        assert_eq!(rect.steps[0], Step::Move(20.0, 20.0));
        assert_eq!(rect.stroke.as_ref().unwrap().width, 4.0);
        // Half-transparent blue on white paper.
        assert_eq!(drawing.shapes[1].fill.unwrap().rgb, [0.5, 0.5, 1.0]);
        // The label is drawn as the outlines of its letters.
        assert!(drawing.shapes.len() > 2, "no text outlines");
    }

    #[test]
    fn budgets_and_outside_references_are_refused() {
        let err = load(
            DIAGRAM.as_bytes(),
            10_000,
            "max_image_pixels",
            &Cancel::never(),
        )
        .unwrap_err();
        assert!(err.contains("max_image_pixels"), "{err}");
        let peek = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image width="10" height="10" xlink:href="/etc/passwd"/></svg>"#;
        let drawing = load(
            peek.as_bytes(),
            1_000_000,
            "max_image_pixels",
            &Cancel::never(),
        )
        .unwrap();
        assert!(drawing.shapes.is_empty());
        assert!(load(b"<svg", 1_000_000, "x", &Cancel::never()).is_err());
    }
}
