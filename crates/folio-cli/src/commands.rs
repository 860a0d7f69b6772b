//! What the commands do: `render` (a batch, then a watch if asked), `serve`, and the
//! listings. A thin shell around the library: errors end here as one line on stderr and
//! an exit code (0 done, 1 a file could not be rendered, 2 the command line is wrong).

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, RenderArgs, ServeArgs};
use crate::failure::{io_reason, usage_error};
use crate::{batch, diag, report, watch};

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => render(&args),
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
                .map(|font| format!("{:<36} {:<12} {}", font.family, font.style, font.source));
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
    let format = diag::DiagnosticFormat::resolve(None);
    let mut config = match &args.config {
        Some(path) => {
            let name = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => match ServerConfig::from_toml(&text) {
                    Ok(config) => config,
                    Err(e) => {
                        return config_error(&diag::file_error(&name, &text, &e, format), false)
                    }
                },
                Err(e) => {
                    return config_error(
                        &format!("folio: --config {name}: {}", io_reason(&e)),
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

/// `folio render`: the files planned, the engine set up once, the batch rendered, then
/// watched if asked.
fn render(args: &RenderArgs) -> i32 {
    let jobs = match batch::plan(args) {
        Ok(jobs) => jobs,
        Err(batch::Plan::Usage(message)) => return usage_error(&message),
        Err(batch::Plan::Input(message)) => {
            eprintln!("folio: {message}");
            return 1;
        }
    };
    let setup = match batch::setup(args) {
        Ok(setup) => setup,
        Err(error) => {
            eprintln!("{}", error.text);
            return error.code;
        }
    };
    let (code, outcomes) = batch::render_batch(&setup, &jobs, args.jobs);
    if let Some(target) = &args.report {
        if let Err(message) = report::write(target, &jobs, &outcomes) {
            eprintln!("folio: {message}");
            return 1;
        }
    }
    if args.watch {
        return watch::run(setup, args, jobs, outcomes);
    }
    code
}
