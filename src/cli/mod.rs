//! The command line: clap definitions turned into [`RenderOptions`] and one call to the
//! engine per file. Errors end here as one line on stderr and an exit code: 0 done,
//! 1 a file could not be rendered, 2 the command line is wrong.

mod render;

use clap::{Args, Parser, Subcommand};
use folio::options::{FontSize, ImagesMode, Lang, LinkStyle, Margins, PageSize};
use folio::RenderOptions;

/// Folio typesets markdown articles into book-quality PDFs.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a markdown article to PDF.
    Render(RenderArgs),
    /// List the built-in page designs.
    Templates,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The markdown file to render; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub input: String,

    /// Where to write the PDF; `-` writes to standard output. Default: beside the input,
    /// with the extension `.pdf` (standard output when the input is standard input).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<String>,

    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Also read images from DIR (by default only from the article's own folder and
    /// below). May be given several times.
    #[arg(long = "allow-images-from", value_name = "DIR")]
    pub image_dirs: Vec<std::path::PathBuf>,

    #[command(flatten)]
    pub options: OptionArgs,
}

/// The render options, with the same names and values as in front matter and the HTTP
/// API (`page_size` is `--page-size` here).
#[derive(Debug, Args, Default)]
pub struct OptionArgs {
    /// Paper size: A4 (default), Letter, Legal, A5 or WIDTHxHEIGHT with a unit (170x240mm).
    #[arg(long, value_name = "SIZE")]
    pub page_size: Option<PageSize>,
    /// Margins like CSS: 1, 2 or 4 lengths with units (`20mm`, `1in 0.8in`).
    #[arg(long, value_name = "LENGTHS")]
    pub margins: Option<Margins>,
    /// Body text size in points, 6 to 24 (template default: 11).
    #[arg(long, value_name = "POINTS")]
    pub font_size: Option<FontSize>,
    /// Language of the article (BCP 47: en-US, de, fr...): hyphenation patterns and PDF
    /// metadata. Default en-US, or the front matter's `lang`.
    #[arg(long, value_name = "TAG")]
    pub lang: Option<Lang>,
    /// Page design by name (see `folio templates`). Default: article.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Hyphenate body text (default).
    #[arg(long, overrides_with = "no_hyphenate")]
    pub hyphenate: bool,
    /// Do not hyphenate.
    #[arg(long)]
    pub no_hyphenate: bool,
    /// Justify body text (default).
    #[arg(long, overrides_with = "no_justify")]
    pub justify: bool,
    /// Set body text flush left, ragged right.
    #[arg(long)]
    pub no_justify: bool,
    /// Where link addresses are printed: footnote (default), endnote, inline or none.
    #[arg(long, value_name = "STYLE")]
    pub links: Option<LinkStyle>,
    /// Print images (show, default) or only their alt text (hide).
    #[arg(long, value_name = "MODE")]
    pub images: Option<ImagesMode>,
}

impl OptionArgs {
    pub fn to_options(&self) -> RenderOptions {
        let flag = |on: bool, off: bool| match (on, off) {
            (_, true) => Some(false),
            (true, false) => Some(true),
            (false, false) => None,
        };
        RenderOptions {
            page_size: self.page_size,
            margins: self.margins,
            font_size: self.font_size,
            lang: self.lang.clone(),
            template: self.template.clone(),
            hyphenate: flag(self.hyphenate, self.no_hyphenate),
            justify: flag(self.justify, self.no_justify),
            links: self.links,
            images: self.images,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => render::run(&args),
        Command::Templates => {
            let engine = folio::Engine::new();
            for template in engine.templates() {
                println!("{:<12} {}", template.name, template.description);
            }
            0
        }
    }
}
