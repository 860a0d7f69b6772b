//! Fetching an article from the web (`GET /v1/render?url=...`), safely: only over http(s),
//! only from the origins the configuration lists (the blog's own), never from loopback,
//! private, link-local or metadata addresses (the resolved address is checked, and the
//! connection goes to exactly that address, so a name cannot be re-pointed between check
//! and use) unless the operator trusts their network ([`Network`]), with connect and
//! total timeouts, a size cap, and at most a few redirects, each checked again.
//!
//! Images ([`RemoteImages`]) are fetched under the same rules; a relative image address
//! is resolved against the article's address first, and fetched images are cached.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use url::Url;

use crate::article::{locate_image, Attachments, ImageAt};
use crate::cache::ByteCache;

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
    /// The document, and how long its server lets it be reused (None: it did not say).
    Body(Vec<u8>, Option<Duration>),
    Redirect(String),
}

/// A fetched document.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// The address it came from after redirects (relative addresses inside are relative
    /// to that).
    pub url: Url,
    /// How long its server lets it be reused (None: it did not say).
    pub fresh_for: Option<Duration>,
}

/// The fetch policy.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// Allowed origins, as `scheme://host[:port]`.
    pub origins: Vec<String>,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_bytes: usize,
    /// Networks the operator trusts although they are not public.
    pub trusted: Vec<Network>,
    /// Origins the operator named (`--allow-origin`): fetched at whatever address their
    /// name has, loopback and private ones included (never a cloud metadata address).
    pub named: Vec<String>,
}

impl Fetcher {
    /// Fetches `url` over the network, following redirects.
    pub fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        let mut last = None;
        let (bytes, fresh_for) = self.follow(url, &resolve, &mut |url, addresses| {
            last = Some(url.clone());
            self.get(url, addresses)
        })?;
        let url = last.ok_or_else(|| FetchError::Upstream("nothing was fetched".into()))?;
        Ok(Fetched {
            bytes,
            url,
            fresh_for,
        })
    }

    /// The redirect loop, with the resolver and transport passed in (for tests).
    pub fn follow(
        &self,
        start: &str,
        resolve: Resolve<'_>,
        get: Transport<'_>,
    ) -> Result<(Vec<u8>, Option<Duration>), FetchError> {
        let mut url = Url::parse(start)
            .map_err(|e| FetchError::Forbidden(format!("`{start}` is not a URL: {e}")))?;
        for _ in 0..=MAX_REDIRECTS {
            let addresses = self.check(&url, resolve)?;
            match get(&url, addresses)? {
                Hop::Body(bytes, fresh_for) => return Ok((bytes, fresh_for)),
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
        let listed = |list: &[String]| list.iter().any(|o| o.trim_end_matches('/') == origin);
        let named = listed(&self.named);
        if !named && !listed(&self.origins) {
            return Err(FetchError::Forbidden(format!(
                "{origin} is not an allowed origin (the operator allows a blog with \
                 --allow-origin, FOLIO_ALLOW_ORIGINS)"
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
        let allowed = |ip: IpAddr| {
            is_public(ip)
                || self.trusted.iter().any(|n| n.trusts(ip))
                || (named && !METADATA.contains(&canonical(ip)))
        };
        if let Some(bad) = addresses.iter().find(|a| !allowed(a.ip())) {
            return Err(FetchError::Forbidden(format!(
                "{host} resolves to {}, a loopback, private or link-local address (not in a \
                 trusted network: --trust-network, FOLIO_TRUST_NETWORKS; or name the blog \
                 with --allow-origin)",
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
        let fresh_for = crate::freshness::fresh_for(
            response.header("Cache-Control"),
            response.header("Expires"),
            response.header("Date"),
            response.header("Age"),
        );
        let mut body = Vec::new();
        response
            .into_reader()
            .take(self.max_bytes as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Upstream(format!("reading {url}: {e}")))?;
        if body.len() > self.max_bytes {
            return Err(FetchError::TooLarge(self.max_bytes));
        }
        Ok(Hop::Body(body, fresh_for))
    }
}

/// Images for the service: `data:` URIs, and http(s) images from the configured image
/// origins, fetched under the same rules as articles and kept in a bounded cache. Local
/// files are never read.
pub struct RemoteImages {
    pub fetcher: Fetcher,
    /// Fetched images by address, shared by every render.
    pub cache: std::sync::Arc<ByteCache>,
}

impl RemoteImages {
    /// The images of one render: the files that came with it, else fetched until
    /// `deadline` (the render's) at the latest.
    pub fn for_article<'a>(
        &'a self,
        files: &'a Attachments,
        deadline: Option<Instant>,
    ) -> ArticleImages<'a> {
        ArticleImages {
            images: self,
            files,
            deadline,
        }
    }

    /// Fetches an absolute image address under the policy, stopping at `deadline`: a
    /// fetch's connect and total timeouts never reach past it.
    pub fn fetch_absolute(
        &self,
        url: &Url,
        max_bytes: usize,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, String> {
        if self.fetcher.origins.is_empty() && self.fetcher.named.is_empty() {
            return Err(
                "this service fetches no remote images (its operator allows a blog's with \
                 --allow-origin or --image-origin)"
                    .to_string(),
            );
        }
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if remaining.is_some_and(|r| r.is_zero()) {
            return Err("the render's deadline passed before the image was fetched".to_string());
        }
        let bound = |timeout: Duration| remaining.map_or(timeout, |r| timeout.min(r));
        if let Some((bytes, _)) = self.cache.get(url.as_str()) {
            if bytes.len() > max_bytes {
                return Err(FetchError::TooLarge(max_bytes).to_string());
            }
            return Ok(bytes.as_ref().clone());
        }
        let fetcher = Fetcher {
            max_bytes: self.fetcher.max_bytes.min(max_bytes),
            connect_timeout: bound(self.fetcher.connect_timeout),
            total_timeout: bound(self.fetcher.total_timeout),
            ..self.fetcher.clone()
        };
        let fetched = fetcher.fetch(url.as_str()).map_err(|e| e.to_string())?;
        // Kept as long as its server allows, at most --source-ttl-s.
        self.cache.put(
            url.as_str().to_string(),
            fetched.bytes.clone(),
            fetched.fresh_for.unwrap_or(Duration::MAX),
        );
        Ok(fetched.bytes)
    }

    /// How much longer the image fetched from `url` may be reused: its time left in the
    /// cache. An image that is not there (its server forbade keeping it, or the cache
    /// had no room) is fresh for no time, so a render that printed it is not kept.
    pub fn fresh_for(&self, url: &str) -> Duration {
        let Ok(url) = Url::parse(url) else {
            return Duration::ZERO;
        };
        self.cache
            .get(url.as_str())
            .map_or(Duration::ZERO, |(_, left)| left)
    }
}

/// One render's image source: `data:` URIs decoded, the files uploaded with the
/// article, and [`RemoteImages`] for web addresses.
pub struct ArticleImages<'a> {
    images: &'a RemoteImages,
    files: &'a Attachments,
    deadline: Option<Instant>,
}

impl folio::ImageSource for ArticleImages<'_> {
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            return folio::images::decode_data_uri(url, max_bytes);
        }
        match locate_image(url, self.files, max_bytes) {
            ImageAt::File(bytes) => Ok(bytes.to_vec()),
            ImageAt::Web(url) => self.images.fetch_absolute(&url, max_bytes, self.deadline),
            ImageAt::Nowhere(why) => Err(why),
        }
    }
}

fn resolve(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// A network the operator trusts (`--trust-network`), in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

/// The cloud metadata addresses (AWS, GCP, Azure, OpenStack; AWS's IPv6 one), trusted
/// only when a network names exactly them.
const METADATA: [IpAddr; 2] = [
    IpAddr::V4(std::net::Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V6(std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

/// IPv4 inside IPv6 as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback(),
    }
}

impl Network {
    /// Reads `ADDRESS/PREFIX` (an address alone is a single host); the address must be
    /// the network's first (`10.0.0.0/8`, not `10.1.2.3/8`).
    pub fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("`{text}` is not a network like 10.0.0.0/8 or fd00::/8"))?;
        let address = canonical(address);
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("`{text}`: the prefix must be 0 to {bits}"))?,
            None => bits,
        };
        let network = Network { address, prefix };
        if network.masked(address) != address {
            return Err(format!(
                "`{text}` has host bits set; the network is {}/{prefix}",
                network.masked(address)
            ));
        }
        if address.is_unspecified() && prefix == bits {
            return Err(format!("`{text}` is the unspecified address"));
        }
        Ok(network)
    }

    fn masked(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(v4) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V4((u32::from(v4) & mask).into())
            }
            IpAddr::V6(v6) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V6((u128::from(v6) & mask).into())
            }
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.address.is_ipv4() && self.masked(ip) == self.address
    }

    /// Whether this network makes `ip` fetchable. Loopback only when the network lies
    /// inside loopback itself (`127.0.0.1/32`, `127.0.0.0/8`, `::1/128`), metadata
    /// addresses only when named by their own single-host network, and the unspecified
    /// address never.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        if ip.is_unspecified() || !self.contains(ip) {
            return false;
        }
        if is_loopback(ip) {
            return is_loopback(self.address) && (self.prefix >= 8 || !ip.is_ipv4());
        }
        if METADATA.contains(&ip) {
            return self.prefix == bits;
        }
        true
    }
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
            trusted: Vec::new(),
            named: Vec::new(),
        }
    }

    #[test]
    fn a_named_origin_is_fetched_at_any_address_but_metadata() {
        let f = Fetcher {
            origins: Vec::new(),
            named: vec![
                "http://127.0.0.1:8080".into(),
                "http://169.254.169.254".into(),
            ],
            ..fetcher()
        };
        let mut get = |_: &Url, a: Vec<SocketAddr>| {
            assert_eq!(a[0].ip().to_string(), "127.0.0.1");
            Ok(Hop::Body(b"# Hi".to_vec(), None))
        };
        assert_eq!(
            f.follow("http://127.0.0.1:8080/a.md", &resolve, &mut get)
                .unwrap()
                .0,
            b"# Hi"
        );
        let mut never =
            |_: &Url, _: Vec<SocketAddr>| -> Result<Hop, FetchError> { panic!("must not connect") };
        let metadata = f.follow("http://169.254.169.254/latest", &resolve, &mut never);
        assert!(matches!(metadata, Err(FetchError::Forbidden(_))));
        // Another port of the same host is another origin.
        let other = f.follow("http://127.0.0.1:9090/a.md", &resolve, &mut never);
        match other {
            Err(FetchError::Forbidden(m)) => assert!(m.contains("--allow-origin"), "{m}"),
            _ => panic!("fetched another origin"),
        }
    }

    fn trusted(networks: &[&str], ip: &str) -> bool {
        let ip: IpAddr = ip.parse().unwrap();
        networks
            .iter()
            .any(|n| Network::parse(n).unwrap().trusts(ip))
    }

    #[test]
    fn trusted_networks_open_private_addresses_but_loopback_and_metadata_only_by_name() {
        assert!(trusted(&["10.0.0.0/8"], "10.1.2.3"));
        assert!(trusted(&["10.0.0.0/8"], "::ffff:10.1.2.3"));
        assert!(!trusted(&["10.0.0.0/8"], "10.0.0.0") || trusted(&["10.0.0.0/8"], "10.0.0.0"));
        assert!(!trusted(&["10.0.0.0/8"], "192.168.1.1"));
        assert!(trusted(&["fd00::/8"], "fd12::1"));
        // Everything but loopback and metadata, even for 0.0.0.0/0.
        assert!(trusted(&["0.0.0.0/0"], "172.16.0.1"));
        assert!(!trusted(&["0.0.0.0/0"], "127.0.0.1"));
        assert!(!trusted(&["0.0.0.0/0"], "169.254.169.254"));
        assert!(!trusted(&["0.0.0.0/0"], "0.0.0.0"));
        assert!(!trusted(&["::/0"], "::1"));
        // Loopback when a loopback network is named.
        assert!(trusted(&["127.0.0.1/32"], "127.0.0.1"));
        assert!(!trusted(&["127.0.0.1/32"], "127.0.0.2"));
        assert!(trusted(&["127.0.0.0/8"], "127.9.9.9"));
        assert!(trusted(&["::1/128"], "::1"));
        assert!(trusted(&["127.0.0.1"], "::ffff:127.0.0.1"));
        // Metadata only by its own /32.
        assert!(!trusted(&["169.254.0.0/16"], "169.254.169.254"));
        assert!(trusted(&["169.254.0.0/16"], "169.254.1.1"));
        assert!(trusted(&["169.254.169.254/32"], "169.254.169.254"));
        // Bad networks are named.
        for bad in [
            "10.1.2.3/8",
            "10.0.0.0/33",
            "nowhere",
            "0.0.0.0",
            "fd00::/129",
        ] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_trusted_network_is_fetched_from() {
        let f = Fetcher {
            trusted: vec![Network::parse("10.0.0.0/8").unwrap()],
            ..fetcher()
        };
        let mut get = |_: &Url, a: Vec<SocketAddr>| {
            assert_eq!(a[0].ip().to_string(), "10.1.2.3");
            Ok(Hop::Body(b"# Hi".to_vec(), None))
        };
        assert_eq!(
            f.follow("http://10.1.2.3/a.md", &resolve, &mut get)
                .unwrap()
                .0,
            b"# Hi"
        );
        // Still never the metadata address, nor loopback.
        let mut never =
            |_: &Url, _: Vec<SocketAddr>| -> Result<Hop, FetchError> { panic!("must not connect") };
        assert!(f
            .follow("http://169.254.169.254/latest", &resolve, &mut never)
            .is_err());
        assert!(f
            .follow("http://127.0.0.1:8080/a.md", &resolve, &mut never)
            .is_err());
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
