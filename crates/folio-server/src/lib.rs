//! `folio serve`: the HTTP service behind the blog's Print/PDF button and the API
//! clients. A thin shell around the same [`Engine`](folio::Engine) and
//! [`RenderOptions`](folio::RenderOptions) as the CLI: actix-web answers requests, a
//! fixed pool of threads renders ([`pool`]), a byte-bounded cache keeps recent PDFs
//! ([`cache`]), and every error is RFC 9457 problem+json ([`problem`]).

pub mod article;
pub mod auth;
pub mod body;
pub mod cache;
pub mod config;
pub mod fetch;
pub mod freshness;
pub mod logging;
pub mod metrics;
pub mod openapi;
pub mod outcome;
pub mod pool;
pub mod problem;
pub mod routes;
pub mod shared_cache;
pub mod startup;
pub mod worker;

use std::sync::Arc;

use actix_web::{HttpMessage, HttpRequest};

pub use config::{Isolation, ServerConfig};
pub use startup::{configure, create_app, run, start};

use folio::{Cancel, Context, Engine};

/// What every request handler shares.
pub struct AppState {
    pub engine: Arc<Engine>,
    pub pool: pool::RenderPool,
    /// The remote images renders read (and how much longer each may be reused).
    pub images: Arc<fetch::RemoteImages>,
    pub cache: cache::Cache,
    /// The Redis cache shared with other instances, if configured.
    pub shared: Option<Arc<shared_cache::SharedCache>>,
    pub metrics: metrics::Metrics,
    /// The bearer tokens API clients must send, if a token file is configured.
    pub tokens: Option<auth::Tokens>,
    pub config: ServerConfig,
}

impl AppState {
    /// Builds the engine (once) and the render pool: worker processes running this
    /// program (the `folio` binary) with process isolation, threads with thread
    /// isolation. A program that embeds the service with process isolation must start
    /// workers the way `folio` does: when its first argument is [`worker::WORKER_ARG`],
    /// call [`worker::child::run`] with the remaining arguments (font folders) and exit
    /// with its code.
    pub fn new(config: ServerConfig) -> AppState {
        let font_dirs: Vec<std::path::PathBuf> = config
            .font_dirs
            .iter()
            .map(std::path::PathBuf::from)
            .collect();
        let engine = Arc::new(Engine::with_font_dirs(font_dirs));
        // Font files that cannot be used are said once, at start.
        for (path, reason) in engine.unreadable_fonts() {
            tracing::warn!(path = %path.display(), reason, "font file skipped");
        }
        AppState::with_engine(config, engine)
    }

    /// The same with an engine already built (its fonts are the workers' too: worker
    /// processes get `config.font_dirs`).
    pub fn with_engine(config: ServerConfig, engine: Arc<Engine>) -> AppState {
        let images = Arc::new(remote_images(&config));
        let pool = match config.isolation {
            Isolation::Thread => {
                let render = engine_renderer(Arc::clone(&engine), Arc::clone(&images), &config);
                pool::RenderPool::new(render, config.workers, config.queue)
            }
            Isolation::Process => {
                let program = std::env::current_exe().unwrap_or_else(|_| "folio".into());
                let mut args = vec![std::ffi::OsString::from(worker::WORKER_ARG)];
                args.extend(config.font_dirs.iter().map(Into::into));
                let workers = worker::process::Workers {
                    program,
                    args,
                    memory_bytes: config.worker_memory_mb.saturating_mul(1024 * 1024),
                    images: Arc::clone(&images),
                    limits: config.limits,
                    restarts: Arc::default(),
                };
                pool::RenderPool::with_processes(workers, config.workers, config.queue)
            }
        };
        AppState::with_pool(config, engine, images, pool)
    }

    /// The same with another renderer (tests use slow or failing ones).
    pub fn with_renderer(
        config: ServerConfig,
        engine: Arc<Engine>,
        render: pool::Renderer,
    ) -> AppState {
        let pool = pool::RenderPool::new(render, config.workers, config.queue);
        let images = Arc::new(remote_images(&config));
        AppState::with_pool(config, engine, images, pool)
    }

    fn with_pool(
        config: ServerConfig,
        engine: Arc<Engine>,
        images: Arc<fetch::RemoteImages>,
        pool: pool::RenderPool,
    ) -> AppState {
        AppState {
            pool,
            images,
            cache: cache::Cache::new(config.cache_bytes),
            shared: config
                .redis_url
                .as_deref()
                .and_then(|url| shared_cache::SharedCache::new(url, config.redis_ttl).ok())
                .map(Arc::new),
            metrics: metrics::Metrics::default(),
            tokens: config.token_file.0.as_deref().map(|path| {
                match auth::Tokens::load(path) {
                    Ok(tokens) => tokens,
                    Err(e) => {
                        // `check` refuses this before the service starts; refuse every
                        // API call rather than run open.
                        tracing::error!(error = %e, "token file unreadable; refusing API calls");
                        auth::Tokens::default()
                    }
                }
            }),
            engine,
            config,
        }
    }
}

/// The networks the operator trusts (settings checked before start; a bad one is
/// skipped here).
pub fn trusted_networks(config: &ServerConfig) -> Vec<fetch::Network> {
    config
        .trust_networks
        .iter()
        .filter_map(|n| fetch::Network::parse(n).ok())
        .collect()
}

/// The renderer the pool runs: the engine, with images from `data:` URIs, the files
/// uploaded with the article and the configured image origins, the deadline, and the
/// operator's limits.
pub fn engine_renderer(
    engine: Arc<Engine>,
    images: Arc<fetch::RemoteImages>,
    config: &ServerConfig,
) -> pool::Renderer {
    let limits = config.limits;
    Arc::new(move |article: &article::Article, cancel: &Cancel| {
        let images = images.for_article(&article.files, cancel.deadline());
        let context = Context {
            images: &images,
            origin: article.origin.clone(),
            cancel: cancel.clone(),
            limits,
        };
        engine.render_with(&article.markdown, &article.options, &context)
    })
}

/// Images from the configured image origins, with the service's fetch policy and cache.
fn remote_images(config: &ServerConfig) -> fetch::RemoteImages {
    fetch::RemoteImages {
        fetcher: fetch::Fetcher {
            origins: config.image_origins.clone(),
            named: config.allow_origins.clone(),
            connect_timeout: std::time::Duration::from_millis(config.fetch_timeout_ms),
            total_timeout: std::time::Duration::from_millis(config.fetch_timeout_ms),
            max_bytes: config.limits.max_image_bytes,
            trusted: trusted_networks(config),
        },
        cache: Arc::new(cache::ByteCache::new(
            config.image_cache_bytes,
            std::time::Duration::from_secs(config.source_ttl_s),
        )),
    }
}

/// A request's id, as given to the log and the client (`X-Request-Id`).
#[derive(Clone)]
struct RequestId(String);

pub fn request_id(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// The longest `X-Request-Id` kept from a client (a proxy's or load balancer's id).
pub const MAX_REQUEST_ID: usize = 64;

/// `X-Folio-Warning` headers at most (`X-Folio-Warnings` counts them all).
pub const MAX_WARNING_HEADERS: usize = 5;

/// A client's `X-Request-Id`, if it is one to keep: 1 to 64 letters, digits and
/// `-_.:@/+=`; anything else is replaced by an id of Folio's own.
pub fn valid_request_id(value: &[u8]) -> Option<&str> {
    let ok = !value.is_empty()
        && value.len() <= MAX_REQUEST_ID
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:@/+=".contains(b));
    ok.then(|| std::str::from_utf8(value).ok()).flatten()
}

/// What a render answer tells the log (kept in the response's extensions).
#[derive(Debug, Clone, Copy)]
pub struct RenderInfo {
    pub pages: usize,
    pub bytes: usize,
    /// `memory`, `redis` or `miss`.
    pub cache: &'static str,
}

/// Every route: its path, its methods (HEAD answers wherever GET does), and whether it
/// is part of the API that a token file guards. The router, the 405 answers' `Allow`,
/// the CORS preflight and the tests (every route is in the OpenAPI document) all read it.
pub const ROUTES: &[(&str, &[&str])] = &[
    ("/v1/render", &["GET", "HEAD", "POST", "OPTIONS"]),
    ("/v1/templates", &["GET", "HEAD"]),
    ("/v1/preparing", &["GET", "HEAD"]),
    ("/healthz", &["GET", "HEAD"]),
    ("/readyz", &["GET", "HEAD"]),
    ("/metrics", &["GET", "HEAD"]),
    ("/openapi.json", &["GET", "HEAD"]),
    ("/button.js", &["GET", "HEAD"]),
    ("/demo/post.md", &["GET", "HEAD"]),
    ("/", &["GET", "HEAD"]),
];
