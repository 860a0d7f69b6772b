//! `folio serve` with renders in worker processes, attacked as a stranger would: every
//! attack gets its documented answer, no answer carries panic text, the service and
//! `/healthz` stay up, and a small render afterwards succeeds within its deadline. A
//! worker killed mid-render (`kill -9`) costs only its own request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `folio serve`, stopped when dropped.
struct Service {
    child: Child,
    address: SocketAddr,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    /// Starts the service on a free loopback port, with renders in worker processes.
    fn start(extra: &[&str]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--isolation",
                "process",
                "--workers",
                "2",
            ])
            .args(extra)
            .env_remove("FOLIO_FONT_DIRS")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start folio serve");
        let mut log = BufReader::new(child.stderr.take().unwrap());
        let mut address = None;
        let mut line = String::new();
        while address.is_none() {
            line.clear();
            if log.read_line(&mut line).unwrap_or(0) == 0 {
                panic!("folio serve ended before it listened");
            }
            if let Some(rest) = line.split("address=[").nth(1) {
                address = rest.split(']').next().and_then(|a| a.parse().ok());
            }
        }
        // Keep reading the log so that the service never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while log.read_line(&mut sink).unwrap_or(0) > 0 {
                sink.clear();
            }
        });
        Service {
            child,
            address: address.unwrap(),
        }
    }

    /// One request; the status and the body.
    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/markdown\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let head_end = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let status = std::str::from_utf8(&answer[9..12])
            .unwrap()
            .parse()
            .unwrap();
        (status, answer[head_end + 4..].to_vec())
    }

    fn render(&self, markdown: &str) -> (u16, String) {
        let (status, body) = self.request("POST", "/v1/render", markdown.as_bytes());
        let text = if body.starts_with(b"%PDF") {
            "%PDF".to_string()
        } else {
            String::from_utf8_lossy(&body).into_owned()
        };
        (status, text)
    }

    /// The service's worker processes.
    fn workers(&self) -> Vec<u32> {
        let pid = self.child.id();
        let mut workers = Vec::new();
        for task in std::fs::read_dir(format!("/proc/{pid}/task"))
            .unwrap()
            .flatten()
        {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            workers.extend(
                children
                    .split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
        workers
    }

    /// Waits until the service has `count` workers that have built their engine (a worker
    /// turns its system call filter on just before it says it is ready), and gives them.
    fn ready_workers(&self, count: usize) -> Vec<u32> {
        let started = Instant::now();
        loop {
            let workers = self.workers();
            let ready = workers.len() == count
                && workers.iter().all(|pid| {
                    std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|s| {
                        s.lines()
                            .any(|l| l.starts_with("Seccomp:") && l.ends_with('2'))
                    })
                });
            if ready {
                return workers;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the workers were not ready in two minutes: {workers:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Asserts the service is alive and renders a small article within its deadline.
    fn still_serves(&self, after: &str) {
        let (status, _) = self.request("GET", "/healthz", b"");
        assert_eq!(status, 200, "/healthz after {after}");
        let (status, body) = self.render("# Still here\n\nA small article.");
        assert_eq!(
            (status, body.as_str()),
            (200, "%PDF"),
            "a small render after {after}"
        );
    }
}

fn svg_data_uri(svg: &str) -> String {
    // Percent-encoding keeps the test free of a base64 dependency.
    let encoded: String = svg
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'=' | b'.' | b'-' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("data:image/svg+xml,{encoded}")
}

#[test]
fn attacks_get_their_answers_and_the_service_serves_on() {
    let service = Service::start(&["--deadline-ms", "1500", "--max-pages", "2000"]);
    let deep_svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}{}</svg>"#,
        "<g>".repeat(5_000),
        "</g>".repeat(5_000)
    );
    let mut alias_bomb = String::from("---\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..14 {
        let p = i - 1;
        alias_bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    alias_bomb.push_str("---\nText\n");
    let words = ["print", "paper", "margin", "justify", "hyphen", "leading"];
    let giant_paragraph: String = (0..250_000)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let attacks: Vec<(&str, String, u16, &str)> = vec![
        (
            "an SVG nested 5,000 deep",
            format!("# Deep\n\n![drawing]({})\n", svg_data_uri(&deep_svg)),
            200,
            "%PDF",
        ),
        ("a YAML alias bomb", alias_bomb, 400, "aliases"),
        (
            "a quote that hides 30,000 brackets",
            format!("---\ntags: [a'b, {}\n---\nText\n", "[".repeat(30_000)),
            422,
            "max_front_matter_depth",
        ),
        ("a 2 MB paragraph", giant_paragraph, 504, "within 1500 ms"),
        ("a 2 MB word", "x".repeat(2_000_000), 504, "within 1500 ms"),
    ];
    for (name, markdown, status, says) in attacks {
        let (got, body) = service.render(&markdown);
        assert_eq!(got, status, "{name}: {body}");
        assert!(body.contains(says), "{name}: {body}");
        assert!(!body.contains("panick"), "{name}: {body}");
        service.still_serves(name);
    }
}

#[test]
fn a_render_over_its_memory_is_stopped_with_422_and_its_worker_replaced() {
    let service = Service::start(&["--deadline-ms", "60000", "--worker-memory-mb", "48"]);
    let paragraph = "measure twice and set once ".repeat(70_000);
    let (status, body) = service.render(&paragraph);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("48 MB"), "{body}");
    service.still_serves("a render over its memory");
    let (_, metrics) = service.request("GET", "/metrics", b"");
    let metrics = String::from_utf8_lossy(&metrics);
    assert!(
        metrics.contains("folio_worker_restarts_total{cause=\"memory\"} 1"),
        "{metrics}"
    );
}

/// How many bytes a process has written so far (`/proc/PID/io`).
fn bytes_written(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("wchar: ")?.trim().parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn a_worker_killed_mid_render_costs_only_its_request() {
    // An image server that takes the connection and never answers: the render waits for
    // its picture, mid-way, for as long as the test needs; no race with a clock.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (accepted, asked) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
            let _ = accepted.send(());
        }
    });
    let service = Service::start(&["--deadline-ms", "60000", "--allow-origin", &origin]);
    let initial = service.ready_workers(2);
    let before: Vec<u64> = initial.iter().map(|&pid| bytes_written(pid)).collect();
    let signal = |name: &str, pid: u32| {
        let sent = Command::new("kill")
            .args([name, &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {name} {pid}");
    };
    let long = std::thread::scope(|scope| {
        let long = scope.spawn(|| {
            service.render(&format!(
                "# Waiting\n\n![a picture]({origin}/picture.png)\n\nText after it."
            ))
        });
        asked
            .recv_timeout(Duration::from_secs(60))
            .expect("the render asked for its picture");
        // The worker mid-render is the one that wrote since it was ready: its request
        // for the picture.
        let busy = initial
            .iter()
            .zip(&before)
            .find(|(pid, before)| bytes_written(**pid) > **before)
            .map(|(pid, _)| *pid)
            .expect("a worker asked for the picture");
        // The other worker keeps serving while this one dies.
        let (status, body) = service.render("# Beside it\n\nA small article.");
        assert_eq!((status, body.as_str()), (200, "%PDF"));
        signal("-9", busy);
        long.join().unwrap()
    });
    assert_eq!(long.0, 500, "{}", long.1);
    assert!(
        long.1.contains("signal 9") && long.1.contains("request id"),
        "{}",
        long.1
    );
    service.still_serves("a worker killed mid-render");
    let (_, metrics) = service.request("GET", "/metrics", b"");
    assert!(String::from_utf8_lossy(&metrics)
        .contains("folio_worker_restarts_total{cause=\"crash\"} 1"));
}

#[test]
fn workers_run_under_a_system_call_filter_and_gain_no_privileges() {
    let service = Service::start(&[]);
    let (status, _) = service.render("# Ready\n\nA small article.");
    assert_eq!(status, 200);
    // Waits for the filter on both; a worker that never turned it on fails here.
    let workers = service.ready_workers(2);
    for pid in workers {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::trim)
                .unwrap_or("")
                .to_string()
        };
        let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        assert_eq!(
            field("Seccomp:"),
            "2",
            "worker {pid} ({cmdline:?}): seccomp filter mode\n{status}"
        );
        assert_eq!(field("NoNewPrivs:"), "1", "worker {pid}");
    }
}

/// A blog on loopback whose images take `delay` each to arrive; counts the requests.
fn slow_blog(delay: Duration) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let asked = std::sync::Arc::new(AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&asked);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let count = std::sync::Arc::clone(&count);
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                // The image never comes in time; the connection is dropped after the delay.
                std::thread::sleep(delay);
                let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            });
        }
    });
    (origin, asked)
}

#[test]
fn image_fetching_stops_at_the_deadline() {
    use std::sync::atomic::Ordering;
    // Ten images that take 4 s each, a deadline of 1.5 s: before, the worker fetched on,
    // one image after another, for 38 s after the 504.
    let (origin, asked) = slow_blog(Duration::from_secs(4));
    let service = Service::start(&["--deadline-ms", "1500", "--allow-origin", &origin]);
    service.ready_workers(2);
    let markdown: String = (0..10)
        .map(|i| format!("Photo {i}.\n\n![photo {i}]({origin}/photo-{i}.png)\n\n"))
        .collect();
    let (status, body) = service.render(&markdown);
    assert_eq!(status, 504, "{body}");
    // The worker is free: a small render is answered, well before the next slow image
    // could have arrived.
    service.still_serves("ten slow images");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "only the image being fetched at the deadline was asked for"
    );
}
