//! The service's side of a worker process: starting one, giving it a job, watching it,
//! and ending it when it must stop.
//!
//! While a job runs, the pool thread that owns the worker watches it every
//! [`TICK`]: when the job is cancelled (deadline passed, client gone) it asks the worker to
//! stop, and kills it if it has not answered within [`GRACE`]; when the worker's memory
//! passes its cap it kills it at once; when the worker dies (a crash, the kernel's
//! allocation limit) the job is answered all the same. The worker asks for images; the
//! fetch runs here, under the service's policy and the job's remaining deadline.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, BufWriter};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use folio::{Cancel, Limits, Rendered};

use super::protocol::{read_frame, write_frame, FromWorker, ToWorker};
use crate::article::{locate_image, Article, ImageAt};
use crate::fetch::RemoteImages;
use crate::outcome::{Loss, Outcome};

/// How often a running job is looked at (cancel, memory, answers).
pub const TICK: Duration = Duration::from_millis(10);
/// How long a worker has to stop after it is asked to, before it is killed.
pub const GRACE: Duration = Duration::from_millis(200);
/// How long a new worker may take to build its engine and say it is ready.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of a worker's standard error kept to explain its death.
const STDERR_LINES: usize = 8;

/// How to start workers and what they may use.
pub struct Workers {
    /// The program (the `folio` binary) and the arguments that make it a worker.
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Resident memory a worker may use, in bytes; past it the worker is killed.
    pub memory_bytes: u64,
    /// Where the workers' images come from.
    pub images: Arc<RemoteImages>,
    /// The engine's limits for every render.
    pub limits: Limits,
    /// Workers replaced, by cause (deadline, memory, crash).
    pub restarts: Arc<Restarts>,
}

/// Counts of workers replaced, by cause.
#[derive(Default)]
pub struct Restarts {
    counts: [AtomicU64; 3],
}

impl Restarts {
    fn add(&self, loss: Loss) {
        self.counts[loss as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Each cause with its count.
    pub fn counts(&self) -> [(Loss, u64); 3] {
        [Loss::Deadline, Loss::Memory, Loss::Crash]
            .map(|loss| (loss, self.counts[loss as usize].load(Ordering::Relaxed)))
    }
}

/// A running worker.
pub struct Process {
    child: Child,
    input: BufWriter<ChildStdin>,
    frames: Receiver<io::Result<(FromWorker, Vec<u8>)>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    /// The thread that reads standard error: it ends when the worker has.
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One job, as the pool gives it.
pub struct JobRef<'a> {
    pub article: &'a Article,
    pub cancel: &'a Cancel,
}

impl Workers {
    /// Starts a worker and waits until its engine is built.
    pub fn start(&self) -> io::Result<Process> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("FOLIO_FONT_DIRS");
        confine(&mut command);
        let mut child = command.spawn()?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            return Err(io::Error::other("the worker's pipes were not opened"));
        };
        let (sender, frames) = channel();
        std::thread::Builder::new()
            .name(format!("folio-worker-{pid}-out"))
            .spawn(move || {
                let mut stdout = BufReader::new(stdout);
                loop {
                    let frame = read_frame::<FromWorker>(&mut stdout);
                    let end = frame.is_err();
                    if sender.send(frame).is_err() || end {
                        return;
                    }
                }
            })?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let kept = Arc::clone(&tail);
        let stderr_reader = std::thread::Builder::new()
            .name(format!("folio-worker-{pid}-err"))
            .spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { return };
                    tracing::warn!(worker = pid, "{line}");
                    if let Ok(mut kept) = kept.lock() {
                        if kept.len() == STDERR_LINES {
                            kept.pop_front();
                        }
                        kept.push_back(line);
                    }
                }
            })?;
        let process = Process {
            child,
            input: BufWriter::new(stdin),
            frames,
            stderr: tail,
            stderr_reader: Some(stderr_reader),
        };
        match process.frames.recv_timeout(START_TIMEOUT) {
            Ok(Ok((FromWorker::Ready, _))) => Ok(process),
            Ok(Ok(_)) => Err(io::Error::other("the worker spoke before it was ready")),
            Ok(Err(e)) => Err(io::Error::other(format!(
                "the worker stopped as it started ({e}){}",
                process.last_words()
            ))),
            Err(_) => Err(io::Error::other("the worker did not start in time")),
        }
    }

    /// Starts a worker in `slot` if it has none (at the pool's start, and after a worker
    /// was lost, once its job has been answered); a failure is logged, and the next job
    /// tries again.
    pub fn refill(&self, slot: &mut Option<Process>) {
        if slot.is_none() {
            match self.start() {
                Ok(process) => *slot = Some(process),
                Err(e) => tracing::error!(error = %e, "a render worker could not be started"),
            }
        }
    }

    /// Runs a job on the worker in `slot` (started first if there is none). A worker that
    /// had to die leaves the slot empty: [`Workers::refill`] replaces it.
    pub fn run(&self, slot: &mut Option<Process>, job: JobRef<'_>) -> Outcome {
        let process = match slot.take() {
            Some(process) => slot.insert(process),
            None => match self.start() {
                Ok(process) => slot.insert(process),
                Err(e) => {
                    self.restarts.add(Loss::Crash);
                    return Outcome::Lost {
                        loss: Loss::Crash,
                        detail: format!("no render worker could be started: {e}"),
                    };
                }
            },
        };
        let outcome = self.drive(process, &job);
        if let Outcome::Lost { loss, .. } = &outcome {
            self.restarts.add(*loss);
            // Dropping the process kills it and reaps it.
            *slot = None;
        }
        outcome
    }

    fn drive(&self, process: &mut Process, job: &JobRef<'_>) -> Outcome {
        let deadline = job.cancel.deadline();
        let deadline_ms =
            deadline.map(|d| d.saturating_duration_since(Instant::now()).as_millis() as u64);
        let render = ToWorker::Render {
            options: Box::new(job.article.options.clone()),
            origin: job.article.origin.clone(),
            limits: self.limits,
            deadline_ms,
        };
        if write_frame(&mut process.input, &render, job.article.markdown.as_bytes()).is_err() {
            // Its input is closed: it is ending, or ended; say how.
            return process.died();
        }
        let mut fetching: Option<Receiver<Result<Vec<u8>, String>>> = None;
        let mut asked_to_stop: Option<Instant> = None;
        loop {
            if job.cancel.is_cancelled() {
                match asked_to_stop {
                    None => {
                        asked_to_stop = Some(Instant::now());
                        // A worker that cannot be told is killed at the end of the grace.
                        let _ = write_frame(&mut process.input, &ToWorker::Cancel, b"");
                    }
                    Some(asked) if asked.elapsed() > GRACE => {
                        return process.lost(
                            Loss::Deadline,
                            "the render did not stop when asked and was killed",
                        );
                    }
                    Some(_) => {}
                }
            }
            if let Some(rss) = resident_bytes(process.child.id()) {
                if rss > self.memory_bytes {
                    return process.lost(
                        Loss::Memory,
                        &format!(
                            "the render needed more than the {} MB a render may use",
                            self.memory_bytes / (1024 * 1024)
                        ),
                    );
                }
            }
            if let Some(answer) = &fetching {
                let reply = match answer.try_recv() {
                    Ok(result) => Some(result),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => {
                        Some(Err("the image could not be fetched".to_string()))
                    }
                };
                if let Some(result) = reply {
                    fetching = None;
                    let (result, bytes) = match result {
                        Ok(bytes) => (Ok(()), bytes),
                        Err(reason) => (Err(reason), Vec::new()),
                    };
                    if write_frame(&mut process.input, &ToWorker::Image { result }, &bytes).is_err()
                    {
                        // Its input is closed: it is ending, or ended; say how.
                        return process.died();
                    }
                }
            }
            match process.frames.recv_timeout(TICK) {
                Ok(Ok((FromWorker::Done { result }, pdf))) => {
                    return Outcome::Done(result.map(|finished| Rendered {
                        pdf,
                        pages: finished.pages,
                        warnings: finished.warnings,
                        title: finished.title,
                        external_images: finished.external_images,
                        quality: finished.quality,
                    }))
                }
                Ok(Ok((FromWorker::Panicked { message }, _))) => return Outcome::Panicked(message),
                Ok(Ok((FromWorker::Image { url, max_bytes }, _))) => {
                    let (reply, answer) = channel();
                    match locate_image(&url, &job.article.files, max_bytes) {
                        // Nobody waits for the render any more: nothing is fetched for it.
                        _ if job.cancel.is_cancelled() => {
                            let _ = reply.send(Err("the render was stopped".to_string()));
                        }
                        ImageAt::File(bytes) => {
                            let _ = reply.send(Ok(bytes.to_vec()));
                        }
                        ImageAt::Nowhere(reason) => {
                            let _ = reply.send(Err(reason));
                        }
                        ImageAt::Web(absolute) => {
                            // On its own thread, so that this one keeps watching the job;
                            // the fetch's timeouts end at the job's deadline.
                            let images = Arc::clone(&self.images);
                            std::thread::spawn(move || {
                                let _ = reply
                                    .send(images.fetch_absolute(&absolute, max_bytes, deadline));
                            });
                        }
                    }
                    fetching = Some(answer);
                }
                Ok(Ok((FromWorker::Ready, _))) => {}
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return process.died(),
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

impl Process {
    /// The worker must go: kill it and say why.
    fn lost(&mut self, loss: Loss, detail: &str) -> Outcome {
        let _ = self.child.kill();
        let _ = self.child.wait();
        Outcome::Lost {
            loss,
            detail: detail.to_string(),
        }
    }

    /// The worker ended on its own: why, from its exit status and last words.
    fn died(&mut self) -> Outcome {
        let status = self.child.wait();
        // Its last words are read to the end of its standard error, closed as it ended.
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        let words = self.last_words();
        let how = match status {
            Ok(status) => {
                use std::os::unix::process::ExitStatusExt;
                match status.signal() {
                    Some(signal) => format!("was ended by signal {signal}"),
                    None => format!("exited with {status}"),
                }
            }
            Err(e) => format!("could not be waited for ({e})"),
        };
        let loss = if words.contains("memory allocation") || words.contains("out of memory") {
            Loss::Memory
        } else {
            Loss::Crash
        };
        Outcome::Lost {
            loss,
            detail: format!("the render's worker process {how}{words}"),
        }
    }

    /// The last line the worker wrote to its standard error, as `: line`, if any.
    fn last_words(&self) -> String {
        self.stderr
            .lock()
            .ok()
            .and_then(|t| t.back().cloned())
            .map(|line| format!(": {line}"))
            .unwrap_or_default()
    }
}

/// A process's resident memory in bytes (Linux's `/proc`), if it can be read.
fn resident_bytes(pid: u32) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * page.max(4096) as u64)
}

/// What a worker may do, set in the child before it runs Folio: it dies with the
/// service, writes no core files, and can gain no privileges.
fn confine(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only async-signal-safe calls are made (prctl and
    // setrlimit, on plain values).
    unsafe {
        command.pre_exec(|| {
            #[cfg(target_os = "linux")]
            {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
                libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            }
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            Ok(())
        });
    }
}
