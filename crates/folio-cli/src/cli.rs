//! The command line's shape: clap definitions of the commands and their arguments (the
//! render options come from `options`, the service's settings from `settings`). What the
//! commands do is in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
        page: Page,
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

    /// Write the quality report here (JSON, schema `folio-quality/1`: page fill,
    /// hyphenated lines, word spacing, widows and orphans, missing glyphs...); `-` writes
    /// it to standard output. With several inputs, one document holds each file's report
    /// and a summary of them all.
    #[arg(long, value_name = "FILE")]
    pub report: Option<String>,

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

/// The pages, by the name `folio man PAGE` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Page {
    /// folio(1): the commands, exit status, environment.
    Folio,
    /// folio-render(1): options, limits, front matter, watch, diagnostics.
    Render,
    /// folio-serve(1): settings, their variables and the configuration file.
    Serve,
    /// folio-templates(1): the built-in page designs and template files.
    Templates,
}
