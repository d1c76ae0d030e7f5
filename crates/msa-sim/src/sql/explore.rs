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

use super::engine::Value;
use super::spec::Spec;
use super::tester::{check_sql, TesterError, TesterErrorKind};
use super::{Engine, Reply, Statement, MAX_SESSIONS};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// The depth-first walk over every schedule that both explorations share: [`explore`] (an isolation spec, grouped
/// by rows, errors and stuck steps) and the SQL editor's [`super::url::Explorer`] (grouped by what every
/// statement returned and the rows). Resumable: [`Walk::run`] takes a number of engine actions, so the editor runs
/// it in slices between frames.
///
/// Children are taken eagerly and pushed in reverse, so the lowest session runs first and a schedule's leaf is met
/// in the same order as a recursive search would meet it. The steps taken to reach a node are not stored in it: a
/// node remembers how deep it is and the step that led to it, and the walk keeps one path, cut back to that depth
/// when the node is popped (every node still on the stack hangs off the path).
pub(crate) struct Walk {
    /// Per session, per step: the statements of its query string, parsed once and shared by every branch.
    steps: Vec<Vec<Vec<Arc<Statement>>>>,
    /// Where each session's replies start in a node's `replies`.
    offsets: Vec<usize>,
    stack: Vec<Node>,
    path: Vec<PathStep>,
    /// Every distinct reply list met, once: a node holds indexes into it, so a clone copies numbers, and a
    /// grouping compares two schedules' replies by comparing numbers.
    replies: Vec<Arc<[Reply]>>,
    reply_ids: HashMap<Arc<[Reply]>, u32>,
    budget: Budget,
    pub(crate) schedules: u64,
    pub(crate) actions: u64,
    pub(crate) truncated: bool,
}

/// A session sent its next step, or time passed (the next lock timer fired).
pub(crate) type PathStep = super::url::Step;

#[derive(Clone)]
struct Node {
    engine: Engine,
    /// Steps each session has sent.
    sent: [usize; MAX_SESSIONS],
    /// Every step's replies (an index into the walk's `replies`), session after session: [`PENDING`] until sent
    /// and while it waits for a lock.
    replies: Vec<u32>,
    /// The length of the path before `last`.
    depth: usize,
    /// The step that led here (None at the root).
    last: Option<PathStep>,
}

/// A step's replies not in yet.
pub(crate) const PENDING: u32 = u32::MAX;

/// A schedule at its end, as the walk hands it to a grouping.
pub(crate) struct Leaf<'a> {
    pub(crate) engine: &'a Engine,
    /// The steps in the order taken, time passing included.
    pub(crate) path: &'a [PathStep],
    sent: &'a [usize],
    offsets: &'a [usize],
    ids: &'a [u32],
    replies: &'a [Arc<[Reply]>],
}

impl Leaf<'_> {
    /// The replies of each step session `s` sent, in order, as the walk's reply list numbers ([`Leaf::reply`]):
    /// [`PENDING`] for a step still waiting (no timer left to end the wait). Equal numbers, equal replies.
    pub(crate) fn reply_ids(&self, s: usize) -> &[u32] {
        &self.ids[self.offsets[s]..self.offsets[s] + self.sent[s]]
    }

    /// The reply list numbered `id` (not [`PENDING`]).
    pub(crate) fn reply(&self, id: u32) -> &Arc<[Reply]> {
        &self.replies[id as usize]
    }

    pub(crate) fn sessions(&self) -> usize {
        self.offsets.len()
    }
}

impl Walk {
    /// A walk from `engine` (set up, with one session per entry of `steps`; at most [`MAX_SESSIONS`]).
    pub(crate) fn new(engine: Engine, steps: Vec<Vec<Vec<Arc<Statement>>>>, budget: Budget) -> Walk {
        let mut offsets = Vec::with_capacity(steps.len());
        let mut n = 0;
        for s in &steps {
            offsets.push(n);
            n += s.len();
        }
        let root = Node { engine, sent: [0; MAX_SESSIONS], replies: vec![PENDING; n], depth: 0, last: None };
        Walk {
            steps,
            offsets,
            stack: vec![root],
            path: Vec::new(),
            replies: Vec::new(),
            reply_ids: HashMap::new(),
            budget,
            schedules: 0,
            actions: 0,
            truncated: false,
        }
    }

    /// Whether session `s`'s last step still waits for its replies.
    fn in_flight(&self, node: &Node, s: usize) -> bool {
        node.sent[s] > 0 && node.replies[self.offsets[s] + node.sent[s] - 1] == PENDING
    }

    /// The number of a reply list, numbering it if it is new.
    fn intern(&mut self, r: Vec<Reply>) -> u32 {
        if let Some(&id) = self.reply_ids.get(r.as_slice()) {
            return id;
        }
        let id = self.replies.len() as u32;
        let r: Arc<[Reply]> = r.into();
        self.replies.push(Arc::clone(&r));
        self.reply_ids.insert(r, id);
        id
    }

    /// Session `s` sends its next step, and every finished step's replies are collected.
    fn send(&mut self, node: &mut Node, s: usize) {
        let k = node.sent[s];
        node.sent[s] += 1;
        if let Err(e) = node.engine.send_shared(s, &self.steps[s][k]) {
            // A limit of the engine (statements per session): the step fails, visibly.
            let r = Reply::Error { sqlstate: "54000", message: e.to_string() };
            node.replies[self.offsets[s] + k] = self.intern(vec![r]);
        }
        self.settle(node);
    }

    /// Records the replies of every step that has finished.
    fn settle(&mut self, node: &mut Node) {
        for s in 0..self.steps.len() {
            if self.in_flight(node, s) && !node.engine.waiting(s) {
                if let Some(r) = node.engine.take_replies(s) {
                    node.replies[self.offsets[s] + node.sent[s] - 1] = self.intern(r);
                }
            }
        }
    }

    /// Walks on for up to `actions` more engine actions (steps sent, timers fired), handing each schedule's end to
    /// `leaf`; true once every schedule has run (or the budget is spent). A session sends its next step whenever
    /// it is not waiting; when every session with steps left waits, time passes, as while isolationtester blocks.
    pub(crate) fn run(&mut self, actions: u64, leaf: &mut dyn FnMut(&Leaf)) -> bool {
        let stop = self.actions.saturating_add(actions);
        while self.actions < stop {
            if self.schedules >= self.budget.max_schedules || self.actions >= self.budget.max_actions {
                self.truncated |= !self.stack.is_empty();
                self.stack.clear();
            }
            let Some(mut node) = self.stack.pop() else { return true };
            self.path.truncate(node.depth);
            if let Some(step) = node.last.take() {
                self.path.push(step);
            }
            let n = self.steps.len();
            let mut enabled = [0usize; MAX_SESSIONS];
            let mut m = 0;
            for s in 0..n {
                if !self.in_flight(&node, s) && node.sent[s] < self.steps[s].len() {
                    enabled[m] = s;
                    m += 1;
                }
            }
            if m == 0 {
                if (0..n).any(|s| self.in_flight(&node, s)) {
                    // Every session with work left waits: time passes.
                    self.actions += 1;
                    if node.engine.advance_time() {
                        self.settle(&mut node);
                        node.depth = self.path.len();
                        node.last = Some(PathStep::Time);
                        self.stack.push(node);
                        continue;
                    }
                }
                self.schedules += 1;
                leaf(&Leaf {
                    engine: &node.engine,
                    path: &self.path,
                    sent: &node.sent[..n],
                    offsets: &self.offsets,
                    ids: &node.replies,
                    replies: &self.replies,
                });
                continue;
            }
            // The last branch takes the node itself: one clone fewer per level. Pushed in reverse, so the lowest
            // session is explored first.
            let depth = self.path.len();
            let at = self.stack.len();
            for &s in &enabled[..m - 1] {
                let mut child = node.clone();
                self.actions += 1;
                self.send(&mut child, s);
                child.depth = depth;
                child.last = Some(PathStep::Session { index: s as u8 });
                self.stack.push(child);
            }
            let s = enabled[m - 1];
            self.actions += 1;
            self.send(&mut node, s);
            node.depth = depth;
            node.last = Some(PathStep::Session { index: s as u8 });
            self.stack.push(node);
            self.stack[at..].reverse();
        }
        self.stack.is_empty()
    }
}

/// Every table's committed rows as a new transaction would read them now, rows sorted.
pub fn final_tables(engine: &Engine) -> Vec<TableRows> {
    let mut tables: Vec<TableRows> = (0..engine.tables_len())
        .map(|t| TableRows {
            name: engine.table_name(t).to_string(),
            columns: engine.column_names(t).map(str::to_string).collect(),
            rows: Vec::new(),
        })
        .collect();
    for (t, vals) in engine.committed_rows() {
        tables[t].rows.push(vals.iter().map(Value::text).collect());
    }
    for t in &mut tables {
        t.rows.sort();
    }
    tables
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
    let mut steps = Vec::with_capacity(n);
    for sess in &spec.sessions {
        let mut parsed = Vec::with_capacity(sess.steps.len());
        for st in &sess.steps {
            let stmts = super::tester::parse_step(st)?;
            parsed.push(stmts.into_iter().map(Arc::new).collect());
        }
        steps.push(parsed);
    }
    let mut walk = Walk::new(engine, steps, budget);
    let mut index: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut groups: Vec<OutcomeGroup> = Vec::new();
    walk.run(u64::MAX, &mut |leaf| {
        let name = |s: usize, k: usize| spec.sessions[s].steps[k].name.clone();
        let mut errors = Vec::new();
        let mut stuck = Vec::new();
        for s in 0..leaf.sessions() {
            for (k, &id) in leaf.reply_ids(s).iter().enumerate() {
                if id == PENDING {
                    stuck.push(name(s, k));
                    continue;
                }
                for x in leaf.reply(id).iter() {
                    if let Reply::Error { sqlstate, message } = x {
                        errors.push(StepError { step: name(s, k), sqlstate, message: message.clone() });
                    }
                }
            }
        }
        errors.sort();
        stuck.sort();
        let outcome = Outcome { tables: final_tables(leaf.engine), errors, stuck };
        match index.get(&outcome) {
            Some(&g) => groups[g].schedules += 1,
            None => {
                let mut sent = [0usize; MAX_SESSIONS];
                let mut first = Vec::new();
                for step in leaf.path {
                    if let super::url::Step::Session { index } = *step {
                        let s = usize::from(index);
                        first.push(name(s, sent[s]));
                        sent[s] += 1;
                    }
                }
                index.insert(outcome.clone(), groups.len());
                groups.push(OutcomeGroup { outcome, schedules: 1, first });
            }
        }
    });
    Ok(Exploration { schedules: walk.schedules, actions: walk.actions, truncated: walk.truncated, groups })
}
