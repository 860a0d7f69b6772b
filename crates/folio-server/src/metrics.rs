//! Counters for `/metrics`, in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the render-time histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The quality histograms' upper bounds: word spacing p95 in ems, the share of body lines
/// that end in a hyphen, and the last page's fill.
const SPACING_BUCKETS: [f64; 8] = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.8];
const HYPHEN_BUCKETS: [f64; 7] = [0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3];
const FILL_BUCKETS: [f64; 6] = [0.1, 0.25, 0.4, 0.6, 0.8, 1.0];

/// A Prometheus histogram over fixed bounds.
struct Histogram {
    bounds: &'static [f64],
    /// Observations at or under each bound, then over the last.
    counts: Vec<u64>,
    sum: f64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: vec![0; bounds.len() + 1],
            sum: 0.0,
        }
    }

    fn observe(&mut self, value: f64) {
        let bucket = self
            .bounds
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(self.bounds.len());
        self.counts[bucket] += 1;
        self.sum += value;
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let total: u64 = self.counts.iter().sum();
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {total}");
    }
}

/// How well the renders are set: an operator alerts on a template gone wrong.
struct QualityHistograms {
    spacing_p95: Histogram,
    hyphenated: Histogram,
    last_page_fill: Histogram,
}

impl Default for QualityHistograms {
    fn default() -> QualityHistograms {
        QualityHistograms {
            spacing_p95: Histogram::new(&SPACING_BUCKETS),
            hyphenated: Histogram::new(&HYPHEN_BUCKETS),
            last_page_fill: Histogram::new(&FILL_BUCKETS),
        }
    }
}

#[derive(Default)]
struct Counts {
    quality: QualityHistograms,
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

    /// A render's quality figures (renders that set no measured line add no spacing).
    pub fn quality(&self, quality: &folio::quality::Quality) {
        if let Ok(mut c) = self.counts.lock() {
            if quality.lines.measured > 0 {
                c.quality.spacing_p95.observe(quality.spacing_em.p95);
            }
            if quality.lines.body > 0 {
                c.quality
                    .hyphenated
                    .observe(quality.lines.hyphenated_pct / 100.0);
            }
            c.quality.last_page_fill.observe(quality.last_page_fill);
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
        c.quality.spacing_p95.write(
            &mut out,
            "folio_spacing_p95_em",
            "Word spacing of a render's justified lines, 95th percentile, in ems.",
        );
        c.quality.hyphenated.write(
            &mut out,
            "folio_hyphenated_lines_ratio",
            "Share of a render's body lines that end in a hyphen.",
        );
        c.quality.last_page_fill.write(
            &mut out,
            "folio_last_page_fill",
            "How full a render's last page is (share of the text area).",
        );
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
