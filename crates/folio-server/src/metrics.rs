//! Counters for `/metrics`, in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the render-time histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Counts {
    requests: BTreeMap<(String, u16), u64>,
    durations: [u64; BUCKETS.len() + 1],
    duration_sum: f64,
    renders: u64,
    pages: u64,
    bytes_out: u64,
    cache_hits: u64,
    cache_misses: u64,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

/// What the render pool says about itself, for the metrics.
pub struct PoolFigures {
    pub depth: usize,
    pub oldest_wait_ms: u64,
    pub dropped: u64,
    /// The build, for `folio_build_info`.
    pub version: &'static str,
    pub commit: &'static str,
    pub profile: &'static str,
    /// Redis: `off` (not configured), `idle`, `connecting`, `up` or `down`.
    pub redis: &'static str,
    /// Worker processes replaced, by cause (empty with thread isolation).
    pub restarts: Vec<(&'static str, u64)>,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        if let Ok(mut c) = self.counts.lock() {
            *c.requests.entry((route.to_string(), status)).or_default() += 1;
        }
    }

    pub fn render(&self, seconds: f64, pages: usize) {
        if let Ok(mut c) = self.counts.lock() {
            let bucket = BUCKETS
                .iter()
                .position(|b| seconds <= *b)
                .unwrap_or(BUCKETS.len());
            c.durations[bucket] += 1;
            c.duration_sum += seconds;
            c.renders += 1;
            c.pages += pages as u64;
        }
    }

    pub fn bytes_out(&self, bytes: usize) {
        if let Ok(mut c) = self.counts.lock() {
            c.bytes_out += bytes as u64;
        }
    }

    pub fn cache(&self, hit: bool) {
        if let Ok(mut c) = self.counts.lock() {
            if hit {
                c.cache_hits += 1;
            } else {
                c.cache_misses += 1;
            }
        }
    }

    /// The metrics as Prometheus text; the pool's figures are read at the time of asking.
    pub fn render_text(&self, pool: &PoolFigures) -> String {
        let Ok(c) = self.counts.lock() else {
            return String::new();
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP folio_build_info The running build (always 1).\n# TYPE folio_build_info gauge\n\
             folio_build_info{{version=\"{}\",commit=\"{}\",profile=\"{}\"}} 1",
            pool.version, pool.commit, pool.profile
        );
        let _ = writeln!(
            out,
            "# HELP folio_redis_up Whether the shared Redis cache answers (0 when it is off or down).\n\
             # TYPE folio_redis_up gauge\nfolio_redis_up {}",
            u8::from(pool.redis == "up")
        );
        let _ = writeln!(
            out,
            "# HELP folio_redis_status The shared cache's state (1 for the current one).\n\
             # TYPE folio_redis_status gauge"
        );
        for status in ["off", "idle", "connecting", "up", "down"] {
            let _ = writeln!(
                out,
                "folio_redis_status{{status=\"{status}\"}} {}",
                u8::from(pool.redis == status)
            );
        }
        if !pool.restarts.is_empty() {
            let _ = writeln!(
                out,
                "# HELP folio_worker_restarts_total Render worker processes replaced, by cause.\n\
                 # TYPE folio_worker_restarts_total counter"
            );
            for (cause, n) in &pool.restarts {
                let _ = writeln!(out, "folio_worker_restarts_total{{cause=\"{cause}\"}} {n}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP folio_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE folio_requests_total counter");
        for ((route, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "folio_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let errors: u64 = c
            .requests
            .iter()
            .filter(|((_, s), _)| *s >= 400)
            .map(|(_, n)| n)
            .sum();
        let _ = writeln!(
            out,
            "# HELP folio_errors_total HTTP answers with a 4xx or 5xx status."
        );
        let _ = writeln!(out, "# TYPE folio_errors_total counter");
        let _ = writeln!(out, "folio_errors_total {errors}");
        let _ = writeln!(
            out,
            "# HELP folio_render_seconds Time to render a document."
        );
        let _ = writeln!(out, "# TYPE folio_render_seconds histogram");
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += c.durations[i];
            let _ = writeln!(
                out,
                "folio_render_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += c.durations[BUCKETS.len()];
        let _ = writeln!(
            out,
            "folio_render_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let _ = writeln!(out, "folio_render_seconds_sum {}", c.duration_sum);
        let _ = writeln!(out, "folio_render_seconds_count {}", c.renders);
        for (name, help, kind, value) in [
            ("folio_pages_total", "Pages rendered.", "counter", c.pages),
            (
                "folio_bytes_out_total",
                "PDF bytes sent.",
                "counter",
                c.bytes_out,
            ),
            (
                "folio_cache_hits_total",
                "Renders answered from the cache.",
                "counter",
                c.cache_hits,
            ),
            (
                "folio_cache_misses_total",
                "Renders not in the cache.",
                "counter",
                c.cache_misses,
            ),
            (
                "folio_queue_depth",
                "Renders waiting or running.",
                "gauge",
                pool.depth as u64,
            ),
            (
                "folio_queue_oldest_wait_ms",
                "How long the oldest waiting render has waited.",
                "gauge",
                pool.oldest_wait_ms,
            ),
            (
                "folio_renders_dropped_total",
                "Renders never started because their client left or their deadline passed while they waited.",
                "counter",
                pool.dropped,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}
