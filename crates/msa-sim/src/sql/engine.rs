//! The engine: tables of MVCC row versions, transactions and subtransactions, sessions that run queries as a
//! PostgreSQL backend does, row locks and the heavyweight lock manager, and a virtual clock for the waiters'
//! `deadlock_timeout` and `lock_timeout` timers.
//!
//! ## Modelling choices (and why)
//! - Row versions live in one heap per table in physical order; an UPDATE appends the new version at the end, as
//!   PostgreSQL does on a tiny table (one page, no pruning), so sequential scans return rows in its order.
//! - Transaction ids are assigned at BEGIN (or at the statement, in autocommit) and at each SAVEPOINT; visibility
//!   compares commit order with the snapshot's commit counter, which is equivalent to PostgreSQL's xmin/xmax/xip
//!   snapshot for deciding which transactions had committed when the snapshot was taken.
//! - A row lock belongs to the logical row (the chain of versions), as PostgreSQL carries lockers forward to the
//!   newest version (heap_lock_updated_tuple). Updaters and deleters hold FOR NO KEY UPDATE or FOR UPDATE through
//!   the version's xmax.
//! - A waiting statement is an explicit resumable state: it keeps its snapshot, its candidate rows and how far it
//!   got, so it resumes where PostgreSQL's executor would.

use super::ast::*;
use super::lock::{Acquire, LockManager, LockTag};
use super::{
    parse_script, Reply, SendError, SetupError, MAX_COLUMNS, MAX_ROW_VERSIONS, MAX_SESSIONS, MAX_SESSION_STATEMENTS,
    MAX_TABLES,
};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::VecDeque;
use std::sync::Arc;

pub type Xid = u32;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

impl Value {
    /// As psql prints it.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Int(n) => Some(n.to_string()),
            Value::Text(s) => Some(s.clone()),
            Value::Bool(b) => Some(if *b { "t" } else { "f" }.into()),
        }
    }
}

/// Expression types as PostgreSQL's analyzer sees them (`Unknown`: a quoted literal or NULL not yet coerced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Int4,
    Int8,
    Numeric,
    Text,
    Bool,
    Unknown,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Int4 => "integer",
            Ty::Int8 => "bigint",
            Ty::Numeric => "numeric",
            Ty::Text => "text",
            Ty::Bool => "boolean",
            Ty::Unknown => "unknown",
        }
    }
    fn numeric(self) -> bool {
        matches!(self, Ty::Int4 | Ty::Int8 | Ty::Numeric)
    }
    fn of(c: ColType) -> Ty {
        match c {
            ColType::Integer => Ty::Int4,
            ColType::BigInt => Ty::Int8,
            ColType::Numeric => Ty::Numeric,
            ColType::Text => Ty::Text,
            ColType::Boolean => Ty::Bool,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlErr {
    pub sqlstate: &'static str,
    pub message: String,
}

fn err(sqlstate: &'static str, message: impl Into<String>) -> SqlErr {
    SqlErr { sqlstate, message: message.into() }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Column {
    name: String,
    ty: ColType,
    not_null: bool,
    default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Constraint {
    name: String,
    cols: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Version {
    row: usize,
    vals: Vec<Value>,
    xmin: Xid,
    cmin: u32,
    /// The updater or deleter (0: none). Lockers are kept in `Engine::row_locks`.
    xmax: Xid,
    cmax: u32,
    /// The update changed a key column (or it was a delete): the updater holds FOR UPDATE, else FOR NO KEY UPDATE.
    key_upd: bool,
    /// The newer version this one was updated to.
    next: Option<usize>,
    /// The heap position an index entry points at for this version: its own for an insert or an update that
    /// changed an indexed column, the chain's root for a HOT update (which adds no index entry).
    root: usize,
    /// Its index entries are in (its unique check passed): before that, other inserters' checks, which go
    /// through the index, cannot see it.
    indexed: bool,
}

/// A table: its definition never changes after CREATE TABLE, so the engine's copies share it (an exploration
/// clones the engine at every branch).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Table {
    name: Arc<str>,
    cols: Arc<[Column]>,
    uniques: Arc<[Constraint]>,
    /// Columns of unique constraints: changing one makes an UPDATE take FOR UPDATE.
    key_cols: Arc<[usize]>,
    heap: Vec<Version>,
    rows: usize,
    /// Dropped tables keep their index (locks and row locks refer to tables by index) but lose their name.
    dropped: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum XState {
    InProgress,
    Committed,
    Aborted,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Xact {
    parent: Option<Xid>,
    session: usize,
    state: XState,
    commit_seq: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RowLock {
    table: usize,
    row: usize,
    xid: Xid,
    session: usize,
    mode: RowLockMode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Snap {
    seq: u64,
    top: Xid,
    cid: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Block {
    Idle,
    /// A single statement outside a block.
    Auto,
    /// A multi-statement query outside a block (committed at its end).
    Implicit,
    Explicit,
    /// An explicit block after an error (25P02 until ROLLBACK).
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Txn {
    top: Xid,
    iso: Isolation,
    snap: Option<Snap>,
    cid: u32,
    savepoints: Vec<(String, Xid)>,
    /// A statement has taken a snapshot (PostgreSQL's FirstSnapshotSet): SET TRANSACTION is too late.
    any_snap: bool,
}

impl Txn {
    fn cur(&self) -> Xid {
        self.savepoints.last().map(|s| s.1).unwrap_or(self.top)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Wait {
    since: u64,
    deadlock_at: Option<u64>,
    timeout_at: Option<u64>,
    seq: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Phase {
    Start,
    Lock,
    Rows,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Cur {
    ver: usize,
    epq: bool,
    tuple_lock: Option<TableLockMode>,
    /// The new version written (UPDATE / INSERT) whose unique check is pending.
    written: Option<usize>,
    /// The written version changed a unique key: its check (which may wait) is still to pass.
    check_unique: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Exec {
    /// Shared with the query that sent it (and with every copy of the engine).
    stmt: Arc<Statement>,
    phase: Phase,
    locks_done: usize,
    snap: Option<Snap>,
    table: usize,
    cands: Vec<usize>,
    idx: usize,
    cur: Option<Cur>,
    out: Vec<Vec<Value>>,
    count: u64,
    ins_rows: Vec<Vec<Value>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Session {
    block: Block,
    txn: Option<Txn>,
    deadlock_timeout: u64,
    lock_timeout: u64,
    queue: VecDeque<Arc<Statement>>,
    multi: bool,
    replies: Vec<Reply>,
    finished: bool,
    exec: Option<Exec>,
    wait: Option<Wait>,
    stmts_run: usize,
}

impl Session {
    fn new() -> Session {
        Session {
            block: Block::Idle,
            txn: None,
            deadlock_timeout: 1000,
            lock_timeout: 0,
            queue: VecDeque::new(),
            multi: false,
            replies: Vec::new(),
            finished: false,
            exec: None,
            wait: None,
            stmts_run: 0,
        }
    }
}

/// The engine: tables, transactions, sessions, locks and the virtual clock. Cloning copies it all (a few KB).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Engine {
    tables: Vec<Table>,
    xacts: Vec<Xact>,
    commit_seq: u64,
    row_locks: Vec<RowLock>,
    lm: LockManager,
    sessions: Vec<Session>,
    now: u64,
    wait_seq: u64,
    runnable: VecDeque<usize>,
    /// Transaction ids up to this one ran in the setup.
    setup_xids_end: Xid,
}

// Equal engines (and so equal states of an exploration) hash alike. The hashes leave out what is costly and rarely
// tells two states apart (a table's definition, a statement's syntax tree): equality still compares it.

impl std::hash::Hash for Table {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.heap.hash(h);
        self.rows.hash(h);
        self.dropped.hash(h);
    }
}

impl std::hash::Hash for Exec {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.phase.hash(h);
        self.locks_done.hash(h);
        self.snap.hash(h);
        self.table.hash(h);
        self.cands.hash(h);
        self.idx.hash(h);
        self.cur.hash(h);
        self.out.hash(h);
        self.count.hash(h);
        self.ins_rows.hash(h);
    }
}

impl std::hash::Hash for Session {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.block.hash(h);
        self.txn.hash(h);
        self.deadlock_timeout.hash(h);
        self.lock_timeout.hash(h);
        self.queue.len().hash(h);
        self.multi.hash(h);
        self.replies.hash(h);
        self.finished.hash(h);
        self.exec.hash(h);
        self.wait.hash(h);
        self.stmts_run.hash(h);
    }
}

enum RowOut {
    Done,
    Skip,
    Wait,
}

fn row_to_tuple_mode(m: RowLockMode) -> TableLockMode {
    // heapam.c's tupleLockExtraInfo
    match m {
        RowLockMode::KeyShare => TableLockMode::AccessShare,
        RowLockMode::Share => TableLockMode::RowShare,
        RowLockMode::NoKeyUpdate => TableLockMode::Exclusive,
        RowLockMode::Update => TableLockMode::AccessExclusive,
    }
}

impl Engine {
    /// Runs `setup` (CREATE TABLE, INSERT, ... in autocommit) and opens `sessions` (1..=MAX_SESSIONS) sessions.
    pub fn new(setup: &str, sessions: usize) -> Result<Engine, SetupError> {
        if sessions == 0 || sessions > MAX_SESSIONS {
            return Err(SetupError::Sessions { requested: sessions, max: MAX_SESSIONS });
        }
        let stmts = parse_script(setup).map_err(SetupError::Parse)?;
        let mut e = Engine {
            tables: Vec::new(),
            xacts: vec![Xact { parent: None, session: usize::MAX, state: XState::Aborted, commit_seq: 0 }],
            commit_seq: 0,
            row_locks: Vec::new(),
            lm: LockManager::default(),
            sessions: vec![Session::new()],
            now: 0,
            wait_seq: 0,
            runnable: VecDeque::new(),
            setup_xids_end: 0,
        };
        for (index, st) in stmts.iter().enumerate() {
            e.send_unchecked(0, vec![Arc::new(st.clone())]);
            let replies = std::mem::take(&mut e.sessions[0].replies);
            for r in replies {
                if let Reply::Error { sqlstate, message } = r {
                    return Err(SetupError::Statement { index, pos: st.pos, sqlstate, message });
                }
            }
            if e.sessions[0].block != Block::Idle || e.sessions[0].wait.is_some() {
                return Err(SetupError::Statement {
                    index,
                    pos: st.pos,
                    sqlstate: "25000",
                    message: "the setup must leave no transaction open".into(),
                });
            }
        }
        e.sessions = (0..sessions).map(|_| Session::new()).collect();
        e.now = 0;
        e.setup_xids_end = (e.xacts.len() - 1) as Xid;
        Ok(e)
    }

    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Virtual time in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.now
    }

    /// The session sends one query string (one or more statements), as libpq's PQsendQuery.
    pub fn send(&mut self, session: usize, sql: &str) -> Result<(), SendError> {
        self.check_session(session)?;
        let stmts = parse_script(sql).map_err(SendError::Parse)?;
        self.send_parsed(session, &stmts)
    }

    pub fn send_parsed(&mut self, session: usize, stmts: &[Statement]) -> Result<(), SendError> {
        self.check_session(session)?;
        let s = &self.sessions[session];
        if s.stmts_run + stmts.len() > MAX_SESSION_STATEMENTS {
            return Err(SendError::TooManyStatements { session, max: MAX_SESSION_STATEMENTS });
        }
        self.send_unchecked(session, stmts.iter().map(|st| Arc::new(st.clone())).collect());
        Ok(())
    }

    /// [`Engine::send_parsed`] with statements parsed once and shared: an exploration sends the same statements
    /// down every branch.
    pub fn send_shared(&mut self, session: usize, stmts: &[Arc<Statement>]) -> Result<(), SendError> {
        self.check_session(session)?;
        let s = &self.sessions[session];
        if s.stmts_run + stmts.len() > MAX_SESSION_STATEMENTS {
            return Err(SendError::TooManyStatements { session, max: MAX_SESSION_STATEMENTS });
        }
        self.send_unchecked(session, stmts.to_vec());
        Ok(())
    }

    fn check_session(&self, session: usize) -> Result<(), SendError> {
        if session >= self.sessions.len() {
            return Err(SendError::NoSuchSession { session, sessions: self.sessions.len() });
        }
        if self.sessions[session].wait.is_some() || self.sessions[session].exec.is_some() {
            return Err(SendError::Busy { session });
        }
        Ok(())
    }

    fn send_unchecked(&mut self, s: usize, stmts: Vec<Arc<Statement>>) {
        let sess = &mut self.sessions[s];
        sess.stmts_run += stmts.len();
        sess.multi = stmts.len() > 1;
        sess.queue = stmts.into();
        sess.replies.clear();
        sess.finished = false;
        self.run(s);
        self.drain();
    }

    /// Is the session's last query waiting on a lock?
    pub fn waiting(&self, session: usize) -> bool {
        self.sessions.get(session).is_some_and(|s| s.wait.is_some())
    }

    /// The replies of the session's last query once it has finished (None while it waits or if already taken).
    pub fn take_replies(&mut self, session: usize) -> Option<Vec<Reply>> {
        let s = self.sessions.get_mut(session)?;
        if !s.finished {
            return None;
        }
        s.finished = false;
        Some(std::mem::take(&mut s.replies))
    }

    /// Whether a timer is pending: [`Engine::advance_time`] would fire one.
    pub fn has_pending_timer(&self) -> bool {
        self.sessions.iter().any(|s| s.wait.as_ref().is_some_and(|w| w.deadlock_at.is_some() || w.timeout_at.is_some()))
    }

    /// Time passes to the next timer (a waiter's deadlock_timeout or lock_timeout) and fires it. False if none.
    pub fn advance_time(&mut self) -> bool {
        // (time, is lock timeout, wait order, session)
        let mut best: Option<(u64, bool, u64, usize)> = None;
        for (i, s) in self.sessions.iter().enumerate() {
            let Some(w) = &s.wait else { continue };
            if let Some(t) = w.deadlock_at {
                let k = (t, false, w.seq, i);
                if best.is_none_or(|b| k < b) {
                    best = Some(k);
                }
            }
            if let Some(t) = w.timeout_at {
                let k = (t, true, w.seq, i);
                if best.is_none_or(|b| k < b) {
                    best = Some(k);
                }
            }
        }
        let Some((t, is_timeout, _, s)) = best else { return false };
        self.now = self.now.max(t);
        if is_timeout {
            if let Some(w) = &mut self.sessions[s].wait {
                w.timeout_at = None;
            }
            self.cancel_wait(s, err("55P03", "canceling statement due to lock timeout"));
        } else {
            if let Some(w) = &mut self.sessions[s].wait {
                w.deadlock_at = None;
            }
            let (dead, woken) = self.lm.check_deadlock(s);
            self.wake(woken);
            if dead && self.waiting(s) {
                self.cancel_wait(s, err("40P01", "deadlock detected"));
            }
        }
        self.drain();
        true
    }

    /// Cancels the session's waiting statement as `pg_cancel_backend` does (isolationtester cancels a step that
    /// waits for more than its step timeout): 57014 "canceling statement due to user request". False if the
    /// session does not wait.
    pub fn cancel(&mut self, session: usize) -> bool {
        if !self.waiting(session) {
            return false;
        }
        self.cancel_wait(session, err("57014", "canceling statement due to user request"));
        self.drain();
        true
    }

    fn cancel_wait(&mut self, s: usize, e: SqlErr) {
        let woken = self.lm.cancel_wait(s);
        self.sessions[s].wait = None;
        self.wake(woken);
        self.fail_statement(s, e);
        self.run(s);
    }

    // ---- transactions ----------------------------------------------------------------------------------------

    fn new_xid(&mut self, s: usize, parent: Option<Xid>) -> Xid {
        let x = self.xacts.len() as Xid;
        self.xacts.push(Xact { parent, session: s, state: XState::InProgress, commit_seq: 0 });
        // Every (sub)transaction holds the lock on its own id until it ends: waiters for it queue there.
        let _ = self.lm.acquire(s, LockTag::Xid(x), TableLockMode::Exclusive, x, false);
        x
    }

    fn top_of(&self, mut x: Xid) -> Xid {
        while let Some(p) = self.xacts[x as usize].parent {
            x = p;
        }
        x
    }

    fn status(&self, x: Xid) -> XState {
        let mut y = x;
        loop {
            let xa = &self.xacts[y as usize];
            if xa.state == XState::Aborted {
                return XState::Aborted;
            }
            match xa.parent {
                Some(p) => y = p,
                None => return xa.state,
            }
        }
    }

    fn commit_seq_of(&self, x: Xid) -> u64 {
        self.xacts[self.top_of(x) as usize].commit_seq
    }

    fn begin_txn(&mut self, s: usize, iso: Isolation) {
        let top = self.new_xid(s, None);
        let iso = if iso == Isolation::ReadUncommitted { Isolation::ReadCommitted } else { iso };
        self.sessions[s].txn = Some(Txn { top, iso, snap: None, cid: 0, savepoints: vec![], any_snap: false });
    }

    fn end_txn(&mut self, s: usize, commit: bool) {
        let Some(txn) = self.sessions[s].txn.take() else { return };
        if commit && self.status(txn.top) == XState::InProgress {
            self.commit_seq += 1;
            let t = &mut self.xacts[txn.top as usize];
            t.state = XState::Committed;
            t.commit_seq = self.commit_seq;
        } else {
            self.xacts[txn.top as usize].state = XState::Aborted;
        }
        self.row_locks.retain(|l| l.session != s);
        let woken = self.lm.release_where(s, |_, _| true);
        self.sessions[s].block = Block::Idle;
        self.wake(woken);
    }

    /// Aborts the subtransactions in `subs` (ROLLBACK TO, or an error inside a savepoint).
    fn abort_subs(&mut self, s: usize, subs: &[Xid]) {
        for &x in subs {
            self.xacts[x as usize].state = XState::Aborted;
        }
        let st: Vec<Xid> = subs.to_vec();
        let keep: Vec<bool> =
            self.row_locks.iter().map(|l| !(l.session == s && self.status_static(l.xid, &st))).collect();
        let mut k = keep.iter();
        self.row_locks.retain(|_| *k.next().unwrap_or(&true));
        let woken = self.lm.release_where(s, |_, g| st.contains(&g.sub));
        self.wake(woken);
    }

    fn status_static(&self, x: Xid, aborted: &[Xid]) -> bool {
        let mut y = x;
        loop {
            if aborted.contains(&y) {
                return true;
            }
            match self.xacts[y as usize].parent {
                Some(p) => y = p,
                None => return false,
            }
        }
    }

    fn wake(&mut self, woken: Vec<usize>) {
        for w in woken {
            if self.sessions[w].wait.is_none() {
                continue;
            }
            // XactLockTableWait releases the transaction lock as soon as it has it: it only waited for the end.
            if let Some((tag, mode)) = self.granted_wait_tag(w) {
                if matches!(tag, LockTag::Xid(_)) {
                    let more = self.lm.release(w, tag, mode);
                    self.runnable.extend(more);
                }
            }
            self.sessions[w].wait = None;
            if !self.runnable.contains(&w) {
                self.runnable.push_back(w);
            }
        }
    }

    /// The Xid lock a woken session was waiting for (it is granted now): the last Share lock it holds on an Xid
    /// of another session.
    fn granted_wait_tag(&self, w: usize) -> Option<(LockTag, TableLockMode)> {
        for l in &self.lm.locks {
            if let LockTag::Xid(x) = l.tag {
                if self.xacts[x as usize].session != w
                    && l.granted.iter().any(|g| g.owner == w && g.mode == TableLockMode::Share)
                {
                    return Some((l.tag, TableLockMode::Share));
                }
            }
        }
        None
    }

    fn drain(&mut self) {
        let mut guard = 0;
        while let Some(s) = self.runnable.pop_front() {
            guard += 1;
            if guard > 10_000 {
                break;
            }
            if self.sessions[s].wait.is_none() {
                self.run(s);
            }
        }
    }

    fn take_snapshot(&self, s: usize) -> Snap {
        let txn = self.sessions[s].txn.as_ref().expect("statement runs in a transaction");
        Snap { seq: self.commit_seq, top: txn.top, cid: txn.cid }
    }

    fn statement_snapshot(&mut self, s: usize) -> Snap {
        let now = self.take_snapshot(s);
        let txn = self.sessions[s].txn.as_mut().expect("statement runs in a transaction");
        if txn.iso == Isolation::RepeatableRead {
            let snap = *txn.snap.get_or_insert(now);
            Snap { cid: txn.cid, ..snap }
        } else {
            now
        }
    }

    fn committed_in(&self, x: Xid, snap: &Snap) -> bool {
        self.status(x) == XState::Committed && self.commit_seq_of(x) <= snap.seq
    }

    fn visible(&self, v: &Version, snap: &Snap) -> bool {
        let mine = |x: Xid| self.top_of(x) == snap.top;
        if mine(v.xmin) {
            if self.status(v.xmin) == XState::Aborted || v.cmin >= snap.cid {
                return false;
            }
        } else if !self.committed_in(v.xmin, snap) {
            return false;
        }
        if v.xmax == 0 || self.status(v.xmax) == XState::Aborted {
            return true;
        }
        if mine(v.xmax) {
            return v.cmax >= snap.cid;
        }
        !self.committed_in(v.xmax, snap)
    }

    fn total_versions(&self) -> usize {
        self.tables.iter().filter(|t| !t.dropped).map(|t| t.heap.len()).sum()
    }

    // ---- running queries -------------------------------------------------------------------------------------

    fn run(&mut self, s: usize) {
        loop {
            if self.sessions[s].wait.is_some() {
                return;
            }
            if self.sessions[s].exec.is_some() {
                match self.step_exec(s) {
                    Ok(None) => return,
                    Ok(Some(reply)) => {
                        self.sessions[s].exec = None;
                        self.sessions[s].replies.push(reply);
                        self.after_statement(s);
                    }
                    Err(e) => {
                        self.sessions[s].exec = None;
                        self.fail_statement(s, e);
                    }
                }
                continue;
            }
            let Some(stmt) = self.sessions[s].queue.pop_front() else {
                if !self.sessions[s].finished {
                    if self.sessions[s].block == Block::Implicit {
                        self.end_txn(s, true);
                    }
                    self.sessions[s].finished = true;
                }
                return;
            };
            self.start_statement(s, stmt);
        }
    }

    fn after_statement(&mut self, s: usize) {
        if let Some(t) = self.sessions[s].txn.as_mut() {
            t.cid += 1;
        }
        if self.sessions[s].block == Block::Auto {
            self.end_txn(s, true);
        }
    }

    /// The statement failed: PostgreSQL aborts the (sub)transaction at once, releasing its locks, and skips the
    /// rest of the query string.
    fn fail_statement(&mut self, s: usize, e: SqlErr) {
        self.sessions[s].exec = None;
        self.sessions[s].queue.clear();
        self.sessions[s].replies.push(Reply::Error { sqlstate: e.sqlstate, message: e.message });
        match self.sessions[s].block {
            Block::Auto | Block::Implicit => self.end_txn(s, false),
            Block::Explicit => {
                let txn = self.sessions[s].txn.as_ref().expect("explicit block has a transaction");
                if txn.savepoints.is_empty() {
                    let top = txn.top;
                    self.xacts[top as usize].state = XState::Aborted;
                    self.row_locks.retain(|l| l.session != s);
                    let woken = self.lm.release_where(s, |_, _| true);
                    self.wake(woken);
                } else {
                    let cur = txn.cur();
                    self.abort_subs(s, &[cur]);
                }
                self.sessions[s].block = Block::Failed;
            }
            Block::Failed | Block::Idle => {}
        }
    }

    fn reply_ok(&mut self, s: usize, tag: &str) {
        self.sessions[s].replies.push(Reply::Command { tag: tag.into() });
    }

    fn notice(&mut self, s: usize, message: &str) {
        self.sessions[s].replies.push(Reply::Notice { severity: "WARNING", message: message.into() });
    }

    fn start_statement(&mut self, s: usize, stmt: Arc<Statement>) {
        let block = self.sessions[s].block;
        if block == Block::Failed && !matches!(stmt.kind, Stmt::Commit | Stmt::Rollback | Stmt::RollbackTo(_)) {
            self.fail_statement(
                s,
                err("25P02", "current transaction is aborted, commands ignored until end of transaction block"),
            );
            return;
        }
        match &stmt.kind {
            Stmt::Begin { isolation, start } => {
                match block {
                    Block::Idle => {
                        self.begin_txn(s, isolation.unwrap_or(Isolation::ReadCommitted));
                        self.sessions[s].block = Block::Explicit;
                    }
                    Block::Implicit => {
                        self.sessions[s].block = Block::Explicit;
                        if let (Some(i), Some(t)) = (isolation, self.sessions[s].txn.as_mut()) {
                            t.iso = if *i == Isolation::ReadUncommitted { Isolation::ReadCommitted } else { *i };
                        }
                    }
                    _ => self.notice(s, "there is already a transaction in progress"),
                }
                self.reply_ok(s, if *start { "START TRANSACTION" } else { "BEGIN" });
            }
            Stmt::Commit => match block {
                Block::Explicit | Block::Implicit => {
                    if block == Block::Implicit {
                        self.notice(s, "there is no transaction in progress");
                    }
                    self.end_txn(s, true);
                    self.reply_ok(s, "COMMIT");
                }
                Block::Failed => {
                    self.end_txn(s, false);
                    self.reply_ok(s, "ROLLBACK");
                }
                _ => {
                    self.notice(s, "there is no transaction in progress");
                    self.reply_ok(s, "COMMIT");
                }
            },
            Stmt::Rollback => match block {
                Block::Explicit | Block::Failed | Block::Implicit => {
                    if block == Block::Implicit {
                        self.notice(s, "there is no transaction in progress");
                    }
                    self.end_txn(s, false);
                    self.reply_ok(s, "ROLLBACK");
                }
                _ => {
                    self.notice(s, "there is no transaction in progress");
                    self.reply_ok(s, "ROLLBACK");
                }
            },
            Stmt::Savepoint(name) => {
                if block != Block::Explicit {
                    self.fail_statement(s, err("25P01", "SAVEPOINT can only be used in transaction blocks"));
                    return;
                }
                let parent = self.sessions[s].txn.as_ref().map(|t| t.cur());
                let x = self.new_xid(s, parent);
                if let Some(t) = self.sessions[s].txn.as_mut() {
                    t.savepoints.push((name.clone(), x));
                    t.cid += 1;
                }
                self.reply_ok(s, "SAVEPOINT");
            }
            Stmt::RollbackTo(name) => {
                if !matches!(block, Block::Explicit | Block::Failed) {
                    self.fail_statement(
                        s,
                        err("25P01", "ROLLBACK TO SAVEPOINT can only be used in transaction blocks"),
                    );
                    return;
                }
                let txn = self.sessions[s].txn.as_ref().expect("block has a transaction");
                let Some(i) = txn.savepoints.iter().rposition(|(n, _)| n == name) else {
                    self.fail_statement(s, err("3B001", format!("savepoint \"{name}\" does not exist")));
                    return;
                };
                let subs: Vec<Xid> = txn.savepoints[i..].iter().map(|p| p.1).collect();
                self.abort_subs(s, &subs);
                let t = self.sessions[s].txn.as_mut().expect("block has a transaction");
                t.savepoints.truncate(i);
                let parent = t.cur();
                let x = self.new_xid(s, Some(parent));
                let t = self.sessions[s].txn.as_mut().expect("block has a transaction");
                t.savepoints.push((name.clone(), x));
                t.cid += 1;
                self.sessions[s].block = Block::Explicit;
                self.reply_ok(s, "ROLLBACK");
            }
            Stmt::Release(name) => {
                if block != Block::Explicit {
                    self.fail_statement(s, err("25P01", "RELEASE SAVEPOINT can only be used in transaction blocks"));
                    return;
                }
                let txn = self.sessions[s].txn.as_ref().expect("block has a transaction");
                let Some(i) = txn.savepoints.iter().rposition(|(n, _)| n == name) else {
                    self.fail_statement(s, err("3B001", format!("savepoint \"{name}\" does not exist")));
                    return;
                };
                let subs: Vec<Xid> = txn.savepoints[i..].iter().map(|p| p.1).collect();
                let t = self.sessions[s].txn.as_mut().expect("block has a transaction");
                t.savepoints.truncate(i);
                let parent = t.cur();
                for x in subs {
                    self.lm.reassign(s, x, parent);
                }
                self.reply_ok(s, "RELEASE");
            }
            Stmt::SetTransaction(iso) => {
                match block {
                    Block::Explicit | Block::Implicit => {
                        let t = self.sessions[s].txn.as_mut().expect("block has a transaction");
                        if t.any_snap {
                            self.fail_statement(
                                s,
                                err("25001", "SET TRANSACTION ISOLATION LEVEL must be called before any query"),
                            );
                            return;
                        }
                        if !t.savepoints.is_empty() {
                            self.fail_statement(
                                s,
                                err("25001", "SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction"),
                            );
                            return;
                        }
                        t.iso = if *iso == Isolation::ReadUncommitted { Isolation::ReadCommitted } else { *iso };
                    }
                    _ => self.notice(s, "SET TRANSACTION can only be used in transaction blocks"),
                }
                self.reply_ok(s, "SET");
            }
            Stmt::SetTimeout { setting, ms } => {
                match setting {
                    TimeoutSetting::DeadlockTimeout => self.sessions[s].deadlock_timeout = *ms,
                    TimeoutSetting::LockTimeout => self.sessions[s].lock_timeout = *ms,
                }
                self.reply_ok(s, "SET");
            }
            Stmt::LockTable { .. } if matches!(block, Block::Idle) => {
                self.fail_statement(s, err("25P01", "LOCK TABLE can only be used in transaction blocks"));
            }
            _ => {
                if self.sessions[s].txn.is_none() {
                    self.begin_txn(s, Isolation::ReadCommitted);
                    self.sessions[s].block = if self.sessions[s].multi { Block::Implicit } else { Block::Auto };
                }
                if !matches!(stmt.kind, Stmt::LockTable { .. }) {
                    // Parse analysis takes the first snapshot (REPEATABLE READ keeps it), before any lock wait.
                    self.sessions[s].txn.as_mut().expect("in a transaction").any_snap = true;
                    if self.sessions[s].txn.as_ref().is_some_and(|t| t.iso == Isolation::RepeatableRead) {
                        self.statement_snapshot(s);
                    }
                }
                self.sessions[s].exec = Some(Exec {
                    stmt,
                    phase: Phase::Start,
                    locks_done: 0,
                    snap: None,
                    table: 0,
                    cands: vec![],
                    idx: 0,
                    cur: None,
                    out: vec![],
                    count: 0,
                    ins_rows: vec![],
                });
            }
        }
    }

    /// One lock request for session `s` (under its current subtransaction). Registers the wait when it must.
    fn lock(&mut self, s: usize, tag: LockTag, mode: TableLockMode, nowait: bool) -> Result<Acquire, SqlErr> {
        let sub = self.sessions[s].txn.as_ref().map(|t| t.cur()).unwrap_or(0);
        match self.lm.acquire(s, tag, mode, sub, nowait) {
            Acquire::Waiting => {
                let sess = &mut self.sessions[s];
                self.wait_seq += 1;
                let now = self.now;
                sess.wait = Some(Wait {
                    since: now,
                    deadlock_at: Some(now + sess.deadlock_timeout),
                    timeout_at: (sess.lock_timeout > 0).then(|| now + sess.lock_timeout),
                    seq: self.wait_seq,
                });
                Ok(Acquire::Waiting)
            }
            Acquire::Deadlock => Err(err("40P01", "deadlock detected")),
            a => Ok(a),
        }
    }

    fn table_index(&self, name: &str) -> Result<usize, SqlErr> {
        self.tables
            .iter()
            .position(|t| !t.dropped && *t.name == *name)
            .ok_or_else(|| err("42P01", format!("relation \"{name}\" does not exist")))
    }

    fn step_exec(&mut self, s: usize) -> Result<Option<Reply>, SqlErr> {
        let mut ex = self.sessions[s].exec.take().expect("step_exec with a statement");
        let r = self.step_exec_inner(s, &mut ex);
        if matches!(r, Ok(None)) {
            self.sessions[s].exec = Some(ex);
        } else if let Some(c) = ex.cur.take() {
            if let Some(m) = c.tuple_lock {
                let w = self.lm.release(s, LockTag::Tuple(ex.table, self.tables[ex.table].heap[c.ver].row), m);
                self.wake(w);
            }
        }
        r
    }

    fn step_exec_inner(&mut self, s: usize, ex: &mut Exec) -> Result<Option<Reply>, SqlErr> {
        let stmt = Arc::clone(&ex.stmt);
        match &stmt.kind {
            Stmt::CreateTable(ct) => self.create_table(ct).map(Some),
            Stmt::LockTable { tables, mode, nowait } => {
                while ex.locks_done < tables.len() {
                    let t = self.table_index(&tables[ex.locks_done])?;
                    match self.lock(s, LockTag::Relation(t), *mode, *nowait)? {
                        Acquire::Granted => ex.locks_done += 1,
                        Acquire::Waiting => return Ok(None),
                        _ => {
                            return Err(err(
                                "55P03",
                                format!("could not obtain lock on relation \"{}\"", tables[ex.locks_done]),
                            ))
                        }
                    }
                }
                Ok(Some(Reply::Command { tag: "LOCK TABLE".into() }))
            }
            Stmt::DropTable { tables, if_exists } => {
                if self.sessions[s].block != Block::Auto {
                    return Err(err("0A000", "not supported here: DROP TABLE inside a transaction block"));
                }
                while ex.locks_done < tables.len() {
                    let name = &tables[ex.locks_done];
                    let Ok(t) = self.table_index(name) else {
                        if *if_exists {
                            self.sessions[s].replies.push(Reply::Notice {
                                severity: "NOTICE",
                                message: format!("table \"{name}\" does not exist, skipping"),
                            });
                            ex.locks_done += 1;
                            continue;
                        }
                        return Err(err("42P01", format!("table \"{name}\" does not exist")));
                    };
                    match self.lock(s, LockTag::Relation(t), TableLockMode::AccessExclusive, false)? {
                        Acquire::Granted => ex.locks_done += 1,
                        _ => return Ok(None),
                    }
                }
                for name in tables {
                    if let Ok(t) = self.table_index(name) {
                        self.tables[t].dropped = true;
                        self.tables[t].heap.clear();
                    }
                }
                Ok(Some(Reply::Command { tag: "DROP TABLE".into() }))
            }
            Stmt::Select(sel) => self.exec_select(s, ex, sel),
            Stmt::Insert { table, columns, rows, returning } => {
                self.exec_insert(s, ex, table, columns.as_deref(), rows, returning.as_deref())
            }
            Stmt::Update { table, sets, where_, returning } => {
                self.exec_modify(s, ex, table, Some(sets), where_.as_ref(), returning.as_deref())
            }
            Stmt::Delete { table, where_, returning } => {
                self.exec_modify(s, ex, table, None, where_.as_ref(), returning.as_deref())
            }
            _ => Err(err("XX000", "internal: not an executable statement")),
        }
    }

    fn create_table(&mut self, ct: &CreateTable) -> Result<Reply, SqlErr> {
        if self.tables.iter().any(|t| !t.dropped && *t.name == *ct.name) {
            return Err(err("42P07", format!("relation \"{}\" already exists", ct.name)));
        }
        if self.tables.iter().filter(|t| !t.dropped).count() >= MAX_TABLES {
            return Err(err("54000", format!("the engine holds at most {MAX_TABLES} tables")));
        }
        if ct.columns.len() > MAX_COLUMNS {
            return Err(err("54011", format!("the engine's tables have at most {MAX_COLUMNS} columns")));
        }
        let mut cols: Vec<Column> = Vec::new();
        for c in &ct.columns {
            if cols.iter().any(|x| x.name == c.name) {
                return Err(err("42701", format!("column \"{}\" specified more than once", c.name)));
            }
            cols.push(Column { name: c.name.clone(), ty: c.ty, not_null: c.not_null, default: c.default.clone() });
        }
        let col_of = |n: &str| -> Result<usize, SqlErr> {
            ct.columns
                .iter()
                .position(|c| c.name == n)
                .ok_or_else(|| err("42703", format!("column \"{n}\" named in key does not exist")))
        };
        // PostgreSQL names: <table>_pkey, <table>_<cols>_key (numbered when taken).
        let mut pk: Option<Vec<usize>> = None;
        let mut uniq: Vec<Vec<usize>> = Vec::new();
        for (i, c) in ct.columns.iter().enumerate() {
            if c.primary_key {
                if pk.is_some() {
                    return Err(err(
                        "42P16",
                        format!("multiple primary keys for table \"{}\" are not allowed", ct.name),
                    ));
                }
                pk = Some(vec![i]);
            }
        }
        for k in &ct.constraints {
            if let TableConstraint::PrimaryKey(names) = k {
                if pk.is_some() {
                    return Err(err(
                        "42P16",
                        format!("multiple primary keys for table \"{}\" are not allowed", ct.name),
                    ));
                }
                pk = Some(names.iter().map(|n| col_of(n)).collect::<Result<_, _>>()?);
            }
        }
        // Column constraints come first in PostgreSQL's index creation order, then table constraints.
        for (i, c) in ct.columns.iter().enumerate() {
            if c.unique {
                uniq.push(vec![i]);
            }
        }
        for k in &ct.constraints {
            if let TableConstraint::Unique(names) = k {
                uniq.push(names.iter().map(|n| col_of(n)).collect::<Result<_, _>>()?);
            }
        }
        let mut uniques = Vec::new();
        if let Some(p) = pk {
            for &i in &p {
                cols[i].not_null = true;
            }
            uniques.push(Constraint { name: format!("{}_pkey", ct.name), cols: p });
        }
        for u in uniq {
            // PostgreSQL drops a unique constraint identical to the primary key or to an earlier one.
            if uniques.iter().any(|c: &Constraint| c.cols == u) {
                continue;
            }
            let base = format!(
                "{}_{}_key",
                ct.name,
                u.iter().map(|&i| ct.columns[i].name.as_str()).collect::<Vec<_>>().join("_")
            );
            let mut name = base.clone();
            let mut n = 1;
            while uniques.iter().any(|c: &Constraint| c.name == name) {
                name = format!("{base}{n}");
                n += 1;
            }
            uniques.push(Constraint { name, cols: u });
        }
        let mut key_cols: Vec<usize> = uniques.iter().flat_map(|c| c.cols.iter().copied()).collect();
        key_cols.sort();
        key_cols.dedup();
        // Defaults must type-check against their column.
        for c in &cols {
            if let Some(d) = &c.default {
                let (v, t) = self.eval(d, None, None)?;
                coerce(v, t, c, &ct.name)?;
            }
        }
        self.tables.push(Table {
            name: ct.name.as_str().into(),
            cols: cols.into(),
            uniques: uniques.into(),
            key_cols: key_cols.into(),
            heap: vec![],
            rows: 0,
            dropped: false,
        });
        Ok(Reply::Command { tag: "CREATE TABLE".into() })
    }

    // ---- expressions -----------------------------------------------------------------------------------------

    /// Evaluates `e` over a row of table `t` (None: no FROM), with aggregates over `agg` rows when given.
    fn eval(
        &self,
        e: &Expr,
        row: Option<(&Table, &[Value])>,
        agg: Option<&[Vec<Value>]>,
    ) -> Result<(Value, Ty), SqlErr> {
        Ok(match e {
            Expr::Int(n) => {
                let t = if i32::try_from(*n).is_ok() { Ty::Int4 } else { Ty::Int8 };
                (Value::Int(*n), t)
            }
            Expr::Str(s) => (Value::Text(s.clone()), Ty::Unknown),
            Expr::Bool(b) => (Value::Bool(*b), Ty::Bool),
            Expr::Null => (Value::Null, Ty::Unknown),
            Expr::Column(c) => {
                let Some((t, vals)) = row else {
                    return Err(err("42703", format!("column \"{c}\" does not exist")));
                };
                let Some(i) = t.cols.iter().position(|x| &x.name == c) else {
                    return Err(err("42703", format!("column \"{c}\" does not exist")));
                };
                if agg.is_some() {
                    return Err(err(
                        "42803",
                        format!(
                            "column \"{}.{c}\" must appear in the GROUP BY clause or be used in an aggregate function",
                            t.name
                        ),
                    ));
                }
                (vals.get(i).cloned().unwrap_or(Value::Null), Ty::of(t.cols[i].ty))
            }
            Expr::Neg(x) => {
                let (v, t) = self.eval(x, row, agg)?;
                if t == Ty::Unknown {
                    return Err(err("42725", "operator is not unique: - unknown"));
                }
                if !t.numeric() {
                    return Err(err("42883", format!("operator does not exist: - {}", t.name())));
                }
                match v {
                    Value::Int(n) => (Value::Int(range(n.checked_neg(), t)?), t),
                    _ => (Value::Null, t),
                }
            }
            Expr::Not(x) => {
                let (v, t) = self.eval(x, row, agg)?;
                match to_bool(v, t, "NOT")? {
                    Some(b) => (Value::Bool(!b), Ty::Bool),
                    None => (Value::Null, Ty::Bool),
                }
            }
            Expr::Binary(op, a, b) => {
                let (va, ta) = self.eval(a, row, agg)?;
                let (vb, tb) = self.eval(b, row, agg)?;
                binary(*op, va, ta, vb, tb)?
            }
            Expr::IsNull { expr, negated } => {
                let (v, _) = self.eval(expr, row, agg)?;
                (Value::Bool((v == Value::Null) != *negated), Ty::Bool)
            }
            Expr::InList { expr, list, negated } => {
                let (v, t) = self.eval(expr, row, agg)?;
                let mut any_null = false;
                let mut found = false;
                for x in list {
                    let (w, tw) = self.eval(x, row, agg)?;
                    match binary(BinOp::Eq, v.clone(), t, w, tw)?.0 {
                        Value::Bool(true) => found = true,
                        Value::Null => any_null = true,
                        _ => {}
                    }
                }
                let r = if found {
                    Value::Bool(!*negated)
                } else if any_null {
                    Value::Null
                } else {
                    Value::Bool(*negated)
                };
                (r, Ty::Bool)
            }
            Expr::CountStar | Expr::Count(_) | Expr::Sum(_) => {
                let Some(rows) = agg else {
                    return Err(err("42803", "aggregate functions are not allowed here"));
                };
                let (t, _) = row.ok_or_else(|| err("0A000", "not supported here: aggregates without FROM"))?;
                match e {
                    Expr::CountStar => (Value::Int(rows.len() as i64), Ty::Int8),
                    Expr::Count(x) | Expr::Sum(x) => {
                        if x.is_aggregate() {
                            return Err(err("42803", "aggregate function calls cannot be nested"));
                        }
                        let mut count = 0i64;
                        let mut sum: Option<i64> = None;
                        // type-check the argument once even over no rows
                        let nulls = vec![Value::Null; t.cols.len()];
                        let (_, at) = self.eval(x, Some((t, &nulls)), None)?;
                        if matches!(e, Expr::Sum(_)) && !at.numeric() {
                            return Err(err("42883", format!("function sum({}) does not exist", at.name())));
                        }
                        for r in rows {
                            let (v, _) = self.eval(x, Some((t, r)), None)?;
                            if let Value::Int(n) = v {
                                count += 1;
                                sum = Some(
                                    sum.unwrap_or(0)
                                        .checked_add(n)
                                        .ok_or_else(|| err("0A000", "not supported here: numeric beyond 64 bits"))?,
                                );
                            } else if v != Value::Null {
                                count += 1;
                            }
                        }
                        if matches!(e, Expr::Count(_)) {
                            (Value::Int(count), Ty::Int8)
                        } else {
                            let rt = if at == Ty::Int4 { Ty::Int8 } else { Ty::Numeric };
                            (sum.map(Value::Int).unwrap_or(Value::Null), rt)
                        }
                    }
                    _ => unreachable!(),
                }
            }
        })
    }

    fn eval_where(&self, w: Option<&Expr>, t: &Table, vals: &[Value]) -> Result<bool, SqlErr> {
        let Some(w) = w else { return Ok(true) };
        let (v, ty) = self.eval(w, Some((t, vals)), None)?;
        if !matches!(ty, Ty::Bool | Ty::Unknown) {
            return Err(err("42804", format!("argument of WHERE must be type boolean, not type {}", ty.name())));
        }
        Ok(to_bool(v, ty, "WHERE")? == Some(true))
    }

    /// Type-checks expressions as PostgreSQL's analyzer does before any row is read.
    fn analyze(&self, t: &Table, exprs: &[&Expr], where_: Option<&Expr>, stmt: &str) -> Result<(), SqlErr> {
        let nulls = vec![Value::Null; t.cols.len()];
        if let Some(w) = where_ {
            if w.is_aggregate() {
                return Err(err("42803", "aggregate functions are not allowed in WHERE"));
            }
            self.eval_where(Some(w), t, &nulls)?;
        }
        for e in exprs {
            if e.is_aggregate() {
                return Err(err("42803", format!("aggregate functions are not allowed in {stmt}")));
            }
            self.eval(e, Some((t, &nulls)), None)?;
        }
        Ok(())
    }

    fn project(&self, items: &[SelectItem], t: &Table, vals: &[Value]) -> Result<Vec<Value>, SqlErr> {
        let mut out = Vec::new();
        for it in items {
            match it {
                SelectItem::Star => out.extend(vals.iter().cloned()),
                SelectItem::Expr { expr, .. } => out.push(self.eval(expr, Some((t, vals)), None)?.0),
            }
        }
        Ok(out)
    }

    // ---- SELECT ----------------------------------------------------------------------------------------------

    fn exec_select(&mut self, s: usize, ex: &mut Exec, sel: &Select) -> Result<Option<Reply>, SqlErr> {
        let Some(tname) = &sel.from else {
            return self.select_no_from(sel).map(Some);
        };
        if ex.phase == Phase::Start {
            let t = self.table_index(tname)?;
            ex.table = t;
            let table = &self.tables[t];
            let has_agg = sel.items.iter().any(|i| matches!(i, SelectItem::Expr { expr, .. } if expr.is_aggregate()));
            if let Some(l) = &sel.lock {
                if has_agg {
                    return Err(err("0A000", format!("{} is not allowed with aggregate functions", l.mode.sql())));
                }
            }
            if let Some(w) = &sel.where_ {
                if w.is_aggregate() {
                    return Err(err("42803", "aggregate functions are not allowed in WHERE"));
                }
            }
            let nulls = vec![Value::Null; table.cols.len()];
            self.eval_where(sel.where_.as_ref(), table, &nulls)?;
            if has_agg {
                let none: Vec<Vec<Value>> = vec![];
                for it in &sel.items {
                    match it {
                        SelectItem::Star => {
                            return Err(err(
                                "42803",
                                format!(
                                    "column \"{}.{}\" must appear in the GROUP BY clause or be used in an aggregate \
                                     function",
                                    table.name, table.cols[0].name
                                ),
                            ))
                        }
                        SelectItem::Expr { expr, .. } => {
                            self.eval(expr, Some((table, &nulls)), Some(&none))?;
                        }
                    }
                }
            } else {
                for it in &sel.items {
                    if let SelectItem::Expr { expr, .. } = it {
                        self.eval(expr, Some((table, &nulls)), None)?;
                    }
                }
            }
            for o in &sel.order_by {
                if !matches!(o.expr, Expr::Int(_)) && !has_agg {
                    let e = order_expr(&o.expr, &sel.items);
                    self.eval(e, Some((table, &nulls)), None)?;
                }
            }
            if let Some(n) = sel.limit {
                if n < 0 {
                    return Err(err("2201W", "LIMIT must not be negative"));
                }
            }
            if self.sessions[s].txn.as_ref().is_some_and(|t| t.iso == Isolation::RepeatableRead) {
                self.statement_snapshot(s);
            }
            ex.phase = Phase::Lock;
        }
        if ex.phase == Phase::Lock {
            let mode = if sel.lock.is_some() { TableLockMode::RowShare } else { TableLockMode::AccessShare };
            match self.lock(s, LockTag::Relation(ex.table), mode, false)? {
                Acquire::Granted => {}
                _ => return Ok(None),
            }
            let snap = self.statement_snapshot(s);
            ex.snap = Some(snap);
            let table = &self.tables[ex.table];
            let mut cands = Vec::new();
            for (i, v) in table.heap.iter().enumerate() {
                if self.visible(v, &snap) && self.eval_where(sel.where_.as_ref(), table, &v.vals)? {
                    cands.push(i);
                }
            }
            self.access_order(&mut cands, ex.table, sel.where_.as_ref());
            let has_agg = sel.items.iter().any(|i| matches!(i, SelectItem::Expr { expr, .. } if expr.is_aggregate()));
            if has_agg {
                let rows: Vec<Vec<Value>> = cands.iter().map(|&i| table.heap[i].vals.clone()).collect();
                let mut out = Vec::new();
                for it in &sel.items {
                    if let SelectItem::Expr { expr, .. } = it {
                        out.push(self.eval(expr, Some((table, &[])), Some(&rows))?.0);
                    }
                }
                let mut rows_out = vec![out];
                if sel.limit == Some(0) {
                    rows_out.clear();
                }
                return Ok(Some(self.rows_reply(ex.table, &sel.items, rows_out)));
            }
            self.sort_cands(&mut cands, ex.table, sel)?;
            ex.cands = cands;
            ex.phase = Phase::Rows;
            if sel.lock.is_none() {
                let table = &self.tables[ex.table];
                let mut out = Vec::new();
                for &i in &ex.cands {
                    if sel.limit.is_some_and(|n| out.len() as i64 >= n) {
                        break;
                    }
                    out.push(self.project(&sel.items, table, &table.heap[i].vals)?);
                }
                return Ok(Some(self.rows_reply(ex.table, &sel.items, out)));
            }
        }
        let lc = sel.lock.expect("locking select");
        while ex.idx < ex.cands.len() {
            if sel.limit.is_some_and(|n| ex.out.len() as i64 >= n) {
                break;
            }
            if ex.cur.is_none() {
                ex.cur = Some(Cur {
                    ver: ex.cands[ex.idx],
                    epq: false,
                    tuple_lock: None,
                    written: None,
                    check_unique: false,
                });
            }
            match self.process_row(s, ex, Target::Lock(lc.mode), lc.wait, sel.where_.as_ref())? {
                RowOut::Wait => return Ok(None),
                RowOut::Done => {
                    let ver = ex.cur.as_ref().expect("row in progress").ver;
                    let table = &self.tables[ex.table];
                    let vals = table.heap[ver].vals.clone();
                    ex.out.push(self.project(&sel.items, table, &vals)?);
                }
                RowOut::Skip => {}
            }
            self.finish_row(s, ex);
        }
        let out = std::mem::take(&mut ex.out);
        Ok(Some(self.rows_reply(ex.table, &sel.items, out)))
    }

    fn finish_row(&mut self, s: usize, ex: &mut Exec) {
        if let Some(c) = ex.cur.take() {
            if let Some(m) = c.tuple_lock {
                let row = self.tables[ex.table].heap[c.ver].row;
                let w = self.lm.release(s, LockTag::Tuple(ex.table, row), m);
                self.wake(w);
            }
        }
        ex.idx += 1;
    }

    fn select_no_from(&self, sel: &Select) -> Result<Reply, SqlErr> {
        if sel.lock.is_some() || sel.where_.is_some() || !sel.order_by.is_empty() {
            return Err(err("0A000", "not supported here: WHERE, ORDER BY or FOR UPDATE without FROM"));
        }
        let mut cols = Vec::new();
        let mut row = Vec::new();
        for it in &sel.items {
            match it {
                SelectItem::Star => return Err(err("42601", "SELECT * with no tables specified is not valid")),
                SelectItem::Expr { expr, alias } => {
                    let (v, _) = self.eval(expr, None, None)?;
                    cols.push(alias.clone().unwrap_or_else(|| column_name(expr)));
                    row.push(v.text());
                }
            }
        }
        let rows = if sel.limit == Some(0) { vec![] } else { vec![row] };
        Ok(Reply::Rows { columns: cols, rows })
    }

    fn rows_reply(&self, t: usize, items: &[SelectItem], rows: Vec<Vec<Value>>) -> Reply {
        let table = &self.tables[t];
        let mut columns = Vec::new();
        for it in items {
            match it {
                SelectItem::Star => columns.extend(table.cols.iter().map(|c| c.name.clone())),
                SelectItem::Expr { expr, alias } => columns.push(alias.clone().unwrap_or_else(|| column_name(expr))),
            }
        }
        Reply::Rows { columns, rows: rows.into_iter().map(|r| r.iter().map(Value::text).collect()).collect() }
    }

    /// The order the scan PostgreSQL plans returns rows in. On a table that has never been vacuumed the planner
    /// assumes 10 pages, so a WHERE with a condition an index can answer (`=`, `<`, `>`, `<=`, `>=`, `IN`,
    /// `IS NULL` on an indexed column, or an OR of such) becomes an index or bitmap heap scan: rows come in the
    /// order of the heap positions their index entries point at (a HOT-updated row keeps its place). Otherwise a
    /// sequential scan returns versions in physical order (an updated row's new version at the end).
    fn access_order(&self, cands: &mut [usize], t: usize, where_: Option<&Expr>) {
        let table = &self.tables[t];
        if where_.is_some_and(|w| indexable(w, &table.key_cols, table)) {
            cands.sort_by_key(|&i| table.heap[i].root);
        }
    }

    fn sort_cands(&self, cands: &mut Vec<usize>, t: usize, sel: &Select) -> Result<(), SqlErr> {
        if sel.order_by.is_empty() {
            return Ok(());
        }
        let table = &self.tables[t];
        let mut keyed: Vec<(Vec<Value>, usize)> = Vec::new();
        for &i in cands.iter() {
            let vals = &table.heap[i].vals;
            let mut key = Vec::new();
            for o in &sel.order_by {
                let v = match &o.expr {
                    Expr::Int(n) => {
                        let proj = self.project(&sel.items, table, vals)?;
                        let k = *n;
                        if k < 1 || k as usize > proj.len() {
                            return Err(err("42P10", format!("ORDER BY position {k} is not in select list")));
                        }
                        proj[k as usize - 1].clone()
                    }
                    e => self.eval(order_expr(e, &sel.items), Some((table, vals)), None)?.0,
                };
                key.push(v);
            }
            keyed.push((key, i));
        }
        let desc: Vec<bool> = sel.order_by.iter().map(|o| o.desc).collect();
        keyed.sort_by(|a, b| {
            for (k, d) in desc.iter().enumerate() {
                let o = cmp_sort(&a.0[k], &b.0[k]);
                let o = if *d { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        *cands = keyed.into_iter().map(|k| k.1).collect();
        Ok(())
    }

    // ---- UPDATE / DELETE -------------------------------------------------------------------------------------

    fn exec_modify(
        &mut self,
        s: usize,
        ex: &mut Exec,
        tname: &str,
        sets: Option<&Vec<(String, Expr)>>,
        where_: Option<&Expr>,
        returning: Option<&[SelectItem]>,
    ) -> Result<Option<Reply>, SqlErr> {
        if ex.phase == Phase::Start {
            let t = self.table_index(tname)?;
            ex.table = t;
            let table = &self.tables[t];
            let mut exprs: Vec<&Expr> = Vec::new();
            if let Some(sets) = sets {
                for (c, e) in sets {
                    let Some(ci) = table.cols.iter().position(|x| &x.name == c) else {
                        return Err(err(
                            "42703",
                            format!("column \"{c}\" of relation \"{}\" does not exist", table.name),
                        ));
                    };
                    if sets.iter().filter(|(d, _)| d == c).count() > 1 {
                        return Err(err("42601", format!("multiple assignments to same column \"{c}\"")));
                    }
                    if e.is_aggregate() {
                        return Err(err("42803", "aggregate functions are not allowed in UPDATE"));
                    }
                    let nulls = vec![Value::Null; table.cols.len()];
                    let (v, ty) = self.eval(e, Some((table, &nulls)), None)?;
                    if v != Value::Null || ty != Ty::Unknown {
                        coerce_type_only(ty, &table.cols[ci])?;
                    }
                    if let Value::Text(_) = v {
                        if ty == Ty::Unknown {
                            coerce(v, ty, &table.cols[ci], &table.name)?;
                        }
                    }
                }
            }
            if let Some(r) = returning {
                for it in r {
                    if let SelectItem::Expr { expr, .. } = it {
                        exprs.push(expr);
                    }
                }
            }
            let stmt = if sets.is_some() { "UPDATE" } else { "DELETE" };
            self.analyze(table, &exprs, where_, if returning.is_some() { "RETURNING" } else { stmt })?;
            if self.sessions[s].txn.as_ref().is_some_and(|t| t.iso == Isolation::RepeatableRead) {
                self.statement_snapshot(s);
            }
            ex.phase = Phase::Lock;
        }
        if ex.phase == Phase::Lock {
            match self.lock(s, LockTag::Relation(ex.table), TableLockMode::RowExclusive, false)? {
                Acquire::Granted => {}
                _ => return Ok(None),
            }
            let snap = self.statement_snapshot(s);
            ex.snap = Some(snap);
            let table = &self.tables[ex.table];
            let mut cands = Vec::new();
            for (i, v) in table.heap.iter().enumerate() {
                if self.visible(v, &snap) && self.eval_where(where_, table, &v.vals)? {
                    cands.push(i);
                }
            }
            self.access_order(&mut cands, ex.table, where_);
            ex.cands = cands;
            ex.phase = Phase::Rows;
        }
        let target = match sets {
            Some(sets) => Target::Update(sets),
            None => Target::Delete,
        };
        while ex.idx < ex.cands.len() {
            if ex.cur.is_none() {
                ex.cur = Some(Cur {
                    ver: ex.cands[ex.idx],
                    epq: false,
                    tuple_lock: None,
                    written: None,
                    check_unique: false,
                });
            }
            match self.process_row(s, ex, target, WaitPolicy::Block, where_)? {
                RowOut::Wait => return Ok(None),
                RowOut::Done => {
                    ex.count += 1;
                    if let Some(r) = returning {
                        let c = ex.cur.as_ref().expect("row in progress");
                        let ver = c.written.unwrap_or(c.ver);
                        let table = &self.tables[ex.table];
                        let vals = table.heap[ver].vals.clone();
                        ex.out.push(self.project(r, table, &vals)?);
                    }
                }
                RowOut::Skip => {}
            }
            self.finish_row(s, ex);
        }
        if let Some(r) = returning {
            let out = std::mem::take(&mut ex.out);
            return Ok(Some(self.rows_reply(ex.table, r, out)));
        }
        let tag = if sets.is_some() { format!("UPDATE {}", ex.count) } else { format!("DELETE {}", ex.count) };
        Ok(Some(Reply::Command { tag }))
    }

    fn new_values(&self, t: usize, old: &[Value], sets: &[(String, Expr)]) -> Result<Vec<Value>, SqlErr> {
        let table = &self.tables[t];
        let mut vals = old.to_vec();
        for (c, e) in sets {
            let ci = table.cols.iter().position(|x| &x.name == c).expect("checked in analyze");
            let (v, ty) = self.eval(e, Some((table, old)), None)?;
            vals[ci] = coerce(v, ty, &table.cols[ci], &table.name)?;
        }
        Ok(vals)
    }

    /// Locks (and updates or deletes) the current row, as heap_lock_tuple / heap_update / heap_delete and the
    /// executor's EvalPlanQual do.
    fn process_row(
        &mut self,
        s: usize,
        ex: &mut Exec,
        target: Target<'_>,
        policy: WaitPolicy,
        where_: Option<&Expr>,
    ) -> Result<RowOut, SqlErr> {
        let t = ex.table;
        let iso = self.sessions[s].txn.as_ref().expect("in a transaction").iso;
        let my_top = self.sessions[s].txn.as_ref().expect("in a transaction").top;
        let cur_xid = self.sessions[s].txn.as_ref().expect("in a transaction").cur();
        let cid = ex.snap.expect("snapshot taken").cid;
        loop {
            let c = ex.cur.clone().expect("row in progress");
            if let Some(w) = c.written {
                if !c.check_unique {
                    return Ok(RowOut::Done);
                }
                // The new version is in the heap; its unique check is what may still wait.
                return self.unique_wait(s, t, w).map(|done| if done { RowOut::Done } else { RowOut::Wait });
            }
            let v = self.tables[t].heap[c.ver].clone();
            let row = v.row;
            let mode = match target {
                Target::Lock(m) => m,
                Target::Delete => RowLockMode::Update,
                Target::Update(sets) => {
                    let nv = self.new_values(t, &v.vals, sets)?;
                    if self.tables[t].key_cols.iter().any(|&k| nv[k] != v.vals[k]) {
                        RowLockMode::Update
                    } else {
                        RowLockMode::NoKeyUpdate
                    }
                }
            };
            let mut wait_xid: Option<Xid> = None;
            if v.xmax != 0 && self.status(v.xmax) != XState::Aborted {
                if self.top_of(v.xmax) == my_top {
                    // Updated or deleted by this very command (or one after the snapshot): PostgreSQL skips it.
                    return Ok(RowOut::Skip);
                }
                match self.status(v.xmax) {
                    XState::InProgress => {
                        let held = if v.key_upd { RowLockMode::Update } else { RowLockMode::NoKeyUpdate };
                        if mode.conflicts(held) {
                            wait_xid = Some(v.xmax);
                        }
                    }
                    _ if !mode.conflicts(self.chain_mode(t, c.ver)) => {
                        // FOR KEY SHARE of a row whose key a committed update left alone: heap_lock_tuple locks
                        // the version it was given (no serialization failure, no re-read).
                    }
                    _ => {
                        // committed
                        if iso == Isolation::RepeatableRead {
                            let what = if v.next.is_some() { "update" } else { "delete" };
                            return Err(err("40001", format!("could not serialize access due to concurrent {what}")));
                        }
                        match v.next {
                            None => return Ok(RowOut::Skip),
                            Some(n) => {
                                let cc = ex.cur.as_mut().expect("row in progress");
                                cc.ver = n;
                                cc.epq = true;
                                continue;
                            }
                        }
                    }
                }
            }
            if wait_xid.is_none() {
                wait_xid = self
                    .row_locks
                    .iter()
                    .find(|l| {
                        l.table == t
                            && l.row == row
                            && l.session != s
                            && self.status(l.xid) == XState::InProgress
                            && mode.conflicts(l.mode)
                    })
                    .map(|l| l.xid);
            }
            if wait_xid.is_none() {
                // heap_lock_updated_tuple: locking a version that an in-progress transaction updated also locks its
                // newer versions, and waits for a conflicting updater there whatever NOWAIT / SKIP LOCKED say.
                let mut next = v.next;
                let mut chain_wait = None;
                while let Some(n) = next {
                    let w = &self.tables[t].heap[n];
                    if w.xmax != 0 && self.status(w.xmax) == XState::InProgress && self.top_of(w.xmax) != my_top {
                        let held = if w.key_upd { RowLockMode::Update } else { RowLockMode::NoKeyUpdate };
                        if mode.conflicts(held) {
                            chain_wait = Some(w.xmax);
                            break;
                        }
                    }
                    next = w.next;
                }
                if let Some(x) = chain_wait {
                    match self.lock(s, LockTag::Xid(x), TableLockMode::Share, false)? {
                        Acquire::Granted => {
                            let w = self.lm.release(s, LockTag::Xid(x), TableLockMode::Share);
                            self.wake(w);
                            continue;
                        }
                        _ => return Ok(RowOut::Wait),
                    }
                }
            }
            if let Some(x) = wait_xid {
                match policy {
                    WaitPolicy::SkipLocked => return Ok(RowOut::Skip),
                    WaitPolicy::NoWait => {
                        return Err(err(
                            "55P03",
                            format!("could not obtain lock on row in relation \"{}\"", self.tables[t].name),
                        ))
                    }
                    WaitPolicy::Block => {
                        let tm = row_to_tuple_mode(mode);
                        if c.tuple_lock.is_none() {
                            match self.lock(s, LockTag::Tuple(t, row), tm, false)? {
                                Acquire::Granted => ex.cur.as_mut().expect("row").tuple_lock = Some(tm),
                                _ => return Ok(RowOut::Wait),
                            }
                        }
                        match self.lock(s, LockTag::Xid(x), TableLockMode::Share, false)? {
                            Acquire::Granted => {
                                let w = self.lm.release(s, LockTag::Xid(x), TableLockMode::Share);
                                self.wake(w);
                                continue;
                            }
                            _ => return Ok(RowOut::Wait),
                        }
                    }
                }
            }
            // The row is ours. After following an update chain, the lock is taken first, then WHERE re-checked.
            if c.epq {
                self.add_row_lock(s, t, row, cur_xid, mode);
                if !self.eval_where(where_, &self.tables[t], &v.vals)? {
                    return Ok(RowOut::Skip);
                }
            }
            match target {
                Target::Lock(m) => {
                    self.add_row_lock(s, t, row, cur_xid, m);
                    return Ok(RowOut::Done);
                }
                Target::Delete => {
                    let ver = &mut self.tables[t].heap[c.ver];
                    ver.xmax = cur_xid;
                    ver.cmax = cid;
                    ver.key_upd = true;
                    return Ok(RowOut::Done);
                }
                Target::Update(sets) => {
                    let nv = self.new_values(t, &v.vals, sets)?;
                    self.check_not_null(t, &nv)?;
                    if self.total_versions() >= MAX_ROW_VERSIONS {
                        return Err(limit_err());
                    }
                    let key_changed = self.tables[t].key_cols.iter().any(|&k| nv[k] != v.vals[k]);
                    let uniq_changed =
                        self.tables[t].uniques.iter().any(|u| u.cols.iter().any(|&k| nv[k] != v.vals[k]));
                    let table = &mut self.tables[t];
                    let new_idx = table.heap.len();
                    // HOT: no indexed column changed, so no new index entry; the version hangs off the chain's root.
                    let root = if uniq_changed { new_idx } else { table.heap[c.ver].root };
                    table.heap.push(Version {
                        row,
                        vals: nv,
                        xmin: cur_xid,
                        cmin: cid,
                        xmax: 0,
                        cmax: 0,
                        key_upd: false,
                        next: None,
                        root,
                        indexed: !uniq_changed,
                    });
                    let old = &mut table.heap[c.ver];
                    old.xmax = cur_xid;
                    old.cmax = cid;
                    old.key_upd = key_changed;
                    old.next = Some(new_idx);
                    let cc = ex.cur.as_mut().expect("row");
                    cc.written = Some(new_idx);
                    cc.check_unique = uniq_changed;
                    continue;
                }
            }
        }
    }

    /// The strongest mode the committed updates from version `ver` onwards took: FOR UPDATE if one of them
    /// changed the key or deleted the row, else FOR NO KEY UPDATE.
    fn chain_mode(&self, t: usize, ver: usize) -> RowLockMode {
        let mut next = Some(ver);
        while let Some(n) = next {
            let w = &self.tables[t].heap[n];
            if w.xmax != 0 && self.status(w.xmax) == XState::Committed && w.key_upd {
                return RowLockMode::Update;
            }
            next = w.next;
        }
        RowLockMode::NoKeyUpdate
    }

    fn add_row_lock(&mut self, s: usize, t: usize, row: usize, xid: Xid, mode: RowLockMode) {
        let my_top = self.top_of(xid);
        let stronger = self.row_locks.iter().any(|l| {
            l.table == t
                && l.row == row
                && self.top_of(l.xid) == my_top
                && l.mode >= mode
                && self.status(l.xid) == XState::InProgress
        });
        if !stronger {
            self.row_locks.push(RowLock { table: t, row, xid, session: s, mode });
        }
    }

    fn check_not_null(&self, t: usize, vals: &[Value]) -> Result<(), SqlErr> {
        let table = &self.tables[t];
        for (c, v) in table.cols.iter().zip(vals) {
            if c.not_null && *v == Value::Null {
                return Err(err(
                    "23502",
                    format!(
                        "null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                        c.name, table.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The unique check of a new version (_bt_check_unique with a dirty snapshot): true when it passed, false when
    /// the session now waits for the transaction that inserted or deleted a conflicting version.
    fn unique_wait(&mut self, s: usize, t: usize, new_idx: usize) -> Result<bool, SqlErr> {
        loop {
            let my_top = self.sessions[s].txn.as_ref().expect("in a transaction").top;
            let table = &self.tables[t];
            let nv = &table.heap[new_idx];
            let mut wait: Option<Xid> = None;
            'outer: for u in table.uniques.iter() {
                if u.cols.iter().any(|&k| nv.vals[k] == Value::Null) {
                    continue;
                }
                for (i, w) in table.heap.iter().enumerate() {
                    if i == new_idx || !w.indexed || u.cols.iter().any(|&k| w.vals[k] != nv.vals[k]) {
                        continue;
                    }
                    let xs = self.status(w.xmin);
                    if xs == XState::Aborted {
                        continue;
                    }
                    if xs == XState::InProgress && self.top_of(w.xmin) != my_top {
                        wait = Some(w.xmin);
                        break 'outer;
                    }
                    if w.xmax != 0 {
                        match self.status(w.xmax) {
                            XState::Aborted => {}
                            _ if self.top_of(w.xmax) == my_top => continue,
                            XState::Committed => continue,
                            XState::InProgress => {
                                wait = Some(w.xmax);
                                break 'outer;
                            }
                        }
                    }
                    return Err(err("23505", format!("duplicate key value violates unique constraint \"{}\"", u.name)));
                }
            }
            let Some(x) = wait else {
                self.tables[t].heap[new_idx].indexed = true;
                return Ok(true);
            };
            match self.lock(s, LockTag::Xid(x), TableLockMode::Share, false)? {
                Acquire::Granted => {
                    let w = self.lm.release(s, LockTag::Xid(x), TableLockMode::Share);
                    self.wake(w);
                }
                _ => return Ok(false),
            }
        }
    }

    // ---- INSERT ----------------------------------------------------------------------------------------------

    fn exec_insert(
        &mut self,
        s: usize,
        ex: &mut Exec,
        tname: &str,
        columns: Option<&[String]>,
        rows: &[Vec<Expr>],
        returning: Option<&[SelectItem]>,
    ) -> Result<Option<Reply>, SqlErr> {
        if ex.phase == Phase::Start {
            let t = self.table_index(tname)?;
            ex.table = t;
            let table = &self.tables[t];
            let targets: Vec<usize> = match columns {
                None => (0..table.cols.len()).collect(),
                Some(names) => {
                    let mut v = Vec::new();
                    for n in names {
                        let Some(i) = table.cols.iter().position(|c| &c.name == n) else {
                            return Err(err(
                                "42703",
                                format!("column \"{n}\" of relation \"{}\" does not exist", table.name),
                            ));
                        };
                        if v.contains(&i) {
                            return Err(err("42701", format!("column \"{n}\" specified more than once")));
                        }
                        v.push(i);
                    }
                    v
                }
            };
            let mut computed = Vec::new();
            for r in rows {
                if r.len() > targets.len() {
                    return Err(err("42601", "INSERT has more expressions than target columns"));
                }
                if r.len() < targets.len() && columns.is_some() {
                    return Err(err("42601", "INSERT has more target columns than expressions"));
                }
                let mut vals = vec![Value::Null; table.cols.len()];
                for (ci, c) in table.cols.iter().enumerate() {
                    if let Some(d) = &c.default {
                        let (v, ty) = self.eval(d, None, None)?;
                        vals[ci] = coerce(v, ty, c, &table.name)?;
                    }
                }
                for (k, e) in r.iter().enumerate() {
                    if e.is_aggregate() {
                        return Err(err("42803", "aggregate functions are not allowed in VALUES"));
                    }
                    let ci = targets[k];
                    let (v, ty) = self.eval(e, None, None)?;
                    vals[ci] = coerce(v, ty, &table.cols[ci], &table.name)?;
                }
                computed.push(vals);
            }
            if let Some(r) = returning {
                let exprs: Vec<&Expr> = r
                    .iter()
                    .filter_map(|i| match i {
                        SelectItem::Expr { expr, .. } => Some(expr),
                        _ => None,
                    })
                    .collect();
                self.analyze(table, &exprs, None, "RETURNING")?;
            }
            ex.ins_rows = computed;
            if self.sessions[s].txn.as_ref().is_some_and(|t| t.iso == Isolation::RepeatableRead) {
                self.statement_snapshot(s);
            }
            ex.phase = Phase::Lock;
        }
        if ex.phase == Phase::Lock {
            match self.lock(s, LockTag::Relation(ex.table), TableLockMode::RowExclusive, false)? {
                Acquire::Granted => {}
                _ => return Ok(None),
            }
            ex.snap = Some(self.statement_snapshot(s));
            ex.phase = Phase::Rows;
        }
        let t = ex.table;
        let cid = ex.snap.expect("snapshot").cid;
        while ex.idx < ex.ins_rows.len() {
            if let Some(c) = &ex.cur {
                let w = c.written.expect("insert writes first");
                if !self.unique_wait(s, t, w)? {
                    return Ok(None);
                }
            } else {
                let vals = ex.ins_rows[ex.idx].clone();
                self.check_not_null(t, &vals)?;
                if self.total_versions() >= MAX_ROW_VERSIONS {
                    return Err(limit_err());
                }
                let xid = self.sessions[s].txn.as_ref().expect("in a transaction").cur();
                let table = &mut self.tables[t];
                let row = table.rows;
                table.rows += 1;
                let root = table.heap.len();
                table.heap.push(Version {
                    row,
                    vals,
                    xmin: xid,
                    cmin: cid,
                    xmax: 0,
                    cmax: 0,
                    key_upd: false,
                    next: None,
                    root,
                    indexed: false,
                });
                let idx = table.heap.len() - 1;
                ex.cur = Some(Cur { ver: idx, epq: false, tuple_lock: None, written: Some(idx), check_unique: true });
                continue;
            }
            let w = ex.cur.take().expect("row").written.expect("written");
            if let Some(r) = returning {
                let table = &self.tables[t];
                let vals = table.heap[w].vals.clone();
                ex.out.push(self.project(r, table, &vals)?);
            }
            ex.idx += 1;
        }
        if let Some(r) = returning {
            let out = std::mem::take(&mut ex.out);
            return Ok(Some(self.rows_reply(t, r, out)));
        }
        Ok(Some(Reply::Command { tag: format!("INSERT 0 {}", ex.ins_rows.len()) }))
    }
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Lock(RowLockMode),
    Update(&'a Vec<(String, Expr)>),
    Delete,
}

fn limit_err() -> SqlErr {
    err("54000", format!("the engine holds at most {MAX_ROW_VERSIONS} row versions (live and dead)"))
}

/// Can a btree index on one of `key_cols` answer this WHERE (some AND-ed condition, or every arm of an OR)?
fn indexable(w: &Expr, key_cols: &[usize], t: &Table) -> bool {
    let is_key = |e: &Expr| match e {
        Expr::Column(c) => t.cols.iter().position(|x| &x.name == c).is_some_and(|i| key_cols.contains(&i)),
        _ => false,
    };
    let is_const = |e: &Expr| match e {
        Expr::Int(_) | Expr::Str(_) | Expr::Bool(_) | Expr::Null => true,
        Expr::Neg(x) => matches!(**x, Expr::Int(_)),
        _ => false,
    };
    match w {
        Expr::Binary(BinOp::And, a, b) => indexable(a, key_cols, t) || indexable(b, key_cols, t),
        Expr::Binary(BinOp::Or, a, b) => indexable(a, key_cols, t) && indexable(b, key_cols, t),
        Expr::Binary(BinOp::Eq | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, a, b) => {
            (is_key(a) && is_const(b)) || (is_const(a) && is_key(b))
        }
        Expr::InList { expr, list, negated: false } => is_key(expr) && list.iter().all(is_const),
        Expr::IsNull { expr, negated: false } => is_key(expr),
        _ => false,
    }
}

/// ORDER BY a name of the select list's output (an alias) sorts by that item.
fn order_expr<'a>(e: &'a Expr, items: &'a [SelectItem]) -> &'a Expr {
    if let Expr::Column(n) = e {
        for it in items {
            if let SelectItem::Expr { expr, alias: Some(a) } = it {
                if a == n {
                    return expr;
                }
            }
        }
    }
    e
}

/// PostgreSQL's output column name for an unaliased expression.
fn column_name(e: &Expr) -> String {
    match e {
        Expr::Column(c) => c.clone(),
        Expr::CountStar | Expr::Count(_) => "count".into(),
        Expr::Sum(_) => "sum".into(),
        _ => "?column?".into(),
    }
}

/// Sort order: NULLs last (ascending), as PostgreSQL's default.
fn cmp_sort(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

fn range(n: Option<i64>, t: Ty) -> Result<i64, SqlErr> {
    let n = n.ok_or_else(|| out_of_range(t))?;
    if t == Ty::Int4 && i32::try_from(n).is_err() {
        return Err(out_of_range(t));
    }
    Ok(n)
}

fn out_of_range(t: Ty) -> SqlErr {
    match t {
        Ty::Int4 => err("22003", "integer out of range"),
        Ty::Int8 => err("22003", "bigint out of range"),
        _ => err("0A000", "not supported here: numeric beyond 64 bits"),
    }
}

fn parse_int(s: &str, t: Ty) -> Result<i64, SqlErr> {
    let name = if t == Ty::Numeric { "numeric" } else { t.name() };
    let n: i64 =
        s.trim().parse().map_err(|_| err("22P02", format!("invalid input syntax for type {name}: \"{s}\"")))?;
    range(Some(n), t)
}

fn parse_bool(s: &str) -> Result<bool, SqlErr> {
    match s.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Ok(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Ok(false),
        _ => Err(err("22P02", format!("invalid input syntax for type boolean: \"{s}\""))),
    }
}

fn to_bool(v: Value, t: Ty, ctx: &str) -> Result<Option<bool>, SqlErr> {
    match (v, t) {
        (Value::Null, Ty::Bool | Ty::Unknown) => Ok(None),
        (Value::Bool(b), _) => Ok(Some(b)),
        (Value::Text(s), Ty::Unknown) => parse_bool(&s).map(Some),
        (_, t) => Err(err("42804", format!("argument of {ctx} must be type boolean, not type {}", t.name()))),
    }
}

/// Unknown-typed literals take the other operand's type, as PostgreSQL's operator resolution does.
fn unify(va: Value, ta: Ty, vb: Value, tb: Ty) -> Result<(Value, Value, Ty, Ty), SqlErr> {
    let conv = |v: Value, to: Ty| -> Result<Value, SqlErr> {
        match v {
            Value::Text(s) if to.numeric() => Ok(Value::Int(parse_int(&s, to)?)),
            Value::Text(s) if to == Ty::Bool => Ok(Value::Bool(parse_bool(&s)?)),
            v => Ok(v),
        }
    };
    match (ta, tb) {
        (Ty::Unknown, Ty::Unknown) => Ok((va, vb, Ty::Text, Ty::Text)),
        (Ty::Unknown, t) => Ok((conv(va, t)?, vb, t, t)),
        (t, Ty::Unknown) => Ok((va, conv(vb, t)?, t, t)),
        _ => Ok((va, vb, ta, tb)),
    }
}

fn binary(op: BinOp, va: Value, ta: Ty, vb: Value, tb: Ty) -> Result<(Value, Ty), SqlErr> {
    match op {
        BinOp::And | BinOp::Or => {
            let name = if op == BinOp::And { "AND" } else { "OR" };
            let a = to_bool(va, ta, name)?;
            let b = to_bool(vb, tb, name)?;
            let r = match (op, a, b) {
                (BinOp::And, Some(false), _) | (BinOp::And, _, Some(false)) => Some(false),
                (BinOp::And, Some(true), Some(true)) => Some(true),
                (BinOp::Or, Some(true), _) | (BinOp::Or, _, Some(true)) => Some(true),
                (BinOp::Or, Some(false), Some(false)) => Some(false),
                _ => None,
            };
            Ok((r.map(Value::Bool).unwrap_or(Value::Null), Ty::Bool))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul => {
            let (va, vb, ta, tb) = unify(va, ta, vb, tb)?;
            let (ta, tb) = if ta == Ty::Text && tb == Ty::Text && matches!((&va, &vb), (Value::Null, Value::Null)) {
                (Ty::Int4, Ty::Int4)
            } else {
                (ta, tb)
            };
            if !ta.numeric() || !tb.numeric() {
                return Err(err("42883", format!("operator does not exist: {} {} {}", ta.name(), op.sql(), tb.name())));
            }
            let rt = ta.max_num(tb);
            match (va, vb) {
                (Value::Int(a), Value::Int(b)) => {
                    let r = match op {
                        BinOp::Add => a.checked_add(b),
                        BinOp::Sub => a.checked_sub(b),
                        _ => a.checked_mul(b),
                    };
                    Ok((Value::Int(range(r, rt)?), rt))
                }
                _ => Ok((Value::Null, rt)),
            }
        }
        _ => {
            let (va, vb, ta, tb) = unify(va, ta, vb, tb)?;
            let ok = (ta.numeric() && tb.numeric()) || ta == tb;
            if !ok {
                return Err(err("42883", format!("operator does not exist: {} {} {}", ta.name(), op.sql(), tb.name())));
            }
            if va == Value::Null || vb == Value::Null {
                return Ok((Value::Null, Ty::Bool));
            }
            let o = cmp_sort(&va, &vb);
            let r = match op {
                BinOp::Eq => o == Ordering::Equal,
                BinOp::Ne => o != Ordering::Equal,
                BinOp::Lt => o == Ordering::Less,
                BinOp::Le => o != Ordering::Greater,
                BinOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            };
            Ok((Value::Bool(r), Ty::Bool))
        }
    }
}

impl Ty {
    fn max_num(self, o: Ty) -> Ty {
        let rank = |t: Ty| match t {
            Ty::Int4 => 0,
            Ty::Int8 => 1,
            _ => 2,
        };
        if rank(self) >= rank(o) {
            self
        } else {
            o
        }
    }
}

/// Whether an expression of type `ty` may be assigned to the column at all (PostgreSQL's assignment casts).
fn coerce_type_only(ty: Ty, c: &Column) -> Result<(), SqlErr> {
    let ok = match Ty::of(c.ty) {
        t if t.numeric() => ty.numeric() || ty == Ty::Unknown,
        Ty::Text => true,
        Ty::Bool => ty == Ty::Bool || ty == Ty::Unknown,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(err(
            "42804",
            format!("column \"{}\" is of type {} but expression is of type {}", c.name, c.ty.name(), ty.name()),
        ))
    }
}

/// The value stored for an assignment to column `c`.
fn coerce(v: Value, ty: Ty, c: &Column, _table: &str) -> Result<Value, SqlErr> {
    if v == Value::Null {
        return Ok(Value::Null);
    }
    coerce_type_only(ty, c)?;
    let ct = Ty::of(c.ty);
    Ok(match (v, ct) {
        (Value::Int(n), t) if t.numeric() => Value::Int(range(Some(n), t)?),
        (Value::Text(s), t) if t.numeric() => Value::Int(parse_int(&s, t)?),
        (Value::Text(s), Ty::Bool) => Value::Bool(parse_bool(&s)?),
        (Value::Int(n), Ty::Text) => Value::Text(n.to_string()),
        (Value::Bool(b), Ty::Text) => Value::Text(if b { "true" } else { "false" }.into()),
        (v, _) => v,
    })
}

// ---- the visualizer's view -----------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionSnapshot {
    /// The logical row (versions of one row share it).
    pub row: usize,
    pub values: Vec<Option<String>>,
    pub xmin: Xid,
    /// "committed", "aborted" or "in progress".
    pub xmin_state: &'static str,
    /// The session that created it (None: the setup).
    pub xmin_session: Option<usize>,
    pub xmax: Option<Xid>,
    pub xmax_state: Option<&'static str>,
    pub xmax_session: Option<usize>,
    /// Visible to a new snapshot taken now by an outside observer (committed and not deleted by a committed txn).
    pub live: bool,
    /// Is this the newest version of its row?
    pub newest: bool,
    /// Row locks held on this row (on the newest version only): (session, mode as SQL).
    pub lockers: Vec<(usize, &'static str)>,
    /// Sessions waiting for this row (its tuple lock or its holders' transactions), in queue order.
    pub waiters: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableSnapshot {
    pub name: String,
    pub columns: Vec<String>,
    pub versions: Vec<VersionSnapshot>,
    /// Table locks granted: (session, mode as SQL).
    pub locks: Vec<(usize, &'static str)>,
    /// Table locks waited for, in queue order.
    pub lock_waiters: Vec<(usize, &'static str)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionSnapshot {
    /// "idle", "in transaction", "failed" (25P02 until ROLLBACK) or "waiting".
    pub state: &'static str,
    pub isolation: Option<&'static str>,
    pub xid: Option<Xid>,
    /// What it waits for: "row 3 of t", "table t", "transaction 7".
    pub waiting_on: Option<String>,
    pub waiting_since_ms: Option<u64>,
    pub savepoints: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaitEdge {
    pub from: usize,
    pub to: usize,
    /// Hard: `to` holds the lock; soft: `to` waits ahead of `from` in the queue for a conflicting mode.
    pub hard: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub now_ms: u64,
    pub tables: Vec<TableSnapshot>,
    pub sessions: Vec<SessionSnapshot>,
    pub edges: Vec<WaitEdge>,
}

impl Engine {
    fn xstate_name(&self, x: Xid) -> &'static str {
        match self.status(x) {
            XState::Committed => "committed",
            XState::Aborted => "aborted",
            XState::InProgress => "in progress",
        }
    }

    /// Tables, dropped ones included (as [`Engine::snapshot`] lists them).
    pub fn tables_len(&self) -> usize {
        self.tables.len()
    }

    /// The name of table `t` (< [`Engine::tables_len`]).
    pub fn table_name(&self, t: usize) -> &str {
        &self.tables[t].name
    }

    /// The column names of table `t` (< [`Engine::tables_len`]).
    pub fn column_names(&self, t: usize) -> impl Iterator<Item = &str> {
        self.tables[t].cols.iter().map(|c| c.name.as_str())
    }

    /// Every row a new transaction would read now (the snapshot's `live` versions), as (table, values), tables in
    /// order and rows in heap order: what an exploration's leaf asks, without building a [`Snapshot`].
    pub fn committed_rows(&self) -> impl Iterator<Item = (usize, &[Value])> {
        let observer = Snap { seq: self.commit_seq, top: 0, cid: 0 };
        self.tables.iter().enumerate().flat_map(move |(t, table)| {
            table.heap.iter().filter(move |v| self.visible(v, &observer)).map(move |v| (t, v.vals.as_slice()))
        })
    }

    /// For the visualizer: every table's row versions, every session's state, the waits-for edges.
    pub fn snapshot(&self) -> Snapshot {
        let observer = Snap { seq: self.commit_seq, top: 0, cid: 0 };
        let mut tables = Vec::new();
        for (ti, t) in self.tables.iter().enumerate() {
            let mut versions = Vec::new();
            for v in &t.heap {
                let newest = v.next.is_none();
                let lockers = if newest {
                    self.row_locks
                        .iter()
                        .filter(|l| l.table == ti && l.row == v.row && self.status(l.xid) == XState::InProgress)
                        .map(|l| (l.session, l.mode.sql()))
                        .collect()
                } else {
                    vec![]
                };
                let mut waiters = Vec::new();
                if newest {
                    for l in &self.lm.locks {
                        if l.tag == LockTag::Tuple(ti, v.row) {
                            waiters.extend(l.granted.iter().map(|g| g.owner));
                            waiters.extend(l.waiting.iter().map(|g| g.owner));
                        }
                    }
                }
                let xmax = (v.xmax != 0).then_some(v.xmax);
                versions.push(VersionSnapshot {
                    row: v.row,
                    values: v.vals.iter().map(Value::text).collect(),
                    xmin: v.xmin,
                    xmin_state: self.xstate_name(v.xmin),
                    xmin_session: self.setup_or_session(v.xmin),
                    xmax,
                    xmax_state: xmax.map(|x| self.xstate_name(x)),
                    xmax_session: xmax.and_then(|x| self.setup_or_session(x)),
                    live: self.visible(v, &observer),
                    newest,
                    lockers,
                    waiters,
                });
            }
            let mut locks = Vec::new();
            let mut lock_waiters = Vec::new();
            for l in &self.lm.locks {
                if l.tag == LockTag::Relation(ti) {
                    locks.extend(l.granted.iter().map(|g| (g.owner, g.mode.sql())));
                    lock_waiters.extend(l.waiting.iter().map(|g| (g.owner, g.mode.sql())));
                }
            }
            tables.push(TableSnapshot {
                name: t.name.to_string(),
                columns: t.cols.iter().map(|c| c.name.clone()).collect(),
                versions,
                locks,
                lock_waiters,
            });
        }
        let mut sessions = Vec::new();
        let mut edges = Vec::new();
        for (i, s) in self.sessions.iter().enumerate() {
            let waiting_on = self.lm.waiting_for(i).map(|(tag, _)| match tag {
                LockTag::Relation(t) => format!("table {}", self.tables[t].name),
                LockTag::Tuple(t, r) => format!("row {} of {}", r + 1, self.tables[t].name),
                LockTag::Xid(x) => format!("transaction {x}"),
            });
            let state = if s.wait.is_some() {
                "waiting"
            } else {
                match s.block {
                    Block::Idle => "idle",
                    Block::Failed => "failed",
                    _ => "in transaction",
                }
            };
            sessions.push(SessionSnapshot {
                state,
                isolation: s.txn.as_ref().map(|t| t.iso.sql()),
                xid: s.txn.as_ref().map(|t| t.top),
                waiting_on,
                waiting_since_ms: s.wait.as_ref().map(|w| w.since),
                savepoints: s
                    .txn
                    .as_ref()
                    .map(|t| t.savepoints.iter().map(|p| p.0.clone()).collect())
                    .unwrap_or_default(),
            });
            if s.wait.is_some() {
                for (to, hard) in self.lm.edges(i) {
                    edges.push(WaitEdge { from: i, to, hard });
                }
            }
        }
        Snapshot { now_ms: self.now, tables, sessions, edges }
    }

    /// The session of an xid (None for the setup's transactions, which ran before the sessions opened).
    fn setup_or_session(&self, x: Xid) -> Option<usize> {
        let xa = &self.xacts[x as usize];
        if self.setup_xids_end >= x {
            None
        } else {
            Some(xa.session)
        }
    }
}
