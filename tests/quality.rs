//! The quality report, measured on the layout: its figures on documents whose answer is
//! known, and their agreement with a reader's measure of the PDF.

mod common;

use common::*;
use folio::RenderOptions;

fn report(markdown: &str, options: &RenderOptions) -> folio::quality::Quality {
    *engine().render(markdown, options).expect("renders").quality
}

/// What the outside tools (the project's judges, run on the PDFs: `typography.py` for
/// the share of hyphenated body lines and the 95th percentile of word spacing,
/// `pagefill.py` for each page's fill) measured on these examples' renders. The report
/// must agree within half a point of share, 0.02 em and 2 % of fill.
const READER: [(&str, f64, f64, &[f64]); 4] = [
    (
        "long-essay.md",
        3.44,
        0.345,
        &[0.938, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.904],
    ),
    ("news.md", 2.86, 0.336, &[0.937]),
    (
        "mixed-article.md",
        2.0,
        0.359,
        &[0.807, 0.903, 0.874, 0.642],
    ),
    ("short.md", 0.0, 0.322, &[0.807, 0.212]),
];

#[test]
fn the_report_agrees_with_a_readers_measure_of_the_pdf() {
    let images = folio::images::LocalFiles::new(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")),
        &[],
    );
    for (name, hyphenated, p95, fills) in READER {
        let rendered =
            render_with_images(&example(name), &RenderOptions::default(), &images).expect(name);
        let q = rendered.quality;
        assert!(
            (q.lines.hyphenated_pct - hyphenated).abs() <= 0.5,
            "{name}: {} % hyphenated, the reader counts {hyphenated} %",
            q.lines.hyphenated_pct
        );
        assert!(
            (q.spacing_em.p95 - p95).abs() <= 0.02,
            "{name}: spacing p95 {} em, the reader measures {p95}",
            q.spacing_em.p95
        );
        let ours: Vec<f64> = q.pages.iter().map(|p| p.fill).collect();
        assert_eq!(ours.len(), fills.len(), "{name}: pages");
        for (page, (a, b)) in ours.iter().zip(fills).enumerate() {
            assert!(
                (a - b).abs() <= 0.02,
                "{name} page {}: fill {a}, the reader's {b}",
                page + 1
            );
        }
        assert_eq!(q.last_page_fill, *ours.last().unwrap());
    }
}

#[test]
fn a_column_too_narrow_for_its_words_hyphenates_lines_in_a_row() {
    // German compounds in a measure of a few syllables: every line but the last breaks a
    // word, so runs of hyphenated lines are certain.
    let options = RenderOptions {
        page_size: Some("95x140mm".parse().unwrap()),
        margins: Some("10mm 30mm".parse().unwrap()),
        lang: Some("de".parse().unwrap()),
        ..RenderOptions::default()
    };
    let q = report(
        "Donaudampfschifffahrtsgesellschaftskapitän Rechtsschutzversicherungsgesellschaften \
         Kraftfahrzeughaftpflichtversicherung Grundstücksverkehrsgenehmigungszuständigkeit.",
        &options,
    );
    assert!(q.lines.hyphenated >= 2, "{:?}", q.lines);
    assert!(q.lines.longest_hyphen_run >= 2, "{:?}", q.lines);
    assert!(q.lines.hyphenated_pct > 30.0, "{:?}", q.lines);
}

#[test]
fn a_page_that_must_end_short_shows_in_its_fill() {
    // Full pages, a forced page break, and one line: the last sheet is nearly empty.
    let paragraph = "A line of running text, long enough to be justified across the page. ";
    let body: Vec<String> = (0..20).map(|_| paragraph.repeat(4)).collect();
    let markdown = format!(
        "{}\n\n<div class=\"page-break\"></div>\n\nThe end.",
        body.join("\n\n")
    );
    let q = report(&markdown, &RenderOptions::default());
    let last = q.pages.len() - 1;
    assert!(last >= 1, "{:?}", q.pages);
    assert!(q.pages[0].fill > 0.95, "{:?}", q.pages);
    assert!(q.last_page_fill < 0.05, "{:?}", q.pages);
    assert!(q.pages[last].largest_hole > 0.95, "{:?}", q.pages);
}

#[test]
fn a_character_no_font_has_is_named_by_script_and_withholds_the_claim() {
    let q = report(
        "# Title\n\nText with \u{e000} in it.",
        &RenderOptions::default(),
    );
    assert_eq!(q.missing_glyphs.values().collect::<Vec<_>>(), ["\u{e000}"]);
    assert_eq!(q.standard.made_to, "ua-1+a-2a");
    assert!(!q.standard.claimed);
    assert!(q.warnings >= 2);
}

#[test]
fn the_report_is_the_same_for_the_same_input_but_for_its_timings() {
    let md = example("news.md");
    let mut a = report(&md, &RenderOptions::default());
    let mut b = report(&md, &RenderOptions::default());
    a.timings_ms = Default::default();
    b.timings_ms = Default::default();
    assert_eq!(a, b);
    assert_eq!(a.schema, folio::quality::SCHEMA);
    assert_eq!(a.fonts, ["NotoSerif-Bold", "NotoSerif-Regular"]);
}

#[test]
fn long_inline_code_breaks_like_an_address_instead_of_stretching_the_line() {
    // Paths and dotted names in running text, in a narrow measure: they break after `/`,
    // `.` or `_` (never after a `-`, which would read as a broken word), with no hyphen,
    // so no line is left with ems between its words.
    let options = RenderOptions {
        page_size: Some("A5".parse().unwrap()),
        ..RenderOptions::default()
    };
    let md = "# Paths\n\nOnce the package is installed, the file \
              `/etc/migrationtools/migrate_common.ph` must be edited; the configuration in \
              `/etc/pam.d/common-password` and `/etc/nsswitch.conf` follows, and a long \
              dotted name such as `org.freedesktop.NetworkManager.settings.connection` too. \
              Then `/usr/share/doc/libpam-ldap/examples/pam.d/common-session` is read.";
    let q = report(md, &options);
    assert_eq!(q.lines.stretched, 0, "{:?}", q.lines);
    assert!(q.spacing_em.max < 1.0, "{:?}", q.spacing_em);
    // The text of the paths comes back whole.
    let pdf = engine().render(md, &options).unwrap().pdf;
    let tree = tool("pdfinfo", &["-struct-text", "-"], &pdf);
    for path in [
        "/etc/migrationtools/migrate_common.ph",
        "org.freedesktop.NetworkManager.settings.connection",
        "/usr/share/doc/libpam-ldap/examples/pam.d/common-session",
    ] {
        assert!(tree.contains(path), "{path} in {tree}");
    }
}
