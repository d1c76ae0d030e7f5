//! Every interleaving of a spec's sessions on the engine, grouped by outcome: which final rows each schedule
//! leaves and which steps failed with which error. The question a learner asks of two or three transactions
//! ("can this lose an update?") is answered by the groups, each with a first schedule to open.
//!
//! A schedule is the order in which the sessions send their steps. A session whose query waits for a lock sends
//! nothing until the wait ends, as a real client cannot; when every session with steps left is waiting, time
//! passes (the engine fires its next timer: a `deadlock_timeout` or `lock_timeout`), as it does while
//! isolationtester blocks. So every schedule explored is one isolationtester can run as a permutation without
//! blocking on a session out of turn, and running it with `msa-sim sql` prints the same result.
//!
//! The search is depth first over engine states, cloning the engine at each branch, within a [`Budget`]. Listed
//! permutations of the spec play no part: every interleaving is explored.

use super::spec::{Spec, StepRef};
use super::tester::{check_sql, TesterError, TesterErrorKind};
use super::{Engine, Reply, MAX_SESSIONS};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// Stop after this many complete schedules.
    pub max_schedules: u64,
    /// Stop after this many engine actions (steps sent and timers fired, over all branches).
    pub max_actions: u64,
}

impl Budget {
    /// Three sessions of four steps have 34,650 schedules at most: well inside.
    pub const DEFAULT: Budget = Budget { max_schedules: 200_000, max_actions: 5_000_000 };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// A step that ended in an error.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StepError {
    pub step: String,
    pub sqlstate: &'static str,
    pub message: String,
}

/// A table's committed rows at the end (what a new transaction would read), sorted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TableRows {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// What a schedule ends with. Schedules with equal outcomes form one group.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Outcome {
    pub tables: Vec<TableRows>,
    /// Failed steps, sorted by step name (the order they failed in belongs to the schedule, not the outcome).
    pub errors: Vec<StepError>,
    /// Steps still waiting at the end with no timer left to end the wait (a session holds a lock and has no
    /// step left to release it), sorted.
    pub stuck: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeGroup {
    pub outcome: Outcome,
    pub schedules: u64,
    /// The first schedule (in exploration order) that ends so: step names in the order they were sent.
    pub first: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exploration {
    pub schedules: u64,
    /// Engine actions performed (steps sent, timers fired).
    pub actions: u64,
    /// The budget ran out: the counts are a lower bound.
    pub truncated: bool,
    /// Groups in the order their first schedule was found.
    pub groups: Vec<OutcomeGroup>,
}

struct Node {
    engine: Engine,
    next: Vec<usize>,
    inflight: Vec<Option<usize>>,
    schedule: Vec<StepRef>,
    errors: Vec<StepError>,
}

struct Search<'a> {
    spec: &'a Spec,
    budget: Budget,
    actions: u64,
    schedules: u64,
    truncated: bool,
    index: BTreeMap<Outcome, usize>,
    groups: Vec<OutcomeGroup>,
}

impl Search<'_> {
    /// Records the results of every session whose query has finished.
    fn settle(&self, node: &mut Node) {
        for s in 0..node.inflight.len() {
            let Some(k) = node.inflight[s] else { continue };
            if node.engine.waiting(s) {
                continue;
            }
            let replies = node.engine.take_replies(s).unwrap_or_default();
            for r in replies {
                if let Reply::Error { sqlstate, message } = r {
                    let step = self.spec.sessions[s].steps[k].name.clone();
                    node.errors.push(StepError { step, sqlstate, message });
                }
            }
            node.inflight[s] = None;
        }
    }

    fn leaf(&mut self, node: &Node) {
        self.schedules += 1;
        let tables = final_tables(&node.engine);
        let mut errors = node.errors.clone();
        errors.sort();
        let mut stuck: Vec<String> = (0..node.inflight.len())
            .filter_map(|s| node.inflight[s].map(|k| self.spec.sessions[s].steps[k].name.clone()))
            .collect();
        stuck.sort();
        let outcome = Outcome { tables, errors, stuck };
        match self.index.get(&outcome) {
            Some(&g) => self.groups[g].schedules += 1,
            None => {
                let first = node.schedule.iter().map(|r| self.spec.step(*r).name.clone()).collect();
                self.index.insert(outcome.clone(), self.groups.len());
                self.groups.push(OutcomeGroup { outcome, schedules: 1, first });
            }
        }
    }

    fn out_of_budget(&mut self) -> bool {
        if self.schedules >= self.budget.max_schedules || self.actions >= self.budget.max_actions {
            self.truncated = true;
        }
        self.truncated
    }

    fn dfs(&mut self, mut node: Node) {
        loop {
            if self.out_of_budget() {
                return;
            }
            self.settle(&mut node);
            let enabled: Vec<usize> = (0..node.next.len())
                .filter(|&s| node.inflight[s].is_none() && node.next[s] < self.spec.sessions[s].steps.len())
                .collect();
            if !enabled.is_empty() {
                let last = enabled.len() - 1;
                let mut node = Some(node);
                for (i, &s) in enabled.iter().enumerate() {
                    // The last branch takes the node itself: one clone fewer per level.
                    let mut child = if i == last {
                        node.take().expect("the node is still here")
                    } else {
                        let n = node.as_ref().expect("the node is still here");
                        Node {
                            engine: n.engine.clone(),
                            next: n.next.clone(),
                            inflight: n.inflight.clone(),
                            schedule: n.schedule.clone(),
                            errors: n.errors.clone(),
                        }
                    };
                    let k = child.next[s];
                    self.actions += 1;
                    let sql = &self.spec.sessions[s].steps[k].sql.sql;
                    if let Err(e) = child.engine.send(s, sql) {
                        // A limit of the engine (statements per session): the step fails, visibly.
                        let step = self.spec.sessions[s].steps[k].name.clone();
                        child.errors.push(StepError { step, sqlstate: "54000", message: e.to_string() });
                    } else {
                        child.inflight[s] = Some(k);
                    }
                    child.next[s] += 1;
                    child.schedule.push((s, k));
                    self.dfs(child);
                    if self.truncated {
                        return;
                    }
                }
                return;
            }
            if node.inflight.iter().any(Option::is_some) {
                // Every session with work left is waiting: time passes.
                self.actions += 1;
                if node.engine.advance_time() {
                    continue;
                }
            }
            self.leaf(&node);
            return;
        }
    }
}

/// Every table's committed rows as a new transaction would read them now, rows sorted.
pub fn final_tables(engine: &Engine) -> Vec<TableRows> {
    engine
        .snapshot()
        .tables
        .iter()
        .map(|t| {
            let mut rows: Vec<Vec<Option<String>>> =
                t.versions.iter().filter(|v| v.live).map(|v| v.values.clone()).collect();
            rows.sort();
            TableRows { name: t.name.clone(), columns: t.columns.clone(), rows }
        })
        .collect()
}

/// Explores every schedule of the spec's sessions within `budget`. Errors: SQL outside the subset (with its
/// place in the spec), a setup the engine refuses, more sessions than it runs.
pub fn explore(spec: &Spec, budget: Budget) -> Result<Exploration, TesterError> {
    if let Some(extra) = spec.sessions.get(MAX_SESSIONS) {
        return Err(TesterError {
            pos: Some(extra.pos),
            kind: TesterErrorKind::Setup(format!(
                "{} sessions: the engine runs at most {MAX_SESSIONS}",
                spec.sessions.len()
            )),
        });
    }
    check_sql(spec)?;
    let n = spec.sessions.len();
    let mut engine = super::tester::fresh_engine(spec)?;
    for s in 0..n {
        if let Some(b) = &spec.sessions[s].setup {
            let what = format!("setup of session {}", spec.sessions[s].name);
            let replies = super::tester::exec_blocking(&mut engine, s, &b.sql, &what)?;
            if let Some(Reply::Error { message, .. }) =
                replies.into_iter().rev().find(|r| !matches!(r, Reply::Notice { .. }))
            {
                return Err(TesterError {
                    pos: Some(b.pos),
                    kind: TesterErrorKind::SessionSetup { session: spec.sessions[s].name.clone(), message },
                });
            }
        }
    }
    let mut search =
        Search { spec, budget, actions: 0, schedules: 0, truncated: false, index: BTreeMap::new(), groups: Vec::new() };
    let root = Node { engine, next: vec![0; n], inflight: vec![None; n], schedule: Vec::new(), errors: Vec::new() };
    search.dfs(root);
    Ok(Exploration {
        schedules: search.schedules,
        actions: search.actions,
        truncated: search.truncated,
        groups: search.groups,
    })
}
