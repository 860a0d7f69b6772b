//! The quality report: how well a render is set, measured on its own layout (every line
//! and page is known here; nothing is read back from the PDF). The figures follow the
//! definitions of the outside tools the project was judged by (a reader's view of the
//! PDF), so that the two agree: body lines are running text of at least two words, a
//! paragraph's measured lines are all but its last, spacing is a line's mean word gap in
//! ems, a page's fill is the share of the text area its text and pictures cover after
//! the gaps of ordinary leading and block spacing are closed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::Warning;
use crate::layout::{Element, Layout, Page, PageLine, Role};
use crate::structure::Tag;
use crate::text::fonts::Drawing;
use crate::text::FontBook;

/// The report's schema, named in every report; a change of meaning gets a new number.
pub const SCHEMA: &str = "folio-quality/1";

/// A line is loose when its word gaps are more than this many times the document's
/// median, tight when less than [`TIGHT`] times it.
const LOOSE: f32 = 2.0;
const TIGHT: f32 = 0.5;
/// A line with a word gap wider than this, in ems, is not a line of running text.
const STRETCHED_EM: f32 = 3.0;
/// A line ends flush when its right edge is within this of its paragraph's (in points).
const FLUSH: f32 = 1.0;
/// Gaps in a page's text narrower than this close (leading, block spacing, a heading's
/// space), in points: a hole is what is left.
const FLOW_GAP: f32 = 30.0;
/// A glyph line's extent around its baseline, in ems: up by the ascent of capitals and
/// down by the descent.
const ASCENT_EM: f32 = 0.8;
const DESCENT_EM: f32 = 0.25;

/// The quality of one render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// [`SCHEMA`].
    pub schema: String,
    /// Each page: how full its text area is and its largest empty stretch, as shares.
    pub pages: Vec<PageFill>,
    /// The last page's fill (a near-empty last sheet shows here).
    pub last_page_fill: f64,
    pub lines: Lines,
    /// Mean word gap of each measured line of three words or more, in ems.
    pub spacing_em: Spread,
    /// Typesetting faults the rules could not avoid.
    pub faults: Faults,
    /// Characters no font has, by script.
    pub missing_glyphs: BTreeMap<String, String>,
    pub images: Images,
    /// Link areas (annotations) in the PDF.
    pub links: usize,
    /// The faces the text is set in (PostScript names).
    pub fonts: Vec<String>,
    pub standard: Standard,
    pub warnings: usize,
    /// Milliseconds each stage took (not part of the PDF; varies from run to run).
    pub timings_ms: Timings,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PageFill {
    pub fill: f64,
    pub largest_hole: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Lines {
    /// Lines of running text (paragraphs, list items, quotes) with two words or more.
    pub body: usize,
    /// Body lines that are not the last of their paragraph.
    pub measured: usize,
    /// Measured lines that end flush with their paragraph's right edge, in percent.
    pub justified_pct: f64,
    /// Body lines that end in a hyphen (a broken word, or the author's hyphen).
    pub hyphenated: usize,
    pub hyphenated_pct: f64,
    /// The longest run of consecutive hyphenated lines in one paragraph.
    pub longest_hyphen_run: usize,
    /// Measured lines with word gaps over twice, or under half, the median.
    pub loose: usize,
    pub tight: usize,
    /// Lines that reach more than a point past their paragraph's right edge.
    pub overfull: usize,
    /// Lines of running text with a word gap over 3 ems (a line stretched around a word
    /// that did not fit): not counted as body lines, as the outside tools do not.
    pub stretched: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Spread {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Faults {
    /// Pages (1-based) whose last line opens a paragraph that goes on overleaf.
    pub orphans: Vec<usize>,
    /// Pages whose first line ends a paragraph begun on the page before.
    pub widows: Vec<usize>,
    /// Pages that end with a heading.
    pub stranded_headings: Vec<usize>,
    /// Note paragraphs carried over to the next page.
    pub notes_split: usize,
    /// Paragraphs that could only be set with a word broken where no rule allows, or
    /// with lines looser than every rule (their first words).
    pub emergency_breaks: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Images {
    /// Pictures drawn (each time one is).
    pub shown: usize,
    /// Images that could not be shown (their alt text stands in).
    pub failed: usize,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Standard {
    /// `ua-1+a-2a`, `ua-1`, `a-2a` or `none`.
    pub made_to: String,
    /// Whether the file claims it.
    pub claimed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Timings {
    /// Reading the markdown and the settings.
    pub read: f64,
    /// Flow and pages (paragraphs set, pages broken).
    pub typeset: f64,
    /// Measuring this report.
    pub report: f64,
    /// Writing the PDF.
    pub pdf: f64,
}

/// One line of a page as the report reads it.
struct Measured {
    page: usize,
    role: Role,
    /// The structure element of its text (its paragraph).
    tag: Option<Tag>,
    words: usize,
    /// Mean word gap, in ems.
    gap_em: Option<f32>,
    /// The widest word gap, in ems.
    widest_em: f32,
    right: f32,
    hyphenated: bool,
}

/// Measures a layout (before it is written: the report is made from the pages, not from
/// the PDF). `warnings` are the render's; `timings` are filled in by the caller.
pub fn measure(
    layout: &Layout,
    fonts: &FontBook,
    warnings: &[Warning],
    standard: Standard,
) -> Quality {
    let mut lines = Vec::new();
    let mut faces = BTreeSet::new();
    let mut images = 0;
    let mut links = 0;
    for (index, page) in layout.pages.iter().enumerate() {
        for line in &page.lines {
            if matches!(line.role, Role::Header | Role::Footer) {
                continue;
            }
            lines.push(read_line(index, page, line, fonts));
        }
        for element in &page.elements {
            match element {
                Element::Text { run, .. } => {
                    faces.insert(run.face);
                }
                // A decorative picture (no alt text, an artifact) is shown all the same.
                Element::Image { .. } => images += 1,
                Element::Link { .. } => links += 1,
                _ => {}
            }
        }
    }
    let pages = page_fills(layout);
    let last_page_fill = pages.last().map_or(0.0, |p| p.fill);
    let (lines_summary, spacing) = line_figures(&lines);
    let mut missing = BTreeMap::new();
    let mut failed = 0;
    let mut emergency = Vec::new();
    for warning in warnings {
        match warning {
            Warning::MissingGlyphs { script, chars, .. } => {
                missing.insert(script.clone(), chars.clone());
            }
            Warning::Image { .. } => failed += 1,
            Warning::EmergencyBreak { excerpt } => emergency.push(excerpt.clone()),
            _ => {}
        }
    }
    let mut faults = page_faults(&lines, layout.pages.len());
    faults.emergency_breaks = emergency;
    Quality {
        schema: SCHEMA.to_string(),
        pages,
        last_page_fill,
        lines: lines_summary,
        spacing_em: spacing,
        faults,
        missing_glyphs: missing,
        images: Images {
            shown: images,
            failed,
        },
        links,
        fonts: faces
            .into_iter()
            .map(|face| fonts.face(face).postscript_name.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        standard,
        warnings: warnings.len(),
        timings_ms: Timings::default(),
    }
}

fn read_line(page_index: usize, page: &Page, line: &PageLine, fonts: &FontBook) -> Measured {
    // Word gaps in points; in ems of the line's size at the end (a space after a word of
    // inline code is the line's space, not the code's).
    let mut gaps: Vec<f32> = Vec::new();
    // The size carrying most of the line's characters.
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    // Glyphs in monospace faces, and in all: a line mostly of code reads as code.
    let (mut mono, mut glyphs) = (0usize, 0usize);
    let mut right = f32::MIN;
    let mut tag = None;
    let mut last_text: Option<&str> = None;
    let mut previous_end: Option<(f32, f32)> = None;
    for element in &page.elements[line.elements.clone()] {
        let Element::Text {
            x, y, run, tag: t, ..
        } = element
        else {
            continue;
        };
        if tag.is_none() && !t.is_artifact() {
            tag = Some(*t);
        }
        match sizes.iter_mut().find(|(s, _)| *s == run.size) {
            Some((_, n)) => *n += run.glyphs.len(),
            None => sizes.push((run.size, run.glyphs.len())),
        }
        // Word spaces drawn as space glyphs (the text layer's); a line's closing space
        // has no width.
        let face = fonts.face(run.face);
        let outlines = face.drawing == Drawing::Outlines;
        glyphs += run.glyphs.len();
        if face.shaper.is_monospaced() {
            mono += run.glyphs.len();
        }
        let mut width = 0.0;
        let text = run.text.as_bytes();
        for glyph in &run.glyphs {
            // A space is a cluster of its own: its glyph's cluster starts at the byte.
            if outlines && glyph.advance > 0.0 && text.get(glyph.cluster as usize) == Some(&b' ') {
                gaps.push(glyph.advance);
            }
            width += glyph.advance;
        }
        // Gaps between runs (right-to-left words keep theirs as gaps).
        if let Some((end, baseline)) = previous_end {
            let gap = x.0 - end;
            if (baseline - y.0).abs() < 0.5 && gap > 0.1 * run.size {
                gaps.push(gap);
            }
        }
        // A line's closing space has no width: the edge is the last glyph's.
        right = right.max(x.0 + width);
        previous_end = Some((x.0 + width, y.0));
        last_text = Some(run.text.as_str());
    }
    let hyphenated = last_text.is_some_and(|text| {
        text.trim_end_matches(' ')
            .ends_with(['-', '\u{2010}', '\u{ad}'])
    });
    let words = if sizes.is_empty() { 0 } else { gaps.len() + 1 };
    let line_size = sizes
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(f32::EPSILON, |(s, _)| *s)
        .max(f32::EPSILON);
    let gap_em =
        (!gaps.is_empty()).then(|| gaps.iter().sum::<f32>() / gaps.len() as f32 / line_size);
    let widest_em = gaps.iter().copied().fold(0.0, f32::max) / line_size;
    let role = if line.role == Role::Body && 2 * mono > glyphs {
        Role::Code
    } else {
        line.role
    };
    Measured {
        page: page_index,
        role,
        tag,
        words,
        gap_em,
        widest_em,
        right,
        hyphenated,
    }
}

/// The figures of the lines: counts, shares and the spread of word spacing.
fn line_figures(lines: &[Measured]) -> (Lines, Spread) {
    let body: Vec<&Measured> = lines
        .iter()
        .filter(|l| l.role == Role::Body && l.words >= 2 && l.widest_em <= STRETCHED_EM)
        .collect();
    let stretched = lines
        .iter()
        .filter(|l| l.role == Role::Body && l.widest_em > STRETCHED_EM)
        .count();
    // The last line of each paragraph (by its structure element) is not measured.
    let mut last_of: HashMap<Tag, usize> = HashMap::new();
    for (i, line) in body.iter().enumerate() {
        if let Some(tag) = line.tag {
            last_of.insert(tag, i);
        }
    }
    let measured: Vec<&Measured> = body
        .iter()
        .enumerate()
        .filter(|(i, line)| line.tag.is_some_and(|t| last_of.get(&t) != Some(i)))
        .map(|(_, line)| *line)
        .collect();
    // Each paragraph's right edge: the median of its measured lines' on each page.
    let mut edges: HashMap<(Tag, usize), Vec<f32>> = HashMap::new();
    for line in &measured {
        if let Some(tag) = line.tag {
            edges.entry((tag, line.page)).or_default().push(line.right);
        }
    }
    let medians: HashMap<(Tag, usize), f32> = edges
        .into_iter()
        .map(|(key, mut rights)| {
            rights.sort_by(f32::total_cmp);
            (key, rights[rights.len() / 2])
        })
        .collect();
    let edge = |line: &Measured| -> Option<f32> { medians.get(&(line.tag?, line.page)).copied() };
    let flush = measured
        .iter()
        .filter(|l| edge(l).is_some_and(|e| (l.right - e).abs() <= FLUSH))
        .count();
    let overfull = measured
        .iter()
        .filter(|l| edge(l).is_some_and(|e| l.right - e > FLUSH))
        .count();
    let hyphenated = body.iter().filter(|l| l.hyphenated).count();
    let mut longest_run = 0;
    let mut run = 0;
    let mut run_tag = None;
    for line in &body {
        if line.hyphenated {
            run = if run_tag == line.tag { run + 1 } else { 1 };
        } else {
            run = 0;
        }
        run_tag = line.tag;
        longest_run = longest_run.max(run);
    }
    let mut gaps: Vec<f32> = measured
        .iter()
        .filter(|l| l.words >= 3)
        .filter_map(|l| l.gap_em)
        .collect();
    gaps.sort_by(f32::total_cmp);
    let at = |q: f32| -> f32 {
        if gaps.is_empty() {
            return 0.0;
        }
        let k = ((gaps.len() - 1) as f32 * q).round() as usize;
        gaps[k]
    };
    let median = at(0.5);
    let spread = Spread {
        p50: round3(median),
        p95: round3(at(0.95)),
        max: gaps.last().copied().map_or(0.0, round3),
    };
    let loose = gaps.iter().filter(|&&g| g > LOOSE * median).count();
    let tight = gaps.iter().filter(|&&g| g < TIGHT * median).count();
    let pct = |n: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            (1000.0 * n as f64 / of as f64).round() / 10.0
        }
    };
    (
        Lines {
            body: body.len(),
            measured: measured.len(),
            justified_pct: pct(flush, measured.len()),
            hyphenated,
            hyphenated_pct: pct(hyphenated, body.len()),
            longest_hyphen_run: longest_run,
            loose,
            tight,
            overfull,
            stretched,
        },
        spread,
    )
}

/// Widows, orphans, stranded headings and split notes, page boundary by boundary.
fn page_faults(lines: &[Measured], pages: usize) -> Faults {
    let mut faults = Faults::default();
    let content = |role: Role| !matches!(role, Role::Note | Role::Rule);
    // Each page's lines of content, in order (lines come page by page).
    let mut by_page: Vec<Vec<&Measured>> = vec![Vec::new(); pages];
    for line in lines.iter().filter(|l| content(l.role)) {
        if let Some(page) = by_page.get_mut(line.page) {
            page.push(line);
        }
    }
    for page in 0..pages.saturating_sub(1) {
        let (here, next) = (&by_page[page], &by_page[page + 1]);
        let (Some(last), Some(first)) = (here.last(), next.first()) else {
            continue;
        };
        if matches!(last.role, Role::Heading(_) | Role::Title) {
            faults.stranded_headings.push(page + 1);
        }
        let Some(tag) = last.tag.filter(|_| last.role == Role::Body) else {
            continue;
        };
        if first.tag != Some(tag) {
            continue;
        }
        if here.iter().filter(|l| l.tag == Some(tag)).count() == 1 {
            faults.orphans.push(page + 1);
        }
        if next.iter().filter(|l| l.tag == Some(tag)).count() == 1 {
            faults.widows.push(page + 2);
        }
    }
    let mut note_pages: HashMap<Tag, BTreeSet<usize>> = HashMap::new();
    for line in lines.iter().filter(|l| l.role == Role::Note) {
        if let Some(tag) = line.tag {
            note_pages.entry(tag).or_default().insert(line.page);
        }
    }
    faults.notes_split = note_pages.values().filter(|p| p.len() > 1).count();
    faults
}

/// How full each page's text area is, as a reader measuring the page would find it: the
/// vertical extent of its glyphs (a line's capitals to its descenders) and pictures,
/// gaps narrower than [`FLOW_GAP`] closed, over the area between the highest and lowest
/// text of the whole document; and the largest stretch left empty.
fn page_fills(layout: &Layout) -> Vec<PageFill> {
    let mut spans: Vec<Vec<(f32, f32)>> = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut covered = Vec::new();
        for line in &page.lines {
            if matches!(line.role, Role::Header | Role::Footer) {
                continue;
            }
            for element in &page.elements[line.elements.clone()] {
                match element {
                    Element::Text { y, run, .. } if !run.glyphs.is_empty() => {
                        covered.push((y.0 - ASCENT_EM * run.size, y.0 + DESCENT_EM * run.size));
                    }
                    Element::Image { rect, .. } => {
                        covered.push((rect.y.0, rect.y.0 + rect.height.0))
                    }
                    _ => {}
                }
            }
        }
        covered.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f32, f32)> = Vec::new();
        for (top, bottom) in covered {
            match merged.last_mut() {
                Some(last) if top - last.1 <= FLOW_GAP => last.1 = last.1.max(bottom),
                _ => merged.push((top, bottom)),
            }
        }
        spans.push(merged);
    }
    let top = spans
        .iter()
        .filter_map(|s| s.first().map(|f| f.0))
        .fold(f32::MAX, f32::min);
    let bottom = spans
        .iter()
        .filter_map(|s| s.last().map(|l| l.1))
        .fold(f32::MIN, f32::max);
    let area = bottom - top;
    spans
        .iter()
        .map(|merged| {
            if area <= 0.0 || merged.is_empty() {
                return PageFill {
                    fill: 0.0,
                    largest_hole: if area > 0.0 { 1.0 } else { 0.0 },
                };
            }
            let covered: f32 = merged.iter().map(|(a, b)| b - a).sum();
            let mut hole = merged[0].0 - top;
            for pair in merged.windows(2) {
                hole = hole.max(pair[1].0 - pair[0].1);
            }
            hole = hole.max(bottom - merged[merged.len() - 1].1);
            PageFill {
                fill: round3((covered / area).min(1.0)),
                largest_hole: round3(hole / area),
            }
        })
        .collect()
}

/// A figure to three decimals, as the report prints it.
fn round3(value: f32) -> f64 {
    (f64::from(value) * 1000.0).round() / 1000.0
}

impl Quality {
    /// The compact line of the service's `X-Folio-Quality` header.
    pub fn header(&self) -> String {
        format!(
            "pages={}; hyphenated={}%; spacing-p95={}em; last-page-fill={}; warnings={}",
            self.pages.len(),
            self.lines.hyphenated_pct,
            self.spacing_em.p95,
            self.last_page_fill,
            self.warnings
        )
    }
}
