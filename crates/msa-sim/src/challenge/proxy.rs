//! Reverse-proxy challenges (load balancing, sessions, large traffic): predicates over the playground's link
//! ([`State::from_query`]: the config's `--set` items, `t=`, `act=`), run on the nginx-faithful engine.
//!
//! Each challenge starts from a preset with a few items applied (its [`Challenge::start`] is that config's query)
//! and leaves the learner some settings ([`Spec::free`]) and, for some, actions. Anything else that differs from
//! the start is refused ([`ChallengeError::Fixed`]), so a check never runs a longer or busier simulation than the
//! challenge's own. `t=` is ignored: a check always runs the whole run. `log_capacity` is ignored too (the widget
//! raises it for its log; it changes no figure).

use super::{Challenge, ChallengeError, Fact, Family, Judged, SizeUnit};
use crate::proxy::balancer::Algorithm;
use crate::proxy::config::{Config, Fault, SessionMode};
use crate::proxy::engine::{Engine, MAX_EVENTS_PER_CALL};
use crate::proxy::log::{LogEntry, LogKind};
use crate::proxy::playground::{first_servers, Action, Playground, State, TimedAction};
use crate::proxy::scenarios::{apply_item, preset, to_items};
use std::collections::BTreeMap;

/// The most servers a challenge run takes (the playground's controls offer 16).
pub const MAX_SERVERS: usize = 16;
/// The most engine events one check may handle, over all its runs: far above any state within a challenge
/// (the busiest, 900 requests/s for 10 s on 16 servers, is under 200,000 per run).
pub const MAX_EVENTS: u64 = 5_000_000;
/// The p99 the large-traffic challenge asks for, and the uneven-servers one.
pub const P99_LIMIT_US: u64 = 200_000;
pub const UNEVEN_P99_LIMIT_US: u64 = 250_000;
/// Requests read for the weights challenge: ten windows of seven.
const WINDOW: u64 = 7;
const WINDOWS: u64 = 10;

pub const WEIGHTS_5_OF_7: Challenge = Challenge {
    id: "lb-weights-5-of-7",
    family: Family::Proxy,
    lesson: "load-balancing",
    start: "",
    solution: "0.weight=5",
    best_size: 7,
    size_unit: SizeUnit::TotalWeight,
    non_solution: "0.weight=4",
};

pub const FAIL_TIMEOUT_PROBE: Challenge = Challenge {
    id: "lb-fail-timeout-probe",
    family: Family::Proxy,
    lesson: "load-balancing",
    start: "faults=10000@s2:crash,25000@s2:revive",
    solution: "faults=10000@s2:crash,25000@s2:revive&1.fail_timeout_s=13",
    best_size: 13,
    size_unit: SizeUnit::Seconds,
    non_solution: "faults=10000@s2:crash,25000@s2:revive&1.fail_timeout_s=12",
};

pub const BACKUP_TAKES_OVER: Challenge = Challenge {
    id: "lb-backup-takes-over",
    family: Family::Proxy,
    lesson: "load-balancing",
    start: "2.backup=true",
    solution: "2.backup=true&act=5000000@0:crash,5000000@1:crash",
    best_size: 2,
    size_unit: SizeUnit::Actions,
    non_solution: "2.backup=true&act=5000000@0:crash,5000000@2:crash",
};

pub const UNEVEN_P99: Challenge = Challenge {
    id: "lb-uneven-p99",
    family: Family::Proxy,
    lesson: "load-balancing",
    start: "rate=180&2.speed=0.25",
    solution: "algo=least-conn&rate=180&2.speed=0.25",
    best_size: 1,
    size_unit: SizeUnit::Settings,
    non_solution: "algo=random&rate=180&2.speed=0.25",
};

pub const KEEP_SESSIONS_BY_ALGORITHM: Challenge = Challenge {
    id: "sessions-keep-by-algorithm",
    family: Family::Proxy,
    lesson: "sessions",
    start: "session=local",
    solution: "algo=ip-hash&session=local",
    best_size: 1,
    size_unit: SizeUnit::Settings,
    non_solution: "algo=least-conn&session=local",
};

pub const IP_HASH_LOSES_TWICE: Challenge = Challenge {
    id: "sessions-ip-hash-loses-twice",
    family: Family::Proxy,
    lesson: "sessions",
    start: "algo=ip-hash&clients=200&session=local",
    solution: "algo=ip-hash&clients=200&session=local&act=5000000@1:crash,15000000@1:revive",
    best_size: 2,
    size_unit: SizeUnit::Actions,
    non_solution: "algo=ip-hash&clients=200&session=local&act=5000000@1:crash",
};

pub const SURVIVE_CRASH: Challenge = Challenge {
    id: "sessions-survive-crash",
    family: Family::Proxy,
    lesson: "sessions",
    start: "clients=200&session=cookie&faults=10000@s2:crash,20000@s2:revive",
    solution: "clients=200&session=jwt&faults=10000@s2:crash,20000@s2:revive",
    best_size: 200,
    size_unit: SizeUnit::SessionCostUs,
    non_solution: "clients=200&session=local&faults=10000@s2:crash,20000@s2:revive",
};

pub const P99_FEWEST_BACKENDS: Challenge = Challenge {
    id: "traffic-p99-fewest-backends",
    family: Family::Proxy,
    lesson: "large-traffic",
    start: "duration_ms=10000&warmup_ms=2000&rate=900",
    solution: "servers=5&algo=least-conn&duration_ms=10000&warmup_ms=2000&rate=900",
    best_size: 5,
    size_unit: SizeUnit::Backends,
    non_solution: "servers=5&duration_ms=10000&warmup_ms=2000&rate=900",
};

/// The saturation preset's query: 400 requests/s into three servers of 2 workers.
macro_rules! saturation {
    () => {
        concat!(
            "rate=400&timeout_ms=5000",
            "&0.max_fails=0&0.workers=2&0.queue_cap=50",
            "&1.max_fails=0&1.workers=2&1.queue_cap=50",
            "&2.max_fails=0&2.workers=2&2.queue_cap=50"
        )
    };
}

pub const SATURATION_FEWEST_SERVERS: Challenge = Challenge {
    id: "traffic-saturation-fewest-servers",
    family: Family::Proxy,
    lesson: "large-traffic",
    start: saturation!(),
    solution: concat!("servers=4&algo=least-conn&", saturation!()),
    best_size: 4,
    size_unit: SizeUnit::Backends,
    non_solution: concat!("servers=4&", saturation!()),
};

/// Which learner actions a challenge takes.
#[derive(Clone, Copy)]
enum Acts {
    None,
    /// Faults (crash, hang, slow, errors, revive) and `down`/`up`, at most this many.
    Faults(usize),
}

/// What a proxy challenge starts from and leaves free.
pub struct Spec {
    /// The preset ("" for the playground's defaults), then `key=value` items applied to it.
    preset: &'static str,
    items: &'static [&'static str],
    /// Settings the learner may change: a global key, or `*.param` for that parameter of any server.
    free: &'static [&'static str],
    acts: Acts,
}

fn spec(id: &str) -> Spec {
    let s = |preset, items, free, acts| Spec { preset, items, free, acts };
    match id {
        "lb-weights-5-of-7" => s("", &[], &["servers", "*.weight"], Acts::None),
        "lb-fail-timeout-probe" => s("passive-checks-death", &[], &["*.fail_timeout_s"], Acts::None),
        "lb-backup-takes-over" => s("backup-server", &["faults="], &[], Acts::Faults(8)),
        "lb-uneven-p99" => s("uneven-round-robin", &[], &["algo", "*.weight"], Acts::None),
        "sessions-keep-by-algorithm" => s("local-sessions-round-robin", &[], &["algo", "hash_key"], Acts::None),
        "sessions-ip-hash-loses-twice" => s("sticky-ip-hash-death", &["faults="], &[], Acts::Faults(8)),
        "sessions-survive-crash" => s("sticky-cookie-death", &[], &["session"], Acts::None),
        "traffic-p99-fewest-backends" => {
            s("", &["rate=900", "duration_ms=10000", "warmup_ms=2000"], &["servers", "algo"], Acts::None)
        }
        _ => s("saturation", &[], &["servers", "algo"], Acts::None),
    }
}

/// The configuration a challenge starts from (its [`Challenge::start`] is this config's query).
pub fn base(id: &str) -> Config {
    let sp = spec(id);
    // Presets and items are constants checked by the tests (every challenge's base decodes from its start).
    let mut c = preset(sp.preset).unwrap_or_default();
    for item in sp.items {
        let _ = apply_item(&mut c, item);
    }
    c
}

fn refuse(setting: &str) -> ChallengeError {
    ChallengeError::Fixed { setting: setting.to_string() }
}

fn is_free(free: &[&str], key: &str) -> bool {
    free.iter().any(|f| match f.strip_prefix("*.") {
        Some(param) => key.split_once('.').is_some_and(|(_, p)| p == param),
        None => *f == key,
    })
}

/// The settings of `got` that differ from `base` (by `--set` key); servers beyond `got`'s count are gone, not
/// changed.
fn changed(base: &Config, got: &Config) -> Vec<String> {
    let b: BTreeMap<String, String> = to_items(base).into_iter().collect();
    let g: BTreeMap<String, String> = to_items(got).into_iter().collect();
    let mut keys: Vec<&String> = b.keys().chain(g.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != g.get(*k) && k.as_str() != "log_capacity")
        .filter(|k| match k.split_once('.') {
            Some((i, _)) => i.parse::<usize>().map_or(true, |i| i < got.servers.len()),
            None => true,
        })
        .cloned()
        .collect()
}

/// Decodes a link and checks it against the challenge: the config, its changed settings, the actions.
fn decode(id: &str, solution: &str) -> Result<(State, Vec<String>), ChallengeError> {
    let st = State::from_query(solution).map_err(|error| ChallengeError::Proxy { error })?;
    let sp = spec(id);
    let changed = changed(&base(id), &st.config);
    if let Some(k) = changed.iter().find(|k| !is_free(sp.free, k)) {
        return Err(refuse(k));
    }
    if st.config.servers.len() > MAX_SERVERS {
        return Err(ChallengeError::Limit { setting: "servers".into(), max: MAX_SERVERS as u64 });
    }
    match sp.acts {
        Acts::None => {
            if !st.actions.is_empty() {
                return Err(ChallengeError::ActionNotAllowed { index: 0 });
            }
        }
        Acts::Faults(max) => {
            if st.actions.len() > max {
                return Err(ChallengeError::TooManyActions { max });
            }
            if let Some(index) =
                st.actions.iter().position(|a| !matches!(a.action, Action::Fault { .. } | Action::SetDown { .. }))
            {
                return Err(ChallengeError::ActionNotAllowed { index });
            }
        }
    }
    Ok((st, changed))
}

/// Work left for one check.
struct Work(u64);

impl Work {
    fn take(&mut self, n: u64) -> Result<(), ChallengeError> {
        self.0 = self.0.checked_sub(n).ok_or(ChallengeError::TooMuchWork)?;
        Ok(())
    }
}

/// Runs `cfg` with `actions` to the end, showing every new log entry to `see`.
fn run(
    mut cfg: Config,
    actions: Vec<TimedAction>,
    work: &mut Work,
    mut see: impl FnMut(&LogEntry),
) -> Result<Engine, ChallengeError> {
    // A slice logs a few entries an event at most: a window of 8 an event sees them all.
    const SLICE: u64 = 1_024;
    cfg.log_capacity = (SLICE * 8) as u32;
    let mut p = Playground::new(cfg, actions).map_err(|_| ChallengeError::TooMuchWork)?;
    let mut seen = 0u64;
    loop {
        let prog = p.run_for(SLICE.min(MAX_EVENTS_PER_CALL));
        // A slice that only applied actions still counts, so the loop always ends.
        work.take(prog.events.max(1))?;
        let log = p.engine().log();
        let new = (log.count() - seen).min(log.entries().len() as u64) as usize;
        seen = log.count();
        let entries = log.entries();
        for x in entries.iter().skip(entries.len() - new) {
            see(x);
        }
        if prog.finished {
            break;
        }
    }
    Ok(p.engine().clone())
}

fn errors(e: &Engine) -> Fact {
    let t = &e.metrics().totals;
    Fact::Errors { failed: t.failed, dropped: t.dropped }
}

fn no_errors(e: &Engine) -> bool {
    let t = &e.metrics().totals;
    t.failed == 0 && t.dropped == 0 && t.in_flight == 0
}

fn p99(e: &Engine) -> u64 {
    e.metrics().latency.quantile_us(0.99)
}

fn name_of(cfg: &Config, i: usize) -> &'static str {
    // Names are not free in any challenge: they are the defaults s1, s2, s3 ...
    const NAMES: [&str; MAX_SERVERS] =
        ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16"];
    let _ = cfg;
    NAMES.get(i).copied().unwrap_or("s?")
}

pub(super) fn judge(id: &str, solution: &str) -> Judged {
    let (st, changed) = decode(id, solution)?;
    let cfg = st.config;
    let mut work = Work(MAX_EVENTS);
    match id {
        "lb-weights-5-of-7" => {
            let picks = first_servers(&cfg, WINDOW * WINDOWS).map_err(|_| ChallengeError::TooMuchWork)?;
            let counts: Vec<u64> =
                picks.chunks(WINDOW as usize).map(|w| w.iter().filter(|s| **s == Some(0)).count() as u64).collect();
            let (min, max) = (counts.iter().copied().min().unwrap_or(0), counts.iter().copied().max().unwrap_or(0));
            let weight: u64 = cfg.servers.iter().map(|s| s.weight as u64).sum();
            let facts = vec![
                Fact::WindowShare { server: "s1", window: WINDOW, requests: WINDOW * WINDOWS, min, max },
                Fact::TotalWeight { weight },
            ];
            Ok((min == 5 && max == 5, weight, facts))
        }
        "lb-fail-timeout-probe" => {
            let dead = 1;
            let ft = cfg.servers.get(dead).map_or(0, |s| s.fail_timeout_s);
            let now = dead_attempts(&cfg, dead, &mut work)?;
            let mut longer = cfg.clone();
            if let Some(s) = longer.servers.get_mut(dead) {
                s.fail_timeout_s = ft.saturating_add(1);
            }
            let then = dead_attempts(&longer, dead, &mut work)?;
            let facts = vec![
                Fact::FailTimeout { server: name_of(&cfg, dead), seconds: ft },
                Fact::DeadServerAttempts { server: name_of(&cfg, dead), attempts: now },
                Fact::LongerMeets { seconds: ft.saturating_add(1), meets: then > 0 },
            ];
            Ok((now > 0 && then == 0, ft, facts))
        }
        "lb-backup-takes-over" => {
            let n = st.actions.len() as u64;
            let e = run(cfg.clone(), st.actions, &mut work, |_| {})?;
            let backup = cfg.servers.iter().position(|s| s.backup).unwrap_or(2);
            let ok = e.metrics().backends.get(backup).map_or(0, |b| b.ok);
            let facts =
                vec![Fact::Served { server: name_of(&cfg, backup), ok }, Fact::Actions { count: n }, errors(&e)];
            Ok((ok > 0, n, facts))
        }
        "lb-uneven-p99" => {
            let e = run(cfg.clone(), Vec::new(), &mut work, |_| {})?;
            let us = p99(&e);
            let facts = vec![
                Fact::Algorithm { name: cfg.algorithm.name() },
                Fact::P99 { us, limit_us: UNEVEN_P99_LIMIT_US },
                errors(&e),
                Fact::SettingsChanged { count: changed.len() as u64 },
            ];
            Ok((no_errors(&e) && us < UNEVEN_P99_LIMIT_US, changed.len() as u64, facts))
        }
        "sessions-keep-by-algorithm" => {
            let e = run(cfg.clone(), Vec::new(), &mut work, |_| {})?;
            let lost = e.metrics().totals.sessions_lost;
            let facts = vec![
                Fact::Algorithm { name: cfg.algorithm.name() },
                Fact::SessionsLost { count: lost },
                Fact::SettingsChanged { count: changed.len() as u64 },
            ];
            Ok((lost == 0, changed.len() as u64, facts))
        }
        "sessions-ip-hash-loses-twice" => {
            let n = st.actions.len() as u64;
            let mut per_client: BTreeMap<u32, u32> = BTreeMap::new();
            let e = run(cfg, st.actions, &mut work, |x| {
                if let LogKind::SessionLost { client, .. } = x.kind {
                    *per_client.entry(client).or_insert(0) += 1;
                }
            })?;
            let twice = per_client.values().filter(|&&k| k >= 2).count() as u64;
            let facts = vec![
                Fact::SessionsLost { count: e.metrics().totals.sessions_lost },
                Fact::ClientsLostTwice { count: twice },
                Fact::Actions { count: n },
            ];
            Ok((twice > 0, n, facts))
        }
        "sessions-survive-crash" => {
            let e = run(cfg.clone(), Vec::new(), &mut work, |_| {})?;
            let lost = e.metrics().totals.sessions_lost;
            let s = cfg.sessions;
            let cost = match s.mode {
                SessionMode::Shared => s.store_latency_us,
                SessionMode::Jwt => s.jwt_verify_us,
                _ => 0,
            };
            let kept = matches!(s.mode, SessionMode::Shared | SessionMode::Jwt);
            let facts = vec![Fact::Sessions { mode: s.mode.name(), cost_us: cost }, Fact::SessionsLost { count: lost }];
            Ok((kept && lost == 0, cost, facts))
        }
        _ => {
            // The fewest servers: this many meet the goal, one fewer does not with any algorithm.
            let meets = |e: &Engine| no_errors(e) && (id != "traffic-p99-fewest-backends" || p99(e) < P99_LIMIT_US);
            let e = run(cfg.clone(), Vec::new(), &mut work, |_| {})?;
            let n = cfg.servers.len();
            let mut facts =
                vec![Fact::Backends { count: n as u64 }, Fact::Algorithm { name: cfg.algorithm.name() }, errors(&e)];
            if id == "traffic-p99-fewest-backends" {
                facts.push(Fact::P99 { us: p99(&e), limit_us: P99_LIMIT_US });
            }
            let ok = meets(&e);
            let mut fewer_meets = false;
            if ok && n > 1 {
                for algo in Algorithm::ALL {
                    let mut c = cfg.clone();
                    c.servers.truncate(n - 1);
                    c.algorithm = algo;
                    if meets(&run(c, Vec::new(), &mut work, |_| {})?) {
                        fewer_meets = true;
                        break;
                    }
                }
                facts.push(Fact::FewerMeets {
                    backends: n as u64 - 1,
                    algorithms: Algorithm::ALL.len() as u64,
                    meets: fewer_meets,
                });
            }
            Ok((ok && !fewer_meets, n as u64, facts))
        }
    }
}

/// Requests nginx sent to server `dead` while it was crashed, after it had first disabled it (max_fails
/// reached): the probes fail_timeout lets through.
fn dead_attempts(cfg: &Config, dead: usize, work: &mut Work) -> Result<u64, ChallengeError> {
    let (mut crashed, mut disabled, mut n) = (false, false, 0);
    run(cfg.clone(), Vec::new(), work, |x| match x.kind {
        LogKind::Fault { server, fault: Fault::Crash } if server == dead => crashed = true,
        LogKind::Fault { server, fault: Fault::Revive } if server == dead => crashed = false,
        LogKind::Disabled { server } if server == dead && crashed => disabled = true,
        LogKind::Sent { server, .. } if server == dead && crashed && disabled => n += 1,
        _ => {}
    })?;
    Ok(n)
}
