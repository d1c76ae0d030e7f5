//! The contention experiment: N clients, each doing K read-modify-write operations on one of H hot rows, with
//! think time between operations and a cost for every statement, under three strategies:
//!
//! - pessimistic: `BEGIN; SELECT ... FOR UPDATE; (compute); UPDATE; COMMIT` (the row lock is held from the
//!   SELECT to the COMMIT, across the computation; other clients queue FIFO on it);
//! - optimistic: `SELECT v, version; (compute); UPDATE ... WHERE version = $seen` in autocommit; `UPDATE 0` means
//!   someone committed in between: back off (exponential, full jitter) and redo the whole operation;
//! - atomic: `UPDATE ... SET v = v + 1` (the database does the computation under the lock, for one statement).
//!
//! The database has a fixed number of workers (CPU cores): every statement occupies one for `stmt_cpu_us`, queued
//! FIFO when all are busy; a client that waits for a row lock does not occupy one (PostgreSQL's backend sleeps).
//! That is what makes contention cost something for the optimistic strategy: each failed attempt burned two
//! statements of CPU. Pessimistic pays four statements per operation and serializes the hot rows for the whole
//! transaction. So with few conflicts optimistic wins, with many pessimistic does (the lecture notes' rule of
//! thumb); [`sweep`] shows where they cross.
//!
//! Discrete-event simulation on the shared [`EventQueue`] (ties by sequence number), [`SimRng`] (one seed,
//! one stream per client) and [`SimTime`] in integer microseconds: the same seed gives the same figures natively
//! and in wasm.

use crate::events::EventQueue;
use crate::percentile::nearest_rank;
use crate::rng::SimRng;
use crate::time::SimTime;
use serde::Serialize;
use std::collections::VecDeque;

/// How the clients protect their read-modify-write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Locking {
    Pessimistic,
    Optimistic,
    Atomic,
}

impl Locking {
    pub const ALL: [Locking; 3] = [Locking::Pessimistic, Locking::Optimistic, Locking::Atomic];
    pub const fn name(self) -> &'static str {
        match self {
            Locking::Pessimistic => "pessimistic",
            Locking::Optimistic => "optimistic",
            Locking::Atomic => "atomic",
        }
    }
    pub fn from_name(s: &str) -> Option<Locking> {
        Locking::ALL.into_iter().find(|l| l.name() == s)
    }
}

/// The experiment's settings. Units are in the names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ContentionConfig {
    pub locking: Locking,
    pub clients: u32,
    /// Operations each client completes (or gives up on).
    pub ops_per_client: u32,
    pub hot_rows: u32,
    /// Mean think time between a client's operations (exponential).
    pub think_mean_us: u64,
    /// Network round trip of one statement (half before, half after the database's work).
    pub rtt_us: u64,
    /// Database CPU time of one statement.
    pub stmt_cpu_us: u64,
    /// Database workers (cores) running statements in parallel.
    pub db_workers: u32,
    /// Application computation between the read and the write.
    pub compute_us: u64,
    /// Optimistic only: retries after the first attempt before giving up.
    pub max_retries: u32,
    /// Optimistic only: backoff before retry n is uniform in 0..=min(cap, base * 2^(n-1)) (full jitter).
    pub backoff_base_us: u64,
    pub backoff_cap_us: u64,
    pub seed: u64,
}

impl Default for ContentionConfig {
    fn default() -> Self {
        ContentionConfig {
            locking: Locking::Pessimistic,
            // 64 clients on 2 database cores: enough load that wasted optimistic attempts cost throughput.
            // With these defaults the sweep crosses between 16 and 32 hot rows (pinned in tests/race_contention.rs).
            clients: 64,
            ops_per_client: 200,
            hot_rows: 1,
            think_mean_us: 2_000,
            rtt_us: 200,
            stmt_cpu_us: 150,
            db_workers: 2,
            compute_us: 300,
            max_retries: 20,
            backoff_base_us: 200,
            backoff_cap_us: 20_000,
            seed: 1,
        }
    }
}

/// A setting out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ContentionError {
    /// `what` must be in `min..=max`.
    OutOfRange { what: &'static str, got: u64, min: u64, max: u64 },
}

impl ContentionConfig {
    /// Bounds keep every run finite and its memory small (one latency sample per operation).
    pub fn validate(&self) -> Result<(), ContentionError> {
        let check = |what: &'static str, got: u64, min: u64, max: u64| {
            if got < min || got > max {
                Err(ContentionError::OutOfRange { what, got, min, max })
            } else {
                Ok(())
            }
        };
        check("clients", self.clients as u64, 1, 10_000)?;
        check("ops_per_client", self.ops_per_client as u64, 1, 100_000)?;
        check("clients x ops_per_client", self.clients as u64 * self.ops_per_client as u64, 1, 2_000_000)?;
        check("hot_rows", self.hot_rows as u64, 1, 1_000_000)?;
        check("db_workers", self.db_workers as u64, 1, 1_024)?;
        check("max_retries", self.max_retries as u64, 0, 1_000)?;
        for (what, v) in [
            ("think_mean_us", self.think_mean_us),
            ("rtt_us", self.rtt_us),
            ("stmt_cpu_us", self.stmt_cpu_us),
            ("compute_us", self.compute_us),
            ("backoff_base_us", self.backoff_base_us),
            ("backoff_cap_us", self.backoff_cap_us),
        ] {
            check(what, v, 0, 60_000_000)?;
        }
        Ok(())
    }
}

/// The figures of one run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ContentionReport {
    pub config: ContentionConfig,
    /// Operations that committed.
    pub committed: u64,
    /// Optimistic attempts that got `UPDATE 0`.
    pub aborts: u64,
    /// Attempts after the first (optimistic).
    pub retries: u64,
    /// Operations abandoned after `max_retries`.
    pub gave_up: u64,
    /// Statements the database ran (its CPU work, wasted attempts included).
    pub statements: u64,
    pub sim_time_us: u64,
    /// Committed operations per simulated second.
    pub throughput_per_s: f64,
    /// Time an operation spent blocked on row locks (all its attempts).
    pub mean_lock_wait_us: f64,
    pub p99_lock_wait_us: u64,
    /// Time an operation spent waiting for a database worker.
    pub mean_cpu_queue_us: f64,
    /// From the operation's start to its commit (or giving up), backoffs included.
    pub mean_latency_us: f64,
    pub p99_latency_us: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stmt {
    Begin,
    SelectForUpdate,
    Select,
    Update,
    UpdateVersioned,
    UpdateAtomic,
    Commit,
}

impl Stmt {
    fn needs_lock(self) -> bool {
        matches!(self, Stmt::SelectForUpdate | Stmt::Update | Stmt::UpdateVersioned | Stmt::UpdateAtomic)
    }
}

fn program(l: Locking) -> &'static [Stmt] {
    match l {
        Locking::Pessimistic => &[Stmt::Begin, Stmt::SelectForUpdate, Stmt::Update, Stmt::Commit],
        Locking::Optimistic => &[Stmt::Select, Stmt::UpdateVersioned],
        Locking::Atomic => &[Stmt::UpdateAtomic],
    }
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    /// Think time over: start an operation.
    StartOp(u32),
    /// The client's statement reaches the database.
    Arrive(u32),
    /// A worker finished the client's statement.
    CpuDone(u32),
    /// The result reached the client.
    Reply(u32),
    /// Backoff over: retry.
    Retry(u32),
}

#[derive(Clone, Debug, Default)]
struct Client {
    ops_done: u32,
    row: u32,
    stmt: usize,
    attempt: u32,
    seen_version: u64,
    op_start: SimTime,
    wait_since: SimTime,
    lock_wait_us: u64,
    failed_update: bool,
}

#[derive(Clone, Debug, Default)]
struct Row {
    holder: Option<u32>,
    waiters: VecDeque<u32>,
    version: u64,
}

/// Runs the experiment.
pub fn run_contention(cfg: &ContentionConfig) -> Result<ContentionReport, ContentionError> {
    cfg.validate()?;
    let n = cfg.clients as usize;
    let prog = program(cfg.locking);
    let mut rngs: Vec<SimRng> = (0..n as u64).map(|i| SimRng::fork(cfg.seed, i + 1)).collect();
    let mut clients: Vec<Client> = vec![Client::default(); n];
    let mut rows: Vec<Row> = vec![Row::default(); cfg.hot_rows as usize];
    let mut q: EventQueue<Ev> = EventQueue::new();
    let mut free_workers = cfg.db_workers;
    let mut cpu_queue: VecDeque<(u32, SimTime)> = VecDeque::new();
    let (mut committed, mut aborts, mut retries, mut gave_up, mut statements) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut lock_waits: Vec<u64> = Vec::with_capacity(n * cfg.ops_per_client as usize);
    let mut latencies: Vec<u64> = Vec::with_capacity(n * cfg.ops_per_client as usize);
    let mut cpu_waits_total: u64 = 0;
    let half_rtt = cfg.rtt_us / 2;

    for (i, r) in rngs.iter_mut().enumerate() {
        q.push(SimTime::ZERO + r.exp_us(cfg.think_mean_us as f64), Ev::StartOp(i as u32));
    }

    // Every operation takes at most (max_retries + 1) attempts of at most 4 statements, each producing at most
    // 4 events; plus a start per operation. The loop cannot run longer than that.
    let max_events = (n as u64) * cfg.ops_per_client as u64 * (cfg.max_retries as u64 + 1) * 4 * 4 + 4 * n as u64;
    let mut now = SimTime::ZERO;
    let mut handled = 0u64;
    while let Some(ev) = q.pop() {
        handled += 1;
        if handled > max_events {
            break;
        }
        now = ev.at;
        match ev.event {
            Ev::StartOp(c) => {
                let cl = &mut clients[c as usize];
                cl.row = rngs[c as usize].below(cfg.hot_rows as u64) as u32;
                cl.stmt = 0;
                cl.attempt = 0;
                cl.op_start = now;
                cl.lock_wait_us = 0;
                q.push(now + half_rtt, Ev::Arrive(c));
            }
            Ev::Retry(c) => {
                clients[c as usize].stmt = 0;
                q.push(now + half_rtt, Ev::Arrive(c));
            }
            Ev::Arrive(c) => {
                let cl = &mut clients[c as usize];
                let s = prog[cl.stmt.min(prog.len() - 1)];
                let row = &mut rows[cl.row as usize];
                if s.needs_lock() && row.holder != Some(c) {
                    if row.holder.is_some() {
                        cl.wait_since = now;
                        row.waiters.push_back(c);
                        continue;
                    }
                    row.holder = Some(c);
                }
                enqueue_cpu(c, now, cfg, &mut free_workers, &mut cpu_queue, &mut q);
            }
            Ev::CpuDone(c) => {
                statements += 1;
                // Hand the worker to the next queued statement.
                if let Some((next, since)) = cpu_queue.pop_front() {
                    cpu_waits_total += now.since(since);
                    q.push(now + cfg.stmt_cpu_us, Ev::CpuDone(next));
                } else {
                    free_workers += 1;
                }
                let cl = &mut clients[c as usize];
                let s = prog[cl.stmt.min(prog.len() - 1)];
                let r = cl.row as usize;
                let mut release = false;
                match s {
                    Stmt::Select => cl.seen_version = rows[r].version,
                    Stmt::UpdateVersioned => {
                        // Autocommit: the UPDATE commits (and releases the lock) as it completes.
                        if rows[r].version == cl.seen_version {
                            rows[r].version += 1;
                            cl.failed_update = false;
                        } else {
                            cl.failed_update = true;
                        }
                        release = true;
                    }
                    Stmt::UpdateAtomic => {
                        rows[r].version += 1;
                        release = true;
                    }
                    Stmt::Update => rows[r].version += 1,
                    Stmt::Commit => release = true,
                    Stmt::Begin | Stmt::SelectForUpdate => {}
                }
                if release && rows[r].holder == Some(c) {
                    rows[r].holder = None;
                    if let Some(w) = rows[r].waiters.pop_front() {
                        rows[r].holder = Some(w);
                        let wl = &mut clients[w as usize];
                        wl.lock_wait_us += now.since(wl.wait_since);
                        enqueue_cpu(w, now, cfg, &mut free_workers, &mut cpu_queue, &mut q);
                    }
                }
                q.push(now + half_rtt, Ev::Reply(c));
            }
            Ev::Reply(c) => {
                let ci = c as usize;
                let cl = &mut clients[ci];
                let s = prog[cl.stmt.min(prog.len() - 1)];
                let mut delay = 0;
                if s == Stmt::Select || s == Stmt::SelectForUpdate {
                    delay = cfg.compute_us;
                }
                if s == Stmt::UpdateVersioned && cl.failed_update {
                    aborts += 1;
                    cl.failed_update = false;
                    if cl.attempt < cfg.max_retries {
                        cl.attempt += 1;
                        retries += 1;
                        let exp = cfg.backoff_base_us.saturating_mul(1u64 << (cl.attempt - 1).min(30));
                        let backoff = rngs[ci].below(exp.min(cfg.backoff_cap_us) + 1);
                        q.push(now + backoff, Ev::Retry(c));
                    } else {
                        gave_up += 1;
                        end_op(cl, now, &mut lock_waits, &mut latencies);
                        if cl.ops_done < cfg.ops_per_client {
                            q.push(now + rngs[ci].exp_us(cfg.think_mean_us as f64), Ev::StartOp(c));
                        }
                    }
                    continue;
                }
                cl.stmt += 1;
                if cl.stmt >= prog.len() {
                    committed += 1;
                    end_op(cl, now, &mut lock_waits, &mut latencies);
                    if cl.ops_done < cfg.ops_per_client {
                        q.push(now + rngs[ci].exp_us(cfg.think_mean_us as f64), Ev::StartOp(c));
                    }
                } else {
                    q.push(now + delay + half_rtt, Ev::Arrive(c));
                }
            }
        }
    }
    let ops = latencies.len().max(1) as f64;
    let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len().max(1) as f64;
    let report = ContentionReport {
        config: *cfg,
        committed,
        aborts,
        retries,
        gave_up,
        statements,
        sim_time_us: now.as_us(),
        throughput_per_s: if now.as_us() == 0 { 0.0 } else { committed as f64 * 1e6 / now.as_us() as f64 },
        mean_lock_wait_us: mean(&lock_waits),
        p99_lock_wait_us: nearest_rank(&mut lock_waits, 99),
        mean_cpu_queue_us: cpu_waits_total as f64 / ops,
        mean_latency_us: mean(&latencies),
        p99_latency_us: nearest_rank(&mut latencies, 99),
    };
    Ok(report)
}

fn enqueue_cpu(
    c: u32,
    now: SimTime,
    cfg: &ContentionConfig,
    free: &mut u32,
    queue: &mut VecDeque<(u32, SimTime)>,
    q: &mut EventQueue<Ev>,
) {
    if *free > 0 {
        *free -= 1;
        q.push(now + cfg.stmt_cpu_us, Ev::CpuDone(c));
    } else {
        queue.push_back((c, now));
    }
}

fn end_op(cl: &mut Client, now: SimTime, lock_waits: &mut Vec<u64>, latencies: &mut Vec<u64>) {
    cl.ops_done += 1;
    lock_waits.push(cl.lock_wait_us);
    latencies.push(now.since(cl.op_start));
}

/// One point of a sweep: the three strategies at one number of hot rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    pub hot_rows: u32,
    pub pessimistic: ContentionReport,
    pub optimistic: ContentionReport,
    pub atomic: ContentionReport,
}

impl SweepPoint {
    /// The better of pessimistic and optimistic by throughput.
    pub fn winner(&self) -> Locking {
        if self.optimistic.throughput_per_s > self.pessimistic.throughput_per_s {
            Locking::Optimistic
        } else {
            Locking::Pessimistic
        }
    }
}

/// A sweep over contention: the same clients on fewer and fewer hot rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    pub points: Vec<SweepPoint>,
    /// The hot-row counts between which the winner changes (None if it never does in the range).
    pub crossover: Option<(u32, u32)>,
}

/// Runs all three strategies for each hot-row count in `hot_rows` (at most 64 points).
pub fn sweep(base: &ContentionConfig, hot_rows: &[u32]) -> Result<Sweep, ContentionError> {
    let mut points = Vec::new();
    for &h in hot_rows.iter().take(64) {
        let run = |locking| run_contention(&ContentionConfig { locking, hot_rows: h, ..*base });
        points.push(SweepPoint {
            hot_rows: h,
            pessimistic: run(Locking::Pessimistic)?,
            optimistic: run(Locking::Optimistic)?,
            atomic: run(Locking::Atomic)?,
        });
    }
    let crossover = points.windows(2).find(|w| w[0].winner() != w[1].winner()).map(|w| (w[0].hot_rows, w[1].hot_rows));
    Ok(Sweep { points, crossover })
}

/// The default sweep: 1, 2, 4, ... 256 hot rows.
pub const DEFAULT_SWEEP: [u32; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/// [`sweep`] one run at a time, so a browser can draw progress between runs and stop early. Each call to
/// [`SweepRunner::step`] runs one strategy at one hot-row count; the finished sweep equals [`sweep`]'s.
pub struct SweepRunner {
    base: ContentionConfig,
    hot_rows: Vec<u32>,
    done: Vec<SweepPoint>,
    partial: Vec<ContentionReport>,
}

impl SweepRunner {
    /// Checks `base` first (with the smallest and largest hot-row counts), so later steps cannot fail.
    pub fn new(base: &ContentionConfig, hot_rows: &[u32]) -> Result<SweepRunner, ContentionError> {
        let hot_rows: Vec<u32> = hot_rows.iter().copied().take(64).collect();
        for &h in &hot_rows {
            ContentionConfig { hot_rows: h, ..*base }.validate()?;
        }
        Ok(SweepRunner { base: *base, hot_rows, done: Vec::new(), partial: Vec::new() })
    }

    /// Runs the next strategy at the next point. Returns false when the sweep is complete.
    pub fn step(&mut self) -> Result<bool, ContentionError> {
        let Some(&h) = self.hot_rows.get(self.done.len()) else { return Ok(false) };
        let locking = Locking::ALL[self.partial.len()];
        self.partial.push(run_contention(&ContentionConfig { locking, hot_rows: h, ..self.base })?);
        if self.partial.len() == Locking::ALL.len() {
            let mut it = std::mem::take(&mut self.partial).into_iter();
            if let (Some(pessimistic), Some(optimistic), Some(atomic)) = (it.next(), it.next(), it.next()) {
                self.done.push(SweepPoint { hot_rows: h, pessimistic, optimistic, atomic });
            }
        }
        Ok(self.done.len() < self.hot_rows.len())
    }

    /// Runs done and runs in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done.len() * Locking::ALL.len() + self.partial.len(), self.hot_rows.len() * Locking::ALL.len())
    }

    pub fn is_done(&self) -> bool {
        self.done.len() == self.hot_rows.len()
    }

    /// The points finished so far, with the crossover among them.
    pub fn sweep(&self) -> Sweep {
        let points = self.done.clone();
        let crossover =
            points.windows(2).find(|w| w[0].winner() != w[1].winner()).map(|w| (w[0].hot_rows, w[1].hot_rows));
        Sweep { points, crossover }
    }
}
