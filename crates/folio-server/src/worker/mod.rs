//! Renders in worker processes (`--isolation process`, the default on Linux): the way
//! browsers isolate their renderers. A render that overflows its stack, runs out of
//! memory or will not stop kills only its worker; the service answers the request and
//! starts another worker. Workers have no network: the service fetches their images.
//!
//! - [`protocol`]: the frames on a worker's pipes;
//! - [`child`]: the worker process's main loop;
//! - [`process`]: the service's side, which starts, watches and replaces workers.

pub mod child;
pub mod process;
pub mod protocol;
#[cfg(target_os = "linux")]
pub mod sandbox;

pub use child::WORKER_ARG;
