//! `folio serve`: the HTTP service behind the blog's Print/PDF button and the API
//! clients. A thin shell around the same [`Engine`](folio::Engine) and
//! [`RenderOptions`](folio::RenderOptions) as the CLI: actix-web answers requests, a
//! fixed pool of threads renders ([`pool`]), a byte-bounded cache keeps recent PDFs
//! ([`cache`]), and every error is RFC 9457 problem+json ([`problem`]).

pub mod body;
pub mod cache;
pub mod config;
pub mod fetch;
pub mod metrics;
pub mod pool;
pub mod problem;
pub mod routes;
pub mod shared_cache;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};

pub use config::ServerConfig;

use folio::{Cancel, Context, Engine};

/// What every request handler shares.
pub struct AppState {
    pub engine: Arc<Engine>,
    pub pool: pool::RenderPool,
    pub cache: cache::Cache,
    /// The Redis cache shared with other instances, if configured.
    pub shared: Option<Arc<shared_cache::SharedCache>>,
    pub metrics: metrics::Metrics,
    pub config: ServerConfig,
}

impl AppState {
    /// Builds the engine (once) and the render pool.
    pub fn new(config: ServerConfig) -> AppState {
        let font_dirs = config
            .font_dirs
            .iter()
            .map(std::path::PathBuf::from)
            .collect();
        let engine = Arc::new(Engine::with_font_dirs(font_dirs));
        let render = engine_renderer(Arc::clone(&engine), &config);
        AppState::with_renderer(config, engine, render)
    }

    /// The same with another renderer (tests use slow or failing ones).
    pub fn with_renderer(
        config: ServerConfig,
        engine: Arc<Engine>,
        render: pool::Renderer,
    ) -> AppState {
        AppState {
            pool: pool::RenderPool::new(render, config.workers, config.queue),
            cache: cache::Cache::new(config.cache_bytes),
            shared: config
                .redis_url
                .as_deref()
                .and_then(|url| shared_cache::SharedCache::new(url, config.redis_ttl).ok())
                .map(Arc::new),
            metrics: metrics::Metrics::default(),
            engine,
            config,
        }
    }
}

/// The renderer the pool runs: the engine, with images from `data:` URIs and the
/// configured image origins, the deadline, and the operator's limits.
pub fn engine_renderer(engine: Arc<Engine>, config: &ServerConfig) -> pool::Renderer {
    let images = fetch::RemoteImages {
        fetcher: fetch::Fetcher {
            origins: config.image_origins.clone(),
            connect_timeout: std::time::Duration::from_millis(config.fetch_timeout_ms),
            total_timeout: std::time::Duration::from_millis(config.fetch_timeout_ms),
            max_bytes: 20 * 1024 * 1024,
        },
    };
    let limits = config.limits;
    Arc::new(move |markdown, options, cancel: &Cancel| {
        let context = Context {
            images: &images,
            cancel: cancel.clone(),
            limits,
        };
        engine.render_with(markdown, options, &context)
    })
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

/// Registers the routes and middleware on an app; shared by `run` and the tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/render", web::post().to(routes::render))
        .route("/v1/render", web::get().to(routes::render_url))
        .route("/v1/templates", web::get().to(routes::templates))
        .route("/healthz", web::get().to(routes::healthz))
        .route("/readyz", web::get().to(routes::readyz))
        .route("/metrics", web::get().to(routes::metrics))
        .route("/openapi.json", web::get().to(routes::openapi))
        .route("/button.js", web::get().to(routes::button_js))
        .route("/", web::get().to(routes::demo));
}

/// The application: routes, request ids and logs, CORS, metrics.
pub fn create_app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    App::new()
        .app_data(state.clone())
        .configure(configure)
        .route("/v1/render", web::method(Method::OPTIONS).to(preflight))
        .default_service(web::to(not_found))
        .wrap(
            actix_web::middleware::ErrorHandlers::new()
                .default_handler(problem::empty_error_as_problem),
        )
        .wrap_fn(move |req, srv| {
            use actix_web::dev::Service;
            let id = format!(
                "{:x}-{:x}",
                std::process::id(),
                NEXT_ID.fetch_add(1, Ordering::Relaxed)
            );
            req.extensions_mut().insert(RequestId(id.clone()));
            let state = state.clone();
            let started = Instant::now();
            let method = req.method().clone();
            let path = req.path().to_string();
            let allowed = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .filter(|o| state.config.cors_origins.iter().any(|a| a == o || a == "*"))
                .map(str::to_string);
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                let status = res.status().as_u16();
                let headers = res.headers_mut();
                if let Ok(value) = header::HeaderValue::from_str(&id) {
                    headers.insert(header::HeaderName::from_static("x-request-id"), value);
                }
                // CORS: only the configured blog origins may read answers in a browser.
                if let Some(value) = allowed.and_then(|o| header::HeaderValue::from_str(&o).ok()) {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
                    headers.insert(header::VARY, header::HeaderValue::from_static("Origin"));
                    headers.insert(
                        header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        header::HeaderValue::from_static(
                            "X-Folio-Pages, X-Folio-Warnings, X-Request-Id, Content-Disposition",
                        ),
                    );
                }
                state.metrics.request(route_label(&path), status);
                tracing::info!(
                    request_id = %id,
                    method = %method,
                    path = %path,
                    status,
                    ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
                    "request"
                );
                Ok(res)
            }
        })
}

/// CORS preflight for `/v1/render` (the allowed origin is added by the middleware).
async fn preflight() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS"))
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "Content-Type, If-None-Match",
        ))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
        .finish()
}

/// Routes as metric labels (unknown paths are one label, so metrics stay bounded).
fn route_label(path: &str) -> &'static str {
    match path {
        "/v1/render" => "/v1/render",
        "/v1/templates" => "/v1/templates",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        "/openapi.json" => "/openapi.json",
        "/button.js" => "/button.js",
        "/" => "/",
        _ => "other",
    }
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("application/problem+json")
        .body(
            serde_json::json!({
                "type": "about:blank",
                "title": "Not found",
                "status": 404,
                "detail": format!("there is nothing at {}", req.path()),
            })
            .to_string(),
        )
}

/// Runs the service until SIGINT or SIGTERM; requests in flight are finished first.
pub fn run(config: ServerConfig) -> std::io::Result<()> {
    let state = web::Data::new(AppState::new(config));
    actix_web::rt::System::new().block_on(async move {
        let (server, addresses) = start(state.clone())?;
        tracing::info!(
            address = ?addresses,
            workers = state.config.workers,
            queue = state.config.queue,
            "folio serve listening"
        );
        server.await
    })
}

/// Binds the service as its settings say (inside an actix system) and gives the running
/// server and the addresses it listens on; tests start it on port 0.
pub fn start(
    state: web::Data<AppState>,
) -> std::io::Result<(actix_web::dev::Server, Vec<std::net::SocketAddr>)> {
    let config = &state.config;
    let open_files = raise_open_files_limit(config.max_connections as u64 + 256);
    let io_workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Every connection holds a file; keep a margin for the rest of the process.
    let max_connections = config
        .max_connections
        .min(open_files.saturating_sub(256) as usize)
        .max(16);
    let bind = config.bind;
    let server = HttpServer::new(move || create_app(state.clone()))
        .workers(io_workers)
        .max_connections(max_connections.div_ceil(io_workers))
        // A client that closes its side is gone: its render is cancelled.
        .h1_allow_half_closed(false)
        .shutdown_timeout(30)
        .bind(bind)?;
    let addresses = server.addrs();
    Ok((server.run(), addresses))
}

/// Raises the soft limit of open files towards `wanted` (within the hard limit); returns
/// the limit in force.
fn raise_open_files_limit(wanted: u64) -> u64 {
    // SAFETY: getrlimit and setrlimit read and write the plain struct given to them.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return wanted;
        }
        if limit.rlim_cur < wanted {
            let raised = libc::rlimit {
                rlim_cur: wanted.min(limit.rlim_max),
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                return raised.rlim_cur;
            }
        }
        limit.rlim_cur
    }
}
