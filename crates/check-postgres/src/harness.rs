//! Runs one schedule of a scenario on a database's sessions, next to the model, and compares. The database is a
//! [`Backend`]: real PostgreSQL sessions ([`Checker`]) or msa-sim's SQL engine (`crate::engine::EngineChecker`),
//! so the hand-built model, the SQL engine and PostgreSQL face the same harness, step for step.
//!
//! Each transaction has its own session. A schedule is the sequence of transactions that move (the model's
//! encoding, see `msa_sim::race::schedule`); moving a transaction on the real side means:
//! - ready: send its next statement (the simulator's own `step_sql`, with the app's `$new` / `$seen` filled in),
//!   then wait until the reply arrives or the backend is seen waiting for a lock (`pg_blocking_pids` non-empty:
//!   deterministic, no guessing from a timeout); the app-local steps after it (compute, `if rows == 0`) run in
//!   the harness exactly as the model describes them, ROLLBACK and retry included;
//! - waiting for a lock (the model's deadlock check): wait for the reply, which the server's own deadlock check
//!   produces `deadlock_timeout` after the wait began;
//! - aborted by an error: send ROLLBACK (then retry if the program does).
//!
//! After every action every other statement in flight is settled the same way (a commit hands the row lock to
//! the waiter, whose statement completes on its own), and each transaction's state is compared with the model's:
//! ready / waits / aborted with which SQLSTATE / finished how, plus what the app read (`x`, `seen`), the last
//! UPDATE's row count and the attempt number. At the end the rows and the orders are compared.

use crate::cluster::Cluster;
use crate::wire::{Conn, Reply};
use msa_sim::race::model::{Compute, OnZero};
use msa_sim::race::{build, preset, Action, Ending, Phase, Scenario, State, Step, Story, TxnId, WaitOn, PRESETS};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The server's deadlock check fires this long after a wait began (`SET deadlock_timeout` in each session). The
/// model says the member of a cycle that began waiting first is the victim: on the server, that is the backend
/// whose check runs first, which holds when the second wait begins well after the first (more than the
/// scheduling jitter of a loaded machine) and well before the first one's check fires. So the statement that
/// closes a cycle is sent [`CYCLE_SEPARATION`] after the other wait was seen, and a run where it began later than
/// 2/3 of this after the other statement was sent is run again ([`Checker::run`]).
pub const DEADLOCK_TIMEOUT_MS: u64 = 300;
/// See [`DEADLOCK_TIMEOUT_MS`].
pub const CYCLE_SEPARATION: Duration = Duration::from_millis(DEADLOCK_TIMEOUT_MS / 3);
/// How long a statement may run before the harness gives up on it (it never should, unless it waits).
const HANG: Duration = Duration::from_secs(10);
/// How long the harness waits for a waiting statement's deadlock check before it calls it a mismatch.
const DEADLOCK_WAIT: Duration = Duration::from_millis(DEADLOCK_TIMEOUT_MS * 10);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    Ready,
    /// A statement is in flight and not (yet) seen waiting for a lock.
    Running,
    /// A statement is in flight and its backend waits for a lock.
    Waits,
    Aborted(String),
    Done(&'static str),
}

struct Session {
    pc: usize,
    attempt: u8,
    x: Option<i64>,
    seen: Option<u32>,
    new: Option<i64>,
    rows: Option<u8>,
    status: Status,
}

impl Session {
    fn describe(&self) -> String {
        let st = match &self.status {
            Status::Ready => "ready".to_string(),
            Status::Running => "running".to_string(),
            Status::Waits => "waits".to_string(),
            Status::Aborted(code) => format!("aborted {code}"),
            Status::Done(e) => e.to_string(),
        };
        describe(&st, self.x, self.seen, self.rows, self.attempt)
    }
}

fn describe(status: &str, x: Option<i64>, seen: Option<u32>, rows: Option<u8>, attempt: u8) -> String {
    let o = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    format!(
        "{status} (x={} seen={} rows={} attempt {attempt})",
        o(x.map(|v| v.to_string())),
        o(seen.map(|v| v.to_string())),
        o(rows.map(|v| v.to_string()))
    )
}

fn ending_name(e: Ending) -> String {
    match e {
        Ending::Committed => "committed".into(),
        Ending::RolledBack => "rolled-back".into(),
        Ending::SoldOut => "sold-out".into(),
        Ending::Failed(err) => format!("failed {}", err.sqlstate()),
        Ending::GaveUp => "gave-up".into(),
    }
}

/// The model's view of transaction `t`, in the same words as [`Session::describe`].
fn model_describe(st: &State, t: usize) -> String {
    let ts = &st.txns[t];
    let status = match ts.phase {
        Phase::Ready => "ready".to_string(),
        Phase::Waiting { on: WaitOn::Row(_), .. } => "waits".to_string(),
        Phase::Waiting { on: WaitOn::Mutex(m), .. } => format!("waits for app mutex {m}"),
        Phase::Aborted { error } => format!("aborted {}", error.sqlstate()),
        Phase::Done { ending } => ending_name(ending),
    };
    describe(&status, ts.x, ts.seen, ts.rows, ts.attempt)
}

/// Every schedule of `sc`, in the model's depth-first order (lowest transaction first), as `explore` walks them.
pub fn schedules(sc: &Scenario) -> Vec<Vec<TxnId>> {
    fn dfs(sc: &Scenario, st: &State, path: &mut Vec<TxnId>, out: &mut Vec<Vec<TxnId>>) {
        let mut any = false;
        for t in 0..sc.n_txns() as TxnId {
            let Ok(a) = sc.action_for(st, t) else {
                continue;
            };
            let Ok(next) = sc.next_state(st, a) else {
                continue;
            };
            any = true;
            path.push(t);
            dfs(sc, &next, path, out);
            path.pop();
        }
        if !any {
            out.push(path.clone());
        }
    }
    let mut out = Vec::new();
    dfs(sc, &sc.init_state(), &mut Vec::new(), &mut out);
    out
}

/// The scenarios: the lessons' two-transaction presets first, then every other strategy the two-transaction
/// stories can be built with (same programs, other protection), named story/strategy.
pub fn scenarios() -> Vec<(String, Scenario)> {
    let mut out: Vec<(String, Scenario)> = Vec::new();
    for name in ["lost-update", "oversell", "atomic", "for-update", "optimistic", "deadlock", "repeatable-read"] {
        let p = preset(name).unwrap_or_else(|| panic!("preset {name}"));
        out.push((name.to_string(), p.scenario().expect("preset builds")));
    }
    for story in [Story::Counter, Story::Oversell, Story::Transfer] {
        for &strategy in story.strategies() {
            let covered = PRESETS.iter().any(|p| p.story == story && p.strategy == strategy && p.clients == 2);
            if !covered {
                let sc = build(story, strategy, 2).expect("builds");
                out.push((format!("{}/{}", story.name(), strategy.name()), sc));
            }
        }
    }
    out
}

pub fn encode(s: &[TxnId]) -> String {
    s.iter().map(|&t| char::from(b'1' + t)).collect()
}

/// What the harness needs of a database: one session a transaction, statements sent without waiting for their
/// reply, and a way to tell "replied" from "waits for a lock".
pub trait Backend {
    /// Names this side in traces ("postgres", "engine").
    fn name(&self) -> &'static str;
    /// Fresh data for `sc` (its rows at their initial values, no orders) and one new session a transaction.
    fn start(&mut self, sc: &Scenario) -> Result<(), String>;
    /// Sends `sql` on session `t`. `closes_cycle`: the statement will close a waits-for cycle (PostgreSQL needs
    /// it for the deadlock timing, see [`DEADLOCK_TIMEOUT_MS`]).
    fn send(&mut self, t: usize, sql: &str, closes_cycle: bool) -> Result<(), String>;
    /// Whether session `t` has a statement in flight.
    fn in_flight(&self, t: usize) -> bool;
    /// Waits until `t`'s statement in flight has replied (`Some`) or waits for a lock (`None`).
    fn settle(&mut self, t: usize) -> Result<Option<Reply>, String>;
    /// The model says `t`'s deadlock check fires: time passes until its waiting statement replies.
    fn deadlock_check(&mut self, t: usize) -> Result<Reply, String>;
    /// Runs `sql` on session `t` to its end (the app's ROLLBACK).
    fn query(&mut self, t: usize, sql: &str) -> Result<Reply, String>;
    /// After the run: the first column of the first row of `sql`, run in a session of its own.
    fn scalar(&mut self, sql: &str) -> Result<Option<i64>, String>;
    /// True if this run broke a timing assumption, so a difference does not count (PostgreSQL only).
    fn timing_broken(&self) -> bool {
        false
    }
}

/// Runs `schedule` with the model of `model` and the SQL and programs of `real` on `db`. `Ok(trace)` when they
/// agree at every action and at the end; otherwise `Err` with the reason and the whole trace, both sides side
/// by side. (`model` and `real` differ only in the negative controls, which show the harness sees a difference.)
pub fn run_schedule(
    db: &mut dyn Backend,
    model: &Scenario,
    real: &Scenario,
    schedule: &[TxnId],
) -> Result<String, String> {
    let sc = model;
    db.start(real)?;
    let fresh = || Session { pc: 0, attempt: 1, x: None, seen: None, new: None, rows: None, status: Status::Ready };
    let side = db.name();
    let mut run = Run { db, sc: real, sessions: (0..sc.n_txns()).map(|_| fresh()).collect(), trace: String::new() };
    let mut st = sc.init_state();
    let fail = |run: &Run, why: String| {
        let note = if run.db.timing_broken() { TIMING_NOTE } else { "" };
        Err(format!("schedule {}: {why} {note}\n{}", encode(schedule), run.trace))
    };
    for (i, &t) in schedule.iter().enumerate() {
        let action = match sc.action_for(&st, t) {
            Ok(a) => a,
            Err(why) => return fail(&run, format!("action {} is not enabled in the model: {why:?}", i + 1)),
        };
        let mark = run.trace.len();
        let next = sc.next_state(&st, action).map_err(|e| format!("model: {e:?}"))?;
        // Timing only (the outcome is still the database's own): does this move close a waits-for cycle?
        let closes_cycle = sc.deadlock_victim(&st).is_none() && sc.deadlock_victim(&next).is_some();
        let what = run.move_txn(t as usize, action, closes_cycle);
        st = next;
        let what = match what {
            Ok(w) => w,
            Err(e) => {
                let _ = writeln!(run.trace, "{:>2}. T{} {action:?}: harness error: {e}", i + 1, t + 1);
                return fail(&run, e);
            }
        };
        if let Err(e) = run.settle_all() {
            return fail(&run, e);
        }
        // The header goes before the replies that the move produced.
        run.trace.insert_str(mark, &format!("{:>2}. T{}: {what}\n", i + 1, t + 1));
        let mut differ = false;
        for (k, s) in run.sessions.iter().enumerate() {
            let (db, sim) = (s.describe(), model_describe(&st, k));
            let mark = if db == sim { " " } else { "!" };
            differ |= db != sim;
            let _ = writeln!(run.trace, "      {mark} T{}  {side}: {db:<52} simulator: {sim}", k + 1);
        }
        if differ {
            return fail(&run, format!("after action {} the transactions differ", i + 1));
        }
    }
    if !sc.actions(&st).is_empty() {
        return fail(&run, "the model is not finished at the end of the schedule".into());
    }
    let Some(out) = msa_sim::race::classify(sc, &st) else {
        return fail(&run, "the model has no outcome".into());
    };
    let mut values = Vec::new();
    for r in &real.rows {
        let q = format!("SELECT {} FROM {} WHERE id = {}", r.column, r.table, r.id);
        values.push(run.db.scalar(&q)?.unwrap_or(i64::MIN));
    }
    let orders = run.db.scalar("SELECT count(*) FROM orders")?;
    let _ = writeln!(
        run.trace,
        "    final: {side} rows {values:?} orders {orders:?}; simulator rows {:?} orders {} ({})",
        out.final_values,
        out.orders,
        out.kind.name()
    );
    if values != out.final_values || orders != Some(out.orders as i64) {
        return fail(&run, "the final rows or orders differ".into());
    }
    Ok(run.trace)
}

/// The tables of a scenario: `id`, the value column, `version`; and `orders`. (No serial column: the SQL engine
/// has none, and the harness never reads an order's id.)
pub fn schema(sc: &Scenario) -> Vec<String> {
    let mut tables: Vec<(&str, &str)> = sc.rows.iter().map(|r| (r.table, r.column)).collect();
    tables.dedup();
    let mut out: Vec<String> = tables
        .iter()
        .map(|(t, c)| {
            format!("CREATE TABLE {t} (id bigint PRIMARY KEY, {c} bigint NOT NULL, version integer NOT NULL DEFAULT 1)")
        })
        .collect();
    out.push("CREATE TABLE orders (item_id bigint NOT NULL)".into());
    out
}

/// The scenario's rows at their initial values.
pub fn initial_rows(sc: &Scenario) -> Vec<String> {
    sc.rows
        .iter()
        .map(|r| format!("INSERT INTO {} (id, {}) VALUES ({}, {})", r.table, r.column, r.id, r.initial))
        .collect()
}

/// One real server, with an admin connection that resets the data and watches for lock waits.
pub struct Checker {
    /// Schedules run again because the machine was too slow for the deadlock timing (see [`Checker::run`]).
    pub timing_reruns: usize,
    admin: Conn,
    port: u16,
    sessions: Vec<PgSession>,
    timing_broken: bool,
}

struct PgSession {
    conn: Conn,
    pid: i64,
    /// When the statement in flight was sent (its lock wait, if any, began later).
    sent_at: Instant,
    /// When the statement in flight was first seen waiting for a lock (its wait began before).
    waits_seen: Option<Instant>,
}

impl Checker {
    pub fn new(cluster: &Cluster) -> Checker {
        Checker {
            admin: cluster.connect(),
            port: cluster.port,
            timing_reruns: 0,
            sessions: Vec::new(),
            timing_broken: false,
        }
    }

    /// Creates the scenario's tables, if missing.
    pub fn prepare(&mut self, sc: &Scenario) -> Result<(), String> {
        for create in schema(sc) {
            let create = create.replacen("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1);
            self.admin.exec(&create).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn waits_for_lock(&mut self, pid: i64) -> Result<bool, String> {
        let r = self.admin.exec(&format!("SELECT cardinality(pg_blocking_pids({pid}))")).map_err(|e| e.to_string())?;
        Ok(r.scalar().unwrap_or(0) > 0)
    }

    /// Runs `schedule` on PostgreSQL and on the model (see [`run_schedule`]).
    ///
    /// A run in which a second lock wait began too late after the first (the harness was descheduled for about
    /// `deadlock_timeout`) does not test the model's timing assumption; it is run again, up to 3 times.
    pub fn run(&mut self, sc: &Scenario, schedule: &[TxnId]) -> Result<String, String> {
        let mut r = self.run_with(sc, sc, schedule);
        for _ in 0..3 {
            match &r {
                Err(e) if e.contains(TIMING_NOTE) => {
                    self.timing_reruns += 1;
                    r = self.run_with(sc, sc, schedule);
                }
                _ => break,
            }
        }
        r
    }

    /// [`Checker::run`] with the model of one scenario against the SQL and programs of another: the negative
    /// controls use it to show that the harness does see a difference (e.g. READ COMMITTED's model against
    /// REPEATABLE READ's sessions).
    pub fn run_with(&mut self, model: &Scenario, real: &Scenario, schedule: &[TxnId]) -> Result<String, String> {
        run_schedule(self, model, real, schedule)
    }
}

impl Backend for Checker {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn start(&mut self, sc: &Scenario) -> Result<(), String> {
        let mut sql = String::from("DELETE FROM orders;");
        let mut tables: Vec<&str> = sc.rows.iter().map(|r| r.table).collect();
        tables.dedup();
        for t in tables {
            let _ = write!(sql, "DELETE FROM {t};");
        }
        for insert in initial_rows(sc) {
            let _ = write!(sql, "{insert};");
        }
        // The last run's sessions go first: one that failed may have left a statement waiting (and its locks
        // held), which a closed socket alone does not end.
        for s in self.sessions.drain(..) {
            self.admin.exec(&format!("SELECT pg_terminate_backend({})", s.pid)).map_err(|e| e.to_string())?;
        }
        self.admin.exec(&sql).map_err(|e| e.to_string())?;
        self.timing_broken = false;
        for _ in 0..sc.n_txns() {
            let mut conn = Conn::connect(self.port).map_err(|e| e.to_string())?;
            conn.exec(&format!("SET deadlock_timeout = '{DEADLOCK_TIMEOUT_MS}ms'")).map_err(|e| e.to_string())?;
            let pid = conn.exec("SELECT pg_backend_pid()").map_err(|e| e.to_string())?.scalar().unwrap_or(0);
            self.sessions.push(PgSession { conn, pid, sent_at: Instant::now(), waits_seen: None });
        }
        Ok(())
    }

    fn send(&mut self, t: usize, sql: &str, closes_cycle: bool) -> Result<(), String> {
        if closes_cycle {
            for o in &self.sessions {
                if let Some(w) = o.waits_seen {
                    let until = w + CYCLE_SEPARATION;
                    std::thread::sleep(until.saturating_duration_since(Instant::now()));
                }
            }
        }
        let s = &mut self.sessions[t];
        s.conn.send(sql).map_err(|e| e.to_string())?;
        s.sent_at = Instant::now();
        s.waits_seen = None;
        Ok(())
    }

    fn in_flight(&self, t: usize) -> bool {
        self.sessions[t].conn.in_flight()
    }

    fn settle(&mut self, t: usize) -> Result<Option<Reply>, String> {
        let t0 = Instant::now();
        loop {
            if let Some(reply) = self.sessions[t].conn.poll(Duration::from_millis(3)).map_err(|e| e.to_string())? {
                return Ok(Some(reply));
            }
            let pid = self.sessions[t].pid;
            if self.waits_for_lock(pid)? {
                // Look once more: the reply may have come in between.
                if let Some(r) = self.sessions[t].conn.poll(Duration::ZERO).map_err(|e| e.to_string())? {
                    return Ok(Some(r));
                }
                self.sessions[t].waits_seen.get_or_insert_with(Instant::now);
                // Two waits: the model's deadlock rule (the earliest waiter's check finds the cycle) holds on the
                // server only if this wait began before the other waiter's check fired, deadlock_timeout after
                // its wait began (which was after its statement was sent). A loaded machine may break that.
                let now = Instant::now();
                let margin = Duration::from_millis(DEADLOCK_TIMEOUT_MS * 2 / 3);
                for (k, o) in self.sessions.iter().enumerate() {
                    if k != t && o.waits_seen.is_some() && o.conn.in_flight() && now.duration_since(o.sent_at) >= margin
                    {
                        self.timing_broken = true;
                    }
                }
                return Ok(None);
            }
            if t0.elapsed() > HANG {
                return Err(format!("T{}'s statement neither replied nor waited for a lock in {HANG:?}", t + 1));
            }
        }
    }

    fn deadlock_check(&mut self, t: usize) -> Result<Reply, String> {
        let t0 = Instant::now();
        match self.sessions[t].conn.poll(DEADLOCK_WAIT).map_err(|e| e.to_string())? {
            Some(reply) => Ok(reply),
            None => Err(format!(
                "T{} still waits {} ms later ({} ms so far); the simulator says its deadlock check fires",
                t + 1,
                DEADLOCK_WAIT.as_millis(),
                t0.elapsed().as_millis()
            )),
        }
    }

    fn query(&mut self, t: usize, sql: &str) -> Result<Reply, String> {
        self.sessions[t].conn.query(sql).map_err(|e| e.to_string())
    }

    fn scalar(&mut self, sql: &str) -> Result<Option<i64>, String> {
        Ok(self.admin.exec(sql).map_err(|e| e.to_string())?.scalar())
    }

    fn timing_broken(&self) -> bool {
        self.timing_broken
    }
}

/// Appended to a failure whose run broke the deadlock timing assumption.
const TIMING_NOTE: &str = "(timing: the second wait began too late after the first)";

struct Run<'a> {
    db: &'a mut dyn Backend,
    sc: &'a Scenario,
    sessions: Vec<Session>,
    trace: String,
}

impl Run<'_> {
    fn sql(&self, t: usize, step: Step) -> String {
        let s = &self.sessions[t];
        let v = |o: Option<i64>| o.map_or("NULL".to_string(), |v| v.to_string());
        self.sc.step_sql(step).replace("$new", &v(s.new)).replace("$seen", &v(s.seen.map(i64::from)))
    }

    /// Moves transaction `t` as the schedule says; returns what it did, for the trace.
    fn move_txn(&mut self, t: usize, action: Action, closes_cycle: bool) -> Result<String, String> {
        match self.sessions[t].status.clone() {
            Status::Done(e) => Err(format!("T{} already finished in {} ({e})", t + 1, self.db.name())),
            Status::Aborted(code) => {
                self.rollback(t)?;
                if self.sc.txns[t].retry_on_error {
                    self.retry(t);
                } else {
                    self.sessions[t].status = Status::Done(match code.as_str() {
                        "40001" => "failed 40001",
                        "40P01" => "failed 40P01",
                        "55P03" => "failed 55P03",
                        _ => "failed (other SQLSTATE)",
                    });
                }
                Ok(format!("ROLLBACK; (after {code})"))
            }
            Status::Waits | Status::Running => {
                // The model moves a waiting transaction only for its deadlock check.
                let reply = self.db.deadlock_check(t)?;
                let code = reply.error.as_ref().map(|e| e.sqlstate.clone());
                self.complete(t, reply)?;
                Ok(format!(
                    "{action:?}: the waiting statement returned with {}",
                    code.unwrap_or_else(|| "success".into())
                ))
            }
            Status::Ready => {
                let prog = &self.sc.txns[t].program;
                let Some(&step) = prog.get(self.sessions[t].pc) else {
                    return Err(format!("T{} has no step left", t + 1));
                };
                let sql = self.sql(t, step);
                self.db.send(t, &sql, closes_cycle)?;
                self.sessions[t].status = Status::Running;
                self.settle(t)?;
                Ok(sql)
            }
        }
    }

    /// Waits until `t`'s statement in flight has replied or waits for a lock.
    fn settle(&mut self, t: usize) -> Result<(), String> {
        match self.db.settle(t)? {
            Some(reply) => self.complete(t, reply),
            None => {
                self.sessions[t].status = Status::Waits;
                Ok(())
            }
        }
    }

    /// Settles every statement in flight, pass after pass while one completes: a statement that completes can
    /// release what another waits for (an app's ROLLBACK after `UPDATE 0` frees the row a third transaction
    /// queued behind), so one pass in session order may see a waiter before its blocker has let go.
    fn settle_all(&mut self) -> Result<(), String> {
        for _ in 0..=self.sessions.len() {
            let mut completed = false;
            for t in 0..self.sessions.len() {
                if self.db.in_flight(t) {
                    self.settle(t)?;
                    completed |= !self.db.in_flight(t);
                }
            }
            if !completed {
                break;
            }
        }
        Ok(())
    }

    fn rollback(&mut self, t: usize) -> Result<(), String> {
        let r = self.db.query(t, "ROLLBACK")?;
        match r.error {
            Some(e) => Err(format!("T{} ROLLBACK failed: {} {}", t + 1, e.sqlstate, e.message)),
            None => Ok(()),
        }
    }

    /// The app starts the program over if attempts remain (the model's `retry`).
    fn retry(&mut self, t: usize) {
        let s = &mut self.sessions[t];
        if s.attempt >= self.sc.max_attempts {
            s.status = Status::Done("gave-up");
            return;
        }
        s.pc = 0;
        s.attempt += 1;
        s.x = None;
        s.seen = None;
        s.new = None;
        s.rows = None;
        s.status = Status::Ready;
    }

    /// The reply of `t`'s current statement arrived: record what the app gets, then run the app-local steps
    /// that follow (the model runs them with the statement before them).
    fn complete(&mut self, t: usize, reply: Reply) -> Result<(), String> {
        let prog = &self.sc.txns[t].program;
        let step = prog[self.sessions[t].pc];
        let got = match (&reply.error, &reply.tag) {
            (Some(e), _) => format!("ERROR {} {}", e.sqlstate, e.message),
            (None, Some(tag)) if !reply.rows.is_empty() => format!("{tag} {:?}", reply.rows),
            (None, Some(tag)) => tag.clone(),
            (None, None) => "(no tag)".into(),
        };
        let _ = writeln!(self.trace, "        T{} <- {got}", t + 1);
        if let Some(e) = reply.error {
            self.sessions[t].status = Status::Aborted(e.sqlstate);
            return Ok(());
        }
        {
            let s = &mut self.sessions[t];
            match step {
                Step::Select { with_version, .. } => {
                    let row = reply.rows.first().ok_or_else(|| format!("T{}: SELECT returned no row", t + 1))?;
                    s.x = row.first().cloned().flatten().and_then(|v| v.parse().ok());
                    if with_version {
                        s.seen = row.get(1).cloned().flatten().and_then(|v| v.parse().ok());
                    }
                }
                Step::Update { .. } => s.rows = reply.count().map(|n| n as u8),
                _ => {}
            }
            s.pc += 1;
            s.status = Status::Ready;
        }
        if step == Step::Rollback {
            self.sessions[t].status = Status::Done("rolled-back");
            return Ok(());
        }
        // App-local steps, then the end of the program.
        for _ in 0..=prog.len() {
            let pc = self.sessions[t].pc;
            let Some(&next) = prog.get(pc) else {
                self.sessions[t].status = Status::Done("committed");
                return Ok(());
            };
            match next {
                Step::Compute { compute: Compute::AddToRead(d) } => {
                    let s = &mut self.sessions[t];
                    s.new = Some(s.x.unwrap_or(0) + d);
                    s.pc += 1;
                }
                Step::Compute { compute: Compute::TakeOneIfAvailable } => {
                    let x = self.sessions[t].x.unwrap_or(0);
                    if x < 1 {
                        self.rollback(t)?;
                        self.sessions[t].status = Status::Done("sold-out");
                        return Ok(());
                    }
                    let s = &mut self.sessions[t];
                    s.new = Some(x - 1);
                    s.pc += 1;
                }
                Step::IfNoRows { then } => {
                    if self.sessions[t].rows == Some(0) {
                        self.rollback(t)?;
                        match then {
                            OnZero::Retry => self.retry(t),
                            OnZero::SoldOut => self.sessions[t].status = Status::Done("sold-out"),
                        }
                        return Ok(());
                    }
                    self.sessions[t].pc += 1;
                }
                _ => return Ok(()),
            }
        }
        Ok(())
    }
}
