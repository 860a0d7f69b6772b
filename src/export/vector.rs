//! Vector drawings (SVG images) as PDF path operators: each shape's path, then its fill
//! and stroke, under a matrix that maps the drawing's units (y down) onto the rectangle it
//! is shown in.

use printpdf::{Color, CurTransMat, DictItem, Op, Rgb};

use crate::geom::Rect;
use crate::images::svg::{Shape, Step, Vector};

/// The operators that draw `drawing` in `rect` (page coordinates, y down) on a page
/// `page_height` tall.
pub fn drawing_ops(drawing: &Vector, rect: &Rect, page_height: f32) -> Vec<Op> {
    let sx = rect.width.0 / drawing.width.max(f32::EPSILON);
    let sy = rect.height.0 / drawing.height.max(f32::EPSILON);
    let mut ops = vec![
        Op::SaveGraphicsState,
        // The drawing's y runs down, the page's up.
        Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([sx, 0.0, 0.0, -sy, rect.x.0, page_height - rect.y.0]),
        },
    ];
    for shape in &drawing.shapes {
        if shape.steps.is_empty() {
            continue;
        }
        if shape.stroke_first && shape.stroke.is_some() && shape.fill.is_some() {
            paint(&mut ops, shape, false, true);
            paint(&mut ops, shape, true, false);
        } else {
            paint(&mut ops, shape, true, true);
        }
    }
    ops.push(Op::RestoreGraphicsState);
    ops
}

/// One painting of `shape`'s path: with its fill, its stroke or both, as asked and as it has.
fn paint(ops: &mut Vec<Op>, shape: &Shape, with_fill: bool, with_stroke: bool) {
    let fill = shape.fill.filter(|_| with_fill);
    let stroke = shape.stroke.as_ref().filter(|_| with_stroke);
    let operator = match (fill, stroke) {
        (None, None) => return,
        (Some(f), None) if f.even_odd => "f*",
        (Some(_), None) => "f",
        (None, Some(_)) => "S",
        (Some(f), Some(_)) if f.even_odd => "B*",
        (Some(_), Some(_)) => "B",
    };
    let rgb = |c: [f32; 3]| Color::Rgb(Rgb::new(c[0], c[1], c[2], None));
    if let Some(fill) = fill {
        ops.push(Op::SetFillColor { col: rgb(fill.rgb) });
    }
    if let Some(stroke) = stroke {
        ops.push(Op::SetOutlineColor {
            col: rgb(stroke.rgb),
        });
        raw(ops, "w", &[stroke.width]);
        raw(ops, "J", &[stroke.cap as f32]);
        raw(ops, "j", &[stroke.join as f32]);
        raw(ops, "M", &[stroke.miter_limit]);
        ops.push(Op::Unknown {
            key: "d".to_string(),
            value: vec![
                DictItem::Array(stroke.dashes.iter().map(|d| DictItem::Real(*d)).collect()),
                DictItem::Real(stroke.dash_offset),
            ],
        });
    }
    for step in &shape.steps {
        match *step {
            Step::Move(x, y) => raw(ops, "m", &[x, y]),
            Step::Line(x, y) => raw(ops, "l", &[x, y]),
            Step::Cubic(a, b, c, d, e, f) => raw(ops, "c", &[a, b, c, d, e, f]),
            Step::Close => raw(ops, "h", &[]),
        }
    }
    raw(ops, operator, &[]);
}

/// A content operator with numeric operands.
fn raw(ops: &mut Vec<Op>, operator: &str, operands: &[f32]) {
    ops.push(Op::Unknown {
        key: operator.to_string(),
        value: operands.iter().map(|v| DictItem::Real(*v)).collect(),
    });
}
