//! Inlines → items: flattens emphasis, links and code into styled text, shapes it, and
//! cuts it into boxes (words and syllables), glue (spaces) and penalties (hyphenation
//! points, explicit hyphens, soft hyphens, breaks inside URLs, emergency breaks inside
//! words too long for a line, forced line breaks).

use crate::text::shape::WordCache;
use std::collections::BTreeSet;
use std::sync::Arc;

use super::bidi;
use super::collect::{collect, Chunk, MathSpan, Span, TextKind};
use super::items::{Item, PenaltyKind, INFINITE_PENALTY};
use super::opportunities::{looks_like_url, opportunities, Hyphenation, Opportunity, WordKind};
use super::style::ParagraphStyle;
use crate::cancel::Cancel;
use crate::geom::Rgb;
use crate::layout::LinkTarget;
use crate::math::{Layouter, MathBox, MathItem, MATH_SCALE};
use crate::model::Inline;
use crate::options::Direction;
use crate::text::{
    breaks, fonts::Drawing, shape::shape_words, FaceId, FontBook, Hyphenator, ShapeOptions,
    ShapedRun,
};

pub use super::items::FILL;

/// How far the space between two ideographs may stretch in a justified line, in ems:
/// forty characters a line absorb two ems of slack, and where ideographs share a line
/// with words, the word spaces (which stretch half a space each) widen more.
const CJK_STRETCH_EM: f32 = 0.05;
/// Breaking an overlong word anywhere: allowed only when nothing else works.
pub const EMERGENCY_PENALTY: f32 = 5_000.0;
/// A word of more clusters than this (a pasted hash, or hostile input) gets emergency
/// breakpoints only every few clusters, which keeps a megabyte-long word to a manageable
/// number of items.
const LONG_WORD_CLUSTERS: usize = 256;
const LONG_WORD_STEP: usize = 8;
/// The most text shaped between two looks at the render's cancellation flag (a few
/// milliseconds of shaping).
const SHAPE_PIECE_BYTES: usize = 16 * 1024;

/// Where a piece of `text[start..end]` to shape ends: after the last space within
/// [`SHAPE_PIECE_BYTES`]; in a word longer than that (a string of megabytes, never
/// prose), before the first ASCII character past the limit (no character cluster starts
/// inside one), else at the end.
fn piece_end(text: &str, start: usize, end: usize) -> usize {
    if end - start <= SHAPE_PIECE_BYTES {
        return end;
    }
    let mut limit = start + SHAPE_PIECE_BYTES;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    if let Some(at) = text[start..limit].rfind(' ').filter(|&at| at > 0) {
        return start + at + 1;
    }
    text[limit..end]
        .char_indices()
        .find(|&(at, c)| at > 0 && c.is_ascii())
        .map_or(end, |(at, _)| limit + at)
}

/// Words between two looks at the render's cancellation flag.
const CANCEL_CHECK_WORDS: usize = 1024;

/// Printable material of a box, or the hyphen of a penalty.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub run: ShapedRun,
    /// Placed at more than one break (a span's hyphen).
    pub shared: bool,
    /// Index into [`Prepared::links`].
    pub link: Option<usize>,
    pub strike: bool,
    /// Raise (superscript, > 0) or lower the baseline, in points.
    pub rise: f32,
    pub color: Rgb,
    /// A formula's material (the run is then empty); boxed, so that the pieces of
    /// words, most of a paragraph, stay small.
    pub math: Option<Box<MathPiece>>,
}

/// A formula, or a part of one between two places a line may break in it.
#[derive(Debug, Clone, PartialEq)]
pub struct MathPiece {
    pub boxed: MathBox,
    /// Which of the paragraph's formulas it is part of (from 0).
    pub formula: usize,
    /// What the text layer reads for it: the formula as plain Unicode for its first
    /// part, and nothing for the others (a copy of a formula broken across lines gives
    /// it once).
    pub text: Arc<str>,
}

/// A paragraph ready for the line breaker.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The hyphen piece of the span being added (one piece serves every break of a span).
    hyphen: Option<usize>,
    /// The paragraph's bidi level (1: right to left).
    pub level: u8,
    pub items: Vec<Item<usize>>,
    pub pieces: Vec<Piece>,
    /// Where the paragraph's links go.
    pub links: Vec<LinkTarget>,
    /// Characters no bundled face has.
    pub missing: BTreeSet<char>,
    /// The font expansion of the paragraph's prose (see [`ParagraphStyle::expansion`]).
    expansion: f32,
    /// The sources of the paragraph's formulas, in order (their alternate text).
    pub formulas: Vec<Arc<str>>,
}

/// The services and settings every paragraph of a render is set with.
#[derive(Clone, Copy)]
pub struct TextServices<'a> {
    pub fonts: &'a FontBook,
    /// Words shaped before (shared by every render of the engine).
    pub words: &'a WordCache,
    pub hyphenator: &'a Hyphenator,
    /// The document's language (hyphenation patterns, shaping).
    pub lang: &'a str,
    /// The document's direction (`Auto`: each paragraph's own).
    pub direction: Direction,
    /// Faces the design names for characters the text's face lacks.
    pub fallback: &'a [FaceId],
    pub cancel: &'a Cancel,
}

/// Piece 0 of every paragraph: no glyphs, the content of indent and code-indentation
/// boxes.
const INDENT_PIECE: usize = 0;

/// Prepares one paragraph for lines of `line_width` (words wider than that get emergency
/// breakpoints).
pub fn prepare(
    inlines: &[Inline],
    style: &ParagraphStyle,
    services: &TextServices<'_>,
    line_width: f32,
) -> Prepared {
    let ctx = &Context {
        services,
        line_width,
    };
    let mut prepared = Prepared {
        expansion: if style.justify && !style.monospace {
            style.expansion
        } else {
            0.0
        },
        ..Prepared::default()
    };
    prepared.pieces.push(Piece {
        run: ShapedRun::empty(FaceId::SERIF, style.size),
        shared: true,
        link: None,
        strike: false,
        rise: 0.0,
        color: Rgb::BLACK,
        math: None,
    });
    let chunks = collect(inlines, style, &mut prepared.links);

    // The bidi levels of the paragraph's text (a forced line break reads as a space).
    // Where directions mix, addresses and code are isolated as left-to-right text, so a
    // URL's slashes and dots stay in place inside right-to-left text.
    let direction = if style.monospace {
        Direction::Ltr
    } else {
        services.direction
    };
    let plain: String = chunks
        .iter()
        .map(|chunk| match chunk {
            Chunk::Text(span) => span.text.as_str(),
            // A formula is a neutral object to the bidi algorithm.
            Chunk::Math(_) => OBJECT,
            Chunk::LineBreak => " ",
        })
        .collect();
    let isolate = bidi::mixes_directions(&plain, direction);
    let mut paragraph = String::with_capacity(plain.len());
    let mut offsets = Vec::with_capacity(chunks.len());
    for chunk in &chunks {
        match chunk {
            Chunk::Text(span) => {
                let ltr = isolate && matches!(span.kind, TextKind::Url | TextKind::Code);
                if ltr {
                    paragraph.push(bidi::LEFT_TO_RIGHT_ISOLATE);
                }
                offsets.push(paragraph.len());
                paragraph.push_str(&span.text);
                if ltr {
                    paragraph.push(bidi::POP_DIRECTIONAL_ISOLATE);
                }
            }
            Chunk::Math(_) => {
                offsets.push(paragraph.len());
                paragraph.push_str(OBJECT);
            }
            Chunk::LineBreak => {
                offsets.push(paragraph.len());
                paragraph.push(' ');
            }
        }
    }
    let (level, levels) = bidi::levels(&paragraph, direction);
    prepared.level = level;
    prepared.pieces[INDENT_PIECE].run.level = level;

    if style.indent > 0.0 {
        prepared.items.push(Item::Box {
            width: style.indent,
            flex: 0.0,
            content: INDENT_PIECE,
        });
    }
    for (chunk, at) in chunks.into_iter().zip(offsets) {
        match chunk {
            Chunk::LineBreak => {
                trim_trailing_glue(&mut prepared.items);
                push_forced_break(&mut prepared.items);
            }
            Chunk::Math(math) => add_math(&mut prepared, &math, ctx),
            Chunk::Text(span) => {
                let span_levels = levels.get(at..at + span.text.len()).unwrap_or(&[]);
                add_span(&mut prepared, &span, span_levels, style, ctx);
            }
        }
    }
    trim_trailing_glue(&mut prepared.items);
    if style.balance {
        prepared.items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITE_PENALTY,
            flagged: false,
            kind: PenaltyKind::Control,
            content: None,
        });
    } else {
        push_forced_break(&mut prepared.items);
    }
    prepared
}

/// What a formula stands for in the text the bidi algorithm reads: the object
/// replacement character.
const OBJECT: &str = "\u{fffc}";

/// Adds a formula: its parts as boxes, with glue and a penalty where a line may break
/// (after a relation or a binary operator of its top level).
fn add_math(prepared: &mut Prepared, math: &MathSpan<'_>, ctx: &Context<'_>) {
    let fonts = ctx.services.fonts;
    let Some(layouter) = Layouter::new(fonts, FaceId::MATH, math.text_faces, math.size, MATH_SCALE)
    else {
        return;
    };
    // A formula reads left to right: in a right-to-left paragraph its parts are an
    // embedded left-to-right run (the next even level), kept in their order.
    let level = prepared.level + prepared.level % 2;
    let mut text: Arc<str> = Arc::from(math.formula.linear());
    let formula = prepared.formulas.len();
    prepared
        .formulas
        .push(Arc::from(math.formula.source.as_str()));
    for item in layouter.inline(math.formula) {
        match item {
            MathItem::Box(boxed) => {
                // A negative space may pull a part's material back, but no part is
                // narrower than nothing: the line breaker counts on widths adding up.
                let width = boxed.width.max(0.0);
                let mut run = ShapedRun::empty(FaceId::MATH, math.size);
                run.level = level;
                let piece = prepared.push_piece(Piece {
                    run,
                    shared: false,
                    link: math.link,
                    strike: false,
                    rise: math.rise,
                    color: math.color,
                    math: Some(Box::new(MathPiece {
                        boxed,
                        formula,
                        text: std::mem::replace(&mut text, Arc::from("")),
                    })),
                });
                prepared.items.push(Item::Box {
                    width,
                    flex: 0.0,
                    content: piece,
                });
            }
            MathItem::Glue {
                width,
                stretch,
                shrink,
                breakable,
            } => {
                if !breakable {
                    // Glue is a place to break: not this one.
                    prepared.items.push(Item::Penalty {
                        width: 0.0,
                        cost: INFINITE_PENALTY,
                        flagged: false,
                        kind: PenaltyKind::Control,
                        content: None,
                    });
                }
                prepared.items.push(Item::Glue {
                    width,
                    stretch,
                    shrink,
                });
            }
            MathItem::Penalty(cost) => prepared.items.push(Item::Penalty {
                width: 0.0,
                cost,
                flagged: false,
                kind: PenaltyKind::Math,
                content: None,
            }),
        }
    }
    prepared.missing.extend(layouter.missing());
}

/// A paragraph's services and measure, as the helpers below need them.
struct Context<'a> {
    services: &'a TextServices<'a>,
    line_width: f32,
}

impl Prepared {
    fn push_piece(&mut self, piece: Piece) -> usize {
        self.pieces.push(piece);
        self.pieces.len() - 1
    }
}

fn is_break_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{2002}'..='\u{200a}' | '\u{3000}'
    )
}

fn is_tied_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// Adds a span's words, spaces and break points; `levels` are the bidi levels of its
/// bytes (empty: all 0).
fn add_span(
    prepared: &mut Prepared,
    span: &Span,
    levels: &[u8],
    style: &ParagraphStyle,
    ctx: &Context<'_>,
) {
    prepared.hyphen = None;
    // Soft hyphens are break points, not characters: take them out before shaping.
    let mut text = String::with_capacity(span.text.len());
    let mut text_levels = Vec::with_capacity(levels.len());
    let mut soft_hyphens = Vec::new();
    for (i, c) in span.text.char_indices() {
        if c == '\u{ad}' {
            soft_hyphens.push(text.len());
            continue;
        }
        if c == '\t' && span.kind != TextKind::Code {
            text.push(' ');
        } else {
            text.push(c);
        }
        if let Some(&level) = levels.get(i) {
            text_levels.resize(text.len(), level);
        }
    }
    // Each stretch of one bidi level is shaped in its direction, a word at a time.
    let mut runs = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let level = text_levels.get(start).copied().unwrap_or(0);
        let end = text_levels[start.min(text_levels.len())..]
            .iter()
            .position(|l| *l != level)
            .map_or(text.len(), |n| start + n);
        let options = ShapeOptions {
            lang: ctx.services.lang,
            level,
            literal: span.kind == TextKind::Code,
            fallback: ctx.services.fallback,
        };
        // In pieces of at most SHAPE_PIECE_BYTES, cut after a space (words are shaped
        // one at a time, so the cut changes no glyph), with a look at the cancellation
        // flag between them: a paragraph of megabytes stops within milliseconds.
        let mut piece_start = start;
        while piece_start < end {
            if ctx.services.cancel.is_cancelled() {
                return;
            }
            let piece_end = piece_end(&text, piece_start, end);
            runs.extend(shape_words(
                ctx.services.fonts,
                ctx.services.words,
                span.face,
                span.size,
                &text[piece_start..piece_end],
                &options,
                &mut prepared.missing,
            ));
            piece_start = piece_end;
        }
        start = end;
    }
    let runs = SpanRuns::new(runs);
    let space = ctx.services.fonts.face(span.face).space_width * span.size;

    let mut word_start: Option<usize> = None;
    // A run of spaces waiting for the next word: (width, tied, fixed width).
    let mut pending_space: Option<(f32, bool, bool)> = None;
    let mut chars = text.char_indices().peekable();
    let mut words = 0usize;
    while let Some((i, c)) = chars.next() {
        let breaking = is_break_space(c);
        let tied = is_tied_space(c);
        if breaking || tied {
            if let Some(start) = word_start.take() {
                words += 1;
                if words.is_multiple_of(CANCEL_CHECK_WORDS) && ctx.services.cancel.is_cancelled() {
                    return;
                }
                add_word(
                    prepared,
                    span,
                    &runs,
                    &text,
                    start..i,
                    &soft_hyphens,
                    style,
                    ctx,
                );
            }
            if matches!(c, ' ' | '\t') && span.kind == TextKind::Code && pending_space.is_none() {
                let end = text[i..]
                    .find(|c: char| !matches!(c, ' ' | '\t'))
                    .map_or(text.len(), |n| i + n);
                if push_code_whitespace(prepared, span, &runs, &text[i..end], i, style, ctx) {
                    while chars.next_if(|&(j, _)| j < end).is_some() {}
                    continue;
                }
            }
            let width = if span.kind == TextKind::Code && c == '\t' {
                space * TAB_SPACES
            } else if c == '\u{202f}' {
                // Narrow no-break space: about a sixth of an em, the least that text
                // extraction (poppler) still reads as a word gap.
                space * 0.6
            } else {
                space
            };
            // The narrow space keeps its width: shrunk, it would no longer separate
            // words for a reader of the PDF's text.
            let fixed = c == '\u{202f}';
            // Collapse runs of spaces in prose; keep every space in code.
            match pending_space.as_mut() {
                Some((w, t, _)) if span.kind == TextKind::Code || style.monospace => {
                    *w += width;
                    *t |= tied;
                }
                Some((_, t, f)) => {
                    *t |= tied;
                    *f &= fixed;
                }
                None => pending_space = Some((width, tied, fixed)),
            }
            continue;
        }
        if let Some((width, tied, fixed)) = pending_space.take() {
            push_space(&mut prepared.items, width, tied, fixed, style, span.kind);
        }
        if word_start.is_none() {
            word_start = Some(i);
        }
        if chars.peek().is_none() {
            add_word(
                prepared,
                span,
                &runs,
                &text,
                word_start.take().unwrap_or(i)..text.len(),
                &soft_hyphens,
                style,
                ctx,
            );
        }
    }
    if let Some((width, tied, fixed)) = pending_space {
        push_space(&mut prepared.items, width, tied, fixed, style, span.kind);
    }
}

/// A tab in code is as wide as this many spaces.
const TAB_SPACES: f32 = 4.0;

/// Spaces and tabs of code drawn as glyphs (the space glyph, a tab four times as wide),
/// so that copying the code gives back its indentation, its tabs and its runs of spaces (a
/// gap between glyphs reads as one space at most). In a code block the line may break
/// after them (a wrapped line's end is not justified); in inline code the first of them
/// is the place to break, as a fixed space that vanishes at a break, so that a justified
/// line still ends flush. `false` if the face has no space glyph (then they are plain
/// spaces).
fn push_code_whitespace(
    prepared: &mut Prepared,
    span: &Span,
    runs: &SpanRuns,
    whitespace: &str,
    offset: usize,
    style: &ParagraphStyle,
    ctx: &Context<'_>,
) -> bool {
    let face = ctx.services.fonts.face(span.face);
    let Some(glyph) = face.shaper.glyph_index(' ') else {
        return false;
    };
    let space = face.space_width * span.size;
    let width = |c: char| if c == '\t' { space * TAB_SPACES } else { space };
    let level = runs.level_at(offset);
    let glyphs = |text: &str| {
        ShapedRun::repeated(span.face, span.size, glyph.0, text, level, |_, c| width(c))
    };
    if at_line_start(&prepared.items) {
        push_box(prepared, span, glyphs(whitespace), ctx.services.fonts);
    } else if style.monospace {
        push_box(prepared, span, glyphs(whitespace), ctx.services.fonts);
        prepared.items.push(Item::Glue {
            width: 0.0,
            stretch: 0.0,
            shrink: 0.0,
        });
    } else {
        let first = whitespace.chars().next().unwrap_or(' ');
        push_space(
            &mut prepared.items,
            width(first),
            false,
            true,
            style,
            span.kind,
        );
        let rest = &whitespace[first.len_utf8()..];
        if !rest.is_empty() {
            push_box(prepared, span, glyphs(rest), ctx.services.fonts);
        }
    }
    true
}

/// Whether nothing but indentation precedes on the line: the paragraph's start, or a
/// forced line break.
fn at_line_start(items: &[Item<usize>]) -> bool {
    match items.last() {
        None => true,
        Some(Item::Box { content, .. }) => *content == INDENT_PIECE,
        Some(item) => item.is_forced_break(),
    }
}

fn push_space(
    items: &mut Vec<Item<usize>>,
    width: f32,
    tied: bool,
    fixed: bool,
    style: &ParagraphStyle,
    kind: TextKind,
) {
    // A space at the very start of a paragraph (or after a forced break) is dropped,
    // except in code, where leading spaces are indentation: they become a fixed box.
    if at_line_start(items) {
        if style.monospace || kind == TextKind::Code {
            items.push(Item::Box {
                width,
                flex: 0.0,
                content: INDENT_PIECE,
            });
        }
        return;
    }
    if matches!(items.last(), Some(Item::Glue { .. })) {
        return;
    }
    if tied {
        items.push(Item::Penalty {
            width: 0.0,
            cost: INFINITE_PENALTY,
            flagged: false,
            kind: PenaltyKind::Control,
            content: None,
        });
    }
    let flexible = style.justify && kind != TextKind::Code && !style.monospace && !fixed;
    items.push(Item::Glue {
        width,
        // TeX's ratios for a text font's interword space: stretch 1/2, shrink 1/3.
        stretch: if flexible { width / 2.0 } else { 0.0 },
        shrink: if flexible { width / 3.0 } else { 0.0 },
    });
}

/// Adds one word (the bytes `range` of the span's text): boxes for its pieces and
/// penalties where it may break.
#[allow(clippy::too_many_arguments)]
fn add_word(
    prepared: &mut Prepared,
    span: &Span,
    runs: &SpanRuns,
    text: &str,
    range: std::ops::Range<usize>,
    soft_hyphens: &[usize],
    style: &ParagraphStyle,
    ctx: &Context<'_>,
) {
    let word = &text[range.clone()];
    let kind = match span.kind {
        // Inline code in running text (a path, a dotted name) breaks where an address
        // does; code blocks wrap their own way.
        TextKind::Code if style.monospace => WordKind::CodeBlock,
        TextKind::Code => WordKind::InlineCode,
        TextKind::Url => WordKind::Address,
        TextKind::Prose => WordKind::Prose,
    };
    let soft_hyphens = soft_hyphens
        .iter()
        .filter(|&&s| s > range.start && s < range.end)
        .map(|&s| s - range.start);
    let hyphenation = style.hyphenate.then_some(Hyphenation {
        hyphenator: ctx.services.hyphenator,
        lang: ctx.services.lang,
    });
    let breaks = opportunities(word, kind, soft_hyphens, hyphenation.as_ref());
    let is_url = kind != WordKind::Prose || looks_like_url(word);

    // Cut the word's glyphs at the breaks that fall between clusters.
    // Each piece: its glyph runs, and the break that follows it (kind, adds a hyphen).
    let mut pieces: Vec<(Vec<ShapedRun>, Option<Opportunity>)> = Vec::new();
    let mut start = 0;
    for opportunity in breaks {
        let cut = range.start + opportunity.offset;
        if !runs.is_boundary(cut) {
            continue;
        }
        pieces.push((runs.slice(range.start + start..cut), Some(opportunity)));
        start = opportunity.offset;
    }
    pieces.push((runs.slice(range.start + start..range.end), None));

    // A piece that may not fit a line (the first line is shorter by the indent, and a
    // piece may carry a hyphen) gets
    // emergency breakpoints; in prose they add a hyphen, in URLs and code nothing (a
    // hyphen would change what they say).
    let hyphen_width = ctx.services.fonts.face(span.face).hyphen.1 * span.size;
    let fits = ctx.line_width - style.indent - hyphen_width;
    let emergency_hyphen = span.kind == TextKind::Prose && !is_url;
    for (piece_runs, after) in pieces {
        let width: f32 = piece_runs.iter().map(ShapedRun::width).sum();
        for run in piece_runs {
            if width > fits && run.glyphs.len() > 1 {
                push_with_emergency_breaks(prepared, span, run, ctx, emergency_hyphen);
            } else {
                push_box(prepared, span, run, ctx.services.fonts);
            }
        }
        if let Some(opportunity) = after {
            if opportunity.kind == PenaltyKind::Script && style.justify && ends_unspaced(prepared) {
                // Between ideographs and kana, and between the words of Thai, Lao, Khmer
                // and Burmese: glue that only stretches, so justified lines spread their
                // characters or words evenly (there are few spaces or none to widen).
                prepared.items.push(Item::Glue {
                    width: 0.0,
                    stretch: span.size * CJK_STRETCH_EM,
                    shrink: 0.0,
                });
                continue;
            }
            let (content, width) = if opportunity.hyphen {
                let piece = hyphen_piece(prepared, span, ctx);
                let w = prepared.pieces[piece].run.width();
                (Some(piece), w)
            } else {
                (None, 0.0)
            };
            prepared.items.push(Item::Penalty {
                width,
                cost: opportunity.cost(),
                flagged: opportunity.flagged(),
                kind: opportunity.kind,
                content,
            });
        }
    }
}

/// Whether the last box so far ends with a character of a script written without
/// spaces (an ideograph, kana, CJK punctuation, Thai, Lao, Khmer, Burmese).
fn ends_unspaced(prepared: &Prepared) -> bool {
    prepared
        .pieces
        .last()
        .and_then(|piece| piece.run.text.chars().next_back())
        .is_some_and(breaks::is_unspaced)
}

fn push_box(prepared: &mut Prepared, span: &Span, run: ShapedRun, fonts: &FontBook) {
    if run.glyphs.is_empty() {
        return;
    }
    let width = run.width();
    // Letters of prose drawn from outlines widen and narrow; code keeps its grid, a
    // picture (an emoji, whose run is in a fallback face, not the span's) its shape,
    // and characters set square (ideographs, kana) or spread by glue of their own (Thai
    // and its neighbours) their width.
    let expands = prepared.expansion > 0.0
        && span.kind != TextKind::Code
        && fonts.face(run.face).drawing == Drawing::Outlines
        && !run.text.chars().any(breaks::is_unspaced);
    let flex = if expands {
        prepared.expansion * width
    } else {
        0.0
    };
    let piece = prepared.push_piece(Piece {
        run,
        shared: false,
        link: span.link,
        strike: span.strike,
        rise: span.rise,
        color: span.color,
        math: None,
    });
    prepared.items.push(Item::Box {
        width,
        flex,
        content: piece,
    });
}

/// A word wider than the line: a box per cluster, with emergency breakpoints between
/// (adding a hyphen when `hyphen_from` is given).
fn push_with_emergency_breaks(
    prepared: &mut Prepared,
    span: &Span,
    run: ShapedRun,
    ctx: &Context<'_>,
    hyphen: bool,
) {
    let mut bounds = run.cluster_bounds();
    if bounds.len() > LONG_WORD_CLUSTERS {
        let end = bounds.last().copied();
        bounds = bounds.into_iter().step_by(LONG_WORD_STEP).collect();
        if bounds.last().copied() != end {
            bounds.extend(end);
        }
    }
    for (k, pair) in bounds.windows(2).enumerate() {
        // A word of millions of letters is a lot of work: stop at the render's deadline.
        if k % 4096 == 4095 && ctx.services.cancel.is_cancelled() {
            return;
        }
        if k > 0 {
            let (content, width) = if hyphen {
                let piece = hyphen_piece(prepared, span, ctx);
                (Some(piece), prepared.pieces[piece].run.width())
            } else {
                (None, 0.0)
            };
            prepared.items.push(Item::Penalty {
                width,
                cost: EMERGENCY_PENALTY,
                flagged: content.is_some(),
                kind: PenaltyKind::Emergency,
                content,
            });
        }
        push_box(
            prepared,
            span,
            run.slice(pair[0]..pair[1]),
            ctx.services.fonts,
        );
    }
}

/// The piece of the hyphen drawn where the span's words break (one for the span).
fn hyphen_piece(prepared: &mut Prepared, span: &Span, ctx: &Context<'_>) -> usize {
    if let Some(piece) = prepared.hyphen {
        return piece;
    }
    let face = ctx.services.fonts.face(span.face);
    let (id, advance) = face.hyphen;
    let piece = prepared.push_piece(Piece {
        // What the hyphen stands for in the text layer: the soft hyphen of a word
        // broken here, which readers join back (drawn as the face's hyphen).
        run: ShapedRun::single(span.face, span.size, id, "\u{ad}", advance * span.size),
        shared: true,
        link: span.link,
        strike: span.strike,
        rise: span.rise,
        color: span.color,
        math: None,
    });
    prepared.hyphen = Some(piece);
    piece
}

/// A span's glyph runs with where each starts in the span's text, so that a word's runs
/// are found by binary search (a span shaped a word at a time has two runs per word).
struct SpanRuns {
    runs: Vec<ShapedRun>,
    /// The byte offset where each run ends.
    ends: Vec<usize>,
}

impl SpanRuns {
    fn new(runs: Vec<ShapedRun>) -> SpanRuns {
        let ends = runs
            .iter()
            .scan(0, |end, run| {
                *end += run.text.len();
                Some(*end)
            })
            .collect();
        SpanRuns { runs, ends }
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1]
        }
    }

    /// The bidi level of the text at `offset`.
    fn level_at(&self, offset: usize) -> u8 {
        let i = self.ends.partition_point(|&end| end <= offset);
        self.runs
            .get(i)
            .or(self.runs.last())
            .map_or(0, |run| run.level)
    }

    /// Whether `at` falls between two clusters.
    fn is_boundary(&self, at: usize) -> bool {
        let first = self.ends.partition_point(|&end| end < at);
        (first..self.runs.len())
            .take_while(|&i| self.start(i) <= at)
            .any(|i| self.runs[i].is_cluster_boundary(at - self.start(i)))
    }

    /// The glyphs of the bytes `range`, which start and end between clusters.
    fn slice(&self, range: std::ops::Range<usize>) -> Vec<ShapedRun> {
        let first = self.ends.partition_point(|&end| end <= range.start);
        (first..self.runs.len())
            .take_while(|&i| self.start(i) < range.end)
            .filter_map(|i| {
                let start = self.start(i);
                let from = range.start.max(start);
                let to = range.end.min(self.ends[i]);
                (from < to).then(|| self.runs[i].slice(from - start..to - start))
            })
            .collect()
    }
}

fn trim_trailing_glue(items: &mut Vec<Item<usize>>) {
    while matches!(items.last(), Some(Item::Glue { .. }))
        || matches!(items.last(), Some(Item::Penalty { cost, .. }) if *cost >= INFINITE_PENALTY)
    {
        items.pop();
    }
}

/// TeX's paragraph end (and `\\`): no break before a glue that fills the rest of the
/// line, then a forced break.
fn push_forced_break(items: &mut Vec<Item<usize>>) {
    items.push(Item::Penalty {
        width: 0.0,
        cost: INFINITE_PENALTY,
        flagged: false,
        kind: PenaltyKind::Control,
        content: None,
    });
    items.push(Item::Glue {
        width: 0.0,
        stretch: FILL,
        shrink: 0.0,
    });
    items.push(Item::Penalty {
        width: 0.0,
        cost: -INFINITE_PENALTY,
        flagged: false,
        kind: PenaltyKind::Control,
        content: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaping_pieces_end_after_a_space_or_before_ascii_in_a_giant_word() {
        let words = "word ".repeat(10_000);
        let end = piece_end(&words, 0, words.len());
        assert!(end <= SHAPE_PIECE_BYTES && words[..end].ends_with(' '));
        assert_eq!(piece_end(&words, 0, 100), 100);
        // A giant word of two-byte letters with an ASCII letter now and then.
        let giant = "ж".repeat(SHAPE_PIECE_BYTES) + "x" + &"ж".repeat(10);
        let end = piece_end(&giant, 0, giant.len());
        assert_eq!(&giant[end..end + 1], "x");
        // Nothing to cut at: the whole.
        let cyrillic = "ж".repeat(SHAPE_PIECE_BYTES);
        assert_eq!(piece_end(&cyrillic, 0, cyrillic.len()), cyrillic.len());
    }
}
