//! `folio render`: read, render, write atomically, report.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::RenderArgs;

/// Renders one file; returns the exit code.
pub fn run(args: &RenderArgs) -> i32 {
    match render_one(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("folio: {message}");
            1
        }
    }
}

fn render_one(args: &RenderArgs) -> Result<(), String> {
    let from_stdin = args.input == "-";
    let markdown = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading standard input: {}", io_reason(&e)))?;
        text
    } else {
        let bytes =
            std::fs::read(&args.input).map_err(|e| format!("{}: {}", args.input, io_reason(&e)))?;
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "{}: not UTF-8 text (invalid byte at offset {})",
                args.input,
                e.utf8_error().valid_up_to()
            )
        })?
    };
    let name = if from_stdin {
        "<stdin>"
    } else {
        args.input.as_str()
    };

    // Images come from the article's folder (the working directory for stdin).
    let base = if from_stdin {
        std::path::PathBuf::from(".")
    } else {
        Path::new(&args.input)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| std::path::PathBuf::from("."), Path::to_path_buf)
    };
    let images = folio::images::LocalFiles::new(&base, &args.image_dirs);
    let engine = folio::Engine::new();
    let rendered = engine
        .render_with_images(&markdown, &args.options.to_options(), &images)
        .map_err(|e| format!("{name}: {e}"))?;
    if !args.quiet {
        for warning in &rendered.warnings {
            eprintln!("folio: warning: {name}: {warning}");
        }
    }

    let output = match (&args.output, from_stdin) {
        (Some(out), _) => out.clone(),
        (None, true) => "-".to_string(),
        (None, false) => Path::new(&args.input)
            .with_extension("pdf")
            .to_string_lossy()
            .into_owned(),
    };
    if output == "-" {
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(&rendered.pdf).and_then(|_| stdout.flush()) {
            Ok(()) => {}
            // A closed pipe (`folio render a.md -o - | head`) is the reader's choice.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => return Err(format!("writing standard output: {}", io_reason(&e))),
        }
    } else {
        write_atomically(Path::new(&output), &rendered.pdf)
            .map_err(|e| format!("{output}: {}", io_reason(&e)))?;
    }
    Ok(())
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

/// An I/O error as a short lowercase reason ("no such file or directory").
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}
