//! The playground's model: a run plus what the learner did to it while it ran, so that a link reproduces the
//! exact same run, a timeline can rewind and branch, and several algorithms can be compared on one arrival stream.
//!
//! A [`Playground`] is a [`Config`] (seed included), a list of [`TimedAction`]s (a crash clicked at 3.2 s, a
//! server added, a burst) each at the simulated microsecond it was taken, and an [`Engine`] run to some time.
//! Running applies every action when the clock reaches it, exactly as the click did, so replaying the list on a
//! fresh engine gives the same trace hash. [`State`] is the URL form: the config's query items, then `t=` (the
//! time reached, in µs) and `act=` (the actions). Decoding never panics; an action the engine refuses during
//! replay (a server index that does not exist any more) is dropped and reported in [`Playground::rejected`].
//!
//! ```
//! use msa_sim::proxy::playground::{Action, Playground, State};
//! use msa_sim::proxy::{Config, Fault};
//! use msa_sim::time::SimTime;
//!
//! let mut p = Playground::new(Config::default(), Vec::new()).unwrap();
//! p.run_until(SimTime::from_ms(3_200));
//! p.act(Action::Fault { server: 1, fault: Fault::Crash }).unwrap();
//! p.run_until(SimTime::from_secs(6));
//! let link = p.state().to_query();                  // ...&t=6000000&act=3200000@1:crash
//! let mut q = Playground::from_state(State::from_query(&link).unwrap()).unwrap();
//! q.run_until(SimTime::from_secs(6));
//! assert_eq!(p.engine().trace_hash(), q.engine().trace_hash());
//! ```

use super::balancer::Algorithm;
use super::config::{limits, Config, ConfigError, Fault, ServerConfig};
use super::engine::{Command, CommandError, Engine, Progress, MAX_EVENTS_PER_CALL};
use super::log::LogKind;
use super::query::QueryError;
use crate::time::SimTime;
use serde::Serialize;
use std::fmt;

/// The most actions one run keeps (a learner clicking for hours stays far below).
pub const MAX_ACTIONS: usize = 1_000;
/// How much faster clients send during a burst, and for how long.
pub const BURST_FACTOR: f64 = 10.0;
pub const BURST_US: u64 = 1_000_000;
/// The most checkpoints a playground keeps (each is a clone of the engine: tens of KB).
pub const MAX_CHECKPOINTS: usize = 64;

/// Something the learner does to a running simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Crash, hang, slow down, make fail, or revive a backend.
    Fault { server: usize, fault: Fault },
    /// Set or clear nginx's `down` flag (a reload).
    SetDown { server: usize, down: bool },
    /// One more `server` line (named `sN`, the first free N, with the defaults).
    Add,
    /// Take a server out of the upstream.
    Remove { server: usize },
    /// Clients send this many requests per second from now on.
    Rate { per_s: f64 },
}

/// An action at the simulated time it was taken.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimedAction {
    pub at: SimTime,
    pub action: Action,
}

impl TimedAction {
    /// `AT_US@SERVER:KIND` (crash, hang, revive, slowxN, errN, down, up, remove), `AT_US@add` or `AT_US@rate:N`.
    pub fn encode(&self) -> String {
        let at = self.at.as_us();
        match self.action {
            Action::Fault { server, fault } => {
                let k = match fault {
                    Fault::Crash => "crash".to_string(),
                    Fault::Hang => "hang".to_string(),
                    Fault::Revive => "revive".to_string(),
                    Fault::Slow(x) => format!("slowx{x}"),
                    Fault::ErrorRate(p) => format!("err{p}"),
                };
                format!("{at}@{server}:{k}")
            }
            Action::SetDown { server, down } => format!("{at}@{server}:{}", if down { "down" } else { "up" }),
            Action::Remove { server } => format!("{at}@{server}:remove"),
            Action::Add => format!("{at}@add"),
            Action::Rate { per_s } => format!("{at}@rate:{per_s}"),
        }
    }

    /// The inverse of [`TimedAction::encode`]; None for anything else (never panics).
    pub fn decode(s: &str) -> Option<TimedAction> {
        let (at, rest) = s.split_once('@')?;
        if at.is_empty() || at.len() > 20 || !at.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let at = SimTime(at.parse().ok()?);
        let action = if rest == "add" {
            Action::Add
        } else if let Some(r) = rest.strip_prefix("rate:") {
            let per_s: f64 = r.parse().ok().filter(|x: &f64| x.is_finite())?;
            Action::Rate { per_s }
        } else {
            let (server, kind) = rest.split_once(':')?;
            if server.is_empty() || server.len() > 3 || !server.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let server: usize = server.parse().ok()?;
            match kind {
                "crash" => Action::Fault { server, fault: Fault::Crash },
                "hang" => Action::Fault { server, fault: Fault::Hang },
                "revive" => Action::Fault { server, fault: Fault::Revive },
                "down" => Action::SetDown { server, down: true },
                "up" => Action::SetDown { server, down: false },
                "remove" => Action::Remove { server },
                k => {
                    if let Some(x) = k.strip_prefix("slowx") {
                        let x: f64 = x.parse().ok().filter(|x: &f64| x.is_finite())?;
                        Action::Fault { server, fault: Fault::Slow(x) }
                    } else if let Some(p) = k.strip_prefix("err") {
                        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                            return None;
                        }
                        Action::Fault { server, fault: Fault::ErrorRate(p.parse().ok()?) }
                    } else {
                        return None;
                    }
                }
            }
        };
        Some(TimedAction { at, action })
    }
}

/// Why a playground link was refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum StateError {
    /// The configuration part (see [`Config::from_query`]).
    Config(QueryError),
    /// `t=` is not a whole number of microseconds within the longest run.
    BadTime,
    /// Action number `index` (0-based) of `act=` does not parse.
    BadAction {
        index: usize,
    },
    TooManyActions {
        max: usize,
    },
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::Config(e) => e.fmt(f),
            StateError::BadTime => write!(f, "t must be a whole number of microseconds"),
            StateError::BadAction { index } => write!(f, "action {index} is not AT_US@SERVER:KIND"),
            StateError::TooManyActions { max } => write!(f, "at most {max} actions"),
        }
    }
}

impl std::error::Error for StateError {}

/// Everything a link carries: the configuration (seed included), the learner's actions, and the time reached.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub config: Config,
    pub actions: Vec<TimedAction>,
    pub time: SimTime,
}

impl State {
    /// `<config query>&t=<µs>&act=<a>,<b>`: the config as [`Config::to_query`] writes it, then the time (when
    /// above zero) and the actions (when any).
    pub fn to_query(&self) -> String {
        let mut q = self.config.to_query();
        let mut push = |item: String| {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&item);
        };
        if self.time > SimTime::ZERO {
            push(format!("t={}", self.time.as_us()));
        }
        if !self.actions.is_empty() {
            // Encoded actions use only digits, letters, `.`, `@`, `:`, `-`: nothing to percent-encode.
            push(format!("act={}", self.actions.iter().map(TimedAction::encode).collect::<Vec<_>>().join(",")));
        }
        q
    }

    /// Parses [`State::to_query`]'s output (never panics): a validated config, the actions sorted by time.
    pub fn from_query(q: &str) -> Result<State, StateError> {
        let q = q.strip_prefix('?').unwrap_or(q);
        if q.len() > super::query::MAX_QUERY_LEN {
            return Err(StateError::Config(QueryError::TooLong { max: super::query::MAX_QUERY_LEN, got: q.len() }));
        }
        let mut rest = Vec::new();
        let mut time = SimTime::ZERO;
        let mut actions = Vec::new();
        for item in q.split('&') {
            if let Some(t) = item.strip_prefix("t=") {
                let ok = !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit());
                let us: u64 =
                    if ok { t.parse().map_err(|_| StateError::BadTime)? } else { return Err(StateError::BadTime) };
                if us > limits::MAX_DURATION_MS * 1000 * 2 {
                    return Err(StateError::BadTime);
                }
                time = SimTime(us);
            } else if let Some(a) = item.strip_prefix("act=") {
                for (index, s) in a.split(',').filter(|s| !s.is_empty()).enumerate() {
                    if index >= MAX_ACTIONS {
                        return Err(StateError::TooManyActions { max: MAX_ACTIONS });
                    }
                    // A `:` may arrive percent-encoded from a hand-copied link.
                    let s = s.replace("%3A", ":").replace("%3a", ":").replace("%40", "@");
                    actions.push(TimedAction::decode(&s).ok_or(StateError::BadAction { index })?);
                }
            } else {
                rest.push(item);
            }
        }
        let config = Config::from_query(&rest.join("&")).map_err(StateError::Config)?;
        actions.sort_by_key(|a: &TimedAction| a.at);
        Ok(State { config, actions, time })
    }
}

/// A run the learner plays with: the engine, the actions (applied and still to come), and checkpoints to rewind.
#[derive(Clone, Debug)]
pub struct Playground {
    engine: Engine,
    /// Sorted by time; equal times keep the order they were taken in.
    actions: Vec<TimedAction>,
    /// `actions[..applied]` are in the engine.
    applied: usize,
    rejected: Vec<(TimedAction, CommandError)>,
    /// Clones of the engine (with how many actions they hold), every `every_us`, oldest first.
    checkpoints: Vec<(Engine, usize)>,
    every_us: u64,
}

impl Playground {
    /// A run of `cfg` at time 0 with `actions` to apply as the clock reaches them.
    pub fn new(cfg: Config, mut actions: Vec<TimedAction>) -> Result<Playground, ConfigError> {
        let engine = Engine::new(cfg)?;
        actions.truncate(MAX_ACTIONS);
        actions.sort_by_key(|a| a.at);
        let every_us = (engine.config().duration_ms * 1000 / 32).max(100_000);
        Ok(Playground {
            checkpoints: vec![(engine.clone(), 0)],
            engine,
            actions,
            applied: 0,
            rejected: Vec::new(),
            every_us,
        })
    }

    /// A run of a decoded link, at time 0: run it to `state.time` (in slices, with [`Playground::run_until`]).
    pub fn from_state(state: State) -> Result<Playground, ConfigError> {
        Playground::new(state.config, state.actions)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
    pub fn config(&self) -> &Config {
        self.engine.config()
    }
    pub fn now(&self) -> SimTime {
        self.engine.now()
    }
    pub fn actions(&self) -> &[TimedAction] {
        &self.actions
    }
    /// Actions the engine refused when their time came (from a hand-edited link), with why.
    pub fn rejected(&self) -> &[(TimedAction, CommandError)] {
        &self.rejected
    }
    /// The link of this run as it stands now.
    pub fn state(&self) -> State {
        State { config: self.config().clone(), actions: self.actions.clone(), time: self.now() }
    }
    /// The end of the run as far as it is known: the last arrival time plus the proxy's timeout bounds it.
    pub fn is_finished(&self) -> bool {
        self.engine.is_finished() && self.applied == self.actions.len()
    }

    fn next_action_at(&self) -> Option<SimTime> {
        self.actions.get(self.applied).map(|a| a.at)
    }

    fn apply_next(&mut self) {
        let Some(a) = self.actions.get(self.applied).copied() else { return };
        match self.command(a.action) {
            Ok(cmd) => match self.engine.inject(cmd) {
                Ok(()) => self.applied += 1,
                Err(e) => {
                    self.actions.remove(self.applied);
                    self.rejected.push((a, e));
                }
            },
            Err(e) => {
                self.actions.remove(self.applied);
                self.rejected.push((a, e));
            }
        }
    }

    fn command(&self, a: Action) -> Result<Command, CommandError> {
        Ok(match a {
            Action::Fault { server, fault } => Command::Fault { server, fault },
            Action::SetDown { server, down } => Command::SetDown { server, down },
            Action::Remove { server } => Command::RemoveServer { server },
            Action::Rate { per_s } => Command::SetRate { per_s },
            Action::Add => {
                let names = self.engine.server_names();
                let n = names.len();
                if n >= super::balancer::MAX_SERVERS {
                    return Err(CommandError::Full { max: super::balancer::MAX_SERVERS });
                }
                // The first free `sN` (names are at most 256, so this ends by N = 257).
                let mut k = n;
                let name = loop {
                    let s = format!("s{}", k + 1);
                    if !names.contains(&s) {
                        break s;
                    }
                    k += 1;
                };
                Command::AddServer(ServerConfig { name, ..ServerConfig::named_for(n) })
            }
        })
    }

    fn save_checkpoint(&mut self) {
        let last = self.checkpoints.last().map(|(e, _)| e.now().as_us()).unwrap_or(0);
        if self.engine.now().as_us() >= last.saturating_add(self.every_us) {
            self.checkpoints.push((self.engine.clone(), self.applied));
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                let kept: Vec<_> = self.checkpoints.drain(..).step_by(2).collect();
                self.checkpoints = kept;
                self.every_us = self.every_us.saturating_mul(2);
            }
        }
    }

    /// Runs to time `t`, applying due actions and saving checkpoints (at most [`MAX_EVENTS_PER_CALL`] events).
    pub fn run_until(&mut self, t: SimTime) -> Progress {
        self.advance(t, MAX_EVENTS_PER_CALL)
    }

    /// Handles at most `events` events toward the end of the run (fast-forward slices), applying due actions.
    pub fn run_for(&mut self, events: u64) -> Progress {
        self.advance(SimTime::MAX, events)
    }

    /// Runs toward time `t` handling at most `budget` events: the clock stands at `t` when every event up to `t`
    /// is done (for `t` = [`SimTime::MAX`]: stops at the end of the run instead). Actions are applied when the
    /// clock reaches their time, exactly as a click at that instant did.
    pub fn advance(&mut self, t: SimTime, budget: u64) -> Progress {
        let budget = budget.min(MAX_EVENTS_PER_CALL);
        let mut done = 0;
        loop {
            let last = self.checkpoints.last().map(|(e, _)| e.now().as_us()).unwrap_or(0);
            let mark = SimTime(last.saturating_add(self.every_us));
            let act = self.next_action_at();
            let limit = act.map_or(t.min(mark), |a| a.min(t).min(mark));
            while done < budget {
                match self.engine.next_event_time() {
                    Some(at) if at <= limit => {
                        self.engine.step();
                        done += 1;
                    }
                    _ => break,
                }
            }
            if self.engine.next_event_time().is_some_and(|at| at <= limit) {
                break; // the budget ran out before `limit`
            }
            if self.engine.is_finished() && act.is_none() && t == SimTime::MAX {
                break; // the end of the run
            }
            // Nothing is left up to `limit`: the clock moves there (no event, so this is free).
            self.engine.run_until(limit);
            if act == Some(limit) {
                self.apply_next();
            }
            self.save_checkpoint();
            if limit >= t && self.next_action_at().is_none_or(|a| a > t) {
                break;
            }
            if done >= budget {
                break;
            }
        }
        Progress { events: done, now: self.engine.now(), finished: self.is_finished() }
    }

    /// Takes `action` now. Actions later than now (a future you rewound from) are dropped: this is a branch.
    pub fn act(&mut self, action: Action) -> Result<(), CommandError> {
        let cmd = self.command(action)?;
        self.engine.inject(cmd)?;
        self.branch();
        if self.actions.len() >= MAX_ACTIONS {
            // Keep the link within bounds: the oldest action stays, the newest is refused.
            return Ok(());
        }
        self.actions.insert(self.applied, TimedAction { at: self.now(), action });
        self.applied += 1;
        Ok(())
    }

    /// A burst of traffic: clients send [`BURST_FACTOR`] times faster for [`BURST_US`], then as before.
    pub fn burst(&mut self) -> Result<(), CommandError> {
        let rate = self.current_rate();
        let high = (rate * BURST_FACTOR).min(limits::MAX_RATE);
        self.act(Action::Rate { per_s: high })?;
        let back = TimedAction { at: self.now() + BURST_US, action: Action::Rate { per_s: rate } };
        let pos = self.actions.partition_point(|a| a.at <= back.at);
        self.actions.insert(pos, back);
        Ok(())
    }

    /// The clients' rate now: the config's, or the last rate action applied.
    pub fn current_rate(&self) -> f64 {
        self.actions[..self.applied]
            .iter()
            .rev()
            .find_map(|a| match a.action {
                Action::Rate { per_s } => Some(per_s),
                _ => None,
            })
            .unwrap_or(self.config().clients.rate_per_s)
    }

    /// Drops the actions after now and the checkpoints after now (the future changes from here).
    fn branch(&mut self) {
        self.actions.truncate(self.applied);
        let now = self.now();
        self.checkpoints.retain(|(e, _)| e.now() <= now);
    }

    /// Goes back to time `t` (from the latest checkpoint at or before it, replaying actions). The actions after
    /// `t` are kept: playing on replays them, acting drops them ([`Playground::act`]).
    pub fn rewind(&mut self, t: SimTime) {
        let Some(i) = self.checkpoints.iter().rposition(|(e, _)| e.now() <= t) else { return };
        let (e, applied) = self.checkpoints[i].clone();
        self.engine = e;
        self.applied = applied;
        self.run_until(t);
    }

    /// The earliest time [`Playground::rewind`] can reach (the first checkpoint: time 0).
    pub fn checkpoint_times(&self) -> Vec<SimTime> {
        self.checkpoints.iter().map(|(e, _)| e.now()).collect()
    }

    /// The configuration as it stands now: the settings, with the servers added, removed or set down and the
    /// rate changed by the actions applied so far (what an exported nginx config should say).
    pub fn current_config(&self) -> Config {
        let mut cfg = self.config().clone();
        // Engine indices never shift (a removed server keeps its index): track them, then drop the removed.
        let mut servers: Vec<Option<ServerConfig>> = cfg.servers.drain(..).map(Some).collect();
        let mut names: Vec<String> = servers.iter().flatten().map(|s| s.name.clone()).collect();
        for a in &self.actions[..self.applied] {
            match a.action {
                Action::Add => {
                    let n = servers.len();
                    let mut k = n;
                    let name = loop {
                        let s = format!("s{}", k + 1);
                        if !names.contains(&s) {
                            break s;
                        }
                        k += 1;
                    };
                    names.push(name.clone());
                    servers.push(Some(ServerConfig { name, ..ServerConfig::named_for(n) }));
                }
                Action::Remove { server } => {
                    if let Some(s) = servers.get_mut(server) {
                        *s = None;
                    }
                }
                Action::SetDown { server, down } => {
                    if let Some(Some(s)) = servers.get_mut(server) {
                        s.down = down;
                    }
                }
                Action::Rate { per_s } => cfg.clients.rate_per_s = per_s,
                Action::Fault { .. } => {}
            }
        }
        if servers.iter().any(Option::is_none) {
            // Placeholder addresses follow the index: keep each server's own after the removed ones drop out.
            for (i, s) in servers.iter_mut().enumerate() {
                if let Some(s) = s {
                    s.addr.get_or_insert_with(|| super::config::placeholder_addr(i));
                }
            }
        }
        cfg.servers = servers.into_iter().flatten().collect();
        cfg
    }

    /// The same run (seed, arrivals, actions) under another algorithm, at time 0: for compare mode.
    pub fn with_algorithm(&self, algo: Algorithm) -> Result<Playground, ConfigError> {
        let mut cfg = self.config().clone();
        cfg.algorithm = algo;
        Playground::new(cfg, self.actions.clone())
    }
}

/// The server that gets the first attempt of each of the first `n` requests under `cfg` (None for a request
/// no server got: no live upstream, or dropped by the proxy queue). For predict-then-run questions ("which server
/// gets request 7?").
pub fn first_servers(cfg: &Config, n: u64) -> Result<Vec<Option<usize>>, ConfigError> {
    let mut cfg = cfg.clone();
    // One event logs at most a few entries: a small window read after every step sees them all.
    cfg.log_capacity = 64;
    let mut e = Engine::new(cfg)?;
    let mut out: Vec<Option<usize>> = vec![None; n.min(1_000_000) as usize];
    let mut decided = vec![false; out.len()];
    let mut left = out.len();
    let mut seen = 0u64;
    while left > 0 && e.step() {
        let count = e.log().count();
        let new = (count - seen).min(e.log().entries().len() as u64) as usize;
        seen = count;
        let entries = e.log().entries();
        for x in entries.iter().skip(entries.len() - new) {
            let (req, server) = match x.kind {
                LogKind::Sent { req, server, attempt: 1 } => (req, Some(server)),
                LogKind::Answered { req, .. } | LogKind::Dropped { req, .. } => (req, None),
                _ => continue,
            };
            if let Some(i) = usize::try_from(req).ok().filter(|&i| i < out.len()) {
                if !decided[i] {
                    decided[i] = true;
                    out[i] = server;
                    left -= 1;
                }
            }
        }
    }
    Ok(out)
}

/// The server that gets the first attempt of request `req` (0-based), or None (see [`first_servers`]).
pub fn server_of_request(cfg: &Config, req: u64) -> Result<Option<usize>, ConfigError> {
    Ok(first_servers(cfg, req.saturating_add(1))?.last().copied().flatten())
}

/// Little's law read off a run: the average number of requests in the system L, the throughput λ and the mean
/// time in the system W, so a view can show L ≈ λ × W with the run's own figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Little {
    /// Mean of the in-flight count sampled at the end of every second so far.
    pub in_flight_avg: f64,
    /// Answered requests (2xx) per second over the run so far.
    pub throughput_per_s: f64,
    /// Mean latency of those answers, in seconds.
    pub mean_latency_s: f64,
}

impl Little {
    pub fn of(e: &Engine) -> Little {
        let m = e.metrics();
        let n = m.series.len();
        let in_flight_avg =
            if n == 0 { 0.0 } else { m.series.iter().map(|s| s.in_flight as f64).sum::<f64>() / n as f64 };
        let secs = e.now().as_secs_f64();
        Little {
            in_flight_avg,
            throughput_per_s: if secs > 0.0 { m.totals.ok as f64 / secs } else { 0.0 },
            mean_latency_s: m.latency.mean_us() / 1e6,
        }
    }
    /// λ × W.
    pub fn product(&self) -> f64 {
        self.throughput_per_s * self.mean_latency_s
    }
}

/// What happened between a backend's crash and the proxy taking it out (a predict-then-run question).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// When the server crashed and when the proxy took it out (passive: max_fails; active: fall checks).
    pub crashed_at: SimTime,
    pub removed_at: SimTime,
    /// Attempts that failed at the dead server in between.
    pub failed_attempts: u64,
    /// Error answers clients got in between (after retries).
    pub client_errors: u64,
}

/// Runs `cfg` until server `server` has crashed and been taken out by the proxy's checks; None if that never
/// happens within the run.
pub fn detection(cfg: &Config, server: usize) -> Result<Option<Detection>, ConfigError> {
    let mut cfg = cfg.clone();
    // One event logs at most a few entries: a small window read after every step sees them all.
    cfg.log_capacity = 64;
    let mut e = Engine::new(cfg)?;
    let mut crashed_at = None;
    let mut failed_attempts = 0;
    let mut client_errors = 0;
    let mut seen = 0u64;
    while e.step() {
        let count = e.log().count();
        if count == seen {
            continue;
        }
        let new = (count - seen).min(e.log().entries().len() as u64) as usize;
        seen = count;
        let entries = e.log().entries();
        for x in entries.iter().skip(entries.len() - new) {
            match x.kind {
                LogKind::Fault { server: s, fault: Fault::Crash } if s == server => crashed_at = Some(x.at),
                LogKind::AttemptFailed { server: s, .. } if s == server && crashed_at.is_some() => failed_attempts += 1,
                LogKind::Answered { status, .. } if status >= 500 && crashed_at.is_some() => client_errors += 1,
                LogKind::Disabled { server: s } | LogKind::CheckDown { server: s } if s == server => {
                    if let Some(c) = crashed_at {
                        return Ok(Some(Detection { crashed_at: c, removed_at: x.at, failed_attempts, client_errors }));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(None)
}
