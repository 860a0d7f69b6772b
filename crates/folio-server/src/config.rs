//! The service's settings, declared once ([`declare_settings!`] below): defaults, then a
//! TOML file (`--config`), then environment variables (`FOLIO_...`), then flags; later
//! sources win, and every source reads a value with the same parser. The engine's
//! [`Limits`] are settings too, by their own names (`max_pages`, `max_images`...).

use std::net::SocketAddr;
use std::time::Duration;

use folio::Limits;

use crate::body::BodyLimits;

/// A setting's description, for help texts and the manual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingSpec {
    /// As the TOML file names it (`max_body`).
    pub name: &'static str,
    /// The command-line flag, without dashes (`max-body`; a list's flag is singular and
    /// repeatable: `cors-origin`).
    pub flag: String,
    /// The environment variable (`FOLIO_MAX_BODY`; a list is comma-separated there).
    pub env: String,
    pub help: String,
    pub value_name: &'static str,
    /// The value is a list (the flag may be repeated).
    pub list: bool,
    /// The default, as text.
    pub default: String,
}

/// How a setting's value is read from text and written back.
trait SettingValue: Sized {
    const VALUE_NAME: &'static str;
    const LIST: bool = false;
    fn parse_setting(text: &str) -> Result<Self, String>;
    fn show(&self) -> String;
}

macro_rules! number_setting {
    ($($ty:ty),+) => {$(
        impl SettingValue for $ty {
            const VALUE_NAME: &'static str = "N";
            fn parse_setting(text: &str) -> Result<Self, String> {
                text.trim()
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("`{text}` is not a whole number"))
            }
            fn show(&self) -> String {
                self.to_string()
            }
        }
    )+};
}

number_setting!(usize, u64);

impl SettingValue for SocketAddr {
    const VALUE_NAME: &'static str = "ADDR:PORT";
    fn parse_setting(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("`{text}` is not an address and port like 127.0.0.1:8080"))
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

/// A list of values (origins): comma-separated in the environment and the file's text,
/// one per repeated flag.
impl SettingValue for Vec<String> {
    const VALUE_NAME: &'static str = "ORIGIN";
    const LIST: bool = true;
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(text
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    }
    fn show(&self) -> String {
        if self.is_empty() {
            "none".to_string()
        } else {
            self.join(",")
        }
    }
}

impl SettingValue for bool {
    const VALUE_NAME: &'static str = "BOOL";
    fn parse_setting(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "on" => Ok(true),
            "false" | "no" | "0" | "off" => Ok(false),
            _ => Err(format!("`{text}` is not true or false")),
        }
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

/// How the service writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One line of text per event (the default).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl SettingValue for LogFormat {
    const VALUE_NAME: &'static str = "text|json";
    fn parse_setting(text: &str) -> Result<Self, String> {
        match text.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("`{text}` is not a log format; use text or json")),
        }
    }
    fn show(&self) -> String {
        match self {
            LogFormat::Text => "text".to_string(),
            LogFormat::Json => "json".to_string(),
        }
    }
}

/// Where renders run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// In the service's own threads: a render that crashes takes the service with it.
    Thread,
    /// In worker processes the service supervises (Linux).
    Process,
}

impl Isolation {
    /// Worker processes where the system allows them to be watched (Linux's `/proc`).
    pub const DEFAULT: Isolation = if cfg!(target_os = "linux") {
        Isolation::Process
    } else {
        Isolation::Thread
    };
}

impl SettingValue for Isolation {
    const VALUE_NAME: &'static str = "thread|process";
    fn parse_setting(text: &str) -> Result<Self, String> {
        match text.trim() {
            "thread" => Ok(Isolation::Thread),
            "process" if cfg!(target_os = "linux") => Ok(Isolation::Process),
            "process" => Err("process isolation needs Linux; use thread".to_string()),
            _ => Err(format!(
                "`{text}` is not an isolation; use thread or process"
            )),
        }
    }
    fn show(&self) -> String {
        match self {
            Isolation::Thread => "thread".to_string(),
            Isolation::Process => "process".to_string(),
        }
    }
}

/// A file's path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilePath(pub Option<std::path::PathBuf>);

impl SettingValue for FilePath {
    const VALUE_NAME: &'static str = "FILE";
    fn parse_setting(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Ok(FilePath((!text.is_empty()).then(|| text.into())))
    }
    fn show(&self) -> String {
        self.0
            .as_ref()
            .map_or_else(|| "none".to_string(), |p| p.display().to_string())
    }
}

impl SettingValue for Option<String> {
    const VALUE_NAME: &'static str = "URL";
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(Some(text.trim().to_string()).filter(|s| !s.is_empty()))
    }
    fn show(&self) -> String {
        self.clone().unwrap_or_else(|| "none".to_string())
    }
}

/// Declares the settings: doc comment (the help text), name, type, default and, for a
/// list, its singular flag.
macro_rules! declare_settings {
    ($($(#[doc = $doc:literal])+ $name:ident : $ty:ty = $default:expr $(, flag = $flag:literal)?;)+) => {
        /// Settings of `folio serve`. Every one has a default, so `folio serve` runs with
        /// no configuration at all.
        #[derive(Debug, Clone, PartialEq)]
        pub struct ServerConfig {
            $($(#[doc = $doc])+ pub $name: $ty,)+
            /// The engine's limits for every render (see [`Limits`]).
            pub limits: Limits,
        }

        impl Default for ServerConfig {
            fn default() -> Self {
                ServerConfig {
                    $($name: $default,)+
                    limits: service_limits(),
                }
            }
        }

        impl ServerConfig {
            /// Sets a setting (or a limit) by name from text.
            pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
                match name {
                    $(stringify!($name) => {
                        self.$name = <$ty as SettingValue>::parse_setting(value)?;
                        Ok(())
                    })+
                    _ if Limits::SPECS.iter().any(|s| s.name == name) => {
                        self.limits.set(name, value)
                    }
                    _ => Err(format!("no setting named `{name}`")),
                }
            }

            /// Every setting, the service's then the engine's limits, with its flag,
            /// variable, help and default.
            pub fn specs() -> Vec<SettingSpec> {
                let defaults = ServerConfig::default();
                let mut specs = vec![$(SettingSpec {
                    name: stringify!($name),
                    flag: declare_settings!(@flag $name $($flag)?),
                    env: format!("FOLIO_{}", stringify!($name).to_ascii_uppercase()),
                    help: concat!($($doc, " "),+).split_whitespace().collect::<Vec<_>>().join(" "),
                    value_name: <$ty as SettingValue>::VALUE_NAME,
                    list: <$ty as SettingValue>::LIST,
                    default: defaults.$name.show(),
                },)+];
                specs.extend(Limits::SPECS.iter().map(|spec| SettingSpec {
                    name: spec.name,
                    flag: spec.name.replace('_', "-"),
                    env: format!("FOLIO_{}", spec.name.to_ascii_uppercase()),
                    help: spec.help.split_whitespace().collect::<Vec<_>>().join(" "),
                    value_name: "N",
                    list: false,
                    default: defaults.limits.get(spec.name).unwrap_or(0).to_string(),
                }));
                specs
            }
        }
    };
    (@flag $name:ident $flag:literal) => { $flag.to_string() };
    (@flag $name:ident) => { stringify!($name).replace('_', "-") };
}

declare_settings! {
    /// Address and port to listen on.
    bind: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 8080));
    /// Renders running at once (default: the number of cores).
    workers: usize = std::thread::available_parallelism().map_or(2, |n| n.get());
    /// Where renders run: `process` (supervised worker processes, one per render
    /// running at once; a render that crashes, runs out of memory or will not stop ends
    /// only its worker, which is replaced; the default on Linux) or `thread` (in the
    /// service's own threads).
    isolation: Isolation = Isolation::DEFAULT;
    /// Memory a worker process may use, in MiB (resident); a render that needs more is
    /// stopped with 422 and its worker replaced.
    worker_memory_mb: u64 = 384;
    /// Renders waiting for a worker before new ones are refused with 503.
    queue: usize = 64;
    /// Largest request body in bytes, whatever its type (multipart boundaries and field
    /// headers count); a larger declared Content-Length is refused at once with 413.
    max_body: usize = 2 * 1024 * 1024;
    /// The whole request body must arrive within this many milliseconds (408 beyond).
    body_timeout_ms: u64 = 10_000;
    /// After its first two seconds, a body must arrive at least this fast, in bytes per
    /// second (408 below): a client that trickles cannot hold a connection.
    min_body_rate: usize = 1024;
    /// Connections open at once; more wait until one closes. The open-files limit is
    /// raised to fit if the system allows.
    max_connections: usize = 4096;
    /// Longest render in milliseconds before 504; the render stops then too.
    deadline_ms: u64 = 10_000;
    /// Bytes of PDFs cached in memory, 0 for none.
    cache_bytes: usize = 64 * 1024 * 1024;
    /// An origin allowed to call the API from a browser (CORS); repeatable.
    cors_origins: Vec<String> = Vec::new(), flag = "cors-origin";
    /// A blog's origin (https://blog.example): `GET /v1/render?url=` may fetch its articles
    /// and articles may show its images, at whatever address its name has, loopback and
    /// private ones included since it is named (never a cloud metadata address);
    /// repeatable. One flag instead of --fetch-origin, --image-origin and --trust-network.
    allow_origins: Vec<String> = Vec::new(), flag = "allow-origin";
    /// An origin (the blog's) that `GET /v1/render?url=` may fetch articles from;
    /// repeatable (default: none, no fetching).
    fetch_origins: Vec<String> = Vec::new(), flag = "fetch-origin";
    /// Timeout of such a fetch in milliseconds (connect and total).
    fetch_timeout_ms: u64 = 5_000;
    /// An origin whose images articles may show (fetched under the same rules);
    /// repeatable (default: none).
    image_origins: Vec<String> = Vec::new(), flag = "image-origin";
    /// A folder of fonts to use besides the system's (for characters the bundled faces
    /// lack, and the families a template's `[fonts]` names); repeatable.
    font_dirs: Vec<String> = Vec::new(), flag = "font-dir";
    /// A network in CIDR notation (10.0.0.0/8, fd00::/8) that articles and images may be
    /// fetched from although its addresses are private, for a blog on an internal network;
    /// repeatable (default: none). Loopback is trusted only by a network inside
    /// 127.0.0.0/8 or ::1/128, and the cloud metadata address 169.254.169.254 only by its
    /// own /32.
    trust_networks: Vec<String> = Vec::new(), flag = "trust-network";
    /// Bytes of fetched images kept in memory for the next renders, 0 for none.
    image_cache_bytes: usize = 32 * 1024 * 1024;
    /// The longest, in seconds, a render that read from the web (an article fetched with
    /// ?url=, or its images) stays cached, and a fetched image too: less when their own
    /// Cache-Control or Expires say less; a render whose image could not be read is not
    /// cached at all. 0 caches neither.
    source_ttl_s: u64 = 60;
    /// How the log is written: `text` (one line per event) or `json` (one object per line;
    /// each request's has its id, route, status, duration, pages, bytes and cache).
    log_format: LogFormat = LogFormat::Text;
    /// A file holding the bearer tokens API clients must send (`Authorization: Bearer
    /// ...`), one per line; without it the API is open.
    token_file: FilePath = FilePath(None);
    /// With a token file, `GET /v1/render?url=` (the button's plain link) still needs no
    /// token; `false` requires one there too.
    public_url_renders: bool = true;
    /// Redis shared by several instances as a second cache, e.g. redis://127.0.0.1:6379;
    /// the service keeps working when Redis is down or slow.
    redis_url: Option<String> = None;
    /// Seconds a PDF stays in Redis.
    redis_ttl: u64 = 86_400;
}

/// `scheme://host[:port]` of http or https, nothing after (a trailing `/` allowed).
fn is_origin(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some()
            && url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.origin().ascii_serialization() == text.trim_end_matches('/').to_ascii_lowercase()
    })
}

/// The engine's limits as the service applies them by default: a public endpoint renders
/// at most 500 pages and 2 MiB of markdown.
fn service_limits() -> Limits {
    Limits {
        max_pages: 500,
        max_input_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    }
}

/// A TOML value as the text a setting is read from.
fn scalar_text(value: &serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        _ => Err("expected text, a number or a list of them".to_string()),
    }
}

impl ServerConfig {
    /// Reads a TOML file over the defaults; unknown keys and bad values are errors that
    /// name them and say where they are written.
    pub fn from_toml(text: &str) -> Result<ServerConfig, folio::source::SourceError> {
        let read = folio::source::read_toml(text, 1)?;
        let start = folio::source::SourcePos::line_start(1);
        let mut config = ServerConfig::default();
        for (key, value) in read.table {
            let text = match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(scalar_text)
                    .collect::<Result<Vec<_>, _>>()
                    .map(|items| items.join(",")),
                other => scalar_text(&other),
            }
            .map_err(|e| {
                read.places
                    .error(&key, true, format!("`{key}`: {e}"), start)
            })?;
            config.set(&key, &text).map_err(|e| {
                let known = ServerConfig::specs().iter().any(|s| s.name == key);
                read.places
                    .error(&key, known, format!("`{key}`: {e}"), start)
            })?;
        }
        Ok(config)
    }

    /// Applies `FOLIO_*` environment variables (read through `get`, for tests).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        for spec in ServerConfig::specs() {
            if let Some(value) = get(&spec.env) {
                self.set(spec.name, &value)
                    .map_err(|e| format!("{}: {e}", spec.env))?;
            }
        }
        Ok(())
    }

    /// Checks the values make sense together.
    pub fn check(&self) -> Result<(), String> {
        // Each error names the setting as every source spells it.
        let named = |name: &str, problem: String| {
            let spec = ServerConfig::specs().into_iter().find(|s| s.name == name);
            match spec {
                Some(spec) => format!(
                    "--{} ({}, `{name}` in a file): {problem}",
                    spec.flag, spec.env
                ),
                None => format!("{name}: {problem}"),
            }
        };
        if self.workers == 0 {
            return Err(named("workers", "must be at least 1".into()));
        }
        if self.max_body < 1024 {
            return Err(named("max_body", "must be at least 1024 bytes".into()));
        }
        if self.deadline_ms == 0 {
            return Err(named("deadline_ms", "must be more than 0".into()));
        }
        if self.body_timeout_ms == 0 {
            return Err(named("body_timeout_ms", "must be more than 0".into()));
        }
        if self.max_connections < 16 {
            return Err(named("max_connections", "must be at least 16".into()));
        }
        if self.worker_memory_mb < 32 {
            return Err(named("worker_memory_mb", "must be at least 32".into()));
        }
        for network in &self.trust_networks {
            crate::fetch::Network::parse(network).map_err(|e| named("trust_networks", e))?;
        }
        for (name, origins) in [
            ("allow_origins", &self.allow_origins),
            ("fetch_origins", &self.fetch_origins),
            ("image_origins", &self.image_origins),
            ("cors_origins", &self.cors_origins),
        ] {
            for origin in origins
                .iter()
                .filter(|o| *o != "*" || name != "cors_origins")
            {
                if !is_origin(origin) {
                    return Err(named(
                        name,
                        format!(
                            "`{origin}` is not an origin; write the scheme, host and port only, \
                             like https://blog.example"
                        ),
                    ));
                }
            }
        }
        if let Some(path) = &self.token_file.0 {
            crate::auth::Tokens::load(path).map_err(|e| named("token_file", e.to_string()))?;
        }
        if let Some(url) = &self.redis_url {
            redis::Client::open(url.as_str())
                .map_err(|e| named("redis_url", format!("`{url}`: {e}")))?;
        }
        Ok(())
    }

    /// How request bodies must arrive.
    pub fn body_limits(&self) -> BodyLimits {
        BodyLimits {
            max_bytes: self.max_body,
            timeout: Duration::from_millis(self.body_timeout_ms),
            min_rate: self.min_body_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let mut config = ServerConfig::from_toml(
            "bind = \"0.0.0.0:9000\"\nqueue = 8\ncors_origins = [\"https://x.example\"]\nmax_pages = 50\n",
        )
        .unwrap();
        assert_eq!(config.queue, 8);
        assert_eq!(config.cors_origins, ["https://x.example"]);
        assert_eq!(config.limits.max_pages, 50);
        config
            .apply_env(|name| match name {
                "FOLIO_QUEUE" => Some("16".into()),
                "FOLIO_CORS_ORIGINS" => Some("https://a.example, https://b.example".into()),
                "FOLIO_MAX_IMAGES" => Some("3".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.bind.port(), 9000);
        assert_eq!(config.queue, 16);
        assert_eq!(config.cors_origins.len(), 2);
        assert_eq!(config.limits.max_images, 3);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let err = ServerConfig::from_toml("queue = 8\nbnid = \"x\"").unwrap_err();
        assert!(err.message.contains("bnid"), "{err}");
        assert_eq!((err.at.line, err.at.column, err.at.len), (2, 1, 4));
        assert_eq!(err.key.as_deref(), Some("bnid"));
        let err = ServerConfig::from_toml("queue = \"many\"").unwrap_err();
        assert_eq!((err.at.line, err.at.column, err.at.len), (1, 9, 6));
        let mut config = ServerConfig::default();
        let err = config
            .apply_env(|n| (n == "FOLIO_BIND").then(|| "nowhere".into()))
            .unwrap_err();
        assert!(err.contains("FOLIO_BIND"), "{err}");
    }

    #[test]
    fn every_setting_is_described_once() {
        let specs = ServerConfig::specs();
        let mut names: Vec<&str> = specs.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), specs.len());
        let cors = specs.iter().find(|s| s.name == "cors_origins").unwrap();
        assert_eq!((cors.flag.as_str(), cors.list), ("cors-origin", true));
        let pages = specs.iter().find(|s| s.name == "max_pages").unwrap();
        assert_eq!(
            (pages.env.as_str(), pages.default.as_str()),
            ("FOLIO_MAX_PAGES", "500")
        );
    }
}
