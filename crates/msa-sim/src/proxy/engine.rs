//! The discrete-event engine: clients, the proxy (nginx's upstream module around [`Upstream`]) and the backends.
//!
//! The life of a request: the client sends it ([`Ev::Arrival`]); the proxy picks a server ([`Upstream::get`]) and
//! sends the attempt, which reaches the backend after the network latency ([`Ev::AtBackend`]); a crashed backend
//! refuses, a full one answers 503, otherwise it queues or serves ([`Ev::ServiceDone`]); the answer travels back
//! ([`Ev::AtProxy`]). The proxy waits at most `timeout_ms` for it (a FIFO of timeouts beside the event queue).
//! A failed attempt is freed as nginx frees it ([`Upstream::free`]) and retried as `proxy_next_upstream` says
//! (`ngx_http_upstream_next` / `ngx_http_upstream_test_next` in src/http/ngx_http_upstream.c).
//!
//! Everything is bounded: arrivals by the duration (and `max_requests`), backend queues by `queue_cap`, the proxy
//! queue by `max_len`, every attempt by its timeout; each call of [`Engine::run_until`] / [`Engine::run_for`]
//! handles at most [`MAX_EVENTS_PER_CALL`] events.

use super::balancer::{Algorithm, FreeState, PickInput, PickState, Upstream, MAX_SERVERS};
use super::config::*;
use super::log::{AttemptFailure, EventLog, LogKind};
use super::metrics::{BackendStats, LatencySummary, Metrics, Sample};
use crate::events::{EventQueue, Scheduled};
use crate::rng::SimRng;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt::Write as _;

mod checkpoints;
mod requests;
mod view;

pub use checkpoints::Checkpoints;
use requests::{Done, Request, RequestTable, Rid};
pub use view::{BackendSummary, BackendView, Phase, RequestView, Snapshot, Summary};

/// The most events one call of `run_until` / `run_for` handles (bounded work per call for the UI thread).
pub const MAX_EVENTS_PER_CALL: u64 = 5_000_000;
/// The most in-flight requests a snapshot lists (the count is always exact).
pub const SNAPSHOT_REQUESTS_MAX: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    Status(u16),
    Refused,
    Reset,
}

#[derive(Clone, Debug)]
/// Server indices are u32 here (at most [`MAX_SERVERS`]): a smaller event is cheaper to move through the heap.
enum Ev {
    Arrival,
    AtBackend { req: Rid, attempt: u32, server: u32 },
    ServiceDone { server: u32, slot: u32, job: u64 },
    AtProxy { req: Rid, attempt: u32, server: u32, reply: Reply },
    Probe { server: usize },
    ProbeDone { server: usize, ok: bool },
    Fault { index: usize },
    Tick,
}

/// Where the next event comes from (see [`Engine::step`]).
#[derive(Clone, Copy)]
enum Source {
    Heap,
    Immediate,
    Timeouts,
    QueueTimeouts,
}

/// An attempt's timeout. All have the same length, so they fire in the order they were set: a FIFO is enough.
#[derive(Clone, Debug)]
struct TimeoutEntry {
    at: SimTime,
    seq: u64,
    req: Rid,
    attempt: u32,
}

/// A proxy-queue deadline (`timeout queue`). All have the same length too: a second FIFO. Entries whose request
/// has left the queue still fire (as no-ops), exactly as they did when they were heap events.
#[derive(Clone, Debug)]
struct QueueTimeoutEntry {
    at: SimTime,
    seq: u64,
    req: Rid,
    gen: u32,
}

#[derive(Clone, Debug)]
struct Job {
    req: Rid,
    attempt: u32,
    started: SimTime,
    /// When service ends; None while the backend hangs.
    end: Option<SimTime>,
}

/// The backend process behind one `server` line.
#[derive(Clone, Debug)]
struct Backend {
    cfg: ServerConfig,
    crashed: bool,
    hung: bool,
    slow: f64,
    error_permille: u32,
    busy: u32,
    /// Jobs being served: a slot array (an `Ev::ServiceDone` names its slot and job id) with a free list. Where
    /// order matters (a crash, a revive) the jobs are taken in job id order, as the map they replace kept them.
    in_service: Vec<Option<(u64, Job)>>,
    in_service_free: Vec<u32>,
    queue: VecDeque<(u64, Job)>,
    rng: SimRng,
    removed: bool,
    check_ok_streak: u32,
    check_fail_streak: u32,
}

impl Backend {
    fn new(cfg: ServerConfig, seed: u64, index: usize) -> Backend {
        Backend {
            cfg,
            crashed: false,
            hung: false,
            slow: 1.0,
            error_permille: 0,
            busy: 0,
            in_service: Vec::new(),
            in_service_free: Vec::new(),
            queue: VecDeque::new(),
            // One stream per backend, so adding a server does not shift the others' service times.
            rng: SimRng::fork(seed, 100 + index as u64),
            removed: false,
            check_ok_streak: 0,
            check_fail_streak: 0,
        }
    }

    fn insert_job(&mut self, jid: u64, job: Job) -> u32 {
        match self.in_service_free.pop() {
            Some(slot) => {
                self.in_service[slot as usize] = Some((jid, job));
                slot
            }
            None => {
                self.in_service.push(Some((jid, job)));
                (self.in_service.len() - 1) as u32
            }
        }
    }

    /// Slots of the jobs in service, in job id order.
    fn jobs_in_order(&self) -> Vec<u32> {
        let mut v: Vec<(u64, u32)> = self
            .in_service
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.as_ref().map(|(jid, _)| (*jid, i as u32)))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, slot)| slot).collect()
    }

    /// A service time: the distribution's draw with its mean scaled by the slow fault and the speed factor.
    fn draw_service_us(&mut self, extra_us: u64) -> u64 {
        b_draw(&mut self.rng, &self.cfg, self.slow, extra_us)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SessionState {
    None,
    At(usize),
    Lost,
}

/// A change made while the simulation runs (a button in the app, a scheduled fault).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "command")]
pub enum Command {
    Fault {
        server: usize,
        fault: Fault,
    },
    /// Set or clear nginx's `down` on a server (a reload with the flag changed).
    SetDown {
        server: usize,
        down: bool,
    },
    /// Add a server at the end of the upstream (a reload with one more `server` line).
    AddServer(ServerConfig),
    /// Take a server out of the upstream (requests already there finish).
    RemoveServer {
        server: usize,
    },
    /// Change the clients' arrival rate from now on.
    SetRate {
        per_s: f64,
    },
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum CommandError {
    UnknownServer {
        server: usize,
        count: usize,
    },
    /// The server is already removed.
    Removed {
        server: usize,
    },
    /// Removing or backing it would leave the upstream without a primary.
    LastPrimary {
        server: usize,
    },
    /// The upstream already has the most servers it can hold.
    Full {
        max: usize,
    },
    Config(ConfigError),
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::UnknownServer { server, count } => write!(f, "no server {server} (there are {count})"),
            CommandError::Removed { server } => write!(f, "server {server} was removed"),
            CommandError::LastPrimary { server } => write!(f, "server {server} is the last primary"),
            CommandError::Full { max } => write!(f, "at most {max} servers"),
            CommandError::Config(e) => e.fmt(f),
        }
    }
}

/// What a bounded run call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub events: u64,
    pub now: SimTime,
    /// No event is left: the run is over.
    pub finished: bool,
}

/// The simulation. `Clone` is the checkpoint: a clone taken at time t runs on exactly as the original would.
#[derive(Clone, Debug)]
pub struct Engine {
    cfg: Config,
    now: SimTime,
    queue: EventQueue<Ev>,
    /// Events scheduled for the instant they were scheduled at, in (time, seq) order ([`Engine::schedule`]).
    immediate: VecDeque<Scheduled<Ev>>,
    timeouts: VecDeque<TimeoutEntry>,
    queue_timeouts: VecDeque<QueueTimeoutEntry>,
    upstream: Upstream,
    backends: Vec<Backend>,
    requests: RequestTable,
    proxy_queue: VecDeque<Rid>,
    sessions: Vec<SessionState>,
    next_req: u64,
    next_job: u64,
    arrivals: u64,
    arrivals_done: bool,
    last_arrival: SimTime,
    rate_per_s: f64,
    rng_arrival: SimRng,
    rng_request: SimRng,
    rng_balance: SimRng,
    metrics: Metrics,
    log: EventLog,
    events: u64,
    key_buf: String,
}

impl Engine {
    /// A new run of `cfg` at time 0, or the reason the config is refused.
    pub fn new(cfg: Config) -> Result<Engine, ConfigError> {
        cfg.validate()?;
        let seed = cfg.seed;
        let params: Vec<_> = cfg.servers.iter().enumerate().map(|(i, s)| s.peer_params(i)).collect();
        let upstream = Upstream::new(cfg.algorithm, &params);
        let backends = cfg.servers.iter().enumerate().map(|(i, s)| Backend::new(s.clone(), seed, i)).collect();
        let sessions = match cfg.sessions.mode {
            SessionMode::Local | SessionMode::Cookie => vec![SessionState::None; cfg.clients.clients as usize],
            _ => Vec::new(),
        };
        let mut e = Engine {
            now: SimTime::ZERO,
            queue: EventQueue::new(),
            immediate: VecDeque::new(),
            timeouts: VecDeque::new(),
            queue_timeouts: VecDeque::new(),
            upstream,
            backends,
            requests: RequestTable::default(),
            proxy_queue: VecDeque::new(),
            sessions,
            next_req: 0,
            next_job: 0,
            arrivals: 0,
            arrivals_done: false,
            last_arrival: SimTime::ZERO,
            rate_per_s: cfg.clients.rate_per_s,
            rng_arrival: SimRng::fork(seed, 1),
            rng_request: SimRng::fork(seed, 2),
            rng_balance: SimRng::fork(seed, 3),
            metrics: Metrics { backends: vec![BackendStats::default(); cfg.servers.len()], ..Metrics::default() },
            log: EventLog::new(cfg.log_capacity as usize),
            events: 0,
            key_buf: String::new(),
            cfg,
        };
        e.schedule_next_arrival();
        for (index, f) in e.cfg.faults.iter().enumerate() {
            e.queue.push(SimTime::from_ms(f.at_ms), Ev::Fault { index });
        }
        if let Some(hc) = e.cfg.health_check {
            // Spread the first probes over one interval, as HAProxy spreads its checks.
            let n = e.backends.len() as u64;
            for i in 0..e.backends.len() {
                let at = SimTime::from_ms(hc.interval_ms * (i as u64 + 1) / n.max(1));
                e.queue.push(at, Ev::Probe { server: i });
            }
        }
        e.queue.push(SimTime::from_secs(1), Ev::Tick);
        Ok(e)
    }

    // ----- the API the views use -----

    pub fn config(&self) -> &Config {
        &self.cfg
    }
    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
    pub fn log(&self) -> &EventLog {
        &self.log
    }
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }
    /// FNV-1a 64 over every log entry so far: equal for equal config + seed, natively and in wasm.
    pub fn trace_hash(&self) -> u64 {
        self.log.trace_hash()
    }
    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Server names, index order (including added and removed servers).
    pub fn server_names(&self) -> Vec<String> {
        self.backends.iter().map(|b| b.cfg.name.clone()).collect()
    }
    /// The event log as English text, oldest first.
    pub fn log_text(&self) -> Vec<String> {
        let names = self.server_names();
        self.log.entries().iter().map(|e| e.render(&names)).collect()
    }

    /// True when no event is left.
    pub fn is_finished(&self) -> bool {
        self.queue.is_empty() && self.immediate.is_empty() && self.timeouts.is_empty() && self.queue_timeouts.is_empty()
    }

    /// The time of the next event, if any.
    pub fn next_event_time(&self) -> Option<SimTime> {
        let heap = self.queue.peek_key().map(|(t, _)| t);
        let fifo = self.timeouts.front().map(|e| e.at);
        let qfifo = self.queue_timeouts.front().map(|e| e.at);
        let now = self.immediate.front().map(|e| e.at);
        [heap, fifo, qfifo, now].into_iter().flatten().min()
    }

    /// Schedules `ev` at `at` (never before now). An event for the current instant (no network latency, an empty
    /// draw) skips the heap: it goes to a FIFO whose entries are all in (time, seq) order, since the clock only
    /// moves forward. The sequence number is the heap's next one either way, so the firing order is the same.
    #[inline]
    fn schedule(&mut self, at: SimTime, ev: Ev) {
        if at == self.now {
            let seq = self.queue.take_seq();
            self.immediate.push_back(Scheduled { at, seq, event: ev });
        } else {
            self.queue.push(at, ev);
        }
    }

    /// Handles one event. False if there was none.
    pub fn step(&mut self) -> bool {
        // Four streams, each in (time, seq) order: the heap, events for the current instant, the attempt timeouts,
        // the queue timeouts. The earliest (time, seq) goes first; sequence numbers come from one counter, so there
        // are no ties.
        let mut best: Option<(SimTime, u64)> = None;
        let mut from = Source::Heap;
        let mut consider = |key: Option<(SimTime, u64)>, src: Source| {
            if let Some(k) = key {
                if best.is_none_or(|b| k < b) {
                    best = Some(k);
                    from = src;
                }
            }
        };
        consider(self.immediate.front().map(|e| (e.at, e.seq)), Source::Immediate);
        consider(self.queue.peek_key(), Source::Heap);
        consider(self.timeouts.front().map(|e| (e.at, e.seq)), Source::Timeouts);
        consider(self.queue_timeouts.front().map(|e| (e.at, e.seq)), Source::QueueTimeouts);
        if best.is_none() {
            return false;
        }
        self.events += 1;
        match from {
            Source::Immediate => {
                if let Some(s) = self.immediate.pop_front() {
                    self.now = self.now.max(s.at);
                    self.handle(s.event);
                }
            }
            Source::Heap => {
                if let Some(s) = self.queue.pop() {
                    self.now = self.now.max(s.at);
                    self.handle(s.event);
                }
            }
            Source::Timeouts => {
                if let Some(t) = self.timeouts.pop_front() {
                    self.now = self.now.max(t.at);
                    self.on_timeout(t.req, t.attempt);
                }
            }
            Source::QueueTimeouts => {
                if let Some(t) = self.queue_timeouts.pop_front() {
                    self.now = self.now.max(t.at);
                    self.on_queue_timeout(t.req, t.gen);
                }
            }
        }
        self.prune_timeouts();
        #[cfg(any(debug_assertions, feature = "invariants"))]
        self.check_invariants();
        true
    }

    /// Every request accounted for, checked after every event in debug and test builds (the long runs of the test
    /// command run with it): sent = answered (ok + failed) + dropped + in flight, in flight = the live requests,
    /// and the request table's slots are each live or free, once.
    #[cfg(any(debug_assertions, feature = "invariants"))]
    fn check_invariants(&self) {
        let t = &self.metrics.totals;
        assert!(
            t.conserved(),
            "sent {} != ok {} + failed {} + dropped {} + in flight {}",
            t.sent,
            t.ok,
            t.failed,
            t.dropped,
            t.in_flight
        );
        assert_eq!(t.in_flight, self.requests.len() as u64, "in-flight count vs live requests");
        let r = &self.requests;
        assert_eq!(r.len + r.free.len(), r.slots.len(), "request slots: live + free != all");
        assert_eq!(r.ids.len(), r.slots.len());
    }

    /// Drops timeouts of attempts that already ended from the front of the FIFOs, so a finished run does not
    /// idle on until the last of them (at most the FIFO's length; each entry is dropped once).
    fn prune_timeouts(&mut self) {
        while let Some(t) = self.timeouts.front() {
            let live = self.requests.get(t.req).is_some_and(|r| r.attempt == t.attempt && r.phase != Phase::ProxyQueue);
            if live {
                break;
            }
            self.timeouts.pop_front();
        }
        // The same for proxy-queue deadlines of requests that already left the queue: without this a run idles on
        // to the last deadline (an hour later, for `timeout queue 3600s`), and its throughput and utilization are
        // measured over that idle hour.
        while let Some(t) = self.queue_timeouts.front() {
            let live = self.requests.get(t.req).is_some_and(|r| r.phase == Phase::ProxyQueue && r.queue_gen == t.gen);
            if live {
                break;
            }
            self.queue_timeouts.pop_front();
        }
    }

    /// Handles every event up to and including time `t` (at most [`MAX_EVENTS_PER_CALL`]); when they are all
    /// done the clock stands at `t`.
    pub fn run_until(&mut self, t: SimTime) -> Progress {
        let mut n = 0;
        while n < MAX_EVENTS_PER_CALL {
            match self.next_event_time() {
                Some(at) if at <= t => {
                    self.step();
                    n += 1;
                }
                _ => {
                    self.now = self.now.max(t);
                    break;
                }
            }
        }
        Progress { events: n, now: self.now, finished: self.is_finished() }
    }

    /// Handles at most `events` events (and at most [`MAX_EVENTS_PER_CALL`]).
    pub fn run_for(&mut self, events: u64) -> Progress {
        let mut n = 0;
        while n < events.min(MAX_EVENTS_PER_CALL) && self.step() {
            n += 1;
        }
        Progress { events: n, now: self.now, finished: self.is_finished() }
    }

    /// Runs the whole simulation (the CLI and tests): calls `run_for` until no event is left, at most
    /// `max_calls` calls.
    pub fn run_to_end(&mut self, max_calls: u32) -> Progress {
        let mut total = 0;
        for _ in 0..max_calls {
            let p = self.run_for(MAX_EVENTS_PER_CALL);
            total += p.events;
            if p.finished {
                break;
            }
        }
        Progress { events: total, now: self.now, finished: self.is_finished() }
    }

    /// Applies a command now.
    pub fn inject(&mut self, cmd: Command) -> Result<(), CommandError> {
        let count = self.backends.len();
        let check = |server: usize, backends: &[Backend]| -> Result<(), CommandError> {
            match backends.get(server) {
                None => Err(CommandError::UnknownServer { server, count }),
                Some(b) if b.removed => Err(CommandError::Removed { server }),
                Some(_) => Ok(()),
            }
        };
        match cmd {
            Command::Fault { server, fault } => {
                check(server, &self.backends)?;
                fault_validate(fault)?;
                self.apply_fault(server, fault);
            }
            Command::SetDown { server, down } => {
                check(server, &self.backends)?;
                self.upstream.peers[server].down = down;
                self.log.push(self.now, LogKind::MarkedDown { server, down });
                if !down {
                    self.drain_proxy_queue();
                }
            }
            Command::AddServer(s) => {
                if count >= MAX_SERVERS {
                    return Err(CommandError::Full { max: MAX_SERVERS });
                }
                s.validate(count).map_err(CommandError::Config)?;
                if self.backends.iter().any(|b| b.cfg.name == s.name) {
                    return Err(CommandError::Config(ConfigError::DuplicateName { index: count, name: s.name }));
                }
                if s.backup && !self.cfg.algorithm.allows_backup() {
                    return Err(CommandError::Config(ConfigError::BackupNotAllowed {
                        index: count,
                        algorithm: self.cfg.algorithm,
                    }));
                }
                let Some(i) = self.upstream.add(&s.peer_params(count)) else {
                    return Err(CommandError::Full { max: MAX_SERVERS });
                };
                self.backends.push(Backend::new(s, self.cfg.seed, i));
                self.metrics.backends.push(BackendStats::default());
                self.log.push(self.now, LogKind::Added { server: i });
                if let Some(hc) = self.cfg.health_check {
                    self.schedule(self.now + hc.interval_ms * 1000, Ev::Probe { server: i });
                }
                self.drain_proxy_queue();
            }
            Command::RemoveServer { server } => {
                check(server, &self.backends)?;
                let primaries_left = self
                    .backends
                    .iter()
                    .enumerate()
                    .filter(|(i, b)| *i != server && !b.removed && !b.cfg.backup)
                    .count();
                if primaries_left == 0 {
                    return Err(CommandError::LastPrimary { server });
                }
                self.upstream.remove(server);
                self.backends[server].removed = true;
                self.log.push(self.now, LogKind::Removed { server });
            }
            Command::SetRate { per_s } => {
                if !per_s.is_finite() || !(limits::MIN_RATE..=limits::MAX_RATE).contains(&per_s) {
                    return Err(CommandError::Config(ConfigError::FloatOutOfRange {
                        field: Field::global("rate"),
                        min: limits::MIN_RATE,
                        max: limits::MAX_RATE,
                        got: per_s,
                    }));
                }
                // Takes effect from the next scheduled arrival on.
                self.rate_per_s = per_s;
            }
        }
        Ok(())
    }

    // ----- arrivals -----

    fn schedule_next_arrival(&mut self) {
        let c = &self.cfg.clients;
        if self.cfg.max_requests > 0 && self.arrivals >= self.cfg.max_requests {
            self.arrivals_done = true;
            return;
        }
        let k = self.arrivals;
        let at = match c.arrival {
            Arrival::Poisson => {
                let gap = self.rng_arrival.exp_us(1e6 / self.rate_per_s);
                if k == 0 {
                    SimTime(gap)
                } else {
                    self.last_arrival + gap
                }
            }
            // The k-th arrival at k / rate (from the previous arrival after a rate change), so no rounding drift.
            Arrival::Constant => {
                if k == 0 {
                    SimTime::ZERO
                } else {
                    self.last_arrival + libm::round(1e6 / self.rate_per_s) as u64
                }
            }
            Arrival::Bursts => {
                let b = k / c.burst_size.max(1) as u64;
                SimTime::from_ms(b.saturating_mul(c.burst_every_ms))
            }
        };
        if at >= SimTime::from_ms(self.cfg.duration_ms) {
            self.arrivals_done = true;
            return;
        }
        self.last_arrival = at;
        self.schedule(at, Ev::Arrival);
    }

    fn on_arrival(&mut self) {
        let req_id = self.next_req;
        self.next_req += 1;
        self.arrivals += 1;
        let c = &self.cfg.clients;
        // Always three draws per request, so the stream does not depend on which of them a config uses.
        let client = self.rng_request.below(c.clients as u64) as u32;
        let post = self.rng_request.chance(c.post_permille as u64, 1000);
        let key = self.rng_request.below(c.keys as u64) as u32;
        self.metrics.totals.sent += 1;
        self.metrics.totals.in_flight += 1;
        self.log.push(self.now, LogKind::Arrived { req: req_id, client, post });
        let id = self.requests.insert(
            req_id,
            Request {
                client,
                post,
                key,
                sent_at: self.now,
                attempt: 0,
                server: None,
                tries_left: 0,
                pick: PickState::default(),
                request_sent: false,
                attempt_start: self.now,
                phase: Phase::ToBackend,
                phase_start: self.now,
                phase_end: self.now,
                queue_gen: 0,
                queued_at: SimTime::ZERO,
                waited: false,
                wait_us: 0,
            },
        );
        if self.cfg.proxy.queue.is_some() && !self.proxy_queue.is_empty() {
            // First come, first served: nobody overtakes the queue.
            self.enqueue(id);
        } else {
            match self.try_attempt(id) {
                Attempt::Sent => {}
                Attempt::Blocked => self.enqueue(id),
                Attempt::NoLive => self.no_live(id),
            }
        }
        self.schedule_next_arrival();
    }

    // ----- the proxy -----

    /// Picks a server for the request's next attempt and sends it. nginx: `ngx_http_upstream_connect` ->
    /// `peer.get`.
    fn try_attempt(&mut self, id: Rid) -> Attempt {
        let now = self.now;
        let now_s = now.as_whole_secs();
        let queue_on = self.cfg.proxy.queue.is_some();
        let Some(r) = self.requests.get_mut(id) else {
            return Attempt::NoLive;
        };
        if r.attempt == 0 && r.tries_left == 0 {
            // `u->peer.tries`: non-down servers, capped by proxy_next_upstream_tries.
            r.tries_left = self.upstream.tries();
            if self.cfg.proxy.tries > 0 {
                r.tries_left = r.tries_left.min(self.cfg.proxy.tries);
            }
        }
        let mut chosen = None;
        if self.cfg.sessions.mode == SessionMode::Cookie {
            if let Some(SessionState::At(s)) = self.sessions.get(r.client as usize) {
                chosen = self.upstream.get_specific(*s, &mut r.pick, now_s);
            }
        }
        if chosen.is_none() {
            let ip = client_ip(r.client);
            self.key_buf.clear();
            if self.cfg.algorithm.uses_key() {
                // Writing to a String cannot fail.
                let _ = match self.cfg.hash_key {
                    HashKey::Uri => write!(self.key_buf, "/item/{}", r.key),
                    HashKey::RemoteAddr => write!(self.key_buf, "{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]),
                    HashKey::SessionCookie => write!(self.key_buf, "s{}", r.client),
                };
            }
            let input = PickInput { client_ip: ip, key: &self.key_buf };
            chosen = self.upstream.get(&mut r.pick, input, now_s, now.as_us(), &mut self.rng_balance);
        }
        let Some(server) = chosen else {
            return if queue_on && self.upstream.blocked_by_max_conns(now_s) {
                Attempt::Blocked
            } else {
                Attempt::NoLive
            };
        };
        if r.attempt > 0 {
            self.metrics.totals.retries += 1;
        }
        r.attempt += 1;
        r.server = Some(server);
        r.request_sent = false;
        r.attempt_start = now;
        let net = self.cfg.proxy.net_latency_us;
        set_phase(r, Phase::ToBackend, now, now + net);
        let attempt = r.attempt;
        if let Some(st) = self.metrics.backends.get_mut(server) {
            st.attempts += 1;
        }
        self.log.push(now, LogKind::Sent { req: id.id, server, attempt });
        self.schedule(now + net, Ev::AtBackend { req: id, attempt, server: server as u32 });
        let seq = self.queue.take_seq();
        self.timeouts.push_back(TimeoutEntry { at: now + self.cfg.proxy.timeout_ms * 1000, seq, req: id, attempt });
        Attempt::Sent
    }

    fn enqueue(&mut self, id: Rid) {
        let Some(q) = self.cfg.proxy.queue else {
            self.no_live(id);
            return;
        };
        if self.proxy_queue.len() >= q.max_len as usize {
            self.drop_request(id, true);
            return;
        }
        let now = self.now;
        let Some(r) = self.requests.get_mut(id) else { return };
        if !r.waited {
            r.waited = true;
            self.metrics.totals.queued += 1;
        }
        r.queue_gen += 1;
        r.queued_at = now;
        let gen = r.queue_gen;
        set_phase(r, Phase::ProxyQueue, now, now);
        self.proxy_queue.push_back(id);
        self.log.push(now, LogKind::Queued { req: id.id });
        let seq = self.queue.take_seq();
        self.queue_timeouts.push_back(QueueTimeoutEntry { at: now + q.timeout_ms * 1000, seq, req: id, gen });
    }

    /// Sends queued requests while a server can take them (after a connection was freed, a server came back).
    /// At most one pass over the queue.
    fn drain_proxy_queue(&mut self) {
        let n = self.proxy_queue.len();
        for _ in 0..n {
            let Some(&id) = self.proxy_queue.front() else { break };
            match self.try_attempt(id) {
                Attempt::Blocked => break,
                Attempt::Sent => {
                    self.proxy_queue.pop_front();
                    let now = self.now;
                    if let Some(r) = self.requests.get_mut(id) {
                        r.wait_us += now.since(r.queued_at);
                    }
                }
                Attempt::NoLive => {
                    self.proxy_queue.pop_front();
                    self.no_live(id);
                }
            }
        }
    }

    fn on_queue_timeout(&mut self, id: Rid, gen: u32) {
        let Some(r) = self.requests.get(id) else { return };
        if r.phase != Phase::ProxyQueue || r.queue_gen != gen {
            return;
        }
        // Deadlines are in queue order, so this is nearly always the front.
        if let Some(pos) = self.proxy_queue.iter().position(|&x| x == id) {
            self.proxy_queue.remove(pos);
        }
        if let Some(r) = self.requests.get_mut(id) {
            r.wait_us += self.now.since(r.queued_at);
        }
        self.drop_request(id, false);
    }

    fn on_timeout(&mut self, id: Rid, attempt: u32) {
        let Some(r) = self.requests.get(id) else { return };
        if r.attempt != attempt || r.phase == Phase::ProxyQueue {
            return;
        }
        let Some(server) = r.server else { return };
        if let Some(st) = self.metrics.backends.get_mut(server) {
            st.timeouts += 1;
        }
        // The backend does not know: it goes on with the job, whose answer nobody will read.
        self.attempt_failed(id, server, AttemptFailure::Timeout);
    }

    fn on_at_proxy(&mut self, id: Rid, attempt: u32, server: usize, reply: Reply) {
        let Some(r) = self.requests.get(id) else { return };
        if r.attempt != attempt || r.server != Some(server) || r.phase == Phase::ProxyQueue {
            return; // the proxy gave up on this attempt already
        }
        match reply {
            Reply::Status(200) => self.succeed(id, server),
            Reply::Status(503) => self.attempt_failed(id, server, AttemptFailure::Http503),
            Reply::Status(_) => self.attempt_failed(id, server, AttemptFailure::Http500),
            Reply::Refused => self.attempt_failed(id, server, AttemptFailure::Refused),
            Reply::Reset => self.attempt_failed(id, server, AttemptFailure::Reset),
        }
    }

    fn rtt(&self, id: Rid) -> Option<u64> {
        if self.cfg.algorithm == Algorithm::PeakEwma {
            self.requests.get(id).map(|r| self.now.since(r.attempt_start))
        } else {
            None
        }
    }

    fn succeed(&mut self, id: Rid, server: usize) {
        let now = self.now;
        let rtt = self.rtt(id);
        self.upstream.free(server, FreeState::Ok, now.as_whole_secs(), now.as_us(), rtt);
        if let Some(st) = self.metrics.backends.get_mut(server) {
            st.ok += 1;
        }
        self.check_session(id, server);
        self.answer(id, 200);
        self.drain_proxy_queue();
    }

    /// A failed attempt, as `ngx_http_upstream_next` (errors, timeouts) and `ngx_http_upstream_test_next` (HTTP
    /// statuses) handle it.
    fn attempt_failed(&mut self, id: Rid, server: usize, why: AttemptFailure) {
        let now = self.now;
        let rtt = self.rtt(id);
        let nu = self.cfg.proxy.next_upstream;
        let Some(r) = self.requests.get(id) else { return };
        let listed = match why {
            AttemptFailure::Refused | AttemptFailure::Reset => nu.error,
            AttemptFailure::Timeout => nu.timeout,
            AttemptFailure::Http500 => nu.http_500,
            AttemptFailure::Http503 => nu.http_503,
        };
        // A POST whose request was sent is retried only with `non_idempotent` (NGX_HTTP_UPSTREAM_FT_NON_IDEMPOTENT).
        let method_ok = !(r.request_sent && r.post && !nu.non_idempotent);
        // Both paths reduce to: retry iff listed, allowed for the method, and more than this one try remained.
        let retry = listed && method_ok && r.tries_left > 1;
        let http = matches!(why, AttemptFailure::Http500 | AttemptFailure::Http503);
        if http && !retry {
            // test_next declines: the backend's answer goes to the client, and the peer is freed with state 0
            // (a success for the passive checks).
            self.upstream.free(server, FreeState::Ok, now.as_whole_secs(), now.as_us(), rtt);
            self.log.push(now, LogKind::AttemptFailed { req: id.id, server, why, retry: false });
            self.answer(id, if why == AttemptFailure::Http503 { 503 } else { 500 });
            self.drain_proxy_queue();
            return;
        }
        let report = self.upstream.free(server, FreeState::Failed, now.as_whole_secs(), now.as_us(), rtt);
        if let Some(st) = self.metrics.backends.get_mut(server) {
            match why {
                AttemptFailure::Refused => st.refused += 1,
                AttemptFailure::Reset => st.reset += 1,
                _ => {}
            }
        }
        let retry = retry && !report.single;
        if let Some(r) = self.requests.get_mut(id) {
            r.tries_left = if report.single { 0 } else { r.tries_left.saturating_sub(1) };
        }
        self.log.push(now, LogKind::AttemptFailed { req: id.id, server, why, retry });
        if report.disabled {
            self.log.push(now, LogKind::Disabled { server });
        }
        if retry {
            match self.try_attempt(id) {
                Attempt::Sent => {}
                Attempt::Blocked => self.enqueue(id),
                Attempt::NoLive => self.no_live(id),
            }
        } else {
            self.answer(id, if why == AttemptFailure::Timeout { 504 } else { 502 });
        }
        self.drain_proxy_queue();
    }

    /// "no live upstreams": nginx answers 502 without connecting anywhere.
    fn no_live(&mut self, id: Rid) {
        self.metrics.totals.errors.no_live += 1;
        self.log.push(self.now, LogKind::NoLive { req: id.id });
        self.answer(id, 502);
    }

    fn answer(&mut self, id: Rid, status: u16) {
        let Some(r) = self.requests.remove(id).map(Done::of) else { return };
        let now = self.now;
        let latency = now.since(r.sent_at);
        let t = &mut self.metrics.totals;
        t.in_flight -= 1;
        match status {
            200 => t.ok += 1,
            500 => t.http_error(500),
            502 => t.http_error(502),
            503 => t.http_error(503),
            _ => t.http_error(504),
        }
        self.log.push(now, LogKind::Answered { req: id.id, status, latency_us: latency });
        if status == 200 {
            self.metrics.window.record(latency);
        }
        if r.sent_at >= SimTime::from_ms(self.cfg.warmup_ms) {
            if status == 200 {
                self.metrics.latency.record(latency);
            }
            self.measure_wait(&r);
        }
    }

    fn drop_request(&mut self, id: Rid, full: bool) {
        let Some(r) = self.requests.remove(id).map(Done::of) else { return };
        let t = &mut self.metrics.totals;
        t.in_flight -= 1;
        t.dropped += 1;
        if full {
            t.errors.queue_full += 1;
        } else {
            t.errors.queue_timeout += 1;
        }
        self.log.push(self.now, LogKind::Dropped { req: id.id, full });
        if r.sent_at >= SimTime::from_ms(self.cfg.warmup_ms) {
            self.measure_wait(&r);
        }
    }

    fn measure_wait(&mut self, r: &Done) {
        let m = &mut self.metrics;
        m.measured_requests += 1;
        if r.waited {
            m.measured_waited += 1;
            m.measured_wait_us += r.wait_us as u128;
        }
    }

    /// Server-local sessions: a request served by a server that does not hold its client's session loses it.
    fn check_session(&mut self, id: Rid, server: usize) {
        if self.sessions.is_empty() {
            return;
        }
        let Some(r) = self.requests.get(id) else { return };
        let client = r.client;
        let Some(s) = self.sessions.get_mut(client as usize) else { return };
        let lost = match *s {
            SessionState::None => false,
            SessionState::At(x) => x != server,
            SessionState::Lost => true,
        };
        *s = SessionState::At(server);
        if lost {
            self.metrics.totals.sessions_lost += 1;
            self.log.push(self.now, LogKind::SessionLost { req: id.id, client, server });
        }
    }

    // ----- the backends -----

    fn on_at_backend(&mut self, id: Rid, attempt: u32, server: usize) {
        let now = self.now;
        let net = self.cfg.proxy.net_latency_us;
        let current = self.requests.get(id).is_some_and(|r| r.attempt == attempt && r.server == Some(server));
        let Some(b) = self.backends.get_mut(server) else { return };
        if b.crashed {
            // connect() refused: nothing was sent.
            self.schedule(now + net, Ev::AtProxy { req: id, attempt, server: server as u32, reply: Reply::Refused });
            if current {
                if let Some(r) = self.requests.get_mut(id) {
                    set_phase(r, Phase::ToProxy, now, now + net);
                }
            }
            return;
        }
        if current {
            if let Some(r) = self.requests.get_mut(id) {
                r.request_sent = true;
            }
        }
        let job = Job { req: id, attempt, started: now, end: None };
        if b.busy < b.cfg.workers {
            self.start_service(server, job);
        } else if b.queue.len() < b.cfg.queue_cap as usize {
            let jid = self.next_job;
            self.next_job += 1;
            b.queue.push_back((jid, job));
            let ql = b.queue.len() as u64;
            if let Some(st) = self.metrics.backends.get_mut(server) {
                st.max_queue = st.max_queue.max(ql);
            }
            if current {
                if let Some(r) = self.requests.get_mut(id) {
                    set_phase(r, Phase::BackendQueue, now, now);
                }
            }
        } else {
            if let Some(st) = self.metrics.backends.get_mut(server) {
                st.http_503 += 1;
            }
            self.reply(server, id, attempt, Reply::Status(503), current);
        }
    }

    /// Sends a backend's answer back to the proxy (only if the proxy still waits for this attempt).
    fn reply(&mut self, server: usize, id: Rid, attempt: u32, reply: Reply, current: bool) {
        let now = self.now;
        let net = self.cfg.proxy.net_latency_us;
        if current {
            self.schedule(now + net, Ev::AtProxy { req: id, attempt, server: server as u32, reply });
            if let Some(r) = self.requests.get_mut(id) {
                set_phase(r, Phase::ToProxy, now, now + net);
            }
        } else if let Some(st) = self.metrics.backends.get_mut(server) {
            st.orphaned += 1;
        }
    }

    fn extra_cost_us(&self) -> u64 {
        match self.cfg.sessions.mode {
            SessionMode::Shared => self.cfg.sessions.store_latency_us,
            SessionMode::Jwt => self.cfg.sessions.jwt_verify_us,
            _ => 0,
        }
    }

    fn start_service(&mut self, server: usize, mut job: Job) {
        let now = self.now;
        let extra = self.extra_cost_us();
        let Some(b) = self.backends.get_mut(server) else { return };
        let jid = self.next_job;
        self.next_job += 1;
        b.busy += 1;
        job.started = now;
        let (phase, end) = if b.hung {
            job.end = None;
            (Phase::Stalled, now)
        } else {
            let end = now + b.draw_service_us(extra);
            job.end = Some(end);
            (Phase::Service, end)
        };
        let (req, attempt, hung) = (job.req, job.attempt, job.end.is_none());
        let slot = b.insert_job(jid, job);
        if !hung {
            self.schedule(end, Ev::ServiceDone { server: server as u32, slot, job: jid });
        }
        if let Some(r) = self.requests.get_mut(req) {
            if r.attempt == attempt && r.server == Some(server) {
                set_phase(r, phase, now, end);
            }
        }
    }

    fn on_service_done(&mut self, server: usize, slot: u32, jid: u64) {
        let now = self.now;
        let Some(b) = self.backends.get_mut(server) else { return };
        let Some(cell) = b.in_service.get_mut(slot as usize) else { return };
        match cell {
            Some((id, j)) if *id == jid && j.end == Some(now) => {}
            _ => return, // lost to a crash, or frozen by a hang since
        }
        let Some((_, job)) = cell.take() else { return };
        b.in_service_free.push(slot);
        b.busy -= 1;
        let status = if b.error_permille > 0 && b.rng.chance(b.error_permille as u64, 1000) { 500 } else { 200 };
        let next = b.queue.pop_front();
        if let Some(st) = self.metrics.backends.get_mut(server) {
            st.completed += 1;
            st.busy_us += now.since(job.started);
            if status == 500 {
                st.http_500 += 1;
            }
        }
        let current = self.requests.get(job.req).is_some_and(|r| r.attempt == job.attempt && r.server == Some(server));
        self.reply(server, job.req, job.attempt, Reply::Status(status), current);
        if let Some((_, next)) = next {
            self.start_service(server, next);
        }
    }

    fn apply_fault(&mut self, server: usize, fault: Fault) {
        let now = self.now;
        self.log.push(now, LogKind::Fault { server, fault });
        let extra = self.extra_cost_us();
        let Some(b) = self.backends.get_mut(server) else { return };
        match fault {
            Fault::Crash => {
                if b.crashed {
                    return;
                }
                b.crashed = true;
                b.busy = 0;
                let order = b.jobs_in_order();
                let mut in_service = std::mem::take(&mut b.in_service);
                b.in_service_free.clear();
                let jobs: Vec<Job> = order
                    .into_iter()
                    .filter_map(|slot| in_service[slot as usize].take().map(|(_, j)| j))
                    .chain(std::mem::take(&mut b.queue).into_iter().map(|(_, j)| j))
                    .collect();
                for j in jobs {
                    let current =
                        self.requests.get(j.req).is_some_and(|r| r.attempt == j.attempt && r.server == Some(server));
                    self.reply(server, j.req, j.attempt, Reply::Reset, current);
                }
                for s in self.sessions.iter_mut() {
                    if *s == SessionState::At(server) {
                        *s = SessionState::Lost;
                    }
                }
            }
            Fault::Hang => {
                b.hung = true;
                let mut stalled = Vec::new();
                for (_, j) in b.in_service.iter_mut().flatten() {
                    j.end = None;
                    stalled.push((j.req, j.attempt));
                }
                for (req, attempt) in stalled {
                    if let Some(r) = self.requests.get_mut(req) {
                        if r.attempt == attempt && r.server == Some(server) {
                            set_phase(r, Phase::Stalled, now, now);
                        }
                    }
                }
            }
            Fault::Slow(x) => b.slow = x,
            Fault::ErrorRate(p) => b.error_permille = p,
            Fault::Revive => {
                b.crashed = false;
                b.slow = 1.0;
                b.error_permille = 0;
                if b.hung {
                    b.hung = false;
                    // Frozen jobs start over.
                    let mut resumed = Vec::new();
                    for slot in b.jobs_in_order() {
                        let Some((jid, j)) = &mut b.in_service[slot as usize] else { continue };
                        if j.end.is_none() {
                            j.started = now;
                            let end = now + b_draw(&mut b.rng, &b.cfg, b.slow, extra);
                            j.end = Some(end);
                            resumed.push((slot, *jid, end, j.req, j.attempt));
                        }
                    }
                    for (slot, jid, end, req, attempt) in resumed {
                        self.schedule(end, Ev::ServiceDone { server: server as u32, slot, job: jid });
                        if let Some(r) = self.requests.get_mut(req) {
                            if r.attempt == attempt && r.server == Some(server) {
                                set_phase(r, Phase::Service, now, end);
                            }
                        }
                    }
                }
                self.drain_proxy_queue();
            }
        }
    }

    // ----- health checks (HAProxy style) -----

    fn on_probe(&mut self, server: usize) {
        let Some(hc) = self.cfg.health_check else { return };
        let now = self.now;
        let Some(b) = self.backends.get(server) else { return };
        if b.removed {
            return;
        }
        let rtt = 2 * self.cfg.proxy.net_latency_us;
        let timeout = hc.timeout_ms * 1000;
        let (ok, at) = if b.crashed {
            (false, now + rtt.min(timeout))
        } else if b.hung || rtt > timeout {
            (false, now + timeout)
        } else {
            (true, now + rtt)
        };
        self.schedule(at, Ev::ProbeDone { server, ok });
        if self.active() {
            self.schedule(now + hc.interval_ms * 1000, Ev::Probe { server });
        }
    }

    fn on_probe_done(&mut self, server: usize, ok: bool) {
        let Some(hc) = self.cfg.health_check else { return };
        let Some(b) = self.backends.get_mut(server) else { return };
        let Some(peer) = self.upstream.peers.get_mut(server) else { return };
        if ok {
            b.check_fail_streak = 0;
            b.check_ok_streak = b.check_ok_streak.saturating_add(1);
            if peer.check_down && b.check_ok_streak >= hc.rise {
                peer.check_down = false;
                self.log.push(self.now, LogKind::CheckUp { server });
                self.drain_proxy_queue();
            }
        } else {
            b.check_ok_streak = 0;
            b.check_fail_streak = b.check_fail_streak.saturating_add(1);
            if !peer.check_down && b.check_fail_streak >= hc.fall {
                peer.check_down = true;
                self.log.push(self.now, LogKind::CheckDown { server });
            }
        }
    }

    /// Clients still send, or requests are still in flight: ticks and probes go on.
    fn active(&self) -> bool {
        !(self.arrivals_done && self.requests.is_empty())
    }

    fn on_tick(&mut self) {
        // fail_timeout may have expired meanwhile: queued requests may go now.
        self.drain_proxy_queue();
        let s = Sample {
            t_s: self.now.as_whole_secs(),
            proxy_queue: self.proxy_queue.len() as u64,
            conns: self.upstream.peers.iter().map(|p| p.conns).collect(),
            backend_queue: self.backends.iter().map(|b| b.queue.len() as u32).collect(),
            ..Sample::default()
        };
        self.metrics.push_sample(s);
        if self.active() {
            self.schedule(self.now + 1_000_000, Ev::Tick);
        }
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Arrival => self.on_arrival(),
            Ev::AtBackend { req, attempt, server } => self.on_at_backend(req, attempt, server as usize),
            Ev::ServiceDone { server, slot, job } => self.on_service_done(server as usize, slot, job),
            Ev::AtProxy { req, attempt, server, reply } => self.on_at_proxy(req, attempt, server as usize, reply),
            Ev::Probe { server } => self.on_probe(server),
            Ev::ProbeDone { server, ok } => self.on_probe_done(server, ok),
            Ev::Fault { index } => {
                let f = self.cfg.faults.get(index).cloned();
                if let Some(f) = f {
                    if let Some(server) = self.backends.iter().position(|b| b.cfg.name == f.server) {
                        self.apply_fault(server, f.fault);
                    }
                }
            }
            Ev::Tick => self.on_tick(),
        }
    }

    // ----- views -----

    /// What a view draws at this instant.
    pub fn snapshot(&self) -> Snapshot {
        let now = self.now;
        let now_s = now.as_whole_secs();
        let backends = self
            .backends
            .iter()
            .zip(&self.upstream.peers)
            .enumerate()
            .map(|(i, (b, p))| BackendView {
                index: i,
                name: b.cfg.name.clone(),
                server: p.server.clone(),
                weight: p.weight,
                effective_weight: p.effective_weight,
                current_weight: p.current_weight,
                conns: p.conns,
                max_conns: p.max_conns,
                fails: p.fails,
                backup: p.backup,
                down: p.down,
                removed: b.removed,
                failed_passive: p.is_failed(now_s),
                check_down: p.check_down,
                crashed: b.crashed,
                hung: b.hung,
                slow: b.slow,
                error_permille: b.error_permille,
                workers: b.cfg.workers,
                busy: b.busy,
                queue_len: b.queue.len() as u32,
                queue_cap: b.cfg.queue_cap,
            })
            .collect();
        let timeout_us = self.cfg.proxy.timeout_ms * 1000;
        let queue_timeout_us = self.cfg.proxy.queue.map(|q| q.timeout_ms * 1000).unwrap_or(timeout_us);
        let requests = self
            .requests
            .iter()
            .take(SNAPSHOT_REQUESTS_MAX)
            .map(|(id, r)| {
                let progress = if r.phase_end > r.phase_start {
                    now.since(r.phase_start) as f64 / r.phase_end.since(r.phase_start) as f64
                } else {
                    // Unknown end: progress toward the deadline (queue timeout or attempt timeout).
                    let span = if r.phase == Phase::ProxyQueue { queue_timeout_us } else { timeout_us };
                    let since = if r.phase == Phase::ProxyQueue { r.phase_start } else { r.attempt_start };
                    now.since(since) as f64 / span.max(1) as f64
                };
                RequestView {
                    id,
                    client: r.client,
                    post: r.post,
                    server: r.server,
                    attempt: r.attempt,
                    phase: r.phase,
                    progress: progress.clamp(0.0, 1.0),
                }
            })
            .collect();
        let mut totals = self.metrics.totals.clone();
        totals.in_flight = self.requests.len() as u64;
        Snapshot {
            now,
            finished: self.is_finished(),
            backends,
            proxy_queue: self.proxy_queue.len() as u64,
            requests,
            requests_total: self.requests.len() as u64,
            totals,
            latency: self.metrics.latency.summary(),
            stats: self.metrics.backends.clone(),
        }
    }

    /// The summary the CLI prints.
    pub fn summary(&self) -> Summary {
        let m = &self.metrics;
        let measured_s = self.now.since(SimTime::from_ms(self.cfg.warmup_ms)) as f64 / 1e6;
        let throughput = if measured_s > 0.0 { m.latency.count as f64 / measured_s } else { 0.0 };
        let backends = self
            .backends
            .iter()
            .zip(&m.backends)
            .map(|(b, st)| BackendSummary {
                name: b.cfg.name.clone(),
                utilization: if self.now.as_us() > 0 {
                    st.busy_us as f64 / (self.now.as_us() as f64 * b.cfg.workers as f64)
                } else {
                    0.0
                },
                stats: st.clone(),
            })
            .collect();
        Summary {
            seed: self.cfg.seed,
            algorithm: self.cfg.algorithm.name().to_string(),
            nginx_algorithm: self.cfg.algorithm.is_nginx(),
            sim_time_s: self.now.as_secs_f64(),
            events: self.events,
            totals: m.totals.clone(),
            conserved: m.totals.conserved(),
            throughput_per_s: throughput,
            latency: m.latency.summary(),
            queue_wait_fraction: if m.measured_requests > 0 {
                m.measured_waited as f64 / m.measured_requests as f64
            } else {
                0.0
            },
            queue_wait_mean_ms: if m.measured_waited > 0 {
                m.measured_wait_us as f64 / m.measured_waited as f64 / 1000.0
            } else {
                0.0
            },
            backends,
            trace_hash: format!("{:016x}", self.trace_hash()),
        }
    }
}

enum Attempt {
    Sent,
    /// Nothing eligible, but a live server is only at max_conns: wait in the proxy queue.
    Blocked,
    NoLive,
}

impl super::metrics::Totals {
    fn http_error(&mut self, status: u16) {
        self.failed += 1;
        match status {
            500 => self.errors.http_500 += 1,
            502 => self.errors.http_502 += 1,
            503 => self.errors.http_503 += 1,
            _ => self.errors.http_504 += 1,
        }
    }
}

fn set_phase(r: &mut Request, phase: Phase, start: SimTime, end: SimTime) {
    r.phase = phase;
    r.phase_start = start;
    r.phase_end = end;
}

/// A service time: the distribution's draw with its mean scaled by the slow fault and the speed factor, plus the
/// session cost (shared store or JWT check).
fn b_draw(rng: &mut SimRng, cfg: &ServerConfig, slow: f64, extra: u64) -> u64 {
    let s = cfg.service;
    let mean = s.mean_us as f64 * slow / cfg.speed;
    let base = match s.dist {
        Dist::Exponential => rng.exp_us(mean),
        Dist::LogNormal => rng.lognormal_us(mean, s.cv),
        Dist::Constant => libm::round(mean.clamp(0.0, 86_400e6)) as u64,
    };
    base.saturating_add(extra)
}

fn fault_validate(f: Fault) -> Result<(), CommandError> {
    match f {
        Fault::Slow(x) if !x.is_finite() || !(1.0..=limits::MAX_SLOW).contains(&x) => {
            Err(CommandError::Config(ConfigError::FloatOutOfRange {
                field: Field::global("slow"),
                min: 1.0,
                max: limits::MAX_SLOW,
                got: x,
            }))
        }
        Fault::ErrorRate(p) if p > 1000 => Err(CommandError::Config(ConfigError::OutOfRange {
            field: Field::global("errors"),
            min: 0,
            max: 1000,
            got: p as u64,
        })),
        _ => Ok(()),
    }
}

/// Client c's address: 10.(c / 256).(c % 256).7, a /24 of its own (ip_hash keys on three octets).
pub fn client_ip(c: u32) -> [u8; 4] {
    [10, (c >> 8) as u8, c as u8, 7]
}

#[cfg(all(test, any(debug_assertions, feature = "invariants")))]
mod tests {
    use super::*;

    /// The accounting check is not vacuous: a running engine passes it, a lost or an invented request fails it.
    #[test]
    fn a_request_not_accounted_for_fails_the_invariant_check() {
        let mut e = Engine::new(crate::proxy::preset("mmc").unwrap()).unwrap();
        for _ in 0..2_000 {
            e.step();
        }
        assert!(e.metrics.totals.in_flight > 0, "requests are in flight mid-run");
        e.check_invariants();
        let broken = |f: &dyn Fn(&mut Engine)| {
            let mut b = e.clone();
            f(&mut b);
            std::panic::catch_unwind(move || b.check_invariants()).is_err()
        };
        assert!(broken(&|b| b.metrics.totals.sent += 1), "a request sent and never answered");
        assert!(broken(&|b| b.metrics.totals.ok += 1), "an answer to no request");
        assert!(
            broken(&|b| {
                b.metrics.totals.in_flight -= 1;
                b.metrics.totals.dropped += 1;
            }),
            "a request counted as dropped while still live"
        );
    }
}
