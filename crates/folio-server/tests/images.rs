//! Images from the blog: a post fetched by `?url=` from a local blog server (on a
//! loopback network the operator trusts by name) prints with its images, whose relative
//! addresses are resolved against the post's; posted markdown resolves them against its
//! front matter's `url` or the `base_url` option; fetched images are cached; without the
//! trusted network nothing is fetched.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::http::{header, StatusCode};
use actix_web::{test, web};
use folio::Engine;
use folio_server::{create_app, AppState, ServerConfig};

/// A PNG of one colour.
fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..width * height).flat_map(|_| rgb).collect();
        writer.write_image_data(&data).unwrap();
    }
    out
}

/// A tiny blog on loopback: serves its files, counts requests per path.
struct Blog {
    origin: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    total: Arc<AtomicUsize>,
    /// Path, content type and body of each file (changed by [`Blog::set`]).
    files: Arc<Mutex<Vec<BlogFile>>>,
}

/// A file of the blog: its path, content type and body.
type BlogFile = (&'static str, &'static str, Vec<u8>);

impl Blog {
    fn start(files: Vec<BlogFile>) -> Blog {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let total = Arc::new(AtomicUsize::new(0));
        let (h, t) = (Arc::clone(&hits), Arc::clone(&total));
        let files = Arc::new(Mutex::new(files));
        let served = Arc::clone(&files);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                t.fetch_add(1, Ordering::SeqCst);
                *h.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                let found = served
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|(p, _, _)| *p == path)
                    .cloned();
                let response = match found {
                    Some((_, kind, body)) => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(&body);
                        r
                    }
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        Blog {
            origin,
            hits,
            total,
            files,
        }
    }

    /// Replaces a file (`None`: it is gone, 404).
    fn set(&self, path: &'static str, kind: &'static str, body: Option<Vec<u8>>) {
        let mut files = self.files.lock().unwrap();
        files.retain(|(p, _, _)| *p != path);
        if let Some(body) = body {
            files.push((path, kind, body));
        }
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

const POST: &str = "---\ntitle: Photos from the coast\n---\n\nThe harbour at dawn.\n\n![A red boat](../images/red.png)\n\nAnd the lighthouse.\n\n![A blue lighthouse](/images/blue.png \"The lighthouse\")\n";

fn blog() -> Blog {
    Blog::start(vec![
        ("/posts/coast.md", "text/markdown", POST.as_bytes().to_vec()),
        ("/images/red.png", "image/png", png(40, 30, [200, 20, 20])),
        ("/images/blue.png", "image/png", png(30, 40, [20, 20, 200])),
    ])
}

fn config(blog: &Blog, trust: &[&str]) -> ServerConfig {
    ServerConfig {
        // These tests render in threads (their test binary is no `folio` to start
        // as a worker); crates/folio-cli/tests/isolation.rs tests the processes.
        isolation: folio_server::Isolation::Thread,
        workers: 2,
        queue: 8,
        fetch_origins: vec![blog.origin.clone()],
        image_origins: vec![blog.origin.clone()],
        trust_networks: trust.iter().map(|s| s.to_string()).collect(),
        fetch_timeout_ms: 2000,
        ..ServerConfig::default()
    }
}

fn state(config: ServerConfig) -> web::Data<AppState> {
    let engine = Arc::new(Engine::with_fonts(folio::FontSources::default()));
    web::Data::new(AppState::with_engine(config, engine))
}

/// The image XObjects in a PDF, as (width, height).
fn images(pdf: &[u8]) -> Vec<(i64, i64)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut found: Vec<(i64, i64)> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(&b"Image"[..])
        })
        .filter(|s| s.dict.get(b"SMask").is_ok() || s.dict.get(b"ColorSpace").is_ok())
        .map(|s| {
            (
                s.dict.get(b"Width").unwrap().as_i64().unwrap(),
                s.dict.get(b"Height").unwrap().as_i64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[actix_web::test]
async fn a_post_fetched_by_url_prints_with_its_relative_images() {
    let blog = blog();
    let app = test::init_service(create_app(state(config(&blog, &["127.0.0.1/32"])))).await;
    let post = format!("{}/posts/coast.md", blog.origin);
    let resp = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(&format!("/v1/render?url={}", encode(&post)))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let warnings = resp
        .headers()
        .get("x-folio-warnings")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let warning = resp
        .headers()
        .get("x-folio-warning")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(warnings, "0", "warnings: {warning:?}");
    let pdf = test::read_body(resp).await;
    assert_eq!(
        images(&pdf),
        [(30, 40), (40, 30)],
        "both images are in the PDF"
    );
    assert_eq!(blog.hits("/images/red.png"), 1);
    assert_eq!(blog.hits("/images/blue.png"), 1);

    // Another render of the same post (other options): the images come from the cache.
    let resp = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(&format!(
                "/v1/render?url={}&page_size=Letter",
                encode(&post)
            ))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(images(&test::read_body(resp).await).len(), 2);
    assert_eq!(blog.hits("/posts/coast.md"), 2);
    assert_eq!(blog.hits("/images/red.png"), 1, "the image was cached");
}

#[actix_web::test]
async fn posted_markdown_resolves_against_front_matter_url_then_base_url() {
    let blog = blog();
    let app = test::init_service(create_app(state(config(&blog, &["127.0.0.1/32"])))).await;
    let with_url = format!(
        "---\ntitle: T\nurl: {}/posts/coast/\n---\n\n![red](../../images/red.png)\n",
        blog.origin
    );
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload(with_url)
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("x-folio-warnings").unwrap(), "0");
    assert_eq!(images(&test::read_body(resp).await), [(40, 30)]);

    // No address in the article: the base_url option (query string, JSON or form).
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render")
            .set_json(serde_json::json!({
                "markdown": "# T\n\n![blue](images/blue.png)\n",
                "options": {"base_url": format!("{}/", blog.origin)}
            }))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(images(&test::read_body(resp).await), [(30, 40)]);

    // A bad base_url is a 400 naming the option.
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render?base_url=file%3A%2F%2F%2Fetc%2F")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload("![x](passwd)")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let problem: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(problem["option"], "base_url");

    // Without any address, a relative image is a placeholder with a warning that says why.
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload("# T\n\n![nowhere](images/x.png)\n")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let warning = resp
        .headers()
        .get("x-folio-warning")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(warning.contains("base_url"), "{warning}");
}

#[actix_web::test]
async fn without_a_trusted_network_loopback_is_never_fetched() {
    let blog = blog();
    // 0.0.0.0/0 trusts private networks but not loopback: loopback must be named.
    for trust in [&[][..], &["0.0.0.0/0", "10.0.0.0/8"][..]] {
        let app = test::init_service(create_app(state(config(&blog, trust)))).await;
        let resp = test::call_service(
            &app,
            test::TestRequest::get()
                .uri(&format!(
                    "/v1/render?url={}",
                    encode(&format!("{}/posts/coast.md", blog.origin))
                ))
                .to_request(),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "trusting {trust:?}");
        let resp = test::call_service(
            &app,
            test::TestRequest::post()
                .uri("/v1/render")
                .insert_header((header::CONTENT_TYPE, "text/markdown"))
                .set_payload(format!("![red]({}/images/red.png)", blog.origin))
                .to_request(),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_ne!(resp.headers().get("x-folio-warnings").unwrap(), "0");
    }
    assert_eq!(
        blog.total.load(Ordering::SeqCst),
        0,
        "nothing reached the blog"
    );
}

#[actix_web::test]
async fn a_changed_image_gives_new_bytes_and_a_new_tag_and_an_unchanged_one_a_304() {
    let blog = blog();
    let config = ServerConfig {
        // Renders that read from the web are not kept: each request reads the blog again.
        source_ttl_s: 0,
        ..config(&blog, &["127.0.0.1/32"])
    };
    let app = test::init_service(create_app(state(config))).await;
    let url = format!("/v1/render?url={}/posts/coast.md", blog.origin);
    let get = |tag: Option<String>| {
        let mut request = test::TestRequest::get().uri(&url);
        if let Some(tag) = tag {
            request = request.insert_header((header::IF_NONE_MATCH, tag));
        }
        request.to_request()
    };
    let first = test::call_service(&app, get(None)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = etag(&first);
    let first_pdf = test::read_body(first).await;
    // The post's address is printed on it (its front matter names none).
    let text = pdftotext(&first_pdf);
    assert!(
        text.replace(char::is_whitespace, "")
            .contains(&format!("{}/posts/coast.md", blog.origin)),
        "{text}"
    );
    // Nothing changed: the same bytes, so the same tag, and a 304.
    let again = test::call_service(&app, get(Some(tag.clone()))).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // The blog's photo changed: other bytes, another tag, and no 304 for the old one.
    blog.set(
        "/images/red.png",
        "image/png",
        Some(png(40, 30, [20, 200, 20])),
    );
    let changed = test::call_service(&app, get(Some(tag.clone()))).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let new_tag = etag(&changed);
    assert_ne!(new_tag, tag);
    assert_ne!(test::read_body(changed).await, first_pdf);
    // The photo is gone: a placeholder, and an answer nobody may keep.
    blog.set("/images/red.png", "image/png", None);
    let lost = test::call_service(&app, get(None)).await;
    assert_eq!(lost.status(), StatusCode::OK);
    assert_eq!(
        lost.headers().get(header::CACHE_CONTROL).unwrap(),
        "no-cache"
    );
    assert_eq!(lost.headers().get("X-Folio-Warnings").unwrap(), "1");
    // It is back: printed again.
    blog.set(
        "/images/red.png",
        "image/png",
        Some(png(40, 30, [20, 200, 20])),
    );
    let back = test::call_service(&app, get(None)).await;
    assert_eq!(back.headers().get("X-Folio-Warnings").unwrap(), "0");
    assert_eq!(etag(&back), new_tag);
}

#[actix_web::test]
async fn a_render_that_lost_an_image_is_not_cached() {
    let blog = blog();
    blog.set("/images/blue.png", "image/png", None);
    let app = test::init_service(create_app(state(config(&blog, &["127.0.0.1/32"])))).await;
    let url = format!("/v1/render?url={}/posts/coast.md", blog.origin);
    let lost = test::call_service(&app, test::TestRequest::get().uri(&url).to_request()).await;
    assert_eq!(lost.headers().get("X-Folio-Warnings").unwrap(), "1");
    blog.set(
        "/images/blue.png",
        "image/png",
        Some(png(30, 40, [20, 20, 200])),
    );
    // Within the source TTL, but the lost render was never kept: rendered again, whole.
    let back = test::call_service(&app, test::TestRequest::get().uri(&url).to_request()).await;
    assert_eq!(back.headers().get("X-Folio-Warnings").unwrap(), "0");
    let max_age = back
        .headers()
        .get(header::CACHE_CONTROL)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(max_age.starts_with("public, max-age="), "{max_age}");
    let seconds: u64 = max_age
        .trim_start_matches("public, max-age=")
        .parse()
        .unwrap();
    assert!(seconds <= 60, "{max_age}");
}

/// The text poppler reads from a PDF.
fn pdftotext(pdf: &[u8]) -> String {
    use std::process::{Command, Stdio};
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils, installed by scripts/test)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[actix_web::test]
async fn one_flag_prints_a_local_blog_with_its_images() {
    let blog = blog();
    // Only --allow-origin: no fetch or image origins, no trusted network.
    let config = ServerConfig {
        fetch_origins: Vec::new(),
        image_origins: Vec::new(),
        trust_networks: Vec::new(),
        allow_origins: vec![blog.origin.clone()],
        ..config(&blog, &[])
    };
    config.check().unwrap();
    let app = test::init_service(create_app(state(config))).await;
    let url = format!("/v1/render?url={}/posts/coast.md", blog.origin);
    let answer = test::call_service(&app, test::TestRequest::get().uri(&url).to_request()).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers().get("X-Folio-Warnings").unwrap(), "0");
    let pdf = test::read_body(answer).await;
    assert_eq!(images(&pdf).len(), 2, "both photos printed");
}

#[actix_web::test]
async fn settings_errors_name_the_flag_and_the_variable() {
    let config = ServerConfig {
        allow_origins: vec!["https://blog.example/posts/".into()],
        ..ServerConfig::default()
    };
    let error = config.check().unwrap_err();
    assert!(
        error.starts_with("--allow-origin (FOLIO_ALLOW_ORIGINS, `allow_origins` in a file): `https://blog.example/posts/` is not an origin"),
        "{error}"
    );
    let config = ServerConfig {
        workers: 0,
        ..ServerConfig::default()
    };
    assert_eq!(
        config.check().unwrap_err(),
        "--workers (FOLIO_WORKERS, `workers` in a file): must be at least 1"
    );
}

/// An answer's entity tag.
fn etag<B>(answer: &actix_web::dev::ServiceResponse<B>) -> String {
    answer
        .headers()
        .get(header::ETAG)
        .and_then(|tag| tag.to_str().ok())
        .expect("an ETag")
        .to_string()
}

/// The addresses the PDF's links go to.
fn link_uris(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut uris = Vec::new();
    for page in doc.get_pages().values() {
        let page = doc.get_dictionary(*page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        let annots = doc.dereference(annots).unwrap().1.as_array().unwrap();
        for annot in annots {
            let annot = doc.dereference(annot).unwrap().1.as_dict().unwrap();
            let action = doc.dereference(annot.get(b"A").unwrap()).unwrap().1;
            if let Ok(uri) = action.as_dict().unwrap().get(b"URI") {
                uris.push(String::from_utf8(uri.as_str().unwrap().to_vec()).unwrap());
            }
        }
    }
    uris.sort();
    uris.dedup();
    uris
}

#[actix_web::test]
async fn relative_links_resolve_against_the_fetched_address_or_the_front_matter() {
    let blog = blog();
    blog.set(
        "/2026/post/index.md",
        "text/markdown",
        Some(
            b"# A post\n\nSee [about](/about), [the next one](../next/) and [below](#a-post).\n"
                .to_vec(),
        ),
    );
    let app = test::init_service(create_app(state(config(&blog, &["127.0.0.1/32"])))).await;
    let url = format!("{}/2026/post/index.md", blog.origin);
    let answer = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(&format!("/v1/render?url={}", encode(&url)))
            .to_request(),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers().get("X-Folio-Warnings").unwrap(), "0");
    let pdf = test::read_body(answer).await;
    // The post's own address (printed as its source) and the two relative links.
    assert_eq!(
        link_uris(&pdf),
        [
            format!("{}/2026/next/", blog.origin),
            format!("{}/2026/post/index.md", blog.origin),
            format!("{}/about", blog.origin),
        ]
    );
    let text = pdftotext(&pdf);
    assert!(text.contains(&format!("{}/about", blog.origin)), "{text}");

    // Posted, the article's own address is its front matter's, under any spelling of
    // the key the engine reads.
    let answer = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/v1/render")
            .insert_header((header::CONTENT_TYPE, "text/markdown"))
            .set_payload(
                "---\nCanonical-URL: https://blog.example/2026/post/\n---\n\n[about](/about)\n",
            )
            .to_request(),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        link_uris(&test::read_body(answer).await),
        [
            "https://blog.example/2026/post/",
            "https://blog.example/about"
        ]
    );
}

/// An answer's `Cache-Control`.
fn max_age<B>(answer: &actix_web::dev::ServiceResponse<B>) -> String {
    answer
        .headers()
        .get(header::CACHE_CONTROL)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

/// A `POST /v1/render` with a multipart body of `parts`: (field name, file name, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> test::TestRequest {
    let boundary = "folio-test-boundary";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(file) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    test::TestRequest::post()
        .uri("/v1/render")
        .insert_header((
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
}

#[actix_web::test]
async fn a_markdown_file_uploaded_with_its_images_prints_them() {
    let blog = blog();
    let app = test::init_service(create_app(state(config(&blog, &[])))).await;
    let red = png(40, 30, [200, 20, 20]);
    let blue = png(30, 40, [20, 20, 200]);
    // The front matter's address does not take the images away from the files: they
    // came with the article.
    let markdown = b"---\nurl: https://blog.example/post/\n---\n\n# Upload\n\n![red](red.png)\n\n![blue](./img/blue%20one.png)\n\n[home](/)\n";
    let request = multipart(&[
        ("markdown", Some("post.md"), markdown),
        ("files", Some("red.png"), &red),
        ("files", Some("photos/blue one.png"), &blue),
        ("page_size", None, b"A5"),
    ]);
    let answer = test::call_service(&app, request.to_request()).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.headers().get("X-Folio-Warnings").unwrap(),
        "0",
        "{:?}",
        answer.headers().get("X-Folio-Warning")
    );
    let etag = etag(&answer);
    let pdf = test::read_body(answer).await;
    assert_eq!(images(&pdf), [(30, 40), (40, 30)]);
    assert_eq!(
        link_uris(&pdf),
        ["https://blog.example/", "https://blog.example/post/"]
    );
    assert_eq!(blog.total.load(Ordering::SeqCst), 0, "nothing was fetched");

    // Other file bytes: another render, not the cached one.
    let answer = test::call_service(
        &app,
        multipart(&[
            ("markdown", Some("post.md"), markdown),
            ("files", Some("red.png"), &blue),
            ("files", Some("blue one.png"), &red),
        ])
        .to_request(),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_ne!(etag, self::etag(&answer));

    // A file the markdown names but that did not come: a placeholder, and the warning
    // lists what came.
    let answer = test::call_service(
        &app,
        multipart(&[
            ("markdown", None, b"![missing](gone.png)"),
            ("files", Some("red.png"), &red),
        ])
        .to_request(),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let warning = answer.headers().get("X-Folio-Warning").unwrap();
    assert!(
        warning.to_str().unwrap().contains("came with `red.png`"),
        "{warning:?}"
    );

    // Files anywhere but `files`, and `files` that are not files, are 400s naming them.
    for (parts, says) in [
        (
            vec![
                ("markdown", None, &b"# T"[..]),
                ("picture", Some("red.png"), &red[..]),
            ],
            "`picture` is a file (`red.png`)",
        ),
        (
            vec![("markdown", None, &b"# T"[..]), ("files", None, &b"x"[..])],
            "`files` is not a file",
        ),
        (
            vec![
                ("markdown", None, &b"# T"[..]),
                ("files", Some("a.png"), &red[..]),
                ("files", Some("a.png"), &red[..]),
            ],
            "two files in `files` are named `a.png`",
        ),
    ] {
        let answer = test::call_service(&app, multipart(&parts).to_request()).await;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{says}");
        let problem: serde_json::Value = test::read_body_json(answer).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{problem}"
        );
    }
}

#[actix_web::test]
async fn a_render_is_kept_no_longer_than_its_sources_allow() {
    let blog = blog();
    // The service would keep renders for an hour; the blog says less.
    let config = ServerConfig {
        source_ttl_s: 3600,
        ..config(&blog, &["127.0.0.1/32"])
    };
    let app = test::init_service(create_app(state(config))).await;
    let get = |path: &str| {
        test::TestRequest::get()
            .uri(&format!("/v1/render?url={}{path}", blog.origin))
            .to_request()
    };
    // The photo may be kept for 20 s: so may the PDF, here and downstream.
    blog.set(
        "/images/red.png",
        "image/png\r\nCache-Control: public, max-age=20",
        Some(png(40, 30, [200, 20, 20])),
    );
    let answer = test::call_service(&app, get("/posts/coast.md")).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let kept = max_age(&answer);
    let seconds: u64 = kept.trim_start_matches("public, max-age=").parse().unwrap();
    assert!((19..=20).contains(&seconds), "{kept}");

    // The photo may not be kept at all: neither may the PDF, and the next request
    // fetches it again.
    blog.set(
        "/images/green.png",
        "image/png\r\nCache-Control: no-store",
        Some(png(40, 30, [20, 200, 20])),
    );
    blog.set(
        "/posts/other.md",
        "text/markdown",
        Some(b"# Other\n\n![A green boat](../images/green.png)\n".to_vec()),
    );
    for _ in 0..2 {
        let answer = test::call_service(&app, get("/posts/other.md")).await;
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(max_age(&answer), "no-cache");
    }
    assert_eq!(blog.hits("/images/green.png"), 2, "fetched each time");

    // The article's own Expires counts too.
    blog.set(
        "/posts/dated.md",
        "text/markdown\r\nDate: Mon, 07 Dec 2026 10:00:00 GMT\r\nExpires: Mon, 07 Dec 2026 10:00:30 GMT",
        Some(b"# Dated\n\nNo pictures.\n".to_vec()),
    );
    let answer = test::call_service(&app, get("/posts/dated.md")).await;
    let kept = max_age(&answer);
    let seconds: u64 = kept.trim_start_matches("public, max-age=").parse().unwrap();
    assert!((29..=30).contains(&seconds), "{kept}");
}
