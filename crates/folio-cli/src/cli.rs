//! The command line: clap definitions turned into [`RenderOptions`] and calls to one
//! shared engine. Errors end here as one line on stderr and an exit code: 0 done, 1 a
//! file could not be rendered, 2 the command line is wrong.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::batch;
use crate::options::OptionArgs;
use crate::settings::{LimitArgs, SettingArgs};

/// Folio typesets markdown articles into book-quality PDFs.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render markdown articles to PDF: files, folders (every .md inside) or `-`.
    Render(Box<RenderArgs>),
    /// Serve the HTTP API, the Print/PDF button and a demo page.
    Serve(Box<ServeArgs>),
    /// List the built-in page designs.
    Templates,
    /// List the fonts Folio can use: the bundled faces, then the installed ones (the
    /// system's and those of `--font-dir` and FOLIO_FONT_DIRS), by family and style.
    Fonts {
        #[command(flatten)]
        fonts: FontDirArgs,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff), e.g. `folio man render | man -l -`, or write all of
    /// them with `--dir` (folio.1, folio-render.1, folio-serve.1, folio-templates.1).
    Man {
        /// The page to print.
        #[arg(value_name = "PAGE", default_value = "folio")]
        page: crate::man::Page,
        /// Write every page into DIR (created if needed) instead, and list their paths.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Settings of `folio serve`. Each flag wins over its `FOLIO_*` environment variable,
/// which wins over the `--config` file, which wins over the default.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A TOML file with any of the settings below (same names, with underscores).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub settings: SettingArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Markdown files, folders (every `*.md` inside, recursively) or `-` for standard
    /// input.
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<String>,

    /// Where to write the PDF of a single input; `-` writes to standard output. Default:
    /// beside the input, with the extension `.pdf` (standard output for standard input).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<String>,

    /// Write the PDFs of several inputs here, mirroring the folders they come from.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Render this many files at once. Default: the number of cores.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Print nothing but errors (no warnings, progress bar or summary).
    #[arg(short, long)]
    pub quiet: bool,

    /// Render again whenever an input changes (for writing with a PDF viewer open).
    #[arg(short, long)]
    pub watch: bool,

    /// How errors are printed: `short`, one line each (`file:line:col: error: message`),
    /// or `human`, with the offending line and a caret under the place. Default: `human`
    /// on a terminal, else `short`.
    #[arg(long, value_name = "FORMAT")]
    pub diagnostic_format: Option<crate::diag::DiagnosticFormat>,

    /// Also read images from DIR (by default only from the article's own folder and
    /// below). May be given several times.
    #[arg(long = "allow-images-from", value_name = "DIR")]
    pub image_dirs: Vec<PathBuf>,

    #[command(flatten)]
    pub fonts: FontDirArgs,

    #[command(flatten)]
    pub options: OptionArgs,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Where else to look for fonts.
#[derive(Debug, Args)]
pub struct FontDirArgs {
    /// Also use the fonts in DIR (with the system's): for characters the bundled faces
    /// lack, and for the families a template's `[fonts]` names. May be given several
    /// times; FOLIO_FONT_DIRS adds more (comma-separated).
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
}

impl FontDirArgs {
    /// The folders given, then those of FOLIO_FONT_DIRS.
    pub fn all(&self) -> Vec<PathBuf> {
        let mut dirs = self.font_dirs.clone();
        if let Ok(list) = std::env::var("FOLIO_FONT_DIRS") {
            dirs.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from),
            );
        }
        dirs
    }
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => batch::run(&args),
        Command::Serve(args) => serve(&args),
        Command::Templates => {
            let engine = folio::Engine::new();
            print_lines(
                engine
                    .templates()
                    .iter()
                    .map(|t| format!("{:<12} {}", t.name, t.description)),
            )
        }
        Command::Fonts { fonts } => {
            let engine = folio::Engine::with_font_dirs(fonts.all());
            let usable = engine
                .fonts()
                .into_iter()
                .map(|(family, style, source)| format!("{family:<36} {style:<12} {source}"));
            // Files in the font folders that are not fonts Folio can read: listed after
            // the usable ones, each with why.
            let unreadable = engine.unreadable_fonts().into_iter().map(|(path, reason)| {
                format!(
                    "{:<36} {:<12} {}: {reason}",
                    "(unreadable)",
                    "",
                    path.display()
                )
            });
            print_lines(usable.chain(unreadable))
        }
        Command::Completions { shell } => {
            // Made in memory, then written as any listing is: a reader that stops early
            // (`folio completions zsh | head`) ends it quietly instead of a panic.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "folio", &mut script);
            print_lines(String::from_utf8_lossy(&script).lines().map(str::to_string))
        }
        Command::Man { page, dir } => crate::man::run(page, dir.as_deref()),
    }
}

/// A usage error of `folio render` found after parsing: one line, exit code 2.
pub fn usage_error(message: &str) -> i32 {
    eprintln!("folio: {message}");
    eprintln!("Run `folio render --help` for the options.");
    2
}

/// A configuration error of `folio serve`: exit code 2. `hint` for a flag or variable
/// (a file's error points at its line instead).
fn config_error(text: &str, hint: bool) -> i32 {
    eprintln!("{text}");
    if hint {
        eprintln!("Run `folio serve --help` for the settings.");
    }
    2
}

fn serve(args: &ServeArgs) -> i32 {
    use folio_server::ServerConfig;
    let format = crate::diag::DiagnosticFormat::resolve(None);
    let mut config = match &args.config {
        Some(path) => {
            let name = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => match ServerConfig::from_toml(&text) {
                    Ok(config) => config,
                    Err(e) => {
                        return config_error(
                            &crate::diag::file_error(&name, &text, &e, format),
                            false,
                        )
                    }
                },
                Err(e) => {
                    return config_error(
                        &format!("folio: --config {name}: {}", crate::batch::io_reason(&e)),
                        false,
                    )
                }
            }
        }
        None => ServerConfig::default(),
    };
    if let Err(e) = config.apply_env(|name| std::env::var(name).ok()) {
        return config_error(&format!("folio: {e}"), false);
    }
    for (name, value) in &args.settings.given {
        if let Err(e) = config.set(name, value) {
            return config_error(&format!("folio: --{}: {e}", name.replace('_', "-")), true);
        }
    }
    if let Err(e) = config.check() {
        return config_error(&format!("folio: {e}"), true);
    }
    folio_server::logging::init(config.log_format);
    match folio_server::run(config) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("folio: serve: {e}");
            1
        }
    }
}

/// Prints a listing on standard output; a reader that stops early (`folio fonts | head`)
/// ends it quietly, as for any Unix tool. Returns the exit code.
fn print_lines(lines: impl Iterator<Item = String>) -> i32 {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for line in lines {
        if let Err(e) = writeln!(out, "{line}") {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return 0;
            }
            eprintln!("folio: standard output: {e}");
            return 1;
        }
    }
    0
}
