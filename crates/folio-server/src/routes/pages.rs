//! The pages and script a browser loads: the Print/PDF button, the demo blog post (with
//! its markdown, which the service prints without fetching) and the "Preparing your
//! PDF" page.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// `GET /button.js`: the Print/PDF button a blog includes with one tag.
pub async fn button_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../assets/button.js"))
}

/// The demo blog post's markdown (`GET /demo/post.md`).
pub(super) const DEMO_POST: &str = include_str!("../../assets/demo-post.md");

/// Where the demo post's markdown is served.
pub const DEMO_POST_PATH: &str = "/demo/post.md";

/// This service's own origin as the request names it (`scheme://host[:port]`), if
/// that is a valid one.
pub(super) fn own_origin(req: &HttpRequest) -> Option<url::Url> {
    let info = req.connection_info();
    url::Url::parse(&format!("{}://{}/", info.scheme(), info.host()))
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
}

/// Whether `url` is this service's own demo post: answered from the bundled text,
/// without fetching anything, whatever the fetch policy.
pub(super) fn is_own_demo_post(url: &str, req: &HttpRequest) -> bool {
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
    let page = include_str!("../../assets/demo.html")
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
        .body(include_str!("../../assets/preparing.html"))
}
