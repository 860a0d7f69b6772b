//! `folio render --watch`: render again what a change affects.
//!
//! Folio watches folders, never files: the folder of each input file (a folder given as
//! an input, recursively), of each local image an article asked for, and of the template
//! file. Editors that save by writing a temporary file and renaming it over the article
//! (vim, most IDEs), or by deleting and creating it, replace the file's inode; a watch on
//! the file itself would stay on the old one and never fire again, while the folder sees
//! every new name. Each burst of events is collected until the folder has been quiet for
//! a moment, then mapped to the articles it affects: the article itself, an article whose
//! image changed, every article when the template changed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::batch::{plan, render_job, setup, Done, Job, Outcome, Setup};
use crate::cli::RenderArgs;

/// How long the folders must be quiet before a burst of events counts as one save.
const QUIET: Duration = Duration::from_millis(120);
/// The longest a burst is collected (a file written continuously still renders).
const LONGEST_BURST: Duration = Duration::from_secs(2);

/// What Folio knows of one article between renders.
struct Article {
    job: Job,
    /// The local images its last render asked for (absolute, normalised).
    images: Vec<PathBuf>,
    /// Its last render failed (a later success prints a "fixed" line).
    failed: bool,
    /// It was gone at the last change (deleted, maybe to be created again).
    missing: bool,
}

struct State {
    setup: Setup,
    /// By normalised input path.
    articles: HashMap<PathBuf, Article>,
    /// The template file given by path, normalised.
    template: Option<PathBuf>,
    template_failed: bool,
    /// The folders watched: those given as inputs (recursively), and the others.
    recursive: HashSet<PathBuf>,
    watched: HashSet<PathBuf>,
}

/// Watches until interrupted (or until the watcher fails). `jobs` and `outcomes` are the
/// first render's.
pub fn run(setup: Setup, args: &RenderArgs, jobs: Vec<Job>, outcomes: Vec<Option<Outcome>>) -> i32 {
    let (tx, rx) = mpsc::channel();
    let mut watcher =
        match notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let _ = tx.send(event);
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("folio: cannot watch files: {e}");
                return 1;
            }
        };
    let template = args
        .options
        .options
        .template
        .as_deref()
        .filter(|t| crate::batch::is_template_path(t))
        .map(|t| normalize(Path::new(t)));
    let mut state = State {
        setup,
        articles: HashMap::new(),
        template,
        template_failed: false,
        recursive: HashSet::new(),
        watched: HashSet::new(),
    };
    for (job, outcome) in jobs.into_iter().zip(outcomes) {
        let Some(input) = job.input.as_deref().map(normalize) else {
            continue;
        };
        let (images, failed) = match outcome {
            Some(Ok(done)) => (normalized_images(&done), false),
            _ => (Vec::new(), true),
        };
        state.articles.insert(
            input,
            Article {
                job,
                images,
                failed,
                missing: false,
            },
        );
    }
    // Folders given as inputs are watched recursively (new articles appear in them).
    for input in &args.inputs {
        let path = Path::new(input);
        if path.is_dir() {
            let dir = normalize(path);
            if let Err(e) = watcher.watch(&dir, RecursiveMode::Recursive) {
                eprintln!("folio: cannot watch {input}: {e}");
                return 1;
            }
            state.recursive.insert(dir);
        }
    }
    let wanted = state.folders();
    for dir in wanted {
        if let Err(e) = state.watch(&mut watcher, &dir) {
            eprintln!("folio: cannot watch {}: {e}", dir.display());
            return 1;
        }
    }
    if !state.setup.quiet {
        eprintln!(
            "folio: watching {} for changes (Ctrl-C to stop)",
            args.inputs.join(", ")
        );
    }
    loop {
        let first = match rx.recv() {
            Ok(event) => event,
            Err(_) => return 1,
        };
        let mut changed = BTreeSet::new();
        collect(first, &mut changed);
        // Editors save in bursts (write, rename, chmod): wait for the burst to end.
        let started = Instant::now();
        while started.elapsed() < LONGEST_BURST {
            match rx.recv_timeout(QUIET) {
                Ok(event) => collect(event, &mut changed),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return 1,
            }
        }
        if changed.is_empty() {
            continue;
        }
        state.changed(args, &changed);
        for dir in state.folders() {
            // A folder that cannot be watched (gone, unreadable) is not fatal: the next
            // render that needs it tries again.
            let _ = state.watch(&mut watcher, &dir);
        }
    }
}

/// Adds the paths of a relevant event to `changed`.
fn collect(event: notify::Result<notify::Event>, changed: &mut BTreeSet<PathBuf>) {
    let event = match event {
        Ok(event) => event,
        Err(e) => {
            eprintln!("folio: watching: {e}");
            return;
        }
    };
    // Reading a file (Folio reads the articles and images it renders) is no change;
    // neither is a change of permissions or times alone.
    let relevant = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(notify::event::ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)) => {
            true
        }
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    };
    if relevant {
        changed.extend(event.paths.iter().map(|p| normalize(p)));
    }
}

impl State {
    /// The folders that should be watched: those of the input files, the template and
    /// the images.
    fn folders(&self) -> BTreeSet<PathBuf> {
        let mut dirs = BTreeSet::new();
        let parent = |p: &Path| p.parent().map(Path::to_path_buf);
        for (input, article) in &self.articles {
            dirs.extend(parent(input));
            for image in &article.images {
                dirs.extend(parent(image));
            }
        }
        if let Some(template) = &self.template {
            dirs.extend(parent(template));
        }
        dirs
    }

    fn watch(&mut self, watcher: &mut impl Watcher, dir: &Path) -> notify::Result<()> {
        // A folder under one watched recursively is watched already.
        if self.watched.contains(dir)
            || self.recursive.iter().any(|w| dir.starts_with(w))
            || !dir.is_dir()
        {
            return Ok(());
        }
        watcher.watch(dir, RecursiveMode::NonRecursive)?;
        self.watched.insert(dir.to_path_buf());
        Ok(())
    }

    /// Handles one burst of changes: re-reads the template if it changed, finds the
    /// articles added to watched folders, and renders what is affected.
    fn changed(&mut self, args: &RenderArgs, changed: &BTreeSet<PathBuf>) {
        let mut all = false;
        if let Some(template) = &self.template {
            if changed.contains(template) {
                match setup(args) {
                    Ok(setup) => {
                        if self.template_failed && !self.setup.quiet {
                            eprintln!("fixed: {} is read again", template_name(args));
                        }
                        self.template_failed = false;
                        self.setup = setup;
                        all = true;
                    }
                    Err(error) => {
                        eprintln!("{}", error.text);
                        self.template_failed = true;
                    }
                }
            }
        }
        if self.template_failed {
            // Nothing renders with a broken template; it is reported, and the fix will
            // render everything.
            return;
        }
        // A markdown file created in (or removed from) a folder given as input.
        let markdown = |p: &Path| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown")
            )
        };
        // (A new folder is scanned too: its files may be written before it is watched.)
        let mut added = Vec::new();
        if changed
            .iter()
            .any(|p| (markdown(p) && !self.articles.contains_key(p)) || p.is_dir())
        {
            if let Ok(jobs) = plan(args) {
                for job in jobs {
                    let Some(input) = job.input.as_deref().map(normalize) else {
                        continue;
                    };
                    if let std::collections::hash_map::Entry::Vacant(entry) =
                        self.articles.entry(input.clone())
                    {
                        added.push(input);
                        entry.insert(Article {
                            job,
                            images: Vec::new(),
                            failed: false,
                            missing: false,
                        });
                    }
                }
            }
        }
        let mut affected: Vec<PathBuf> = self
            .articles
            .iter()
            .filter(|(input, article)| {
                all || changed.contains(*input)
                    || article.images.iter().any(|i| changed.contains(i))
            })
            .map(|(input, _)| input.clone())
            .chain(added)
            .collect();
        affected.sort();
        affected.dedup();
        for input in affected {
            self.render(&input);
        }
    }

    /// Renders one article and says what became of it.
    fn render(&mut self, input: &Path) {
        let quiet = self.setup.quiet;
        let Some(article) = self.articles.get_mut(input) else {
            return;
        };
        let name = article.job.name();
        if !input.exists() {
            // Deleted: maybe for good, maybe to be written again in a moment.
            if !article.missing && !quiet {
                eprintln!("folio: {name}: removed; it renders again when it is back");
            }
            article.missing = true;
            return;
        }
        article.missing = false;
        let report = |line: String| eprintln!("{line}");
        match render_job(&self.setup, &article.job, &report) {
            Ok(done) => {
                if article.failed {
                    eprintln!("fixed: {name} renders again");
                }
                article.failed = false;
                article.images = normalized_images(&done);
                if !quiet {
                    eprintln!("{}", rendered_line(&article.job, &done));
                }
            }
            Err(text) => {
                eprintln!("{text}");
                article.failed = true;
            }
        }
    }
}

/// `rendered a.md → a.pdf (3 pages, 41 ms)`.
pub fn rendered_line(job: &Job, done: &Done) -> String {
    let output = job
        .output
        .as_ref()
        .map_or_else(|| "<stdout>".to_string(), |p| p.display().to_string());
    format!(
        "rendered {} → {output} ({} page{}, {} ms)",
        job.name(),
        done.pages,
        if done.pages == 1 { "" } else { "s" },
        done.elapsed.as_millis()
    )
}

fn template_name(args: &RenderArgs) -> String {
    args.options.options.template.clone().unwrap_or_default()
}

fn normalized_images(done: &Done) -> Vec<PathBuf> {
    done.images.iter().map(|p| normalize(p)).collect()
}

/// An absolute path with its folder resolved (links, `..`), so that the same file has
/// one name whatever path reached it, even when the file itself does not exist (yet).
fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => match parent.canonicalize() {
            Ok(parent) => parent.join(name),
            Err(_) => absolute,
        },
        _ => absolute.canonicalize().unwrap_or(absolute),
    }
}
