//! The `folio` binary as a user runs it.

use std::io::Write;
use std::process::{Command, Stdio};

fn folio() -> Command {
    Command::new(env!("CARGO_BIN_EXE_folio"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("folio-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn renders_a_file_beside_itself_by_default() {
    let dir = temp_dir("beside");
    let input = dir.join("post.md");
    std::fs::write(&input, "# Hello\n\nA short post.").unwrap();
    let out = folio().arg("render").arg(&input).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "quiet when all is well: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(dir.join("post.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
}

#[test]
fn stdin_to_stdout() {
    let mut child = folio()
        .args(["render", "-", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Piped *text*.")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"%PDF-"));
    assert!(out.stdout.ends_with(b"%%EOF\n") || out.stdout.ends_with(b"%%EOF"));
}

#[test]
fn missing_file_is_a_one_line_error_with_exit_1() {
    let out = folio()
        .args(["render", "no/such/file.md", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "folio: no/such/file.md: no such file or directory\n"
    );
}

#[test]
fn bad_option_value_is_a_usage_error_naming_allowed_values() {
    let out = folio()
        .args(["render", "x.md", "--page-size", "B7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--page-size") && stderr.contains("A4, Letter, Legal, A5"),
        "{stderr}"
    );
}

#[test]
fn bad_front_matter_names_file_and_line() {
    let dir = temp_dir("front");
    let input = dir.join("bad.md");
    std::fs::write(&input, "---\ntitle: fine\nfont_size: huge\n---\nText").unwrap();
    let out = folio().arg("render").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.md: front matter, line 3: option `font_size`"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!dir.join("bad.pdf").exists(), "no PDF for a failed render");
}

#[test]
fn options_change_the_output() {
    let dir = temp_dir("options");
    let input = dir.join("a.md");
    let text = "Lorem ipsum dolor sit amet. ".repeat(300);
    std::fs::write(&input, &text).unwrap();
    let small = folio()
        .arg("render")
        .arg(&input)
        .args(["-o", "-", "--font-size", "8"])
        .output()
        .unwrap();
    let large = folio()
        .arg("render")
        .arg(&input)
        .args(["-o", "-", "--font-size", "16"])
        .output()
        .unwrap();
    assert!(small.status.success() && large.status.success());
    let count = |pdf: &[u8]| {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        doc.get_pages().len()
    };
    assert!(count(&large.stdout) > count(&small.stdout));
}

#[test]
fn templates_are_listed() {
    let out = folio().arg("templates").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("article"));
}
