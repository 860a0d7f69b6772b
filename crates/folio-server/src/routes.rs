//! The HTTP routes. Each handler reads a request into the library's types, asks the
//! render pool, and turns the answer into a response; every failure is an [`ApiError`].

use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::article::{Article, Attachments};
use super::body;
use super::cache::Entry;
use super::pool::{CancelOnDrop, Loss, Outcome};
use super::problem::ApiError;
use super::AppState;
use folio::{Error, Origin, RenderOptions};

/// Fields of a request that are not render options.
const NOT_OPTIONS: &[&str] = &["markdown", "download", "filename", "url", body::FILES_FIELD];

/// A request to render, whatever shape it came in.
#[derive(Debug)]
struct RenderRequest {
    article: Article,
    /// How long the fetched article's server lets it be reused (`GET ?url=`; None: it
    /// did not say, or the article was sent).
    source_fresh_for: Option<Duration>,
    download: bool,
    /// The file name the client chose for the PDF, if any.
    filename: Option<String>,
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
                article: Article {
                    markdown,
                    options,
                    ..Article::default()
                },
                source_fresh_for: None,
                download,
                filename: field(&query, "filename"),
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
                #[serde(default)]
                filename: Option<String>,
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
                article: Article {
                    markdown: parsed.markdown,
                    options,
                    ..Article::default()
                },
                source_fresh_for: None,
                download: parsed.download || flag(&query, "download"),
                filename: parsed.filename.or_else(|| field(&query, "filename")),
            })
        }
        "application/x-www-form-urlencoded" => {
            let bytes = body::read(req, body, limits).await?;
            let text = utf8(bytes)?;
            let fields = pairs(&text);
            check_field_count(&fields)?;
            form_request(fields.into_iter().chain(query).collect(), Vec::new())
        }
        "multipart/form-data" => {
            let form = body::multipart_form(req, body, limits).await?;
            form_request(form.fields.into_iter().chain(query).collect(), form.files)
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

/// A form's request; `files` are the images uploaded with the article (multipart), which
/// its relative image addresses name.
fn form_request(
    fields: Vec<(String, String)>,
    files: Vec<(String, Vec<u8>)>,
) -> Result<RenderRequest, ApiError> {
    let markdown = field(&fields, "markdown").ok_or_else(|| ApiError::BadRequest {
        detail: if looks_like_markdown(&fields) {
            // curl --data-binary @article.md sends the file as a form unless told.
            "the form has no `markdown` field: the body looks like the markdown itself, \
             sent as a form (curl's default type); send it with \
             `Content-Type: text/markdown` (curl -H 'Content-Type: text/markdown' \
             --data-binary @article.md) or as a field (curl --data-urlencode \
             markdown@article.md)"
                .to_string()
        } else {
            "the form has no `markdown` field".to_string()
        },
        option: None,
    })?;
    let download = flag(&fields, "download");
    let filename = field(&fields, "filename");
    let options = options_from_pairs(&fields)?;
    let origin = if files.is_empty() {
        Origin::Text
    } else {
        Origin::WithFiles
    };
    Ok(RenderRequest {
        article: Article {
            markdown,
            options,
            origin,
            files: Attachments::new(files),
        },
        source_fresh_for: None,
        download,
        filename,
    })
}

/// Whether a form's "fields" are really a markdown text sent with the form type: names
/// that no form would have (spaces, line breaks, markup), or a single name with no value.
fn looks_like_markdown(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(k, _)| {
        k.len() > 64 || k.contains(['\n', ' ', '#', '*', '`', '[', '>']) || k.starts_with('-')
    }) || (fields.len() == 1 && fields[0].1.is_empty())
}

/// The first value of a field.
fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
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

/// `application/x-www-form-urlencoded` pairs (also query strings), decoded by the
/// WHATWG rules (`form_urlencoded`): `+` is a space, a `%` not followed by two hex digits
/// stays as it is, and bytes that are not UTF-8 become U+FFFD.
fn pairs(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
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

/// The cache key of a request: a SHA-256 of the engine's version and everything the
/// render reads besides the web (the markdown, the options in canonical form, where the
/// article came from, the files uploaded with it), the same in every build and on every
/// instance.
fn key_of(article: &Article) -> String {
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
    super::cache::hex_prefix(&hasher.finalize())
}

async fn respond(
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
    for warning in entry.warnings.iter().take(super::MAX_WARNING_HEADERS) {
        response.append_header(("X-Folio-Warning", header_text(warning)));
    }
    let mut response = response.body(entry.pdf.as_ref().clone());
    response.extensions_mut().insert(super::RenderInfo {
        pages: entry.pages,
        bytes: entry.pdf.len(),
        cache,
    });
    Ok(response)
}

/// The longest a `GET ?url=` answer may be kept by browsers and proxies, in seconds.
const URL_RENDER_MAX_AGE: u64 = 300;

/// The render of `key` from the memory cache, or else from the shared one, and which.
async fn cached(state: &AppState, key: &str) -> Option<(Entry, &'static str)> {
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
    Ok(Entry::new(
        rendered.pdf,
        rendered.pages,
        rendered.warnings.iter().map(|w| w.to_string()).collect(),
        rendered.title,
        fresh_for,
    ))
}

/// `Content-Disposition` (RFC 6266): the file name the client chose, else one from the
/// title, as `filename*` in UTF-8 (RFC 8187) with an ASCII `filename` for old clients.
fn content_disposition(disposition: &str, chosen: Option<&str>, title: Option<&str>) -> String {
    let name = chosen
        .and_then(chosen_file_name)
        .unwrap_or_else(|| unicode_file_name(title));
    let ascii = file_name(Some(name.trim_end_matches(".pdf")));
    let encoded = percent_encoding::utf8_percent_encode(&name, RFC8187_ATTR_CHAR);
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Characters RFC 8187's `attr-char` allows unencoded; everything else is `%XX`.
const RFC8187_ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A client's file name made safe: no folders, no control or formatting characters, at
/// most 100 characters, ending in `.pdf`; `None` if nothing is left.
fn chosen_file_name(chosen: &str) -> Option<String> {
    let base = chosen.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '"'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim();
    let stem = cleaned
        .strip_suffix(".pdf")
        .or_else(|| cleaned.strip_suffix(".PDF"))
        .unwrap_or(cleaned)
        .trim()
        .trim_start_matches('.')
        .trim();
    (!stem.is_empty()).then(|| format!("{stem}.pdf"))
}

/// A file name from the title keeping its letters in any script (`Ωμέγα-und-größe.pdf`).
fn unicode_file_name(title: Option<&str>) -> String {
    let mut name = String::new();
    for c in title.unwrap_or("article").chars() {
        if c.is_alphanumeric() {
            name.extend(c.to_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
        if name.chars().count() >= 80 {
            break;
        }
    }
    let name = name.trim_end_matches('-');
    format!("{}.pdf", if name.is_empty() { "article" } else { name })
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

/// Characters a warning header keeps as they are: printable ASCII but `%` (so that the
/// value decodes with `decodeURIComponent` or any percent-decoder, losslessly).
const HEADER_TEXT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b'%');

/// The longest warning in a header, in bytes of UTF-8 before encoding (cut at a
/// character boundary; the whole warning is in the log and `X-Folio-Warnings` counts).
const MAX_WARNING_BYTES: usize = 1000;

/// A warning as a header value: UTF-8, percent-encoded where not printable ASCII.
fn header_text(text: &str) -> String {
    let mut end = text.len().min(MAX_WARNING_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    percent_encoding::utf8_percent_encode(&text[..end], HEADER_TEXT).to_string()
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
            state.metrics.render_text(&super::metrics::PoolFigures {
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

/// `GET /button.js`: the Print/PDF button a blog includes with one tag.
pub async fn button_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../assets/button.js"))
}

/// The demo blog post's markdown (`GET /demo/post.md`).
const DEMO_POST: &str = include_str!("../assets/demo-post.md");
/// Where the demo post's markdown is served.
pub const DEMO_POST_PATH: &str = "/demo/post.md";

/// This service's own origin as the request names it (`scheme://host[:port]`), if
/// that is a valid one.
fn own_origin(req: &HttpRequest) -> Option<url::Url> {
    let info = req.connection_info();
    url::Url::parse(&format!("{}://{}/", info.scheme(), info.host()))
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
}

/// Whether `url` is this service's own demo post: answered from the bundled text,
/// without fetching anything, whatever the fetch policy.
fn is_own_demo_post(url: &str, req: &HttpRequest) -> bool {
    let (Ok(url), Some(own)) = (url::Url::parse(url), own_origin(req)) else {
        return false;
    };
    url.origin() == own.origin() && url.path() == DEMO_POST_PATH && url.query().is_none()
}

/// `GET /`: a demo blog post with the button (a plain link to the PDF of its markdown,
/// and the variant that renders markdown held in the page), and a playground.
pub async fn demo(req: HttpRequest) -> HttpResponse {
    // The service's address as the browser reached it, so the pasted markup is real.
    let origin = own_origin(&req)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default();
    let post_url = format!("{origin}{DEMO_POST_PATH}");
    let encoded: String = form_urlencoded::byte_serialize(post_url.as_bytes()).collect();
    let attribute = |text: &str| html_escape::encode_double_quoted_attribute(text).into_owned();
    let page = include_str!("../assets/demo.html")
        .replace("{{origin}}", &attribute(&origin))
        .replace("{{post_url_encoded}}", &attribute(&encoded))
        .replace("{{post}}", DEMO_POST);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::VARY, "Host"))
        .body(page)
}

/// `GET /demo/post.md`: the demo post's markdown, which the demo page's plain link
/// prints.
pub async fn demo_post() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .body(DEMO_POST)
}

/// `GET /openapi.json`: the API, as generated from the routes, options and errors.
pub async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(super::openapi::document(&state.engine).to_string())
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
    let fetcher = super::fetch::Fetcher {
        origins: state.config.fetch_origins.clone(),
        connect_timeout: Duration::from_millis(state.config.fetch_timeout_ms),
        total_timeout: Duration::from_millis(state.config.fetch_timeout_ms),
        max_bytes: state.config.max_body,
        trusted: super::trusted_networks(&state.config),
        named: state.config.allow_origins.clone(),
    };
    let fetched = web::block(move || fetcher.fetch(&url))
        .await
        .map_err(|_| ApiError::Internal {
            request_id: super::request_id(&req),
        })?
        .map_err(|e| match e {
            super::fetch::FetchError::Forbidden(detail) => ApiError::Forbidden { detail },
            super::fetch::FetchError::Upstream(detail) => ApiError::BadGateway { detail },
            super::fetch::FetchError::TooLarge(limit) => ApiError::TooLarge {
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

/// `GET /v1/preparing`: the small page the button opens in a new tab at once, so the
/// reader sees progress there; it then loads the PDF (from its real `GET ?url=` address
/// when the article has one, or from what the blog page posts to it).
pub async fn preparing() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; \
             connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(include_str!("../assets/preparing.html"))
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
    fn content_disposition_keeps_any_script_in_filename_star() {
        assert_eq!(
            content_disposition("attachment", None, Some("Ωμέγα und Größe")),
            "attachment; filename=\"und-gr-e.pdf\"; \
             filename*=UTF-8''%CF%89%CE%BC%CE%AD%CE%B3%CE%B1-und-gr%C3%B6%C3%9Fe.pdf"
        );
        assert_eq!(
            content_disposition("inline", Some("../../My Report \"final\".PDF"), None),
            "inline; filename=\"my-report-final.pdf\"; filename*=UTF-8''My%20Report%20final.pdf"
        );
        // Nothing usable chosen: the title's name.
        assert_eq!(
            content_disposition("inline", Some("/.pdf"), Some("Hi")),
            "inline; filename=\"hi.pdf\"; filename*=UTF-8''hi.pdf"
        );
    }

    #[test]
    fn warnings_in_headers_decode_back_exactly() {
        let warning = "no font for Han (中文): 100% blank; \"quoted\"\ttab";
        let encoded = header_text(warning);
        assert!(encoded.is_ascii() && !encoded.contains('\t'), "{encoded}");
        assert!(actix_web::http::header::HeaderValue::from_str(&encoded).is_ok());
        assert_eq!(
            percent_encoding::percent_decode_str(&encoded)
                .decode_utf8()
                .unwrap(),
            warning
        );
    }

    #[test]
    fn form_decoding() {
        assert_eq!(
            pairs("a=b+c%20d%2Fe&bad=100%&x=%zz&u=%E2%82"),
            [
                ("a".to_string(), "b c d/e".to_string()),
                ("bad".to_string(), "100%".to_string()),
                ("x".to_string(), "%zz".to_string()),
                ("u".to_string(), "\u{fffd}".to_string()),
            ]
        );
    }

    #[test]
    fn curl_default_form_gets_a_hint() {
        let err = form_request(pairs("# My post\n\nSome *text* here."), Vec::new()).unwrap_err();
        assert!(err.to_string().contains("text/markdown"), "{err}");
        let err = form_request(pairs("page_size=A4"), Vec::new()).unwrap_err();
        assert!(!err.to_string().contains("curl"), "{err}");
    }
}
