//! Starting the service: the application (routes, request ids and logs, tokens, CORS,
//! metrics, problem+json for every error), the HTTP server that runs it, and its
//! shutdown. The handlers are in `routes`; what they share is [`AppState`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};

use crate::{
    problem, routes, valid_request_id, AppState, RenderInfo, RequestId, ServerConfig, ROUTES,
};

/// GET, and HEAD (the same answer without its body; actix-web leaves the body out).
pub(crate) fn get_or_head() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
}

/// Registers the routes and middleware on an app; shared by `run` and the tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/render", web::post().to(routes::render))
        .route("/v1/render", get_or_head().to(routes::render_url))
        .route("/v1/templates", get_or_head().to(routes::templates))
        .route("/v1/preparing", get_or_head().to(routes::preparing))
        .route("/healthz", get_or_head().to(routes::healthz))
        .route("/readyz", get_or_head().to(routes::readyz))
        .route("/metrics", get_or_head().to(routes::metrics))
        .route("/openapi.json", get_or_head().to(routes::openapi))
        .route("/button.js", get_or_head().to(routes::button_js))
        .route(routes::DEMO_POST_PATH, get_or_head().to(routes::demo_post))
        .route("/", get_or_head().to(routes::demo));
}

/// Whether a request needs a token when a token file is configured: the API (`/v1/...`)
/// does, except CORS preflights, the "Preparing your PDF" page, and (unless configured
/// otherwise) the button's plain link, `GET /v1/render?url=`.
pub(crate) fn needs_token(config: &ServerConfig, method: &Method, path: &str) -> bool {
    if !path.starts_with("/v1/") || method == Method::OPTIONS || path == "/v1/preparing" {
        return false;
    }
    let url_render = path == "/v1/render" && (method == Method::GET || method == Method::HEAD);
    !(url_render && config.public_url_renders)
}

/// The application: routes, request ids and logs, tokens, CORS, metrics.
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
            use futures_util::future::{Either, FutureExt};
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| valid_request_id(v.as_bytes()))
                .map(str::to_string)
                .unwrap_or_else(|| {
                    format!(
                        "{:x}-{:x}",
                        std::process::id(),
                        NEXT_ID.fetch_add(1, Ordering::Relaxed)
                    )
                });
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
            let refused = match &state.tokens {
                Some(tokens) if needs_token(&state.config, &method, &path) => !tokens.accepts(
                    req.headers()
                        .get(header::AUTHORIZATION)
                        .map(|v| v.as_bytes()),
                ),
                _ => false,
            };
            let fut = if refused {
                let (http, _) = req.into_parts();
                let response =
                    actix_web::ResponseError::error_response(&problem::ApiError::Unauthorized)
                        .map_into_boxed_body();
                Either::Left(futures_util::future::ready(Ok(ServiceResponse::new(
                    http, response,
                ))))
            } else {
                Either::Right(srv.call(req).map(|r| r.map(|r| r.map_into_boxed_body())))
            };
            async move {
                let mut res = fut.await?;
                let status = res.status().as_u16();
                let info = res.response().extensions().get::<RenderInfo>().copied();
                let headers = res.headers_mut();
                if let Ok(value) = header::HeaderValue::from_str(&id) {
                    headers.insert(header::HeaderName::from_static("x-request-id"), value);
                }
                // CORS: only the configured blog origins may read answers in a browser.
                if let Some(value) = allowed.and_then(|o| header::HeaderValue::from_str(&o).ok()) {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
                    headers.insert(
                        header::VARY,
                        header::HeaderValue::from_static("Origin, Accept"),
                    );
                    headers.insert(
                        header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        header::HeaderValue::from_static(
                            "X-Folio-Pages, X-Folio-Warnings, X-Folio-Warning, X-Folio-Quality, \
                             X-Request-Id, Content-Disposition, Retry-After",
                        ),
                    );
                }
                // Answers to /v1/render differ by Origin (CORS) and by Accept (the PDF or
                // its quality report), and are cached by proxies and CDNs: say so on every
                // one, asked with an Origin or not.
                if path == "/v1/render" {
                    headers.insert(
                        header::VARY,
                        header::HeaderValue::from_static("Origin, Accept"),
                    );
                }
                let route = route_label(&path);
                state.metrics.request(route, status);
                let ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
                // A render's figures when there was one (a field of `None` is left out).
                tracing::info!(
                    request_id = %id,
                    method = %method,
                    route,
                    path = %path,
                    status,
                    ms,
                    pages = info.map(|i| i.pages as u64),
                    bytes = info.map(|i| i.bytes as u64),
                    cache = info.map(|i| i.cache),
                    "request"
                );
                Ok(res)
            }
        })
}

/// CORS preflight for `/v1/render` (the allowed origin is added by the middleware).
pub(crate) async fn preflight() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_METHODS,
            "GET, HEAD, POST, OPTIONS",
        ))
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "Content-Type, If-None-Match, Authorization, X-Request-Id",
        ))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"))
        .finish()
}

/// Routes as metric labels (unknown paths are one label, so metrics stay bounded).
pub(crate) fn route_label(path: &str) -> &'static str {
    ROUTES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("other", |(p, _)| p)
}

/// An unknown path is a 404; a known one asked with another method is a 405 with the
/// methods it takes in `Allow`.
pub(crate) async fn not_found(req: HttpRequest) -> HttpResponse {
    if let Some((_, methods)) = ROUTES.iter().find(|(p, _)| *p == req.path()) {
        let allow = methods.join(", ");
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, allow.clone()))
            .content_type("application/problem+json")
            .body(
                serde_json::json!({
                    "type": "about:blank",
                    "title": "Method not allowed",
                    "status": 405,
                    "detail": format!("{} takes {allow}, not {}", req.path(), req.method()),
                })
                .to_string(),
            );
    }
    // The path is not echoed: it is the client's text, and may be long.
    HttpResponse::NotFound()
        .content_type("application/problem+json")
        .body(
            serde_json::json!({
                "type": "about:blank",
                "title": "Not found",
                "status": 404,
                "detail": "there is nothing at this address; see /openapi.json for the routes",
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
        // After an answer that leaves the request's body unread (413), the connection is
        // closed; the client gets this long to read the answer, while what it still sends
        // is read and thrown away (actix-web's default is a second).
        .client_disconnect_timeout(std::time::Duration::from_millis(LINGER_MS))
        .shutdown_timeout(30)
        .bind(bind)?;
    let addresses = server.addrs();
    Ok((server.run(), addresses))
}

/// How long a connection closed after a 413 lingers (see [`start`]).
pub const LINGER_MS: u64 = 200;

/// Raises the soft limit of open files towards `wanted` (within the hard limit); returns
/// the limit in force.
pub(crate) fn raise_open_files_limit(wanted: u64) -> u64 {
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
