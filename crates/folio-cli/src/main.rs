//! The `folio` command: a thin shell around the library. `render` turns markdown files
//! into PDFs, `serve` runs the HTTP service; both use the same engine and options.

mod batch;
mod cli;
mod diag;
mod man;
mod options;
mod settings;
mod watch;

fn main() {
    std::process::exit(cli::run());
}
