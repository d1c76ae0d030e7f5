//! The model: a tiny database (rows, row locks with FIFO waiters), application mutexes, and transactions that
//! run programs of steps. Shaped like a stateright `Model`: an explicit [`State`], an [`Action`] enum, enabled
//! actions in a fixed order ([`Scenario::actions`]), a pure transition ([`Scenario::next_state`]) and named
//! properties ([`PROPERTIES`]).
//!
//! The state is made of fixed-size arrays of `Copy` structs, so cloning it is one `memcpy` (a few hundred bytes):
//! exhaustive exploration clones it at every branch and a manual run keeps every state for undo.

use serde::Serialize;

/// At most this many transactions in one scenario (the schedule alphabet is `1`..`3`).
pub const MAX_TXNS: usize = 3;
/// At most this many rows.
pub const MAX_ROWS: usize = 2;
/// At most this many application mutexes (one per app server).
pub const MAX_MUTEXES: usize = 2;
/// At most this many steps in one transaction's program.
pub const MAX_STEPS: usize = 10;
/// The largest retry budget a scenario may set (attempts per transaction, the first one included).
pub const MAX_ATTEMPTS: u8 = 4;

/// A transaction's index in its scenario: 0 is shown as T1.
pub type TxnId = u8;
/// A row's index in its scenario.
pub type RowId = u8;
/// An application mutex's index (the app server that owns it).
pub type MutexId = u8;

/// The two isolation levels PostgreSQL really implements (READ UNCOMMITTED behaves as READ COMMITTED; SERIALIZABLE
/// is out of scope).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Isolation {
    /// The default: each statement sees what was committed when it began; an UPDATE that waited for a row lock
    /// re-reads the row's newest version and re-checks its WHERE clause (EvalPlanQual).
    ReadCommitted,
    /// One snapshot for the whole transaction, taken at its first statement; updating or locking a row that a
    /// concurrent transaction changed fails with 40001.
    RepeatableRead,
}

/// PostgreSQL errors the model raises. Data, not text: [`SqlError::sqlstate`] and [`SqlError::message`] give
/// PostgreSQL's exact code and message; the UI translates the explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SqlError {
    /// 40001 `could not serialize access due to concurrent update` (REPEATABLE READ).
    SerializationFailure,
    /// 40P01 `deadlock detected`.
    DeadlockDetected,
    /// 55P03 `could not obtain lock on row in relation "..."` (FOR UPDATE NOWAIT).
    LockNotAvailable,
}

impl SqlError {
    /// The SQLSTATE code, as `psql \set VERBOSITY verbose` or a driver reports it.
    pub const fn sqlstate(self) -> &'static str {
        match self {
            SqlError::SerializationFailure => "40001",
            SqlError::DeadlockDetected => "40P01",
            SqlError::LockNotAvailable => "55P03",
        }
    }

    /// The condition name from PostgreSQL's errcodes table (what PL/pgSQL's `EXCEPTION WHEN` uses).
    pub const fn condition_name(self) -> &'static str {
        match self {
            SqlError::SerializationFailure => "serialization_failure",
            SqlError::DeadlockDetected => "deadlock_detected",
            SqlError::LockNotAvailable => "lock_not_available",
        }
    }

    /// PostgreSQL's primary message line exactly as psql prints it (note the two spaces after `ERROR:`).
    /// `relation` is the table name, used by 55P03 only.
    pub fn message(self, relation: &str) -> String {
        match self {
            SqlError::SerializationFailure => "ERROR:  could not serialize access due to concurrent update".to_string(),
            SqlError::DeadlockDetected => "ERROR:  deadlock detected".to_string(),
            SqlError::LockNotAvailable => {
                format!("ERROR:  could not obtain lock on row in relation \"{relation}\"")
            }
        }
    }

    const fn bit(self) -> u8 {
        match self {
            SqlError::SerializationFailure => 1,
            SqlError::DeadlockDetected => 2,
            SqlError::LockNotAvailable => 4,
        }
    }
}

/// `FOR UPDATE` clauses of a SELECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockClause {
    /// A plain SELECT: never blocks, takes no lock.
    None,
    /// `FOR UPDATE`: waits for the row lock.
    ForUpdate,
    /// `FOR UPDATE NOWAIT`: fails with 55P03 instead of waiting.
    ForUpdateNowait,
}

/// What an UPDATE assigns to the value column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetExpr {
    /// `SET v = $new`: a value the application computed from an earlier read.
    Computed,
    /// `SET v = v + d`: computed by the database from the row version the UPDATE applies to.
    Add(i64),
}

/// The extra condition of an UPDATE's WHERE clause (besides `id = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guard {
    None,
    /// `AND version = $seen` (and the UPDATE also sets `version = version + 1`): optimistic locking.
    VersionSeen,
    /// `AND v >= n`: e.g. `stock >= 1`, the atomic "take one if any is left".
    AtLeast(i64),
}

/// An application-side computation (no SQL, runs in the app server).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compute {
    /// `new := x + d`.
    AddToRead(i64),
    /// `if x < 1 { sold out: ROLLBACK } else new := x - 1`.
    TakeOneIfAvailable,
}

/// What the application does when an UPDATE reports `UPDATE 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnZero {
    /// Someone changed the row since we read it: ROLLBACK and retry from the start.
    Retry,
    /// Nothing left to take: ROLLBACK, the purchase is refused.
    SoldOut,
}

/// One step of a transaction's program. [`Step::sql`] renders it; [`Step::minor`] says whether it is a read,
/// a write, an application computation or control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "step")]
pub enum Step {
    /// `BEGIN` (with the scenario's isolation level).
    Begin,
    /// `SELECT v[, version] FROM t WHERE id = ? [FOR UPDATE [NOWAIT]]` into the app's `x` (and `seen`).
    Select {
        row: RowId,
        lock: LockClause,
        with_version: bool,
    },
    /// Application code between statements.
    Compute {
        compute: Compute,
    },
    /// `UPDATE t SET v = ... WHERE id = ? [AND ...]`; the row count goes to the app's `rows`.
    Update {
        row: RowId,
        set: SetExpr,
        guard: Guard,
    },
    /// Application code reacting to `UPDATE 0`.
    IfNoRows {
        then: OnZero,
    },
    /// `INSERT INTO orders (item_id) VALUES (?)`: never conflicts, becomes visible at commit.
    InsertOrder,
    Commit,
    Rollback,
    /// `mutex.lock()` on an app server's in-process mutex.
    MutexLock {
        mutex: MutexId,
    },
    /// `mutex.unlock()`.
    MutexUnlock {
        mutex: MutexId,
    },
}

/// The Deadlock Empire split of a statement: reads, computations and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MinorKind {
    Read,
    Compute,
    Write,
    Control,
}

impl Step {
    /// True for steps that run in the application and touch nothing shared. With [`Expansion::Statements`] they
    /// run together with the statement before them, which changes no outcome (nobody else can observe them)
    /// and prunes schedules that differ only in where app-local work sits.
    pub const fn is_app_local(self) -> bool {
        matches!(self, Step::Compute { .. } | Step::IfNoRows { .. })
    }

    pub const fn minor(self) -> MinorKind {
        match self {
            Step::Select { .. } => MinorKind::Read,
            Step::Compute { .. } => MinorKind::Compute,
            Step::Update { .. } | Step::InsertOrder => MinorKind::Write,
            _ => MinorKind::Control,
        }
    }
}

/// How finely the scheduler may interleave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expansion {
    /// One action per SQL statement (or mutex call); app computations run with the statement before them.
    Statements,
    /// One action per minor step, app computations included (the Deadlock Empire view).
    MinorSteps,
}

/// A row of the scenario's database, as declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RowDef {
    pub table: &'static str,
    pub id: i64,
    pub column: &'static str,
    pub initial: i64,
}

/// One transaction of a scenario: its program and what committing it should do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxnSpec {
    pub program: Vec<Step>,
    /// The app server that runs it (for the app-mutex stories), if any.
    pub server: Option<u8>,
    /// After an error (40001, 40P01, 55P03) the app rolls back and retries from the start.
    pub retry_on_error: bool,
    /// What committing this transaction must add to each row, for the "no lost update" check.
    pub effect: [i64; MAX_ROWS],
    /// Orders this transaction inserts when it commits (the oversell check).
    pub orders: u8,
}

// ---------------------------------------------------------------------------------------------------------------
// State

/// A small FIFO of transaction ids (a lock's waiters), fixed capacity, `Copy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fifo {
    len: u8,
    items: [TxnId; MAX_TXNS],
}

impl Fifo {
    pub fn as_slice(&self) -> &[TxnId] {
        &self.items[..self.len as usize]
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn first(&self) -> Option<TxnId> {
        self.as_slice().first().copied()
    }
    /// Appends; a full queue (impossible: a transaction waits on one thing at a time) drops the push.
    fn push(&mut self, t: TxnId) {
        if (self.len as usize) < MAX_TXNS && !self.as_slice().contains(&t) {
            self.items[self.len as usize] = t;
            self.len += 1;
        }
    }
    fn pop_front(&mut self) -> Option<TxnId> {
        let first = self.first()?;
        self.remove(first);
        Some(first)
    }
    fn remove(&mut self, t: TxnId) {
        let n = self.len as usize;
        if let Some(i) = self.items[..n].iter().position(|&x| x == t) {
            self.items.copy_within(i + 1..n, i);
            self.len -= 1;
        }
    }
}

impl Serialize for Fifo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

/// An uncommitted new version of a row, written by the transaction holding its lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pending {
    pub value: i64,
    pub version: u32,
}

/// A committed row version as a snapshot saw it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RowImage {
    pub value: i64,
    pub version: u32,
    /// Which commit produced this version (0 = the initial data): like PostgreSQL's xmin, it tells a REPEATABLE
    /// READ transaction whether the row changed after its snapshot.
    pub xmin: u16,
}

/// A row: its newest committed version, an uncommitted version if its lock holder wrote one, and the row lock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RowState {
    pub committed: RowImage,
    pub pending: Option<Pending>,
    pub holder: Option<TxnId>,
    pub waiters: Fifo,
}

/// An in-process mutex of one app server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MutexState {
    pub holder: Option<TxnId>,
    pub waiters: Fifo,
}

/// What a waiting transaction waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum WaitOn {
    Row(RowId),
    Mutex(MutexId),
}

/// How a transaction's program ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "error")]
pub enum Ending {
    Committed,
    /// The program itself rolled back (a ROLLBACK step).
    RolledBack,
    /// The purchase was refused: nothing left (oversell story).
    SoldOut,
    /// An error the program does not retry.
    Failed(SqlError),
    /// Retried until the retry budget ran out.
    GaveUp,
}

/// Where a transaction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Phase {
    /// Its next step can run.
    Ready,
    /// Its current step waits for a lock; `since` orders waits (the deadlock check of the earliest waiter fires
    /// first, deadlock_timeout after it began waiting).
    Waiting {
        on: WaitOn,
        since: u16,
    },
    /// An error aborted the transaction (its locks are already released); the app must ROLLBACK next.
    Aborted {
        error: SqlError,
    },
    Done {
        ending: Ending,
    },
}

/// One transaction's run-time state: program counter, the app's local variables, snapshot, phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TxnState {
    pub pc: u8,
    /// 1 for the first attempt; each retry adds one.
    pub attempt: u8,
    pub phase: Phase,
    /// Inside BEGIN ... COMMIT. Outside it each statement is its own transaction (autocommit).
    pub in_block: bool,
    /// REPEATABLE READ only: the snapshot taken at the first statement.
    pub snapshot: Option<[RowImage; MAX_ROWS]>,
    /// The app's variables: `x` (value read), `seen` (version read), `new` (computed), `rows` (UPDATE count).
    pub x: Option<i64>,
    pub seen: Option<u32>,
    pub new: Option<i64>,
    pub rows: Option<u8>,
    /// Orders inserted but not yet committed.
    pub uncommitted_orders: u8,
    errors: u8,
}

impl TxnState {
    fn fresh() -> Self {
        TxnState {
            pc: 0,
            attempt: 1,
            phase: Phase::Ready,
            in_block: false,
            snapshot: None,
            x: None,
            seen: None,
            new: None,
            rows: None,
            uncommitted_orders: 0,
            errors: 0,
        }
    }

    /// Whether this transaction ever hit `e` (in any attempt).
    pub fn saw_error(&self, e: SqlError) -> bool {
        self.errors & e.bit() != 0
    }

    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done { .. })
    }

    pub fn ending(&self) -> Option<Ending> {
        match self.phase {
            Phase::Done { ending } => Some(ending),
            _ => None,
        }
    }
}

/// The whole model state. `Copy`: a clone is a memcpy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct State {
    pub rows: [RowState; MAX_ROWS],
    pub mutexes: [MutexState; MAX_MUTEXES],
    pub txns: [TxnState; MAX_TXNS],
    /// Committed orders (oversell story).
    pub orders: u8,
    /// Commits that changed a row so far (the next one gets xmin = commit_seq + 1).
    pub commit_seq: u16,
    /// Waits begun so far (orders waiters for the deadlock check).
    pub wait_seq: u16,
    /// Actions taken so far.
    pub steps: u16,
}

// ---------------------------------------------------------------------------------------------------------------
// Actions, events, errors

/// What the scheduler can make a transaction do. At most one action is enabled per transaction, so a schedule
/// is just the sequence of transaction ids (see [`super::schedule`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "txn")]
pub enum Action {
    /// Run the transaction's next step (it may start waiting for a lock).
    Step(TxnId),
    /// deadlock_timeout (1 s) elapses for this waiter: its deadlock check finds the cycle, it gets 40P01.
    DeadlockCheck(TxnId),
    /// After an error: ROLLBACK, then retry from the start if the app does that and attempts remain.
    Rollback(TxnId),
}

impl Action {
    pub const fn txn(self) -> TxnId {
        match self {
            Action::Step(t) | Action::DeadlockCheck(t) | Action::Rollback(t) => t,
        }
    }
}

/// Why a transaction has no enabled action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Blocked {
    /// Waiting for the lock on a row held by `holder` (PostgreSQL: `ShareLock on transaction ...`).
    Row { row: RowId, holder: Option<TxnId> },
    /// Waiting for an app server's mutex.
    Mutex { mutex: MutexId, holder: Option<TxnId> },
    /// The transaction has finished.
    Finished { ending: Ending },
    /// No such transaction in this scenario.
    NoSuchTxn,
    /// The transaction can move, but its enabled action is this one, not the one asked for.
    OtherAction { enabled: Action },
}

/// Applying an action that is not enabled: the state is left as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NotEnabled {
    pub txn: TxnId,
    pub why: Blocked,
}

/// What happened during one action, in order: the view's log and the CLI's trace. Data, not prose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "event")]
pub enum Event {
    Began {
        txn: TxnId,
    },
    /// A REPEATABLE READ snapshot was taken (at the first statement).
    Snapshot {
        txn: TxnId,
    },
    /// A SELECT returned a row version.
    Read {
        txn: TxnId,
        row: RowId,
        value: i64,
        version: u32,
    },
    /// A row lock was taken (FOR UPDATE or UPDATE).
    Locked {
        txn: TxnId,
        row: RowId,
    },
    /// The step blocks: it waits for `on`, held by `holder`.
    Waits {
        txn: TxnId,
        on: WaitOn,
        holder: Option<TxnId>,
    },
    /// The lock was released and handed to this waiter; its statement goes on (READ COMMITTED re-reads the row's
    /// newest version here and re-checks the WHERE clause).
    Resumed {
        txn: TxnId,
        on: WaitOn,
    },
    /// The app computed `new`.
    Computed {
        txn: TxnId,
        new: i64,
    },
    /// An UPDATE finished with this command tag count (`UPDATE 0` or `UPDATE 1`); `value` is what it wrote.
    Updated {
        txn: TxnId,
        row: RowId,
        count: u8,
        value: Option<i64>,
    },
    Inserted {
        txn: TxnId,
    },
    Committed {
        txn: TxnId,
    },
    RolledBack {
        txn: TxnId,
    },
    Error {
        txn: TxnId,
        error: SqlError,
    },
    SoldOut {
        txn: TxnId,
    },
    Retry {
        txn: TxnId,
        attempt: u8,
    },
    MutexLocked {
        txn: TxnId,
        mutex: MutexId,
    },
    MutexUnlocked {
        txn: TxnId,
        mutex: MutexId,
    },
    Finished {
        txn: TxnId,
        ending: Ending,
    },
}

/// Where events go: a `Vec<Event>` for views, `()` to throw them away (exploration).
pub trait EventSink {
    fn push(&mut self, e: Event);
}
impl EventSink for () {
    #[inline]
    fn push(&mut self, _: Event) {}
}
impl EventSink for Vec<Event> {
    fn push(&mut self, e: Event) {
        Vec::push(self, e)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The scenario is the model

/// A scenario: rows, transactions and rules. It is the stateright `Model`: [`Scenario::init_state`],
/// [`Scenario::actions`], [`Scenario::next_state`], and [`PROPERTIES`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scenario {
    pub story: super::scenarios::Story,
    pub strategy: super::scenarios::Strategy,
    pub isolation: Isolation,
    pub expansion: Expansion,
    /// Attempts per transaction, the first included (1 = no retry), at most [`MAX_ATTEMPTS`].
    pub max_attempts: u8,
    pub rows: Vec<RowDef>,
    pub txns: Vec<TxnSpec>,
}

/// A scenario that breaks the model's size limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ScenarioError {
    TooManyTxns { got: usize, max: usize },
    TooManyRows { got: usize, max: usize },
    ProgramTooLong { txn: usize, got: usize, max: usize },
    BadRow { txn: usize, row: RowId },
    BadMutex { txn: usize, mutex: MutexId },
    BadAttempts { got: u8, max: u8 },
}

impl Scenario {
    /// Checks the limits the fixed-size state relies on; every constructor in this crate calls it.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.txns.is_empty() || self.txns.len() > MAX_TXNS {
            return Err(ScenarioError::TooManyTxns { got: self.txns.len(), max: MAX_TXNS });
        }
        if self.rows.is_empty() || self.rows.len() > MAX_ROWS {
            return Err(ScenarioError::TooManyRows { got: self.rows.len(), max: MAX_ROWS });
        }
        if self.max_attempts == 0 || self.max_attempts > MAX_ATTEMPTS {
            return Err(ScenarioError::BadAttempts { got: self.max_attempts, max: MAX_ATTEMPTS });
        }
        for (i, t) in self.txns.iter().enumerate() {
            if t.program.len() > MAX_STEPS {
                return Err(ScenarioError::ProgramTooLong { txn: i, got: t.program.len(), max: MAX_STEPS });
            }
            for s in &t.program {
                match *s {
                    Step::Select { row, .. } | Step::Update { row, .. } if row as usize >= self.rows.len() => {
                        return Err(ScenarioError::BadRow { txn: i, row })
                    }
                    Step::MutexLock { mutex } | Step::MutexUnlock { mutex } if mutex as usize >= MAX_MUTEXES => {
                        return Err(ScenarioError::BadMutex { txn: i, mutex })
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    pub fn n_txns(&self) -> usize {
        self.txns.len()
    }

    /// The longest any run can be: every attempt of every program, plus a ROLLBACK or deadlock check per attempt.
    /// Schedules longer than this cannot be valid, so decoding rejects them early.
    pub fn max_run_len(&self) -> usize {
        let per_attempt: usize = self.txns.iter().map(|t| t.program.len() + 2).sum();
        per_attempt * self.max_attempts as usize
    }

    /// The initial state: committed rows, no locks, every transaction at its first step.
    pub fn init_state(&self) -> State {
        let mut rows = [RowState::default(); MAX_ROWS];
        for (r, def) in rows.iter_mut().zip(&self.rows) {
            r.committed = RowImage { value: def.initial, version: 1, xmin: 0 };
        }
        let mut txns = [TxnState::fresh(); MAX_TXNS];
        for t in txns.iter_mut().skip(self.txns.len()) {
            t.phase = Phase::Done { ending: Ending::Committed };
        }
        State {
            rows,
            mutexes: [MutexState::default(); MAX_MUTEXES],
            txns,
            orders: 0,
            commit_seq: 0,
            wait_seq: 0,
            steps: 0,
        }
    }

    /// The action transaction `t` can take now, or why it cannot move.
    pub fn action_for(&self, st: &State, t: TxnId) -> Result<Action, Blocked> {
        let Some(ts) = st.txns.get(t as usize).filter(|_| (t as usize) < self.txns.len()) else {
            return Err(Blocked::NoSuchTxn);
        };
        match ts.phase {
            Phase::Ready => Ok(Action::Step(t)),
            Phase::Aborted { .. } => Ok(Action::Rollback(t)),
            Phase::Done { ending } => Err(Blocked::Finished { ending }),
            Phase::Waiting { on, .. } => {
                if self.deadlock_victim(st) == Some(t) {
                    return Ok(Action::DeadlockCheck(t));
                }
                Err(match on {
                    WaitOn::Row(row) => Blocked::Row { row, holder: st.rows[row as usize].holder },
                    WaitOn::Mutex(mutex) => Blocked::Mutex { mutex, holder: st.mutexes[mutex as usize].holder },
                })
            }
        }
    }

    /// Enabled actions in a fixed order (by transaction): what a manual view lists, what exploration branches on.
    pub fn actions(&self, st: &State) -> Vec<Action> {
        (0..self.txns.len() as u8).filter_map(|t| self.action_for(st, t).ok()).collect()
    }

    /// Every transaction with its enabled action or the reason it cannot move, for a manual view.
    pub fn choices(&self, st: &State) -> Vec<(TxnId, Result<Action, Blocked>)> {
        (0..self.txns.len() as u8).map(|t| (t, self.action_for(st, t))).collect()
    }

    /// The next step transaction `t` would run (None once it has finished or in the error path).
    pub fn next_step(&self, st: &State, t: TxnId) -> Option<Step> {
        let ts = st.txns.get(t as usize)?;
        match ts.phase {
            Phase::Ready | Phase::Waiting { .. } => self.txns.get(t as usize)?.program.get(ts.pc as usize).copied(),
            _ => None,
        }
    }

    /// True when every transaction has finished.
    pub fn is_finished(&self, st: &State) -> bool {
        st.txns[..self.txns.len()].iter().all(|t| t.is_done())
    }

    /// The pure transition: the state after `action`, or [`NotEnabled`] if it is not enabled in `st`.
    pub fn next_state(&self, st: &State, action: Action) -> Result<State, NotEnabled> {
        let mut next = *st;
        self.apply(&mut next, action, &mut ())?;
        Ok(next)
    }

    /// [`Scenario::next_state`] that also records what happened.
    pub fn next_state_logged(&self, st: &State, action: Action) -> Result<(State, Vec<Event>), NotEnabled> {
        let mut next = *st;
        let mut log = Vec::new();
        self.apply(&mut next, action, &mut log)?;
        Ok((next, log))
    }

    /// Applies `action` in place. Checks that it is enabled first, so a bad action never half-applies.
    pub fn apply<L: EventSink>(&self, st: &mut State, action: Action, log: &mut L) -> Result<(), NotEnabled> {
        let t = action.txn();
        match self.action_for(st, t) {
            Ok(a) if a == action => {}
            Ok(enabled) => return Err(NotEnabled { txn: t, why: Blocked::OtherAction { enabled } }),
            Err(why) => return Err(NotEnabled { txn: t, why }),
        }
        st.steps = st.steps.saturating_add(1);
        match action {
            Action::Step(t) => self.run_step(st, t, false, log),
            Action::DeadlockCheck(t) => {
                log.push(Event::Error { txn: t, error: SqlError::DeadlockDetected });
                self.abort(st, t, SqlError::DeadlockDetected);
            }
            Action::Rollback(t) => {
                let ts = &mut st.txns[t as usize];
                let Phase::Aborted { error } = ts.phase else { return Ok(()) };
                log.push(Event::RolledBack { txn: t });
                if self.txns[t as usize].retry_on_error {
                    self.retry(st, t, log);
                } else {
                    self.finish(st, t, Ending::Failed(error), log);
                }
            }
        }
        self.settle(st, log);
        #[cfg(any(debug_assertions, feature = "invariants"))]
        Self::check_invariants(st);
        Ok(())
    }

    /// The lock table's invariants, checked after every action in debug and test builds (the long explorations
    /// of the test command run with them): a row lock or mutex has at most one holder, which is a live
    /// transaction; every waiter is a transaction in phase `Waiting` on that very lock, behind a real holder, and
    /// every transaction in phase `Waiting` is in its lock's queue exactly once; a pending version belongs to the
    /// lock holder.
    #[cfg(any(debug_assertions, feature = "invariants"))]
    fn check_invariants(st: &State) {
        let live = |t: TxnId| matches!(st.txns[t as usize].phase, Phase::Ready | Phase::Waiting { .. });
        let mut queued = [0u8; MAX_TXNS];
        let locks = st.rows.iter().enumerate().map(|(i, r)| (WaitOn::Row(i as RowId), r.holder, r.waiters));
        let mutexes = st.mutexes.iter().enumerate().map(|(i, m)| (WaitOn::Mutex(i as MutexId), m.holder, m.waiters));
        for (lock, holder, waiters) in locks.chain(mutexes) {
            if let Some(h) = holder {
                assert!(live(h), "{lock:?} is held by T{} in phase {:?}", h + 1, st.txns[h as usize].phase);
            }
            for &w in waiters.as_slice() {
                assert!(holder.is_some(), "T{} waits on {lock:?}, which nobody holds", w + 1);
                assert_ne!(holder, Some(w), "T{} waits on {lock:?}, which it holds", w + 1);
                assert!(
                    matches!(st.txns[w as usize].phase, Phase::Waiting { on, .. } if on == lock),
                    "T{} is queued on {lock:?} but its phase is {:?}",
                    w + 1,
                    st.txns[w as usize].phase
                );
                queued[w as usize] += 1;
            }
        }
        for (i, r) in st.rows.iter().enumerate() {
            assert!(r.pending.is_none() || r.holder.is_some(), "row {i} has an uncommitted version and no lock holder");
        }
        for (t, ts) in st.txns.iter().enumerate() {
            let waiting = matches!(ts.phase, Phase::Waiting { .. });
            assert_eq!(
                queued[t],
                u8::from(waiting),
                "T{} is queued {} times in phase {:?}",
                t + 1,
                queued[t],
                ts.phase
            );
        }
    }

    // --- steps ---------------------------------------------------------------------------------------------

    /// Runs `t`'s current step, then (in statement mode) the app-local steps after it.
    /// `resumed`: the step waited for a lock and is now handed it (see [`Scenario::settle`]).
    fn run_step<L: EventSink>(&self, st: &mut State, t: TxnId, resumed: bool, log: &mut L) {
        if self.exec_current(st, t, resumed, log) {
            self.after_step(st, t, log);
        }
    }

    /// Moves past a completed step: runs following app-local steps in statement mode, finishes at the end.
    fn after_step<L: EventSink>(&self, st: &mut State, t: TxnId, log: &mut L) {
        let prog = &self.txns[t as usize].program;
        // Bounded by the program length: each turn advances pc or leaves the loop.
        for _ in 0..=MAX_STEPS {
            let ts = st.txns[t as usize];
            if ts.phase != Phase::Ready {
                return;
            }
            match prog.get(ts.pc as usize) {
                None => {
                    let ending = Ending::Committed;
                    self.finish(st, t, ending, log);
                    return;
                }
                Some(s) if s.is_app_local() && self.expansion == Expansion::Statements => {
                    if !self.exec_current(st, t, false, log) {
                        return;
                    }
                }
                Some(_) => return,
            }
        }
    }

    /// Executes the current step of `t`. Returns true if it completed and pc moved on; false if it now waits,
    /// errs, or ended the program.
    fn exec_current<L: EventSink>(&self, st: &mut State, t: TxnId, resumed: bool, log: &mut L) -> bool {
        let ti = t as usize;
        let Some(&step) = self.txns[ti].program.get(st.txns[ti].pc as usize) else {
            return false;
        };
        match step {
            Step::Begin => {
                st.txns[ti].in_block = true;
                log.push(Event::Began { txn: t });
            }
            Step::Select { row, lock, with_version } => {
                self.take_snapshot(st, t, log);
                let r = row as usize;
                if lock != LockClause::None
                    && st.rows[r].holder != Some(t)
                    && !self.lock_row(st, t, row, lock == LockClause::ForUpdateNowait, log)
                {
                    return false;
                }
                // A locking read returns the newest committed version (after a wait: the one the holder
                // committed); under REPEATABLE READ the check above made sure it is the snapshot's.
                let img =
                    if lock != LockClause::None { self.locked_view(st, t, row) } else { self.visible(st, t, row) };
                let ts = &mut st.txns[ti];
                ts.x = Some(img.value);
                if with_version {
                    ts.seen = Some(img.version);
                }
                log.push(Event::Read { txn: t, row, value: img.value, version: img.version });
                if !self.end_statement(st, t, log) {
                    return false;
                }
            }
            Step::Compute { compute } => {
                let ts = &mut st.txns[ti];
                let x = ts.x.unwrap_or(0);
                match compute {
                    Compute::AddToRead(d) => ts.new = Some(x.saturating_add(d)),
                    Compute::TakeOneIfAvailable => {
                        if x < 1 {
                            log.push(Event::SoldOut { txn: t });
                            self.rollback_effects(st, t);
                            log.push(Event::RolledBack { txn: t });
                            self.finish(st, t, Ending::SoldOut, log);
                            return false;
                        }
                        ts.new = Some(x - 1);
                    }
                }
                log.push(Event::Computed { txn: t, new: st.txns[ti].new.unwrap_or(0) });
            }
            Step::Update { row, set, guard } => {
                self.take_snapshot(st, t, log);
                let r = row as usize;
                let own = st.rows[r].holder == Some(t);
                // The version this statement's snapshot sees; the WHERE clause is first checked against it.
                let img = if own { self.locked_view(st, t, row) } else { self.visible(st, t, row) };
                if !self.guard_holds(st, t, guard, img) {
                    // After a wait, READ COMMITTED's EvalPlanQual locks the newest version before it re-checks
                    // the WHERE clause, and keeps that lock when the check fails (heapam's heap_lock_tuple, then
                    // EvalPlanQual): `UPDATE 0`, yet the row stays locked until this transaction ends, so a third
                    // transaction queued behind waits for it, not for the one that committed.
                    if resumed && !own && st.rows[r].holder.is_none() {
                        st.rows[r].holder = Some(t);
                        log.push(Event::Locked { txn: t, row });
                    }
                    st.txns[ti].rows = Some(0);
                    log.push(Event::Updated { txn: t, row, count: 0, value: None });
                    st.txns[ti].pc += 1;
                    return self.end_statement(st, t, log);
                }
                if !own && !self.lock_row(st, t, row, false, log) {
                    return false;
                }
                let cur = self.locked_view(st, t, row);
                let value = match set {
                    SetExpr::Computed => st.txns[ti].new.unwrap_or(0),
                    SetExpr::Add(d) => cur.value.saturating_add(d),
                };
                let version = if guard == Guard::VersionSeen { cur.version.saturating_add(1) } else { cur.version };
                st.rows[r].pending = Some(Pending { value, version });
                st.txns[ti].rows = Some(1);
                log.push(Event::Updated { txn: t, row, count: 1, value: Some(value) });
                if !self.end_statement(st, t, log) {
                    return false;
                }
            }
            Step::IfNoRows { then } => {
                if st.txns[ti].rows == Some(0) {
                    self.rollback_effects(st, t);
                    log.push(Event::RolledBack { txn: t });
                    match then {
                        OnZero::Retry => self.retry(st, t, log),
                        OnZero::SoldOut => {
                            log.push(Event::SoldOut { txn: t });
                            self.finish(st, t, Ending::SoldOut, log);
                        }
                    }
                    return false;
                }
            }
            Step::InsertOrder => {
                st.txns[ti].uncommitted_orders = st.txns[ti].uncommitted_orders.saturating_add(1);
                log.push(Event::Inserted { txn: t });
                if !self.end_statement(st, t, log) {
                    return false;
                }
            }
            Step::Commit => {
                self.commit_effects(st, t);
                log.push(Event::Committed { txn: t });
            }
            Step::Rollback => {
                self.rollback_effects(st, t);
                log.push(Event::RolledBack { txn: t });
                st.txns[ti].pc += 1;
                self.finish(st, t, Ending::RolledBack, log);
                return false;
            }
            Step::MutexLock { mutex } => {
                let m = &mut st.mutexes[mutex as usize];
                match m.holder {
                    None => {
                        m.holder = Some(t);
                        log.push(Event::MutexLocked { txn: t, mutex });
                    }
                    Some(h) if h == t => {}
                    Some(h) => {
                        self.wait(st, t, WaitOn::Mutex(mutex), Some(h), log);
                        return false;
                    }
                }
            }
            Step::MutexUnlock { mutex } => {
                let m = &mut st.mutexes[mutex as usize];
                if m.holder == Some(t) {
                    m.holder = None;
                    log.push(Event::MutexUnlocked { txn: t, mutex });
                }
            }
        }
        st.txns[ti].pc += 1;
        true
    }

    /// Outside BEGIN ... COMMIT a statement is its own transaction: it commits as it completes.
    /// Returns false if the transaction cannot go on (never, today; kept for symmetry with errors).
    fn end_statement<L: EventSink>(&self, st: &mut State, t: TxnId, _log: &mut L) -> bool {
        if !st.txns[t as usize].in_block {
            self.commit_effects(st, t);
        }
        true
    }

    /// REPEATABLE READ takes its snapshot at the first statement of the transaction, not at BEGIN.
    fn take_snapshot<L: EventSink>(&self, st: &mut State, t: TxnId, log: &mut L) {
        if self.isolation != Isolation::RepeatableRead || !st.txns[t as usize].in_block {
            return;
        }
        if st.txns[t as usize].snapshot.is_none() {
            let mut snap = [RowImage::default(); MAX_ROWS];
            for (s, r) in snap.iter_mut().zip(st.rows.iter()) {
                *s = r.committed;
            }
            st.txns[t as usize].snapshot = Some(snap);
            log.push(Event::Snapshot { txn: t });
        }
    }

    /// What a plain read by `t` sees: its own uncommitted write, else its snapshot (REPEATABLE READ), else the
    /// newest committed version (READ COMMITTED: a fresh snapshot per statement).
    fn visible(&self, st: &State, t: TxnId, row: RowId) -> RowImage {
        let r = &st.rows[row as usize];
        if r.holder == Some(t) {
            if let Some(p) = r.pending {
                return RowImage { value: p.value, version: p.version, xmin: r.committed.xmin };
            }
        }
        match st.txns[t as usize].snapshot {
            Some(snap) => snap[row as usize],
            None => r.committed,
        }
    }

    /// The version a row lock holder works on: its own write, else the newest committed one.
    fn locked_view(&self, st: &State, t: TxnId, row: RowId) -> RowImage {
        let r = &st.rows[row as usize];
        match (r.holder == Some(t), r.pending) {
            (true, Some(p)) => RowImage { value: p.value, version: p.version, xmin: r.committed.xmin },
            _ => r.committed,
        }
    }

    /// REPEATABLE READ: did a transaction that committed after our snapshot change this row?
    fn changed_since_snapshot(&self, st: &State, t: TxnId, row: RowId) -> bool {
        match st.txns[t as usize].snapshot {
            Some(snap) => snap[row as usize].xmin != st.rows[row as usize].committed.xmin,
            None => false,
        }
    }

    /// `t` takes `row`'s lock, which it does not hold (SELECT ... FOR UPDATE [NOWAIT], UPDATE). Changed since
    /// `t`'s REPEATABLE READ snapshot: a serialization failure, held or not. Else held by another: `t` waits
    /// (with `nowait`: fails with LockNotAvailable instead). Returns false unless `t` now holds the lock.
    fn lock_row<L: EventSink>(&self, st: &mut State, t: TxnId, row: RowId, nowait: bool, log: &mut L) -> bool {
        // First, before any wait: the version REPEATABLE READ sees was replaced by a transaction that has
        // committed since its snapshot. PostgreSQL fails at once (40001), whoever holds the newer version's lock.
        if self.changed_since_snapshot(st, t, row) {
            log.push(Event::Error { txn: t, error: SqlError::SerializationFailure });
            self.abort(st, t, SqlError::SerializationFailure);
            return false;
        }
        if let Some(holder) = st.rows[row as usize].holder {
            if nowait {
                log.push(Event::Error { txn: t, error: SqlError::LockNotAvailable });
                self.abort(st, t, SqlError::LockNotAvailable);
                return false;
            }
            self.wait(st, t, WaitOn::Row(row), Some(holder), log);
            return false;
        }
        st.rows[row as usize].holder = Some(t);
        log.push(Event::Locked { txn: t, row });
        true
    }

    fn guard_holds(&self, st: &State, t: TxnId, guard: Guard, img: RowImage) -> bool {
        match guard {
            Guard::None => true,
            Guard::VersionSeen => st.txns[t as usize].seen == Some(img.version),
            Guard::AtLeast(n) => img.value >= n,
        }
    }

    fn wait<L: EventSink>(&self, st: &mut State, t: TxnId, on: WaitOn, holder: Option<TxnId>, log: &mut L) {
        st.wait_seq = st.wait_seq.saturating_add(1);
        st.txns[t as usize].phase = Phase::Waiting { on, since: st.wait_seq };
        match on {
            WaitOn::Row(r) => st.rows[r as usize].waiters.push(t),
            WaitOn::Mutex(m) => st.mutexes[m as usize].waiters.push(t),
        }
        log.push(Event::Waits { txn: t, on, holder });
    }

    /// Makes `t`'s writes visible and releases its row locks (the waiters get them in [`Scenario::settle`]).
    fn commit_effects(&self, st: &mut State, t: TxnId) {
        let mut changed = false;
        for r in st.rows.iter_mut() {
            if r.holder == Some(t) {
                if let Some(p) = r.pending.take() {
                    if !changed {
                        st.commit_seq = st.commit_seq.saturating_add(1);
                        changed = true;
                    }
                    r.committed = RowImage { value: p.value, version: p.version, xmin: st.commit_seq };
                }
                r.holder = None;
            }
        }
        let ts = &mut st.txns[t as usize];
        st.orders = st.orders.saturating_add(ts.uncommitted_orders);
        ts.uncommitted_orders = 0;
        ts.in_block = false;
        ts.snapshot = None;
    }

    /// Throws away `t`'s writes and releases its row locks.
    fn rollback_effects(&self, st: &mut State, t: TxnId) {
        for r in st.rows.iter_mut() {
            if r.holder == Some(t) {
                r.pending = None;
                r.holder = None;
            }
        }
        let ts = &mut st.txns[t as usize];
        ts.uncommitted_orders = 0;
        ts.in_block = false;
        ts.snapshot = None;
    }

    /// An error aborts the transaction at once: PostgreSQL releases its locks when the error is raised, then
    /// ignores everything but ROLLBACK.
    fn abort(&self, st: &mut State, t: TxnId, error: SqlError) {
        self.leave_queues(st, t);
        self.rollback_effects(st, t);
        let ts = &mut st.txns[t as usize];
        ts.errors |= error.bit();
        ts.phase = Phase::Aborted { error };
    }

    fn leave_queues(&self, st: &mut State, t: TxnId) {
        for r in st.rows.iter_mut() {
            r.waiters.remove(t);
        }
        for m in st.mutexes.iter_mut() {
            m.waiters.remove(t);
        }
    }

    /// Starts the program over if attempts remain, else gives up.
    fn retry<L: EventSink>(&self, st: &mut State, t: TxnId, log: &mut L) {
        let ts = st.txns[t as usize];
        if ts.attempt >= self.max_attempts {
            self.finish(st, t, Ending::GaveUp, log);
            return;
        }
        let mut fresh = TxnState::fresh();
        fresh.attempt = ts.attempt + 1;
        fresh.errors = ts.errors;
        st.txns[t as usize] = fresh;
        log.push(Event::Retry { txn: t, attempt: fresh.attempt });
    }

    /// Ends `t`'s program. Mutexes are released like a Rust guard dropped on the way out; an open transaction
    /// is rolled back like a connection returned to the pool.
    fn finish<L: EventSink>(&self, st: &mut State, t: TxnId, ending: Ending, log: &mut L) {
        self.leave_queues(st, t);
        if st.txns[t as usize].in_block {
            self.rollback_effects(st, t);
        }
        for (i, m) in st.mutexes.iter_mut().enumerate() {
            if m.holder == Some(t) {
                m.holder = None;
                log.push(Event::MutexUnlocked { txn: t, mutex: i as MutexId });
            }
        }
        st.txns[t as usize].phase = Phase::Done { ending };
        log.push(Event::Finished { txn: t, ending });
    }

    /// Hands every free lock to its first waiter, whose waiting statement then completes (a READ COMMITTED UPDATE
    /// re-reads the newest row version and re-checks its WHERE: EvalPlanQual; a REPEATABLE READ one fails with
    /// 40001 if that version is newer than its snapshot). Each turn removes one waiter and a resumed statement
    /// cannot start a new wait, so the loop ends within the total number of waiters.
    fn settle<L: EventSink>(&self, st: &mut State, log: &mut L) {
        for _ in 0..(MAX_TXNS * (MAX_ROWS + MAX_MUTEXES) + 1) {
            let free_row = st.rows.iter().position(|r| r.holder.is_none() && !r.waiters.is_empty());
            let (w, on) = if let Some(r) = free_row {
                match st.rows[r].waiters.pop_front() {
                    Some(w) => (w, WaitOn::Row(r as RowId)),
                    None => continue,
                }
            } else if let Some(m) = st.mutexes.iter().position(|m| m.holder.is_none() && !m.waiters.is_empty()) {
                match st.mutexes[m].waiters.pop_front() {
                    Some(w) => (w, WaitOn::Mutex(m as MutexId)),
                    None => continue,
                }
            } else {
                return;
            };
            st.txns[w as usize].phase = Phase::Ready;
            log.push(Event::Resumed { txn: w, on });
            self.run_step(st, w, true, log);
        }
    }

    // --- deadlock ------------------------------------------------------------------------------------------

    /// The transaction whose deadlock check fires first, if the waits-for graph has a cycle: among the members
    /// of a cycle, the one that began waiting earliest (its deadlock_timeout expires first).
    pub fn deadlock_victim(&self, st: &State) -> Option<TxnId> {
        let n = self.txns.len();
        let mut best: Option<(u16, TxnId)> = None;
        for t in 0..n {
            if self.in_cycle(st, t as TxnId) {
                if let Phase::Waiting { since, .. } = st.txns[t].phase {
                    if best.is_none_or(|(s, _)| since < s) {
                        best = Some((since, t as TxnId));
                    }
                }
            }
        }
        best.map(|(_, t)| t)
    }

    /// Follows "waits for the holder of" edges from `t`. Only row locks count: PostgreSQL cannot see an app
    /// server's mutex, so a cycle through one hangs (the run ends Stuck).
    fn in_cycle(&self, st: &State, t: TxnId) -> bool {
        let mut cur = t;
        for _ in 0..MAX_TXNS {
            let Phase::Waiting { on: WaitOn::Row(r), .. } = st.txns[cur as usize].phase else { return false };
            match st.rows[r as usize].holder {
                Some(h) if h == t => return true,
                Some(h) => cur = h,
                None => return false,
            }
        }
        false
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

/// A named property of a finished run, like stateright's `Property::always`.
pub struct Property {
    pub name: &'static str,
    pub holds: fn(&Scenario, &State) -> bool,
}

/// The named invariants checked on every finished run. They fail for the anomalies the lessons show.
pub const PROPERTIES: &[Property] = &[
    Property { name: "no lost update", holds: no_lost_update },
    Property { name: "not oversold", holds: not_oversold },
    Property { name: "no deadlock victim", holds: no_deadlock_victim },
    Property { name: "no serialization failure", holds: no_serialization_failure },
    Property { name: "no stuck transaction", holds: no_stuck },
];

/// The value each row should hold: its initial value plus the effect of every committed transaction.
pub fn expected_rows(sc: &Scenario, st: &State) -> [i64; MAX_ROWS] {
    let mut want = [0i64; MAX_ROWS];
    for (w, def) in want.iter_mut().zip(&sc.rows) {
        *w = def.initial;
    }
    for (spec, ts) in sc.txns.iter().zip(st.txns.iter()) {
        if ts.ending() == Some(Ending::Committed) {
            for (w, e) in want.iter_mut().zip(spec.effect) {
                *w += e;
            }
        }
    }
    want
}

/// Every committed transaction's effect is in the final rows.
pub fn no_lost_update(sc: &Scenario, st: &State) -> bool {
    let want = expected_rows(sc, st);
    st.rows.iter().zip(want).take(sc.rows.len()).all(|(r, w)| r.committed.value == w)
}

/// No more orders than the initial stock (row 0).
pub fn not_oversold(sc: &Scenario, st: &State) -> bool {
    let stock = sc.rows.first().map_or(0, |r| r.initial);
    (st.orders as i64) <= stock || sc.txns.iter().all(|t| t.orders == 0)
}

pub fn no_deadlock_victim(sc: &Scenario, st: &State) -> bool {
    st.txns[..sc.txns.len()].iter().all(|t| t.ending() != Some(Ending::Failed(SqlError::DeadlockDetected)))
}

pub fn no_serialization_failure(sc: &Scenario, st: &State) -> bool {
    st.txns[..sc.txns.len()].iter().all(|t| t.ending() != Some(Ending::Failed(SqlError::SerializationFailure)))
}

pub fn no_stuck(sc: &Scenario, st: &State) -> bool {
    sc.is_finished(st)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::scenarios::{build, Story, Strategy};

    #[test]
    fn fifo_keeps_order_and_bounds() {
        let mut f = Fifo::default();
        for t in [2, 0, 2, 1, 0] {
            f.push(t);
        }
        assert_eq!(f.as_slice(), &[2, 0, 1]);
        f.remove(0);
        assert_eq!(f.pop_front(), Some(2));
        assert_eq!(f.pop_front(), Some(1));
        assert_eq!(f.pop_front(), None);
    }

    #[test]
    fn a_disabled_action_is_rejected_without_change() {
        let sc = build(Story::Counter, Strategy::NoLock, 2).unwrap();
        let st = sc.init_state();
        for a in [Action::Rollback(0), Action::DeadlockCheck(1), Action::Step(2), Action::Step(200)] {
            let mut s = st;
            assert!(sc.apply(&mut s, a, &mut ()).is_err(), "{a:?}");
            assert_eq!(s, st);
        }
    }

    #[test]
    fn state_is_small_and_copy() {
        // Cloning is a memcpy; keep it small so exploration and undo histories stay cheap.
        assert!(std::mem::size_of::<State>() <= 512, "{}", std::mem::size_of::<State>());
    }

    #[test]
    fn deadlock_victim_is_the_earliest_waiter() {
        let sc = build(Story::Transfer, Strategy::NoLock, 2).unwrap();
        let mut st = sc.init_state();
        for t in [0, 1, 0, 1, 1, 0] {
            sc.apply(&mut st, Action::Step(t), &mut ()).unwrap();
        }
        // T2 began waiting first this time.
        assert_eq!(sc.deadlock_victim(&st), Some(1));
        assert_eq!(sc.actions(&st), vec![Action::DeadlockCheck(1)]);
    }

    /// The invariant check is not vacuous: a reachable state passes, and each kind of broken lock table fails.
    #[cfg(any(debug_assertions, feature = "invariants"))]
    #[test]
    fn broken_lock_tables_fail_the_invariant_check() {
        let sc = build(Story::Counter, Strategy::ForUpdate, 2).unwrap();
        let mut st = sc.init_state();
        for t in [0, 1, 0, 1] {
            sc.apply(&mut st, Action::Step(t), &mut ()).unwrap();
        }
        assert!(matches!(st.txns[1].phase, Phase::Waiting { .. }), "T2 waits for T1's row lock");
        Scenario::check_invariants(&st);
        let broken = |f: &dyn Fn(&mut State)| {
            let mut b = st;
            f(&mut b);
            std::panic::catch_unwind(move || Scenario::check_invariants(&b)).is_err()
        };
        assert!(broken(&|b| b.rows[0].holder = None), "a waiter behind nobody");
        assert!(broken(&|b| b.rows[0].waiters.remove(1)), "a waiting transaction in no queue");
        assert!(broken(&|b| b.rows[0].holder = Some(1)), "a transaction waiting on its own lock");
        assert!(
            broken(&|b| b.txns[0].phase = Phase::Done { ending: Ending::Committed }),
            "a lock held by a finished transaction"
        );
    }
}
