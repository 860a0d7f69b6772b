//! `folio render`: which files to render and where their PDFs go, rendering them in
//! parallel on one shared engine, progress, and the summary.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cli::RenderArgs;
use crate::diag::{self, DiagnosticFormat};
use crate::failure::io_reason;

/// One article to render.
#[derive(Debug, Clone)]
pub struct Job {
    /// `None` for standard input.
    pub input: Option<PathBuf>,
    /// `None` for standard output.
    pub output: Option<PathBuf>,
}

impl Job {
    pub fn name(&self) -> String {
        self.input
            .as_ref()
            .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string())
    }
}

/// Everything a run shares: the engine (with a user's template, if any) and options.
pub struct Setup {
    pub engine: folio::Engine,
    pub options: folio::RenderOptions,
    pub limits: folio::Limits,
    pub image_dirs: Vec<PathBuf>,
    pub quiet: bool,
    pub format: DiagnosticFormat,
}

/// Why a run cannot start: the text to print, and the exit code.
pub struct SetupError {
    pub text: String,
    pub code: i32,
}

/// The engine and options of a run. The template is checked here, once for the whole
/// batch: an unknown name or a missing file is a usage error (exit 2), a template file
/// that cannot be read as one is an error of that file (exit 1).
pub fn setup(args: &RenderArgs) -> Result<Setup, SetupError> {
    let format = DiagnosticFormat::resolve(args.diagnostic_format);
    let mut engine = folio::Engine::with_font_dirs(args.fonts.all());
    let mut options = args.options.options.clone();
    // A template given as a path is read here and offered to the engine by its name.
    if let Some(value) = &options.template {
        if is_template_path(value) {
            let text = std::fs::read_to_string(value).map_err(|e| SetupError {
                text: usage_text(&format!("--template {value}: {}", io_reason(&e))),
                code: 2,
            })?;
            let template = folio::Template::from_toml(&text).map_err(|e| SetupError {
                text: match &e {
                    folio::Error::Template(e) => diag::file_error(value, &text, e, format),
                    other => format!("folio: {value}: {other}"),
                },
                code: 1,
            })?;
            options.template = Some(template.name.clone());
            engine.add_template(template);
        } else if !engine.templates().iter().any(|t| &t.name == value) {
            let names: Vec<String> = engine.templates().iter().map(|t| t.name.clone()).collect();
            return Err(SetupError {
                text: usage_text(&format!(
                    "--template: no template named `{value}`; available: {} (or the path of a template file)",
                    names.join(", ")
                )),
                code: 2,
            });
        }
    }
    Ok(Setup {
        engine,
        options,
        limits: args.limits.limits,
        image_dirs: args.image_dirs.clone(),
        quiet: args.quiet,
        format,
    })
}

/// A usage error's text for `folio render`.
fn usage_text(message: &str) -> String {
    format!("folio: {message}\nRun `folio render --help` for the options.")
}

/// `--template` names a file (`design.toml`, `designs/mine`) rather than a built-in.
pub fn is_template_path(value: &str) -> bool {
    value.ends_with(".toml") || value.contains(std::path::MAIN_SEPARATOR) || value.contains('/')
}

pub enum Plan {
    /// The command line asks for something impossible (exit 2).
    Usage(String),
    /// An input cannot be read (exit 1).
    Input(String),
}

/// Expands the inputs into jobs: files as given, folders into their `*.md` files.
pub fn plan(args: &RenderArgs) -> Result<Vec<Job>, Plan> {
    let mut jobs = Vec::new();
    let several = args.inputs.len() > 1 || args.inputs.iter().any(|i| Path::new(i).is_dir());
    if several && args.output.is_some() {
        return Err(Plan::Usage(
            "-o names one output; use --out-dir for several inputs".into(),
        ));
    }
    if args.watch && args.inputs.iter().any(|i| i == "-") {
        return Err(Plan::Usage(
            "--watch needs files, not standard input".into(),
        ));
    }
    for input in &args.inputs {
        if input == "-" {
            if args.inputs.len() > 1 {
                return Err(Plan::Usage(
                    "`-` (standard input) cannot be mixed with other inputs".into(),
                ));
            }
            let output = match args.output.as_deref() {
                // A PDF is not for a terminal: standard output only when it is a pipe
                // or a file, or when asked with `-o -`.
                None if std::io::stdout().is_terminal() => {
                    return Err(Plan::Usage(
                        "the PDF would be written to the terminal; give -o FILE, or -o - to \
                         write it there anyway"
                            .into(),
                    ))
                }
                None | Some("-") => None,
                Some(path) => Some(PathBuf::from(path)),
            };
            jobs.push(Job {
                input: None,
                output,
            });
            continue;
        }
        let path = PathBuf::from(input);
        if path.is_dir() {
            let mut found = Vec::new();
            collect_markdown(&path, &mut found)
                .map_err(|e| Plan::Input(format!("{input}: {e}")))?;
            found.sort();
            for file in found {
                let output = match &args.out_dir {
                    Some(dir) => dir
                        .join(file.strip_prefix(&path).unwrap_or(&file))
                        .with_extension("pdf"),
                    None => file.with_extension("pdf"),
                };
                jobs.push(Job {
                    input: Some(file),
                    output: Some(output),
                });
            }
            continue;
        }
        if !path.exists() {
            return Err(Plan::Input(format!("{input}: no such file or directory")));
        }
        let output = match (&args.output, &args.out_dir) {
            (Some(out), _) if out == "-" => None,
            (Some(out), _) => Some(PathBuf::from(out)),
            (None, Some(dir)) => Some(
                dir.join(path.file_name().unwrap_or_default())
                    .with_extension("pdf"),
            ),
            (None, None) => Some(path.with_extension("pdf")),
        };
        jobs.push(Job {
            input: Some(path),
            output,
        });
    }
    if jobs.is_empty() {
        return Err(Plan::Input(
            "no markdown files found in the given folders".into(),
        ));
    }
    // `-o` writes into a folder that exists (a typo should not make folders); --out-dir
    // makes the folders it mirrors.
    if let Some(out) = args.output.as_deref().filter(|o| *o != "-") {
        let parent = Path::new(out)
            .parent()
            .filter(|p| !p.as_os_str().is_empty());
        if let Some(parent) = parent.filter(|p| !p.is_dir()) {
            return Err(Plan::Usage(format!(
                "-o {out}: the folder {} does not exist",
                parent.display()
            )));
        }
    }
    if args.report.as_deref() == Some("-") && jobs.iter().any(|job| job.output.is_none()) {
        return Err(Plan::Usage(
            "the PDF and the report cannot both go to standard output; give one a file".into(),
        ));
    }
    refuse_collisions(&jobs)?;
    Ok(jobs)
}

/// Two inputs that would be written to the same PDF (`a/post.md b/post.md --out-dir
/// out`) are refused before anything is written.
fn refuse_collisions(jobs: &[Job]) -> Result<(), Plan> {
    let mut seen: std::collections::HashMap<PathBuf, &Path> = std::collections::HashMap::new();
    for job in jobs {
        let (Some(output), Some(input)) = (&job.output, &job.input) else {
            continue;
        };
        // The same file however it is written (`out/./a.pdf`, `out/a.pdf`).
        let key = match (output.parent(), output.file_name()) {
            (Some(dir), Some(name)) => {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                dir.canonicalize()
                    .unwrap_or_else(|_| dir.components().collect())
                    .join(name)
            }
            _ => output.clone(),
        };
        if let Some(first) = seen.insert(key, input) {
            return Err(Plan::Usage(format!(
                "{} and {} would both be written to {}; render them into different folders \
                 or rename one",
                first.display(),
                input.display(),
                output.display()
            )));
        }
    }
    Ok(())
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_markdown(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "markdown")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// A job that rendered: its page count, the local images it asked for (whether they
/// could be read or not; `--watch` watches them) and how long it took.
#[derive(Debug, Clone)]
pub struct Done {
    pub pages: usize,
    pub quality: Box<folio::quality::Quality>,
    pub images: Vec<PathBuf>,
    pub elapsed: Duration,
}

/// What became of one job: what it gave, or the one-line error.
pub type Outcome = Result<Done, String>;

/// Renders every job, `jobs` at a time, and reports; returns the exit code and what became
/// of each job.
pub fn render_batch(
    setup: &Setup,
    jobs: &[Job],
    parallel: Option<usize>,
) -> (i32, Vec<Option<Outcome>>) {
    let started = Instant::now();
    let workers = parallel
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, jobs.len().max(1));
    let show_bar = !setup.quiet && jobs.len() > 1 && std::io::stderr().is_terminal();
    let bar = show_bar.then(|| {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} files  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let report = |line: String| match &bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    };
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; jobs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                let outcome = render_job(setup, job, &report);
                if let Err(message) = &outcome {
                    report(message.clone());
                }
                if let Ok(mut all) = outcomes.lock() {
                    all[i] = Some(outcome);
                }
                if let Some(bar) = &bar {
                    bar.inc(1);
                    bar.set_message(job.name());
                }
            });
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let outcomes = outcomes.into_inner().unwrap_or_default();
    let failed = outcomes
        .iter()
        .filter(|o| !matches!(o, Some(Ok(_))))
        .count();
    let pages: usize = outcomes
        .iter()
        .filter_map(|o| o.as_ref()?.as_ref().ok())
        .map(|done| done.pages)
        .sum();
    if !setup.quiet && jobs.len() > 1 {
        let seconds = started.elapsed().as_secs_f64();
        let done = jobs.len() - failed;
        let mut line = format!(
            "rendered {done} file{} ({pages} pages) in {seconds:.2} s, {:.0} files/s",
            if done == 1 { "" } else { "s" },
            done as f64 / seconds.max(1e-9)
        );
        if failed > 0 {
            line.push_str(&format!("; {failed} failed"));
        }
        eprintln!("{line}");
    }
    (if failed > 0 { 1 } else { 0 }, outcomes)
}

/// Renders one job and writes its PDF; warnings go to `report`. An error comes back as
/// the text to print.
pub fn render_job(setup: &Setup, job: &Job, report: &(dyn Fn(String) + Sync)) -> Outcome {
    render_job_inner(setup, job, report).map_err(|failure| match failure {
        Failure::Plain(message) => format!("folio: {message}"),
        Failure::Printed(text) => text,
    })
}

enum Failure {
    /// One line, to print after `folio: `.
    Plain(String),
    /// A diagnostic, as printed.
    Printed(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Plain(message)
    }
}

fn render_job_inner(
    setup: &Setup,
    job: &Job,
    report: &(dyn Fn(String) + Sync),
) -> Result<Done, Failure> {
    let started = Instant::now();
    let name = job.name();
    let markdown = match &job.input {
        None => {
            let max = setup.limits.max_input_bytes;
            let mut text = String::new();
            std::io::stdin()
                .take(max as u64 + 1)
                .read_to_string(&mut text)
                .map_err(|e| format!("reading standard input: {}", io_reason(&e)))?;
            if text.len() > max {
                return Err(Failure::Plain(format!(
                    "standard input is more than {max} bytes, the limit (max_input_bytes)"
                )));
            }
            text
        }
        Some(path) => {
            let bytes = read_input(path, setup.limits.max_input_bytes)
                .map_err(|e| format!("{name}: {e}"))?;
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "{name}: not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                )
            })?
        }
    };
    // Images come from the article's folder (the working directory for stdin).
    let base = job
        .input
        .as_ref()
        .and_then(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let images = Recorder {
        files: folio::images::LocalFiles::new(&base, &setup.image_dirs),
        base,
        asked: Mutex::new(Vec::new()),
    };
    let context = folio::Context {
        images: &images,
        // Relative images are files beside the article (or in the working folder).
        origin: folio::Origin::WithFiles,
        limits: setup.limits,
        ..folio::Context::default()
    };
    let rendered = setup
        .engine
        .render_with(&markdown, &setup.options, &context)
        .map_err(|e| Failure::Printed(diag::render_error(&name, &markdown, &e, setup.format)))?;
    if !setup.quiet {
        for warning in &rendered.warnings {
            report(format!("folio: warning: {name}: {warning}"));
        }
    }
    match &job.output {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&rendered.pdf).and_then(|_| stdout.flush()) {
                Ok(()) => {}
                // A closed pipe (`folio render a.md -o - | head`) is the reader's choice.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => {
                    return Err(Failure::Plain(format!(
                        "writing standard output: {}",
                        io_reason(&e)
                    )))
                }
            }
        }
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("{}: {}", dir.display(), io_reason(&e)))?;
            }
            write_atomically(path, &rendered.pdf)
                .map_err(|e| format!("{}: {}", path.display(), io_reason(&e)))?;
        }
    }
    Ok(Done {
        pages: rendered.pages,
        quality: rendered.quality,
        images: images.asked.into_inner().unwrap_or_default(),
        elapsed: started.elapsed(),
    })
}

/// Reads images as [`folio::images::LocalFiles`] does, and notes the local files an
/// article asks for, so that `--watch` can render it again when one of them changes
/// (or appears).
struct Recorder {
    files: folio::images::LocalFiles,
    base: PathBuf,
    asked: Mutex<Vec<PathBuf>>,
}

impl folio::ImageSource for Recorder {
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
        if !url.starts_with("data:") && !url.contains("://") {
            let path = url.strip_prefix("file:").unwrap_or(url);
            let path = path.split(['?', '#']).next().unwrap_or(path);
            if let Ok(mut asked) = self.asked.lock() {
                asked.push(self.base.join(percent_decode(path)));
            }
        }
        self.files.fetch(url, max_bytes)
    }
}

/// `%20` → ` ` (an invalid escape stays as written).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads an article: a regular file only (a FIFO or a device would block or never end),
/// no larger than `max_bytes` (checked before reading).
fn read_input(path: &Path, max_bytes: usize) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if !metadata.is_file() {
        return Err("not a regular file".to_string());
    }
    if metadata.len() > max_bytes as u64 {
        return Err(format!(
            "the file is {} bytes; the limit (max_input_bytes) is {max_bytes}",
            metadata.len()
        ));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path)
        .and_then(|file| file.take(max_bytes as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| io_reason(&e))?;
    Ok(bytes)
}

/// Writes to a temporary file beside the target, then renames it over the target, so
/// an interrupted run never leaves a truncated PDF.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp: PathBuf = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
