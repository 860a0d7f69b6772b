//! The QR code of the article's address, read back from the printed page by a decoder
//! (`zbarimg`, as a phone's camera would), in every template, beside the title and at
//! the end, and on the even page of a duplex print.

mod common;

use common::*;
use folio::options::QrPlace;
use folio::RenderOptions;

const ADDRESS: &str = "https://news.example.org/2026/11/library-print-archive";

/// The addresses the QR codes on page `page` (1-based) of `pdf` decode to.
fn decoded(pdf: &[u8], page: usize) -> Vec<String> {
    // A folder of its own: tests run side by side.
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("folio-qr-{}-{k}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = page.to_string();
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", "-f", &n, "-l", &n])
        .arg(&path)
        .arg(dir.join("page"))
        .output()
        .expect("pdftoppm (scripts/test installs poppler-utils)");
    assert!(out.status.success());
    let scan = std::process::Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(dir.join("page.png"))
        .output()
        .expect("zbarimg (scripts/test installs zbar-tools)");
    // zbarimg exits 4 when it finds no code: no line is the answer then.
    String::from_utf8_lossy(&scan.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn render(markdown: &str, options: &RenderOptions) -> folio::Rendered {
    engine().render(markdown, options).expect("renders")
}

#[test]
fn the_code_reads_back_as_the_address_in_every_template_and_place() {
    let md = example("news.md");
    for template in ["article", "compact", "large-print"] {
        for place in [QrPlace::Title, QrPlace::End] {
            let options = RenderOptions {
                template: Some(template.to_string()),
                qr: Some(place),
                ..RenderOptions::default()
            };
            let out = render(&md, &options);
            let page = if place == QrPlace::Title {
                1
            } else {
                out.pages
            };
            assert_eq!(
                decoded(&out.pdf, page),
                [ADDRESS],
                "{template}, {place}: page {page}"
            );
            // The code is a link to the address too.
            let doc = lopdf(&out.pdf);
            let links: Vec<String> = annotations(&doc)
                .iter()
                .filter_map(|a| {
                    a.get(b"A")
                        .ok()?
                        .as_dict()
                        .ok()?
                        .get(b"URI")
                        .ok()?
                        .as_str()
                        .ok()
                })
                .map(|uri| String::from_utf8_lossy(uri).into_owned())
                .collect();
            assert!(
                links.iter().any(|l| l == ADDRESS),
                "{template}, {place}: {links:?}"
            );
        }
    }
}

#[test]
fn the_code_reads_back_on_the_even_page_of_a_duplex_print() {
    let md = format!(
        "---\ntitle: Two pages\nurl: {ADDRESS}\n---\n\n{}",
        "A paragraph of running text that fills the pages of this article. ".repeat(70)
    );
    let options = RenderOptions {
        duplex: Some(true),
        qr: Some(QrPlace::End),
        ..RenderOptions::default()
    };
    let out = render(&md, &options);
    assert_eq!(out.pages % 2, 0, "{} pages", out.pages);
    assert_eq!(decoded(&out.pdf, out.pages), [ADDRESS]);
    assert!(decoded(&out.pdf, 1).is_empty());
}

#[test]
fn no_address_no_code_and_a_warning() {
    let options = RenderOptions {
        qr: Some(QrPlace::End),
        ..RenderOptions::default()
    };
    let out = render("# Untitled\n\nNo address here.", &options);
    assert!(decoded(&out.pdf, 1).is_empty());
    assert!(
        out.warnings
            .iter()
            .any(|w| matches!(w, folio::Warning::QrCode { .. })),
        "{:?}",
        out.warnings
    );
}
