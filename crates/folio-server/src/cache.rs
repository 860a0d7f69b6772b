//! A cache of rendered PDFs, bounded in bytes, that forgets the least recently used
//! first. Keys are hashes of the input, the options and the engine's version, so the
//! same request always finds the same bytes.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

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
    max_age: std::time::Duration,
    inner: Mutex<ByteInner>,
}

#[derive(Default)]
struct ByteInner {
    entries: HashMap<String, (Arc<Vec<u8>>, std::time::Instant)>,
    order: VecDeque<String>,
    bytes: usize,
}

impl ByteCache {
    pub fn new(limit: usize, max_age: std::time::Duration) -> ByteCache {
        ByteCache {
            limit,
            max_age,
            inner: Mutex::new(ByteInner::default()),
        }
    }

    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        let mut inner = self.inner.lock().ok()?;
        let (bytes, at) = inner.entries.get(key)?.clone();
        let i = inner.order.iter().position(|k| k == key);
        if at.elapsed() > self.max_age {
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
        Some(bytes)
    }

    pub fn put(&self, key: String, bytes: Vec<u8>) {
        let size = bytes.len();
        if size > self.limit {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some((old, _)) = inner.entries.remove(&key) {
            inner.bytes -= old.len();
            inner.order.retain(|k| k != &key);
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
            .insert(key, (Arc::new(bytes), std::time::Instant::now()));
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.bytes)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn byte_cache_is_bounded_and_expires() {
        let cache = ByteCache::new(100, std::time::Duration::from_millis(50));
        cache.put("a".into(), vec![1; 60]);
        cache.put("b".into(), vec![2; 60]); // evicts a
        assert!(cache.get("a").is_none());
        assert_eq!(cache.get("b").unwrap().len(), 60);
        assert_eq!(cache.bytes(), 60);
        cache.put("huge".into(), vec![0; 101]);
        assert!(cache.get("huge").is_none());
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert!(cache.get("b").is_none());
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
