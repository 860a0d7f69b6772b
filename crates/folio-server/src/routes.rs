//! The HTTP routes. Each handler reads a request into the library's types, asks the
//! render pool, and turns the answer into a response; every failure is an [`ApiError`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::body;
use super::cache::Entry;
use super::pool::{CancelOnDrop, Outcome};
use super::problem::ApiError;
use super::AppState;
use folio::{Error, RenderOptions};

/// Fields of a request that are not render options.
const NOT_OPTIONS: &[&str] = &["markdown", "download"];

/// A request to render, whatever shape it came in.
struct RenderRequest {
    markdown: String,
    options: RenderOptions,
    download: bool,
}

/// `POST /v1/render`
pub async fn render(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let request = read_request(&state, &req, body).await?;
    respond(&state, &req, request).await
}

async fn read_request(
    state: &AppState,
    req: &HttpRequest,
    body: web::Payload,
) -> Result<RenderRequest, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    // Text comes only as UTF-8: a body declared in another charset is refused, not
    // misread.
    let charset = content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        (name.trim() == "charset").then(|| value.trim().trim_matches('"').to_string())
    });
    if let Some(charset) = charset.filter(|c| c != "utf-8" && c != "utf8") {
        return Err(ApiError::UnsupportedMediaType {
            got: format!("{media}; charset={charset} (send UTF-8)"),
        });
    }
    let query = pairs(req.query_string());
    let limits = state.config.body_limits();
    match media.as_str() {
        "text/markdown" | "text/plain" | "text/x-markdown" => {
            let bytes = body::read(req, body, limits).await?;
            let markdown = utf8(bytes)?;
            let download = flag(&query, "download");
            let options = options_from_pairs(&query)?;
            Ok(RenderRequest {
                markdown,
                options,
                download,
            })
        }
        "application/json" => {
            let bytes = body::read(req, body, limits).await?;
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct JsonRequest {
                markdown: String,
                #[serde(default)]
                options: Option<serde_json::Value>,
                #[serde(default)]
                download: bool,
            }
            let parsed: JsonRequest =
                serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest {
                    detail: format!("invalid JSON: {e}"),
                    option: None,
                })?;
            let options = match parsed.options {
                Some(value) => RenderOptions::from_json(value).map_err(ApiError::from)?,
                None => options_from_pairs(&query)?,
            };
            Ok(RenderRequest {
                markdown: parsed.markdown,
                options,
                download: parsed.download || flag(&query, "download"),
            })
        }
        "application/x-www-form-urlencoded" => {
            let bytes = body::read(req, body, limits).await?;
            let text = utf8(bytes)?;
            let fields = pairs(&text);
            check_field_count(&fields)?;
            form_request(fields.into_iter().chain(query).collect())
        }
        "multipart/form-data" => {
            let fields = body::multipart_fields(req, body, limits).await?;
            form_request(fields.into_iter().chain(query).collect())
        }
        other => Err(ApiError::UnsupportedMediaType {
            got: if other.is_empty() {
                "no content type".to_string()
            } else {
                other.to_string()
            },
        }),
    }
}

fn form_request(fields: Vec<(String, String)>) -> Result<RenderRequest, ApiError> {
    let markdown = fields
        .iter()
        .find(|(k, _)| k == "markdown")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| ApiError::BadRequest {
            detail: "the form has no `markdown` field".to_string(),
            option: None,
        })?;
    let download = flag(&fields, "download");
    let options = options_from_pairs(&fields)?;
    Ok(RenderRequest {
        markdown,
        options,
        download,
    })
}

/// A form has a few fields: `markdown`, `download` and the options.
fn check_field_count(fields: &[(String, String)]) -> Result<(), ApiError> {
    let most = RenderOptions::SPECS.len() + NOT_OPTIONS.len() + 8;
    if fields.len() > most {
        return Err(ApiError::BadRequest {
            detail: format!(
                "the form has {} fields; at most {most} make sense",
                fields.len()
            ),
            option: None,
        });
    }
    Ok(())
}

fn utf8(bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|e| ApiError::BadRequest {
        detail: format!(
            "the text is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
        option: None,
    })
}

/// `application/x-www-form-urlencoded` pairs (also query strings).
fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or(""),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn flag(fields: &[(String, String)], name: &str) -> bool {
    fields.iter().any(|(k, v)| {
        k == name && matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
    })
}

/// Render options from string pairs (a query string or a form), with the same names and
/// values as everywhere else; unknown names are errors.
pub fn options_from_pairs(fields: &[(String, String)]) -> Result<RenderOptions, ApiError> {
    RenderOptions::from_pairs(
        fields
            .iter()
            .filter(|(key, _)| !NOT_OPTIONS.contains(&key.as_str()))
            .map(|(key, value)| (key.as_str(), value.as_str())),
    )
    .map_err(ApiError::from)
}

/// The cache key and ETag of a request: a SHA-256 of the engine's version, the input
/// and the options in canonical form (JSON in declaration order), the same in every build
/// and on every instance.
fn key_of(markdown: &str, options: &RenderOptions) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update([0]);
    hasher.update((markdown.len() as u64).to_be_bytes());
    hasher.update(markdown.as_bytes());
    hasher.update(serde_json::to_vec(options).unwrap_or_default());
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn respond(
    state: &AppState,
    req: &HttpRequest,
    request: RenderRequest,
) -> Result<HttpResponse, ApiError> {
    let key = key_of(&request.markdown, &request.options);
    let etag = format!("\"{key}\"");
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if not_modified {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    let entry = match cached(state, &key).await {
        Some(entry) => {
            state.metrics.cache(true);
            entry
        }
        None => {
            state.metrics.cache(false);
            let entry = render_in_pool(state, req, request.markdown, request.options).await?;
            store(state, key, entry.clone());
            entry
        }
    };
    state.metrics.bytes_out(entry.pdf.len());
    let file_name = file_name(entry.title.as_deref());
    let disposition = if request.download {
        "attachment"
    } else {
        "inline"
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{file_name}\""),
        ))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header(("X-Folio-Pages", entry.pages.to_string()))
        .insert_header(("X-Folio-Warnings", entry.warnings.len().to_string()));
    for warning in entry.warnings.iter().take(5) {
        response.append_header(("X-Folio-Warning", header_safe(warning)));
    }
    Ok(response.body(entry.pdf.as_ref().clone()))
}

/// The render of `key` from the memory cache, or else from the shared one.
async fn cached(state: &AppState, key: &str) -> Option<Entry> {
    if let Some(entry) = state.cache.get(key) {
        return Some(entry);
    }
    let found = state.shared.as_ref()?.get(key).await?;
    if state.config.cache_bytes > 0 {
        state.cache.put(key.to_string(), found.clone());
    }
    Some(found)
}

/// Keeps a render in the memory cache, and sends it to the shared one in the background.
fn store(state: &AppState, key: String, entry: Entry) {
    if let Some(shared) = state.shared.clone() {
        actix_web::rt::spawn(shared.put(key.clone(), entry.clone()));
    }
    if state.config.cache_bytes > 0 {
        state.cache.put(key, entry);
    }
}

async fn render_in_pool(
    state: &AppState,
    req: &HttpRequest,
    markdown: String,
    options: RenderOptions,
) -> Result<Entry, ApiError> {
    let started = Instant::now();
    let deadline = Duration::from_millis(state.config.deadline_ms);
    // The render stops at its deadline, and as soon as this request is dropped (its
    // client gone): the guard cancels it then.
    let cancel = folio::Cancel::with_deadline(Some(started + deadline));
    let mut guard = CancelOnDrop::new(cancel.clone());
    let answer = state
        .pool
        .submit(markdown, options, cancel.clone())
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
    let request_id = super::request_id(req);
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
        Err(_) => {
            tracing::error!(request_id, "render worker vanished");
            return Err(ApiError::Internal { request_id });
        }
    };
    state
        .metrics
        .render(started.elapsed().as_secs_f64(), rendered.pages);
    Ok(Entry {
        pdf: Arc::new(rendered.pdf),
        pages: rendered.pages,
        warnings: rendered.warnings.iter().map(|w| w.to_string()).collect(),
        title: rendered.title,
    })
}

/// A file name from the title: letters, digits and hyphens, ending in `.pdf`.
fn file_name(title: Option<&str>) -> String {
    let mut name = String::new();
    for c in title.unwrap_or("article").chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
        if name.len() >= 80 {
            break;
        }
    }
    let name = name.trim_end_matches('-');
    format!("{}.pdf", if name.is_empty() { "article" } else { name })
}

/// A header value made of printable ASCII.
fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(300)
        .collect()
}

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

/// `GET /readyz`: the engine is built, the queue has room and keeps moving (no job has
/// waited longer than the deadline).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let deadline = Duration::from_millis(state.config.deadline_ms);
    let keeping_up = state.pool.oldest_wait().is_none_or(|wait| wait < deadline);
    if keeping_up && state.pool.depth() < state.config.queue + state.config.workers {
        HttpResponse::Ok()
            .content_type("text/plain")
            .body("ready\n")
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "1"))
            .content_type("text/plain")
            .body("busy\n")
    }
}

/// `GET /metrics`
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render_text(&super::metrics::PoolFigures {
            depth: state.pool.depth(),
            oldest_wait_ms: state.pool.oldest_wait().map_or(0, |w| w.as_millis() as u64),
            dropped: state.pool.dropped(),
        }))
}

/// `GET /button.js`: the Print/PDF button a blog includes with one tag.
pub async fn button_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../assets/button.js"))
}

/// `GET /`: a demo blog post with the button, and a playground.
pub async fn demo() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(include_str!("../assets/demo.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options_use_the_same_names_and_values() {
        let fields = pairs("page_size=Letter&justify=false&font_size=12&download=1");
        let options = options_from_pairs(&fields).unwrap();
        assert_eq!(options.justify, Some(false));
        assert_eq!(options.font_size, Some(folio::options::FontSize(12.0)));
        assert!(flag(&fields, "download"));
        let err = options_from_pairs(&pairs("pagesize=A4")).unwrap_err();
        assert!(
            matches!(err, ApiError::BadRequest { option: Some(ref o), .. } if o == "pagesize"),
            "{err:?}"
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name(Some("Hello, World: A Story!")),
            "hello-world-a-story.pdf"
        );
        assert_eq!(file_name(Some("../../etc/passwd")), "etc-passwd.pdf");
        assert_eq!(file_name(None), "article.pdf");
        assert_eq!(file_name(Some("Ωμέγα")), "article.pdf");
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(form_decode("100%"), "100%");
    }
}

/// The body of a JSON render request.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct JsonRenderRequest {
    /// The article, markdown with optional front matter.
    markdown: String,
    #[schema(value_type = Option<OptionsSchema>)]
    options: Option<RenderOptions>,
    /// Answer with `Content-Disposition: attachment`.
    download: Option<bool>,
}

/// The render options as an OpenAPI schema, built from their one declaration in the
/// engine (names, descriptions, types, allowed values).
struct OptionsSchema;

impl utoipa::PartialSchema for OptionsSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use folio::options::JsonType;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut object = ObjectBuilder::new().description(Some(
            "Options of one render; every one is optional (front matter, then the template, \
             then the default fill in).",
        ));
        for spec in RenderOptions::SPECS {
            let kind = match spec.json_type {
                JsonType::Boolean => Type::Boolean,
                JsonType::Number => Type::Number,
                JsonType::String => Type::String,
            };
            let mut property = ObjectBuilder::new()
                .schema_type(kind)
                .description(Some(spec.help.trim().replace('\n', " ")));
            if !spec.possible.is_empty() && !spec.is_flag() {
                property = property.enum_values(Some(spec.possible.iter().copied()));
            }
            object = object.property(spec.name, property);
        }
        utoipa::openapi::RefOr::T(
            object
                .additional_properties(Some(
                    utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                ))
                .into(),
        )
    }
}

impl utoipa::ToSchema for OptionsSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "RenderOptions".into()
    }
}

/// An RFC 9457 problem.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ProblemDocument {
    #[schema(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    /// One line saying what went wrong.
    detail: String,
    /// The option at fault, for a bad option.
    option: Option<String>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Folio",
        description = "Typesets markdown articles into book-quality PDFs."
    ),
    paths(render_doc, templates_doc),
    components(schemas(OptionsSchema, JsonRenderRequest, ProblemDocument))
)]
struct ApiDoc;

/// Render an article to PDF.
///
/// The body is the markdown (`text/markdown`, options in the query string), a JSON
/// request, or a form with a `markdown` field (`application/x-www-form-urlencoded` or
/// `multipart/form-data`, options as fields).
#[utoipa::path(
    post,
    path = "/v1/render",
    request_body(content = JsonRenderRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Invalid UTF-8, JSON, option or front matter", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 415, description = "Unsupported media type", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Document over a limit", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 503, description = "Render queue full; retry after Retry-After", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 504, description = "Render deadline passed", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
#[allow(dead_code)]
fn render_doc() {}

/// The page designs.
#[utoipa::path(get, path = "/v1/templates", responses((status = 200, description = "Templates, as a JSON list")))]
#[allow(dead_code)]
fn templates_doc() {}

/// `GET /openapi.json`: the API, as generated from these types and routes.
pub async fn openapi() -> HttpResponse {
    use utoipa::OpenApi;
    HttpResponse::Ok()
        .content_type("application/json")
        .body(ApiDoc::openapi().to_pretty_json().unwrap_or_default())
}

/// `GET /v1/render?url=...`: renders the markdown at a URL of an allowed origin (the
/// blog's own), so that the button can be a plain link that caches well.
pub async fn render_url(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = pairs(req.query_string());
    let url = query
        .iter()
        .find(|(k, _)| k == "url")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| ApiError::BadRequest {
            detail: "give the article's address as `url`, or POST the markdown".to_string(),
            option: None,
        })?;
    if state.config.fetch_origins.is_empty() {
        return Err(ApiError::Forbidden {
            detail:
                "this service fetches no URLs; its operator can allow origins with fetch_origins"
                    .to_string(),
        });
    }
    let options_pairs: Vec<(String, String)> =
        query.iter().filter(|(k, _)| k != "url").cloned().collect();
    let options = options_from_pairs(&options_pairs)?;
    let fetcher = super::fetch::Fetcher {
        origins: state.config.fetch_origins.clone(),
        connect_timeout: Duration::from_millis(state.config.fetch_timeout_ms),
        total_timeout: Duration::from_millis(state.config.fetch_timeout_ms),
        max_bytes: state.config.max_body,
    };
    let bytes = web::block(move || fetcher.fetch(&url))
        .await
        .map_err(|_| ApiError::Internal {
            request_id: super::request_id(&req),
        })?
        .map_err(|e| match e {
            super::fetch::FetchError::Forbidden(detail) => ApiError::Forbidden { detail },
            super::fetch::FetchError::Upstream(detail) => ApiError::BadGateway { detail },
            super::fetch::FetchError::TooLarge(limit) => ApiError::TooLarge { limit },
        })?;
    let markdown = utf8(bytes)?;
    let download = flag(&query, "download");
    let mut response = respond(
        &state,
        &req,
        RenderRequest {
            markdown,
            options,
            download,
        },
    )
    .await?;
    // A GET of a public article may be cached by browsers and proxies for a while.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
