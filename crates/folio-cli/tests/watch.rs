//! `folio render --watch` against each way editors save a file. Every wait polls the
//! watcher's output with a deadline; nothing sleeps and hopes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a change may take to show (generous: the machine may be busy).
const DEADLINE: Duration = Duration::from_secs(30);

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("folio-watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A `folio render --watch` process and the lines it printed on stderr.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watching {
    fn start(dir: &Path, args: &[&str]) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .current_dir(dir)
            .arg("render")
            .args(args)
            .arg("--watch")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut watching = Watching {
            child,
            lines,
            seen: Vec::new(),
        };
        watching.wait_for("the watching line", |l| l.starts_with("folio: watching "));
        watching
    }

    /// Waits for a line that `matches`, and returns it; panics with everything printed
    /// when the deadline passes first.
    fn wait_for(&mut self, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if matches(&line) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {DEADLINE:?}; folio printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits for `rendered NAME → … (PAGES page…` and returns the line.
    fn rendered(&mut self, name: &str, pages: usize) -> String {
        let prefix = format!("rendered {name} → ");
        let count = format!("({pages} page");
        self.wait_for(&format!("render of {name} with {pages} pages"), |l| {
            l.starts_with(&prefix) && l.contains(&count)
        })
    }

    /// How many lines printed from index `from` on start with `prefix`.
    fn count_since(&self, from: usize, prefix: &str) -> usize {
        self.seen[from..]
            .iter()
            .filter(|l| l.starts_with(prefix))
            .count()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An article of about `pages` pages (A4, the default design).
fn article(title: &str, pages: usize) -> String {
    let paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
                     tempor incididunt ut labore et dolore magna aliqua. "
        .repeat(6);
    let paragraphs = match pages {
        1 => 2,
        2 => 6,
        3 => 9,
        _ => 13,
    };
    let mut text = format!("# {title}\n\n");
    for _ in 0..paragraphs {
        text.push_str(&paragraph);
        text.push_str("\n\n");
    }
    text
}

fn pages_of(path: &Path) -> usize {
    let pdf = std::fs::read(path).unwrap();
    lopdf::Document::load_mem(&pdf)
        .expect("valid PDF")
        .get_pages()
        .len()
}

/// Two saves, so a watch lost after the first one is caught.
fn two_saves(name: &str, save: impl Fn(&Path, &str)) {
    let dir = temp_dir(name);
    let input = dir.join("a.md");
    std::fs::write(&input, article("First", 1)).unwrap();
    let mut watch = Watching::start(&dir, &["a.md"]);
    assert_eq!(pages_of(&dir.join("a.pdf")), 1);
    save(&input, &article("Second", 2));
    let line = watch.rendered("a.md", 2);
    assert!(line.contains("a.md → a.pdf (2 pages, "), "{line}");
    assert!(line.ends_with(" ms)"), "{line}");
    assert_eq!(pages_of(&dir.join("a.pdf")), 2);
    save(&input, &article("Third", 3));
    watch.rendered("a.md", 3);
    assert_eq!(pages_of(&dir.join("a.pdf")), 3);
}

#[test]
fn a_save_in_place_renders_again() {
    two_saves("in-place", |path, text| std::fs::write(path, text).unwrap());
}

#[test]
fn a_save_through_a_temporary_file_renamed_over_renders_again() {
    // Most IDEs, and editors with "atomic save": write beside, rename over.
    two_saves("rename-over", |path, text| {
        let temp = path.with_file_name(".a.md.swp-tmp");
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, path).unwrap();
    });
}

#[test]
fn a_vim_style_save_renders_again() {
    // vim with `backupcopy=no`: the original becomes the backup, a new file is written,
    // the backup is deleted.
    two_saves("vim", |path, text| {
        let backup = path.with_file_name("a.md~");
        std::fs::rename(path, &backup).unwrap();
        std::fs::write(path, text).unwrap();
        std::fs::remove_file(&backup).unwrap();
    });
}

#[test]
fn delete_then_create_renders_again() {
    two_saves("delete-create", |path, text| {
        std::fs::remove_file(path).unwrap();
        std::fs::write(path, text).unwrap();
    });
}

#[test]
fn a_file_deleted_for_a_while_renders_when_it_is_back() {
    let dir = temp_dir("deleted-a-while");
    let input = dir.join("a.md");
    std::fs::write(&input, article("First", 1)).unwrap();
    let mut watch = Watching::start(&dir, &["a.md"]);
    std::fs::remove_file(&input).unwrap();
    watch.wait_for("the removed line", |l| {
        l == "folio: a.md: removed; it renders again when it is back"
    });
    std::fs::write(&input, article("Back", 2)).unwrap();
    watch.rendered("a.md", 2);
    assert_eq!(pages_of(&dir.join("a.pdf")), 2);
}

fn has_image(path: &Path) -> bool {
    let doc = lopdf::Document::load_mem(&std::fs::read(path).unwrap()).unwrap();
    doc.objects.values().any(|object| {
        object
            .as_stream()
            .is_ok_and(|s| s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(b"Image"))
    })
}

#[test]
fn an_image_created_or_edited_renders_only_the_articles_that_use_it() {
    let dir = temp_dir("image");
    std::fs::create_dir_all(dir.join("pics")).unwrap();
    std::fs::write(
        dir.join("a.md"),
        format!("{}![A photo](pics/photo.png)\n", article("With", 1)),
    )
    .unwrap();
    std::fs::write(dir.join("b.md"), article("Without", 1)).unwrap();
    let mut watch = Watching::start(&dir, &["a.md", "b.md"]);
    assert!(
        !has_image(&dir.join("a.pdf")),
        "the image is missing at first"
    );

    // The image appears (written in place).
    let from = watch.seen.len();
    std::fs::write(
        dir.join("pics/photo.png"),
        include_bytes!("../../../tests/layout/images/wide.png"),
    )
    .unwrap();
    watch.rendered("a.md", 1);
    assert!(has_image(&dir.join("a.pdf")));
    // Then b.md is edited: its render is the only one of b.md since the image changed
    // (lines come in order, and a.md's batch would have rendered b.md right after a.md).
    std::fs::write(dir.join("b.md"), article("Without", 2)).unwrap();
    watch.rendered("b.md", 2);
    assert_eq!(
        watch.count_since(from, "rendered b.md "),
        1,
        "{:?}",
        watch.seen
    );

    // The image is replaced through a temporary file renamed over it.
    let from = watch.seen.len();
    let temp = dir.join("pics/.photo.png.tmp");
    std::fs::write(
        &temp,
        include_bytes!("../../../tests/layout/images/tall.png"),
    )
    .unwrap();
    std::fs::rename(&temp, dir.join("pics/photo.png")).unwrap();
    watch.rendered("a.md", 2); // the tall image no longer fits on the first page
    std::fs::write(dir.join("b.md"), article("Without", 3)).unwrap();
    watch.rendered("b.md", 3);
    assert_eq!(
        watch.count_since(from, "rendered b.md "),
        1,
        "{:?}",
        watch.seen
    );
    assert_eq!(
        watch.count_since(from, "rendered a.md "),
        1,
        "{:?}",
        watch.seen
    );
}

#[test]
fn a_template_edit_renders_everything_and_its_fix_is_announced() {
    let dir = temp_dir("template");
    let design = include_str!("../../../templates/article.toml")
        .replace("name = \"article\"", "name = \"mine\"");
    std::fs::write(dir.join("mine.toml"), &design).unwrap();
    std::fs::write(dir.join("a.md"), article("A", 2)).unwrap();
    std::fs::write(dir.join("b.md"), article("B", 2)).unwrap();
    let mut watch = Watching::start(&dir, &["a.md", "b.md", "--template", "mine.toml"]);

    // Larger type: both articles take more pages.
    std::fs::write(
        dir.join("mine.toml"),
        design.replace("name = \"mine\"", "name = \"mine\"\nfont_size = 16"),
    )
    .unwrap();
    let a = watch.wait_for("a.md rendered again", |l| l.starts_with("rendered a.md "));
    let b = watch.wait_for("b.md rendered again", |l| l.starts_with("rendered b.md "));
    assert!(
        !a.contains("(2 pages") && !b.contains("(2 pages"),
        "{a}\n{b}"
    );
    assert!(pages_of(&dir.join("a.pdf")) > 2);

    // A broken template is reported with its place, and nothing renders...
    let broken = design.replace("line_height", "line_hieght");
    std::fs::write(dir.join("mine.toml"), &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.starts_with("line_hieght"))
        .unwrap()
        + 1;
    let error = watch.wait_for("the template error", |l| l.contains("line_hieght"));
    assert!(
        error.contains(&format!("mine.toml:{line}:1: error: ")),
        "{error}"
    );
    // ...until it is fixed: a "fixed" line, then every article.
    let from = watch.seen.len();
    std::fs::write(dir.join("mine.toml"), &design).unwrap();
    watch.wait_for("the fixed line", |l| l.starts_with("fixed: mine.toml"));
    watch.rendered("a.md", 2);
    watch.rendered("b.md", 2);
    assert_eq!(watch.count_since(from, "rendered "), 2, "{:?}", watch.seen);
}

#[test]
fn a_fixed_front_matter_error_is_announced() {
    let dir = temp_dir("fixed");
    std::fs::write(dir.join("a.md"), "---\nfont_size: huge\n---\nText.\n").unwrap();
    let mut watch = Watching::start(&dir, &["a.md"]);
    assert!(
        watch.seen.iter().any(|l| l.contains("font_size")),
        "{:?}",
        watch.seen
    );
    std::fs::write(dir.join("a.md"), "---\nfont_size: 12\n---\nText.\n").unwrap();
    watch.wait_for("the fixed line", |l| l == "fixed: a.md renders again");
    watch.rendered("a.md", 1);
}

#[test]
fn in_a_watched_folder_only_the_changed_article_renders_and_new_ones_are_found() {
    let dir = temp_dir("folder");
    std::fs::create_dir_all(dir.join("posts/old")).unwrap();
    std::fs::write(dir.join("posts/a.md"), article("A", 1)).unwrap();
    std::fs::write(dir.join("posts/old/b.md"), article("B", 1)).unwrap();
    let mut watch = Watching::start(&dir, &["posts"]);
    let from = watch.seen.len();
    std::fs::write(dir.join("posts/old/b.md"), article("B", 2)).unwrap();
    watch.rendered("posts/old/b.md", 2);
    std::fs::write(dir.join("posts/a.md"), article("A", 3)).unwrap();
    watch.rendered("posts/a.md", 3);
    assert_eq!(watch.count_since(from, "rendered "), 2, "{:?}", watch.seen);
    // A new article in a new folder.
    std::fs::create_dir_all(dir.join("posts/new")).unwrap();
    std::fs::write(dir.join("posts/new/c.md"), article("C", 2)).unwrap();
    watch.rendered("posts/new/c.md", 2);
    assert_eq!(pages_of(&dir.join("posts/new/c.pdf")), 2);
}
