//! Scenarios = a story (what the transactions try to do) + a strategy (how they protect it). The named presets
//! are the ones the lessons and the CLI use; the visualizer's strategy switch rebuilds the same story with another
//! strategy via [`build`].

use super::model::*;
use serde::Serialize;

/// What the transactions try to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Story {
    /// Each transaction adds 1 to a counter (`counters.v`, starts at 0).
    Counter,
    /// Each buyer takes one item of a stock of 1 and inserts an order.
    Oversell,
    /// Two transfers between two accounts, locking them in opposite orders.
    Transfer,
    /// Three requests, balanced round robin over two app servers, each add 1 to a counter.
    AppServers,
}

/// How the transactions protect the read-modify-write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// SELECT, compute in the app, UPDATE with the computed value (READ COMMITTED).
    NoLock,
    /// The database computes: `UPDATE ... SET v = v + 1` (or `stock = stock - 1 WHERE stock >= 1`).
    Atomic,
    /// Pessimistic: `SELECT ... FOR UPDATE` first.
    ForUpdate,
    /// Pessimistic without waiting: `FOR UPDATE NOWAIT` (55P03 if taken).
    ForUpdateNowait,
    /// Optimistic: a version column, `UPDATE ... WHERE version = $seen`, retry on `UPDATE 0`.
    Optimistic,
    /// The NoLock program under `REPEATABLE READ`: 40001 instead of a lost update.
    RepeatableRead,
    /// An in-process mutex around the read-modify-write in each app server.
    AppMutex,
    /// A database lock (`SELECT ... FOR UPDATE` in a transaction) instead of the app mutex.
    DbLock,
}

impl Strategy {
    pub const ALL: [Strategy; 8] = [
        Strategy::NoLock,
        Strategy::Atomic,
        Strategy::ForUpdate,
        Strategy::ForUpdateNowait,
        Strategy::Optimistic,
        Strategy::RepeatableRead,
        Strategy::AppMutex,
        Strategy::DbLock,
    ];

    /// The CLI / URL name.
    pub const fn name(self) -> &'static str {
        match self {
            Strategy::NoLock => "no-lock",
            Strategy::Atomic => "atomic",
            Strategy::ForUpdate => "for-update",
            Strategy::ForUpdateNowait => "for-update-nowait",
            Strategy::Optimistic => "optimistic",
            Strategy::RepeatableRead => "repeatable-read",
            Strategy::AppMutex => "app-mutex",
            Strategy::DbLock => "db-lock",
        }
    }

    pub fn from_name(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|x| x.name() == s)
    }
}

impl Story {
    pub const ALL: [Story; 4] = [Story::Counter, Story::Oversell, Story::Transfer, Story::AppServers];

    pub const fn name(self) -> &'static str {
        match self {
            Story::Counter => "counter",
            Story::Oversell => "oversell",
            Story::Transfer => "transfer",
            Story::AppServers => "app-servers",
        }
    }

    /// The strategies this story can be built with, in the order a strategy switch shows them. For the counter
    /// and the stock these are the visualizer's five (no lock, atomic, FOR UPDATE, version + retry, REPEATABLE
    /// READ) plus NOWAIT.
    pub const fn strategies(self) -> &'static [Strategy] {
        match self {
            Story::Counter | Story::Oversell => &[
                Strategy::NoLock,
                Strategy::Atomic,
                Strategy::ForUpdate,
                Strategy::ForUpdateNowait,
                Strategy::Optimistic,
                Strategy::RepeatableRead,
            ],
            Story::Transfer => &[Strategy::NoLock, Strategy::ForUpdate],
            Story::AppServers => &[Strategy::NoLock, Strategy::AppMutex, Strategy::DbLock],
        }
    }

    /// Scenarios keep to 1..=3 transactions (the model's fixed-size state holds 3).
    pub const fn default_clients(self) -> usize {
        match self {
            Story::AppServers => 3,
            _ => 2,
        }
    }
}

/// A named scenario of the lessons and the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Preset {
    pub name: &'static str,
    pub story: Story,
    pub strategy: Strategy,
    pub clients: usize,
    /// The interleaving the lesson shows (see [`super::schedule`] for the encoding): the anomaly, the error, or
    /// the wait that prevents them.
    pub showcase: &'static str,
}

/// The presets, in lesson order.
pub const PRESETS: [Preset; 9] = [
    // T1 and T2 both read 0; T2's UPDATE waits for T1's row lock, then writes its stale 1: final 1, not 2.
    Preset { name: "lost-update", story: Story::Counter, strategy: Strategy::NoLock, clients: 2, showcase: "12121212" },
    // Both buyers see stock 1; both take it: stock 0 and 2 orders.
    Preset { name: "oversell", story: Story::Oversell, strategy: Strategy::NoLock, clients: 2, showcase: "1212111222" },
    // T2's UPDATE v = v + 1 waits, then re-reads T1's committed 1 (EvalPlanQual) and writes 2.
    Preset { name: "atomic", story: Story::Counter, strategy: Strategy::Atomic, clients: 2, showcase: "121212" },
    // T2 blocks at its SELECT ... FOR UPDATE until T1 commits, then reads 1: final 2.
    Preset {
        name: "for-update",
        story: Story::Counter,
        strategy: Strategy::ForUpdate,
        clients: 2,
        showcase: "12121122",
    },
    // T2's UPDATE waits, re-checks version = 1 on T1's version 2: UPDATE 0, so T2 retries and writes 2.
    Preset {
        name: "optimistic",
        story: Story::Counter,
        strategy: Strategy::Optimistic,
        clients: 2,
        showcase: "12121212222",
    },
    // T1 waits for T2 (row 2), T2 waits for T1 (row 1); T1 began waiting first, so its check fires: 40P01.
    Preset { name: "deadlock", story: Story::Transfer, strategy: Strategy::NoLock, clients: 2, showcase: "121212121" },
    // T2's UPDATE waits for T1, then fails with 40001 because T1 changed the row after T2's snapshot.
    Preset {
        name: "repeatable-read",
        story: Story::Counter,
        strategy: Strategy::RepeatableRead,
        clients: 2,
        showcase: "12121212",
    },
    // T1 (app-1) and T2 (app-2) hold different mutexes and lose an update; T3 (app-1) waits for T1's mutex.
    Preset {
        name: "app-mutex",
        story: Story::AppServers,
        strategy: Strategy::AppMutex,
        clients: 3,
        showcase: "123121212333",
    },
    // The same requests with SELECT ... FOR UPDATE: T2 and T3 queue on the row lock: final 3.
    Preset {
        name: "db-lock",
        story: Story::AppServers,
        strategy: Strategy::DbLock,
        clients: 3,
        showcase: "123123112233",
    },
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

impl Preset {
    /// The preset's scenario. Presets are combinations [`build`] supports (a test checks each one), but the
    /// table is data, so this stays a `Result` rather than an `unwrap`.
    pub fn scenario(&self) -> Result<Scenario, BuildError> {
        build(self.story, self.strategy, self.clients)
    }
}

/// Why a story cannot be built that way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum BuildError {
    /// The story does not offer this strategy (see [`Story::strategies`]).
    UnsupportedStrategy {
        story: Story,
        strategy: Strategy,
    },
    /// Clients must be 1..=3.
    BadClients {
        got: usize,
        max: usize,
    },
    Invalid(ScenarioError),
}

fn counter_row() -> RowDef {
    RowDef { table: "counters", id: 1, column: "v", initial: 0 }
}

/// Builds `story` protected by `strategy` with `clients` transactions.
pub fn build(story: Story, strategy: Strategy, clients: usize) -> Result<Scenario, BuildError> {
    if clients == 0 || clients > MAX_TXNS {
        return Err(BuildError::BadClients { got: clients, max: MAX_TXNS });
    }
    if !story.strategies().contains(&strategy) {
        return Err(BuildError::UnsupportedStrategy { story, strategy });
    }
    let isolation =
        if strategy == Strategy::RepeatableRead { Isolation::RepeatableRead } else { Isolation::ReadCommitted };
    let max_attempts = if strategy == Strategy::Optimistic { 3 } else { 1 };
    let (rows, txns) = match story {
        Story::Counter => (vec![counter_row()], (0..clients).map(|_| counter_txn(strategy)).collect()),
        Story::Oversell => (
            vec![RowDef { table: "items", id: 1, column: "stock", initial: 1 }],
            (0..clients).map(|_| buyer_txn(strategy)).collect(),
        ),
        Story::Transfer => (
            vec![
                RowDef { table: "accounts", id: 1, column: "balance", initial: 100 },
                RowDef { table: "accounts", id: 2, column: "balance", initial: 100 },
            ],
            // Odd clients move 10 from account 1 to 2, even ones from 2 to 1: opposite lock orders.
            (0..clients).map(|i| transfer_txn(strategy, i % 2 == 1)).collect(),
        ),
        Story::AppServers => {
            (vec![counter_row()], (0..clients).map(|i| app_server_txn(strategy, (i % 2) as u8)).collect())
        }
    };
    let sc = Scenario { story, strategy, isolation, expansion: Expansion::Statements, max_attempts, rows, txns };
    sc.validate().map_err(BuildError::Invalid)?;
    Ok(sc)
}

fn spec(program: Vec<Step>, effect0: i64, orders: u8) -> TxnSpec {
    TxnSpec { program, server: None, retry_on_error: false, effect: [effect0, 0], orders }
}

fn select(lock: LockClause, with_version: bool) -> Step {
    Step::Select { row: 0, lock, with_version }
}

fn counter_txn(strategy: Strategy) -> TxnSpec {
    use Step::*;
    let program = match strategy {
        Strategy::Atomic => vec![Begin, Update { row: 0, set: SetExpr::Add(1), guard: Guard::None }, Commit],
        _ => read_compute_write(strategy, Compute { compute: self::Compute::AddToRead(1) }, &[]),
    };
    spec(program, 1, 0)
}

/// Row 0 read, changed in the application (`compute`) and written back, as `strategy` protects it (every
/// strategy but Atomic, which is one UPDATE): SELECT (FOR UPDATE [NOWAIT], or with its version for Optimistic,
/// whose guarded UPDATE retries on zero rows), `compute`, UPDATE, then `tail` and COMMIT.
fn read_compute_write(strategy: Strategy, compute: Step, tail: &[Step]) -> Vec<Step> {
    use Step::*;
    let write = Update { row: 0, set: SetExpr::Computed, guard: Guard::None };
    let mut program = match strategy {
        Strategy::ForUpdate => vec![Begin, select(LockClause::ForUpdate, false), compute, write],
        Strategy::ForUpdateNowait => vec![Begin, select(LockClause::ForUpdateNowait, false), compute, write],
        Strategy::Optimistic => vec![
            Begin,
            select(LockClause::None, true),
            compute,
            Update { row: 0, set: SetExpr::Computed, guard: Guard::VersionSeen },
            IfNoRows { then: OnZero::Retry },
        ],
        _ => vec![Begin, select(LockClause::None, false), compute, write],
    };
    program.extend_from_slice(tail);
    program.push(Commit);
    program
}

fn buyer_txn(strategy: Strategy) -> TxnSpec {
    use Step::*;
    let program = match strategy {
        Strategy::Atomic => vec![
            Begin,
            Update { row: 0, set: SetExpr::Add(-1), guard: Guard::AtLeast(1) },
            IfNoRows { then: OnZero::SoldOut },
            InsertOrder,
            Commit,
        ],
        _ => read_compute_write(strategy, Compute { compute: self::Compute::TakeOneIfAvailable }, &[InsertOrder]),
    };
    spec(program, -1, 1)
}

fn transfer_txn(strategy: Strategy, reverse: bool) -> TxnSpec {
    use Step::*;
    let (from, to) = if reverse { (1u8, 0u8) } else { (0u8, 1u8) };
    let debit = Update { row: from, set: SetExpr::Add(-10), guard: Guard::None };
    let credit = Update { row: to, set: SetExpr::Add(10), guard: Guard::None };
    let program = match strategy {
        // The fix: lock both rows in one global order (by id) before touching either.
        Strategy::ForUpdate => vec![
            Begin,
            Select { row: 0, lock: LockClause::ForUpdate, with_version: false },
            Select { row: 1, lock: LockClause::ForUpdate, with_version: false },
            debit,
            credit,
            Commit,
        ],
        _ => vec![Begin, debit, credit, Commit],
    };
    let mut effect = [0i64; MAX_ROWS];
    effect[from as usize] = -10;
    effect[to as usize] = 10;
    TxnSpec { program, server: None, retry_on_error: false, effect, orders: 0 }
}

fn app_server_txn(strategy: Strategy, server: u8) -> TxnSpec {
    use Step::*;
    let add = Compute { compute: self::Compute::AddToRead(1) };
    let write = Update { row: 0, set: SetExpr::Computed, guard: Guard::None };
    // Each request handler runs in autocommit unless it opens a transaction, as most web handlers do.
    let program = match strategy {
        Strategy::AppMutex => vec![
            MutexLock { mutex: server },
            select(LockClause::None, false),
            add,
            write,
            MutexUnlock { mutex: server },
        ],
        Strategy::DbLock => vec![Begin, select(LockClause::ForUpdate, false), add, write, Commit],
        _ => vec![select(LockClause::None, false), add, write],
    };
    TxnSpec { program, server: Some(server), retry_on_error: false, effect: [1, 0], orders: 0 }
}

impl Scenario {
    /// The SQL (or app code) of one step, as the learner reads it. SQL is language-neutral; app code is
    /// pseudo-Rust. Comments after `--` are part of PostgreSQL syntax and name variables, not prose.
    pub fn step_sql(&self, step: Step) -> String {
        let row = |r: RowId| {
            self.rows.get(r as usize).copied().unwrap_or(RowDef { table: "t", id: 0, column: "v", initial: 0 })
        };
        match step {
            Step::Begin => match self.isolation {
                Isolation::ReadCommitted => "BEGIN;".into(),
                Isolation::RepeatableRead => "BEGIN ISOLATION LEVEL REPEATABLE READ;".into(),
            },
            Step::Select { row: r, lock, with_version } => {
                let d = row(r);
                let cols = if with_version { format!("{}, version", d.column) } else { d.column.to_string() };
                let lock = match lock {
                    LockClause::None => "",
                    LockClause::ForUpdate => " FOR UPDATE",
                    LockClause::ForUpdateNowait => " FOR UPDATE NOWAIT",
                };
                let into = if with_version { "x, seen" } else { "x" };
                format!("SELECT {cols} FROM {} WHERE id = {}{lock};  -- -> {into}", d.table, d.id)
            }
            Step::Compute { compute: Compute::AddToRead(d) } => format!("new = x + {d};"),
            Step::Compute { compute: Compute::TakeOneIfAvailable } => {
                "if x < 1 { ROLLBACK; return SoldOut; } new = x - 1;".into()
            }
            Step::Update { row: r, set, guard } => {
                let d = row(r);
                let c = d.column;
                let mut s = match set {
                    SetExpr::Computed => format!("UPDATE {} SET {c} = $new", d.table),
                    SetExpr::Add(n) if n < 0 => format!("UPDATE {} SET {c} = {c} - {}", d.table, -n),
                    SetExpr::Add(n) => format!("UPDATE {} SET {c} = {c} + {n}", d.table),
                };
                if guard == Guard::VersionSeen {
                    s.push_str(", version = version + 1");
                }
                s.push_str(&format!(" WHERE id = {}", d.id));
                match guard {
                    Guard::None => {}
                    Guard::VersionSeen => s.push_str(" AND version = $seen"),
                    Guard::AtLeast(n) => s.push_str(&format!(" AND {c} >= {n}")),
                }
                s.push(';');
                s
            }
            Step::IfNoRows { then: OnZero::Retry } => "if rows == 0 { ROLLBACK; retry(); }".into(),
            Step::IfNoRows { then: OnZero::SoldOut } => "if rows == 0 { ROLLBACK; return SoldOut; }".into(),
            Step::InsertOrder => format!("INSERT INTO orders (item_id) VALUES ({});", row(0).id),
            Step::Commit => "COMMIT;".into(),
            Step::Rollback => "ROLLBACK;".into(),
            Step::MutexLock { mutex } => format!("let guard = app{}_mutex.lock();", mutex + 1),
            Step::MutexUnlock { .. } => "drop(guard);".into(),
        }
    }

    /// The table a step touches, for 55P03's message.
    pub fn relation(&self, row: RowId) -> &'static str {
        self.rows.get(row as usize).map_or("t", |r| r.table)
    }
}
