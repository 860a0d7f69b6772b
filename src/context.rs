//! What a render runs under, besides its input and options: where images may come from,
//! when to stop, and the limits the operator sets (never raised by front matter or
//! request options).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::images::{DataUrisOnly, ImageSource};

/// The surroundings of one render.
pub struct Context<'a> {
    /// Where image bytes may come from (by default only `data:` URIs).
    pub images: &'a dyn ImageSource,
    /// Set when nobody waits for the render any more (a deadline, a client gone).
    pub cancel: Cancel,
    pub limits: Limits,
}

impl Default for Context<'_> {
    fn default() -> Self {
        Context {
            images: &DataUrisOnly,
            cancel: Cancel::never(),
            limits: Limits::default(),
        }
    }
}

/// Limits of one render, set by whoever runs the engine (an operator's settings, the
/// command line's flags), never by the document or the request options. Exceeding one
/// stops the render with [`Error::Limit`](crate::Error::Limit), which names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest markdown input, in bytes.
    pub max_input_bytes: usize,
    /// Most pages a document may have (a page of two columns is one page).
    pub max_pages: usize,
    /// Largest front matter block, in bytes.
    pub max_front_matter_bytes: usize,
    /// Deepest nesting of lists and mappings in front matter.
    pub max_front_matter_depth: usize,
    /// Most images a document may show (more become placeholders).
    pub max_images: usize,
    /// Most pixels one image may have (a larger one becomes a placeholder).
    pub max_image_pixels: u64,
    /// Most pixels all the images of a document may have together (images past the
    /// budget become placeholders).
    pub max_total_pixels: u64,
    /// Largest image file, in bytes.
    pub max_image_bytes: usize,
    /// Most table cells in a document.
    pub max_table_cells: usize,
    /// Most notes (footnotes and printed link addresses) in a document.
    pub max_notes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 8 * 1024 * 1024,
            max_pages: 2_000,
            max_front_matter_bytes: 64 * 1024,
            max_front_matter_depth: 32,
            max_images: 200,
            max_image_pixels: 40_000_000,
            max_total_pixels: 120_000_000,
            max_image_bytes: 25 * 1024 * 1024,
            max_table_cells: 100_000,
            max_notes: 10_000,
        }
    }
}

/// A limit a render exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    InputBytes,
    Pages,
    FrontMatterBytes,
    FrontMatterDepth,
    TableCells,
    Notes,
}

impl Limit {
    /// The limit's name, as the operator sets it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::InputBytes => "max_input_bytes",
            Limit::Pages => "max_pages",
            Limit::FrontMatterBytes => "max_front_matter_bytes",
            Limit::FrontMatterDepth => "max_front_matter_depth",
            Limit::TableCells => "max_table_cells",
            Limit::Notes => "max_notes",
        }
    }

    /// What is counted, for messages.
    fn what(self) -> &'static str {
        match self {
            Limit::InputBytes => "bytes in the article",
            Limit::Pages => "pages",
            Limit::FrontMatterBytes => "bytes of front matter",
            Limit::FrontMatterDepth => "levels of nesting in the front matter",
            Limit::TableCells => "table cells",
            Limit::Notes => "notes",
        }
    }
}

/// What exceeding a limit looks like, for the error message. `found` is what was
/// counted when the render stopped (a lower bound where it stopped early).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: Limit,
    pub allowed: u64,
    pub found: u64,
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Exceeded {
            limit,
            allowed,
            found,
        } = *self;
        let what = limit.what();
        let name = limit.name();
        match limit {
            Limit::Pages => write!(
                f,
                "the article needs at least {found} {what}; the limit ({name}) is {allowed}"
            ),
            _ => write!(
                f,
                "the article has at least {found} {what}; the limit ({name}) is {allowed}"
            ),
        }
    }
}

/// A cancellation flag shared between a render and whoever waits for it, with an
/// optional deadline. Cloning shares the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    inner: Option<Arc<CancelState>>,
}

#[derive(Debug)]
struct CancelState {
    cancelled: AtomicBool,
    deadline: Option<Instant>,
}

impl Cancel {
    /// Never cancelled.
    pub fn never() -> Cancel {
        Cancel { inner: None }
    }

    /// Cancelled by [`Cancel::cancel`] only.
    pub fn new() -> Cancel {
        Cancel::with_deadline(None)
    }

    /// Cancelled by [`Cancel::cancel`], or once `deadline` has passed.
    pub fn with_deadline(deadline: Option<Instant>) -> Cancel {
        Cancel {
            inner: Some(Arc::new(CancelState {
                cancelled: AtomicBool::new(false),
                deadline,
            })),
        }
    }

    /// Stops the render at its next check.
    pub fn cancel(&self) {
        if let Some(state) = &self.inner {
            state.cancelled.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the render should stop now (cheap: an atomic load and, with a deadline,
    /// a clock read).
    pub fn is_cancelled(&self) -> bool {
        let Some(state) = &self.inner else {
            return false;
        };
        if state.cancelled.load(Ordering::Relaxed) {
            return true;
        }
        if state.deadline.is_some_and(|d| Instant::now() > d) {
            state.cancelled.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn cancel_is_shared_and_deadlines_expire() {
        let cancel = Cancel::new();
        let other = cancel.clone();
        assert!(!other.is_cancelled());
        cancel.cancel();
        assert!(other.is_cancelled());
        let past = Cancel::with_deadline(Some(Instant::now() - Duration::from_millis(1)));
        assert!(past.is_cancelled());
        assert!(!Cancel::never().is_cancelled());
    }
}
