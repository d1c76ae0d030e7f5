//! # Transactions and row locks, as PostgreSQL 15 runs them
//!
//! A model checker's view of the classic race conditions, in the shape of stateright's `Model`
//! (`examples/increment.rs` is the same lost update): an explicit [`State`], an [`Action`] enum, the enabled
//! actions in a fixed order ([`Scenario::actions`]), a pure transition ([`Scenario::next_state`]) and named
//! properties ([`PROPERTIES`]). Who moves next is decided outside the model: by a learner clicking
//! ([`Run::step`], with [`Run::undo`]), by a seed ([`run_random`]), by a schedule string ([`replay_str`]), or by
//! all of them at once ([`explore`]).
//!
//! ## The lost update, step by step
//! Two transactions each add 1 to `counters.v`, which starts at 0, by reading it into the application and writing
//! back what they computed (preset `lost-update`):
//!
//! ```text
//! T1: BEGIN;  SELECT v FROM counters WHERE id = 1;  -- x = 0, new = x + 1
//!             UPDATE counters SET v = $new WHERE id = 1;  COMMIT;
//! T2: (the same)
//! ```
//!
//! Run serially (schedule `11112222`) the counter ends at 2. Now interleave them (schedule `12121212`):
//!
//! | action | T1                        | T2                                   | v (committed) |
//! |--------|---------------------------|--------------------------------------|---------------|
//! | 1      | BEGIN                     |                                      | 0             |
//! | 2      |                           | BEGIN                                | 0             |
//! | 1      | SELECT -> x = 0, new = 1  |                                      | 0             |
//! | 2      |                           | SELECT -> x = 0, new = 1             | 0             |
//! | 1      | UPDATE v = 1 (row locked) |                                      | 0             |
//! | 2      |                           | UPDATE v = 1: **waits** for T1's lock| 0             |
//! | 1      | COMMIT                    | (resumes: re-reads the row, v = 1, and writes its stale `new` = 1) | 1 |
//! | 2      |                           | COMMIT                               | **1**         |
//!
//! Both committed, the counter says 1: T1's update is lost. The row lock did its job (T2 waited), but the value
//! T2 writes was computed from a read made before the wait. The fixes the model checks:
//! - `atomic`: `UPDATE counters SET v = v + 1` computes from the row version it applies to. In READ COMMITTED,
//!   a waiting UPDATE re-reads the newest version after the wait and re-checks its WHERE (EvalPlanQual), so T2
//!   writes 2.
//! - `for-update`: `SELECT ... FOR UPDATE` takes the lock at the read: T2 waits there and reads 1.
//! - `optimistic`: `UPDATE ... SET v = $new, version = version + 1 WHERE id = 1 AND version = $seen`: after its
//!   wait T2 re-checks `version = 1` against T1's version 2, gets `UPDATE 0`, rolls back and retries.
//! - `repeatable-read`: the same program under REPEATABLE READ: T2's UPDATE fails after the wait with
//!   `ERROR:  could not serialize access due to concurrent update` (SQLSTATE 40001).
//!
//! [`explore`] proves these over every schedule: `lost-update` reaches [`OutcomeKind::LostUpdate`] in some of its
//! 70 schedules; with `for-update`, `optimistic` or `atomic` no schedule does (pinned in `tests/race_explore.rs`).
//!
//! ```
//! use msa_sim::race::{preset, replay_str, explore, Budget, OutcomeKind};
//! let sc = preset("lost-update").unwrap().scenario().unwrap();
//! let run = replay_str(&sc, "12121212").unwrap();
//! let out = run.outcome().unwrap();
//! assert_eq!(out.kind, OutcomeKind::LostUpdate);
//! assert_eq!(out.final_values, vec![1]);
//! assert!(explore(&sc, Budget::DEFAULT).reachable(OutcomeKind::LostUpdate));
//! ```
//!
//! ## Modelling choices (and why)
//! - One action per statement by default ([`Expansion::Statements`]); app-local computations run with the
//!   statement before them, since nobody can observe them. [`Expansion::MinorSteps`] splits them out, the way
//!   Deadlock Empire expands `a = a + 1`.
//! - A statement that must wait is one action (it joins the lock's FIFO queue); when the lock is released, the
//!   first waiter's statement completes inside the releasing action, as the PostgreSQL backend continues without
//!   any client input. So every transaction still takes one action per step, and locking only prunes schedules.
//! - Deadlock: when the waits-for graph has a cycle, the member that began waiting first gets one enabled action,
//!   its deadlock check (deadlock_timeout = 1 s after it began waiting fires first for it): 40P01. The others stay
//!   blocked until it has been aborted and its locks released.
//! - Several waiters on one row: when the holder ends, the first waiter goes on. If the holder had updated the
//!   row, PostgreSQL wakes the waiters and they race for the new version (heapam releases the tuple lock before
//!   EvalPlanQual locks the newest version), so the server does not promise this order; it is its usual one (6 of
//!   8 runs of three sessions in the real isolationtester). A READ COMMITTED UPDATE that waited and then fails its
//!   re-check (`UPDATE 0`) keeps the lock EvalPlanQual took on the new version until its transaction ends; a
//!   REPEATABLE READ statement fails with 40001 at once, before any wait, on a row that a transaction committed
//!   after its snapshot replaced. `check-postgres` runs the presets on PostgreSQL and on the SQL engine
//!   ([`crate::sql`]) through one harness to hold the model to these rules.
//! - An error releases the transaction's locks at once (PostgreSQL aborts the transaction when it raises the
//!   error); the client then sends ROLLBACK, which is the transaction's next action (and its retry, if any).

pub mod contention;
pub mod explore;
pub mod model;
pub mod scenarios;
pub mod schedule;
pub mod view;

pub use explore::{classify, explore, outcome_kind, Budget, Exploration, Outcome, OutcomeKind, TxnOutcome};
pub use model::{
    Action, Blocked, Ending, Event, Expansion, Isolation, NotEnabled, Phase, Property, RowDef, Scenario, SqlError,
    State, Step, TxnId, WaitOn, PROPERTIES,
};
pub use scenarios::{build, preset, BuildError, Preset, Story, Strategy, PRESETS};
pub use schedule::{replay, replay_str, run_random, run_serial, DecodeError, ReplayError, Run, Schedule};
