//! An optional cache in Redis, shared by several instances behind a load balancer. It is
//! a help, never a dependency: when Redis is slow or down, the service renders as if it
//! were not there, and tries Redis again a few seconds later.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::cache::Entry;

/// How long to leave Redis alone after it failed.
const BACKOFF: Duration = Duration::from_secs(5);
/// Connect and read/write timeout of each Redis operation.
const TIMEOUT: Duration = Duration::from_millis(200);
/// Keys are namespaced, so the Redis can be shared with other uses.
const PREFIX: &str = "folio:pdf:";

struct State {
    connection: Option<redis::Connection>,
    down_until: Option<Instant>,
}

/// The shared cache.
pub struct SharedCache {
    client: redis::Client,
    ttl_seconds: u64,
    state: Mutex<State>,
}

impl SharedCache {
    /// A cache at `url` (`redis://host:port/db`); nothing is connected until first use.
    pub fn new(url: &str, ttl_seconds: u64) -> Result<SharedCache, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis_url: {e}"))?;
        Ok(SharedCache {
            client,
            ttl_seconds,
            state: Mutex::new(State {
                connection: None,
                down_until: None,
            }),
        })
    }

    fn with_connection<T>(
        &self,
        op: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Option<T> {
        let mut state = self.state.lock().ok()?;
        if state.down_until.is_some_and(|t| Instant::now() < t) {
            return None;
        }
        if state.connection.is_none() {
            match self.client.get_connection_with_timeout(TIMEOUT) {
                Ok(c) => {
                    let _ = c.set_read_timeout(Some(TIMEOUT));
                    let _ = c.set_write_timeout(Some(TIMEOUT));
                    state.connection = Some(c);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "redis unavailable; rendering without the shared cache");
                    state.down_until = Some(Instant::now() + BACKOFF);
                    return None;
                }
            }
        }
        let connection = state.connection.as_mut()?;
        match op(connection) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::warn!(error = %e, "redis failed; rendering without the shared cache");
                state.connection = None;
                state.down_until = Some(Instant::now() + BACKOFF);
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        let bytes: Option<Vec<u8>> =
            self.with_connection(|c| redis::cmd("GET").arg(format!("{PREFIX}{key}")).query(c))?;
        decode(&bytes?)
    }

    pub fn put(&self, key: &str, entry: &Entry) {
        let value = encode(entry);
        self.with_connection(|c| {
            redis::cmd("SET")
                .arg(format!("{PREFIX}{key}"))
                .arg(value)
                .arg("EX")
                .arg(self.ttl_seconds)
                .query::<()>(c)
        });
    }
}

/// A stored entry: the length of a JSON header (4 bytes, big-endian), the header
/// (pages, warnings, title), then the PDF.
fn encode(entry: &Entry) -> Vec<u8> {
    let header = serde_json::json!({
        "pages": entry.pages,
        "warnings": entry.warnings,
        "title": entry.title,
    })
    .to_string();
    let mut out = Vec::with_capacity(4 + header.len() + entry.pdf.len());
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&entry.pdf);
    out
}

fn decode(bytes: &[u8]) -> Option<Entry> {
    let length = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let header: serde_json::Value = serde_json::from_slice(bytes.get(4..4 + length)?).ok()?;
    let pdf = bytes.get(4 + length..)?.to_vec();
    if !pdf.starts_with(b"%PDF-") {
        return None;
    }
    Some(Entry {
        pdf: Arc::new(pdf),
        pages: header["pages"].as_u64()? as usize,
        warnings: header["warnings"]
            .as_array()?
            .iter()
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect(),
        title: header["title"].as_str().map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let entry = Entry {
            pdf: Arc::new(b"%PDF-1.7 body".to_vec()),
            pages: 3,
            warnings: vec!["w".into()],
            title: Some("T".into()),
        };
        let back = decode(&encode(&entry)).unwrap();
        assert_eq!(back.pdf, entry.pdf);
        assert_eq!(
            (back.pages, back.warnings, back.title),
            (3, vec!["w".to_string()], Some("T".to_string()))
        );
        assert!(decode(b"garbage").is_none());
    }
}
