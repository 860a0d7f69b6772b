//! The render pool: rendering is CPU work, so it runs on a fixed set of threads (one
//! per core by default), never on the async workers that answer requests. A bounded
//! queue sits in front: when it is full the service sheds load (503) instead of queueing
//! without limit. A panic inside a render is caught and reported, and the thread lives on.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use folio::{Error, RenderOptions, Rendered};

/// What the pool runs for each job: the engine's render, or a stand-in in tests.
pub type Renderer = Arc<dyn Fn(&str, &RenderOptions) -> Result<Rendered, Error> + Send + Sync>;

/// What a render job comes back with.
pub enum Outcome {
    Done(Result<Rendered, Error>),
    /// The render panicked (a bug in Folio); the message, for the log.
    Panicked(String),
}

struct Job {
    markdown: String,
    options: RenderOptions,
    reply: oneshot::Sender<Outcome>,
}

/// A fixed pool of render threads behind a bounded queue.
pub struct RenderPool {
    sender: SyncSender<Job>,
    queued: Arc<AtomicUsize>,
}

/// The queue is full: try again later.
#[derive(Debug)]
pub struct Busy;

impl RenderPool {
    /// Starts `workers` threads running `render`, with room for `queue` waiting jobs.
    pub fn new(render: Renderer, workers: usize, queue: usize) -> RenderPool {
        let (sender, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let queued = Arc::new(AtomicUsize::new(0));
        for n in 0..workers.max(1) {
            let receiver = Arc::clone(&receiver);
            let render = Arc::clone(&render);
            let queued = Arc::clone(&queued);
            std::thread::Builder::new()
                .name(format!("folio-render-{n}"))
                .spawn(move || work(render.as_ref(), &receiver, &queued))
                .expect("start a render thread");
        }
        RenderPool { sender, queued }
    }

    /// Queues a render; the answer arrives on the returned channel.
    pub fn submit(
        &self,
        markdown: String,
        options: RenderOptions,
    ) -> Result<oneshot::Receiver<Outcome>, Busy> {
        let (reply, answer) = oneshot::channel();
        self.queued.fetch_add(1, Ordering::SeqCst);
        match self.sender.try_send(Job {
            markdown,
            options,
            reply,
        }) {
            Ok(()) => Ok(answer),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.queued.fetch_sub(1, Ordering::SeqCst);
                Err(Busy)
            }
        }
    }

    /// Jobs waiting or running.
    pub fn depth(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }
}

fn work(
    render: &(dyn Fn(&str, &RenderOptions) -> Result<Rendered, Error> + Send + Sync),
    receiver: &Mutex<Receiver<Job>>,
    queued: &AtomicUsize,
) {
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
        let outcome = match std::panic::catch_unwind(AssertUnwindSafe(|| {
            render(&job.markdown, &job.options)
        })) {
            Ok(result) => Outcome::Done(result),
            Err(panic) => Outcome::Panicked(
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string()),
            ),
        };
        queued.fetch_sub(1, Ordering::SeqCst);
        // The client may have gone (deadline passed): nobody to tell.
        let _ = job.reply.send(outcome);
    }
}
