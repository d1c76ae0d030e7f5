//! Named scenario presets (lessons refer to them by these stable names) and `key=value` overrides.
//!
//! Keys: the global ones in [`GLOBAL_KEYS`]; a server's are `<server>.<param>` with `<server>` its name, its
//! 0-based index, or `*` for every server, and `<param>` one of [`SERVER_KEYS`]. `servers=N` resizes the list
//! (new servers get the defaults of [`ServerConfig::named_for`]). Overrides only parse; [`Config::validate`]
//! checks the bounds afterwards.

use super::balancer::{self, Algorithm};
use super::config::*;
use serde::Serialize;
use std::fmt;

mod overrides;

pub use overrides::{apply_item, format_fault, parse_fault, set, to_items, SetError, GLOBAL_KEYS, SERVER_KEYS};

/// The presets: (stable name, one-line description).
pub const PRESETS: &[(&str, &str)] = &[
    ("uneven-round-robin", "round robin over two fast servers and one four times slower: the slow one drowns"),
    ("uneven-least-conn", "the same servers under least_conn: the slow one gets fewer requests"),
    ("uneven-peak-ewma", "the same servers under peak-EWMA (NOT an nginx algorithm: Finagle / Linkerd)"),
    (
        "passive-checks-death",
        "s2 crashes at 10 s and comes back at 25 s; nginx's passive checks (max_fails=1 fail_timeout=10s)",
    ),
    (
        "active-checks-death",
        "the same death, found by HAProxy-style active checks (inter 2s fall 3 rise 2), max_fails=0",
    ),
    ("hang-timeout", "s2 hangs at 10 s (accepts, never answers) until 20 s: timeouts, 504s and retries"),
    ("post-retry", "s2 answers 500 to 30% (retried for GET only), s3 crashes at 10 s (refused POSTs are retried)"),
    ("backup-server", "two primaries and a backup; both primaries crash at 10 s and come back at 20 s"),
    (
        "local-sessions-round-robin",
        "server-local sessions under round robin: most requests land where their session is not",
    ),
    (
        "sticky-ip-hash-death",
        "ip_hash keeps clients on their server; s2 dies at 10 s and returns at 20 s: its sessions are lost twice",
    ),
    (
        "sticky-cookie-death",
        "sticky cookie sessions; s2 dies at 10 s: its clients are rebalanced and lose their sessions once",
    ),
    ("shared-sessions-death", "sessions in a shared store (+1 ms a request): nobody loses a session when s2 dies"),
    ("jwt-sessions-death", "signed tokens (+0.2 ms to verify): nobody loses a session when s2 dies"),
    ("hash-consistent-death", "hash $request_uri consistent over four servers; s2 dies: only its keys move"),
    ("saturation", "400 requests/s into 300/s of capacity: backend queues fill, 503s"),
    (
        "saturation-proxy-queue",
        "the same load with a proxy queue (HAProxy maxconn 2 + timeout queue 1s): drops instead",
    ),
    (
        "notes-port-8004",
        "the lecture notes' reverse proxy on port 8004: least_conn and health checks over three backends",
    ),
    ("mmc", "M/M/4 at 90% load: one proxy queue in front of four single-worker servers (compare with Erlang C)"),
    ("random-mm1", "random over four single-worker servers at 80% load: four independent M/M/1 queues"),
    (
        "random-two-supermarket",
        "random two least_conn over 200 single-worker servers at 90% load (the supermarket model)",
    ),
    (
        "weighted-round-robin",
        "round robin over weights 5, 1, 1 (the load-balancing lesson's table): s1 s1 s2 s1 s3 s1 s1, again and again",
    ),
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
}
