//! `folio render --report FILE`: the quality report of the run as JSON, one render's or,
//! for several inputs, each file's and a summary pooled over all of them.

use folio::quality::{Quality, SCHEMA};
use serde_json::{json, Value};

use crate::batch::{Job, Outcome};
use crate::failure::io_reason;

/// Writes the report of `jobs` (with what became of each) to `target` (`-`: standard
/// output). A job that failed is listed with its error.
pub fn write(target: &str, jobs: &[Job], outcomes: &[Option<Outcome>]) -> Result<(), String> {
    // One render's report keeps the schema's order of fields (`schema` first).
    let mut text = if jobs.len() == 1 {
        match outcomes.first() {
            Some(Some(Ok(done))) => serde_json::to_string_pretty(&done.quality),
            _ => return Ok(()),
        }
    } else {
        serde_json::to_string_pretty(&several(jobs, outcomes))
    }
    .map_err(|e| format!("the report: {e}"))?;
    text.push('\n');
    if target == "-" {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("writing the report to standard output: {}", io_reason(&e)));
    }
    std::fs::write(target, text).map_err(|e| format!("{target}: {}", io_reason(&e)))
}

/// Each file's report, and a summary: pages and lines added up, the shares pooled over
/// all body lines, the worst spacing and the emptiest last page.
fn several(jobs: &[Job], outcomes: &[Option<Outcome>]) -> Value {
    let mut files = Vec::new();
    let done: Vec<&Quality> = outcomes
        .iter()
        .filter_map(|o| o.as_ref()?.as_ref().ok())
        .map(|d| d.quality.as_ref())
        .collect();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        files.push(match outcome {
            Some(Ok(done)) => json!({ "input": job.name(), "report": done.quality }),
            Some(Err(error)) => json!({ "input": job.name(), "error": error }),
            None => json!({ "input": job.name(), "error": "not rendered" }),
        });
    }
    let body: usize = done.iter().map(|q| q.lines.body).sum();
    let hyphenated: usize = done.iter().map(|q| q.lines.hyphenated).sum();
    let share = if body == 0 {
        0.0
    } else {
        (1000.0 * hyphenated as f64 / body as f64).round() / 10.0
    };
    let worst = |f: fn(&Quality) -> f64| done.iter().map(|q| f(q)).fold(0.0, f64::max);
    json!({
        "schema": SCHEMA,
        "summary": {
            "files": jobs.len(),
            "failed": jobs.len() - done.len(),
            "pages": done.iter().map(|q| q.pages.len()).sum::<usize>(),
            "body_lines": body,
            "hyphenated_lines": hyphenated,
            "hyphenated_pct": share,
            "longest_hyphen_run": done.iter().map(|q| q.lines.longest_hyphen_run).max().unwrap_or(0),
            "spacing_p95_em_worst": worst(|q| q.spacing_em.p95),
            "last_page_fill_least": done.iter().map(|q| q.last_page_fill).fold(1.0, f64::min),
            "widows": done.iter().map(|q| q.faults.widows.len()).sum::<usize>(),
            "orphans": done.iter().map(|q| q.faults.orphans.len()).sum::<usize>(),
            "stranded_headings": done.iter().map(|q| q.faults.stranded_headings.len()).sum::<usize>(),
            "warnings": done.iter().map(|q| q.warnings).sum::<usize>(),
        },
        "files": files,
    })
}
