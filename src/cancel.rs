//! Stopping a render: a flag shared between the render and whoever waits for it, with
//! an optional deadline. Every stage looks at it between pieces of work.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

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

    /// When the render must stop at the latest, if it has a deadline.
    pub fn deadline(&self) -> Option<Instant> {
        self.inner.as_ref().and_then(|state| state.deadline)
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
