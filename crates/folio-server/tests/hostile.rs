//! The service against clients that misbehave, over real sockets on loopback: trickled
//! and oversized bodies, abandoned requests, malformed forms, addresses that lead to the
//! machine itself. Through all of it a small render still succeeds within its deadline
//! and `/healthz` answers. Every loop here is bounded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use folio::{Cancel, Engine, Error, Rendered};
use folio_server::article::Article;
use folio_server::{pool::Renderer, start, AppState, ServerConfig};

fn config() -> ServerConfig {
    ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        // These tests render in threads (their test binary is no `folio` to start
        // as a worker); crates/folio-cli/tests/isolation.rs tests the processes.
        isolation: folio_server::Isolation::Thread,
        workers: 2,
        queue: 8,
        cache_bytes: 0,
        body_timeout_ms: 3_000,
        deadline_ms: 5_000,
        ..ServerConfig::default()
    }
}

/// Starts the service (as `folio serve` configures it) on a free loopback port.
fn serve(config: ServerConfig, render: Option<Renderer>) -> (SocketAddr, web::Data<AppState>) {
    let engine = Arc::new(Engine::with_fonts(folio::FontSources::default()));
    let state = web::Data::new(match render {
        Some(render) => AppState::with_renderer(config, engine, render),
        None => AppState::with_engine(config, engine),
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = state.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let (server, addresses) = start(shared).expect("bind");
            tx.send(addresses[0]).unwrap();
            server.await.unwrap();
        })
    });
    (rx.recv().unwrap(), state)
}

/// Sends a raw request and reads the status and body of the answer.
fn exchange(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    status_and_body(&response)
}

fn status_and_body(response: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn post(addr: SocketAddr, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut request = format!(
        "POST /v1/render HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    exchange(addr, &request)
}

fn small_render_succeeds(addr: SocketAddr) {
    let started = Instant::now();
    let (status, _) = post(addr, "text/markdown", b"# Small\n\nA small article.");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

fn healthz(addr: SocketAddr) -> u16 {
    exchange(
        addr,
        b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .0
}

#[test]
fn trickled_and_oversized_bodies_are_refused_while_others_are_served() {
    let (addr, _) = serve(config(), None);
    // A declared length over the limit: refused before a byte of the body is read.
    let started = Instant::now();
    let (status, body) = exchange(
        addr,
        b"POST /v1/render HTTP/1.1\r\nHost: t\r\nContent-Type: text/markdown\r\nContent-Length: 1000000000\r\n\r\nsmall",
    );
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("\"status\":413"), "problem+json: {body}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Trickling clients, a byte a second, plain and chunked; a few dozen of them. Each
    // says when its request's head is sent.
    let (sent, heads_sent) = std::sync::mpsc::channel::<()>();
    let trickle = |chunked: bool| {
        let sent = sent.clone();
        std::thread::spawn(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(15)))
                .unwrap();
            let head = if chunked {
                "POST /v1/render HTTP/1.1\r\nHost: t\r\nContent-Type: text/markdown\r\nTransfer-Encoding: chunked\r\n\r\n"
            } else {
                "POST /v1/render HTTP/1.1\r\nHost: t\r\nContent-Type: text/markdown\r\nContent-Length: 5000\r\n\r\n"
            };
            stream.write_all(head.as_bytes()).unwrap();
            let _ = sent.send(());
            let started = Instant::now();
            let mut response = Vec::new();
            stream.set_nonblocking(true).unwrap();
            for _ in 0..15 {
                let byte: &[u8] = if chunked { b"1\r\nx\r\n" } else { b"x" };
                if stream.write_all(byte).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
                let mut buf = [0u8; 4096];
                match stream.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        response.extend_from_slice(&buf[..n]);
                        break;
                    }
                    Err(_) => {}
                }
            }
            (status_and_body(&response).0, started.elapsed())
        })
    };
    let clients: Vec<_> = (0..40).map(|n| trickle(n % 2 == 0)).collect();
    // While all of them hold their connections, others are served.
    for _ in 0..40 {
        heads_sent.recv().unwrap();
    }
    small_render_succeeds(addr);
    assert_eq!(healthz(addr), 200);
    for client in clients {
        let (status, waited) = client.join().unwrap();
        assert_eq!(status, 408, "a trickling client is answered 408");
        assert!(waited < Duration::from_secs(6), "{waited:?}");
    }
    small_render_succeeds(addr);
}

/// A renderer that works until its render is cancelled, and says when it noticed.
/// A renderer that works until cancelled and records when it noticed, in milliseconds
/// after `origin`.
fn until_cancelled(origin: Instant, noticed: Arc<AtomicU64>, started: Arc<AtomicBool>) -> Renderer {
    Arc::new(
        move |_: &Article, cancel: &Cancel| -> Result<Rendered, Error> {
            started.store(true, Ordering::SeqCst);
            for _ in 0..2_000 {
                if cancel.is_cancelled() {
                    noticed.store(origin.elapsed().as_millis() as u64, Ordering::SeqCst);
                    return Err(Error::Cancelled);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(Error::Cancelled)
        },
    )
}

#[test]
fn an_abandoned_render_stops_and_an_abandoned_queued_one_never_starts() {
    let noticed = Arc::new(AtomicU64::new(0));
    let started = Arc::new(AtomicBool::new(false));
    let mut cfg = config();
    cfg.workers = 1;
    cfg.deadline_ms = 30_000;
    let origin = Instant::now();
    let (addr, state) = serve(
        cfg,
        Some(until_cancelled(origin, noticed.clone(), started.clone())),
    );
    let body = "An article.";
    let request = format!(
        "POST /v1/render HTTP/1.1\r\nHost: t\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut running = TcpStream::connect(addr).unwrap();
    running.write_all(request.as_bytes()).unwrap();
    for _ in 0..200 {
        if started.load(Ordering::SeqCst) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(started.load(Ordering::SeqCst), "the render began");
    // A second request waits in the queue; its client leaves too.
    let mut queued = TcpStream::connect(addr).unwrap();
    queued.write_all(request.as_bytes()).unwrap();
    // Once it is in the queue behind the running one, its client leaves.
    for _ in 0..3_000 {
        if state.pool.depth() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(state.pool.depth(), 2, "the second request is queued");
    drop(queued);
    let closed = origin.elapsed();
    drop(running);
    for _ in 0..300 {
        if noticed.load(Ordering::SeqCst) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let stopped = Duration::from_millis(noticed.load(Ordering::SeqCst));
    assert!(stopped > Duration::ZERO, "the running render was cancelled");
    // `noticed` is whole milliseconds: it may read a hair before `closed`.
    assert!(
        stopped.saturating_sub(closed) < Duration::from_secs(1),
        "stopped {:?} after",
        stopped.saturating_sub(closed)
    );
    for _ in 0..300 {
        if state.pool.dropped() == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        state.pool.dropped(),
        1,
        "the abandoned queued job never ran"
    );
    assert_eq!(state.pool.depth(), 0);
}

#[test]
fn malformed_forms_and_charsets_are_4xx_problems_without_echo() {
    let (addr, _) = serve(config(), None);
    // A boundary too short for the parser (it would panic on it).
    let (status, body) = post(
        addr,
        "multipart/form-data; boundary=ab",
        b"--\r\n--ab\r\nContent-Disposition: form-data; name=\"markdown\"\r\n\r\nx\r\n--ab--\r\n",
    );
    assert_eq!(status, 400, "{body}");
    // Too many fields, and a field name that is long and secret: not echoed.
    let boundary = "bound-ary";
    let mut many = String::new();
    for i in 0..100 {
        many.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\n\r\n"
        ));
    }
    many.push_str(&format!("--{boundary}--\r\n"));
    let (status, body) = post(
        addr,
        &format!("multipart/form-data; boundary={boundary}"),
        many.as_bytes(),
    );
    assert_eq!(status, 400, "{body}");
    let secret = format!("SECRET{}", "x".repeat(200));
    let long = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{secret}\"\r\n\r\nv\r\n--{boundary}--\r\n"
    );
    let (status, body) = post(
        addr,
        &format!("multipart/form-data; boundary={boundary}"),
        long.as_bytes(),
    );
    assert_eq!(status, 400);
    assert!(!body.contains("SECRET"), "{body}");
    // A multipart body over the limit counts its boundaries and headers too.
    let mut cfg = config();
    cfg.max_body = 4096;
    let (small, _) = serve(cfg, None);
    let padded = format!(
        "{}--{boundary}\r\nContent-Disposition: form-data; name=\"markdown\"\r\n\r\nx\r\n--{boundary}--\r\n",
        "preamble ".repeat(1000)
    );
    let (status, _) = post(
        small,
        &format!("multipart/form-data; boundary={boundary}"),
        padded.as_bytes(),
    );
    assert_eq!(status, 413);
    // Many empty urlencoded fields.
    let fields = "a=&".repeat(20_000);
    let (status, _) = post(addr, "application/x-www-form-urlencoded", fields.as_bytes());
    assert_eq!(status, 400);
    // Text in another charset is refused, not misread.
    let (status, body) = post(addr, "text/markdown; charset=latin1", b"caf\xe9");
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("UTF-8"), "{body}");
    small_render_succeeds(addr);
}

#[test]
fn no_address_leads_to_the_machine_itself() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cfg = config();
    // Even when the operator lists the loopback origin, loopback is never fetched.
    cfg.fetch_origins = vec![format!("http://127.0.0.1:{port}")];
    cfg.image_origins = vec![format!("http://127.0.0.1:{port}")];
    let (addr, _) = serve(cfg, None);
    let article = format!(
        "![local](http://127.0.0.1:{port}/x.png) ![file](file:///etc/passwd) ![path](/etc/passwd)\n\n[a link](http://127.0.0.1:{port}/)"
    );
    let (status, _) = post(addr, "text/markdown", article.as_bytes());
    assert_eq!(status, 200);
    let (status, _) = exchange(
        addr,
        format!(
            "GET /v1/render?url=http%3A%2F%2F127.0.0.1%3A{port}%2Fpost.md HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(status, 403);
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "nothing connected to the local listener"
    );
}

#[test]
fn a_body_over_the_limit_is_not_read_on_after_the_413() {
    let (addr, _state) = serve(
        ServerConfig {
            max_body: 64 * 1024,
            ..config()
        },
        None,
    );
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(
            b"POST /v1/render HTTP/1.1\r\nHost: x\r\nContent-Type: text/markdown\r\n\
              Transfer-Encoding: chunked\r\n\r\n",
        )
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();
    // Send without end; the service must answer 413 and close the connection, however
    // fast the client sends (before, it read on for a second: over a gigabyte).
    let chunk = vec![b'x'; 16 * 1024];
    let mut sent = 0usize;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed = loop {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&framed).is_err() {
            break true;
        }
        sent += chunk.len();
        match stream.read(&mut buffer) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break true,
        }
        if sent > 256 * 1024 * 1024 {
            break false;
        }
    };
    assert!(closed, "the connection stayed open after {sent} bytes");
    assert!(
        sent < 64 * 1024 * 1024,
        "{sent} bytes were accepted before the connection closed"
    );
    assert!(
        answer.starts_with(b"HTTP/1.1 413"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    small_render_succeeds(addr);
}
