//! What the service says about itself: its templates, health, readiness, metrics and
//! OpenAPI document.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::AppState;

/// `GET /v1/templates`
pub async fn templates(state: web::Data<AppState>) -> HttpResponse {
    let list: Vec<serde_json::Value> = state
        .engine
        .templates()
        .iter()
        .map(|t| {
            serde_json::json!({
                "name": t.name,
                "description": t.description,
                "page_size": t.defaults.resolve().page_size.to_string(),
                "font_size": t.defaults.resolve().font_size.0,
                "columns": t.design.columns,
            })
        })
        .collect();
    HttpResponse::Ok().json(list)
}

/// `GET /healthz`: the process answers.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok\n")
}

/// The build: the version, and the commit and build profile when the build said them.
pub fn build_info() -> (&'static str, &'static str, &'static str) {
    (
        env!("CARGO_PKG_VERSION"),
        option_env!("FOLIO_BUILD_COMMIT").unwrap_or("unknown"),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    )
}

/// `GET /readyz`: the engine is built, the queue has room and keeps moving (no job has
/// waited longer than the deadline). The body says so, and how Redis is doing; Redis
/// never makes an instance unready (without it an instance still renders).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let deadline = Duration::from_millis(state.config.deadline_ms);
    let keeping_up = state.pool.oldest_wait().is_none_or(|wait| wait < deadline);
    let redis = match &state.shared {
        Some(shared) => shared.probe().await,
        None => "off",
    };
    let (version, commit, _) = build_info();
    let details = format!(
        "queue: {} of {}\nredis: {redis}\nversion: {version} ({commit})\n",
        state.pool.depth(),
        state.config.queue + state.config.workers
    );
    if keeping_up && state.pool.depth() < state.config.queue + state.config.workers {
        HttpResponse::Ok()
            .content_type("text/plain")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(format!("ready\n{details}"))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "1"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("text/plain")
            .body(format!("busy\n{details}"))
    }
}

/// `GET /metrics`
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let (version, commit, profile) = build_info();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(
            state.metrics.render_text(&crate::metrics::PoolFigures {
                depth: state.pool.depth(),
                oldest_wait_ms: state.pool.oldest_wait().map_or(0, |w| w.as_millis() as u64),
                dropped: state.pool.dropped(),
                version,
                commit,
                profile,
                redis: state.shared.as_ref().map_or("off", |s| s.status()),
                restarts: state
                    .pool
                    .restarts()
                    .into_iter()
                    .map(|(loss, n)| (loss.name(), n))
                    .collect(),
            }),
        )
}

/// `GET /openapi.json`: the API, as generated from the routes, options and errors.
pub async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(crate::openapi::document(&state.engine).to_string())
}
