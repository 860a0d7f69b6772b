//! An optional cache in Redis, shared by several instances behind a load balancer. It is
//! a help, never a dependency: every call has a timeout, so a slow Redis costs a request
//! at most that long and never holds up the others (one multiplexed connection carries
//! every request at once); when Redis fails or keeps timing out, the service renders as if
//! it were not there, and tries Redis again a few seconds later.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::AsyncCommands;

use super::cache::Entry;

/// How long to leave Redis alone after it failed.
const BACKOFF: Duration = Duration::from_secs(5);
/// Connect timeout, and the timeout of each Redis call.
const TIMEOUT: Duration = Duration::from_millis(200);
/// Timeouts in a row after which Redis counts as down.
const TIMEOUTS_BEFORE_BACKOFF: u32 = 8;
/// Keys are namespaced, so the Redis can be shared with other uses.
const PREFIX: &str = "folio:pdf:";

#[derive(Default)]
struct State {
    connection: Option<MultiplexedConnection>,
    down_until: Option<Instant>,
}

/// The shared cache.
pub struct SharedCache {
    client: redis::Client,
    ttl_seconds: u64,
    state: tokio::sync::Mutex<State>,
    timeouts_in_a_row: AtomicU32,
}

impl SharedCache {
    /// A cache at `url` (`redis://host:port/db`); nothing is connected until first use.
    pub fn new(url: &str, ttl_seconds: u64) -> Result<SharedCache, String> {
        let client = redis::Client::open(url).map_err(|e| format!("redis_url: {e}"))?;
        Ok(SharedCache {
            client,
            ttl_seconds,
            state: tokio::sync::Mutex::new(State::default()),
            timeouts_in_a_row: AtomicU32::new(0),
        })
    }

    /// The connection (made on first use, and again after a failure), unless Redis is
    /// resting after one.
    async fn connection(&self) -> Option<MultiplexedConnection> {
        let mut state = self.state.lock().await;
        if state.down_until.is_some_and(|t| Instant::now() < t) {
            return None;
        }
        if let Some(connection) = &state.connection {
            return Some(connection.clone());
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(TIMEOUT)
            .set_response_timeout(TIMEOUT);
        match self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(connection) => {
                state.connection = Some(connection.clone());
                state.down_until = None;
                Some(connection)
            }
            Err(e) => {
                tracing::warn!(error = %e, "redis unavailable; rendering without the shared cache");
                state.down_until = Some(Instant::now() + BACKOFF);
                None
            }
        }
    }

    /// Notes how a call went: a failure drops the connection and rests Redis; so do many
    /// timeouts in a row.
    async fn outcome<T>(
        &self,
        result: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>,
    ) -> Option<T> {
        let failed = match result {
            Ok(Ok(value)) => {
                self.timeouts_in_a_row.store(0, Ordering::Relaxed);
                return Some(value);
            }
            Ok(Err(e)) if e.is_timeout() => self.timed_out(),
            Err(_) => self.timed_out(),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "redis failed; rendering without the shared cache");
                true
            }
        };
        if failed {
            let mut state = self.state.lock().await;
            state.connection = None;
            state.down_until = Some(Instant::now() + BACKOFF);
        }
        None
    }

    fn timed_out(&self) -> bool {
        let n = self.timeouts_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
        if n >= TIMEOUTS_BEFORE_BACKOFF {
            tracing::warn!("redis keeps timing out; rendering without the shared cache");
            self.timeouts_in_a_row.store(0, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// How Redis is doing, for `/metrics` and `/readyz`: `up` (connected), `down` (failed
    /// recently; left alone for a few seconds), or `idle` (not connected yet).
    pub fn status(&self) -> &'static str {
        match self.state.try_lock() {
            Ok(state) if state.down_until.is_some_and(|t| Instant::now() < t) => "down",
            Ok(state) if state.connection.is_some() => "up",
            Ok(_) => "idle",
            // Someone is connecting right now.
            Err(_) => "connecting",
        }
    }

    /// Connects now if not connected (for `/readyz`, so the status it shows is fresh);
    /// bounded by the connect timeout.
    pub async fn probe(&self) -> &'static str {
        let _ = self.connection().await;
        self.status()
    }

    pub async fn get(&self, key: &str) -> Option<Entry> {
        let mut connection = self.connection().await?;
        let call = connection.get::<_, Option<Vec<u8>>>(format!("{PREFIX}{key}"));
        let bytes = self
            .outcome(tokio::time::timeout(TIMEOUT, call).await)
            .await??;
        decode(&bytes)
    }

    pub async fn put(self: Arc<Self>, key: String, entry: Entry) {
        let Some(mut connection) = self.connection().await else {
            return;
        };
        let value = encode(&entry);
        // Kept no longer than it is fresh (a render that read from the web).
        let ttl = entry.fresh_for().map_or(self.ttl_seconds, |left| {
            left.as_secs().min(self.ttl_seconds)
        });
        if ttl == 0 {
            return;
        }
        let call = connection.set_ex::<_, _, ()>(format!("{PREFIX}{key}"), value, ttl);
        self.outcome(tokio::time::timeout(TIMEOUT, call).await)
            .await;
    }
}

/// A stored entry: the length of a JSON header (4 bytes, big-endian), the header
/// (pages, warnings, title, and until when it is fresh, in seconds since 1970), then the
/// PDF.
fn encode(entry: &Entry) -> Vec<u8> {
    let fresh_until = entry
        .fresh_until
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    let header = serde_json::json!({
        "pages": entry.pages,
        "warnings": entry.warnings,
        "title": entry.title,
        "fresh_until": fresh_until,
        "quality": entry.quality.as_deref(),
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
    let mut entry = Entry::new(
        pdf,
        header["pages"].as_u64()? as usize,
        header["warnings"]
            .as_array()?
            .iter()
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect(),
        header["title"].as_str().map(str::to_string),
        None,
    );
    entry.fresh_until = header["fresh_until"]
        .as_u64()
        .map(|secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
    entry.quality = serde_json::from_value(header["quality"].clone())
        .ok()
        .map(std::sync::Arc::new);
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let entry = Entry::new(
            b"%PDF-1.7 body".to_vec(),
            3,
            vec!["w".into()],
            Some("T".into()),
            Some(std::time::Duration::from_secs(60)),
        );
        let back = decode(&encode(&entry)).unwrap();
        assert_eq!(back.pdf, entry.pdf);
        assert_eq!(back.etag, entry.etag);
        let left = back.fresh_for().unwrap().as_secs();
        assert!((58..=60).contains(&left), "{left}");
        assert_eq!(
            (back.pages, back.warnings, back.title),
            (3, vec!["w".to_string()], Some("T".to_string()))
        );
        assert!(decode(b"garbage").is_none());
    }
}
