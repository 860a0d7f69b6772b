//! Errors as HTTP answers: RFC 9457 `application/problem+json`, with a one-line
//! explanation. A user's mistake is a 4xx; only Folio's own faults are 500.

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use folio::Error;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Invalid UTF-8, bad JSON, a bad option (400).
    BadRequest {
        detail: String,
        option: Option<String>,
    },
    /// The article's front matter (or a template) is wrong at a place (400): the problem
    /// says where (`line`, `column`) and which key.
    BadSource {
        detail: String,
        error: folio::source::SourceError,
    },
    /// The body is larger than the limit (413). `unread` holds the rest of the body, so
    /// that the connection closes after the answer instead of reading it to its end.
    TooLarge { limit: usize, unread: UnreadBody },
    /// The body did not arrive in time, or arrived too slowly (408).
    SlowBody { timeout_ms: u64, min_rate: usize },
    /// A media type the endpoint does not read (415).
    UnsupportedMediaType { got: String },
    /// The document exceeds a limit (422).
    Unprocessable { detail: String },
    /// A token file is configured and the request has no valid bearer token (401).
    Unauthorized,
    /// A fetch refused by policy: origin, scheme or address (403).
    Forbidden { detail: String },
    /// The site an article was fetched from failed (502).
    BadGateway { detail: String },
    /// The render queue is full (503, with Retry-After).
    Busy,
    /// The render took longer than the deadline (504).
    Timeout { deadline_ms: u64 },
    /// The render was stopped before it finished (504).
    Cancelled,
    /// Folio failed; the request id finds it in the log (500).
    Internal { request_id: String },
    /// The render needed more memory than a worker may use (422).
    TooMuchMemory { detail: String },
    /// The render's worker process crashed; it was replaced (500).
    WorkerCrashed { request_id: String, detail: String },
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    option: Option<&'a str>,
    /// Where in the article (its file's line and column) the problem is.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    /// The front-matter key the problem is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::BadRequest { detail, .. } | ApiError::BadSource { detail, .. } => {
                (StatusCode::BAD_REQUEST, "Bad request", detail.clone())
            }
            ApiError::TooLarge { limit, .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large",
                format!("the body is larger than the limit of {limit} bytes"),
            ),
            ApiError::SlowBody {
                timeout_ms,
                min_rate,
            } => (
                StatusCode::REQUEST_TIMEOUT,
                "Request body too slow",
                format!(
                    "the body must arrive within {timeout_ms} ms at {min_rate} bytes per second \
                     or faster"
                ),
            ),
            ApiError::UnsupportedMediaType { got } => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                format!(
                    "cannot read `{got}`; send text/markdown (curl: -H 'Content-Type: \
                     text/markdown' --data-binary @article.md), application/json, \
                     application/x-www-form-urlencoded or multipart/form-data with a \
                     `markdown` field"
                ),
            ),
            ApiError::Unprocessable { detail } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Document too large",
                detail.clone(),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "Token required",
                "this service needs an `Authorization: Bearer TOKEN` header with a valid token"
                    .to_string(),
            ),
            ApiError::Forbidden { detail } => {
                (StatusCode::FORBIDDEN, "Not allowed", detail.clone())
            }
            ApiError::BadGateway { detail } => (
                StatusCode::BAD_GATEWAY,
                "Could not fetch the article",
                detail.clone(),
            ),
            ApiError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many renders",
                "every render worker is busy and the queue is full; retry in a moment".to_string(),
            ),
            ApiError::Timeout { deadline_ms } => (
                StatusCode::GATEWAY_TIMEOUT,
                "Render took too long",
                format!("the render did not finish within {deadline_ms} ms"),
            ),
            ApiError::Cancelled => (
                StatusCode::GATEWAY_TIMEOUT,
                "Render took too long",
                "the render was stopped before it finished".to_string(),
            ),
            ApiError::Internal { request_id } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error",
                format!("Folio failed on this request; it is logged under request id {request_id}"),
            ),
            ApiError::TooMuchMemory { detail } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Document too large",
                detail.clone(),
            ),
            ApiError::WorkerCrashed { request_id, detail } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error",
                format!(
                    "{detail}; the service lives on; this is logged under request id {request_id}"
                ),
            ),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.parts().2)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match &e {
            Error::InvalidOption { option, .. } => ApiError::BadRequest {
                detail: e.to_string(),
                option: Some(option.clone()),
            },
            Error::FrontMatter(error) | Error::Template(error) => ApiError::BadSource {
                detail: e.to_string(),
                error: error.clone(),
            },
            Error::Limit(_) => ApiError::Unprocessable {
                detail: e.to_string(),
            },
            Error::Cancelled => ApiError::Cancelled,
            Error::Internal(_) => ApiError::Internal {
                request_id: String::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, title, detail) = self.parts();
        let option = match self {
            ApiError::BadRequest { option, .. } => option.as_deref(),
            _ => None,
        };
        let at = match self {
            ApiError::BadSource { error, .. } => Some(error),
            _ => None,
        };
        let body = Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
            option,
            line: at.map(|e| e.at.line),
            column: at.map(|e| e.at.column),
            key: at.and_then(|e| e.key.as_deref()),
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if matches!(self, ApiError::Busy) {
            response.insert_header((header::RETRY_AFTER, "1"));
        }
        // A body over the limit is not read to its end: the rest of it is held by the
        // answer's body until that is written (actix-web drains a request body dropped
        // before, and closes the connection on one still held), so a client cannot keep
        // sending into the connection.
        let unread = match self {
            ApiError::TooLarge { unread, .. } => unread.take(),
            _ => None,
        };
        if unread.is_some() {
            response.force_close();
        }
        if matches!(self, ApiError::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"folio\""));
        }
        let json = serde_json::to_string(&body).unwrap_or_default();
        match unread {
            Some(unread) => response.body(HoldingUnread {
                json: Some(json.into()),
                _unread: Box::new(unread),
            }),
            None => response.body(json),
        }
    }
}

/// An answer's body that holds the request's unread body until it has been written.
struct HoldingUnread {
    json: Option<actix_web::web::Bytes>,
    _unread: Box<actix_web::web::Payload>,
}

impl MessageBody for HoldingUnread {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.json.as_ref().map_or(0, |j| j.len() as u64))
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        std::task::Poll::Ready(self.get_mut().json.take().map(Ok))
    }
}

/// The unread rest of a request body, kept with the answer to it (see
/// [`ApiError::TooLarge`]).
#[derive(Clone, Default)]
pub struct UnreadBody(std::rc::Rc<std::cell::RefCell<Option<actix_web::web::Payload>>>);

impl UnreadBody {
    pub fn new(payload: actix_web::web::Payload) -> UnreadBody {
        UnreadBody(std::rc::Rc::new(std::cell::RefCell::new(Some(payload))))
    }

    fn take(&self) -> Option<actix_web::web::Payload> {
        self.0.borrow_mut().take()
    }
}

impl std::fmt::Debug for UnreadBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnreadBody")
    }
}

impl PartialEq for UnreadBody {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// An error answer that actix-web made with an empty body (a payload error, a method
/// not allowed...) as problem+json, headers kept. (Errors actix-http writes itself before
/// the application runs, such as a malformed request line, never reach here.)
pub fn empty_error_as_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if !matches!(
        res.response().body().size(),
        BodySize::None | BodySize::Sized(0)
    ) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let detail = old
        .error()
        .map(|e| e.to_string())
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase());
    let body = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        option: None,
        line: None,
        column: None,
        key: None,
    };
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    let new = new
        .content_type("application/problem+json")
        .body(serde_json::to_string(&body).unwrap_or_default());
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body(),
    ))
}
