//! The HTTP service: every route, every error status, the cache and 304, CORS, and a
//! real socket under concurrent clients.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{test, web};
use folio::{Engine, Error, Rendered};
use folio_server::article::Article;
use folio_server::{create_app, pool::Renderer, AppState, ServerConfig};

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

fn state_with(config: ServerConfig, render: Option<Renderer>) -> web::Data<AppState> {
    let engine = Arc::new(Engine::with_fonts(folio::FontSources::default()));
    web::Data::new(match render {
        Some(render) => AppState::with_renderer(config, engine, render),
        None => AppState::with_engine(config, engine),
    })
}

async fn problem<B: actix_web::body::MessageBody>(
    resp: actix_web::dev::ServiceResponse<B>,
) -> serde_json::Value {
    assert_eq!(
        resp.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    test::read_body_json(resp).await
}

#[actix_web::test]
async fn markdown_body_gives_a_pdf_with_its_headers() {
    let app = test::init_service(create_app(state_with(config(), None))).await;
    let req = test::TestRequest::post()
        .uri("/v1/render?page_size=Letter")
        .insert_header((header::CONTENT_TYPE, "text/markdown"))
        .set_payload("---\ntitle: Hello, World!\n---\nSome *text*.")
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers();
    assert_eq!(h.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
    assert_eq!(
        h.get(header::CONTENT_DISPOSITION).unwrap(),
        "inline; filename=\"hello-world.pdf\"; filename*=UTF-8''hello-world.pdf"
    );
    assert!(h.get(header::ETAG).is_some());
    assert_eq!(h.get("x-folio-pages").unwrap(), "1");
    assert!(h.get("x-request-id").is_some());
    let body = test::read_body(resp).await;
    assert!(body.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&body).unwrap();
    let page = doc.get_pages()[&1];
    let media_box = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    assert!(
        (media_box[2].as_float().unwrap() - 612.0).abs() < 0.5,
        "Letter width"
    );
}

#[actix_web::test]
async fn json_form_and_multipart_bodies() {
    let app = test::init_service(create_app(state_with(config(), None))).await;
    let json = test::TestRequest::post()
        .uri("/v1/render")
        .set_json(serde_json::json!({"markdown": "# Json\n\nBody.", "options": {"justify": false}, "download": true}))
        .to_request();
    let resp = test::call_service(&app, json).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("attachment;"));

    let form = test::TestRequest::post()
        .uri("/v1/render")
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .set_payload("markdown=%23+Form%0A%0AA+plain+form.&page_size=A5&justify=false")
        .to_request();
    assert_eq!(
        test::call_service(&app, form).await.status(),
        StatusCode::OK
    );

    let boundary = "XyZ-form";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"markdown\"\r\n\r\n# Multipart\n\nText.\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"links\"\r\n\r\ninline\r\n--{boundary}--\r\n"
    );
    let multipart = test::TestRequest::post()
        .uri("/v1/render")
        .insert_header((
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
        .to_request();
    assert_eq!(
        test::call_service(&app, multipart).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn user_mistakes_are_4xx_problems() {
    let mut cfg = config();
    cfg.max_body = 4096;
    cfg.limits.max_pages = 1;
    let app = test::init_service(create_app(state_with(cfg, None))).await;
    let send = |content_type: &str, body: Vec<u8>, uri: &str| {
        test::TestRequest::post()
            .uri(uri)
            .insert_header((header::CONTENT_TYPE, content_type.to_string()))
            .set_payload(body)
            .to_request()
    };
    let resp = test::call_service(
        &app,
        send("text/markdown", vec![0xff, 0xfe, b'a'], "/v1/render"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(problem(resp).await["detail"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));

    // Bad front matter: where, as data.
    let resp = test::call_service(
        &app,
        send(
            "text/markdown",
            b"---\ntitle: ok\nFont-Size:  huge\n---\nText".to_vec(),
            "/v1/render",
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let p = problem(resp).await;
    assert_eq!(
        (&p["line"], &p["column"], &p["key"]),
        (&3.into(), &13.into(), &"Font-Size".into()),
        "{p}"
    );

    let resp = test::call_service(
        &app,
        send("application/json", b"{not json".to_vec(), "/v1/render"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(problem(resp).await["detail"]
        .as_str()
        .unwrap()
        .starts_with("invalid JSON"));

    let resp = test::call_service(
        &app,
        send("text/markdown", b"x".to_vec(), "/v1/render?font_size=99"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let p = problem(resp).await;
    assert_eq!(p["option"], "font_size");
    assert_eq!(p["status"], 400);

    let resp =
        test::call_service(&app, send("text/markdown", vec![b'a'; 5000], "/v1/render")).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    problem(resp).await;

    let resp = test::call_service(&app, send("image/png", b"x".to_vec(), "/v1/render")).await;
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    problem(resp).await;

    let long = "Short paragraph that fills the page.\n\n".repeat(100);
    let resp =
        test::call_service(&app, send("text/markdown", long.into_bytes(), "/v1/render")).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    problem(resp).await;

    let resp = test::call_service(
        &app,
        send(
            "text/markdown",
            b"---\ntitle: [\n---\nx".to_vec(),
            "/v1/render",
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(problem(resp).await["detail"]
        .as_str()
        .unwrap()
        .contains("front matter, line"));

    let resp =
        test::call_service(&app, test::TestRequest::get().uri("/nowhere").to_request()).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

/// A gate renders wait at until the test opens it, so that the one worker is busy for
/// exactly as long as the test wants, whatever the machine's speed.
#[derive(Clone, Default)]
struct Gate(Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, opened) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = opened.wait(open).unwrap();
        }
    }

    fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    /// A renderer that tells `started` when it begins, waits at the gate, then renders.
    fn renderer(&self, started: std::sync::mpsc::Sender<()>) -> Renderer {
        let engine = Arc::new(Engine::with_fonts(folio::FontSources::default()));
        let gate = self.clone();
        let started = std::sync::Mutex::new(started);
        Arc::new(move |article: &Article, _: &folio::Cancel| {
            let _ = started.lock().unwrap().send(());
            gate.wait();
            engine.render(&article.markdown, &article.options)
        })
    }
}

#[actix_web::test]
async fn a_slow_render_is_a_504_and_a_full_queue_a_503() {
    let mut cfg = config();
    cfg.workers = 1;
    cfg.queue = 1;
    cfg.deadline_ms = 100;
    cfg.cache_bytes = 0;
    let gate = Gate::default();
    let (started, _) = std::sync::mpsc::channel();
    let app = test::init_service(create_app(state_with(cfg, Some(gate.renderer(started))))).await;
    let req = |n: usize| {
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload(format!("Document {n}."))
            .to_request()
    };
    let first = test::call_service(&app, req(1)).await;
    assert_eq!(first.status(), StatusCode::GATEWAY_TIMEOUT);
    problem(first).await;
    // The one worker is still on the first render (held at the gate); the second waits
    // in the one queue place and times out too; the third finds no place.
    let second = test::call_service(&app, req(2)).await;
    assert_eq!(second.status(), StatusCode::GATEWAY_TIMEOUT);
    let third = test::call_service(&app, req(3)).await;
    assert_eq!(third.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(third.headers().get(header::RETRY_AFTER).unwrap(), "1");
    problem(third).await;
    gate.open();
}

#[actix_web::test]
async fn a_panic_is_a_500_with_a_request_id_and_the_worker_survives() {
    let engine = Arc::new(Engine::with_fonts(folio::FontSources::default()));
    let inner = Arc::clone(&engine);
    let render: Renderer = Arc::new(
        move |article: &Article, _: &folio::Cancel| -> Result<Rendered, Error> {
            if article.markdown.contains("PANIC") {
                panic!("a bug");
            }
            inner.render(&article.markdown, &article.options)
        },
    );
    let mut cfg = config();
    cfg.workers = 1;
    let app = test::init_service(create_app(web::Data::new(AppState::with_renderer(
        cfg, engine, render,
    ))))
    .await;
    let req = |body: &str| {
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload(body.to_string())
            .to_request()
    };
    let resp = test::call_service(&app, req("PANIC")).await;
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let id = resp
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(problem(resp).await["detail"]
        .as_str()
        .unwrap()
        .contains(&id));
    assert_eq!(
        test::call_service(&app, req("fine")).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn same_request_is_cached_and_revalidates_with_304() {
    let state = state_with(config(), None);
    let app = test::init_service(create_app(state.clone())).await;
    let req = || {
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload("# Cached\n\nThe same text twice.")
    };
    let first = test::call_service(&app, req().to_request()).await;
    let etag = first.headers().get(header::ETAG).unwrap().clone();
    let first_body = test::read_body(first).await;
    let second = test::call_service(&app, req().to_request()).await;
    assert_eq!(test::read_body(second).await, first_body, "identical bytes");
    let revalidate = test::call_service(
        &app,
        req()
            .insert_header((header::IF_NONE_MATCH, etag.clone()))
            .to_request(),
    )
    .await;
    assert_eq!(revalidate.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        revalidate.headers().get(header::VARY).unwrap(),
        "Origin, Accept",
        "a cacheable answer says it varies by Origin (asked without one too) and by Accept \
         (the PDF or its quality report)"
    );
    // A weak validator matches too (If-None-Match compares weakly).
    let weak = format!("\"other\", W/{}", etag.to_str().unwrap());
    let revalidate_weak = test::call_service(
        &app,
        req()
            .insert_header((header::IF_NONE_MATCH, weak))
            .to_request(),
    )
    .await;
    assert_eq!(revalidate_weak.status(), StatusCode::NOT_MODIFIED);
    let metrics =
        test::call_service(&app, test::TestRequest::get().uri("/metrics").to_request()).await;
    let text = String::from_utf8(test::read_body(metrics).await.to_vec()).unwrap();
    // The second request and both revalidations were answered from the cache (a 304
    // confirms the cached bytes' own tag).
    assert!(text.contains("folio_cache_hits_total 3"), "{text}");
    assert!(text.contains("folio_cache_misses_total 1"), "{text}");
    assert!(text.contains("folio_render_seconds_count 1"), "{text}");
    assert!(
        text.contains("folio_requests_total{route=\"/v1/render\",status=\"304\"} 2"),
        "{text}"
    );
}

#[actix_web::test]
async fn small_routes_and_cors() {
    let mut cfg = config();
    cfg.cors_origins = vec!["https://blog.example".to_string()];
    let app = test::init_service(create_app(state_with(cfg, None))).await;
    for (uri, kind) in [
        ("/healthz", "text/plain"),
        ("/readyz", "text/plain"),
        ("/metrics", "text/plain; version=0.0.4"),
        ("/v1/templates", "application/json"),
        ("/button.js", "text/javascript; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(resp.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            resp.headers().get(header::CONTENT_TYPE).unwrap(),
            kind,
            "{uri}"
        );
    }
    let templates: serde_json::Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::get().uri("/v1/templates").to_request(),
    )
    .await;
    assert_eq!(templates.as_array().unwrap().len(), 3);

    let preflight = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/v1/render")
        .insert_header((header::ORIGIN, "https://blog.example"))
        .to_request();
    let resp = test::call_service(&app, preflight).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        resp.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        "https://blog.example"
    );
    let other = test::TestRequest::get()
        .uri("/healthz")
        .insert_header((header::ORIGIN, "https://evil.example"))
        .to_request();
    let resp = test::call_service(&app, other).await;
    assert!(resp
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
}

/// One HTTP/1.1 request over a real socket; returns the status code.
fn post(addr: std::net::SocketAddr, body: &str) -> u16 {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /v1/render HTTP/1.1\r\nHost: test\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let head = String::from_utf8_lossy(&response[..response.len().min(64)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

// A plain test (not actix's): it runs its own server thread.
#[core::prelude::v1::test]
fn a_real_socket_sheds_load_with_503_and_loses_no_response() {
    let mut cfg = config();
    cfg.workers = 1;
    cfg.queue = 2;
    cfg.cache_bytes = 0;
    cfg.deadline_ms = 60_000;
    let gate = Gate::default();
    let (started, has_started) = std::sync::mpsc::channel::<()>();
    let render = gate.renderer(started);
    let state = state_with(cfg, Some(render));
    let shared = state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || create_app(state.clone()))
                .workers(2)
                .bind(("127.0.0.1", 0))
                .unwrap();
            tx.send(server.addrs()[0]).unwrap();
            server.run().await.unwrap();
        })
    });
    let addr = rx.recv().unwrap();
    let client = |n: usize| std::thread::spawn(move || post(addr, &format!("Client {n}.")));
    // The first takes the worker; two more fill the queue's two places.
    let mut waiting = vec![client(0)];
    has_started.recv().unwrap();
    waiting.push(client(1));
    waiting.push(client(2));
    let mut looks = 0;
    while shared.pool.depth() < 3 {
        looks += 1;
        assert!(looks < 30_000, "the queue never filled");
        std::thread::sleep(Duration::from_millis(1));
    }
    // Every further client is answered at once, and told to come back: a 503.
    let shed: Vec<u16> = (3..12).map(|n| client(n).join().unwrap()).collect();
    assert_eq!(shed, [503; 9]);
    // The gate opens: the three that were taken are rendered, none is lost.
    gate.open();
    let served: Vec<u16> = waiting.into_iter().map(|c| c.join().unwrap()).collect();
    assert_eq!(served, [200; 3]);
}

/// A redis-server of the test's own, on a free port, stopped when dropped.
struct RedisServer {
    child: std::process::Child,
    port: u16,
}

impl RedisServer {
    fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--bind",
                "127.0.0.1",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (scripts/test installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return RedisServer { child, port };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("redis-server did not start");
    }

    fn keys(&self) -> usize {
        let client = redis::Client::open(format!("redis://127.0.0.1:{}", self.port)).unwrap();
        let mut c = client.get_connection().unwrap();
        let keys: Vec<String> = redis::cmd("KEYS").arg("folio:pdf:*").query(&mut c).unwrap();
        keys.len()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn instances_share_renders_through_redis_and_work_without_it() {
    let redis = RedisServer::start();
    let mut cfg = config();
    cfg.redis_url = Some(format!("redis://127.0.0.1:{}", redis.port));
    let a = test::init_service(create_app(state_with(cfg.clone(), None))).await;
    let b_state = state_with(cfg, None);
    let b = test::init_service(create_app(b_state.clone())).await;
    let req = || {
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload("# Shared\n\nRendered once, served twice.")
            .to_request()
    };
    let from_a = test::read_body(test::call_service(&a, req()).await).await;
    for _ in 0..100 {
        if redis.keys() > 0 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(redis.keys(), 1);
    let from_b = test::read_body(test::call_service(&b, req()).await).await;
    assert_eq!(from_a, from_b);
    let metrics = String::from_utf8(
        test::read_body(
            test::call_service(&b, test::TestRequest::get().uri("/metrics").to_request()).await,
        )
        .await
        .to_vec(),
    )
    .unwrap();
    assert!(metrics.contains("folio_cache_hits_total 1"), "{metrics}");
    assert!(
        metrics.contains("folio_render_seconds_count 0"),
        "instance B rendered nothing: {metrics}"
    );

    // Redis gone: the service just renders.
    drop(redis);
    let mut cfg = config();
    cfg.redis_url = Some("redis://127.0.0.1:1".to_string());
    let c = test::init_service(create_app(state_with(cfg, None))).await;
    assert_eq!(test::call_service(&c, req()).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn fetching_by_url_is_off_by_default_and_never_reaches_private_addresses() {
    let app = test::init_service(create_app(state_with(config(), None))).await;
    let get = |uri: &str| test::TestRequest::get().uri(uri).to_request();
    let resp = test::call_service(&app, get("/v1/render")).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = test::call_service(
        &app,
        get("/v1/render?url=https%3A%2F%2Fblog.example%2Fa.md"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    problem(resp).await;

    // Even an allowed origin is refused when it is (or resolves to) a private address.
    let mut cfg = config();
    cfg.fetch_origins = vec![
        "http://127.0.0.1:9".into(),
        "http://localhost:9".into(),
        "http://169.254.169.254".into(),
        "http://192.168.0.10".into(),
    ];
    let app = test::init_service(create_app(state_with(cfg, None))).await;
    for url in [
        "http%3A%2F%2F127.0.0.1%3A9%2Fa.md",
        "http%3A%2F%2Flocalhost%3A9%2Fa.md",
        "http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data",
        "http%3A%2F%2F192.168.0.10%2Fa.md",
    ] {
        let resp = test::call_service(&app, get(&format!("/v1/render?url={url}"))).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{url}");
        let p = problem(resp).await;
        assert!(p["detail"].as_str().unwrap().contains("private"), "{p}");
    }
    let resp = test::call_service(
        &app,
        get("/v1/render?url=https%3A%2F%2Fother.example%2Fa.md"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_service_never_reads_local_files_or_unlisted_remote_images() {
    let mut cfg = config();
    cfg.image_origins = vec!["http://127.0.0.1:9".into()];
    let app = test::init_service(create_app(web::Data::new(AppState::new(cfg)))).await;
    let md = "![passwd](file:///etc/passwd)\n\n![local](../secret.png)\n\n![remote](https://elsewhere.example/a.png)\n\n![loop](http://127.0.0.1:9/a.png)";
    let req = test::TestRequest::post()
        .uri("/v1/render")
        .insert_header((header::CONTENT_TYPE, "text/markdown"))
        .set_payload(md)
        .to_request();
    let resp = test::call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("x-folio-warnings").unwrap(), "4");
    let warnings: Vec<String> = resp
        .headers()
        .get_all("x-folio-warning")
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        warnings[0].contains("does not read local files"),
        "{warnings:?}"
    );
    // A relative address is relative to the article's web address, not to a folder:
    // without one, nothing is read.
    assert!(
        warnings[1].contains("needs the article's address"),
        "{warnings:?}"
    );
    assert!(
        warnings[2].contains("not an allowed origin"),
        "{warnings:?}"
    );
    assert!(warnings[3].contains("loopback, private"), "{warnings:?}");
}

#[actix_web::test]
async fn the_demo_pages_plain_link_prints_its_post_without_fetching_anything() {
    // No origin is allowed: the service fetches nothing.
    let app = test::init_service(create_app(state_with(config(), None))).await;
    let page = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/")
            .insert_header((header::HOST, "folio.test:8080"))
            .to_request(),
    )
    .await;
    let page = String::from_utf8(test::read_body(page).await.to_vec()).unwrap();
    // The plain link, as a blog pastes it, with this service's own address.
    let start = page
        .find(r#"<a id="plain-link" data-folio-button href=""#)
        .unwrap();
    let href = page[start..].split('"').nth(3).unwrap();
    assert_eq!(
        href,
        "http://folio.test:8080/v1/render?url=http%3A%2F%2Ffolio.test%3A8080%2Fdemo%2Fpost.md"
    );
    // Its markup is shown, and the post's markdown is in the page for the other variant.
    assert!(page.contains("&lt;a data-folio-button href=\"http://folio.test:8080/v1/render?url="));
    let post = test::call_service(
        &app,
        test::TestRequest::get().uri("/demo/post.md").to_request(),
    )
    .await;
    let post = String::from_utf8(test::read_body(post).await.to_vec()).unwrap();
    assert!(page.contains(&format!(
        "<script type=\"text/markdown\" id=\"article-markdown\">{post}</script>"
    )));
    // Following the link gives the PDF, with the post's address printed on it.
    let path = href.trim_start_matches("http://folio.test:8080");
    let answer = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(path)
            .insert_header((header::HOST, "folio.test:8080"))
            .to_request(),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers().get("X-Folio-Warnings").unwrap(), "0");
    let pdf = test::read_body(answer).await;
    // The printed address is a link too: find it in the PDF's objects, decompressed.
    let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
    doc.decompress();
    let mut plain = Vec::new();
    doc.save_to(&mut plain).unwrap();
    let address = b"(http://folio.test:8080/demo/post.md)";
    assert!(plain.windows(address.len()).any(|w| w == address));
    // Another host's "demo post" is an ordinary fetch, refused here.
    let answer = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/v1/render?url=http%3A%2F%2Fother.test%2Fdemo%2Fpost.md")
            .insert_header((header::HOST, "folio.test:8080"))
            .to_request(),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_quality_report_comes_in_a_header_as_json_and_in_the_metrics() {
    let app = test::init_service(create_app(state_with(config(), None))).await;
    let article = "# Report\n\nA paragraph of a few words, set justified on its page.";
    let post = |uri: &str| {
        test::TestRequest::post()
            .uri(uri)
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload(article)
    };
    // The PDF carries the compact line.
    let resp = test::call_service(&app, post("/v1/render").to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let line = resp
        .headers()
        .get("x-folio-quality")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(line.starts_with("pages=1; hyphenated="), "{line}");
    assert!(line.contains("last-page-fill="), "{line}");
    let vary = resp.headers().get(header::VARY).unwrap().to_str().unwrap();
    assert!(vary.contains("Accept"), "{vary}");
    // The whole report, asked for by query or by Accept (the second from the cache).
    for req in [
        post("/v1/render?report=1").to_request(),
        post("/v1/render")
            .insert_header((header::ACCEPT, "application/json"))
            .to_request(),
    ] {
        let resp = test::call_service(&app, req).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            resp.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        let report: serde_json::Value = test::read_body_json(resp).await;
        assert_eq!(report["schema"], "folio-quality/1");
        assert_eq!(report["pages"].as_array().unwrap().len(), 1);
        assert_eq!(report["standard"]["made_to"], "ua-1+a-2a");
        assert!(report["fonts"].as_array().unwrap().len() >= 2, "{report}");
    }
    // One render (the others came from the cache) in each histogram.
    let resp =
        test::call_service(&app, test::TestRequest::get().uri("/metrics").to_request()).await;
    let metrics = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    for name in [
        "folio_hyphenated_lines_ratio_count 1",
        "folio_last_page_fill_count 1",
        "folio_spacing_p95_em_count",
    ] {
        assert!(metrics.contains(name), "{name} in\n{metrics}");
    }
}
