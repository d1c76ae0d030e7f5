//! Outcomes and exhaustive exploration.
//!
//! [`explore`] walks every schedule of a scenario depth first (like loom or stateright's DFS checker, without
//! state deduplication: we count schedules, not states), classifies the end of each with [`classify`], counts
//! them per [`OutcomeKind`] and keeps the first schedule reaching each kind so a view can replay it. A [`Budget`]
//! bounds the walk; hitting it is reported, never silently truncated.

use super::model::*;
use super::schedule::Schedule;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a finished run ended, worst first in the order of the enum: a run with several problems gets the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// Some transaction can never move again (a cycle PostgreSQL cannot see, e.g. through an app mutex).
    Stuck,
    /// More orders than stock.
    Oversold,
    /// A committed transaction's write is missing from the final value.
    LostUpdate,
    /// A transaction ended with 40P01.
    DeadlockVictim,
    /// A transaction ended with 40001.
    SerializationFailure,
    /// A transaction ended with 55P03 (NOWAIT).
    LockNotAvailable,
    /// A transaction retried until its budget ran out.
    GaveUp,
    /// Correct in the end, after at least one retry.
    Retried,
    /// Every transaction finished and every committed write is there.
    Correct,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 9] = [
        OutcomeKind::Stuck,
        OutcomeKind::Oversold,
        OutcomeKind::LostUpdate,
        OutcomeKind::DeadlockVictim,
        OutcomeKind::SerializationFailure,
        OutcomeKind::LockNotAvailable,
        OutcomeKind::GaveUp,
        OutcomeKind::Retried,
        OutcomeKind::Correct,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            OutcomeKind::Stuck => "stuck",
            OutcomeKind::Oversold => "oversold",
            OutcomeKind::LostUpdate => "lost-update",
            OutcomeKind::DeadlockVictim => "deadlock-victim",
            OutcomeKind::SerializationFailure => "serialization-failure",
            OutcomeKind::LockNotAvailable => "lock-not-available",
            OutcomeKind::GaveUp => "gave-up",
            OutcomeKind::Retried => "retried",
            OutcomeKind::Correct => "correct",
        }
    }

    /// Correct and Retried are fine; everything else is something a lesson warns about.
    pub const fn is_bad(self) -> bool {
        !matches!(self, OutcomeKind::Correct | OutcomeKind::Retried)
    }
}

/// The end of a run, as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// Per transaction: how it ended (None if stuck), its attempts, the errors it hit.
    pub txns: Vec<TxnOutcome>,
    pub final_values: Vec<i64>,
    /// What the rows should hold given which transactions committed.
    pub expected_values: Vec<i64>,
    pub orders: u8,
    /// Names of the [`PROPERTIES`] that fail.
    pub violated: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TxnOutcome {
    pub ending: Option<Ending>,
    pub attempts: u8,
    pub errors: Vec<SqlError>,
}

/// The outcome kind of a state, or None if some action is still enabled. Allocation-free (exploration calls it
/// at every leaf).
pub fn outcome_kind(sc: &Scenario, st: &State) -> Option<OutcomeKind> {
    let n = sc.n_txns();
    if (0..n as TxnId).any(|t| sc.action_for(st, t).is_ok()) {
        return None;
    }
    let txns = &st.txns[..n];
    let failed = |e: SqlError| txns.iter().any(|t| t.ending() == Some(Ending::Failed(e)));
    Some(if !sc.is_finished(st) {
        OutcomeKind::Stuck
    } else if !not_oversold(sc, st) {
        OutcomeKind::Oversold
    } else if !no_lost_update(sc, st) {
        OutcomeKind::LostUpdate
    } else if failed(SqlError::DeadlockDetected) {
        OutcomeKind::DeadlockVictim
    } else if failed(SqlError::SerializationFailure) {
        OutcomeKind::SerializationFailure
    } else if failed(SqlError::LockNotAvailable) {
        OutcomeKind::LockNotAvailable
    } else if txns.iter().any(|t| t.ending() == Some(Ending::GaveUp)) {
        OutcomeKind::GaveUp
    } else if txns.iter().any(|t| t.attempt > 1) {
        OutcomeKind::Retried
    } else {
        OutcomeKind::Correct
    })
}

/// The full outcome of a finished run, or None while some action is enabled.
pub fn classify(sc: &Scenario, st: &State) -> Option<Outcome> {
    let kind = outcome_kind(sc, st)?;
    let n = sc.n_txns();
    let want = expected_rows(sc, st);
    Some(Outcome {
        kind,
        txns: st.txns[..n]
            .iter()
            .map(|t| TxnOutcome {
                ending: t.ending(),
                attempts: t.attempt,
                errors: [SqlError::SerializationFailure, SqlError::DeadlockDetected, SqlError::LockNotAvailable]
                    .into_iter()
                    .filter(|&e| t.saw_error(e))
                    .collect(),
            })
            .collect(),
        final_values: st.rows[..sc.rows.len()].iter().map(|r| r.committed.value).collect(),
        expected_values: want[..sc.rows.len()].to_vec(),
        orders: st.orders,
        violated: PROPERTIES.iter().filter(|p| !(p.holds)(sc, st)).map(|p| p.name).collect(),
    })
}

/// Limits on an exploration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// Stop after this many complete schedules.
    pub max_schedules: u64,
    /// Stop after this many transitions (states generated).
    pub max_states: u64,
}

impl Budget {
    /// Enough for every preset (the largest has 34,650 schedules or fewer) with a wide margin.
    pub const DEFAULT: Budget = Budget { max_schedules: 1_000_000, max_states: 10_000_000 };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// What an exploration found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exploration {
    /// Complete schedules walked.
    pub schedules: u64,
    /// Transitions taken (states generated).
    pub states: u64,
    /// Schedules per outcome kind.
    pub by_outcome: BTreeMap<OutcomeKind, u64>,
    /// The first schedule (in DFS order: lowest transaction first) reaching each outcome kind.
    pub examples: BTreeMap<OutcomeKind, Schedule>,
    /// The longest schedule.
    pub max_len: usize,
    /// True if the budget stopped the walk before every schedule was seen.
    pub truncated: bool,
}

impl Exploration {
    pub fn count(&self, k: OutcomeKind) -> u64 {
        self.by_outcome.get(&k).copied().unwrap_or(0)
    }
    pub fn reachable(&self, k: OutcomeKind) -> bool {
        self.count(k) > 0
    }
}

/// Walks every schedule of `sc` within `budget`, depth first, lowest transaction first: an [`Explorer`] run in
/// one go.
pub fn explore(sc: &Scenario, budget: Budget) -> Exploration {
    let mut e = Explorer::new(sc.clone(), budget);
    e.run(u64::MAX);
    e.ex
}

// ---------------------------------------------------------------------------------------------------------------
// Exploration in slices

/// How many bad schedules an [`Explorer`] keeps for listing.
pub const MAX_BAD_KEPT: usize = 100;

struct Frame {
    st: State,
    next: TxnId,
    any: bool,
}

/// The depth-first walk behind [`explore`], resumable: call [`Explorer::run`] with a transition budget per
/// slice until it returns true; slicing never changes the result (tested for every preset).
pub struct Explorer {
    sc: Scenario,
    budget: Budget,
    stack: Vec<Frame>,
    path: Vec<TxnId>,
    ex: Exploration,
    bad: Vec<(OutcomeKind, Schedule)>,
    done: bool,
    /// The last complete schedule (debug and test builds): each one must come after it in DFS order, which is
    /// what "every schedule once, none twice" means for a walk that keeps no visited set.
    #[cfg(any(debug_assertions, feature = "invariants"))]
    last: Option<Vec<TxnId>>,
}

impl Explorer {
    pub fn new(sc: Scenario, budget: Budget) -> Explorer {
        let init = sc.init_state();
        let cap = sc.max_run_len();
        Explorer {
            sc,
            budget,
            stack: vec![Frame { st: init, next: 0, any: false }],
            path: Vec::with_capacity(cap),
            ex: Exploration {
                schedules: 0,
                states: 0,
                by_outcome: BTreeMap::new(),
                examples: BTreeMap::new(),
                max_len: 0,
                truncated: false,
            },
            bad: Vec::new(),
            done: false,
            #[cfg(any(debug_assertions, feature = "invariants"))]
            last: None,
        }
    }

    /// Walks on for at most `slice` transitions (at least one). Returns true once the walk is over.
    pub fn run(&mut self, slice: u64) -> bool {
        let mut left = slice.max(1);
        while !self.done && left > 0 {
            let n = self.sc.n_txns() as TxnId;
            let Some(top) = self.stack.last_mut() else {
                self.done = true;
                break;
            };
            let mut found = None;
            while top.next < n {
                let t = top.next;
                top.next += 1;
                if let Ok(a) = self.sc.action_for(&top.st, t) {
                    found = Some((t, a));
                    break;
                }
            }
            match found {
                Some((t, action)) => {
                    top.any = true;
                    let b = self.budget;
                    if self.ex.schedules >= b.max_schedules
                        || self.ex.states >= b.max_states
                        || self.path.len() >= self.sc.max_run_len()
                    {
                        self.ex.truncated = true;
                        self.done = true;
                        break;
                    }
                    let mut next = top.st;
                    if self.sc.apply(&mut next, action, &mut ()).is_err() {
                        continue;
                    }
                    self.ex.states += 1;
                    left -= 1;
                    self.path.push(t);
                    self.stack.push(Frame { st: next, next: 0, any: false });
                    #[cfg(any(debug_assertions, feature = "invariants"))]
                    assert_eq!(self.path.len() + 1, self.stack.len(), "one frame per step taken, plus the root");
                }
                None => {
                    if !top.any {
                        #[cfg(any(debug_assertions, feature = "invariants"))]
                        {
                            if let Some(last) = &self.last {
                                assert!(self.path > *last, "schedule {:?} walked again or out of order", self.path);
                            }
                            self.last = Some(self.path.clone());
                        }
                        let kind = outcome_kind(&self.sc, &top.st).unwrap_or(OutcomeKind::Stuck);
                        let ex = &mut self.ex;
                        ex.schedules += 1;
                        ex.max_len = ex.max_len.max(self.path.len());
                        *ex.by_outcome.entry(kind).or_insert(0) += 1;
                        let path = &self.path;
                        ex.examples.entry(kind).or_insert_with(|| Schedule(path.clone()));
                        if kind.is_bad() && self.bad.len() < MAX_BAD_KEPT {
                            self.bad.push((kind, Schedule(path.clone())));
                        }
                    }
                    self.stack.pop();
                    if self.stack.is_empty() {
                        self.done = true;
                    } else {
                        self.path.pop();
                    }
                }
            }
        }
        self.done
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// What has been found so far (final once [`Explorer::is_done`]).
    pub fn exploration(&self) -> &Exploration {
        &self.ex
    }

    /// The first [`MAX_BAD_KEPT`] schedules (in DFS order) whose outcome is bad.
    pub fn bad(&self) -> &[(OutcomeKind, Schedule)] {
        &self.bad
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }
}
