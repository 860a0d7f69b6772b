//! The `folio` command: a thin shell around the library (see `cli`).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
