//! The render pool: rendering is CPU work, so it runs on a fixed set of threads (one
//! per core by default), never on the async workers that answer requests. A bounded
//! queue sits in front: when it is full the service sheds load (503) instead of queueing
//! without limit. Every job carries a [`Cancel`] (its deadline, and a flag set when its
//! client is gone): a job cancelled while it waits is dropped without starting, one
//! cancelled while it runs stops at the engine's next check.
//!
//! Each pool thread either renders itself ([`RenderPool::new`], `--isolation thread`:
//! a panic is caught and the thread lives on) or owns a worker process and hands it its
//! jobs ([`RenderPool::with_processes`], `--isolation process`: whatever happens in
//! the worker, the thread answers the job and replaces the worker).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use folio::{Cancel, Error, Rendered};
use tokio::sync::oneshot;

use crate::article::Article;
use crate::worker::child::{panic_message, RENDER_STACK};
use crate::worker::process::{JobRef, Process, Restarts, Workers};

/// What the pool runs for each job: the engine's render, or a stand-in in tests. The
/// [`Cancel`] is the job's: the renderer must pass it on to the engine.
pub type Renderer = Arc<RenderFn>;

/// The function behind a [`Renderer`].
pub type RenderFn = dyn Fn(&Article, &Cancel) -> Result<Rendered, Error> + Send + Sync;

pub use crate::outcome::{Loss, Outcome};

/// What the pool's threads run jobs with.
enum Runner {
    /// In the thread itself.
    Threads(Renderer),
    /// In a worker process each thread owns.
    Processes(Arc<Workers>),
}

struct Job {
    id: u64,
    article: Article,
    cancel: Cancel,
    reply: oneshot::Sender<Outcome>,
}

/// Counts shared between the pool and its threads.
#[derive(Default)]
struct Shared {
    /// Jobs waiting or running.
    queued: AtomicUsize,
    /// Jobs dropped without running (cancelled while they waited).
    dropped: AtomicU64,
    /// When each waiting job was queued, by job id (the oldest tells whether the
    /// service keeps up).
    waiting: Mutex<BTreeMap<u64, Instant>>,
}

/// A fixed pool of render threads behind a bounded queue.
pub struct RenderPool {
    sender: SyncSender<Job>,
    shared: Arc<Shared>,
    next_id: AtomicU64,
    restarts: Option<Arc<Restarts>>,
}

/// The queue is full: try again later.
#[derive(Debug)]
pub struct Busy;

impl RenderPool {
    /// Starts `workers` threads running `render`, with room for `queue` waiting jobs.
    pub fn new(render: Renderer, workers: usize, queue: usize) -> RenderPool {
        RenderPool::start(Runner::Threads(render), workers, queue, None)
    }

    /// Starts `threads` threads, each with a worker process from `workers`, with room
    /// for `queue` waiting jobs.
    pub fn with_processes(workers: Workers, threads: usize, queue: usize) -> RenderPool {
        let restarts = Arc::clone(&workers.restarts);
        RenderPool::start(
            Runner::Processes(Arc::new(workers)),
            threads,
            queue,
            Some(restarts),
        )
    }

    fn start(
        runner: Runner,
        workers: usize,
        queue: usize,
        restarts: Option<Arc<Restarts>>,
    ) -> RenderPool {
        let (sender, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let shared = Arc::new(Shared::default());
        let runner = Arc::new(runner);
        for n in 0..workers.max(1) {
            let receiver = Arc::clone(&receiver);
            let runner = Arc::clone(&runner);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("folio-render-{n}"))
                // Renders in this thread need the stack a worker's render thread has.
                .stack_size(match *runner {
                    Runner::Threads(_) => RENDER_STACK,
                    Runner::Processes(_) => 2 * 1024 * 1024,
                })
                .spawn(move || work(&runner, &receiver, &shared))
                .expect("start a render thread");
        }
        RenderPool {
            sender,
            shared,
            next_id: AtomicU64::new(0),
            restarts,
        }
    }

    /// Worker processes replaced, by cause (none in thread isolation).
    pub fn restarts(&self) -> Vec<(Loss, u64)> {
        self.restarts
            .as_ref()
            .map(|r| r.counts().to_vec())
            .unwrap_or_default()
    }

    /// Queues a render that stops when `cancel` says so; the answer arrives on the
    /// returned channel.
    pub fn submit(
        &self,
        article: Article,
        cancel: Cancel,
    ) -> Result<oneshot::Receiver<Outcome>, Busy> {
        let (reply, answer) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.shared.queued.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut waiting) = self.shared.waiting.lock() {
            waiting.insert(id, Instant::now());
        }
        let job = Job {
            id,
            article,
            cancel,
            reply,
        };
        match self.sender.try_send(job) {
            Ok(()) => Ok(answer),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.shared.queued.fetch_sub(1, Ordering::SeqCst);
                if let Ok(mut waiting) = self.shared.waiting.lock() {
                    waiting.remove(&id);
                }
                Err(Busy)
            }
        }
    }

    /// Jobs waiting or running.
    pub fn depth(&self) -> usize {
        self.shared.queued.load(Ordering::SeqCst)
    }

    /// How long the oldest waiting job has waited.
    pub fn oldest_wait(&self) -> Option<Duration> {
        let waiting = self.shared.waiting.lock().ok()?;
        waiting.values().next().map(Instant::elapsed)
    }

    /// Jobs dropped without running because they were cancelled while they waited.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }
}

fn work(runner: &Runner, receiver: &Mutex<Receiver<Job>>, shared: &Shared) {
    // This thread's worker process, started before the first job arrives.
    let mut process: Option<Process> = None;
    if let Runner::Processes(workers) = runner {
        workers.refill(&mut process);
    }
    loop {
        let job = {
            let Ok(receiver) = receiver.lock() else {
                return;
            };
            match receiver.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        if let Ok(mut waiting) = shared.waiting.lock() {
            waiting.remove(&job.id);
        }
        // Nobody waits for it any more (its deadline passed, or its client is gone).
        if job.cancel.is_cancelled() || job.reply.is_closed() {
            shared.dropped.fetch_add(1, Ordering::Relaxed);
            shared.queued.fetch_sub(1, Ordering::SeqCst);
            let _ = job.reply.send(Outcome::Dropped);
            continue;
        }
        let outcome = match runner {
            Runner::Threads(render) => match std::panic::catch_unwind(AssertUnwindSafe(|| {
                render(&job.article, &job.cancel)
            })) {
                Ok(result) => Outcome::Done(result),
                Err(panic) => Outcome::Panicked(panic_message(panic.as_ref())),
            },
            Runner::Processes(workers) => workers.run(
                &mut process,
                JobRef {
                    article: &job.article,
                    cancel: &job.cancel,
                },
            ),
        };
        if let Outcome::Lost { loss, detail } = &outcome {
            tracing::warn!(cause = loss.name(), detail, "render worker replaced");
        }
        shared.queued.fetch_sub(1, Ordering::SeqCst);
        // The client may have gone (deadline passed): nobody to tell.
        let _ = job.reply.send(outcome);
        // A worker that was lost is replaced once its job is answered, before the next.
        if let Runner::Processes(workers) = runner {
            workers.refill(&mut process);
        }
    }
}

/// Cancels a render when the request that waits for it is dropped (actix drops a
/// handler's future when its client disconnects), unless disarmed first.
pub struct CancelOnDrop {
    cancel: Cancel,
    armed: bool,
}

impl CancelOnDrop {
    pub fn new(cancel: Cancel) -> CancelOnDrop {
        CancelOnDrop {
            cancel,
            armed: true,
        }
    }

    /// The answer arrived: nothing to cancel.
    pub fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.cancel.cancel();
        }
    }
}
