//! What a render job comes back with, whoever ran it (a pool thread, or a worker
//! process that may have been lost).

use folio::{Error, Rendered};

/// What a render job comes back with.
pub enum Outcome {
    Done(Result<Rendered, Error>),
    /// The render panicked (a bug in Folio); the message, for the log.
    Panicked(String),
    /// The job was cancelled before a worker took it, and never ran.
    Dropped,
    /// The worker process running the job had to die (or died), and was replaced.
    Lost {
        loss: Loss,
        detail: String,
    },
}

/// Why a worker process was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Its render passed the deadline (or lost its client) and did not stop in time.
    Deadline = 0,
    /// It used more memory than a worker may.
    Memory = 1,
    /// It crashed (a bug in Folio, such as a stack overflow).
    Crash = 2,
}

impl Loss {
    /// As metrics and logs name it.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Deadline => "deadline",
            Loss::Memory => "memory",
            Loss::Crash => "crash",
        }
    }
}
