//! Formulas read back from the PDF: the sheet of constructs (`tests/math/sheet.md`) is
//! set as math (no LaTeX reaches the text layer, prose dollars do), each formula is a
//! tagged `Formula` with its source as alternate text, bad formulas print as their
//! source with one warning, and the `math` switch turns it all off.

mod common;

use common::*;
use folio::RenderOptions;

fn read(name: &str) -> String {
    let path = format!("{}/tests/math/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sheet() -> String {
    let path = format!("{}/tests/math/sheet.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn render(markdown: &str, options: &RenderOptions) -> folio::Rendered {
    engine()
        .render_with(markdown, options, &folio::Context::default())
        .expect("renders")
}

#[test]
fn the_sheet_sets_every_formula_and_keeps_the_prices_in_its_prose() {
    let rendered = render(&sheet(), &RenderOptions::default());
    assert!(
        rendered.warnings.is_empty(),
        "warnings: {:?}",
        rendered.warnings
    );
    let text = pdftotext(&rendered.pdf);
    for source in [
        r"\frac", r"\sum", r"\left", r"\begin", r"\alpha", "^{", "_{",
    ] {
        assert!(!text.contains(source), "{source} reached the text layer");
    }
    // The only dollars are the prose's.
    let dollars: Vec<&str> = text
        .match_indices('$')
        .map(|(i, _)| &text[i..i + 3])
        .collect();
    assert_eq!(dollars, ["$5 ", "$10", "$3 ", "$4.", "$ 2"], "{text}");
    // Formulas copy out as plain Unicode.
    for linear in [
        "E = mc²",
        "x² + y²",
        "√2",
        "α, β, γ",
        "ℝⁿ",
        "sin² θ + cos² θ = 1",
    ] {
        assert!(text.contains(linear), "no `{linear}` in:\n{text}");
    }
}

#[test]
fn formulas_are_tagged_with_their_source_as_alternate_text() {
    let markdown = "An identity $e^{i\\pi} + 1 = 0$ in text.\n\n$$\\int_0^1 x\\,dx = \\frac12$$\n";
    // Tagged by default (PDF/UA-1 and PDF/A-2a).
    let pdf = render(markdown, &RenderOptions::default()).pdf;
    let doc = lopdf(&pdf);
    let mut formulas = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"S").and_then(|s| s.as_name()).ok() == Some(&b"Formula"[..]) {
            let alt = dict.get(b"Alt").expect("a formula has /Alt");
            let alt = match alt {
                lopdf::Object::String(bytes, _) => decode_text_string(bytes),
                other => panic!("/Alt is {other:?}"),
            };
            formulas.push(alt);
        }
    }
    formulas.sort();
    assert_eq!(formulas, [r"\int_0^1 x\,dx = \frac12", r"e^{i\pi} + 1 = 0"]);
    // A screen reader meets the formula where it stands in its sentence.
    assert_read_in_order(&pdf, &["An identity", "Formula", "in text."]);
}

/// Asserts that a reader of the PDF's structure (`pdfinfo -struct-text`) meets `texts`
/// in this order.
fn assert_read_in_order(pdf: &[u8], texts: &[&str]) {
    let (ok, tree, _) = tool_on_file("pdfinfo", &["-struct-text"], pdf, &[]);
    assert!(ok, "pdfinfo -struct-text");
    let at = |what: &str| {
        tree.find(what)
            .unwrap_or_else(|| panic!("no {what} in\n{tree}"))
    };
    for pair in texts.windows(2) {
        assert!(
            at(pair[0]) < at(pair[1]),
            "{} before {}:\n{tree}",
            pair[0],
            pair[1]
        );
    }
}

/// A PDF text string: UTF-16 with its byte order mark, or PDFDocEncoding (ASCII here).
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

#[test]
fn a_formula_that_cannot_be_read_prints_its_source_with_one_warning() {
    let markdown = "---\ntitle: Bad\n---\n\nFine $x^2$ and bad $a + \\foo{b}$ here.\n";
    let rendered = render(markdown, &RenderOptions::default());
    let warnings: Vec<String> = rendered.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["line 5, column 25: a formula printed as its source: unknown command `\\foo`"]
    );
    let text = pdftotext(&rendered.pdf);
    assert!(text.contains("$a + \\foo{b}$"), "{text}");
    assert!(text.contains("x²"), "{text}");
    // An unended environment, and stray `}`s: pulldown-cmark reads no formula whose
    // braces do not balance, so Folio finds those by their dollars.
    let rendered = render(
        "$$\\begin{cases} x$$\n\n$${a}}$$\n\nAnd $a}b$ as written, but $5 {x} and $6 stay.\n",
        &RenderOptions::default(),
    );
    let warnings: Vec<String> = rendered.warnings.iter().map(|w| w.to_string()).collect();
    let text = pdftotext(&rendered.pdf);
    assert!(
        text.contains("And $a}b$ as written, but $5 {x} and $6 stay."),
        "{text}"
    );
    assert_eq!(
        warnings,
        [
            "line 1, column 18: a formula printed as its source: `\\begin{cases}` is never ended",
            "line 3, column 6: a formula printed as its source: a `}` closes no group",
            "line 5, column 7: a formula printed as its source: a `}` closes no group",
        ],
        "{text}"
    );
    // The formula with unbalanced braces is set as code, as one that cannot be read.
    let typeset = typeset("And $a}b$ and `x}y` here.\n", &RenderOptions::default());
    let face_of = |wanted: &str| {
        typeset.layout.pages[0]
            .elements
            .iter()
            .find_map(|e| match e {
                folio::layout::Element::Text { run, .. } if run.text.contains(wanted) => {
                    Some(run.face)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {wanted}"))
    };
    assert_eq!(face_of("a}b"), face_of("x}y"), "in the code face");
    assert_ne!(face_of("a}b"), face_of("And"));
}

#[test]
fn math_off_reads_every_dollar_as_text() {
    let markdown = "---\nmath: false\n---\n\nFrom $x$ to $$y$$.\n";
    let text = pdftotext(&render(markdown, &RenderOptions::default()).pdf);
    assert!(text.contains("From $x$ to $$y$$."), "{text}");
    // The caller's option wins over the front matter's.
    let options = RenderOptions {
        math: Some(true),
        ..RenderOptions::default()
    };
    let text = pdftotext(&render(markdown, &options).pdf);
    assert!(!text.contains('$'), "{text}");
}

#[test]
fn math_fences_and_backtick_dollars_are_formulas_and_a_digit_after_a_dollar_is_not() {
    let markdown = "Inline $`a^2`$ here.\n\n```math\n\\sqrt{b}\n```\n\nFrom $5 to 10$20.\n";
    let text = pdftotext(&render(markdown, &RenderOptions::default()).pdf);
    assert!(text.contains("a²"), "{text}");
    assert!(text.contains("√b"), "{text}");
    assert!(!text.contains("sqrt"), "{text}");
    assert!(text.contains("From $5 to 10$20."), "{text}");
}

#[test]
fn a_display_splits_its_paragraph_and_the_text_after_it_is_not_indented() {
    let markdown = "First part of the paragraph, long enough to fill a line of the page and then some more words\n$$x = 1$$\nwhere the rest continues.\n\nA new paragraph.\n";
    let typeset = typeset(markdown, &RenderOptions::default());
    let dump = typeset.layout.dump(typeset.settings.text_area().x);
    let lines: Vec<&str> = dump
        .lines()
        .skip(1)
        .filter(|l| !l.contains("footer"))
        .collect();
    let roles: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().nth(3).unwrap_or(""))
        .collect();
    assert_eq!(roles, ["body", "body", "math", "body", "body"], "{dump}");
    let indent = |line: &str| line.split_whitespace().nth(2).unwrap_or("").to_string();
    assert_eq!(indent(lines[3]), "0.0", "continued without indent: {dump}");
    assert_ne!(
        indent(lines[4]),
        "0.0",
        "a new paragraph is indented: {dump}"
    );
}

#[test]
fn a_tall_formula_makes_its_line_taller_and_no_other() {
    let plain = "Words words words. ".repeat(30);
    let markdown = format!(
        "{plain} A matrix $\\begin{{pmatrix}} a \\\\ b \\\\ c \\end{{pmatrix}}$ in text. {plain}"
    );
    let typeset = typeset(&markdown, &RenderOptions::default());
    let dump = typeset.layout.dump(typeset.settings.text_area().x);
    let heights: Vec<f32> = dump
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .collect();
    let normal = heights[0];
    let taller: Vec<f32> = heights.iter().copied().filter(|h| *h > normal).collect();
    assert_eq!(taller.len(), 1, "{dump}");
    assert!(taller[0] > normal * 1.5, "{dump}");
}

#[test]
fn articles_without_math_are_set_the_same_with_math_on_and_off() {
    for name in ["long-essay.md", "news.md", "mixed-article.md"] {
        // The examples have no dollar sign: prices are added, which must stay prose.
        let markdown = example(name)
            + "\n\nPrices: $5 and $10 later, between $3 and $4.50, $ 20, and from $5 to 10$20.\n";
        let dump = |math: bool| {
            let options = RenderOptions {
                math: Some(math),
                ..RenderOptions::default()
            };
            let typeset = typeset(&markdown, &options);
            typeset.layout.dump(typeset.settings.text_area().x)
        };
        assert!(dump(true) == dump(false), "{name} changed with math on");
    }
}

/// Where each glyph and rule of a dozen displayed formulas is, relative to the formula's
/// origin on its baseline (x right, y up, in points): the numerator over the rule, the
/// scripts beside their base, the limits above and below, the delimiters around. A change
/// shows up in review as a diff (`FOLIO_BLESS=1 cargo test --test math` writes it anew).
#[test]
fn formula_positions_are_as_golden() {
    use folio::layout::{Element, Role};
    let typeset = typeset(&read("positions.md"), &RenderOptions::default());
    let mut out = String::new();
    for page in &typeset.layout.pages {
        for line in page.lines.iter().filter(|l| l.role == Role::Math) {
            let elements = &page.elements[line.elements.clone()];
            // The formula's first element is its carrier space, at its origin.
            let Some((x0, y0)) = elements.iter().find_map(|e| match e {
                Element::Text {
                    x,
                    y,
                    formula: Some(_),
                    ..
                } => Some((x.0, y.0)),
                _ => None,
            }) else {
                continue;
            };
            out.push_str("formula\n");
            for element in elements {
                match element {
                    Element::Text {
                        x,
                        y,
                        run,
                        formula: Some(_),
                        ..
                    } => {
                        let text = match run.text.as_str() {
                            " " => continue,
                            "" => format!("#{}", run.glyphs[0].id),
                            text => text.to_string(),
                        };
                        out.push_str(&format!(
                            "  {text} {:.2} at {:.2} {:.2}\n",
                            run.size,
                            x.0 - x0,
                            y0 - y.0
                        ));
                    }
                    Element::Rule {
                        from,
                        to,
                        thickness,
                        ..
                    } => out.push_str(&format!(
                        "  rule {:.2} to {:.2} at {:.2}, {:.2} thick\n",
                        from.x.0 - x0,
                        to.x.0 - x0,
                        y0 - from.y.0,
                        thickness.0
                    )),
                    _ => {}
                }
            }
        }
    }
    let golden = format!("{}/tests/math/positions.txt", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("FOLIO_BLESS").is_some() {
        std::fs::write(&golden, &out).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert!(
        expected == out,
        "{golden} differs; FOLIO_BLESS=1 writes it anew. Now:\n{out}"
    );
}

#[test]
fn a_design_may_set_displays_flush_left_at_an_indent() {
    let markdown = "Text before.\n\n$$a + b = c$$\n\nText after.\n";
    let left_of_display = |engine: &folio::Engine, template: Option<&str>| {
        let options = RenderOptions {
            template: template.map(str::to_string),
            ..RenderOptions::default()
        };
        let typeset = engine
            .typeset(markdown, &options, &folio::Context::default())
            .expect("typesets");
        let dump = typeset.layout.dump(typeset.settings.text_area().x);
        let line = dump
            .lines()
            .find(|l| l.contains(" math "))
            .unwrap_or_else(|| panic!("no display in:\n{dump}"))
            .to_string();
        line.split_whitespace()
            .nth(2)
            .unwrap_or("")
            .parse::<f32>()
            .expect("an x")
    };
    // Bundled fonts only: no installed font changes the test.
    let mut engine = folio::Engine::with_fonts(folio::FontSources {
        system: false,
        dirs: Vec::new(),
    });
    let centred = left_of_display(&engine, None);
    let article = include_str!("../templates/article.toml")
        .replace("name = \"article\"", "name = \"fleqn\"\nmath_indent = 2.0");
    engine.add_template(folio::Template::from_toml(&article).expect("a template"));
    let flush = left_of_display(&engine, Some("fleqn"));
    assert!(centred > 100.0, "centred: {centred}");
    // 2 em of 11 pt, from the carrier space at the formula's origin.
    assert!((flush - 22.0).abs() < 0.5, "flush left at 2 em: {flush}");
    let bad = article.replace("math_indent = 2.0", "math_indent = 20.0");
    assert!(folio::Template::from_toml(&bad).is_err());
}

#[test]
fn formulas_work_in_headings_lists_tables_quotes_and_notes() {
    let markdown = r"---
subtitle: Why $E=mc^2$ holds, for $5
---

# The $\alpha$ rule

## Where $x^2$ grows

- an item with $a_1$
- and a display inside the list:
  $$\frac{p}{q}$$

| Case | Value |
|---|---|
| small | $\epsilon \to 0$ |

> Quoted $\sqrt{y}$, and a note.[^n]

[^n]: The note holds $e^{x}$.
";
    let rendered = render(markdown, &RenderOptions::default());
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let text = pdftotext(&rendered.pdf);
    for linear in [
        "x²",
        "a₁",
        "p/q",
        "ϵ → 0",
        "√y",
        "e^x",
        "α rule",
        "Why E = mc² holds",
    ] {
        assert!(text.contains(linear), "no `{linear}` in:\n{text}");
    }
    assert!(!text.contains('\\'), "{text}");
    assert_eq!(text.matches('$').count(), 1, "only the price: {text}");
    // The outline reads the heading's formula as plain Unicode too.
    let doc = lopdf(&rendered.pdf);
    let titles: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"Parent") && d.has(b"Title"))
        .filter_map(|d| match d.get(b"Title").ok()? {
            lopdf::Object::String(bytes, _) => Some(decode_text_string(bytes)),
            _ => None,
        })
        .collect();
    assert!(titles.iter().any(|t| t == "Where x² grows"), "{titles:?}");
}

#[test]
fn in_a_right_to_left_paragraph_a_formula_reads_left_to_right_in_its_place() {
    let markdown =
        "---\nlang: ar\n---\n\nهذه معادلة $E = mc^2$ في النص العربي، وكذلك $\\frac{a}{b}$ هنا.\n";
    let typeset = typeset(markdown, &RenderOptions::default());
    let page = &typeset.layout.pages[0];
    let x_of = |wanted: &str| {
        page.elements
            .iter()
            .find_map(|e| match e {
                folio::layout::Element::Text { x, run, .. } if run.text.contains(wanted) => {
                    Some(x.0)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {wanted}"))
    };
    let (e, equals, m) = (x_of("𝐸"), x_of("="), x_of("𝑚"));
    assert!(e < equals && equals < m, "E {e}, = {equals}, m {m}");
    // The first word, read first, is at the right of the formula; the last at its left.
    assert!(x_of("هذه") > m, "the first word is right of the formula");
    assert!(
        x_of("هنا") < x_of("𝑎"),
        "the last word is left of the fraction"
    );
}

#[test]
fn the_operators_formula_limits_bound_every_formula() {
    let limits = folio::Limits {
        max_formula_atoms: 5,
        ..folio::Limits::default()
    };
    let context = folio::Context {
        limits,
        ..folio::Context::default()
    };
    let rendered = engine()
        .render_with(
            "Small $a+b$ and large $a+b+c+d$.\n",
            &RenderOptions::default(),
            &context,
        )
        .expect("renders");
    let warnings: Vec<String> = rendered.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["line 1, column 29: a formula printed as its source: more than 5 atoms (the limit max_formula_atoms)"]
    );
    let text = pdftotext(&rendered.pdf);
    assert!(
        text.contains("a + b") && text.contains("$a+b+c+d$"),
        "{text}"
    );
}

#[test]
fn a_display_in_a_quote_is_read_between_its_paragraphs() {
    let pdf = render(
        "> First.\n>\n> $$x = 1$$\n>\n> Last.\n",
        &RenderOptions::default(),
    )
    .pdf;
    assert_read_in_order(&pdf, &["First.", "Formula", "Last."]);
}

#[test]
fn a_character_no_face_has_in_a_formula_is_reported() {
    let rendered = render(
        "A script $x^{\u{0F00}}$ and text $\\text{\u{0F01}}$.\n",
        &RenderOptions::default(),
    );
    let missing: String = rendered
        .warnings
        .iter()
        .filter_map(|w| match w {
            folio::Warning::MissingGlyphs { chars, .. } => Some(chars.clone()),
            _ => None,
        })
        .collect();
    assert!(
        missing.contains('\u{0F00}') && missing.contains('\u{0F01}'),
        "{:?}",
        rendered.warnings
    );
}

#[test]
fn thousands_of_bad_formulas_get_a_hundred_warnings_and_one_for_the_rest() {
    let markdown = "Bad $\\nope$ here.\n\n".repeat(150);
    let rendered = render(&markdown, &RenderOptions::default());
    let math: Vec<String> = rendered
        .warnings
        .iter()
        .filter(|w| matches!(w, folio::Warning::Math { .. }))
        .map(|w| w.to_string())
        .collect();
    assert_eq!(math.len(), 101);
    assert_eq!(
        math[100],
        "line 201, column 6: a formula printed as its source: and 50 more formulas printed as their source"
    );
}

#[test]
fn displays_keep_with_the_text_above_but_a_run_of_them_breaks_across_pages() {
    let mut markdown = String::from("Intro paragraph.\n\n");
    for i in 1..=60 {
        markdown.push_str(&format!("$$x_{{{i}}} = {i}$$\n\n"));
    }
    let rendered = render(&markdown, &RenderOptions::default());
    assert!(
        rendered.warnings.is_empty(),
        "no block taller than a page: {:?}",
        rendered.warnings
    );
    assert!(rendered.pages >= 2);
    // The first display is still on the page of the text that introduces it.
    let typeset = typeset(&markdown, &RenderOptions::default());
    let first = &typeset.layout.pages[0];
    let roles: Vec<_> = first.lines.iter().map(|l| l.role).collect();
    assert_eq!(roles[0], folio::layout::Role::Body);
    assert_eq!(roles[1], folio::layout::Role::Math);
}
