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
        stderr.contains("bad.md:3:12: error: option `font_size`: `huge` is not"),
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

fn pages_of(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("valid PDF")
        .get_pages()
        .len()
}

#[test]
fn a_folder_batch_renders_the_good_files_and_reports_the_bad_one() {
    let dir = temp_dir("batch");
    std::fs::create_dir_all(dir.join("posts/2026")).unwrap();
    std::fs::write(dir.join("posts/a.md"), "# A\n\nFirst post.").unwrap();
    std::fs::write(dir.join("posts/2026/b.md"), "# B\n\nSecond post.").unwrap();
    std::fs::write(
        dir.join("posts/2026/broken.md"),
        "---\npage_size: B7\n---\nText",
    )
    .unwrap();
    std::fs::write(dir.join("posts/notes.txt"), "not markdown").unwrap();
    let out = folio()
        .arg("render")
        .arg(dir.join("posts"))
        .arg("--out-dir")
        .arg(dir.join("pdf"))
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.md:2:12: error: option `page_size`"),
        "{stderr}"
    );
    assert!(stderr.contains("rendered 2 files"), "{stderr}");
    assert!(stderr.contains("1 failed"), "{stderr}");
    // The tree is mirrored, the good files are written, the bad one is not.
    assert!(dir.join("pdf/a.pdf").exists());
    assert!(dir.join("pdf/2026/b.pdf").exists());
    assert!(!dir.join("pdf/2026/broken.pdf").exists());
    assert!(!dir.join("pdf/notes.pdf").exists());
}

#[test]
fn output_is_replaced_atomically() {
    let dir = temp_dir("atomic");
    std::fs::write(dir.join("a.md"), "Version two of the text.").unwrap();
    std::fs::write(dir.join("a.pdf"), b"old contents").unwrap();
    let out = folio()
        .arg("render")
        .arg(dir.join("a.md"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let pdf = std::fs::read(dir.join("a.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && (pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF")));
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    let dir = temp_dir("usage");
    std::fs::write(dir.join("a.md"), "A").unwrap();
    std::fs::write(dir.join("b.md"), "B").unwrap();
    let out = folio()
        .arg("render")
        .arg(dir.join("a.md"))
        .arg(dir.join("b.md"))
        .args(["-o", "x.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out-dir"));
}

#[test]
fn every_template_renders_every_example() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    for template in ["article", "large-print", "compact"] {
        let dir = temp_dir(&format!("tpl-{template}"));
        let out = folio()
            .args([
                "render",
                examples,
                "--quiet",
                "--template",
                template,
                "--out-dir",
            ])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{template}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for name in ["news", "short", "long-essay", "mixed-article"] {
            let pdf = std::fs::read(dir.join(format!("{name}.pdf"))).unwrap();
            assert!(pages_of(&pdf) >= 1, "{template}/{name}");
        }
    }
}

#[test]
fn a_template_file_can_be_given_by_path_and_unknown_keys_are_named() {
    let dir = temp_dir("tplfile");
    let article = include_str!("../../../templates/article.toml")
        .replace("name = \"article\"", "name = \"mine\"\nfont_size = 14");
    std::fs::write(dir.join("mine.toml"), &article).unwrap();
    std::fs::write(dir.join("a.md"), "Lorem ipsum dolor sit amet. ".repeat(200)).unwrap();
    let out = folio()
        .arg("render")
        .arg(dir.join("a.md"))
        .args(["-o", "-", "--template"])
        .arg(dir.join("mine.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let default = folio()
        .arg("render")
        .arg(dir.join("a.md"))
        .args(["-o", "-"])
        .output()
        .unwrap();
    assert!(pages_of(&out.stdout) > pages_of(&default.stdout));
    std::fs::write(
        dir.join("bad.toml"),
        article.replace("line_height", "line_hieght"),
    )
    .unwrap();
    let bad = folio()
        .arg("render")
        .arg(dir.join("a.md"))
        .args(["-o", "-", "--template"])
        .arg(dir.join("bad.toml"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line_hieght"));
}

#[test]
fn reader_options_change_the_output_as_promised() {
    let dir = temp_dir("reader");
    let text = format!(
        "---\ntitle: Reader options\ndate: 2026-01-02\nurl: https://blog.example/post\n---\n{}\n\nSee [the docs](https://docs.example/guide).\n\n![A diagram of things](missing.png)\n",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(80)
    );
    std::fs::write(dir.join("a.md"), text).unwrap();
    let render = |args: &[&str]| {
        let out = folio()
            .arg("render")
            .arg(dir.join("a.md"))
            .args(["-o", "-", "--quiet"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let text_of = |pdf: &[u8]| {
        let mut child = Command::new("pdftotext")
            .args(["-raw", "-", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("pdftotext (scripts/test installs poppler-utils)");
        child.stdin.take().unwrap().write_all(pdf).unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let normal = render(&[]);
    assert!(pages_of(&render(&["--text-scale", "150%"])) > pages_of(&normal));
    assert!(
        text_of(&render(&["--links", "inline"])).contains("the docs [https://docs.example/guide]")
    );
    assert!(text_of(&render(&["--images", "hide"])).contains("A diagram of things"));
    let plain = text_of(&normal);
    assert!(plain.contains("January 2, 2026") && plain.contains("https://blog.example/post"));
    let no_date = text_of(&render(&["--no-date", "--no-url"]));
    assert!(!no_date.contains("January 2, 2026") && !no_date.contains("https://blog.example/post"));
    let no_title = text_of(&render(&["--no-title-block"]));
    assert!(!no_title
        .lines()
        .next()
        .unwrap_or_default()
        .contains("Reader options"));
    // Ink saver: every stroke colour is black (`0 G`); without it, quote rules are grey.
    let stroke_greys = |pdf: &[u8]| {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        let mut greys = Vec::new();
        for id in doc.get_pages().values() {
            for op in doc.get_and_decode_page_content(*id).unwrap().operations {
                if op.operator == "G" {
                    greys.push(op.operands[0].as_float().unwrap());
                }
            }
        }
        greys
    };
    let quoted = dir.join("q.md");
    std::fs::write(&quoted, "> A quotation with its grey rule.").unwrap();
    let quote = |args: &[&str]| {
        folio()
            .arg("render")
            .arg(&quoted)
            .args(["-o", "-"])
            .args(args)
            .output()
            .unwrap()
            .stdout
    };
    assert!(stroke_greys(&quote(&[])).iter().any(|g| *g > 0.0));
    let saver = stroke_greys(&quote(&["--ink-saver"]));
    assert!(
        !saver.is_empty() && saver.iter().all(|g| *g == 0.0),
        "{saver:?}"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = folio().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("page-size"),
            "{shell}"
        );
    }
    let man = folio().arg("man").output().unwrap();
    assert!(man.status.success());
    assert!(String::from_utf8_lossy(&man.stdout).contains("\n.TH folio 1 "));
    let man = folio().args(["man", "render"]).output().unwrap();
    assert!(man.status.success());
    assert!(String::from_utf8_lossy(&man.stdout).contains("\n.TH folio-render 1 "));
}

/// Formats a manual page as `man -l` does (groff's man macros, warnings on: `-ww`) and
/// returns the warnings. groff is installed by scripts/test; without it this fails.
fn groff_warnings(page: &std::path::Path) -> String {
    let out = Command::new("groff")
        .args(["-t", "-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .unwrap_or_else(|e| {
            panic!("groff is needed to check the manual (scripts/test installs groff-base): {e}")
        });
    assert!(out.status.success(), "groff failed on {}", page.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_manual_pages_are_complete_and_format_without_warnings() {
    let dir = temp_dir("man");
    let out = folio().args(["man", "--dir"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    let read = |name: &str| {
        let path = dir.join(format!("{name}.1"));
        assert!(listed.contains(&path.display().to_string()), "{listed}");
        let warnings = groff_warnings(&path);
        assert!(warnings.is_empty(), "{name}.1:\n{warnings}");
        let roff = std::fs::read_to_string(&path).unwrap();
        assert!(roff.contains(&format!("\n.TH {name} 1 ")), "{name}");
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO"] {
            assert!(
                roff.contains(&format!(".SH \"{section}\""))
                    || roff.contains(&format!(".SH {section}\n")),
                "{name}: {section}"
            );
        }
        // As a reader sees it: roff's escaped hyphens are hyphens.
        roff.replace("\\-", "-")
    };
    let folio_1 = read("folio");
    for page in ["folio-render(1)", "folio-serve(1)", "folio-templates(1)"] {
        assert!(folio_1.contains(page), "folio(1) refers to {page}");
    }
    assert!(folio_1.contains("FOLIO_FONT_DIRS"));

    let render = read("folio-render");
    for spec in folio::RenderOptions::SPECS {
        let flag = format!("--{}", spec.name.replace('_', "-"));
        assert!(render.contains(&flag), "folio-render(1): {flag}");
        assert!(
            render.contains(&format!("\n{}: ", spec.name))
                || render.contains(&format!("\\fB{}\\fR: ", spec.name)),
            "front matter key {}",
            spec.name
        );
    }
    for spec in folio::Limits::SPECS {
        assert!(
            render.contains(&format!("--{}", spec.name.replace('_', "-"))),
            "{}",
            spec.name
        );
    }
    for needed in [
        "FRONT MATTER",
        "title",
        "DIAGNOSTICS",
        "--diagnostic-format",
        "WATCH",
        "FOLIO_FONT_DIRS",
        "unknown template",
    ] {
        assert!(render.contains(needed), "folio-render(1): {needed}");
    }

    let serve = read("folio-serve");
    for spec in folio_server::ServerConfig::specs() {
        assert!(
            serve.contains(&format!("--{}", spec.flag)),
            "folio-serve(1): --{}",
            spec.flag
        );
        assert!(serve.contains(&spec.env), "folio-serve(1): {}", spec.env);
    }
    assert!(serve.contains("ENVIRONMENT") && serve.contains("--config"));

    let templates = read("folio-templates");
    for name in folio::Template::built_in_names() {
        assert!(templates.contains(name), "folio-templates(1): {name}");
    }
    assert!(templates.contains("line_height") && templates.contains("TEMPLATE FILES"));
}

#[test]
fn the_readme_documents_every_option_setting_and_limit() {
    let readme = include_str!("../../../README.md");
    for name in folio::RenderOptions::names() {
        assert!(readme.contains(&format!("`{name}`")), "option {name}");
    }
    for spec in folio_server::ServerConfig::specs() {
        assert!(
            readme.contains(&format!("`--{}`", spec.flag)),
            "setting --{}",
            spec.flag
        );
        if !spec.name.starts_with("max_")
            || spec.name == "max_body"
            || spec.name == "max_connections"
        {
            assert!(readme.contains(&spec.env), "variable {}", spec.env);
        }
    }
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn front_matter_errors_are_file_line_col_with_a_caret_excerpt_in_the_human_format() {
    let dir = temp_dir("diag");
    std::fs::write(
        dir.join("a.md"),
        "---\ntitle: fine\nfont_size:  huge\n---\nText\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("t.md"),
        "+++\ntitle = \"x\"\npage_size = \"B7\"\n+++\nText\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("y.md"),
        "---\ntitle: fine\nsubtitle: a: b\n---\nText\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("n.md"),
        "---\ntitle: x\ntemplate: bogus\n---\nText\n",
    )
    .unwrap();
    let run = |file: &str, format: &str| {
        let out = folio()
            .current_dir(&dir)
            .args(["render", file, "--diagnostic-format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        stderr_of(&out)
    };
    assert_eq!(
        run("a.md", "human"),
        "a.md:3:13: error: option `font_size`: `huge` is not a size in points; use a number from 6 to 24\n  |\n3 | font_size:  huge\n  |             ^^^^\n"
    );
    assert_eq!(
        run("a.md", "short"),
        "a.md:3:13: error: option `font_size`: `huge` is not a size in points; use a number from 6 to 24\n"
    );
    let toml = run("t.md", "human");
    assert!(
        toml.starts_with("t.md:3:13: error: option `page_size`: `B7` is not a page size")
            && toml.ends_with("3 | page_size = \"B7\"\n  |             ^^^^\n"),
        "{toml}"
    );
    // A YAML syntax error: the place the parser stopped.
    let yaml = run("y.md", "short");
    assert!(yaml.starts_with("y.md:3:"), "{yaml}");
    assert!(yaml.contains(": error: invalid YAML: "), "{yaml}");
    assert_eq!(yaml.lines().count(), 1, "{yaml}");
    // An option the render refused, set in the front matter: its value.
    let template = run("n.md", "short");
    assert!(
        template.starts_with("n.md:3:11: error: option `template`: no template named `bogus`"),
        "{template}"
    );
}

#[test]
fn template_file_errors_point_at_the_key() {
    let dir = temp_dir("diag-template");
    let article = include_str!("../../../templates/article.toml")
        .replace("name = \"article\"", "name = \"x\"");
    std::fs::write(dir.join("a.md"), "Text").unwrap();
    let line_of =
        |text: &str, start: &str| text.lines().position(|l| l.starts_with(start)).unwrap() + 1;
    let run = |template: &str| {
        let out = folio()
            .current_dir(&dir)
            .args([
                "render",
                "a.md",
                "--template",
                template,
                "--diagnostic-format",
                "human",
            ])
            .output()
            .unwrap();
        (out.status.code(), stderr_of(&out))
    };
    let unknown = article.replace("line_height", "line_hieght");
    std::fs::write(dir.join("unknown.toml"), &unknown).unwrap();
    let (code, text) = run("unknown.toml");
    assert_eq!(code, Some(1));
    let line = line_of(&unknown, "line_hieght");
    assert!(
        text.starts_with(&format!(
            "unknown.toml:{line}:1: error: unknown field `line_hieght`"
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{line} | line_hieght = 1.42\n   | ^^^^^^^^^^^\n")),
        "{text}"
    );
    // The engine gives no line for a value out of range: found from the key.
    let range = article.replace("line_height = 1.42", "line_height = 9");
    std::fs::write(dir.join("range.toml"), &range).unwrap();
    let (code, text) = run("range.toml");
    assert_eq!(code, Some(1));
    let line = line_of(&range, "line_height");
    assert!(
        text.starts_with(&format!(
            "range.toml:{line}:15: error: line_height must be between 1 and 3"
        )),
        "{text}"
    );
}

#[test]
fn an_unknown_template_is_one_usage_error_for_the_whole_batch() {
    let dir = temp_dir("unknown-template");
    std::fs::write(dir.join("a.md"), "A").unwrap();
    std::fs::write(dir.join("b.md"), "B").unwrap();
    let out = folio()
        .current_dir(&dir)
        .args(["render", "a.md", "b.md", "--template", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr_of(&out);
    assert_eq!(
        text.matches("no template named `bogus`").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("available: article, large-print, compact"),
        "{text}"
    );
    assert!(!dir.join("a.pdf").exists());
    let out = folio()
        .current_dir(&dir)
        .args(["render", "a.md", "--template", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).starts_with("folio: --template missing.toml: no such file or directory\n"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn serve_configuration_errors_speak_of_serve() {
    let dir = temp_dir("serve-config");
    let out = folio()
        .current_dir(&dir)
        .args(["serve", "--config", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "folio: --config missing.toml: no such file or directory\n"
    );
    std::fs::write(
        dir.join("bad.toml"),
        "bind = \"127.0.0.1:9\"\nworkers = \"many\"\n",
    )
    .unwrap();
    let out = folio()
        .current_dir(&dir)
        .args(["serve", "--config", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "bad.toml:2:11: error: `workers`: `many` is not a whole number\n"
    );
    let out = folio()
        .args(["serve", "--bind", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr_of(&out);
    assert!(!text.contains("folio render"), "{text}");
    assert!(
        text.ends_with("Run `folio serve --help` for the settings.\n"),
        "{text}"
    );
}

#[test]
fn help_lists_possible_values_and_margins_take_one_to_four_lengths() {
    let out = folio().args(["render", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let short = folio().args(["render", "-h"]).output().unwrap();
    let short = String::from_utf8_lossy(&short.stdout).into_owned();
    for spec in folio::RenderOptions::SPECS {
        if spec.possible.is_empty() || spec.is_flag() {
            continue;
        }
        let list = format!("[possible values: {}]", spec.possible.join(", "));
        assert!(help.contains(&list), "--help for {}: {list}", spec.name);
        assert!(short.contains(&list), "-h for {}: {list}", spec.name);
    }
    assert!(short.contains("[possible values: short, human]"));
    let margins = short
        .lines()
        .find(|l| l.trim_start().starts_with("--margins"))
        .unwrap();
    assert!(margins.contains("1, 2, 3 or 4 lengths"), "{margins}");
    let out = folio()
        .args(["render", "a.md", "--margins", "abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr_of(&out);
    assert!(
        text.contains("1, 2, 3 or 4 lengths") && !text.contains("1, 2 or 4"),
        "{text}"
    );
}

#[test]
fn two_inputs_for_one_output_are_refused_before_anything_is_written() {
    let dir = temp_dir("collide");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(dir.join(sub).join("post.md"), "# Post\n\nText.").unwrap();
    }
    let out = folio()
        .arg("render")
        .arg(dir.join("a/post.md"))
        .arg(dir.join("b/post.md"))
        .arg("--out-dir")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("would both be written to"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing written");
}

#[test]
fn an_output_into_a_missing_folder_is_an_error_naming_it() {
    let dir = temp_dir("missing-folder");
    std::fs::write(dir.join("post.md"), "# Post").unwrap();
    let out = folio()
        .arg("render")
        .arg(dir.join("post.md"))
        .arg("-o")
        .arg(dir.join("nope/post.pdf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the folder") && stderr.contains("nope"),
        "{stderr}"
    );
    assert!(!dir.join("nope").exists());
}

#[test]
fn a_reader_that_stops_early_ends_completions_quietly() {
    // A pipe whose reader is already gone: every write fails (`| head` that has read
    // its lines), deterministically.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = folio()
        .args(["completions", "zsh"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The addresses a PDF's links go to, sorted, each once.
fn link_uris(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut uris = Vec::new();
    for page in doc.get_pages().values() {
        let page = doc.get_dictionary(*page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for annot in doc.dereference(annots).unwrap().1.as_array().unwrap() {
            let annot = doc.dereference(annot).unwrap().1.as_dict().unwrap();
            let action = doc.dereference(annot.get(b"A").unwrap()).unwrap().1;
            if let Ok(uri) = action.as_dict().unwrap().get(b"URI") {
                uris.push(String::from_utf8(uri.as_str().unwrap().to_vec()).unwrap());
            }
        }
    }
    uris.sort();
    uris.dedup();
    uris
}

#[test]
fn relative_links_resolve_against_the_articles_address_and_images_stay_beside_it() {
    let dir = temp_dir("addresses");
    std::fs::write(
        dir.join("dot.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20"/></svg>"#,
    )
    .unwrap();
    let body = "See [about](/about), [next](../next/) and [top](#a-post).\n\n![A dot](dot.svg)\n";
    // The front matter names the address (any spelling of the key), or --base-url does.
    std::fs::write(
        dir.join("front.md"),
        format!("---\nCanonical-URL: https://blog.example/2026/post/\n---\n\n# A post\n\n{body}"),
    )
    .unwrap();
    std::fs::write(dir.join("option.md"), format!("# A post\n\n{body}")).unwrap();
    for (file, args) in [
        ("front.md", &[][..]),
        (
            "option.md",
            &["--base-url", "https://blog.example/2026/post/"][..],
        ),
    ] {
        let out = folio()
            .arg("render")
            .arg(dir.join(file))
            .args(args)
            .args(["-o", "-"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // No warning: the links resolved and the picture was read beside the article.
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            link_uris(&out.stdout),
            [
                "https://blog.example/2026/next/",
                "https://blog.example/2026/post/",
                "https://blog.example/about",
            ],
            "{file}"
        );
    }
}

#[test]
fn the_quality_report_goes_to_a_file_or_standard_output_and_sums_a_batch() {
    let dir = temp_dir("report");
    let one = dir.join("one.md");
    let two = dir.join("two.md");
    std::fs::write(&one, "# One\n\nA short post of a few words.").unwrap();
    std::fs::write(
        &two,
        "# Two\n\nAnother short post, a little longer than the first.",
    )
    .unwrap();
    // One input: its report, schema first.
    let out = folio()
        .arg("render")
        .arg(&one)
        .args(["--report", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("{\n  \"schema\": \"folio-quality/1\""),
        "{text}"
    );
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["pages"].as_array().unwrap().len(), 1);
    // Several: each file's and a summary.
    let file = dir.join("report.json");
    let out = folio()
        .arg("render")
        .arg(&one)
        .arg(&two)
        .arg("--quiet")
        .arg("--report")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let batch: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(batch["summary"]["files"], 2);
    assert_eq!(batch["summary"]["pages"], 2);
    assert_eq!(batch["files"].as_array().unwrap().len(), 2);
    assert_eq!(batch["files"][1]["report"]["schema"], "folio-quality/1");
    // The PDF and the report cannot share standard output.
    let out = folio()
        .arg("render")
        .arg(&one)
        .args(["-o", "-", "--report", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output"));
}
