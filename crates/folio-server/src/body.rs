//! Reading request bodies from strangers: the whole body, whatever its type, counts
//! toward the size limit (a declared `Content-Length` over it is refused before a byte
//! is read); the body must arrive within a deadline and at a minimum rate, so a client
//! that trickles cannot hold a connection; multipart forms are parsed from the bounded
//! body, with a cap on their fields and field names.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use tokio::time::Instant;

use crate::problem::ApiError;

/// How a body must arrive.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Largest body, in bytes.
    pub max_bytes: usize,
    /// The whole body must arrive within this time.
    pub timeout: Duration,
    /// After the first seconds, the body must have arrived at least this fast on average
    /// (bytes per second).
    pub min_rate: usize,
}

/// The first seconds of a body are not held to the minimum rate (a slow start).
const RATE_GRACE: Duration = Duration::from_secs(2);

/// Fields a form may have, and the longest field name.
const MAX_FIELDS: usize = 32;
const MAX_FIELD_NAME: usize = 64;

/// The declared `Content-Length`, if any.
fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Reads a whole body within `limits`.
pub async fn read(
    req: &HttpRequest,
    mut body: web::Payload,
    limits: BodyLimits,
) -> Result<Vec<u8>, ApiError> {
    let too_large = |body: web::Payload| ApiError::TooLarge {
        limit: limits.max_bytes,
        unread: crate::problem::UnreadBody::new(body),
    };
    let declared = declared_length(req);
    if declared.is_some_and(|n| n > limits.max_bytes as u64) {
        return Err(too_large(body));
    }
    let started = Instant::now();
    let deadline = started + limits.timeout;
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
    loop {
        let next = tokio::time::timeout_at(deadline, body.next())
            .await
            .map_err(|_| ApiError::SlowBody {
                timeout_ms: limits.timeout.as_millis() as u64,
                min_rate: limits.min_rate,
            })?;
        let Some(chunk) = next else {
            break;
        };
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            detail: format!("could not read the body: {e}"),
            option: None,
        })?;
        if bytes.len() + chunk.len() > limits.max_bytes {
            return Err(too_large(body));
        }
        bytes.extend_from_slice(&chunk);
        let elapsed = started.elapsed();
        if elapsed > RATE_GRACE
            && (bytes.len() as f64) < limits.min_rate as f64 * elapsed.as_secs_f64()
        {
            return Err(ApiError::SlowBody {
                timeout_ms: limits.timeout.as_millis() as u64,
                min_rate: limits.min_rate,
            });
        }
    }
    Ok(bytes)
}

/// A `multipart/form-data` body: its text fields (name and value) and the image files
/// sent in `files`. The article itself may be a text field or a file in `markdown`.
#[derive(Debug, Default)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    /// Each file's own name (without any folder a client put in front) and bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The form field that carries the article's images, one file per part.
pub const FILES_FIELD: &str = "files";
/// Files a form may carry.
pub const MAX_FILES: usize = 64;
/// The longest file name.
const MAX_FILE_NAME: usize = 255;

/// A `multipart/form-data` body, read within `limits`: the whole body first (boundaries
/// and part headers count toward the size), then parsed in one piece.
pub async fn multipart_form(
    req: &HttpRequest,
    body: web::Payload,
    limits: BodyLimits,
) -> Result<Form, ApiError> {
    let bad = |detail: &str| ApiError::BadRequest {
        detail: detail.to_string(),
        option: None,
    };
    // RFC 2046 allows 1 to 70 characters; the parser needs at least 4.
    let boundary_ok = req
        .mime_type()
        .ok()
        .flatten()
        .and_then(|m| {
            m.get_param(actix_web::mime::BOUNDARY)
                .map(|b| (4..=70).contains(&b.as_str().len()))
        })
        .unwrap_or(false);
    if !boundary_ok {
        return Err(bad(
            "a multipart body needs a boundary of 4 to 70 characters in its Content-Type",
        ));
    }
    let raw = read(req, body, limits).await?;
    let whole = futures_util::stream::once(async move {
        Ok::<_, actix_web::error::PayloadError>(actix_web::web::Bytes::from(raw))
    });
    let mut multipart = actix_multipart::Multipart::new(req.headers(), whole);
    let mut form = Form::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| bad("the multipart body is malformed"))?;
        let name = field.name().unwrap_or_default().to_string();
        if name.len() > MAX_FIELD_NAME {
            return Err(bad(&format!(
                "a field name is longer than {MAX_FIELD_NAME} bytes"
            )));
        }
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_string));
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| bad("the multipart body is malformed"))?;
            value.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) if name == FILES_FIELD => {
                // Some clients send a path; the markdown names the file.
                let own = file_name
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if own.is_empty() || own.len() > MAX_FILE_NAME {
                    return Err(bad(&format!(
                        "a file in `{FILES_FIELD}` needs a file name of 1 to {MAX_FILE_NAME} \
                         bytes (the name the markdown uses for it)"
                    )));
                }
                if form.files.len() == MAX_FILES {
                    return Err(bad(&format!(
                        "the form has more than {MAX_FILES} files in `{FILES_FIELD}`"
                    )));
                }
                if form.files.iter().any(|(other, _)| *other == own) {
                    return Err(bad(&format!(
                        "two files in `{FILES_FIELD}` are named `{own}`"
                    )));
                }
                form.files.push((own, value));
            }
            Some(file_name) if name != "markdown" => {
                return Err(bad(&format!(
                    "the form part `{name}` is a file (`{}`); the article goes in `markdown` \
                     (a text field or a file) and its images in `{FILES_FIELD}` (one file \
                     per part, named as the markdown names them)",
                    file_name.chars().take(MAX_FIELD_NAME).collect::<String>()
                )));
            }
            _ if name == FILES_FIELD => {
                return Err(bad(&format!(
                    "the form part `{FILES_FIELD}` is not a file: send each image as a file \
                     part (curl -F {FILES_FIELD}=@chart.png)"
                )));
            }
            _ => {
                if form.fields.len() == MAX_FIELDS {
                    return Err(bad(&format!("the form has more than {MAX_FIELDS} fields")));
                }
                let value = String::from_utf8(value).map_err(|e| ApiError::BadRequest {
                    detail: format!(
                        "the form field `{name}` is not valid UTF-8 (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                    option: None,
                })?;
                form.fields.push((name, value));
            }
        }
    }
    Ok(form)
}
