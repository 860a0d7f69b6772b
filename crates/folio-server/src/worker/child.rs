//! The worker process: `folio` started by the service with a hidden first argument
//! ([`WORKER_ARG`]). It builds its own [`Engine`], then renders one job at a time from its
//! standard input and answers on its standard output ([`protocol`](super::protocol)).
//! Whatever a render does to it (runs out of stack, of memory, takes too long), only this
//! process dies, and the service answers the request and starts another.
//!
//! Its main thread reads frames (a job, a cancel, an image's bytes); the render runs on
//! a thread with a large stack, so a cancel arrives while it works.

use std::io::{self, BufReader, BufWriter, Write};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use folio::{Cancel, Context, Engine, ImageSource, Limits, RenderOptions};

use super::protocol::{read_frame, write_frame, Finished, FromWorker, ToWorker};

/// The first argument that makes `folio` a worker (not a command users type).
pub const WORKER_ARG: &str = "__folio-render-worker";

/// The render thread's stack. Every recursive stage is bounded by a limit (nesting of
/// lists and quotes, SVG depth, front matter depth); this covers the deepest they allow
/// with room to spare, and costs only address space until used.
pub const RENDER_STACK: usize = 256 * 1024 * 1024;

/// One job, as the render thread gets it.
struct Job {
    markdown: String,
    options: RenderOptions,
    origin: folio::Origin,
    limits: Limits,
    cancel: Cancel,
}

/// Runs a worker until its input closes; the exit code.
pub fn run(font_dirs: Vec<PathBuf>) -> i32 {
    let engine = Engine::with_font_dirs(font_dirs);
    let out = Arc::new(Mutex::new(BufWriter::new(io::stdout())));
    let (jobs, next_job) = channel::<Job>();
    let (image_replies, image_answers) = channel::<Result<Vec<u8>, String>>();
    let images = ServiceImages {
        out: Arc::clone(&out),
        answers: Mutex::new(image_answers),
    };
    let render_out = Arc::clone(&out);
    let renderer = std::thread::Builder::new()
        .name("folio-worker-render".into())
        .stack_size(RENDER_STACK)
        .spawn(move || render_jobs(&engine, &next_job, &images, &render_out));
    if renderer.is_err() {
        eprintln!("folio worker: cannot start the render thread");
        return 1;
    }
    // From here on the worker only reads its pipe, renders, reads fonts and writes its
    // answers: everything else is refused.
    #[cfg(target_os = "linux")]
    if let Err(e) = super::sandbox::confine() {
        eprintln!("folio worker: not sandboxed: {e}");
    }
    if send(&out, &FromWorker::Ready, b"").is_err() {
        return 1;
    }
    let current: Mutex<Cancel> = Mutex::new(Cancel::never());
    read_frames(&jobs, &image_replies, &current)
}

/// The main thread: frames from the service, until it closes the pipe.
fn read_frames(
    jobs: &Sender<Job>,
    image_replies: &Sender<Result<Vec<u8>, String>>,
    current: &Mutex<Cancel>,
) -> i32 {
    let mut input = BufReader::new(io::stdin().lock());
    loop {
        let (message, blob) = match read_frame::<ToWorker>(&mut input) {
            Ok(frame) => frame,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return 0,
            Err(e) => {
                eprintln!("folio worker: unreadable frame from the service: {e}");
                return 1;
            }
        };
        match message {
            ToWorker::Render {
                options,
                origin,
                limits,
                deadline_ms,
            } => {
                let deadline = deadline_ms.map(|ms| Instant::now() + Duration::from_millis(ms));
                let cancel = Cancel::with_deadline(deadline);
                if let Ok(mut current) = current.lock() {
                    *current = cancel.clone();
                }
                let Ok(markdown) = String::from_utf8(blob) else {
                    eprintln!("folio worker: the markdown is not UTF-8");
                    return 1;
                };
                let job = Job {
                    markdown,
                    options: *options,
                    origin,
                    limits,
                    cancel,
                };
                if jobs.send(job).is_err() {
                    return 1;
                }
            }
            ToWorker::Cancel => {
                if let Ok(current) = current.lock() {
                    current.cancel();
                }
            }
            ToWorker::Image { result } => {
                let _ = image_replies.send(result.map(|()| blob));
            }
        }
    }
}

fn render_jobs(
    engine: &Engine,
    jobs: &Receiver<Job>,
    images: &ServiceImages,
    out: &Mutex<BufWriter<io::Stdout>>,
) {
    for job in jobs {
        let context = Context {
            images,
            cancel: job.cancel.clone(),
            origin: job.origin.clone(),
            limits: job.limits,
        };
        let rendered = std::panic::catch_unwind(AssertUnwindSafe(|| {
            engine.render_with(&job.markdown, &job.options, &context)
        }));
        let sent = match rendered {
            Ok(Ok(rendered)) => send(
                out,
                &FromWorker::Done {
                    result: Ok(Finished {
                        pages: rendered.pages,
                        warnings: rendered.warnings,
                        title: rendered.title,
                        external_images: rendered.external_images,
                        quality: rendered.quality,
                    }),
                },
                &rendered.pdf,
            ),
            Ok(Err(error)) => send(out, &FromWorker::Done { result: Err(error) }, b""),
            Err(panic) => send(
                out,
                &FromWorker::Panicked {
                    message: panic_message(panic.as_ref()),
                },
                b"",
            ),
        };
        if sent.is_err() {
            // The service is gone: nothing more to do.
            std::process::exit(0);
        }
    }
}

/// Images through the service: `data:` URIs are decoded here; anything else is asked of
/// the service, which fetches it under its policy and the render's deadline.
struct ServiceImages {
    out: Arc<Mutex<BufWriter<io::Stdout>>>,
    /// One request at a time: the lock is held from the request to its answer.
    answers: Mutex<Receiver<Result<Vec<u8>, String>>>,
}

impl ImageSource for ServiceImages {
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            return folio::images::decode_data_uri(url, max_bytes);
        }
        let answers = self
            .answers
            .lock()
            .map_err(|_| "the image could not be asked for".to_string())?;
        send(
            &self.out,
            &FromWorker::Image {
                url: url.to_string(),
                max_bytes,
            },
            b"",
        )
        .map_err(|_| "the service is gone".to_string())?;
        answers
            .recv()
            .map_err(|_| "the service is gone".to_string())?
    }
}

fn send(out: &Mutex<BufWriter<io::Stdout>>, message: &FromWorker, blob: &[u8]) -> io::Result<()> {
    let mut out = out
        .lock()
        .map_err(|_| io::Error::other("output lock poisoned"))?;
    write_frame(&mut *out, message, blob)?;
    out.flush()
}

/// A panic's message, for the log.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
