//! The API contract: the OpenAPI document validates (openapi-spec-validator) and covers
//! every route and method the app answers; 405 with `Allow`; HEAD wherever GET;
//! `X-Request-Id` kept when valid; tokens; build and Redis status; and no 500 for any
//! malformed input on any route.

use std::sync::Arc;

use actix_web::http::{header, Method, StatusCode};
use actix_web::{test, web};
use folio::Engine;
use folio_server::{create_app, AppState, ServerConfig, ROUTES};

fn config() -> ServerConfig {
    ServerConfig {
        // These tests render in threads (their test binary is no `folio` to start
        // as a worker); crates/folio-cli/tests/isolation.rs tests the processes.
        isolation: folio_server::Isolation::Thread,
        workers: 2,
        queue: 8,
        ..ServerConfig::default()
    }
}

fn state(config: ServerConfig) -> web::Data<AppState> {
    let engine = Arc::new(Engine::with_fonts(folio::FontSources::default()));
    web::Data::new(AppState::with_engine(config, engine))
}

async fn openapi_document() -> serde_json::Value {
    let app = test::init_service(create_app(state(config()))).await;
    let resp = test::call_service(
        &app,
        test::TestRequest::get().uri("/openapi.json").to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    test::read_body_json(resp).await
}

/// The validator scripts/test installs (openapi-spec-validator from PyPI); its command
/// can be given in FOLIO_OPENAPI_VALIDATOR. Missing is a failure, not a skip.
fn validator() -> String {
    std::env::var("FOLIO_OPENAPI_VALIDATOR").unwrap_or_else(|_| "openapi-spec-validator".into())
}

#[actix_web::test]
async fn openapi_validates_and_covers_every_route_and_method() {
    let doc = openapi_document().await;
    let path = std::env::temp_dir().join(format!("folio-openapi-{}.json", std::process::id()));
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = std::process::Command::new(validator())
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): install it with `pip install openapi-spec-validator` \
                 (scripts/test does)",
                validator()
            )
        });
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "the OpenAPI document does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (route, methods) in ROUTES {
        let item = paths
            .get(*route)
            .unwrap_or_else(|| panic!("{route} is not in the OpenAPI document"));
        for method in *methods {
            assert!(
                item.get(method.to_ascii_lowercase()).is_some(),
                "{method} {route} is not in the OpenAPI document"
            );
        }
    }
    assert_eq!(
        paths.len(),
        ROUTES.len(),
        "the document lists a route the app has not"
    );
    // The render routes: every body type, query parameters with enums, statuses, headers.
    let post = &paths["/v1/render"]["post"];
    for media in [
        "text/markdown",
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        assert!(
            post["requestBody"]["content"].get(media).is_some(),
            "{media}"
        );
    }
    for status in [
        "200", "304", "400", "401", "408", "413", "415", "422", "500", "503", "504",
    ] {
        assert!(post["responses"].get(status).is_some(), "POST {status}");
    }
    let get = &paths["/v1/render"]["get"];
    for status in [
        "200", "400", "403", "413", "422", "500", "502", "503", "504",
    ] {
        assert!(get["responses"].get(status).is_some(), "GET {status}");
    }
    let headers = &get["responses"]["200"]["headers"];
    for h in [
        "Content-Disposition",
        "ETag",
        "X-Folio-Pages",
        "X-Folio-Warnings",
        "X-Folio-Warning",
        "X-Request-Id",
    ] {
        assert!(headers.get(h).is_some(), "{h}");
    }
    assert!(post["responses"]["503"]["headers"]
        .get("Retry-After")
        .is_some());
    let param = |name: &str| {
        get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no parameter {name}"))
            .clone()
    };
    assert_eq!(param("url")["required"], true);
    assert_eq!(
        param("links")["schema"]["enum"],
        serde_json::json!(["footnote", "endnote", "inline", "none"])
    );
    assert_eq!(
        param("images")["schema"]["enum"],
        serde_json::json!(["show", "hide"])
    );
    let templates = param("template")["schema"]["enum"].clone();
    assert!(
        templates
            .as_array()
            .unwrap()
            .contains(&"large-print".into()),
        "{templates}"
    );
    // Defaults are the article template's.
    let options = &doc["components"]["schemas"]["RenderOptions"]["properties"];
    assert_eq!(options["margins"]["default"], "24mm 36mm 26mm 36mm");
    assert_eq!(options["page_size"]["default"], "A4");
}

#[actix_web::test]
async fn every_route_answers_its_methods_405_others_and_head_like_get() {
    let app = test::init_service(create_app(state(config()))).await;
    for (route, methods) in ROUTES {
        for method in ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let req = test::TestRequest::default()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .uri(route)
                .to_request();
            let resp = test::call_service(&app, req).await;
            let status = resp.status();
            if methods.contains(&method) {
                assert!(
                    status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}: {status}"
                );
                assert!(status.as_u16() < 500, "{method} {route}: {status}");
            } else {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {route}");
                assert_eq!(
                    resp.headers().get(header::ALLOW).unwrap().to_str().unwrap(),
                    methods.join(", ")
                );
                assert_eq!(
                    resp.headers().get(header::CONTENT_TYPE).unwrap(),
                    "application/problem+json"
                );
            }
        }
    }
    // HEAD gives GET's headers and no body.
    let get = test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
    let head = test::call_service(
        &app,
        test::TestRequest::default()
            .method(Method::HEAD)
            .uri("/healthz")
            .to_request(),
    )
    .await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers().get(header::CONTENT_TYPE),
        get.headers().get(header::CONTENT_TYPE)
    );
    let resp = test::call_service(
        &app,
        test::TestRequest::default()
            .method(Method::PUT)
            .uri("/nowhere")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_valid_request_id_is_kept_and_others_replaced() {
    let app = test::init_service(create_app(state(config()))).await;
    let id_for = |given: &'static [u8]| {
        test::TestRequest::get()
            .uri("/healthz")
            .insert_header((
                "x-request-id",
                header::HeaderValue::from_bytes(given).unwrap(),
            ))
            .to_request()
    };
    let resp = test::call_service(&app, id_for(b"lb-7f3a:42/abc=")).await;
    assert_eq!(
        resp.headers().get("x-request-id").unwrap(),
        "lb-7f3a:42/abc="
    );
    for bad in [
        &b"has space"[..],
        &[b'x'; 65][..],
        b"semi;colon",
        b"\xc3\xa9",
    ] {
        let bad: &'static [u8] = Box::leak(bad.to_vec().into_boxed_slice());
        let resp = test::call_service(&app, id_for(bad)).await;
        let id = resp
            .headers()
            .get("x-request-id")
            .unwrap()
            .as_bytes()
            .to_vec();
        assert_ne!(id, bad, "{:?}", String::from_utf8_lossy(bad));
        assert!(!id.is_empty() && id.len() <= 64);
    }
}

#[actix_web::test]
async fn tokens_guard_the_api_but_not_the_buttons_link_or_health() {
    let dir = std::env::temp_dir().join(format!("folio-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens");
    std::fs::write(&file, "# clients\nsecret-abc\n").unwrap();
    let mut cfg = config();
    cfg.token_file = folio_server::config::FilePath(Some(file.clone()));
    cfg.check().unwrap();
    let app = test::init_service(create_app(state(cfg))).await;
    let post = |auth: Option<&str>| {
        let mut req = test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload("# Hi");
        if let Some(auth) = auth {
            req = req.insert_header((header::AUTHORIZATION, auth.to_string()));
        }
        req.to_request()
    };
    let resp = test::call_service(&app, post(None)).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert_eq!(
        resp.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    assert_eq!(
        test::call_service(&app, post(Some("Bearer secret-abd")))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        test::call_service(&app, post(Some("Bearer secret-abc")))
            .await
            .status(),
        StatusCode::OK
    );
    // The button's plain link stays public (403 here only because no origin is allowed).
    let resp = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/v1/render?url=https%3A%2F%2Fblog.example%2Fa.md")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    for open in [
        "/healthz",
        "/readyz",
        "/button.js",
        "/v1/preparing",
        "/openapi.json",
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(open).to_request()).await;
        assert_eq!(resp.status(), StatusCode::OK, "{open}");
    }
    let resp = test::call_service(
        &app,
        test::TestRequest::get().uri("/v1/templates").to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let _ = std::fs::remove_dir_all(&dir);
}

#[actix_web::test]
async fn metrics_and_readyz_say_the_build_and_redis() {
    let mut cfg = config();
    // Nothing listens on port 1: Redis is down, and the instance is still ready.
    cfg.redis_url = Some("redis://127.0.0.1:1".into());
    let app = test::init_service(create_app(state(cfg))).await;
    let resp = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(
        body.starts_with("ready\n") && body.contains("redis: down"),
        "{body}"
    );
    assert!(body.contains(env!("CARGO_PKG_VERSION")), "{body}");
    let resp =
        test::call_service(&app, test::TestRequest::get().uri("/metrics").to_request()).await;
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(
        text.contains(&format!(
            "folio_build_info{{version=\"{}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(text.contains("folio_redis_up 0"), "{text}");
    assert!(
        text.contains("folio_redis_status{status=\"down\"} 1"),
        "{text}"
    );
    // Without Redis configured.
    let app = test::init_service(create_app(state(config()))).await;
    let resp = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(body.contains("redis: off"), "{body}");
}

#[actix_web::test]
async fn warnings_and_file_names_survive_in_headers() {
    let app = test::init_service(create_app(state(config()))).await;
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render?download=1")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload("---\ntitle: Ωμέγα und Größe\n---\n\n![x](bilder/straße.png)\n")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let disposition = resp
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        disposition
            .contains("filename*=UTF-8''%CF%89%CE%BC%CE%AD%CE%B3%CE%B1-und-gr%C3%B6%C3%9Fe.pdf"),
        "{disposition}"
    );
    let warning = resp
        .headers()
        .get("x-folio-warning")
        .unwrap()
        .to_str()
        .unwrap();
    let decoded = percent_encoding::percent_decode_str(warning)
        .decode_utf8()
        .unwrap();
    assert!(decoded.contains("bilder/straße.png"), "{decoded}");
    // A name of the client's choosing.
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render")
            .set_json(serde_json::json!({"markdown": "# A", "download": true, "filename": "Bericht über Öl"}))
            .to_request(),
    )
    .await;
    let disposition = resp
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"bericht-ber-l.pdf\"; filename*=UTF-8''Bericht%20%C3%BCber%20%C3%96l.pdf"
    );
}

/// Malformed escapes, data URIs, forms, JSON and headers on every route: a 4xx or a
/// PDF, never a 500.
#[actix_web::test]
async fn no_malformed_input_is_a_500_on_any_route() {
    let mut cfg = config();
    cfg.fetch_origins = vec!["https://blog.example".into()];
    let app = test::init_service(create_app(state(cfg))).await;
    let markdowns = [
        "![x](data:image/png,%zz%)",
        "![x](data:image/png;base64,%%%)",
        "![x](data:,%E2%82%)",
        "![x](data:%ZZ,abc)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](data:)",
        "![x](%zz)",
        "![x](http://[::1)",
        "![x](//%zz/)",
        "[a](%)",
        "---\nurl: \"%zz\"\n---\n![x](a.png)",
        "---\nbase_url: 5\n---\n![x](a.png)",
    ];
    let queries = [
        "",
        "?page_size=%zz",
        "?%=%",
        "?download=%E2%82",
        "?url=%zz",
        "?url=http%3A%2F%2F%5B%3A%3A1",
        "?filename=%00%0A..%2F",
        "?base_url=%zz",
        "?text_scale=%",
        "?a&&&=&b==",
    ];
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        (
            "application/x-www-form-urlencoded",
            b"markdown=%zz%&page_size=%".to_vec(),
        ),
        ("application/x-www-form-urlencoded", b"%%%=%%%".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"markdown=\xff\xfe".to_vec(),
        ),
        ("application/json", b"{\"markdown\": \"\\ud800\"}".to_vec()),
        ("application/json", b"{\"markdown\": 5}".to_vec()),
        ("application/json", b"[".to_vec()),
        (
            "multipart/form-data; boundary=abcd",
            b"--abcd\r\nbroken".to_vec(),
        ),
        ("multipart/form-data", b"x".to_vec()),
        ("text/markdown; charset=%zz", b"# x".to_vec()),
        ("text/markdown", b"\xff".to_vec()),
        ("%zz/%zz", b"x".to_vec()),
    ];
    let mut checked = 0;
    let mut check = |status: StatusCode, what: String| {
        assert!(status.as_u16() < 500, "{what}: {status}");
        checked += 1;
    };
    for markdown in markdowns {
        let resp = test::call_service(
            &app,
            test::TestRequest::post()
                .uri("/v1/render")
                .insert_header((header::CONTENT_TYPE, "text/markdown"))
                .set_payload(markdown)
                .to_request(),
        )
        .await;
        check(resp.status(), format!("markdown {markdown:?}"));
    }
    for (route, methods) in ROUTES {
        for method in *methods {
            for q in queries {
                let uri = format!("{route}{q}");
                let mut req = test::TestRequest::default()
                    .method(Method::from_bytes(method.as_bytes()).unwrap())
                    .uri(&uri)
                    .insert_header(("x-request-id", "%zz"))
                    .insert_header((header::IF_NONE_MATCH, "\"%zz"))
                    .insert_header((header::AUTHORIZATION, "Bearer %"));
                if *method == "POST" {
                    req = req
                        .insert_header((header::CONTENT_TYPE, "text/markdown"))
                        .set_payload("![x](data:,%zz)");
                }
                let resp = test::call_service(&app, req.to_request()).await;
                check(resp.status(), format!("{method} {uri}"));
            }
        }
    }
    for (kind, body) in bodies {
        let resp = test::call_service(
            &app,
            test::TestRequest::post()
                .uri("/v1/render")
                .insert_header((header::CONTENT_TYPE, kind))
                .set_payload(body.clone())
                .to_request(),
        )
        .await;
        check(
            resp.status(),
            format!("{kind} {:?}", String::from_utf8_lossy(&body)),
        );
    }
    assert!(checked > 100);
}
