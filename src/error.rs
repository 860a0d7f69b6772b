//! Errors and warnings of a render.
//!
//! An [`Error`] stops the render (bad option, bad front matter, a limit exceeded, a
//! cancelled render); a [`Warning`] is a recoverable problem reported beside the PDF.
//! Messages are lowercase, one line, and name what the user has to change.

use thiserror::Error;

use crate::context::Exceeded;
use crate::source::SourceError;

/// A problem that stops the render. Every variant is the caller's or the document's
/// unless it says otherwise.
#[derive(Debug, Error, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Error {
    /// An option has an unknown name or a value outside its allowed set.
    #[error("invalid option `{option}`: {message}")]
    InvalidOption { option: String, message: String },

    /// The front matter could not be read, or sets something the render refuses: what,
    /// where in the article's file (line, column and length), and the key it is about.
    #[error("front matter, {0}")]
    FrontMatter(SourceError),

    /// A template file could not be read, or sets a value a design cannot have: what,
    /// where in the file, and the key it is about.
    #[error("template, {0}")]
    Template(SourceError),

    /// The document exceeds one of the limits the operator set.
    #[error("document too large: {0}")]
    Limit(Exceeded),

    /// The render was cancelled (its deadline passed, or nobody waits for it any more).
    #[error("the render was stopped before it finished (deadline passed or cancelled)")]
    Cancelled,

    /// An internal failure while writing the PDF (a bug, not a user mistake).
    #[error("internal error while writing the PDF: {0}")]
    Internal(String),
}

impl Error {
    pub(crate) fn option(option: &str, message: impl Into<String>) -> Self {
        Error::InvalidOption {
            option: option.to_string(),
            message: message.into(),
        }
    }

    /// True when the error is the caller's mistake rather than a fault of Folio.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Internal(_))
    }
}

/// A recoverable problem: the PDF was written, but something in it is not as asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Warning {
    /// Some characters of a script have no glyph in any font Folio can use and print as
    /// blanks (their text is still in the PDF's text layer). `package` is the Debian
    /// package whose fonts have them.
    MissingGlyphs {
        script: String,
        chars: String,
        package: String,
    },
    /// No hyphenation patterns exist for the document language; hyphenation is off.
    NoHyphenationPatterns { lang: String },
    /// A paragraph could not be set within tolerance; some lines are loose or a word was
    /// broken without a hyphen.
    EmergencyBreak { excerpt: String },
    /// A block taller than a page had to be split where the rules forbid it.
    ForcedPageBreak { page: usize },
    /// An image could not be shown; a framed placeholder with its alt text stands in.
    Image { url: String, reason: String },
    /// Raw HTML opened a `<script>`, `<style>` or comment that never closed; the text
    /// after it is printed rather than lost.
    UnclosedHtml { tag: String },
    /// A font family the design names is not bundled or installed; the bundled face
    /// stands in.
    UnknownFontFamily { family: String },
    /// Links whose addresses are not http, https or mailto (or that are relative, with no
    /// address to resolve them against) are printed as text, not as links.
    UnsafeLinks { count: usize, example: String },
    /// A table too wide for the page even at its smallest type: printed in parts of
    /// columns, each repeating the first column; `broken` words were too long for their
    /// column and broke inside.
    WideTable {
        columns: usize,
        parts: usize,
        broken: usize,
    },
    /// No QR code could be printed (`reason`: no printed address, or one too long).
    QrCode { reason: String },
    /// The PDF was made to the standards asked for but does not claim them: something
    /// in the article keeps it from conforming (`reason`), first `at` this place of the
    /// markdown.
    StandardNotClaimed {
        standard: String,
        reason: String,
        at: Option<crate::source::SourcePos>,
    },
    /// A formula could not be read (`message`, about `command` if one is to blame) and is
    /// printed as its source in code type; `at` is the place of the problem in the file.
    Math {
        message: String,
        command: Option<String>,
        at: crate::source::SourcePos,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::MissingGlyphs {
                script,
                chars,
                package,
            } => {
                let shown: String = chars.chars().take(20).collect();
                let more = if chars.chars().count() > 20 {
                    "…"
                } else {
                    ""
                };
                write!(
                    f,
                    "no font for {script} ({shown}{more}): they print as blanks; install \
                     {package} or add a font folder (--font-dir, FOLIO_FONT_DIRS)"
                )
            }
            Warning::NoHyphenationPatterns { lang } => {
                write!(
                    f,
                    "no hyphenation patterns for language `{lang}`; hyphenation is off"
                )
            }
            Warning::EmergencyBreak { excerpt } => write!(
                f,
                "a paragraph could not be set within tolerance (near \u{201c}{excerpt}\u{201d}); \
                 a long word or URL was broken"
            ),
            Warning::ForcedPageBreak { page } => {
                write!(f, "page {page}: a block taller than the page was split")
            }
            Warning::UnknownFontFamily { family } => write!(
                f,
                "font family `{family}` is not installed (see `folio fonts`); the bundled face is used"
            ),
            Warning::UnclosedHtml { tag } => write!(
                f,
                "raw HTML {tag} is never closed; the text after it is printed as text"
            ),
            Warning::UnsafeLinks { count, example } => {
                let shown: String = example
                    .chars()
                    .take(60)
                    .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                    .collect();
                let links = if *count == 1 { "link" } else { "links" };
                write!(
                    f,
                    "{count} {links} (such as `{shown}`) not http, https or mailto: printed as text, not clickable"
                )
            }
            Warning::WideTable {
                columns,
                parts,
                broken,
            } => {
                write!(f, "a table of {columns} columns is too wide for the page")?;
                if *parts > 1 {
                    write!(
                        f,
                        ": printed in {parts} parts, each repeating the first column"
                    )?;
                }
                if *broken > 0 {
                    write!(f, "; {broken} words too long for their column broke inside")?;
                }
                Ok(())
            }
            Warning::QrCode { reason } => write!(f, "no QR code: {reason}"),
            Warning::Math { message, at, .. } => write!(
                f,
                "line {}, column {}: a formula printed as its source: {message}",
                at.line, at.column
            ),
            Warning::StandardNotClaimed {
                standard,
                reason,
                at,
            } => {
                write!(f, "the PDF does not claim {standard}: {reason}")?;
                if let Some(at) = at {
                    write!(f, ", first at line {}, column {}", at.line, at.column)?;
                }
                write!(f, "; it is tagged all the same")
            }
            Warning::Image { url, reason } => {
                let shown: String = url.chars().take(80).collect();
                let ellipsis = if url.chars().count() > 80 {
                    "\u{2026}"
                } else {
                    ""
                };
                write!(
                    f,
                    "image {shown}{ellipsis}: {reason}; its alt text is shown instead"
                )
            }
        }
    }
}
