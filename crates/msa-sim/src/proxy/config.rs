//! The configuration of one run and its validation. Every bound is checked here, at the boundary, so the engine
//! can trust its input: `Engine::new` refuses a config that does not validate, and nothing reachable from a
//! `Config` panics.
//!
//! Errors are data ([`ConfigError`]), not strings: the app translates them (Korean / English) from the field key
//! and the bound. A field is named by its `--set` key ([`Field`]): `rate`, or `weight` of server 2.

use super::balancer::{Algorithm, PeerParams, MAX_SERVERS};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Everything one simulation run needs. `Config::default()` is three equal backends under round robin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The one seed every random draw derives from.
    pub seed: u64,
    pub algorithm: Algorithm,
    /// What `hash $key` hashes (hash and hash consistent only).
    pub hash_key: HashKey,
    /// The `server` lines of the upstream, in order.
    pub servers: Vec<ServerConfig>,
    pub clients: ClientConfig,
    pub proxy: ProxyConfig,
    /// Active health checks (HAProxy style); None = nginx's passive checks only.
    pub health_check: Option<HealthCheck>,
    pub sessions: SessionConfig,
    /// Faults that happen at a given time of the run.
    pub faults: Vec<FaultAt>,
    /// Arrivals stop at this time.
    pub duration_ms: u64,
    /// Arrivals stop after this many requests; 0 = only the duration bounds them.
    pub max_requests: u64,
    /// Latency statistics count only requests sent at or after this time (warm-up excluded); counters count all.
    pub warmup_ms: u64,
    /// How many lines the text event log keeps (the oldest are dropped); 0 = no text log.
    pub log_capacity: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            algorithm: Algorithm::RoundRobin,
            hash_key: HashKey::Uri,
            servers: (0..3).map(ServerConfig::named_for).collect(),
            clients: ClientConfig::default(),
            proxy: ProxyConfig::default(),
            health_check: None,
            sessions: SessionConfig::default(),
            faults: Vec::new(),
            duration_ms: 30_000,
            max_requests: 0,
            warmup_ms: 0,
            log_capacity: 1_000,
        }
    }
}

/// What `hash $key` is: the request URI (`$request_uri`, `/item/<n>`), the client address (`$remote_addr`) or a
/// session cookie (`$cookie_session`, `s<client>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashKey {
    Uri,
    RemoteAddr,
    SessionCookie,
}

impl HashKey {
    pub const ALL: [HashKey; 3] = [HashKey::Uri, HashKey::RemoteAddr, HashKey::SessionCookie];
    pub fn name(self) -> &'static str {
        match self {
            HashKey::Uri => "uri",
            HashKey::RemoteAddr => "remote-addr",
            HashKey::SessionCookie => "session-cookie",
        }
    }
    /// The nginx variable the export writes.
    pub fn nginx_variable(self) -> &'static str {
        match self {
            HashKey::Uri => "$request_uri",
            HashKey::RemoteAddr => "$remote_addr",
            HashKey::SessionCookie => "$cookie_session",
        }
    }
}

/// One `server` line plus the backend process behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// Shown in views and logs, used by `--set NAME.param=` and fault schedules: a letter, then letters, digits,
    /// `_` or `-` (at most 32).
    pub name: String,
    /// `host:port` as nginx's `server` line writes it; None = the placeholder `127.0.0.1:(18081 + index)`.
    pub addr: Option<String>,
    pub weight: u32,
    pub max_fails: u32,
    /// nginx parses fail_timeout in whole seconds.
    pub fail_timeout_s: u64,
    /// 0 = unlimited. With a proxy queue this is HAProxy's per-server `maxconn`.
    pub max_conns: u32,
    pub backup: bool,
    pub down: bool,
    /// Requests the backend serves at once.
    pub workers: u32,
    /// Requests that may wait in the backend; more are answered 503 at once.
    pub queue_cap: u32,
    pub service: ServiceTime,
    /// Service time is divided by this (2.0 = twice as fast).
    pub speed: f64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig::named_for(0)
    }
}

impl ServerConfig {
    /// The default server at `index`, named `s1`, `s2`, ... (1-based for people; keys use the name or 0-based index).
    pub fn named_for(index: usize) -> ServerConfig {
        ServerConfig {
            name: format!("s{}", index + 1),
            addr: None,
            weight: 1,
            max_fails: 1,
            fail_timeout_s: 10,
            max_conns: 0,
            backup: false,
            down: false,
            workers: 4,
            queue_cap: 100,
            service: ServiceTime::default(),
            speed: 1.0,
        }
    }

    /// The `server` string nginx sees: the address, or the placeholder for `index`.
    pub fn server_string(&self, index: usize) -> String {
        match &self.addr {
            Some(a) => a.clone(),
            None => placeholder_addr(index),
        }
    }

    pub fn peer_params(&self, index: usize) -> PeerParams {
        PeerParams {
            server: self.server_string(index),
            weight: self.weight,
            max_fails: self.max_fails,
            fail_timeout_s: self.fail_timeout_s,
            max_conns: self.max_conns,
            backup: self.backup,
            down: self.down,
        }
    }
}

/// The placeholder address of a server without one: `127.0.0.1:(18081 + index)`, so exported configs are valid
/// nginx and the cross-check can start a backend on each port.
pub fn placeholder_addr(index: usize) -> String {
    format!("127.0.0.1:{}", 18081 + index)
}

/// A backend's service time: a distribution and its mean (before the speed factor and any slow fault).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceTime {
    pub dist: Dist,
    pub mean_us: u64,
    /// Coefficient of variation (sd / mean) of the log-normal.
    pub cv: f64,
}

impl Default for ServiceTime {
    fn default() -> Self {
        ServiceTime { dist: Dist::Exponential, mean_us: 20_000, cv: 1.0 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dist {
    Exponential,
    LogNormal,
    Constant,
}

impl Dist {
    pub const ALL: [Dist; 3] = [Dist::Exponential, Dist::LogNormal, Dist::Constant];
    pub fn name(self) -> &'static str {
        match self {
            Dist::Exponential => "exp",
            Dist::LogNormal => "lognormal",
            Dist::Constant => "const",
        }
    }
}

/// The clients: how requests arrive and what they look like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientConfig {
    pub arrival: Arrival,
    /// Mean requests per second (Poisson and constant).
    pub rate_per_s: f64,
    /// Bursts: this many requests at once ...
    pub burst_size: u32,
    /// ... every this many milliseconds.
    pub burst_every_ms: u64,
    /// Distinct clients; client c has address 10.(c / 256).(c % 256).7, so every client has its own /24
    /// (ip_hash keys on three octets).
    pub clients: u32,
    /// Distinct URIs `/item/0` .. for `hash $request_uri`.
    pub keys: u32,
    /// POST requests per thousand (the rest are GET).
    pub post_permille: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            arrival: Arrival::Poisson,
            rate_per_s: 100.0,
            burst_size: 50,
            burst_every_ms: 1_000,
            clients: 100,
            keys: 1_000,
            post_permille: 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Arrival {
    Poisson,
    Constant,
    Bursts,
}

impl Arrival {
    pub const ALL: [Arrival; 3] = [Arrival::Poisson, Arrival::Constant, Arrival::Bursts];
    pub fn name(self) -> &'static str {
        match self {
            Arrival::Poisson => "poisson",
            Arrival::Constant => "constant",
            Arrival::Bursts => "bursts",
        }
    }
}

/// The reverse proxy's own settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProxyConfig {
    /// The port the exported nginx `server {}` listens on.
    pub listen_port: u16,
    /// How long the proxy waits for an upstream's answer (connect + read; nginx's proxy_connect_timeout and
    /// proxy_read_timeout, both exported with this value).
    pub timeout_ms: u64,
    /// One-way network latency between proxy and backends (0 = none).
    pub net_latency_us: u64,
    pub next_upstream: NextUpstream,
    /// proxy_next_upstream_tries; 0 = no cap (nginx's default).
    pub tries: u32,
    /// A proxy-side queue (HAProxy `maxconn` + `timeout queue`); open-source nginx has none.
    pub queue: Option<QueueConfig>,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            listen_port: 18080,
            timeout_ms: 60_000,
            net_latency_us: 500,
            next_upstream: NextUpstream::default(),
            tries: 0,
            queue: None,
        }
    }
}

/// `proxy_next_upstream`: which failures move a request to the next server. Default `error timeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NextUpstream {
    pub error: bool,
    pub timeout: bool,
    pub http_500: bool,
    pub http_503: bool,
    pub non_idempotent: bool,
}

impl Default for NextUpstream {
    fn default() -> Self {
        NextUpstream { error: true, timeout: true, http_500: false, http_503: false, non_idempotent: false }
    }
}

impl NextUpstream {
    pub const OFF: NextUpstream =
        NextUpstream { error: false, timeout: false, http_500: false, http_503: false, non_idempotent: false };

    /// The directive's arguments: `error timeout http_500`, or `off`.
    pub fn to_directive_args(self) -> String {
        let mut v = Vec::new();
        for (on, name) in [
            (self.error, "error"),
            (self.timeout, "timeout"),
            (self.http_500, "http_500"),
            (self.http_503, "http_503"),
            (self.non_idempotent, "non_idempotent"),
        ] {
            if on {
                v.push(name);
            }
        }
        if v.is_empty() || v == ["non_idempotent"] {
            "off".to_string()
        } else {
            v.join(" ")
        }
    }

    /// Parses `error,timeout,http_500` (commas or spaces) or `off`.
    pub fn parse(s: &str) -> Option<NextUpstream> {
        let mut n = NextUpstream::OFF;
        for w in s.split([',', ' ', '+']).filter(|w| !w.is_empty()) {
            match w {
                "off" => {}
                "error" => n.error = true,
                "timeout" => n.timeout = true,
                "http_500" => n.http_500 = true,
                "http_503" => n.http_503 = true,
                "non_idempotent" => n.non_idempotent = true,
                _ => return None,
            }
        }
        Some(n)
    }
}

/// HAProxy-style proxy queue: when every live server is at its max_conns, a request waits here (FIFO) at most
/// `timeout_ms`, then is answered 503 (counted as dropped); a full queue drops at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueConfig {
    pub max_len: u32,
    pub timeout_ms: u64,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig { max_len: 1_000, timeout_ms: 5_000 }
    }
}

/// HAProxy `check inter <interval> rise <rise> fall <fall>` with `timeout check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthCheck {
    pub interval_ms: u64,
    pub timeout_ms: u64,
    pub rise: u32,
    pub fall: u32,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck { interval_ms: 2_000, timeout_ms: 1_000, rise: 2, fall: 3 }
    }
}

/// Where sessions live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionMode {
    /// No sessions (stateless requests).
    None,
    /// In the memory of the server that created it: another server does not know it, a crash loses it.
    Local,
    /// Local, and the proxy routes by a cookie naming the server (nginx `sticky cookie`, HAProxy `cookie SRV insert`);
    /// a cookie naming an unavailable server is rebalanced and re-issued.
    Cookie,
    /// In a shared store (Redis, a database): never lost, costs `store_latency_us` per request.
    Shared,
    /// Signed tokens: never lost, costs `jwt_verify_us` per request.
    Jwt,
}

impl SessionMode {
    pub const ALL: [SessionMode; 5] =
        [SessionMode::None, SessionMode::Local, SessionMode::Cookie, SessionMode::Shared, SessionMode::Jwt];
    pub fn name(self) -> &'static str {
        match self {
            SessionMode::None => "none",
            SessionMode::Local => "local",
            SessionMode::Cookie => "cookie",
            SessionMode::Shared => "shared",
            SessionMode::Jwt => "jwt",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionConfig {
    pub mode: SessionMode,
    pub store_latency_us: u64,
    pub jwt_verify_us: u64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig { mode: SessionMode::None, store_latency_us: 1_000, jwt_verify_us: 200 }
    }
}

/// A fault (or repair) of one backend process.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// The process dies: new connections are refused, requests in progress get a reset, local sessions are lost.
    Crash,
    /// The process stops answering: connections are accepted, nothing comes back (the proxy times out).
    Hang,
    /// Service takes this many times longer.
    Slow(f64),
    /// This many responses per thousand are HTTP 500.
    ErrorRate(u32),
    /// Back to healthy: restarted if crashed, unfrozen if hung, normal speed, no errors.
    Revive,
}

/// A fault of the server named `server` at `at_ms`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultAt {
    pub at_ms: u64,
    pub server: String,
    pub fault: Fault,
}

/// Names a configuration field by its `--set` key and, for server fields, the server's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub server: Option<usize>,
    pub key: &'static str,
}

impl Field {
    pub const fn global(key: &'static str) -> Field {
        Field { server: None, key }
    }
    pub const fn server(i: usize, key: &'static str) -> Field {
        Field { server: Some(i), key }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.server {
            Some(i) => write!(f, "{}.{}", i, self.key),
            None => f.write_str(self.key),
        }
    }
}

/// Why a configuration was refused. Each variant carries the field and the bound, for translation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ConfigError {
    /// An integer field outside `min..=max`.
    OutOfRange {
        field: Field,
        min: u64,
        max: u64,
        got: u64,
    },
    /// A float field outside `min..=max`, or not finite.
    FloatOutOfRange {
        field: Field,
        min: f64,
        max: f64,
        got: f64,
    },
    NoServers,
    TooManyServers {
        max: usize,
        got: usize,
    },
    /// Every server is a backup: nginx needs at least one primary.
    NoPrimary,
    /// A name that is empty, too long, does not start with a letter, or has other characters than
    /// letters, digits, `_` and `-`.
    BadName {
        index: usize,
        name: String,
    },
    DuplicateName {
        index: usize,
        name: String,
    },
    /// An address that is not `host:port` (port 1..=65535, host of letters, digits, `.`, `-`, `_`).
    BadAddress {
        index: usize,
        addr: String,
    },
    /// `backup` with an algorithm whose nginx module refuses it (ip_hash, hash, random).
    BackupNotAllowed {
        index: usize,
        algorithm: Algorithm,
    },
    /// A fault names a server that does not exist.
    UnknownFaultServer {
        index: usize,
        server: String,
    },
    TooManyFaults {
        max: usize,
        got: usize,
    },
    /// warmup_ms must be below duration_ms.
    WarmupNotBeforeEnd {
        warmup_ms: u64,
        duration_ms: u64,
    },
    /// rate x duration (or burst size x bursts) would exceed the request budget of one run.
    TooManyRequests {
        max: u64,
        expected: u64,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::OutOfRange { field, min, max, got } => {
                write!(f, "{field} must be between {min} and {max}, got {got}")
            }
            ConfigError::FloatOutOfRange { field, min, max, got } => {
                write!(f, "{field} must be a number between {min} and {max}, got {got}")
            }
            ConfigError::NoServers => write!(f, "the upstream needs at least one server"),
            ConfigError::TooManyServers { max, got } => write!(f, "at most {max} servers, got {got}"),
            ConfigError::NoPrimary => write!(f, "every server is a backup: at least one must be a primary"),
            ConfigError::BadName { index, name } => write!(
                f,
                "server {index}: name {name:?} must start with a letter and use only letters, digits, '_' or '-' (at most 32)"
            ),
            ConfigError::DuplicateName { index, name } => write!(f, "server {index}: name {name:?} is used twice"),
            ConfigError::BadAddress { index, addr } => {
                write!(f, "server {index}: address {addr:?} is not host:port (port 1-65535)")
            }
            ConfigError::BackupNotAllowed { index, algorithm } => write!(
                f,
                "server {index}: nginx does not allow `backup` with {} (only round robin and least_conn)",
                algorithm.name()
            ),
            ConfigError::UnknownFaultServer { index, server } => {
                write!(f, "fault {index}: no server named {server:?}")
            }
            ConfigError::TooManyFaults { max, got } => write!(f, "at most {max} scheduled faults, got {got}"),
            ConfigError::WarmupNotBeforeEnd { warmup_ms, duration_ms } => {
                write!(f, "warmup_ms ({warmup_ms}) must be below duration_ms ({duration_ms})")
            }
            ConfigError::TooManyRequests { max, expected } => {
                write!(f, "about {expected} requests expected; one run allows at most {max}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Limits of one run (every queue and loop in the engine is bounded by these).
pub mod limits {
    pub const MAX_WEIGHT: u64 = 1_000;
    pub const MAX_FAILS: u64 = 1_000;
    pub const MAX_FAIL_TIMEOUT_S: u64 = 86_400;
    pub const MAX_CONNS: u64 = 100_000;
    pub const MAX_WORKERS: u64 = 10_000;
    pub const MAX_QUEUE_CAP: u64 = 1_000_000;
    pub const MAX_SERVICE_MEAN_US: u64 = 60_000_000;
    pub const MAX_CV: f64 = 10.0;
    pub const MIN_SPEED: f64 = 0.01;
    pub const MAX_SPEED: f64 = 100.0;
    pub const MIN_RATE: f64 = 0.001;
    pub const MAX_RATE: f64 = 1_000_000.0;
    pub const MAX_BURST: u64 = 100_000;
    pub const MAX_CLIENTS: u64 = 65_536;
    pub const MAX_KEYS: u64 = 1_000_000;
    pub const MAX_DURATION_MS: u64 = 86_400_000;
    pub const MAX_TIMEOUT_MS: u64 = 3_600_000;
    pub const MAX_NET_LATENCY_US: u64 = 10_000_000;
    pub const MAX_PROXY_QUEUE: u64 = 10_000_000;
    pub const MAX_CHECK_RISE_FALL: u64 = 100;
    pub const MAX_EXTRA_COST_US: u64 = 10_000_000;
    pub const MAX_FAULTS: usize = 1_000;
    pub const MAX_SLOW: f64 = 1_000.0;
    pub const MAX_LOG: u64 = 100_000;
    /// Requests one run may send (arrival budget): 200 million.
    pub const MAX_REQUESTS: u64 = 200_000_000;
}

use limits::*;

fn range(field: Field, v: u64, min: u64, max: u64) -> Result<(), ConfigError> {
    if v < min || v > max {
        Err(ConfigError::OutOfRange { field, min, max, got: v })
    } else {
        Ok(())
    }
}

fn frange(field: Field, v: f64, min: f64, max: f64) -> Result<(), ConfigError> {
    if !v.is_finite() || v < min || v > max {
        Err(ConfigError::FloatOutOfRange { field, min, max, got: v })
    } else {
        Ok(())
    }
}

/// A server name: a letter, then letters, digits, `_`, `-`; at most 32 bytes.
pub fn valid_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
}

/// `host:port` with a port in 1..=65535 and a host of letters, digits, `.`, `-`, `_` (or `[v6]`).
pub fn valid_addr(s: &str) -> bool {
    let Some((host, port)) = s.rsplit_once(':') else {
        return false;
    };
    let port_ok = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|c| c.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
    let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !inner.is_empty() && inner.len() <= 45 && inner.bytes().all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-' || c == b'_')
    };
    port_ok && host_ok
}

impl ServerConfig {
    /// Checks this server's own fields (`index` names it in errors).
    pub fn validate(&self, index: usize) -> Result<(), ConfigError> {
        let f = |k| Field::server(index, k);
        if !valid_name(&self.name) {
            return Err(ConfigError::BadName { index, name: self.name.clone() });
        }
        if let Some(a) = &self.addr {
            if !valid_addr(a) {
                return Err(ConfigError::BadAddress { index, addr: a.clone() });
            }
        }
        range(f("weight"), self.weight as u64, 1, MAX_WEIGHT)?;
        range(f("max_fails"), self.max_fails as u64, 0, MAX_FAILS)?;
        range(f("fail_timeout_s"), self.fail_timeout_s, 0, MAX_FAIL_TIMEOUT_S)?;
        range(f("max_conns"), self.max_conns as u64, 0, MAX_CONNS)?;
        range(f("workers"), self.workers as u64, 1, MAX_WORKERS)?;
        range(f("queue_cap"), self.queue_cap as u64, 0, MAX_QUEUE_CAP)?;
        range(f("mean_us"), self.service.mean_us, 1, MAX_SERVICE_MEAN_US)?;
        frange(f("cv"), self.service.cv, 0.0, MAX_CV)?;
        frange(f("speed"), self.speed, MIN_SPEED, MAX_SPEED)?;
        Ok(())
    }
}

impl Fault {
    fn validate(&self, index: usize) -> Result<(), ConfigError> {
        match *self {
            Fault::Slow(x) => frange(Field { server: Some(index), key: "slow" }, x, 1.0, MAX_SLOW),
            Fault::ErrorRate(p) => range(Field { server: Some(index), key: "errors" }, p as u64, 0, 1000),
            _ => Ok(()),
        }
    }
}

impl Config {
    /// Checks every field against its bound. The engine only runs validated configs.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let g = Field::global;
        if self.servers.is_empty() {
            return Err(ConfigError::NoServers);
        }
        if self.servers.len() > MAX_SERVERS {
            return Err(ConfigError::TooManyServers { max: MAX_SERVERS, got: self.servers.len() });
        }
        for (i, s) in self.servers.iter().enumerate() {
            s.validate(i)?;
            if self.servers[..i].iter().any(|o| o.name == s.name) {
                return Err(ConfigError::DuplicateName { index: i, name: s.name.clone() });
            }
            if s.backup && !self.algorithm.allows_backup() {
                return Err(ConfigError::BackupNotAllowed { index: i, algorithm: self.algorithm });
            }
        }
        if self.servers.iter().all(|s| s.backup) {
            return Err(ConfigError::NoPrimary);
        }
        let c = &self.clients;
        frange(g("rate"), c.rate_per_s, MIN_RATE, MAX_RATE)?;
        range(g("burst_size"), c.burst_size as u64, 1, MAX_BURST)?;
        range(g("burst_every_ms"), c.burst_every_ms, 1, MAX_DURATION_MS)?;
        range(g("clients"), c.clients as u64, 1, MAX_CLIENTS)?;
        range(g("keys"), c.keys as u64, 1, MAX_KEYS)?;
        range(g("post_permille"), c.post_permille as u64, 0, 1000)?;
        let p = &self.proxy;
        range(g("listen_port"), p.listen_port as u64, 1, 65535)?;
        range(g("timeout_ms"), p.timeout_ms, 1, MAX_TIMEOUT_MS)?;
        range(g("net_latency_us"), p.net_latency_us, 0, MAX_NET_LATENCY_US)?;
        range(g("tries"), p.tries as u64, 0, MAX_SERVERS as u64)?;
        if let Some(q) = &p.queue {
            range(g("queue_len"), q.max_len as u64, 1, MAX_PROXY_QUEUE)?;
            range(g("queue_timeout_ms"), q.timeout_ms, 1, MAX_TIMEOUT_MS)?;
        }
        if let Some(h) = &self.health_check {
            range(g("check_interval_ms"), h.interval_ms, 10, MAX_TIMEOUT_MS)?;
            range(g("check_timeout_ms"), h.timeout_ms, 1, MAX_TIMEOUT_MS)?;
            range(g("check_rise"), h.rise as u64, 1, MAX_CHECK_RISE_FALL)?;
            range(g("check_fall"), h.fall as u64, 1, MAX_CHECK_RISE_FALL)?;
        }
        range(g("store_latency_us"), self.sessions.store_latency_us, 0, MAX_EXTRA_COST_US)?;
        range(g("jwt_verify_us"), self.sessions.jwt_verify_us, 0, MAX_EXTRA_COST_US)?;
        if self.faults.len() > MAX_FAULTS {
            return Err(ConfigError::TooManyFaults { max: MAX_FAULTS, got: self.faults.len() });
        }
        for (i, f) in self.faults.iter().enumerate() {
            if !self.servers.iter().any(|s| s.name == f.server) {
                return Err(ConfigError::UnknownFaultServer { index: i, server: f.server.clone() });
            }
            range(Field { server: Some(i), key: "fault_at_ms" }, f.at_ms, 0, MAX_DURATION_MS)?;
            f.fault.validate(i)?;
        }
        range(g("duration_ms"), self.duration_ms, 1, MAX_DURATION_MS)?;
        range(g("max_requests"), self.max_requests, 0, MAX_REQUESTS)?;
        range(g("log_capacity"), self.log_capacity as u64, 0, MAX_LOG)?;
        if self.warmup_ms >= self.duration_ms {
            return Err(ConfigError::WarmupNotBeforeEnd { warmup_ms: self.warmup_ms, duration_ms: self.duration_ms });
        }
        let expected = self.expected_requests();
        if expected > MAX_REQUESTS {
            return Err(ConfigError::TooManyRequests { max: MAX_REQUESTS, expected });
        }
        Ok(())
    }

    /// About how many requests the run sends (the arrival budget; exact for constant and bursts).
    pub fn expected_requests(&self) -> u64 {
        let c = &self.clients;
        let by_time = match c.arrival {
            Arrival::Bursts => (self.duration_ms / c.burst_every_ms.max(1) + 1).saturating_mul(c.burst_size as u64),
            _ => {
                let x = c.rate_per_s * self.duration_ms as f64 / 1000.0;
                if x.is_finite() && x < 1e18 {
                    x as u64
                } else {
                    u64::MAX
                }
            }
        };
        if self.max_requests > 0 {
            by_time.min(self.max_requests)
        } else {
            by_time
        }
    }

    /// Index of the server named `name`.
    pub fn server_index(&self, name: &str) -> Option<usize> {
        self.servers.iter().position(|s| s.name == name)
    }
}
