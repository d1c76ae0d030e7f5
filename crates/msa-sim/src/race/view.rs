//! What the race visualizer draws, computed here so the widget stays a thin view:
//!
//! - [`RaceConfig`] and its URL form ([`RaceConfig::encode`], [`decode_url`]): scenario, strategy, clients,
//!   step granularity and the schedule so far in one query value, decoded without ever panicking into a typed
//!   [`UrlError`];
//! - [`run_view`]: one [`RunView`] per state of a [`Run`]: every transaction's program with the steps done, the
//!   step (group) it runs next and why it cannot move; each row's committed value, version, uncommitted version,
//!   lock holder and FIFO of waiters; app mutexes; the waits-for edges; the outcome;
//! - [`client_error`]: the error a PostgreSQL client prints for an aborted transaction;
//! - [`Explorer`]: [`explore`](super::explore()) in slices (same counts, same examples, in the same order), so
//!   a browser can explore between frames, show progress and cancel; it also keeps the first bad schedules.

use super::explore::{classify, Outcome};
pub use super::explore::{Explorer, MAX_BAD_KEPT};
use super::model::*;
use super::scenarios::{build, preset, BuildError, Preset, Strategy, PRESETS};
use super::schedule::{replay, ReplayError, Run, Schedule, MAX_SCHEDULE_CHARS};
use serde::Serialize;
use std::fmt;
use std::ops::Range;

mod url;

pub use url::{decode_url, preset_names, replay_prefix, RaceConfig, UrlError, MAX_URL_CHARS};

// ---------------------------------------------------------------------------------------------------------------
// The view model

/// Where a program step stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepMark {
    Done,
    /// Part of what the transaction runs when it moves next (or is waiting in).
    Next,
    Later,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepView {
    pub sql: String,
    pub kind: MinorKind,
    /// Runs in the app, not in the database.
    pub app_local: bool,
    pub mark: StepMark,
}

/// A transaction's status, for its column header and the reason it cannot move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum TxnStatus {
    /// Can run its next step.
    Ready,
    /// Waits for a row lock or a mutex held by `holder`.
    Waiting {
        on: WaitOn,
        holder: Option<TxnId>,
    },
    /// In a deadlock cycle and its deadlock check fires next: moving it means 40P01.
    DeadlockCheck {
        on: WaitOn,
        holder: Option<TxnId>,
    },
    /// An error aborted it; it must ROLLBACK next.
    Aborted {
        error: SqlError,
    },
    Done {
        ending: Ending,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxnView {
    pub id: TxnId,
    /// The app server it runs on (app-servers story).
    pub server: Option<u8>,
    pub steps: Vec<StepView>,
    pub status: TxnStatus,
    /// Whether the scheduler may move it now.
    pub can_move: bool,
    pub attempt: u8,
    pub max_attempts: u8,
    /// The app's variables: value read, version read, value computed, UPDATE row count.
    pub x: Option<i64>,
    pub seen: Option<u32>,
    pub new: Option<i64>,
    pub rows: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowView {
    pub table: &'static str,
    pub id: i64,
    pub column: &'static str,
    /// The newest committed version.
    pub value: i64,
    pub version: u32,
    /// The lock holder's uncommitted version, if it wrote one.
    pub pending: Option<Pending>,
    pub holder: Option<TxnId>,
    pub waiters: Vec<TxnId>,
    /// Whether the scenario's table has a version column (optimistic strategy).
    pub versioned: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MutexView {
    pub server: u8,
    pub holder: Option<TxnId>,
    pub waiters: Vec<TxnId>,
}

/// `from` waits for something `to` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WaitEdge {
    pub from: TxnId,
    pub to: TxnId,
    pub on: WaitOn,
    /// The edge is part of a cycle (a deadlock).
    pub in_cycle: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunView {
    pub txns: Vec<TxnView>,
    pub rows: Vec<RowView>,
    /// Only the mutexes the scenario uses.
    pub mutexes: Vec<MutexView>,
    pub edges: Vec<WaitEdge>,
    /// Committed orders (oversell story).
    pub orders: u8,
    pub outcome: Option<Outcome>,
}

/// The steps `t` runs when it moves next: its current step and, in statement mode, the app-local steps after
/// it (the model runs them together). Empty once it has finished or after an error.
pub fn next_group(sc: &Scenario, st: &State, t: TxnId) -> Range<usize> {
    let Some(ts) = st.txns.get(t as usize) else { return 0..0 };
    let Some(spec) = sc.txns.get(t as usize) else { return 0..0 };
    if !matches!(ts.phase, Phase::Ready | Phase::Waiting { .. }) {
        return 0..0;
    }
    let start = (ts.pc as usize).min(spec.program.len());
    let mut end = (start + 1).min(spec.program.len());
    if sc.expansion == Expansion::Statements {
        while end < spec.program.len() && spec.program[end].is_app_local() {
            end += 1;
        }
    }
    start..end
}

/// The view of the run's current state.
pub fn run_view(run: &Run) -> RunView {
    state_view(&run.scenario, run.state())
}

/// The view of any state of a scenario.
pub fn state_view(sc: &Scenario, st: &State) -> RunView {
    let n = sc.n_txns();
    let victim = sc.deadlock_victim(st);
    let versioned =
        sc.txns.iter().any(|t| t.program.iter().any(|s| matches!(s, Step::Select { with_version: true, .. })));
    let txns = (0..n as TxnId)
        .map(|t| {
            let ts = &st.txns[t as usize];
            let spec = &sc.txns[t as usize];
            let group = next_group(sc, st, t);
            let done_all = ts.is_done();
            let steps = spec
                .program
                .iter()
                .enumerate()
                .map(|(i, &s)| StepView {
                    sql: sc.step_sql(s),
                    kind: s.minor(),
                    app_local: s.is_app_local(),
                    mark: if group.contains(&i) {
                        StepMark::Next
                    } else if done_all || i < ts.pc as usize {
                        StepMark::Done
                    } else {
                        StepMark::Later
                    },
                })
                .collect();
            let holder_of = |on: WaitOn| match on {
                WaitOn::Row(r) => st.rows[r as usize].holder,
                WaitOn::Mutex(m) => st.mutexes[m as usize].holder,
            };
            let status = match ts.phase {
                Phase::Ready => TxnStatus::Ready,
                Phase::Waiting { on, .. } if victim == Some(t) => {
                    TxnStatus::DeadlockCheck { on, holder: holder_of(on) }
                }
                Phase::Waiting { on, .. } => TxnStatus::Waiting { on, holder: holder_of(on) },
                Phase::Aborted { error } => TxnStatus::Aborted { error },
                Phase::Done { ending } => TxnStatus::Done { ending },
            };
            TxnView {
                id: t,
                server: spec.server,
                steps,
                status,
                can_move: sc.action_for(st, t).is_ok(),
                attempt: ts.attempt,
                max_attempts: sc.max_attempts,
                x: ts.x,
                seen: ts.seen,
                new: ts.new,
                rows: ts.rows,
            }
        })
        .collect();
    let rows = sc
        .rows
        .iter()
        .zip(st.rows.iter())
        .map(|(d, r)| RowView {
            table: d.table,
            id: d.id,
            column: d.column,
            value: r.committed.value,
            version: r.committed.version,
            pending: r.pending,
            holder: r.holder,
            waiters: r.waiters.as_slice().to_vec(),
            versioned,
        })
        .collect();
    let used_mutexes: Vec<u8> = {
        let mut v: Vec<u8> = sc
            .txns
            .iter()
            .flat_map(|t| t.program.iter())
            .filter_map(|s| match s {
                Step::MutexLock { mutex } => Some(*mutex),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mutexes = used_mutexes
        .iter()
        .map(|&m| {
            let ms = &st.mutexes[m as usize];
            MutexView { server: m, holder: ms.holder, waiters: ms.waiters.as_slice().to_vec() }
        })
        .collect();
    let mut edges = Vec::new();
    for t in 0..n as TxnId {
        if let Phase::Waiting { on, .. } = st.txns[t as usize].phase {
            let holder = match on {
                WaitOn::Row(r) => st.rows[r as usize].holder,
                WaitOn::Mutex(m) => st.mutexes[m as usize].holder,
            };
            if let Some(h) = holder {
                edges.push(WaitEdge { from: t, to: h, on, in_cycle: false });
            }
        }
    }
    // An edge is in a cycle when following edges from its target leads back to its source.
    let targets: Vec<(TxnId, TxnId)> = edges.iter().map(|e| (e.from, e.to)).collect();
    for e in edges.iter_mut() {
        let mut cur = e.to;
        for _ in 0..MAX_TXNS {
            if cur == e.from {
                e.in_cycle = true;
                break;
            }
            match targets.iter().find(|(f, _)| *f == cur) {
                Some((_, to)) => cur = *to,
                None => break,
            }
        }
    }
    RunView { txns, rows, mutexes, edges, orders: st.orders, outcome: classify(sc, st) }
}

/// The error text a PostgreSQL client (psql) prints when `error` aborts `t`: the primary line (with the
/// relation of the statement that failed, for 55P03) and the SQLSTATE.
pub fn client_error(sc: &Scenario, st: &State, t: TxnId, error: SqlError) -> String {
    let row = st
        .txns
        .get(t as usize)
        .and_then(|ts| sc.txns.get(t as usize)?.program.get(ts.pc as usize))
        .and_then(|s| match *s {
            Step::Select { row, .. } | Step::Update { row, .. } => Some(row),
            _ => None,
        })
        .unwrap_or(0);
    format!("{}\nSQLSTATE: {}", error.message(sc.relation(row)), error.sqlstate())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_group_takes_app_local_steps_in_statement_mode() {
        let sc = build(super::super::Story::Counter, Strategy::NoLock, 2).unwrap();
        let mut st = sc.init_state();
        sc.apply(&mut st, Action::Step(0), &mut ()).unwrap();
        // BEGIN done; next is SELECT + compute.
        assert_eq!(next_group(&sc, &st, 0), 1..3);
        let mut minor = sc.clone();
        minor.expansion = Expansion::MinorSteps;
        assert_eq!(next_group(&minor, &st, 0), 1..2);
    }
}
