//! The HTTP routes. Each handler reads a request into the library's types, asks the
//! render pool, and turns the answer into a response; every failure is an
//! [`ApiError`](crate::problem::ApiError).
//! One file per concern: reading requests, the render routes, the headers made from a
//! render, the service's own information, and the pages a browser loads.

mod headers;
mod info;
mod pages;
mod render;
mod request;

pub use info::{build_info, healthz, metrics, openapi, readyz, templates};
pub use pages::{button_js, demo, demo_post, preparing, DEMO_POST_PATH};
pub use render::{render, render_url};
pub use request::options_from_pairs;
