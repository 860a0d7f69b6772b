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

use crate::cancel::Cancel;

/// The most path steps a drawing may have: a diagram has thousands; millions are an
/// attack or a rendering of a photograph, too slow to print.
pub const MAX_STEPS: usize = 400_000;

/// The most XML nodes (elements, text, attributes' nodes as roxmltree counts them) an SVG
/// may have before it is converted: a detailed diagram has tens of thousands.
pub const MAX_NODES: u32 = 200_000;

/// The deepest element nesting an SVG may have. Converting a drawing walks its groups
/// recursively (usvg, then Folio), so depth costs stack; drawings from editors nest a
/// few dozen levels.
pub const MAX_DEPTH: usize = 128;

/// The most elements an SVG may stand for once every `<use>` is expanded (a `<use>` of
/// a group that holds ten `<use>`s of another... multiplies).
pub const MAX_EXPANDED: u64 = 400_000;

/// The largest SVG text, gzip-compressed (`.svgz`) or not, once decompressed.
pub const MAX_SVG_TEXT: usize = 16 * 1024 * 1024;

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

/// The stack an SVG is converted on. Conversion recurses once per level of nesting (in
/// usvg and here), up to [`MAX_DEPTH`] levels: an unoptimised build needs about 20 KB a
/// level. The conversion runs on its own thread with this stack, so the bound holds
/// whatever thread the caller renders on; it costs address space, not memory, until used.
const SVG_STACK: usize = 64 * 1024 * 1024;

/// Parses an SVG document into a drawing, within `max_pixels` for its size at 96 to the
/// inch (the budget raster images have).
pub fn load(bytes: &[u8], max_pixels: u64, limit: &str, cancel: &Cancel) -> Result<Vector, String> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("folio-svg".into())
            .stack_size(SVG_STACK)
            .spawn_scoped(scope, || convert(bytes, max_pixels, limit, cancel))
            .map_err(|e| format!("the SVG could not be converted: {e}"))?
            .join()
            .map_err(|_| "the SVG could not be converted (the converter failed)".to_string())?
    })
}

fn convert(bytes: &[u8], max_pixels: u64, limit: &str, cancel: &Cancel) -> Result<Vector, String> {
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
    let text = svg_text(bytes)?;
    let document = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            nodes_limit: MAX_NODES,
        },
    )
    .map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            format!("the SVG has more than {MAX_NODES} XML nodes, too many to print")
        }
        e => format!("unreadable SVG: {e}"),
    })?;
    check_shape(&document)?;
    let tree = usvg::Tree::from_xmltree(&document, &options)
        .map_err(|e| format!("unreadable SVG: {e}"))?;
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

/// The SVG's text: decompressed if it is gzip (`.svgz`), within [`MAX_SVG_TEXT`].
fn svg_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, String> {
    use std::io::Read;
    let not_utf8 = || "unreadable SVG: not UTF-8 text".to_string();
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return std::str::from_utf8(bytes)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|_| not_utf8());
    }
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_SVG_TEXT as u64 + 1)
        .read_to_end(&mut text)
        .map_err(|e| format!("unreadable SVG: {e}"))?;
    if text.len() > MAX_SVG_TEXT {
        return Err(format!(
            "the compressed SVG expands to more than {} MB",
            MAX_SVG_TEXT / (1024 * 1024)
        ));
    }
    String::from_utf8(text)
        .map(std::borrow::Cow::Owned)
        .map_err(|_| not_utf8())
}

/// Refuses a document nested deeper than [`MAX_DEPTH`], or whose `<use>` elements expand
/// it past [`MAX_EXPANDED`] elements, before anything recursive sees it.
fn check_shape(document: &roxmltree::Document) -> Result<(), String> {
    let count = document.descendants().count();
    // Depth of each node, by id (a parent always comes before its children).
    let mut depth = vec![0usize; count + 1];
    let index = |node: roxmltree::Node| node.id().get() as usize;
    let mut ids = std::collections::HashMap::new();
    for node in document.descendants() {
        let d = node.parent().map_or(0, |p| depth[index(p)] + 1);
        if d > MAX_DEPTH {
            return Err(format!(
                "the SVG nests its elements more than {MAX_DEPTH} deep, too deep to print"
            ));
        }
        depth[index(node)] = d;
        if let Some(id) = node.attribute("id") {
            ids.entry(id).or_insert(node);
        }
    }
    // What each element stands for once `<use>` is expanded: itself, its children, and
    // for a `<use>`, what it refers to. Computed children first, with an explicit stack;
    // a reference that loops counts nothing (usvg leaves such `<use>` out).
    const XLINK: &str = "http://www.w3.org/1999/xlink";
    let target = |node: roxmltree::Node| {
        if !node.has_tag_name("use") {
            return None;
        }
        let href = node
            .attribute((XLINK, "href"))
            .or_else(|| node.attribute("href"))?;
        ids.get(href.strip_prefix('#')?).copied()
    };
    let mut expanded: Vec<Option<u64>> = vec![None; count + 1];
    let mut visiting = vec![false; count + 1];
    let mut stack: Vec<(roxmltree::Node, bool)> = vec![(document.root(), false)];
    while let Some((node, children_done)) = stack.pop() {
        let i = index(node);
        if expanded[i].is_some() {
            continue;
        }
        let referenced = target(node);
        if !children_done {
            visiting[i] = true;
            stack.push((node, true));
            for child in node.children() {
                if expanded[index(child)].is_none() && !visiting[index(child)] {
                    stack.push((child, false));
                }
            }
            if let Some(t) = referenced {
                if expanded[index(t)].is_none() && !visiting[index(t)] {
                    stack.push((t, false));
                }
            }
            continue;
        }
        let mut total: u64 = 1;
        for child in node.children() {
            total = total.saturating_add(expanded[index(child)].unwrap_or(0));
        }
        if let Some(t) = referenced {
            total = total.saturating_add(expanded[index(t)].unwrap_or(0));
        }
        if total > MAX_EXPANDED {
            return Err(format!(
                "the SVG's <use> elements expand it to more than {MAX_EXPANDED} elements, \
                 too many to print"
            ));
        }
        visiting[i] = false;
        expanded[i] = Some(total);
    }
    Ok(())
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

    #[test]
    fn deep_nesting_of_any_element_is_refused_before_conversion() {
        for tag in ["g", "a", "svg", "switch", "text"] {
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}{}</svg>"#,
                format!("<{tag}>").repeat(5_000),
                format!("</{tag}>").repeat(5_000)
            );
            let err = load(svg.as_bytes(), 1_000_000, "x", &Cancel::never()).unwrap_err();
            assert!(err.contains("nests"), "{tag}: {err}");
        }
        // Within the limit, a drawing nested a hundred deep is drawn.
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}<rect width="5" height="5"/>{}</svg>"#,
            "<g>".repeat(100),
            "</g>".repeat(100)
        );
        let drawing = load(svg.as_bytes(), 1_000_000, "x", &Cancel::never()).unwrap();
        assert_eq!(drawing.shapes.len(), 1);
    }

    #[test]
    fn use_amplification_and_gzip_bombs_are_refused() {
        let mut defs = String::from(r#"<g id="l0"><rect width="1" height="1"/></g>"#);
        for level in 1..12 {
            defs.push_str(&format!(r#"<g id="l{level}">"#));
            for _ in 0..10 {
                defs.push_str(&format!(r##"<use xlink:href="#l{}"/>"##, level - 1));
            }
            defs.push_str("</g>");
        }
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><defs>{defs}</defs><use xlink:href="#l11"/></svg>"##
        );
        let err = load(svg.as_bytes(), 1_000_000, "x", &Cancel::never()).unwrap_err();
        assert!(err.contains("<use>"), "{err}");
        // A `<use>` that refers to itself is not a loop here.
        let looped = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><g id="a"><use xlink:href="#a"/></g></svg>"##;
        assert!(load(looped.as_bytes(), 1_000_000, "x", &Cancel::never()).is_ok());

        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">"#)
            .unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..20 {
            gz.write_all(&spaces).unwrap();
        }
        gz.write_all(b"</svg>").unwrap();
        let bomb = gz.finish().unwrap();
        assert!(bomb.len() < 100_000);
        let err = load(&bomb, 1_000_000, "x", &Cancel::never()).unwrap_err();
        assert!(err.contains("expands"), "{err}");
    }
}
