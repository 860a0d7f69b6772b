//! The render routes: `POST /v1/render` and `GET /v1/render?url=`. A request becomes an
//! [`Article`]; a cached render answers it, or the pool renders it; the answer carries the
//! PDF's own ETag and says how long it may be kept.

use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::article::{Article, Attachments};
use crate::cache::Entry;
use crate::outcome::{Loss, Outcome};
use crate::pool::CancelOnDrop;
use crate::problem::ApiError;
use crate::AppState;
use folio::{Error, Origin};

use super::headers::{content_disposition, header_text};
use super::pages::{is_own_demo_post, DEMO_POST};
use super::request::{field, flag, options_from_pairs, pairs, read_request, utf8, RenderRequest};

/// `POST /v1/render`
pub async fn render(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let request = read_request(&state, &req, body).await?;
    respond(&state, &req, request).await
}

/// `GET /v1/render?url=...`: renders the markdown at a URL of an allowed origin (the
/// blog's own), so that the button can be a plain link that caches well. Relative image
/// addresses in it are resolved against that URL.
pub async fn render_url(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = pairs(req.query_string());
    let url = field(&query, "url").ok_or_else(|| ApiError::BadRequest {
        detail: "give the article's address as `url`, or POST the markdown".to_string(),
        option: None,
    })?;
    if is_own_demo_post(&url, &req) {
        let options = options_from_pairs(&query)?;
        return respond(
            &state,
            &req,
            RenderRequest {
                article: Article {
                    markdown: DEMO_POST.to_string(),
                    options,
                    origin: Origin::Web(url),
                    files: Attachments::default(),
                },
                source_fresh_for: None,
                download: flag(&query, "download"),
                filename: field(&query, "filename"),
            },
        )
        .await;
    }
    if state.config.fetch_origins.is_empty() && state.config.allow_origins.is_empty() {
        return Err(ApiError::Forbidden {
            detail:
                "this service fetches no articles; its operator allows a blog with --allow-origin \
                 (FOLIO_ALLOW_ORIGINS), or --fetch-origin (FOLIO_FETCH_ORIGINS)"
                    .to_string(),
        });
    }
    let options = options_from_pairs(&query)?;
    let fetcher = crate::fetch::Fetcher {
        origins: state.config.fetch_origins.clone(),
        connect_timeout: Duration::from_millis(state.config.fetch_timeout_ms),
        total_timeout: Duration::from_millis(state.config.fetch_timeout_ms),
        max_bytes: state.config.max_body,
        trusted: crate::trusted_networks(&state.config),
        named: state.config.allow_origins.clone(),
    };
    let fetched = web::block(move || fetcher.fetch(&url))
        .await
        .map_err(|_| ApiError::Internal {
            request_id: crate::request_id(&req),
        })?
        .map_err(|e| match e {
            crate::fetch::FetchError::Forbidden(detail) => ApiError::Forbidden { detail },
            crate::fetch::FetchError::Upstream(detail) => ApiError::BadGateway { detail },
            crate::fetch::FetchError::TooLarge(limit) => ApiError::TooLarge {
                limit,
                unread: Default::default(),
            },
        })?;
    let markdown = utf8(fetched.bytes)?;
    // The article's address: printed on it (unless its front matter names another), and
    // what its relative links and images resolve against.
    respond(
        &state,
        &req,
        RenderRequest {
            article: Article {
                markdown,
                options,
                origin: Origin::Web(fetched.url.to_string()),
                files: Attachments::default(),
            },
            source_fresh_for: fetched.fresh_for,
            download: flag(&query, "download"),
            filename: field(&query, "filename"),
        },
    )
    .await
}

/// The cache key of a request: a SHA-256 of the engine's version and everything the
/// render reads besides the web (the markdown, the options in canonical form, where the
/// article came from, the files uploaded with it), the same in every build and on every
/// instance.
pub(super) fn key_of(article: &Article) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut part = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    part(env!("CARGO_PKG_VERSION").as_bytes());
    part(article.markdown.as_bytes());
    part(&serde_json::to_vec(&article.options).unwrap_or_default());
    // Relative addresses resolve against the article's origin: another origin, another PDF.
    part(&serde_json::to_vec(&article.origin).unwrap_or_default());
    for (name, bytes) in article.files.iter() {
        part(name.as_bytes());
        part(bytes);
    }
    crate::cache::hex_prefix(&hasher.finalize())
}

pub(super) async fn respond(
    state: &AppState,
    req: &HttpRequest,
    request: RenderRequest,
) -> Result<HttpResponse, ApiError> {
    let key = key_of(&request.article);
    let from_web = matches!(request.article.origin, Origin::Web(_));
    let (entry, cache) = match cached(state, &key).await {
        Some((entry, from)) => {
            state.metrics.cache(true);
            (entry, from)
        }
        None => {
            state.metrics.cache(false);
            let entry =
                render_in_pool(state, req, request.article, request.source_fresh_for).await?;
            if entry.is_fresh() {
                store(state, key, entry.clone());
            }
            (entry, "miss")
        }
    };
    // How long others may keep the answer: a render that read from the web no longer
    // than it is fresh; one whose image could not be read, not at all.
    let cache_control = match (from_web, entry.fresh_for()) {
        (false, _) => "private, no-cache".to_string(),
        (true, None) => format!("public, max-age={URL_RENDER_MAX_AGE}"),
        (true, Some(left)) if !left.is_zero() => {
            format!("public, max-age={}", left.as_secs().min(URL_RENDER_MAX_AGE))
        }
        (true, Some(_)) => "no-cache".to_string(),
    };
    // The tag is the PDF's own, so a 304 confirms exactly these bytes. If-None-Match
    // compares weakly (RFC 9110, 13.1.2): `W/"x"` matches `"x"`.
    let etag = entry.etag.to_string();
    let not_modified = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag);
    if not_modified {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .finish());
    }
    // The quality report instead of the PDF, when the client asks for it.
    if wants_report(req) {
        let Some(quality) = &entry.quality else {
            return Err(ApiError::Internal {
                request_id: crate::request_id(req),
            });
        };
        return Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, cache_control))
            .insert_header(("X-Folio-Quality", quality.header()))
            .json(quality.as_ref()));
    }
    state.metrics.bytes_out(entry.pdf.len());
    let disposition = content_disposition(
        if request.download {
            "attachment"
        } else {
            "inline"
        },
        request.filename.as_deref(),
        entry.title.as_deref(),
    );
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header(("X-Folio-Pages", entry.pages.to_string()))
        .insert_header(("X-Folio-Warnings", entry.warnings.len().to_string()));
    if let Some(quality) = &entry.quality {
        response.insert_header(("X-Folio-Quality", quality.header()));
    }
    for warning in entry.warnings.iter().take(crate::MAX_WARNING_HEADERS) {
        response.append_header(("X-Folio-Warning", header_text(warning)));
    }
    let mut response = response.body(entry.pdf.as_ref().clone());
    response.extensions_mut().insert(crate::RenderInfo {
        pages: entry.pages,
        bytes: entry.pdf.len(),
        cache,
    });
    Ok(response)
}

/// Whether the client asks for the quality report rather than the PDF: `?report=1`, or
/// an `Accept` that names JSON and not PDF.
fn wants_report(req: &HttpRequest) -> bool {
    if flag(&pairs(req.query_string()), "report") {
        return true;
    }
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    accept.contains("application/json") && !accept.contains("application/pdf")
}

/// The longest a `GET ?url=` answer may be kept by browsers and proxies, in seconds.
pub(super) const URL_RENDER_MAX_AGE: u64 = 300;

/// The render of `key` from the memory cache, or else from the shared one, and which.
pub(super) async fn cached(state: &AppState, key: &str) -> Option<(Entry, &'static str)> {
    if let Some(entry) = state.cache.get(key) {
        return Some((entry, "memory"));
    }
    let found = state.shared.as_ref()?.get(key).await?;
    if !found.is_fresh() {
        return None;
    }
    if state.config.cache_bytes > 0 {
        state.cache.put(key.to_string(), found.clone());
    }
    Some((found, "redis"))
}

/// Keeps a render in the memory cache, and sends it to the shared one in the background.
pub(super) fn store(state: &AppState, key: String, entry: Entry) {
    if let Some(shared) = state.shared.clone() {
        actix_web::rt::spawn(shared.put(key.clone(), entry.clone()));
    }
    if state.config.cache_bytes > 0 {
        state.cache.put(key, entry);
    }
}

pub(super) async fn render_in_pool(
    state: &AppState,
    req: &HttpRequest,
    article: Article,
    source_fresh_for: Option<Duration>,
) -> Result<Entry, ApiError> {
    let started = Instant::now();
    let from_web = matches!(article.origin, Origin::Web(_));
    let deadline = Duration::from_millis(state.config.deadline_ms);
    // The render stops at its deadline, and as soon as this request is dropped (its
    // client gone): the guard cancels it then.
    let cancel = folio::Cancel::with_deadline(Some(started + deadline));
    let mut guard = CancelOnDrop::new(cancel.clone());
    let answer = state
        .pool
        .submit(article, cancel.clone())
        .map_err(|_| ApiError::Busy)?;
    let timeout = ApiError::Timeout {
        deadline_ms: state.config.deadline_ms,
    };
    let outcome = tokio::time::timeout(deadline, answer).await;
    guard.disarm();
    let Ok(outcome) = outcome else {
        cancel.cancel();
        return Err(timeout);
    };
    let request_id = crate::request_id(req);
    let rendered = match outcome {
        Ok(Outcome::Done(Ok(rendered))) => rendered,
        Ok(Outcome::Done(Err(Error::Cancelled))) | Ok(Outcome::Dropped) => return Err(timeout),
        Ok(Outcome::Done(Err(Error::Internal(message)))) => {
            tracing::error!(request_id, %message, "render failed");
            return Err(ApiError::Internal { request_id });
        }
        Ok(Outcome::Done(Err(e))) => return Err(e.into()),
        Ok(Outcome::Panicked(message)) => {
            tracing::error!(request_id, %message, "render panicked");
            return Err(ApiError::Internal { request_id });
        }
        Ok(Outcome::Lost { loss, detail }) => {
            tracing::error!(request_id, cause = loss.name(), %detail, "render worker lost");
            return Err(match loss {
                Loss::Deadline => timeout,
                Loss::Memory => ApiError::TooMuchMemory { detail },
                Loss::Crash => ApiError::WorkerCrashed { request_id, detail },
            });
        }
        Err(_) => {
            tracing::error!(request_id, "render worker vanished");
            return Err(ApiError::Internal { request_id });
        }
    };
    state
        .metrics
        .render(started.elapsed().as_secs_f64(), rendered.pages);
    // A render is as fresh as what it read, and never longer than --source-ttl-s: the
    // article as its server allows, each image as long as it stays in the image cache
    // (which keeps it as long as its server allows); one that could not read an image
    // not at all.
    let ttl = Duration::from_secs(state.config.source_ttl_s);
    let lost_image = rendered.external_images.iter().any(|image| !image.shown);
    // Uploaded files are part of the request (and its key); web images are not.
    let web_images: Vec<&str> = rendered
        .external_images
        .iter()
        .map(|image| image.url.as_str())
        .filter(|url| {
            url::Url::parse(url).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
        })
        .collect();
    let fresh_for = if lost_image {
        Some(Duration::ZERO)
    } else if from_web || !web_images.is_empty() {
        let images = web_images.iter().map(|url| state.images.fresh_for(url));
        Some(
            images
                .chain(source_fresh_for)
                .fold(ttl, |fresh, other| fresh.min(other)),
        )
    } else {
        None
    };
    state.metrics.quality(&rendered.quality);
    let mut entry = Entry::new(
        rendered.pdf,
        rendered.pages,
        rendered.warnings.iter().map(|w| w.to_string()).collect(),
        rendered.title,
        fresh_for,
    );
    entry.quality = Some(std::sync::Arc::from(rendered.quality));
    Ok(entry)
}
