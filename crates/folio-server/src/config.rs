//! The service's configuration: defaults, then a TOML file (`--config`), then
//! environment variables (`FOLIO_...`), then flags; later sources win.

use std::net::SocketAddr;

use serde::Deserialize;

/// Settings of `folio serve`. Every field has a default, so `folio serve` runs with no
/// configuration at all.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on. Env `FOLIO_BIND`. Default `127.0.0.1:8080`.
    pub bind: SocketAddr,
    /// Renders running at once. Env `FOLIO_WORKERS`. Default: the number of cores.
    pub workers: usize,
    /// Renders waiting for a worker before new ones are refused with 503. Env
    /// `FOLIO_QUEUE`. Default 64.
    pub queue: usize,
    /// Largest request body, in bytes. Env `FOLIO_MAX_BODY`. Default 2 MiB.
    pub max_body: usize,
    /// Longest a render may take, in milliseconds, before the answer is 504. Env
    /// `FOLIO_DEADLINE_MS`. Default 10000.
    pub deadline_ms: u64,
    /// Most pages a document may have (422 beyond). Env `FOLIO_MAX_PAGES`. Default 500.
    pub max_pages: usize,
    /// Bytes of rendered PDFs kept in memory for repeated requests (0 turns the cache
    /// off). Env `FOLIO_CACHE_BYTES`. Default 64 MiB.
    pub cache_bytes: usize,
    /// Origins (`https://blog.example`) whose pages may call the API from a browser
    /// (CORS). Env `FOLIO_CORS_ORIGINS`, comma-separated. Default: none.
    pub cors_origins: Vec<String>,
    /// Origins (`https://blog.example`) that `GET /v1/render?url=` may fetch articles
    /// from. Env `FOLIO_FETCH_ORIGINS`, comma-separated. Default: none (fetching off).
    pub fetch_origins: Vec<String>,
    /// Timeout of a fetch, in milliseconds (connect and total). Env
    /// `FOLIO_FETCH_TIMEOUT_MS`. Default 5000.
    pub fetch_timeout_ms: u64,
    /// Origins whose images an article may show (`![](https://cdn.example/a.png)`),
    /// fetched under the same rules. Env `FOLIO_IMAGE_ORIGINS`. Default: none.
    pub image_origins: Vec<String>,
    /// A Redis shared by several instances as a second cache (`redis://host:6379`).
    /// Env `FOLIO_REDIS_URL`. Default: none. When Redis is down, the service renders.
    pub redis_url: Option<String>,
    /// How long PDFs stay in Redis, in seconds. Env `FOLIO_REDIS_TTL`. Default 86400.
    pub redis_ttl: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue: 64,
            max_body: 2 * 1024 * 1024,
            deadline_ms: 10_000,
            max_pages: 500,
            cache_bytes: 64 * 1024 * 1024,
            cors_origins: Vec::new(),
            fetch_origins: Vec::new(),
            fetch_timeout_ms: 5_000,
            image_origins: Vec::new(),
            redis_url: None,
            redis_ttl: 86_400,
        }
    }
}

impl ServerConfig {
    /// Reads a TOML file over the defaults; unknown keys are errors that name them.
    pub fn from_toml(text: &str) -> Result<ServerConfig, String> {
        toml::from_str(text).map_err(|e| e.message().lines().next().unwrap_or_default().to_string())
    }

    /// Applies `FOLIO_*` environment variables (read through `get`, for tests).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        fn parse<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
            value
                .trim()
                .parse()
                .map_err(|_| format!("{name}: `{value}` is not a valid value"))
        }
        if let Some(v) = get("FOLIO_BIND") {
            self.bind = parse("FOLIO_BIND", &v)?;
        }
        if let Some(v) = get("FOLIO_WORKERS") {
            self.workers = parse("FOLIO_WORKERS", &v)?;
        }
        if let Some(v) = get("FOLIO_QUEUE") {
            self.queue = parse("FOLIO_QUEUE", &v)?;
        }
        if let Some(v) = get("FOLIO_MAX_BODY") {
            self.max_body = parse("FOLIO_MAX_BODY", &v)?;
        }
        if let Some(v) = get("FOLIO_DEADLINE_MS") {
            self.deadline_ms = parse("FOLIO_DEADLINE_MS", &v)?;
        }
        if let Some(v) = get("FOLIO_MAX_PAGES") {
            self.max_pages = parse("FOLIO_MAX_PAGES", &v)?;
        }
        if let Some(v) = get("FOLIO_CACHE_BYTES") {
            self.cache_bytes = parse("FOLIO_CACHE_BYTES", &v)?;
        }
        if let Some(v) = get("FOLIO_FETCH_ORIGINS") {
            self.fetch_origins = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(v) = get("FOLIO_FETCH_TIMEOUT_MS") {
            self.fetch_timeout_ms = parse("FOLIO_FETCH_TIMEOUT_MS", &v)?;
        }
        if let Some(v) = get("FOLIO_IMAGE_ORIGINS") {
            self.image_origins = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(v) = get("FOLIO_REDIS_URL") {
            self.redis_url = Some(v).filter(|v| !v.trim().is_empty());
        }
        if let Some(v) = get("FOLIO_REDIS_TTL") {
            self.redis_ttl = parse("FOLIO_REDIS_TTL", &v)?;
        }
        if let Some(v) = get("FOLIO_CORS_ORIGINS") {
            self.cors_origins = v
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        Ok(())
    }

    /// Checks the values make sense together.
    pub fn check(&self) -> Result<(), String> {
        if self.workers == 0 {
            return Err("workers must be at least 1".into());
        }
        if self.max_body < 1024 {
            return Err("max_body must be at least 1024 bytes".into());
        }
        if self.deadline_ms == 0 {
            return Err("deadline_ms must be more than 0".into());
        }
        if let Some(url) = &self.redis_url {
            redis::Client::open(url.as_str()).map_err(|e| format!("redis_url `{url}`: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let mut config = ServerConfig::from_toml("bind = \"0.0.0.0:9000\"\nqueue = 8\n").unwrap();
        assert_eq!(config.queue, 8);
        config
            .apply_env(|name| match name {
                "FOLIO_QUEUE" => Some("16".into()),
                "FOLIO_CORS_ORIGINS" => Some("https://a.example, https://b.example".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.bind.port(), 9000);
        assert_eq!(config.queue, 16);
        assert_eq!(config.cors_origins.len(), 2);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        assert!(ServerConfig::from_toml("bnid = \"x\"")
            .unwrap_err()
            .contains("bnid"));
        let mut config = ServerConfig::default();
        let err = config
            .apply_env(|n| (n == "FOLIO_BIND").then(|| "nowhere".into()))
            .unwrap_err();
        assert!(err.contains("FOLIO_BIND"), "{err}");
    }
}
