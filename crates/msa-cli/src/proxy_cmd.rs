//! `msa-sim pick | run | export`: the reverse-proxy simulation from a terminal.
//!
//! ```text
//! msa-sim pick --algo round-robin --servers a:5,b:1,c:1 --requests 7
//! msa-sim pick --algo ip-hash --servers a,b,c --clients 10.0.1.5,10.0.2.5 --down b
//! msa-sim pick --algo hash-consistent --servers a=127.0.0.1:18081,b=127.0.0.1:18082 --keys /x,/y
//! msa-sim run --scenario passive-checks-death [--set rate=200 --set s2.weight=3] [--seed 7] [--json] [--log]
//! msa-sim run --scenario my-config.json
//! msa-sim run --scenario mmc --json --timing   (adds "wall_s": the run's own wall time, for bench.sh)
//! msa-sim export --scenario notes-port-8004
//! msa-sim run --list          (presets)       msa-sim run --list-keys     (--set keys)
//! ```

use crate::UsageError;
use lexopt::prelude::*;
use msa_sim::proxy::balancer::{Algorithm, PeerParams, PickInput, Picker, MAX_SERVERS};
use msa_sim::proxy::config::{valid_addr, valid_name, Config};
use msa_sim::proxy::scenarios::{self, GLOBAL_KEYS, PRESETS, SERVER_KEYS};
use msa_sim::proxy::{to_nginx, Engine};
use std::ffi::OsString;

/// Most requests `pick` sends.
const MAX_PICK_REQUESTS: u64 = 1_000_000;
/// Largest scenario file read.
const MAX_FILE_BYTES: u64 = 1 << 20;
/// `run_to_end` calls for one run (each handles at most 5 million events).
const MAX_RUN_CALLS: u32 = 20_000;

const PICK_USAGE: &str = "usage: msa-sim pick --algo <round-robin|least-conn|ip-hash|hash|hash-consistent|random|random-two> \
--servers <name[:weight][=host:port],...> [--requests N | --clients a.b.c.d,... | --keys k1,...] [--down name,...] [--seed S]";
const RUN_USAGE: &str =
    "usage: msa-sim run --scenario <preset|file.json> [--set key=value ...] [--seed S] [--json] [--log] \
[--timing] | --list | --list-keys";
const EXPORT_USAGE: &str = "usage: msa-sim export --scenario <preset|file.json> [--set key=value ...] | --list";

/// Writes to stdout, ignoring a closed pipe (`msa-sim run ... | head` must not panic).
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `println!` into a String (writing into a String cannot fail).
macro_rules! outln {
    ($buf:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($buf, $($arg)*);
    }};
}

fn usage(msg: impl Into<String>, usage: &str) -> UsageError {
    UsageError(format!("{}\n{usage}", msg.into()))
}

fn string(v: OsString, what: &str) -> Result<String, UsageError> {
    v.into_string().map_err(|_| UsageError(format!("{what}: not valid UTF-8")))
}

/// `name[:weight][=host:port]` items.
fn parse_servers(s: &str) -> Result<Vec<(String, PeerParams)>, UsageError> {
    let mut out: Vec<(String, PeerParams)> = Vec::new();
    for item in s.split(',') {
        if out.len() >= MAX_SERVERS {
            return Err(usage(format!("--servers: at most {MAX_SERVERS} servers"), PICK_USAGE));
        }
        let (left, addr) = match item.split_once('=') {
            Some((l, a)) => (l, Some(a)),
            None => (item, None),
        };
        let (name, weight) = match left.split_once(':') {
            Some((n, w)) => {
                let w: u32 = w.parse().ok().filter(|w| (1..=1000).contains(w)).ok_or_else(|| {
                    usage(format!("--servers: weight {w:?} of {n:?} must be an integer from 1 to 1000"), PICK_USAGE)
                })?;
                (n, w)
            }
            None => (left, 1),
        };
        if !valid_name(name) {
            return Err(usage(
                format!("--servers: {name:?} is not a name (a letter, then letters, digits, _ or -)"),
                PICK_USAGE,
            ));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(usage(format!("--servers: {name:?} appears twice"), PICK_USAGE));
        }
        if let Some(a) = addr {
            if !valid_addr(a) {
                return Err(usage(format!("--servers: {a:?} is not host:port"), PICK_USAGE));
            }
        }
        let index = out.len();
        let server = addr.map(str::to_string).unwrap_or_else(|| msa_sim::proxy::config::placeholder_addr(index));
        out.push((name.to_string(), PeerParams::weighted(server, weight)));
    }
    Ok(out)
}

fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut ip = [0u8; 4];
    let mut parts = s.split('.');
    for b in &mut ip {
        *b = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(ip)
}

pub fn pick(args: Vec<OsString>) -> Result<(), UsageError> {
    let mut p = lexopt::Parser::from_args(args);
    let (mut algo, mut servers, mut requests, mut clients, mut keys, mut down, mut seed) =
        (None, None, None, None, None, Vec::new(), 1u64);
    while let Some(arg) = p.next()? {
        match arg {
            Long("algo") => {
                let v = string(p.value()?, "--algo")?;
                let a = Algorithm::parse(&v)
                    .filter(|a| a.is_nginx())
                    .ok_or_else(|| usage(format!("--algo: unknown algorithm {v:?}"), PICK_USAGE))?;
                algo = Some(a);
            }
            Long("servers") => servers = Some(parse_servers(&string(p.value()?, "--servers")?)?),
            Long("requests") => {
                let v = string(p.value()?, "--requests")?;
                let n: u64 = v.parse().ok().filter(|n| (1..=MAX_PICK_REQUESTS).contains(n)).ok_or_else(|| {
                    usage(format!("--requests: {v:?} must be an integer from 1 to {MAX_PICK_REQUESTS}"), PICK_USAGE)
                })?;
                requests = Some(n);
            }
            Long("clients") => {
                let v = string(p.value()?, "--clients")?;
                let ips = v
                    .split(',')
                    .take(MAX_PICK_REQUESTS as usize + 1)
                    .map(|s| {
                        parse_ipv4(s)
                            .ok_or_else(|| usage(format!("--clients: {s:?} is not an IPv4 address"), PICK_USAGE))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                clients = Some(ips);
            }
            Long("keys") => {
                let v = string(p.value()?, "--keys")?;
                keys = Some(v.split(',').take(MAX_PICK_REQUESTS as usize + 1).map(str::to_string).collect::<Vec<_>>());
            }
            Long("down") => down.extend(string(p.value()?, "--down")?.split(',').map(str::to_string)),
            Long("seed") => {
                let v = string(p.value()?, "--seed")?;
                seed = v.parse().map_err(|_| usage(format!("--seed: {v:?} is not an integer"), PICK_USAGE))?;
            }
            Short('h') | Long("help") => {
                emit(&format!("{PICK_USAGE}\n"));
                return Ok(());
            }
            _ => return Err(usage(arg.unexpected().to_string(), PICK_USAGE)),
        }
    }
    let algo = algo.ok_or_else(|| usage("pick: --algo is required", PICK_USAGE))?;
    let mut servers = servers.ok_or_else(|| usage("pick: --servers is required", PICK_USAGE))?;
    let given = [requests.is_some(), clients.is_some(), keys.is_some()].iter().filter(|x| **x).count();
    if given > 1 {
        return Err(usage("pick: give only one of --requests, --clients, --keys", PICK_USAGE));
    }
    for d in &down {
        let s = servers
            .iter_mut()
            .find(|(n, _)| n == d)
            .ok_or_else(|| usage(format!("--down: no server named {d:?}"), PICK_USAGE))?;
        s.1.down = true;
    }
    let names: Vec<String> = servers.iter().map(|(n, _)| n.clone()).collect();
    let params: Vec<PeerParams> = servers.into_iter().map(|(_, p)| p).collect();
    let mut picker = Picker::new(algo, &params, seed);
    // One request at a time, each finished before the next: only the balancer's state carries over.
    let localhost = [127, 0, 0, 1];
    let mut out = String::new();
    let mut put = |choice: Option<usize>| {
        match choice {
            Some(i) => out.push_str(&names[i]),
            None => out.push_str("502"), // "no live upstreams" (names start with a letter, so this is unambiguous)
        }
        out.push('\n');
    };
    if let Some(ips) = clients {
        if ips.len() as u64 > MAX_PICK_REQUESTS {
            return Err(usage(format!("--clients: at most {MAX_PICK_REQUESTS}"), PICK_USAGE));
        }
        for ip in ips {
            put(picker.pick(PickInput { client_ip: ip, key: "/" }));
        }
    } else if let Some(keys) = keys {
        if keys.len() as u64 > MAX_PICK_REQUESTS {
            return Err(usage(format!("--keys: at most {MAX_PICK_REQUESTS}"), PICK_USAGE));
        }
        for k in &keys {
            put(picker.pick(PickInput { client_ip: localhost, key: k }));
        }
    } else {
        for _ in 0..requests.unwrap_or(10) {
            // Without --keys the hash key is "/" (every request the same URI), as `curl http://proxy/` sends.
            put(picker.pick(PickInput { client_ip: localhost, key: "/" }));
        }
    }
    emit(&out);
    Ok(())
}

struct ScenarioArgs {
    cfg: Config,
    name: String,
    json: bool,
    log: bool,
    /// Report the run's wall time (`wall_s`): building the engine and running it, not parsing nor printing.
    timing: bool,
}

/// Parses `--scenario`, `--set`, `--seed` (and for run `--json`, `--log`). Ok(None): a list was printed.
fn scenario_args(args: Vec<OsString>, usage_text: &str, run: bool) -> Result<Option<ScenarioArgs>, UsageError> {
    let mut p = lexopt::Parser::from_args(args);
    let (mut scenario, mut sets, mut seed, mut json, mut log, mut timing) =
        (None, Vec::new(), None, false, false, false);
    while let Some(arg) = p.next()? {
        match arg {
            Long("scenario") => scenario = Some(string(p.value()?, "--scenario")?),
            Long("set") => sets.push(string(p.value()?, "--set")?),
            Long("seed") => {
                let v = string(p.value()?, "--seed")?;
                seed =
                    Some(v.parse::<u64>().map_err(|_| usage(format!("--seed: {v:?} is not an integer"), usage_text))?);
            }
            Long("json") if run => json = true,
            Long("log") if run => log = true,
            Long("timing") if run => timing = true,
            Long("list") => {
                let mut o = String::new();
                for (name, about) in PRESETS {
                    outln!(o, "{name:<28} {about}");
                }
                emit(&o);
                return Ok(None);
            }
            Long("list-keys") => {
                let mut o = String::new();
                for (k, about) in GLOBAL_KEYS {
                    outln!(o, "{k:<22} {about}");
                }
                for (k, about) in SERVER_KEYS {
                    outln!(o, "<server>.{k:<13} {about}   (<server>: name, 0-based index or *)");
                }
                emit(&o);
                return Ok(None);
            }
            Short('h') | Long("help") => {
                emit(&format!("{usage_text}\n"));
                return Ok(None);
            }
            _ => return Err(usage(arg.unexpected().to_string(), usage_text)),
        }
    }
    let name =
        scenario.ok_or_else(|| usage("--scenario is required (msa-sim run --list shows the presets)", usage_text))?;
    let mut cfg = match scenarios::preset(&name) {
        Some(c) => c,
        None if name.ends_with(".json") => load_file(&name)?,
        None => {
            return Err(usage(
                format!("no preset named {name:?} (msa-sim run --list), and not a .json file"),
                usage_text,
            ))
        }
    };
    for item in &sets {
        scenarios::apply_item(&mut cfg, item).map_err(|e| UsageError(format!("--set {item}: {e}")))?;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    cfg.validate().map_err(|e| UsageError(format!("invalid configuration: {e}")))?;
    Ok(Some(ScenarioArgs { cfg, name, json, log, timing }))
}

fn load_file(path: &str) -> Result<Config, UsageError> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| UsageError(format!("{path}: {e}")))?;
    let mut text = String::new();
    f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text).map_err(|e| UsageError(format!("{path}: {e}")))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(UsageError(format!("{path}: larger than {MAX_FILE_BYTES} bytes")));
    }
    serde_json::from_str(&text).map_err(|e| UsageError(format!("{path}: not a scenario: {e}")))
}

pub fn run(args: Vec<OsString>) -> Result<(), UsageError> {
    let Some(a) = scenario_args(args, RUN_USAGE, true)? else { return Ok(()) };
    // The wall clock is read only here (the simulation itself never reads it), and only reported with --timing,
    // so the default output stays byte-identical from run to run.
    let t0 = std::time::Instant::now();
    let mut engine = Engine::new(a.cfg).map_err(|e| UsageError(format!("invalid configuration: {e}")))?;
    engine.run_to_end(MAX_RUN_CALLS);
    let wall_s = t0.elapsed().as_secs_f64();
    let s = engine.summary();
    if a.json {
        let mut v = serde_json::to_value(&s).map_err(|e| UsageError(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("scenario".into(), serde_json::Value::String(a.name.clone()));
            if a.timing {
                o.insert("wall_s".into(), serde_json::json!(wall_s));
            }
        }
        emit(&(serde_json::to_string_pretty(&v).map_err(|e| UsageError(e.to_string()))? + "\n"));
        return Ok(());
    }
    let mut o = String::new();
    if a.log {
        for line in engine.log_text() {
            outln!(o, "{line}");
        }
        outln!(o, "");
    }
    let t = &s.totals;
    let e = &t.errors;
    let l = &s.latency;
    outln!(
        o,
        "scenario {}  seed {}  algorithm {}{}",
        a.name,
        s.seed,
        s.algorithm,
        if s.nginx_algorithm { "" } else { " (NOT an nginx algorithm)" }
    );
    outln!(o, "simulated {:.3} s, {} events", s.sim_time_s, s.events);
    outln!(
        o,
        "requests: sent {}, ok {}, failed {}, dropped {}, in flight {}  ({})",
        t.sent,
        t.ok,
        t.failed,
        t.dropped,
        t.in_flight,
        if s.conserved { "conserved" } else { "NOT CONSERVED" }
    );
    outln!(
        o,
        "errors: 500 {}, 502 {} (no live upstream {}), 503 {}, 504 {}; dropped: queue full {}, queue timeout {}",
        e.http_500,
        e.http_502,
        e.no_live,
        e.http_503,
        e.http_504,
        e.queue_full,
        e.queue_timeout
    );
    outln!(o, "retries {}, sessions lost {}, waited in proxy queue {}", t.retries, t.sessions_lost, t.queued);
    outln!(
        o,
        "throughput {:.1}/s; latency (ms) mean {:.3} p50 {:.3} p95 {:.3} p99 {:.3} max {:.3}",
        s.throughput_per_s,
        l.mean_ms,
        l.p50_ms,
        l.p95_ms,
        l.p99_ms,
        l.max_ms
    );
    outln!(
        o,
        "{:<10} {:>9} {:>9} {:>7} {:>7} {:>8} {:>6} {:>8} {:>9} {:>6}",
        "backend",
        "attempts",
        "ok",
        "500",
        "503",
        "refused",
        "reset",
        "timeout",
        "orphaned",
        "util"
    );
    for b in &s.backends {
        let st = &b.stats;
        outln!(
            o,
            "{:<10} {:>9} {:>9} {:>7} {:>7} {:>8} {:>6} {:>8} {:>9} {:>5.1}%",
            b.name,
            st.attempts,
            st.ok,
            st.http_500,
            st.http_503,
            st.refused,
            st.reset,
            st.timeouts,
            st.orphaned,
            b.utilization * 100.0
        );
    }
    outln!(o, "trace hash {}", s.trace_hash);
    if a.timing {
        outln!(o, "wall time {wall_s:.6} s (building and running the engine)");
    }
    emit(&o);
    Ok(())
}

pub fn export(args: Vec<OsString>) -> Result<(), UsageError> {
    let Some(a) = scenario_args(args, EXPORT_USAGE, false)? else { return Ok(()) };
    emit(&to_nginx(&a.cfg));
    Ok(())
}
