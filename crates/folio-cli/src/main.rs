//! The `folio` command: a thin shell around the library. `render` turns markdown files
//! into PDFs, `serve` runs the HTTP service; both use the same engine and options.

mod batch;
mod cli;
mod commands;
mod diag;
mod failure;
mod man;
mod options;
mod report;
mod settings;
mod watch;

/// A render allocates and frees hundreds of thousands of small objects (glyph runs, line
/// and page elements), on several threads at once in the service. With mimalloc the
/// service renders about half as many documents again per second as with the system
/// allocator, whose threads contend for its arenas (scripts/load-test, 64 clients: 356 →
/// 560 renders/s), and a single render takes a fifth to a quarter less time; it holds
/// more memory at its peak (a 50,000-word article: 49 → 64 MB). Version 2 of mimalloc:
/// version 3 commits its arenas up front (97 MB for the same article, an earlier build).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A render worker of `folio serve` (started by the service, never by a user): the
    // rest of the arguments are font folders.
    let mut args = std::env::args_os().skip(1);
    if args
        .next()
        .is_some_and(|a| a == folio_server::worker::WORKER_ARG)
    {
        std::process::exit(folio_server::worker::child::run(
            args.map(Into::into).collect(),
        ));
    }
    std::process::exit(commands::run());
}
