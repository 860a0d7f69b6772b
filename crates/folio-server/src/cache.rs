//! A cache of rendered PDFs, bounded in bytes, that forgets the least recently used
//! first. Keys are hashes of the input, the options and the engine's version, so the
//! same request always finds the same bytes.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The first 16 bytes of a digest in hexadecimal: cache keys and entity tags.
pub fn hex_prefix(digest: &[u8]) -> String {
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A cached render.
#[derive(Debug, Clone)]
pub struct Entry {
    pub pdf: Arc<Vec<u8>>,
    pub pages: usize,
    pub warnings: Vec<String>,
    pub title: Option<String>,
    /// The entity tag of the PDF: a hash of its bytes, so it changes exactly when they do
    /// (an image that changed makes other bytes, and another tag).
    pub etag: Arc<str>,
    /// Until when the render may be served from a cache (None: as long as it is kept).
    /// A render that read from the web is as fresh as what it read.
    pub fresh_until: Option<std::time::SystemTime>,
    /// The render's quality report (none from a cache written before reports).
    pub quality: Option<Arc<folio::quality::Quality>>,
}

impl Entry {
    pub fn new(
        pdf: Vec<u8>,
        pages: usize,
        warnings: Vec<String>,
        title: Option<String>,
        fresh_for: Option<std::time::Duration>,
    ) -> Entry {
        use sha2::{Digest, Sha256};
        let etag = format!("\"{}\"", hex_prefix(&Sha256::digest(&pdf)));
        Entry {
            pdf: Arc::new(pdf),
            pages,
            warnings,
            title,
            etag: etag.into(),
            fresh_until: fresh_for.map(|d| std::time::SystemTime::now() + d),
            quality: None,
        }
    }

    /// How much longer it may be served (None: no limit; zero: no longer).
    pub fn fresh_for(&self) -> Option<std::time::Duration> {
        self.fresh_until.map(|until| {
            until
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default()
        })
    }

    pub fn is_fresh(&self) -> bool {
        self.fresh_for().is_none_or(|left| !left.is_zero())
    }
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Keys from least to most recently used.
    order: VecDeque<String>,
    bytes: usize,
}

/// An LRU cache bounded in bytes.
pub struct Cache {
    limit: usize,
    inner: Mutex<Inner>,
}

impl Cache {
    pub fn new(limit: usize) -> Cache {
        Cache {
            limit,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        let mut inner = self.inner.lock().ok()?;
        let entry = inner.entries.get(key)?.clone();
        if !entry.is_fresh() {
            if let Some(old) = inner.entries.remove(key) {
                inner.bytes -= old.pdf.len();
            }
            inner.order.retain(|k| k != key);
            return None;
        }
        if let Some(i) = inner.order.iter().position(|k| k == key) {
            let k = inner.order.remove(i).unwrap_or_default();
            inner.order.push_back(k);
        }
        Some(entry)
    }

    pub fn put(&self, key: String, entry: Entry) {
        let size = entry.pdf.len();
        if size > self.limit {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.pdf.len();
            inner.order.retain(|k| k != &key);
        }
        while inner.bytes + size > self.limit {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes -= old.pdf.len();
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.entries.insert(key, entry);
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.bytes)
    }
}

/// Fetched bytes (images) by address: an LRU bounded in bytes, whose entries also
/// expire after a while, so a changed image shows within minutes.
pub struct ByteCache {
    limit: usize,
    /// The longest any entry is kept, whatever its source allows.
    max_age: Duration,
    inner: Mutex<ByteInner>,
}

#[derive(Default)]
struct ByteInner {
    /// Each entry's bytes and the moment it stops being fresh.
    entries: HashMap<String, (Arc<Vec<u8>>, Instant)>,
    order: VecDeque<String>,
    bytes: usize,
}

impl ByteCache {
    pub fn new(limit: usize, max_age: Duration) -> ByteCache {
        ByteCache {
            limit,
            max_age,
            inner: Mutex::new(ByteInner::default()),
        }
    }

    /// The bytes under `key`, while they are fresh, and for how much longer.
    pub fn get(&self, key: &str) -> Option<(Arc<Vec<u8>>, Duration)> {
        self.get_at(key, Instant::now())
    }

    /// [`ByteCache::get`] at the moment `now`.
    pub fn get_at(&self, key: &str, now: Instant) -> Option<(Arc<Vec<u8>>, Duration)> {
        let mut inner = self.inner.lock().ok()?;
        let (bytes, until) = inner.entries.get(key)?.clone();
        let i = inner.order.iter().position(|k| k == key);
        if now >= until {
            inner.entries.remove(key);
            inner.bytes -= bytes.len();
            if let Some(i) = i {
                inner.order.remove(i);
            }
            return None;
        }
        if let Some(i) = i {
            let k = inner.order.remove(i).unwrap_or_default();
            inner.order.push_back(k);
        }
        Some((bytes, until - now))
    }

    /// Keeps `bytes` under `key` for `fresh_for` (at most the cache's longest age); bytes
    /// fresh for no time are not kept (and replace what was).
    pub fn put(&self, key: String, bytes: Vec<u8>, fresh_for: Duration) {
        self.put_at(key, bytes, fresh_for, Instant::now());
    }

    /// [`ByteCache::put`] at the moment `now`.
    pub fn put_at(&self, key: String, bytes: Vec<u8>, fresh_for: Duration, now: Instant) {
        let size = bytes.len();
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some((old, _)) = inner.entries.remove(&key) {
            inner.bytes -= old.len();
            inner.order.retain(|k| k != &key);
        }
        let fresh_for = fresh_for.min(self.max_age);
        if size > self.limit || fresh_for.is_zero() {
            return;
        }
        while inner.bytes + size > self.limit {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some((old, _)) = inner.entries.remove(&oldest) {
                inner.bytes -= old.len();
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner
            .entries
            .insert(key, (Arc::new(bytes), now + fresh_for));
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.bytes)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn byte_cache_is_bounded_and_expires_when_its_source_says() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let cache = ByteCache::new(100, Duration::from_millis(50));
        let long = Duration::from_secs(3600);
        cache.put_at("a".into(), vec![1; 60], long, at(0));
        cache.put_at("b".into(), vec![2; 60], long, at(0)); // evicts a
        assert!(cache.get_at("a", at(0)).is_none());
        let (bytes, left) = cache.get_at("b", at(10)).unwrap();
        assert_eq!((bytes.len(), left), (60, Duration::from_millis(40)));
        assert_eq!(cache.bytes(), 60);
        cache.put_at("huge".into(), vec![0; 101], long, at(0));
        assert!(cache.get_at("huge", at(0)).is_none());
        // The cache's own age caps a long one; it is gone once past.
        assert!(cache.get_at("b", at(50)).is_none());
        assert_eq!(cache.bytes(), 0);
        // A source's shorter life is kept; one of no time is not kept at all.
        cache.put_at("c".into(), vec![3; 10], Duration::from_millis(5), at(100));
        assert!(cache.get_at("c", at(104)).is_some());
        assert!(cache.get_at("c", at(105)).is_none());
        cache.put_at("d".into(), vec![4; 10], Duration::ZERO, at(100));
        assert!(cache.get_at("d", at(100)).is_none());
        assert_eq!(cache.bytes(), 0);
    }

    use super::*;

    fn entry(size: usize) -> Entry {
        Entry::new(vec![0; size], 1, Vec::new(), None, None)
    }

    #[test]
    fn stale_entries_are_not_served_and_tags_follow_the_bytes() {
        let cache = Cache::new(1 << 20);
        cache.put("fresh".into(), entry(10));
        cache.put(
            "stale".into(),
            Entry::new(
                vec![1; 10],
                1,
                Vec::new(),
                None,
                Some(std::time::Duration::ZERO),
            ),
        );
        assert!(cache.get("fresh").is_some());
        assert!(cache.get("stale").is_none());
        assert_eq!(entry(10).etag, entry(10).etag);
        assert_ne!(entry(10).etag, entry(11).etag);
        assert!(entry(10).etag.starts_with('"') && entry(10).etag.len() == 34);
    }

    #[test]
    fn forgets_the_least_recently_used_within_its_byte_limit() {
        let cache = Cache::new(100);
        cache.put("a".into(), entry(40));
        cache.put("b".into(), entry(40));
        assert!(cache.get("a").is_some()); // a is now the most recent
        cache.put("c".into(), entry(40)); // evicts b
        assert!(cache.get("b").is_none());
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        assert_eq!(cache.bytes(), 80);
        cache.put("huge".into(), entry(1000));
        assert!(cache.get("huge").is_none());
    }
}
