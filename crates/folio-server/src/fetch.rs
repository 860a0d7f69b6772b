//! Fetching an article from the web (`GET /v1/render?url=...`), safely: only over http(s),
//! only from the origins the configuration lists (the blog's own), never from loopback,
//! private, link-local or metadata addresses (the resolved address is checked, and the
//! connection goes to exactly that address, so a name cannot be re-pointed between check
//! and use), with connect and total timeouts, a size cap, and at most a few redirects,
//! each checked again.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use url::Url;

/// Redirects followed at most.
const MAX_REDIRECTS: usize = 3;

/// Why a fetch did not happen or failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// Refused by policy: scheme, origin or address (403).
    Forbidden(String),
    /// The other side failed or answered badly (502).
    Upstream(String),
    /// Bigger than the cap (413).
    TooLarge(usize),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Forbidden(m) | FetchError::Upstream(m) => f.write_str(m),
            FetchError::TooLarge(limit) => write!(f, "the document is larger than {limit} bytes"),
        }
    }
}

/// Looks up a host's addresses (the system's resolver, or a stand-in in tests).
pub type Resolve<'a> = &'a dyn Fn(&str, u16) -> std::io::Result<Vec<SocketAddr>>;
/// Makes one request to the given addresses (the network, or a stand-in in tests).
pub type Transport<'a> = &'a mut dyn FnMut(&Url, Vec<SocketAddr>) -> Result<Hop, FetchError>;

/// What one request gave.
pub enum Hop {
    Body(Vec<u8>),
    Redirect(String),
}

/// The fetch policy.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// Allowed origins, as `scheme://host[:port]`.
    pub origins: Vec<String>,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_bytes: usize,
}

impl Fetcher {
    /// Fetches `url` over the network.
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.follow(url, &resolve, &mut |url, addresses| {
            self.get(url, addresses)
        })
    }

    /// The redirect loop, with the resolver and transport passed in (for tests).
    pub fn follow(
        &self,
        start: &str,
        resolve: Resolve<'_>,
        get: Transport<'_>,
    ) -> Result<Vec<u8>, FetchError> {
        let mut url = Url::parse(start)
            .map_err(|e| FetchError::Forbidden(format!("`{start}` is not a URL: {e}")))?;
        for _ in 0..=MAX_REDIRECTS {
            let addresses = self.check(&url, resolve)?;
            match get(&url, addresses)? {
                Hop::Body(bytes) => return Ok(bytes),
                Hop::Redirect(location) => {
                    url = url.join(&location).map_err(|_| {
                        FetchError::Upstream(format!("bad redirect to `{location}`"))
                    })?;
                }
            }
        }
        Err(FetchError::Upstream(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }

    /// Checks scheme, origin and every resolved address; gives the addresses to use.
    fn check(
        &self,
        url: &Url,
        resolve: &dyn Fn(&str, u16) -> std::io::Result<Vec<SocketAddr>>,
    ) -> Result<Vec<SocketAddr>, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Forbidden(format!(
                "only http and https are fetched, not {}:",
                url.scheme()
            )));
        }
        let origin = url.origin().ascii_serialization();
        if !self
            .origins
            .iter()
            .any(|o| o.trim_end_matches('/') == origin)
        {
            return Err(FetchError::Forbidden(format!(
                "{origin} is not an allowed origin"
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::Forbidden("the URL has no host".into()))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = url.port_or_known_default().unwrap_or(80);
        let addresses = resolve(host, port)
            .map_err(|e| FetchError::Upstream(format!("cannot resolve {host}: {e}")))?;
        if addresses.is_empty() {
            return Err(FetchError::Upstream(format!("{host} has no address")));
        }
        if let Some(bad) = addresses.iter().find(|a| !is_public(a.ip())) {
            return Err(FetchError::Forbidden(format!(
                "{host} resolves to {}, a loopback, private or link-local address",
                bad.ip()
            )));
        }
        Ok(addresses)
    }

    /// One GET to exactly `addresses`, without following redirects.
    fn get(&self, url: &Url, addresses: Vec<SocketAddr>) -> Result<Hop, FetchError> {
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout_connect(self.connect_timeout)
            .timeout(self.total_timeout)
            .resolver(move |_: &str| Ok(addresses.clone()))
            .user_agent(concat!("Folio/", env!("CARGO_PKG_VERSION")))
            .build();
        let response = match agent.get(url.as_str()).call() {
            Ok(response) => response,
            Err(ureq::Error::Status(code, _)) => {
                return Err(FetchError::Upstream(format!("{url} answered {code}")))
            }
            Err(e) => return Err(FetchError::Upstream(format!("fetching {url}: {e}"))),
        };
        if (300..400).contains(&response.status()) {
            let location = response.header("Location").ok_or_else(|| {
                FetchError::Upstream(format!("{url} redirects without a Location"))
            })?;
            return Ok(Hop::Redirect(location.to_string()));
        }
        let mut body = Vec::new();
        response
            .into_reader()
            .take(self.max_bytes as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Upstream(format!("reading {url}: {e}")))?;
        if body.len() > self.max_bytes {
            return Err(FetchError::TooLarge(self.max_bytes));
        }
        Ok(Hop::Body(body))
    }
}

/// Images for the service: `data:` URIs, and http(s) images from the configured image
/// origins, fetched under the same rules as articles. Local files are never read.
pub struct RemoteImages {
    pub fetcher: Fetcher,
}

impl folio::ImageSource for RemoteImages {
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            return folio::images::decode_data_uri(url, max_bytes);
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("the service does not read local files".to_string());
        }
        if self.fetcher.origins.is_empty() {
            return Err("this service fetches no remote images".to_string());
        }
        let fetcher = Fetcher {
            max_bytes: self.fetcher.max_bytes.min(max_bytes),
            ..self.fetcher.clone()
        };
        fetcher.fetch(url).map_err(|e| e.to_string())
    }
}

fn resolve(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// Whether an address is on the public internet (not loopback, private, link-local,
/// shared, documentation, multicast or reserved; IPv4 inside IPv6 is judged as IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 192 && b == 0 && c == 2)
                || (a == 198 && (b == 18 || b == 19))
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x64 && s[1] == 0xff9b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetcher() -> Fetcher {
        Fetcher {
            origins: vec![
                "https://blog.example".into(),
                "http://127.0.0.1:8080".into(),
                "http://169.254.169.254".into(),
                "http://10.1.2.3".into(),
            ],
            connect_timeout: Duration::from_secs(1),
            total_timeout: Duration::from_secs(2),
            max_bytes: 1000,
        }
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn refuses_other_origins_schemes_and_private_addresses_without_connecting() {
        let f = fetcher();
        let mut never =
            |_: &Url, _: Vec<SocketAddr>| -> Result<Hop, FetchError> { panic!("must not connect") };
        let refused = |url: &str, never: Transport<'_>| f.follow(url, &resolve, never).unwrap_err();
        assert!(
            matches!(refused("https://evil.example/a.md", &mut never), FetchError::Forbidden(m) if m.contains("not an allowed origin"))
        );
        assert!(matches!(
            refused("file:///etc/passwd", &mut never),
            FetchError::Forbidden(_)
        ));
        assert!(
            matches!(refused("http://127.0.0.1:8080/a.md", &mut never), FetchError::Forbidden(m) if m.contains("loopback"))
        );
        assert!(matches!(
            refused("http://169.254.169.254/latest/meta-data", &mut never),
            FetchError::Forbidden(_)
        ));
        assert!(matches!(
            refused("http://10.1.2.3/a.md", &mut never),
            FetchError::Forbidden(_)
        ));
    }

    #[test]
    fn every_redirect_is_checked_again_even_to_the_same_name() {
        let f = fetcher();
        // blog.example first resolves to a public address, then (DNS rebinding) to loopback.
        let calls = std::cell::Cell::new(0);
        let resolve = |_: &str, port: u16| -> std::io::Result<Vec<SocketAddr>> {
            calls.set(calls.get() + 1);
            let ip = if calls.get() == 1 {
                "93.184.216.34"
            } else {
                "127.0.0.1"
            };
            Ok(vec![SocketAddr::new(ip.parse().unwrap(), port)])
        };
        let mut get = |url: &Url, addresses: Vec<SocketAddr>| -> Result<Hop, FetchError> {
            assert!(
                is_public(addresses[0].ip()),
                "connected to {addresses:?} for {url}"
            );
            Ok(Hop::Redirect("/elsewhere".into()))
        };
        let err = f
            .follow("https://blog.example/post.md", &resolve, &mut get)
            .unwrap_err();
        assert!(matches!(err, FetchError::Forbidden(m) if m.contains("127.0.0.1")));
        // A redirect to another origin is refused too.
        let mut to_loopback =
            |_: &Url, _: Vec<SocketAddr>| Ok(Hop::Redirect("http://localhost/secret".into()));
        let public = |_: &str, port: u16| {
            Ok(vec![SocketAddr::new(
                "93.184.216.34".parse().unwrap(),
                port,
            )])
        };
        let err = f
            .follow("https://blog.example/post.md", &public, &mut to_loopback)
            .unwrap_err();
        assert!(matches!(err, FetchError::Forbidden(m) if m.contains("not an allowed origin")));
        // And redirects are limited.
        let mut forever = |_: &Url, _: Vec<SocketAddr>| Ok(Hop::Redirect("/again".into()));
        assert!(
            matches!(f.follow("https://blog.example/", &public, &mut forever).unwrap_err(), FetchError::Upstream(m) if m.contains("redirects"))
        );
    }
}
