//! `folio render --watch`: render again whenever an input changes.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::batch::{plan, render_all, Setup};
use crate::cli::RenderArgs;

/// Watches the inputs (files, and folders recursively) until interrupted; every burst of
/// changes to markdown files re-plans and re-renders.
pub fn run(setup: &Setup, args: &RenderArgs, first: i32) -> i32 {
    let (tx, rx) = mpsc::channel();
    let mut watcher =
        match notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                let _ = tx.send(event);
            }
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("folio: cannot watch files: {e}");
                return first.max(1);
            }
        };
    for input in &args.inputs {
        let path = PathBuf::from(input);
        let mode = if path.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        if let Err(e) = watcher.watch(&path, mode) {
            eprintln!("folio: cannot watch {input}: {e}");
            return first.max(1);
        }
    }
    if !setup.quiet {
        eprintln!(
            "folio: watching {} for changes (Ctrl-C to stop)",
            args.inputs.join(", ")
        );
    }
    while let Ok(event) = rx.recv() {
        if !is_relevant(&event) {
            continue;
        }
        // Editors save in bursts (write, rename, chmod): wait for the burst to end.
        while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
        match plan(args) {
            Ok(jobs) => {
                render_all(setup, &jobs, args.jobs);
            }
            Err(_) => eprintln!("folio: the inputs are gone; still watching"),
        }
    }
    0
}

/// A change to the article or anything beside it (an image, say), but not to the PDFs
/// Folio writes or the temporary files it writes them through.
fn is_relevant(event: &notify::Event) -> bool {
    use notify::EventKind;
    matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    ) && event.paths.iter().any(|p| {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let pdf = p.extension().and_then(|e| e.to_str()) == Some("pdf");
        !hidden && !pdf
    })
}
