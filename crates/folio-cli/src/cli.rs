//! The command line: clap definitions turned into [`RenderOptions`] and calls to one
//! shared engine. Errors end here as one line on stderr and an exit code: 0 done, 1 a
//! file could not be rendered, 2 the command line is wrong.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::batch;
use crate::options::OptionArgs;

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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `folio man > folio.1`.
    Man,
}

/// Settings of `folio serve`. Each flag wins over its `FOLIO_*` environment variable,
/// which wins over the `--config` file, which wins over the default.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A TOML file with any of the settings below (same names, with underscores).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on [env: FOLIO_BIND] [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<std::net::SocketAddr>,
    /// Renders at once [env: FOLIO_WORKERS] [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Renders waiting before new ones get 503 [env: FOLIO_QUEUE] [default: 64].
    #[arg(long, value_name = "N")]
    pub queue: Option<usize>,
    /// Largest request body in bytes [env: FOLIO_MAX_BODY] [default: 2097152].
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,
    /// Longest render in milliseconds before 504 [env: FOLIO_DEADLINE_MS] [default: 10000].
    #[arg(long, value_name = "MS")]
    pub deadline_ms: Option<u64>,
    /// Most pages a document may have (422 beyond) [env: FOLIO_MAX_PAGES] [default: 500].
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Bytes of PDFs cached in memory, 0 for none [env: FOLIO_CACHE_BYTES] [default: 67108864].
    #[arg(long, value_name = "BYTES")]
    pub cache_bytes: Option<usize>,
    /// An origin allowed to call the API from a browser (CORS); repeatable
    /// [env: FOLIO_CORS_ORIGINS, comma-separated].
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// An origin (the blog's) that `GET /v1/render?url=` may fetch articles from;
    /// repeatable [env: FOLIO_FETCH_ORIGINS, comma-separated] [default: none].
    #[arg(long = "fetch-origin", value_name = "ORIGIN")]
    pub fetch_origins: Vec<String>,
    /// Timeout of such a fetch in milliseconds [env: FOLIO_FETCH_TIMEOUT_MS] [default: 5000].
    #[arg(long, value_name = "MS")]
    pub fetch_timeout_ms: Option<u64>,
    /// An origin whose images articles may show (fetched under the same rules);
    /// repeatable [env: FOLIO_IMAGE_ORIGINS, comma-separated] [default: none].
    #[arg(long = "image-origin", value_name = "ORIGIN")]
    pub image_origins: Vec<String>,
    /// Redis shared by several instances as a second cache, e.g. redis://127.0.0.1:6379
    /// [env: FOLIO_REDIS_URL]. The service keeps working when Redis is down.
    #[arg(long, value_name = "URL")]
    pub redis_url: Option<String>,
    /// Seconds a PDF stays in Redis [env: FOLIO_REDIS_TTL] [default: 86400].
    #[arg(long, value_name = "SECONDS")]
    pub redis_ttl: Option<u64>,
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

    /// Also read images from DIR (by default only from the article's own folder and
    /// below). May be given several times.
    #[arg(long = "allow-images-from", value_name = "DIR")]
    pub image_dirs: Vec<PathBuf>,

    #[command(flatten)]
    pub options: OptionArgs,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => batch::run(&args),
        Command::Serve(args) => serve(&args),
        Command::Templates => {
            let engine = folio::Engine::new();
            for template in engine.templates() {
                println!("{:<12} {}", template.name, template.description);
            }
            0
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "folio", &mut std::io::stdout());
            0
        }
        Command::Man => {
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("folio: writing the manual page: {e}");
                    1
                }
            }
        }
    }
}

/// A usage error found after parsing: one line, exit code 2.
pub fn usage_error(message: &str) -> i32 {
    eprintln!("folio: {message}");
    eprintln!("Run `folio render --help` for the options.");
    2
}

fn serve(args: &ServeArgs) -> i32 {
    use folio_server::ServerConfig;
    let mut config = match &args.config {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match ServerConfig::from_toml(&text) {
                Ok(config) => config,
                Err(e) => return usage_error(&format!("{}: {e}", path.display())),
            },
            Err(e) => {
                return usage_error(&format!(
                    "{}: {}",
                    path.display(),
                    e.kind().to_string().to_lowercase()
                ))
            }
        },
        None => ServerConfig::default(),
    };
    if let Err(e) = config.apply_env(|name| std::env::var(name).ok()) {
        return usage_error(&e);
    }
    if let Some(v) = args.bind {
        config.bind = v;
    }
    if let Some(v) = args.workers {
        config.workers = v;
    }
    if let Some(v) = args.queue {
        config.queue = v;
    }
    if let Some(v) = args.max_body {
        config.max_body = v;
    }
    if let Some(v) = args.deadline_ms {
        config.deadline_ms = v;
    }
    if let Some(v) = args.max_pages {
        config.max_pages = v;
    }
    if let Some(v) = args.cache_bytes {
        config.cache_bytes = v;
    }
    if !args.cors_origins.is_empty() {
        config.cors_origins = args.cors_origins.clone();
    }
    if !args.fetch_origins.is_empty() {
        config.fetch_origins = args.fetch_origins.clone();
    }
    if let Some(v) = args.fetch_timeout_ms {
        config.fetch_timeout_ms = v;
    }
    if !args.image_origins.is_empty() {
        config.image_origins = args.image_origins.clone();
    }
    if let Some(v) = &args.redis_url {
        config.redis_url = Some(v.clone());
    }
    if let Some(v) = args.redis_ttl {
        config.redis_ttl = v;
    }
    if let Err(e) = config.check() {
        return usage_error(&e);
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match folio_server::run(config) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("folio: serve: {e}");
            1
        }
    }
}
