//! How the command says what went wrong: a usage error (exit code 2, with where to
//! read the options), and an I/O error's reason in a few lowercase words.

/// A usage error of `folio render` found after parsing: one line, exit code 2.
pub fn usage_error(message: &str) -> i32 {
    eprintln!("folio: {message}");
    eprintln!("Run `folio render --help` for the options.");
    2
}

/// An I/O error as a short lowercase reason ("no such file or directory").
pub fn io_reason(e: &std::io::Error) -> String {
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
