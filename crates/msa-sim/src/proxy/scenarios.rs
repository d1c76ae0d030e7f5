//! Named scenario presets (lessons refer to them by these stable names) and `key=value` overrides.
//!
//! Keys: the global ones in [`GLOBAL_KEYS`]; a server's are `<server>.<param>` with `<server>` its name, its
//! 0-based index, or `*` for every server, and `<param>` one of [`SERVER_KEYS`]. `servers=N` resizes the list
//! (new servers get the defaults of [`ServerConfig::named_for`]). Overrides only parse; [`Config::validate`]
//! checks the bounds afterwards.

use super::balancer::Algorithm;
use super::config::*;
use serde::Serialize;
use std::fmt;

/// The presets: (stable name, one-line description).
pub const PRESETS: &[(&str, &str)] = &[
    ("uneven-round-robin", "round robin over two fast servers and one four times slower: the slow one drowns"),
    ("uneven-least-conn", "the same servers under least_conn: the slow one gets fewer requests"),
    ("uneven-peak-ewma", "the same servers under peak-EWMA (NOT an nginx algorithm: Finagle / Linkerd)"),
    ("passive-checks-death", "s2 crashes at 10 s and comes back at 25 s; nginx's passive checks (max_fails=1 fail_timeout=10s)"),
    ("active-checks-death", "the same death, found by HAProxy-style active checks (inter 2s fall 3 rise 2), max_fails=0"),
    ("hang-timeout", "s2 hangs at 10 s (accepts, never answers) until 20 s: timeouts, 504s and retries"),
    ("post-retry", "s2 answers 500 to 30% (retried for GET only), s3 crashes at 10 s (refused POSTs are retried)"),
    ("backup-server", "two primaries and a backup; both primaries crash at 10 s and come back at 20 s"),
    ("local-sessions-round-robin", "server-local sessions under round robin: most requests land where their session is not"),
    ("sticky-ip-hash-death", "ip_hash keeps clients on their server; s2 dies at 10 s and returns at 20 s: its sessions are lost twice"),
    ("sticky-cookie-death", "sticky cookie sessions; s2 dies at 10 s: its clients are rebalanced and lose their sessions once"),
    ("shared-sessions-death", "sessions in a shared store (+1 ms a request): nobody loses a session when s2 dies"),
    ("jwt-sessions-death", "signed tokens (+0.2 ms to verify): nobody loses a session when s2 dies"),
    ("hash-consistent-death", "hash $request_uri consistent over four servers; s2 dies: only its keys move"),
    ("saturation", "400 requests/s into 300/s of capacity: backend queues fill, 503s"),
    ("saturation-proxy-queue", "the same load with a proxy queue (HAProxy maxconn 2 + timeout queue 1s): drops instead"),
    ("notes-port-8004", "the lecture notes' reverse proxy on port 8004: least_conn and health checks over three backends"),
    ("mmc", "M/M/4 at 90% load: one proxy queue in front of four single-worker servers (compare with Erlang C)"),
    ("random-mm1", "random over four single-worker servers at 80% load: four independent M/M/1 queues"),
    ("random-two-supermarket", "random two least_conn over 200 single-worker servers at 90% load (the supermarket model)"),
    ("weighted-round-robin", "round robin over weights 5, 1, 1 (the load-balancing lesson's table): s1 s1 s2 s1 s3 s1 s1, again and again"),
];

/// The preset named `name`, or None.
pub fn preset(name: &str) -> Option<Config> {
    let mut c = Config::default();
    let crash_revive = |server: &str, at_s: u64, back_s: u64| {
        vec![
            FaultAt { at_ms: at_s * 1000, server: server.to_string(), fault: Fault::Crash },
            FaultAt { at_ms: back_s * 1000, server: server.to_string(), fault: Fault::Revive },
        ]
    };
    match name {
        "uneven-round-robin" | "uneven-least-conn" | "uneven-peak-ewma" => {
            c.algorithm = match name {
                "uneven-least-conn" => Algorithm::LeastConn,
                "uneven-peak-ewma" => Algorithm::PeakEwma,
                _ => Algorithm::RoundRobin,
            };
            c.clients.rate_per_s = 180.0;
            c.servers[2].speed = 0.25;
        }
        "passive-checks-death" => {
            c.faults = crash_revive("s2", 10, 25);
        }
        "active-checks-death" => {
            c.faults = crash_revive("s2", 10, 25);
            c.health_check = Some(HealthCheck::default());
            for s in &mut c.servers {
                s.max_fails = 0;
            }
        }
        "hang-timeout" => {
            c.proxy.timeout_ms = 3_000;
            c.faults = vec![
                FaultAt { at_ms: 10_000, server: "s2".into(), fault: Fault::Hang },
                FaultAt { at_ms: 20_000, server: "s2".into(), fault: Fault::Revive },
            ];
        }
        "post-retry" => {
            c.clients.post_permille = 500;
            c.proxy.next_upstream = NextUpstream { http_500: true, ..NextUpstream::default() };
            c.servers[1].max_fails = 0;
            c.faults = vec![
                FaultAt { at_ms: 0, server: "s2".into(), fault: Fault::ErrorRate(300) },
                FaultAt { at_ms: 10_000, server: "s3".into(), fault: Fault::Crash },
            ];
        }
        "backup-server" => {
            c.servers[2].backup = true;
            c.faults = [crash_revive("s1", 10, 20), crash_revive("s2", 10, 20)].concat();
        }
        "local-sessions-round-robin" => {
            c.sessions.mode = SessionMode::Local;
        }
        "sticky-ip-hash-death" => {
            c.algorithm = Algorithm::IpHash;
            c.sessions.mode = SessionMode::Local;
            c.clients.clients = 200;
            c.faults = crash_revive("s2", 10, 20);
        }
        "sticky-cookie-death" => {
            c.sessions.mode = SessionMode::Cookie;
            c.clients.clients = 200;
            c.faults = crash_revive("s2", 10, 20);
        }
        "shared-sessions-death" => {
            c.sessions.mode = SessionMode::Shared;
            c.clients.clients = 200;
            c.faults = crash_revive("s2", 10, 20);
        }
        "jwt-sessions-death" => {
            c.sessions.mode = SessionMode::Jwt;
            c.clients.clients = 200;
            c.faults = crash_revive("s2", 10, 20);
        }
        "hash-consistent-death" => {
            c.algorithm = Algorithm::HashConsistent;
            c.servers = (0..4).map(ServerConfig::named_for).collect();
            c.faults = crash_revive("s2", 10, 20);
        }
        "saturation" => {
            c.clients.rate_per_s = 400.0;
            for s in &mut c.servers {
                s.workers = 2;
                s.queue_cap = 50;
                s.max_fails = 0;
            }
            c.proxy.timeout_ms = 5_000;
        }
        "saturation-proxy-queue" => {
            c.clients.rate_per_s = 400.0;
            for s in &mut c.servers {
                s.workers = 2;
                s.queue_cap = 0;
                s.max_conns = 2;
                s.max_fails = 0;
            }
            c.proxy.timeout_ms = 5_000;
            c.proxy.queue = Some(QueueConfig { max_len: 200, timeout_ms: 1_000 });
        }
        "notes-port-8004" => {
            c.algorithm = Algorithm::LeastConn;
            c.proxy.listen_port = 8004;
            for (i, s) in c.servers.iter_mut().enumerate() {
                s.addr = Some(format!("127.0.0.1:{}", 8001 + i));
            }
            c.health_check = Some(HealthCheck::default());
        }
        "mmc" => c = mmc(4, 3_600.0),
        "random-mm1" => {
            queueing(&mut c, 4, 3_200.0);
            c.algorithm = Algorithm::Random;
        }
        "weighted-round-robin" => {
            c.servers[0].weight = 5;
        }
        "random-two-supermarket" => {
            queueing(&mut c, 200, 180_000.0);
            c.algorithm = Algorithm::RandomTwo;
        }
        _ => return None,
    }
    Some(c)
}

/// The `mmc` preset's model with `n` servers and Poisson arrivals at `rate` per second: one proxy queue (HAProxy
/// maxconn 1 per server, no queue limit that could refuse) in front of `n` single-worker servers, least_conn over
/// them, exponential service of mean 1 ms: M/M/n, first come first served. The utilisation figure
/// ([`super::rho_latency`]) runs it at other rates and sizes.
pub fn mmc(n: usize, rate: f64) -> Config {
    let mut c = Config::default();
    queueing(&mut c, n, rate);
    c.algorithm = Algorithm::LeastConn;
    for s in &mut c.servers {
        s.max_conns = 1;
        s.queue_cap = 0;
    }
    c.proxy.queue = Some(QueueConfig { max_len: 1_000_000, timeout_ms: limits::MAX_TIMEOUT_MS });
    c
}

/// The queueing-theory setting: `n` single-worker servers with exponential service of mean 1 ms (mu = 1000/s),
/// Poisson arrivals at `rate`, no network latency, no timeouts that could fire, no passive checks, and queues
/// long enough never to refuse.
fn queueing(c: &mut Config, n: usize, rate: f64) {
    c.servers = (0..n)
        .map(|i| ServerConfig {
            workers: 1,
            queue_cap: 1_000_000,
            max_fails: 0,
            service: ServiceTime { dist: Dist::Exponential, mean_us: 1_000, cv: 1.0 },
            ..ServerConfig::named_for(i)
        })
        .collect();
    c.clients.rate_per_s = rate;
    c.proxy.net_latency_us = 0;
    c.proxy.timeout_ms = limits::MAX_TIMEOUT_MS;
    c.duration_ms = 60_000;
    c.warmup_ms = 5_000;
    c.log_capacity = 0;
}

/// Why an override was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SetError {
    /// Not `key=value`.
    Malformed { item: String },
    UnknownKey { key: String },
    /// No server with that name or index.
    UnknownServer { selector: String },
    /// The value does not parse as `expected`.
    BadValue { key: String, value: String, expected: &'static str },
    /// `servers=N` with N outside 1..=max.
    ServerCount { max: usize, got: String },
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::Malformed { item } => write!(f, "{item:?} is not key=value"),
            SetError::UnknownKey { key } => write!(f, "unknown key {key:?} (see --list-keys)"),
            SetError::UnknownServer { selector } => write!(f, "no server {selector:?} (use a name, a 0-based index or *)"),
            SetError::BadValue { key, value, expected } => write!(f, "{key}={value:?}: expected {expected}"),
            SetError::ServerCount { max, got } => write!(f, "servers={got:?}: expected a count from 1 to {max}"),
        }
    }
}

impl std::error::Error for SetError {}

/// Global keys and what they take.
pub const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("seed", "integer"),
    ("algo", "round-robin | least-conn | ip-hash | hash | hash-consistent | random | random-two | peak-ewma"),
    ("hash_key", "uri | remote-addr | session-cookie"),
    ("servers", "server count (new ones get defaults)"),
    ("duration_ms", "integer"),
    ("duration_s", "integer"),
    ("max_requests", "integer, 0 = no cap"),
    ("warmup_ms", "integer"),
    ("log_capacity", "integer"),
    ("arrival", "poisson | constant | bursts"),
    ("rate", "requests per second"),
    ("burst_size", "integer"),
    ("burst_every_ms", "integer"),
    ("clients", "integer"),
    ("keys", "integer"),
    ("post_permille", "integer 0..1000"),
    ("listen_port", "integer"),
    ("timeout_ms", "integer"),
    ("net_latency_us", "integer"),
    ("next_upstream", "off or a list of error,timeout,http_500,http_503,non_idempotent"),
    ("tries", "integer, 0 = no cap"),
    ("queue", "on | off"),
    ("queue_len", "integer (turns the queue on)"),
    ("queue_timeout_ms", "integer (turns the queue on)"),
    ("check", "on | off"),
    ("check_interval_ms", "integer (turns checks on)"),
    ("check_timeout_ms", "integer (turns checks on)"),
    ("check_rise", "integer (turns checks on)"),
    ("check_fall", "integer (turns checks on)"),
    ("session", "none | local | cookie | shared | jwt"),
    ("store_latency_us", "integer"),
    ("jwt_verify_us", "integer"),
    ("faults", "AT_MS@SERVER:KIND,... with KIND crash | hang | revive | slowxN | errN (per thousand); empty clears"),
    ("fault", "one more AT_MS@SERVER:KIND"),
];

/// Per-server keys (`<server>.<param>`).
pub const SERVER_KEYS: &[(&str, &str)] = &[
    ("name", "a letter, then letters, digits, _ or -"),
    ("addr", "host:port, or none"),
    ("weight", "integer"),
    ("max_fails", "integer"),
    ("fail_timeout_s", "integer seconds"),
    ("max_conns", "integer, 0 = unlimited"),
    ("backup", "true | false"),
    ("down", "true | false"),
    ("workers", "integer"),
    ("queue_cap", "integer"),
    ("service", "exp | lognormal | const"),
    ("mean_us", "integer"),
    ("mean_ms", "number"),
    ("cv", "number"),
    ("speed", "number (2 = twice as fast)"),
];

fn bad(key: &str, value: &str, expected: &'static str) -> SetError {
    SetError::BadValue { key: key.to_string(), value: value.to_string(), expected }
}

fn int<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, SetError> {
    v.trim().parse().map_err(|_| bad(key, v, "an integer"))
}

fn float(key: &str, v: &str) -> Result<f64, SetError> {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(bad(key, v, "a finite number")),
    }
}

fn boolean(key: &str, v: &str) -> Result<bool, SetError> {
    match v.trim() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err(bad(key, v, "true or false")),
    }
}

fn one_of<T: Copy>(key: &str, v: &str, all: &[T], name: fn(T) -> &'static str, expected: &'static str) -> Result<T, SetError> {
    all.iter().copied().find(|&x| name(x) == v.trim()).ok_or_else(|| bad(key, v, expected))
}

/// Parses `AT_MS@SERVER:KIND`.
pub fn parse_fault(key: &str, s: &str) -> Result<FaultAt, SetError> {
    let expected = "AT_MS@SERVER:KIND (crash, hang, revive, slowxN, errN)";
    let (at, rest) = s.split_once('@').ok_or_else(|| bad(key, s, expected))?;
    let (server, kind) = rest.split_once(':').ok_or_else(|| bad(key, s, expected))?;
    let at_ms: u64 = at.trim().parse().map_err(|_| bad(key, s, expected))?;
    let fault = match kind.trim() {
        "crash" => Fault::Crash,
        "hang" => Fault::Hang,
        "revive" => Fault::Revive,
        k => {
            if let Some(x) = k.strip_prefix("slowx") {
                Fault::Slow(float(key, x)?)
            } else if let Some(p) = k.strip_prefix("err") {
                Fault::ErrorRate(p.parse().map_err(|_| bad(key, s, expected))?)
            } else {
                return Err(bad(key, s, expected));
            }
        }
    };
    Ok(FaultAt { at_ms, server: server.trim().to_string(), fault })
}

/// Formats a fault as `AT_MS@SERVER:KIND` (the inverse of [`parse_fault`]).
pub fn format_fault(f: &FaultAt) -> String {
    let kind = match f.fault {
        Fault::Crash => "crash".to_string(),
        Fault::Hang => "hang".to_string(),
        Fault::Revive => "revive".to_string(),
        Fault::Slow(x) => format!("slowx{x}"),
        Fault::ErrorRate(p) => format!("err{p}"),
    };
    format!("{}@{}:{}", f.at_ms, f.server, kind)
}

/// Applies one `key=value` item.
pub fn apply_item(cfg: &mut Config, item: &str) -> Result<(), SetError> {
    let (k, v) = item.split_once('=').ok_or_else(|| SetError::Malformed { item: item.to_string() })?;
    set(cfg, k.trim(), v)
}

/// Sets `key` to `value` (parsing only; validate afterwards).
pub fn set(cfg: &mut Config, key: &str, v: &str) -> Result<(), SetError> {
    if let Some((sel, param)) = key.split_once('.') {
        let targets: Vec<usize> = if sel == "*" {
            (0..cfg.servers.len()).collect()
        } else if let Some(i) = cfg.server_index(sel) {
            vec![i]
        } else if let Some(i) = sel.parse::<usize>().ok().filter(|&i| i < cfg.servers.len()) {
            vec![i]
        } else {
            return Err(SetError::UnknownServer { selector: sel.to_string() });
        };
        if !SERVER_KEYS.iter().any(|(k, _)| *k == param) {
            return Err(SetError::UnknownKey { key: key.to_string() });
        }
        for i in targets {
            set_server(&mut cfg.servers[i], key, param, v)?;
        }
        return Ok(());
    }
    let c = &mut cfg.clients;
    match key {
        "seed" => cfg.seed = int(key, v)?,
        "algo" | "algorithm" => {
            cfg.algorithm = Algorithm::parse(v.trim()).ok_or_else(|| bad(key, v, "an algorithm name (see --list-keys)"))?
        }
        "hash_key" => cfg.hash_key = one_of(key, v, &HashKey::ALL, HashKey::name, "uri, remote-addr or session-cookie")?,
        "servers" => {
            let n: usize = v.trim().parse().map_err(|_| SetError::ServerCount { max: super::balancer::MAX_SERVERS, got: v.to_string() })?;
            if n == 0 || n > super::balancer::MAX_SERVERS {
                return Err(SetError::ServerCount { max: super::balancer::MAX_SERVERS, got: v.to_string() });
            }
            let len = cfg.servers.len();
            if n < len {
                cfg.servers.truncate(n);
            } else {
                cfg.servers.extend((len..n).map(ServerConfig::named_for));
            }
        }
        "duration_ms" => cfg.duration_ms = int(key, v)?,
        "duration_s" => cfg.duration_ms = int::<u64>(key, v)?.saturating_mul(1000),
        "max_requests" => cfg.max_requests = int(key, v)?,
        "warmup_ms" => cfg.warmup_ms = int(key, v)?,
        "log_capacity" => cfg.log_capacity = int(key, v)?,
        "arrival" => c.arrival = one_of(key, v, &Arrival::ALL, Arrival::name, "poisson, constant or bursts")?,
        "rate" => c.rate_per_s = float(key, v)?,
        "burst_size" => c.burst_size = int(key, v)?,
        "burst_every_ms" => c.burst_every_ms = int(key, v)?,
        "clients" => c.clients = int(key, v)?,
        "keys" => c.keys = int(key, v)?,
        "post_permille" => c.post_permille = int(key, v)?,
        "listen_port" => cfg.proxy.listen_port = int(key, v)?,
        "timeout_ms" => cfg.proxy.timeout_ms = int(key, v)?,
        "net_latency_us" => cfg.proxy.net_latency_us = int(key, v)?,
        "next_upstream" => {
            cfg.proxy.next_upstream = NextUpstream::parse(v.trim())
                .ok_or_else(|| bad(key, v, "off or error,timeout,http_500,http_503,non_idempotent"))?
        }
        "tries" => cfg.proxy.tries = int(key, v)?,
        "queue" => cfg.proxy.queue = if boolean(key, v)? { Some(cfg.proxy.queue.unwrap_or_default()) } else { None },
        "queue_len" => cfg.proxy.queue.get_or_insert_with(QueueConfig::default).max_len = int(key, v)?,
        "queue_timeout_ms" => cfg.proxy.queue.get_or_insert_with(QueueConfig::default).timeout_ms = int(key, v)?,
        "check" => cfg.health_check = if boolean(key, v)? { Some(cfg.health_check.unwrap_or_default()) } else { None },
        "check_interval_ms" => cfg.health_check.get_or_insert_with(HealthCheck::default).interval_ms = int(key, v)?,
        "check_timeout_ms" => cfg.health_check.get_or_insert_with(HealthCheck::default).timeout_ms = int(key, v)?,
        "check_rise" => cfg.health_check.get_or_insert_with(HealthCheck::default).rise = int(key, v)?,
        "check_fall" => cfg.health_check.get_or_insert_with(HealthCheck::default).fall = int(key, v)?,
        "session" => {
            cfg.sessions.mode = one_of(key, v, &SessionMode::ALL, SessionMode::name, "none, local, cookie, shared or jwt")?
        }
        "store_latency_us" => cfg.sessions.store_latency_us = int(key, v)?,
        "jwt_verify_us" => cfg.sessions.jwt_verify_us = int(key, v)?,
        "faults" => {
            let mut out = Vec::new();
            for item in v.split(',').filter(|s| !s.trim().is_empty()) {
                if out.len() >= limits::MAX_FAULTS {
                    return Err(bad(key, v, "at most 1000 faults"));
                }
                out.push(parse_fault(key, item)?);
            }
            cfg.faults = out;
        }
        "fault" => {
            if cfg.faults.len() >= limits::MAX_FAULTS {
                return Err(bad(key, v, "at most 1000 faults"));
            }
            cfg.faults.push(parse_fault(key, v)?)
        }
        _ => return Err(SetError::UnknownKey { key: key.to_string() }),
    }
    Ok(())
}

fn set_server(s: &mut ServerConfig, key: &str, param: &str, v: &str) -> Result<(), SetError> {
    match param {
        "name" => s.name = v.trim().to_string(),
        "addr" => s.addr = if v.trim() == "none" || v.trim().is_empty() { None } else { Some(v.trim().to_string()) },
        "weight" => s.weight = int(key, v)?,
        "max_fails" => s.max_fails = int(key, v)?,
        "fail_timeout_s" => s.fail_timeout_s = int(key, v)?,
        "max_conns" => s.max_conns = int(key, v)?,
        "backup" => s.backup = boolean(key, v)?,
        "down" => s.down = boolean(key, v)?,
        "workers" => s.workers = int(key, v)?,
        "queue_cap" => s.queue_cap = int(key, v)?,
        "service" => s.service.dist = one_of(key, v, &Dist::ALL, Dist::name, "exp, lognormal or const")?,
        "mean_us" => s.service.mean_us = int(key, v)?,
        "mean_ms" => {
            let ms = float(key, v)?;
            if !(0.0..=1e9).contains(&ms) {
                return Err(bad(key, v, "a number of milliseconds"));
            }
            s.service.mean_us = libm::round(ms * 1000.0) as u64;
        }
        "cv" => s.service.cv = float(key, v)?,
        "speed" => s.speed = float(key, v)?,
        _ => return Err(SetError::UnknownKey { key: key.to_string() }),
    }
    Ok(())
}

/// Every setting of `cfg` that differs from the defaults, as `(key, value)` items that [`set`] applied in order
/// to `Config::default()` rebuilds `cfg` exactly (the URL encoding; `--set` takes the same items).
pub fn to_items(cfg: &Config) -> Vec<(String, String)> {
    let d = Config::default();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String, dv: String| {
        if v != dv {
            out.push((k.to_string(), v));
        }
    };
    put("seed", cfg.seed.to_string(), d.seed.to_string());
    put("algo", cfg.algorithm.name().into(), d.algorithm.name().into());
    put("hash_key", cfg.hash_key.name().into(), d.hash_key.name().into());
    put("duration_ms", cfg.duration_ms.to_string(), d.duration_ms.to_string());
    put("max_requests", cfg.max_requests.to_string(), d.max_requests.to_string());
    put("warmup_ms", cfg.warmup_ms.to_string(), d.warmup_ms.to_string());
    put("log_capacity", cfg.log_capacity.to_string(), d.log_capacity.to_string());
    let (c, dc) = (&cfg.clients, &d.clients);
    put("arrival", c.arrival.name().into(), dc.arrival.name().into());
    put("rate", c.rate_per_s.to_string(), dc.rate_per_s.to_string());
    put("burst_size", c.burst_size.to_string(), dc.burst_size.to_string());
    put("burst_every_ms", c.burst_every_ms.to_string(), dc.burst_every_ms.to_string());
    put("clients", c.clients.to_string(), dc.clients.to_string());
    put("keys", c.keys.to_string(), dc.keys.to_string());
    put("post_permille", c.post_permille.to_string(), dc.post_permille.to_string());
    let (p, dp) = (&cfg.proxy, &d.proxy);
    put("listen_port", p.listen_port.to_string(), dp.listen_port.to_string());
    put("timeout_ms", p.timeout_ms.to_string(), dp.timeout_ms.to_string());
    put("net_latency_us", p.net_latency_us.to_string(), dp.net_latency_us.to_string());
    put("next_upstream", next_upstream_item(p.next_upstream), next_upstream_item(dp.next_upstream));
    put("tries", p.tries.to_string(), dp.tries.to_string());
    if let Some(q) = p.queue {
        let dq = QueueConfig::default();
        put("queue", "on".into(), String::new());
        put("queue_len", q.max_len.to_string(), dq.max_len.to_string());
        put("queue_timeout_ms", q.timeout_ms.to_string(), dq.timeout_ms.to_string());
    }
    if let Some(h) = cfg.health_check {
        let dh = HealthCheck::default();
        put("check", "on".into(), String::new());
        put("check_interval_ms", h.interval_ms.to_string(), dh.interval_ms.to_string());
        put("check_timeout_ms", h.timeout_ms.to_string(), dh.timeout_ms.to_string());
        put("check_rise", h.rise.to_string(), dh.rise.to_string());
        put("check_fall", h.fall.to_string(), dh.fall.to_string());
    }
    let (s, ds) = (&cfg.sessions, &d.sessions);
    put("session", s.mode.name().into(), ds.mode.name().into());
    put("store_latency_us", s.store_latency_us.to_string(), ds.store_latency_us.to_string());
    put("jwt_verify_us", s.jwt_verify_us.to_string(), ds.jwt_verify_us.to_string());
    put("faults", cfg.faults.iter().map(format_fault).collect::<Vec<_>>().join(","), String::new());
    put("servers", cfg.servers.len().to_string(), d.servers.len().to_string());
    for (i, s) in cfg.servers.iter().enumerate() {
        let ds = ServerConfig::named_for(i);
        let k = |p: &str| format!("{i}.{p}");
        put(&k("name"), s.name.clone(), ds.name.clone());
        put(&k("addr"), s.addr.clone().unwrap_or_else(|| "none".into()), "none".into());
        put(&k("weight"), s.weight.to_string(), ds.weight.to_string());
        put(&k("max_fails"), s.max_fails.to_string(), ds.max_fails.to_string());
        put(&k("fail_timeout_s"), s.fail_timeout_s.to_string(), ds.fail_timeout_s.to_string());
        put(&k("max_conns"), s.max_conns.to_string(), ds.max_conns.to_string());
        put(&k("backup"), s.backup.to_string(), ds.backup.to_string());
        put(&k("down"), s.down.to_string(), ds.down.to_string());
        put(&k("workers"), s.workers.to_string(), ds.workers.to_string());
        put(&k("queue_cap"), s.queue_cap.to_string(), ds.queue_cap.to_string());
        put(&k("service"), s.service.dist.name().into(), ds.service.dist.name().into());
        put(&k("mean_us"), s.service.mean_us.to_string(), ds.service.mean_us.to_string());
        put(&k("cv"), s.service.cv.to_string(), ds.service.cv.to_string());
        put(&k("speed"), s.speed.to_string(), ds.speed.to_string());
    }
    // `servers=N` must come before the per-server items, and the faults after the names they refer to are set
    // (faults are only checked by validate, so their place does not matter for parsing).
    if let Some(pos) = out.iter().position(|(k, _)| k == "servers") {
        let item = out.remove(pos);
        out.insert(0, item);
    }
    out
}

/// The item form of `proxy_next_upstream`: every flag that is set, comma-separated, or `off`. Not the nginx
/// directive's arguments: those write `non_idempotent` alone as `off` (it means nothing alone), and a link must
/// decode to the very config it was made from.
fn next_upstream_item(n: NextUpstream) -> String {
    let flags = [
        (n.error, "error"),
        (n.timeout, "timeout"),
        (n.http_500, "http_500"),
        (n.http_503, "http_503"),
        (n.non_idempotent, "non_idempotent"),
    ];
    let on: Vec<&str> = flags.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect();
    if on.is_empty() {
        "off".to_string()
    } else {
        on.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_validates_and_names_are_unique() {
        for (i, (name, _)) in PRESETS.iter().enumerate() {
            let c = preset(name).unwrap_or_else(|| panic!("{name} missing"));
            c.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!PRESETS[..i].iter().any(|(n, _)| n == name));
        }
        assert!(preset("nope").is_none());
    }

    #[test]
    fn items_round_trip_every_preset() {
        for (name, _) in PRESETS {
            let c = preset(name).unwrap();
            let mut back = Config::default();
            for (k, v) in to_items(&c) {
                set(&mut back, &k, &v).unwrap_or_else(|e| panic!("{name}: {k}={v}: {e}"));
            }
            assert_eq!(back, c, "{name}");
        }
    }

    #[test]
    fn next_upstream_non_idempotent_alone_round_trips() {
        // Regression (decode_props): `next_upstream=non_idempotent` was written back as `off`, so the link of a
        // config decoded from it decoded to another config.
        let mut c = Config::default();
        set(&mut c, "next_upstream", "non_idempotent").unwrap();
        assert_eq!(to_items(&c), vec![("next_upstream".to_string(), "non_idempotent".to_string())]);
        let mut back = Config::default();
        for (k, v) in to_items(&c) {
            set(&mut back, &k, &v).unwrap();
        }
        assert_eq!(back, c);
        set(&mut c, "next_upstream", "off").unwrap();
        assert_eq!(to_items(&c), vec![("next_upstream".to_string(), "off".to_string())]);
    }

    #[test]
    fn typed_errors() {
        let mut c = Config::default();
        assert_eq!(set(&mut c, "nope", "1"), Err(SetError::UnknownKey { key: "nope".into() }));
        assert!(matches!(set(&mut c, "rate", "fast"), Err(SetError::BadValue { .. })));
        assert!(matches!(set(&mut c, "zz.weight", "2"), Err(SetError::UnknownServer { .. })));
        assert!(matches!(set(&mut c, "s1.colour", "2"), Err(SetError::UnknownKey { .. })));
        set(&mut c, "s1.weight", "5").unwrap();
        set(&mut c, "*.workers", "1").unwrap();
        assert_eq!(c.servers[0].weight, 5);
        assert!(c.servers.iter().all(|s| s.workers == 1));
    }
}
