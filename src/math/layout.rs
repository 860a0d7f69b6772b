//! A formula → boxes of glyphs and rules, by the rules of TeX's Appendix G with the
//! font's OpenType MATH table (as LuaTeX and Typst do): styles and cramped styles,
//! spacing by atom class, scripts and limits, fractions and stacks, radicals, growing
//! delimiters, accents, bars and braces, arrays.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};

use super::font::{Constant, GlyphMetrics, MathFont, Part};
use super::frame::{Drawn, MathBox, MathItem, Placed};
use super::symbols::is_integral;
use super::tree::{Array, ArrayKind, Class, Formula, MathList, Node, Style, TextFont};
use crate::text::fonts::FaceSet;
use crate::text::{FaceId, FontBook};

/// TeX's \relpenalty and \binoppenalty: the cost of breaking a line after a relation or a
/// binary operator of an inline formula.
pub const REL_PENALTY: f32 = 500.0;
pub const BIN_PENALTY: f32 = 700.0;
/// After a comma or semicolon of an inline formula. TeX never breaks there, which leaves
/// a list written as one formula (`$\alpha, \beta, …, \omega$`) unbreakable and its
/// line loose or overfull; a break there costs more than after an operator.
pub const PUNCT_PENALTY: f32 = 1000.0;

/// TeX's \thinmuskip, \medmuskip and \thickmuskip, in mu: (width, stretch, shrink).
const THIN: (f32, f32, f32) = (3.0, 0.0, 0.0);
const MEDIUM: (f32, f32, f32) = (4.0, 2.0, 4.0);
const THICK: (f32, f32, f32) = (5.0, 5.0, 0.0);

/// The space on each side of a fraction (TeX's \nulldelimiterspace, 1.2 pt at 10 pt), and
/// in place of a `.` delimiter, in ems.
const NULL_DELIMITER_EM: f32 = 0.12;
/// TeX's \delimiterfactor (901/1000) and \delimitershortfall (5 pt at 10 pt): a growing
/// delimiter covers at least this share of its formula, and falls short by at most this.
const DELIMITER_FACTOR: f32 = 0.901;
const DELIMITER_SHORTFALL_EM: f32 = 0.5;
/// The heights of `\big`, `\Big`, `\bigg` and `\Bigg`, in ems (KaTeX's).
const BIG_SIZES_EM: [f32; 4] = [1.2, 1.8, 2.4, 3.0];
/// Rows of an array are at least as tall and deep as a strut of TeX's 12 pt baseline at
/// 10 pt (70 % above the baseline, 30 % below), in ems.
const STRUT_ASCENT_EM: f32 = 0.84;
const STRUT_DESCENT_EM: f32 = 0.36;
/// Extra space between rows of `aligned`, `gathered` and `cases` (amsmath's \jot, 3 pt).
const JOT_EM: f32 = 0.3;
/// Space between the columns of a matrix (twice \arraycolsep), between the pairs of
/// columns of `aligned`, and between a case and its condition, in ems.
const MATRIX_COLUMN_GAP_EM: f32 = 1.0;
/// A `smallmatrix`'s column gap and struts, in ems of its script size (amsmath's: a
/// third of a text em between columns, rows on a tight baseline).
const SMALL_COLUMN_GAP_EM: f32 = 0.5;
const SMALL_STRUT_ASCENT_EM: f32 = 0.6;
const SMALL_STRUT_DESCENT_EM: f32 = 0.25;
const ALIGNED_PAIR_GAP_EM: f32 = 2.0;
const CASES_GAP_EM: f32 = 1.0;
/// The room inside `\boxed`'s frame (LaTeX's \fboxsep, 3 pt at 10 pt) and at each end
/// of an extensible arrow beyond its labels, in ems.
const BOX_PADDING_EM: f32 = 0.3;
const ARROW_PAD_EM: f32 = 0.5;

/// The gap between a brace and what it spans (plain TeX's \overbrace: 3 pt at 10 pt).
const BRACE_GAP_EM: f32 = 0.3;
/// The most a text-style fraction's numerator rises and its denominator drops, in ems:
/// TeX's num2 and denom2 (Computer Modern's 0.394 and 0.345 em). STIX Two's own (0.585
/// em) are nearly its display ones; set by them, an inline fraction is 1.5 em tall and
/// opens the lines around it. The font's least gaps to the rule still hold.
const TEXT_NUMERATOR_SHIFT_EM: f32 = 0.394;
const TEXT_DENOMINATOR_SHIFT_EM: f32 = 0.345;

/// The least size of a binomial's parentheses, in ems: TeX's \delim1 in display style,
/// and in text style KaTeX's first size up (TeX's \delim2, 1.01 em, picks the first
/// larger parenthesis of Computer Modern, about this tall).
const DISPLAY_STACK_DELIMITER_EM: f32 = 2.39;
const TEXT_STACK_DELIMITER_EM: f32 = 1.2;

/// A style with its crampedness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct St {
    style: Style,
    cramped: bool,
}

impl St {
    fn smaller(self) -> Style {
        match self.style {
            Style::Display | Style::Text => Style::Script,
            Style::Script | Style::ScriptScript => Style::ScriptScript,
        }
    }

    fn sup(self) -> St {
        St {
            style: self.smaller(),
            cramped: self.cramped,
        }
    }

    fn sub(self) -> St {
        St {
            style: self.smaller(),
            cramped: true,
        }
    }

    fn num(self) -> St {
        St {
            style: match self.style {
                Style::Display => Style::Text,
                _ => self.smaller(),
            },
            cramped: self.cramped,
        }
    }

    fn den(self) -> St {
        St {
            cramped: true,
            ..self.num()
        }
    }

    fn cramp(self) -> St {
        St {
            cramped: true,
            ..self
        }
    }

    fn is_display(self) -> bool {
        self.style == Style::Display
    }

    fn is_script(self) -> bool {
        matches!(self.style, Style::Script | Style::ScriptScript)
    }
}

/// An atom of a list being set: its class, its box, and whether it is a kern (which
/// takes no part in the spacing between atoms) or a `\middle` waiting for its size.
struct Atom {
    class: Class,
    boxed: MathBox,
    kern: bool,
    middle: Option<char>,
    /// Set with its limits above and below (a display operator): a line may not break
    /// inside it, and nothing else changes.
    limits: bool,
}

/// Sets formulas in the math font at one size.
pub struct Layouter<'a> {
    font: MathFont<'a>,
    fonts: &'a FontBook,
    math_face: FaceId,
    /// The body family: `\text{…}`, and characters the math font lacks.
    text_faces: FaceSet,
    /// The size of the math font in text style (points).
    size: f32,
    /// The size of the body face (for `\text`), in text style.
    text_size: f32,
    /// Characters neither the math font nor the body face has.
    missing: RefCell<BTreeSet<char>>,
    /// The script-size glyphs of characters looked up so far, by script level.
    script_glyphs: RefCell<HashMap<(char, u32), Option<u16>>>,
    /// How many more extender glyphs the formula being set may draw: its stretched
    /// delimiters, braces and radicals together draw a few per atom of the formula, so
    /// that a small source cannot draw a hundred glyphs for each `\middle`.
    repeats_left: Cell<usize>,
}

/// Extender glyphs a formula may draw: this many, and a few per atom.
const BASE_REPEATS: usize = 64;
const REPEATS_PER_ATOM: usize = 4;

impl<'a> Layouter<'a> {
    /// A layouter at `text_size` points, the math font drawn `scale` times larger (to
    /// match the body face's x-height), text in `text_faces`. `None` if the math face
    /// has no MATH table.
    pub fn new(
        fonts: &'a FontBook,
        math_face: FaceId,
        text_faces: FaceSet,
        text_size: f32,
        scale: f32,
    ) -> Option<Layouter<'a>> {
        Some(Layouter {
            font: MathFont::new(fonts.face(math_face))?,
            fonts,
            math_face,
            text_faces,
            size: text_size * scale,
            text_size,
            missing: RefCell::new(BTreeSet::new()),
            script_glyphs: RefCell::new(HashMap::new()),
            repeats_left: Cell::new(BASE_REPEATS),
        })
    }

    /// The characters no face had, so far.
    pub fn missing(&self) -> BTreeSet<char> {
        self.missing.borrow().clone()
    }

    /// A formula in a paragraph: boxes, with the glue and penalties after its top-level
    /// relations and binary operators where a line may break.
    pub fn inline(&self, formula: &Formula) -> Vec<MathItem> {
        self.budget(formula);
        let st = St {
            style: if formula.display {
                Style::Display
            } else {
                Style::Text
            },
            cramped: false,
        };
        let atoms = self.atoms(&formula.body, st);
        self.join(atoms, st, true)
    }

    /// A formula displayed on its own: one box.
    pub fn display(&self, formula: &Formula) -> MathBox {
        self.budget(formula);
        let st = St {
            style: Style::Display,
            cramped: false,
        };
        self.list(&formula.body, st)
    }

    fn budget(&self, formula: &Formula) {
        self.repeats_left
            .set(BASE_REPEATS + REPEATS_PER_ATOM * formula.atoms);
    }

    /// A glyph stretched to `target` ems, within the formula's budget of extenders.
    fn stretched(&self, id: u16, target: f32, vertical: bool) -> Vec<Part> {
        let parts = self
            .font
            .stretched(id, target, vertical, self.repeats_left.get());
        self.repeats_left
            .set(self.repeats_left.get().saturating_sub(parts.len()));
        parts
    }

    /// The height of the math axis above the baseline, in points (text style).
    #[cfg(test)]
    pub fn axis(&self) -> f32 {
        self.font.constant(Constant::AxisHeight) * self.size
    }

    fn size_of(&self, st: St) -> f32 {
        match st.style {
            Style::Display | Style::Text => self.size,
            Style::Script => self.size * self.font.script_scale(1),
            Style::ScriptScript => self.size * self.font.script_scale(2),
        }
    }

    fn c(&self, st: St, constant: Constant) -> f32 {
        self.font.constant(constant) * self.size_of(st)
    }

    fn list(&self, list: &MathList, st: St) -> MathBox {
        let atoms = self.atoms(list, st);
        self.hlist(atoms, st)
    }

    /// Atoms side by side in one box: `join` without places to break gives one (a list
    /// of one character is still one, for accents and scripts).
    fn hlist(&self, atoms: Vec<Atom>, st: St) -> MathBox {
        let mut items = self.join(atoms, st, false);
        debug_assert_eq!(items.len(), 1, "one box when nothing may break");
        match items.pop() {
            Some(MathItem::Box(b)) => b,
            _ => MathBox::default(),
        }
    }

    /// The atoms of a list, each set in its style (a `\displaystyle` changes it for the
    /// atoms after it).
    fn atoms(&self, list: &MathList, mut st: St) -> Vec<Atom> {
        let mut atoms = Vec::with_capacity(list.len());
        for node in list {
            let atom = |class: Class, boxed: MathBox| Atom {
                class,
                boxed,
                kern: false,
                middle: None,
                limits: false,
            };
            match node {
                Node::SetStyle(style) => st.style = *style,
                Node::Space(mu) => atoms.push(Atom {
                    kern: true,
                    ..atom(Class::Ord, MathBox::space(mu / 18.0 * self.size_of(st)))
                }),
                Node::Middle(c) => atoms.push(Atom {
                    middle: Some(*c),
                    ..atom(Class::Ord, self.glyph(*c, st))
                }),
                Node::Scripts {
                    base,
                    sub,
                    sup,
                    limits,
                } => {
                    let (boxed, with_limits) =
                        self.scripts(base, sub.as_ref(), sup.as_ref(), *limits, st);
                    atoms.push(Atom {
                        limits: with_limits,
                        ..atom(node.class(), boxed)
                    });
                }
                _ => atoms.push(atom(node.class(), self.node(node, st))),
            }
        }
        atoms
    }

    /// One node's box (scripts, styles, spaces and middles are handled by the list).
    fn node(&self, node: &Node, st: St) -> MathBox {
        match node {
            Node::Symbol { c, class } => {
                if *class == Class::Op {
                    self.operator(*c, st)
                } else {
                    self.glyph(*c, st)
                }
            }
            Node::Text { text, font, .. } => {
                let faces = &self.text_faces;
                let face = match font {
                    TextFont::Body => Some(faces.regular),
                    TextFont::Italic => Some(faces.italic),
                    TextFont::Bold => Some(faces.bold),
                    TextFont::Math => None,
                };
                if let Some(face) = face {
                    self.body_text(text, face, st)
                } else {
                    let mut out = MathBox::default();
                    for c in text.chars() {
                        if c == ' ' {
                            out.append(MathBox::space(self.size_of(st) / 6.0));
                        } else {
                            out.append(self.glyph(c, st));
                        }
                    }
                    out.italic = 0.0;
                    // Its scripts go as a letter's, from its baseline: `\sin^2` and
                    // `\cos^2` alike, whatever the letters' heights.
                    out.is_char = true;
                    out.accent_x = None;
                    out
                }
            }
            // A group is one atom, of its class if it was given one.
            Node::Group(list) | Node::Classed { body: list, .. } => {
                let mut b = self.list(list, st);
                b.is_char = false;
                b
            }
            Node::Fraction {
                num,
                den,
                rule,
                delims,
                style,
            } => self.fraction(num, den, *rule, *delims, *style, st),
            Node::Root { index, body } => self.root(index.as_ref(), body, st),
            Node::Delimited { open, body, close } => self.delimited(*open, body, *close, st),
            Node::BigDelimiter { c, size, .. } => {
                let index = usize::from(size.saturating_sub(1)).min(BIG_SIZES_EM.len() - 1);
                self.sized_delimiter(*c, BIG_SIZES_EM[index] * self.size, st)
            }
            Node::Accent {
                accent,
                base,
                stretch,
            } => self.accent(*accent, base, *stretch, st),
            Node::Line { over, base } => self.line(*over, base, st),
            Node::Brace { over, base, label } => self.brace(*over, base, label.as_ref(), st),
            Node::Array(array) => self.array(array, st),
            Node::Phantom {
                body,
                width,
                height,
            } => {
                let b = self.list(body, st);
                MathBox {
                    width: if *width { b.width } else { 0.0 },
                    ascent: if *height { b.ascent } else { 0.0 },
                    descent: if *height { b.descent } else { 0.0 },
                    ..MathBox::default()
                }
            }
            Node::Boxed(body) => self.boxed(body, st),
            Node::Arrow { c, above, below } => self.arrow(*c, above, below.as_ref(), st),
            // Handled by `atoms`.
            Node::Scripts { .. } | Node::Space(_) | Node::Middle(_) | Node::SetStyle(_) => {
                MathBox::default()
            }
        }
    }

    /// Sets atoms side by side with TeX's spacing between their classes; with `breaks`,
    /// as items with a place to break after each relation, binary operator and
    /// punctuation.
    fn join(&self, mut atoms: Vec<Atom>, st: St, breaks: bool) -> Vec<MathItem> {
        // TeX's rules 5 and 6: a binary operator with nothing to operate on is ordinary.
        let real: Vec<usize> = (0..atoms.len()).filter(|&i| !atoms[i].kern).collect();
        for (k, &i) in real.iter().enumerate() {
            if atoms[i].class != Class::Bin {
                continue;
            }
            let before = k.checked_sub(1).map(|p| atoms[real[p]].class);
            let after = real.get(k + 1).map(|&n| atoms[n].class);
            let lonely =
                matches!(
                    before,
                    None | Some(Class::Bin | Class::Op | Class::Rel | Class::Open | Class::Punct)
                ) || matches!(after, None | Some(Class::Rel | Class::Close | Class::Punct));
            if lonely {
                atoms[i].class = Class::Ord;
            }
        }
        let mut items = Vec::new();
        let mut current = MathBox::default();
        let mut previous: Option<Class> = None;
        let mut break_after: Option<f32> = None;
        let mut first = true;
        let count = atoms.len();
        for atom in atoms {
            if atom.kern {
                current.append(atom.boxed);
                continue;
            }
            let space = previous.map_or((0.0, 0.0, 0.0), |p| spacing(p, atom.class, st));
            let mu = self.size_of(st) / 18.0;
            let glue = |breakable: bool| MathItem::Glue {
                width: space.0 * mu,
                stretch: space.1 * mu,
                shrink: space.2 * mu,
                breakable,
            };
            match break_after.take() {
                // No break between two relations, or before punctuation.
                Some(cost) if !matches!(atom.class, Class::Rel | Class::Punct) => {
                    items.push(MathItem::Box(std::mem::take(&mut current)));
                    items.push(MathItem::Penalty(cost));
                    items.push(glue(true));
                }
                // In a paragraph, medium and thick spaces flex with the line's.
                _ if breaks && (space.1 > 0.0 || space.2 > 0.0) => {
                    items.push(MathItem::Box(std::mem::take(&mut current)));
                    items.push(glue(false));
                }
                _ => {
                    if space.0 != 0.0 {
                        current.append(MathBox::space(space.0 * mu));
                    }
                }
            }
            let single = first && atom.boxed.is_char && count == 1;
            let accent = atom.boxed.accent_x;
            current.append(atom.boxed);
            current.is_char = single;
            current.accent_x = if single { accent } else { None };
            first = false;
            if breaks && !atom.limits {
                break_after = match atom.class {
                    Class::Rel => Some(REL_PENALTY),
                    Class::Bin => Some(BIN_PENALTY),
                    Class::Punct => Some(PUNCT_PENALTY),
                    _ => None,
                };
            }
            previous = Some(atom.class);
        }
        items.push(MathItem::Box(current));
        items
    }

    /// A character of the math font (else the body face) at the style's size.
    fn glyph(&self, c: char, st: St) -> MathBox {
        let size = self.size_of(st);
        let level = match st.style {
            Style::Display | Style::Text => 0,
            Style::Script => 1,
            Style::ScriptScript => 2,
        };
        let id = if level == 0 {
            self.font.glyph_index(c)
        } else {
            *self
                .script_glyphs
                .borrow_mut()
                .entry((c, level))
                .or_insert_with(|| self.font.script_glyph(c, level))
        };
        if let Some(id) = id {
            let m = self.font.metrics(id);
            return self.glyph_box(self.math_face, &m, size, Some(c));
        }
        let body = self.fonts.face(self.text_faces.regular);
        if let Some(id) = body.shaper.glyph_index(c) {
            let scale = self.text_size / self.size;
            let advance = body.shaper.glyph_hor_advance(id).unwrap_or(0) as f32 / body.units_per_em;
            let bbox = body.shaper.glyph_bounding_box(id);
            let em = |v: i16| v as f32 / body.units_per_em;
            let m = GlyphMetrics {
                id: id.0,
                advance,
                ascent: bbox.map_or(0.0, |b| em(b.y_max)),
                descent: bbox.map_or(0.0, |b| -em(b.y_min)),
                left: bbox.map_or(0.0, |b| em(b.x_min)),
                italic: 0.0,
                accent_x: advance / 2.0,
            };
            return self.glyph_box(self.text_faces.regular, &m, size * scale, Some(c));
        }
        self.missing.borrow_mut().insert(c);
        MathBox::space(size / 2.0)
    }

    fn glyph_box(&self, face: FaceId, m: &GlyphMetrics, size: f32, text: Option<char>) -> MathBox {
        MathBox {
            width: m.advance * size,
            ascent: m.ascent * size,
            descent: m.descent * size,
            italic: m.italic * size,
            accent_x: Some(m.accent_x * size),
            is_char: true,
            items: vec![Placed {
                x: 0.0,
                y: 0.0,
                drawn: Drawn::Glyph {
                    face,
                    id: m.id,
                    size,
                    advance: m.advance * size,
                    text,
                },
            }],
        }
    }

    /// Words of `\text{…}` in the body face, shaped (kerned, with its ligatures).
    fn body_text(&self, text: &str, face_id: FaceId, st: St) -> MathBox {
        let size = self.text_size * self.size_of(st) / self.size;
        let face = self.fonts.face(face_id);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&face.shaper, &[], buffer);
        let per_unit = size / face.units_per_em;
        let mut out = MathBox::default();
        let mut x = 0.0;
        let infos = shaped.glyph_infos();
        for (k, (info, pos)) in infos.iter().zip(shaped.glyph_positions()).enumerate() {
            let cluster = info.cluster as usize;
            // A glyph that is its cluster's only one, for a one-character cluster, maps
            // to that character (the formula's source is its text anyway).
            let next = infos.get(k + 1).map_or(text.len(), |n| n.cluster as usize);
            let chars = text.get(cluster..next.max(cluster)).unwrap_or("");
            let mut it = chars.chars();
            let single = match (it.next(), it.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            };
            let id = info.glyph_id as u16;
            if id == 0 {
                if let Some(c) = single {
                    self.missing.borrow_mut().insert(c);
                }
            }
            if let Some(bbox) = face
                .shaper
                .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(id))
            {
                out.ascent = out.ascent.max(bbox.y_max as f32 * per_unit);
                out.descent = out.descent.max(-bbox.y_min as f32 * per_unit);
            }
            out.items.push(Placed {
                x: x + pos.x_offset as f32 * per_unit,
                y: pos.y_offset as f32 * per_unit,
                drawn: Drawn::Glyph {
                    face: face_id,
                    id,
                    size,
                    advance: pos.x_advance as f32 * per_unit,
                    text: single,
                },
            });
            x += pos.x_advance as f32 * per_unit;
        }
        out.width = x;
        out
    }

    /// A large operator: in display style its display variant, centred on the axis.
    fn operator(&self, c: char, st: St) -> MathBox {
        let size = self.size_of(st);
        let Some(id) = self.font.glyph_index(c) else {
            return self.glyph(c, st);
        };
        let parts = if st.is_display() {
            let least = self.font.constant(Constant::DisplayOperatorMinHeight);
            self.stretched(id, least, true)
        } else {
            self.stretched(id, 0.0, true)
        };
        let mut b = if let [part] = parts.as_slice() {
            let mut b = self.glyph_box(self.math_face, &part.glyph, size, Some(c));
            // The operator's italic correction is part of its width; its subscript is
            // moved back by it.
            b.width += b.italic;
            b
        } else {
            self.parts_box(&parts, true, size, c)
        };
        let axis = self.c(st, Constant::AxisHeight);
        let shift = axis - (b.ascent - b.descent) / 2.0;
        let italic = b.italic;
        b = b.raised(shift);
        b.italic = italic;
        // Its scripts go by its height and depth, as a box's (TeX's rule 13).
        b.is_char = false;
        b
    }

    /// A stretched construction as a box: a vertical one from its bottom on the
    /// baseline up, a horizontal one from its origin.
    fn parts_box(&self, parts: &[Part], vertical: bool, size: f32, c: char) -> MathBox {
        let mut out = MathBox::default();
        for (k, part) in parts.iter().enumerate() {
            let text = (k == 0).then_some(c);
            let mut glyph = self.glyph_box(self.math_face, &part.glyph, size, text);
            glyph.is_char = false;
            if vertical {
                let y = (part.offset + part.glyph.descent) * size;
                out.width = out.width.max(glyph.width);
                out.add(glyph, 0.0, y);
            } else {
                let x = part.offset * size;
                out.width = out.width.max(x + glyph.width);
                out.add(glyph, x, 0.0);
            }
        }
        if let Some(last) = parts.last() {
            out.italic = last.glyph.italic * size;
        }
        out
    }

    /// A delimiter at least `target` points tall, centred on the axis.
    fn delimiter(&self, c: char, target: f32, st: St) -> MathBox {
        let size = self.size_of(st);
        let Some(id) = self.font.glyph_index(c) else {
            return self.glyph(c, st);
        };
        let parts = self.stretched(id, target / size, true);
        let b = if let [part] = parts.as_slice() {
            self.glyph_box(self.math_face, &part.glyph, size, Some(c))
        } else {
            self.parts_box(&parts, true, size, c)
        };
        let axis = self.c(st, Constant::AxisHeight);
        let shift = axis - (b.ascent - b.descent) / 2.0;
        let mut b = b.raised(shift);
        b.is_char = false;
        b
    }

    /// A delimiter of the font's size nearest `size` points (`\big`…`\Bigg`: fixed
    /// sizes, as near as the font's steps allow), centred on the axis.
    fn sized_delimiter(&self, c: char, size: f32, st: St) -> MathBox {
        let em = self.size_of(st);
        let Some(id) = self.font.glyph_index(c) else {
            return self.glyph(c, st);
        };
        let m = self.font.nearest_variant(id, size / em);
        let b = self.glyph_box(self.math_face, &m, em, Some(c));
        let axis = self.c(st, Constant::AxisHeight);
        let shift = axis - (b.ascent - b.descent) / 2.0;
        let mut b = b.raised(shift);
        b.is_char = false;
        b
    }

    /// How tall delimiters around material of this height and depth grow (TeX's rule 19
    /// with \delimiterfactor and \delimitershortfall).
    fn delimiter_target(&self, ascent: f32, descent: f32, st: St) -> f32 {
        let axis = self.c(st, Constant::AxisHeight);
        if ascent + descent < self.c(st, Constant::DelimitedSubFormulaMinHeight) {
            return 0.0;
        }
        let half = (ascent - axis).max(descent + axis);
        let size = self.size_of(st);
        (2.0 * half * DELIMITER_FACTOR).max(2.0 * half - DELIMITER_SHORTFALL_EM * size)
    }

    fn null_delimiter(&self, st: St) -> MathBox {
        MathBox::space(NULL_DELIMITER_EM * self.size_of(st))
    }

    fn delimited(
        &self,
        open: Option<char>,
        body: &MathList,
        close: Option<char>,
        st: St,
    ) -> MathBox {
        let mut atoms = self.atoms(body, st);
        let (ascent, descent) = atoms
            .iter()
            .filter(|a| a.middle.is_none())
            .fold((0.0f32, 0.0f32), |(a, d), atom| {
                (a.max(atom.boxed.ascent), d.max(atom.boxed.descent))
            });
        let target = self.delimiter_target(ascent, descent, st);
        for atom in &mut atoms {
            if let Some(c) = atom.middle {
                atom.boxed = self.delimiter(c, target, st);
            }
        }
        let side = |c: Option<char>, class: Class| Atom {
            class,
            boxed: match c {
                Some(c) => self.delimiter(c, target, st),
                None => self.null_delimiter(st),
            },
            kern: c.is_none(),
            middle: None,
            limits: false,
        };
        let mut all = Vec::with_capacity(atoms.len() + 2);
        all.push(side(open, Class::Open));
        all.extend(atoms);
        all.push(side(close, Class::Close));
        let mut out = self.hlist(all, st);
        out.is_char = false;
        out.accent_x = None;
        out
    }

    /// Wraps a box in delimiters grown to its size (a matrix's, a binomial's).
    fn wrap(&self, inner: MathBox, open: Option<char>, close: Option<char>, st: St) -> MathBox {
        if open.is_none() && close.is_none() {
            return inner;
        }
        let target = self.delimiter_target(inner.ascent, inner.descent, st);
        let mut out = MathBox::default();
        out.append(match open {
            Some(c) => self.delimiter(c, target, st),
            None => self.null_delimiter(st),
        });
        out.append(inner);
        out.append(match close {
            Some(c) => self.delimiter(c, target, st),
            None => self.null_delimiter(st),
        });
        out
    }

    /// Scripts beside their base, or as limits above and below it; whether as limits.
    fn scripts(
        &self,
        base: &Node,
        sub: Option<&MathList>,
        sup: Option<&MathList>,
        limits: Option<bool>,
        st: St,
    ) -> (MathBox, bool) {
        let takes_limits = match base {
            Node::Symbol {
                c,
                class: Class::Op,
            } => !is_integral(*c),
            Node::Text {
                class: Class::Op,
                limits,
                ..
            } => *limits,
            _ => false,
        };
        let as_limits = limits.unwrap_or(takes_limits && st.is_display());
        let is_op = base.class() == Class::Op;
        let base_box = match base {
            Node::Scripts { .. } => self.list(&vec![base.clone()], st),
            _ => self.node(base, st),
        };
        let sup_box = sup.map(|l| self.list(l, st.sup()));
        let sub_box = sub.map(|l| self.list(l, st.sub()));
        if as_limits {
            return (self.limits(base_box, sub_box, sup_box, st), true);
        }
        (self.attach(base_box, sub_box, sup_box, is_op, st), false)
    }

    fn attach(
        &self,
        base: MathBox,
        sub: Option<MathBox>,
        sup: Option<MathBox>,
        is_op: bool,
        st: St,
    ) -> MathBox {
        use Constant::*;
        let c = |k: Constant| self.c(st, k);
        // TeX's rule 18a: the scripts of a box start from its height and depth less
        // the drops; those of a character from its baseline.
        let (from_top, from_bottom) = if base.is_char {
            (0.0, 0.0)
        } else {
            (
                base.ascent - c(SuperscriptBaselineDropMax),
                base.descent + c(SubscriptBaselineDropMin),
            )
        };
        let mut shift_up = sup.as_ref().map_or(0.0, |s| {
            let least = if st.cramped {
                c(SuperscriptShiftUpCramped)
            } else {
                c(SuperscriptShiftUp)
            };
            least.max(from_top).max(s.descent + c(SuperscriptBottomMin))
        });
        let mut shift_down = sub.as_ref().map_or(0.0, |s| {
            c(SubscriptShiftDown)
                .max(from_bottom)
                .max(s.ascent - c(SubscriptTopMax))
        });
        if let (Some(sup), Some(sub)) = (&sup, &sub) {
            let gap = (shift_up - sup.descent) - (sub.ascent - shift_down);
            let least = c(SubSuperscriptGapMin);
            if gap < least {
                shift_down += least - gap;
                let room = c(SuperscriptBottomMaxWithSubscript) - (shift_up - sup.descent);
                if room > 0.0 {
                    shift_up += room;
                    shift_down -= room;
                }
            }
        }
        // A large operator's italic correction is part of its width (for a following
        // atom) but is the distance between its scripts: the superscript goes at its
        // advance, the subscript that much further left (the OpenType MATH rule, which
        // tucks an integral's subscript under its foot). A letter's superscript moves out
        // by its italic correction.
        let (sup_x, sub_x) = if is_op {
            let advance = base.width - base.italic;
            (advance, advance - base.italic)
        } else {
            (base.width + base.italic, base.width)
        };
        let mut out = MathBox::default();
        // A scripted operator's italic correction is its scripts' stagger, not room
        // after it: `\iint_D f` is set from where the subscript ends.
        let mut width = if is_op {
            base.width - base.italic
        } else {
            base.width
        };
        out.add(base, 0.0, 0.0);
        if let Some(sup) = sup {
            width = width.max(sup_x + sup.width);
            out.add(sup, sup_x, shift_up);
        }
        if let Some(sub) = sub {
            width = width.max(sub_x + sub.width);
            out.add(sub, sub_x, -shift_down);
        }
        out.width = width + c(SpaceAfterScript);
        out
    }

    fn limits(&self, base: MathBox, sub: Option<MathBox>, sup: Option<MathBox>, st: St) -> MathBox {
        use Constant::*;
        let c = |k: Constant| self.c(st, k);
        let width = base
            .width
            .max(sup.as_ref().map_or(0.0, |s| s.width))
            .max(sub.as_ref().map_or(0.0, |s| s.width));
        let italic = base.italic;
        let mut out = MathBox {
            width,
            ..MathBox::default()
        };
        if let Some(sup) = sup {
            let rise =
                base.ascent + (c(UpperLimitGapMin) + sup.descent).max(c(UpperLimitBaselineRiseMin));
            out.add(sup.clone(), (width - sup.width + italic) / 2.0, rise);
        }
        if let Some(sub) = sub {
            let drop =
                base.descent + (c(LowerLimitGapMin) + sub.ascent).max(c(LowerLimitBaselineDropMin));
            out.add(sub.clone(), (width - sub.width - italic) / 2.0, -drop);
        }
        out.add(base.clone(), (width - base.width) / 2.0, 0.0);
        out
    }

    fn fraction(
        &self,
        num: &MathList,
        den: &MathList,
        rule: bool,
        delims: Option<(char, char)>,
        style: Option<Style>,
        st: St,
    ) -> MathBox {
        use Constant::*;
        let st = style.map_or(st, |style| St { style, ..st });
        let c = |k: Constant| self.c(st, k);
        let num = self.list(num, st.num());
        let den = self.list(den, st.den());
        let display = st.is_display();
        let axis = c(AxisHeight);
        let (mut up, mut down, thickness);
        if rule {
            thickness = c(FractionRuleThickness);
            let (up0, gap_num, down0, gap_den) = if display {
                (
                    c(FractionNumeratorDisplayStyleShiftUp),
                    c(FractionNumDisplayStyleGapMin),
                    c(FractionDenominatorDisplayStyleShiftDown),
                    c(FractionDenomDisplayStyleGapMin),
                )
            } else {
                let size = self.size_of(st);
                (
                    c(FractionNumeratorShiftUp).min(TEXT_NUMERATOR_SHIFT_EM * size),
                    c(FractionNumeratorGapMin),
                    c(FractionDenominatorShiftDown).min(TEXT_DENOMINATOR_SHIFT_EM * size),
                    c(FractionDenominatorGapMin),
                )
            };
            up = up0.max(axis + thickness / 2.0 + gap_num + num.descent);
            down = down0.max(den.ascent + gap_den - axis + thickness / 2.0);
        } else {
            thickness = 0.0;
            let (up0, down0, least) = if display {
                (
                    c(StackTopDisplayStyleShiftUp),
                    c(StackBottomDisplayStyleShiftDown),
                    c(StackDisplayStyleGapMin),
                )
            } else {
                (c(StackTopShiftUp), c(StackBottomShiftDown), c(StackGapMin))
            };
            up = up0;
            down = down0;
            let gap = (up - num.descent) - (den.ascent - down);
            if gap < least {
                up += (least - gap) / 2.0;
                down += (least - gap) / 2.0;
            }
        }
        let pad = if delims.is_some() {
            0.0
        } else {
            NULL_DELIMITER_EM * self.size_of(st)
        };
        let width = num.width.max(den.width);
        let mut out = MathBox {
            width: width + 2.0 * pad,
            ..MathBox::default()
        };
        let (num_w, den_w) = (num.width, den.width);
        out.add(num, pad + (width - num_w) / 2.0, up);
        out.add(den, pad + (width - den_w) / 2.0, -down);
        if rule {
            out.rule(pad, axis - thickness / 2.0, width, thickness);
        }
        match delims {
            Some((open, close)) => {
                let least = if display {
                    DISPLAY_STACK_DELIMITER_EM
                } else {
                    TEXT_STACK_DELIMITER_EM
                } * self.size_of(st);
                let target = self
                    .delimiter_target(out.ascent, out.descent, st)
                    .max(least);
                let mut wrapped = self.delimiter(open, target, st);
                wrapped.append(out);
                wrapped.append(self.delimiter(close, target, st));
                wrapped.is_char = false;
                wrapped
            }
            None => out,
        }
    }

    fn root(&self, index: Option<&MathList>, body: &MathList, st: St) -> MathBox {
        use Constant::*;
        let c = |k: Constant| self.c(st, k);
        let size = self.size_of(st);
        let body = self.list(body, st.cramp());
        let mut gap = if st.is_display() {
            c(RadicalDisplayStyleVerticalGap)
        } else {
            c(RadicalVerticalGap)
        };
        let thickness = c(RadicalRuleThickness);
        let target = body.ascent + body.descent + gap + thickness;
        let sign = match self.font.glyph_index('√') {
            Some(id) => {
                let parts = self.stretched(id, target / size, true);
                match parts.as_slice() {
                    [part] => self.glyph_box(self.math_face, &part.glyph, size, Some('√')),
                    _ => self.parts_box(&parts, true, size, '√'),
                }
            }
            None => self.glyph('√', st),
        };
        let sign_height = sign.ascent + sign.descent;
        if sign_height > target {
            gap += (sign_height - target) / 2.0;
        }
        let top = body.ascent + gap + thickness;
        let sign_shift = top - sign.ascent;
        let mut out = MathBox::default();
        let mut x = 0.0;
        if let Some(index) = index {
            let degree = self.list(
                index,
                St {
                    style: Style::ScriptScript,
                    cramped: false,
                },
            );
            let before = c(RadicalKernBeforeDegree);
            let after = c(RadicalKernAfterDegree);
            let bottom = sign_shift - sign.descent + self.font.radical_degree_raise() * sign_height;
            let degree_width = degree.width;
            let y = bottom + degree.descent;
            out.add(degree, before, y);
            x = (before + degree_width + after).max(0.0);
        }
        let sign_width = sign.width;
        out.add(sign, x, sign_shift);
        x += sign_width;
        out.rule(x, top - thickness, body.width, thickness);
        let body_width = body.width;
        out.add(body, x, 0.0);
        out.width = x + body_width;
        out.ascent = out.ascent.max(top + c(RadicalExtraAscender));
        out
    }

    fn accent(&self, accent: char, base: &MathList, stretch: bool, st: St) -> MathBox {
        let size = self.size_of(st);
        let base = self.list(base, st.cramp());
        let Some(id) = self.font.glyph_index(accent) else {
            return base;
        };
        let (mark, mark_x) = if stretch {
            let parts = self.stretched(id, base.width / size, false);
            match parts.as_slice() {
                [part] => (
                    self.glyph_box(self.math_face, &part.glyph, size, Some(accent)),
                    part.glyph.accent_x * size,
                ),
                _ => {
                    let b = self.parts_box(&parts, false, size, accent);
                    let half = b.width / 2.0;
                    (b, half)
                }
            }
        } else {
            let m = self.font.metrics(id);
            (
                self.glyph_box(self.math_face, &m, size, Some(accent)),
                m.accent_x * size,
            )
        };
        let attach = base.accent_x.unwrap_or(base.width / 2.0);
        let shift = (base.ascent - self.c(st, Constant::AccentBaseHeight)).max(0.0);
        let mut out = MathBox {
            width: base.width,
            italic: base.italic,
            ..MathBox::default()
        };
        out.add(base, 0.0, 0.0);
        out.add(mark, attach - mark_x, shift);
        out
    }

    fn line(&self, over: bool, base: &MathList, st: St) -> MathBox {
        use Constant::*;
        let c = |k: Constant| self.c(st, k);
        let base = self.list(base, if over { st.cramp() } else { st });
        let mut out = MathBox {
            width: base.width,
            ..MathBox::default()
        };
        let (ascent, descent, width) = (base.ascent, base.descent, base.width);
        out.add(base, 0.0, 0.0);
        if over {
            let thickness = c(OverbarRuleThickness);
            let y = ascent + c(OverbarVerticalGap);
            out.rule(0.0, y, width, thickness);
            out.ascent = out.ascent.max(y + thickness + c(OverbarExtraAscender));
        } else {
            let thickness = c(UnderbarRuleThickness);
            let y = -(descent + c(UnderbarVerticalGap) + thickness);
            out.rule(0.0, y, width, thickness);
            out.descent = out.descent.max(-y + c(UnderbarExtraDescender));
        }
        out
    }

    fn brace(&self, over: bool, base: &MathList, label: Option<&MathList>, st: St) -> MathBox {
        use Constant::*;
        let size = self.size_of(st);
        let base = self.list(base, st);
        let c = if over { '⏞' } else { '⏟' };
        let brace = match self.font.glyph_index(c) {
            Some(id) => {
                let parts = self.stretched(id, base.width / size, false);
                match parts.as_slice() {
                    [part] => self.glyph_box(self.math_face, &part.glyph, size, Some(c)),
                    _ => self.parts_box(&parts, false, size, c),
                }
            }
            None => self.glyph(c, st),
        };
        let label = label.map(|l| self.list(l, if over { st.sup() } else { st.sub() }));
        let width = base
            .width
            .max(brace.width)
            .max(label.as_ref().map_or(0.0, |l| l.width));
        // Between the brace and what it spans, the font's least gap or TeX's 3 pt; its
        // label goes as a limit goes over (or under) an operator.
        let gap = self.c(st, StretchStackGapBelowMin).max(BRACE_GAP_EM * size);
        let label_gap = if over {
            self.c(st, UpperLimitGapMin)
        } else {
            self.c(st, LowerLimitGapMin)
        };
        let mut out = MathBox {
            width,
            ..MathBox::default()
        };
        let (base_w, base_a, base_d, brace_w, brace_a, brace_d) = (
            base.width,
            base.ascent,
            base.descent,
            brace.width,
            brace.ascent,
            brace.descent,
        );
        out.add(base, (width - base_w) / 2.0, 0.0);
        if over {
            let brace_y = base_a + gap + brace_d;
            out.add(brace, (width - brace_w) / 2.0, brace_y);
            if let Some(label) = label {
                let y = brace_y + brace_a + label_gap + label.descent;
                let w = label.width;
                out.add(label, (width - w) / 2.0, y);
            }
        } else {
            let brace_y = -(base_d + gap + brace_a);
            out.add(brace, (width - brace_w) / 2.0, brace_y);
            if let Some(label) = label {
                let y = brace_y - brace_d - label_gap - label.ascent;
                let w = label.width;
                out.add(label, (width - w) / 2.0, y);
            }
        }
        out
    }

    /// A list in a frame of rules (`\boxed`), with LaTeX's \fboxsep inside.
    fn boxed(&self, body: &MathList, st: St) -> MathBox {
        let size = self.size_of(st);
        let inner = self.list(body, st);
        let pad = BOX_PADDING_EM * size;
        let t = self.c(st, Constant::FractionRuleThickness);
        let (w, a, d) = (inner.width, inner.ascent, inner.descent);
        let mut out = MathBox {
            width: w + 2.0 * (pad + t),
            ..MathBox::default()
        };
        out.add(inner, pad + t, 0.0);
        let (top, bottom) = (a + pad, -(d + pad) - t);
        let width = out.width;
        out.rule(0.0, top, width, t);
        out.rule(0.0, bottom, width, t);
        // The sides: rules as tall as the frame, drawn as thin boxes.
        let side = top + t - bottom;
        for x in [0.0, width - t] {
            out.items.push(Placed {
                x,
                y: bottom,
                drawn: Drawn::Rule {
                    width: t,
                    height: side,
                },
            });
        }
        out.ascent = out.ascent.max(top + t);
        out.descent = out.descent.max(-bottom);
        out
    }

    /// An arrow stretched under its label (and over its second), as amsmath's
    /// `\xrightarrow`: the labels in script style, the arrow a little longer than they.
    fn arrow(&self, c: char, above: &MathList, below: Option<&MathList>, st: St) -> MathBox {
        use Constant::*;
        let size = self.size_of(st);
        let above = self.list(above, st.sup());
        let below = below.map(|b| self.list(b, st.sub()));
        let label = above.width.max(below.as_ref().map_or(0.0, |b| b.width));
        let target = label + 2.0 * ARROW_PAD_EM * size;
        let arrow = match self.font.glyph_index(c) {
            Some(id) => {
                let parts = self.stretched(id, target / size, false);
                match parts.as_slice() {
                    [part] => self.glyph_box(self.math_face, &part.glyph, size, Some(c)),
                    _ => self.parts_box(&parts, false, size, c),
                }
            }
            None => self.glyph(c, st),
        };
        let width = arrow.width.max(target);
        let gap = self.c(st, StretchStackGapBelowMin);
        let mut out = MathBox {
            width,
            ..MathBox::default()
        };
        let (arrow_w, arrow_a, arrow_d) = (arrow.width, arrow.ascent, arrow.descent);
        out.add(arrow, (width - arrow_w) / 2.0, 0.0);
        let above_y = arrow_a + gap + above.descent;
        let above_w = above.width;
        out.add(above, (width - above_w) / 2.0, above_y);
        if let Some(below) = below {
            let y = -(arrow_d + gap + below.ascent);
            let w = below.width;
            out.add(below, (width - w) / 2.0, y);
        }
        out
    }

    fn array(&self, array: &Array, st: St) -> MathBox {
        let cell_st = match array.kind {
            ArrayKind::Small => St {
                style: Style::Script,
                ..st
            },
            ArrayKind::Matrix | ArrayKind::Cases if st.is_script() => st,
            ArrayKind::Matrix | ArrayKind::Cases => St {
                style: Style::Text,
                ..st
            },
            ArrayKind::Aligned | ArrayKind::Gathered => St {
                style: Style::Display,
                ..st
            },
        };
        let size = self.size_of(cell_st);
        let columns = array.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut cells: Vec<Vec<MathBox>> = Vec::with_capacity(array.rows.len());
        for row in &array.rows {
            let mut boxes = Vec::with_capacity(row.len());
            for (k, cell) in row.iter().enumerate() {
                let boxed = if array.kind == ArrayKind::Aligned && k % 2 == 1 {
                    // The right side of an alignment starts as if something stood before
                    // its relation: `&= b` is spaced as `a = b` (amsmath's `&{}=`).
                    let mut with_left = vec![Node::Group(Vec::new())];
                    with_left.extend(cell.iter().cloned());
                    self.list(&with_left, cell_st)
                } else {
                    self.list(cell, cell_st)
                };
                boxes.push(boxed);
            }
            cells.push(boxes);
        }
        let mut widths = vec![0.0f32; columns];
        for row in &cells {
            for (k, cell) in row.iter().enumerate() {
                widths[k] = widths[k].max(cell.width);
            }
        }
        // Column positions and each column's alignment (0 left, 0.5 centre, 1 right).
        let gap = |k: usize| -> f32 {
            if k == 0 {
                return 0.0;
            }
            size * match array.kind {
                ArrayKind::Matrix => MATRIX_COLUMN_GAP_EM,
                ArrayKind::Small => SMALL_COLUMN_GAP_EM,
                ArrayKind::Cases => CASES_GAP_EM,
                ArrayKind::Aligned if k.is_multiple_of(2) => ALIGNED_PAIR_GAP_EM,
                ArrayKind::Aligned | ArrayKind::Gathered => 0.0,
            }
        };
        let align = |k: usize| -> f32 {
            match array.kind {
                ArrayKind::Matrix | ArrayKind::Small | ArrayKind::Gathered => 0.5,
                ArrayKind::Cases => 0.0,
                ArrayKind::Aligned if k.is_multiple_of(2) => 1.0,
                ArrayKind::Aligned => 0.0,
            }
        };
        let mut xs = Vec::with_capacity(columns);
        let mut x = 0.0;
        for (k, width) in widths.iter().enumerate() {
            x += gap(k);
            xs.push(x);
            x += width;
        }
        let total_width = x;
        let jot = match array.kind {
            ArrayKind::Matrix | ArrayKind::Small => 0.0,
            _ => JOT_EM * size,
        };
        let strut = match array.kind {
            ArrayKind::Small => (SMALL_STRUT_ASCENT_EM * size, SMALL_STRUT_DESCENT_EM * size),
            _ => (STRUT_ASCENT_EM * size, STRUT_DESCENT_EM * size),
        };
        let rows: Vec<(f32, f32)> = cells
            .iter()
            .map(|row| {
                row.iter().fold(strut, |(a, d), cell| {
                    (a.max(cell.ascent), d.max(cell.descent))
                })
            })
            .collect();
        let height: f32 = rows.iter().map(|(a, d)| a + d).sum::<f32>()
            + jot * rows.len().saturating_sub(1) as f32;
        let axis = self.c(st, Constant::AxisHeight);
        let mut y = height / 2.0 + axis;
        let mut out = MathBox {
            width: total_width,
            ..MathBox::default()
        };
        for (row, (ascent, descent)) in cells.into_iter().zip(&rows) {
            y -= ascent;
            for (k, cell) in row.into_iter().enumerate() {
                let free = widths[k] - cell.width;
                out.add(cell, xs[k] + free * align(k), y);
            }
            y -= descent + jot;
        }
        out.ascent = out.ascent.max(height / 2.0 + axis);
        out.descent = out.descent.max(height / 2.0 - axis);
        self.wrap(out, array.open, array.close, st)
    }
}

/// The space between atoms of two classes (TeX's table in chapter 18 of the TeXbook), as
/// (width, stretch, shrink) in mu; the medium and thick spaces vanish in script styles.
fn spacing(left: Class, right: Class, st: St) -> (f32, f32, f32) {
    use Class::*;
    const NONE: (f32, f32, f32) = (0.0, 0.0, 0.0);
    let (space, always) = match (left, right) {
        (Ord, Op) | (Op, Ord) | (Op, Op) | (Close, Op) | (Inner, Op) => (THIN, true),
        (Ord, Inner)
        | (Op, Inner)
        | (Close, Inner)
        | (Inner, Ord)
        | (Inner, Open)
        | (Inner, Punct)
        | (Inner, Inner)
        | (Punct, _) => (THIN, false),
        (Ord | Close | Inner, Bin) | (Bin, Ord | Op | Open | Inner) => (MEDIUM, false),
        (Ord | Op | Close | Inner, Rel) | (Rel, Ord | Op | Open | Inner) => (THICK, false),
        _ => (NONE, true),
    };
    if always || !st.is_script() {
        space
    } else {
        NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::parse::Bounds;

    fn parse(source: &str, display: bool) -> Result<Formula, crate::math::parse::MathError> {
        crate::math::parse::parse(source, display, &Bounds::default())
    }

    fn layouter(fonts: &FontBook) -> Layouter<'_> {
        Layouter::new(fonts, FaceId::MATH, FaceSet::SERIF, 10.0, 1.0)
            .expect("the math face has a MATH table")
    }

    fn glyphs(b: &MathBox) -> Vec<(f32, f32)> {
        b.items
            .iter()
            .filter(|p| matches!(p.drawn, Drawn::Glyph { .. }))
            .map(|p| (p.x, p.y))
            .collect()
    }

    #[test]
    fn spacing_follows_texs_table() {
        let text = St {
            style: Style::Text,
            cramped: false,
        };
        let script = St {
            style: Style::Script,
            ..text
        };
        assert_eq!(spacing(Class::Ord, Class::Rel, text), THICK);
        assert_eq!(spacing(Class::Ord, Class::Bin, text), MEDIUM);
        assert_eq!(spacing(Class::Ord, Class::Op, text), THIN);
        assert_eq!(spacing(Class::Ord, Class::Rel, script), (0.0, 0.0, 0.0));
        assert_eq!(spacing(Class::Ord, Class::Op, script), THIN);
        assert_eq!(spacing(Class::Open, Class::Ord, text), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_lonely_binary_operator_is_ordinary() {
        let fonts = FontBook::bundled();
        let l = layouter(&fonts);
        // `-x`: no space between the minus and the x; `a - x`: medium spaces.
        let unary = l.display(&parse("-x", true).unwrap());
        let binary = l.display(&parse("a-x", true).unwrap());
        let a = l.display(&parse("a", true).unwrap());
        let medium = 4.0 / 18.0 * 10.0;
        assert!((binary.width - unary.width - a.width - 2.0 * medium).abs() < 0.01);
    }

    #[test]
    fn scripts_rise_and_drop_and_limits_go_above_and_below() {
        let fonts = FontBook::bundled();
        let l = layouter(&fonts);
        let b = l.display(&parse("x^2_i", true).unwrap());
        let g = glyphs(&b);
        assert_eq!(g.len(), 3);
        assert!(g[1].1 > 2.0, "superscript raised: {g:?}");
        assert!(g[2].1 < -1.0, "subscript lowered: {g:?}");
        assert!(
            g[1].0 > g[2].0,
            "the superscript moves out by the x's italic correction"
        );
        let sum = l.display(&parse(r"\sum_{i=1}^n", true).unwrap());
        let g = glyphs(&sum);
        let n = g[0];
        let i = g[1];
        assert!(
            n.1 > 8.0 && i.1 < -8.0,
            "limits above and below in display: {g:?}"
        );
        let inline = l.inline(&parse(r"\sum_{i=1}^n", false).unwrap());
        let MathItem::Box(inline) = &inline[0] else {
            panic!()
        };
        assert!(inline.width > sum.width, "beside it, wider");
        assert!(
            inline.ascent < sum.ascent,
            "beside it, smaller, in text style"
        );
    }

    #[test]
    fn a_fraction_centres_its_parts_on_the_axis_with_a_rule() {
        let fonts = FontBook::bundled();
        let l = layouter(&fonts);
        let f = l.display(&parse(r"\frac{1}{x+y}", true).unwrap());
        let rule = f
            .items
            .iter()
            .find_map(|p| match p.drawn {
                Drawn::Rule { width, height } => Some((p.x, p.y, width, height)),
                _ => None,
            })
            .expect("a fraction rule");
        let axis = l.axis();
        assert!((rule.1 + rule.3 / 2.0 - axis).abs() < 0.01, "on the axis");
        let g = glyphs(&f);
        assert!(g[0].1 > axis && g[1].1 < 0.0);
        // The numerator is centred over the wider denominator.
        assert!(g[0].0 > rule.0 + 1.0);
    }

    #[test]
    fn delimiters_grow_with_what_they_hold() {
        let fonts = FontBook::bundled();
        let l = layouter(&fonts);
        let small = l.display(&parse(r"\left( x \right)", true).unwrap());
        let tall = l.display(&parse(r"\left( \frac{\frac{a}{b}}{c} \right)", true).unwrap());
        assert!(tall.ascent + tall.descent > 2.0 * (small.ascent + small.descent));
        let matrix =
            l.display(&parse(r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}", true).unwrap());
        assert!(matrix.ascent > 8.0 && matrix.descent > 4.0);
    }

    #[test]
    fn inline_formulas_break_after_relations_and_operators_only() {
        let fonts = FontBook::bundled();
        let l = layouter(&fonts);
        let items = l.inline(&parse(r"a + b = \frac{c+d}{2}", false).unwrap());
        let penalties: Vec<f32> = items
            .iter()
            .filter_map(|i| match i {
                MathItem::Penalty(p) => Some(*p),
                _ => None,
            })
            .collect();
        assert_eq!(penalties, [BIN_PENALTY, REL_PENALTY]);
        let items = l.inline(&parse(r"a, b", false).unwrap());
        assert!(items.contains(&MathItem::Penalty(PUNCT_PENALTY)));
    }
}
