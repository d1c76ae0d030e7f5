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
//! The search is depth first over engine states, cloning the engine at each branch, within a [`Budget`]; a state
//! met again is counted, not walked again ([`Walk`]). Listed permutations of the spec play no part: every
//! interleaving is explored. The SQL editor's exploration (`super::url::Explorer`) is the same walk, grouped by
//! what each statement returned.

use super::engine::Value;
use super::spec::Spec;
use super::tester::{check_sql, TesterError, TesterErrorKind};
use super::{Engine, Reply, Statement, MAX_SESSIONS};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
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
/// Children are taken eagerly and pushed in reverse, so the lowest session runs first and the leaves are met in
/// the order a recursive search meets them. The steps taken to reach a node are not stored in it: a node remembers
/// how deep it is and the step that led to it, and the walk keeps one path, cut back to that depth when the node is
/// popped (every node still on the stack hangs off the path).
///
/// Many schedules pass through equal states (three sessions of four statements: about 57,000 nodes, under 8,000
/// of them distinct), and a state's schedules end the same ways whatever led to it: the engine, what each session
/// has sent and what each statement returned so far decide everything after. So once a branching state's subtree
/// has been walked, the walk keeps how many of its schedules ended in each group (and how many engine actions it
/// took), and meets the state again by adding those counts instead of walking it again. Every group a subtree
/// reaches was met the first time it was walked, in the same order a plain walk meets it, so the groups, their
/// counts and each group's first schedule are the plain walk's. A subtree the budget could stop partway is walked
/// again, so a budget cuts the walk where it would cut a plain one.
pub(crate) struct Walk {
    /// Per session, per step: the statements of its query string, parsed once and shared by every branch.
    steps: Vec<Vec<Vec<Arc<Statement>>>>,
    /// Where each session's replies start in a state's `replies`.
    offsets: Vec<usize>,
    stack: Vec<Entry>,
    path: Vec<PathStep>,
    /// Branching states whose subtree is being walked, innermost last.
    open: Vec<Frame>,
    /// Branching states whose subtree has been walked, by their hash ([`State::key`]).
    memo: HashMap<u64, Vec<(State, Summary)>, BuildHasherDefault<Passthrough>>,
    /// Off: every schedule is walked (the tests compare).
    use_memo: bool,
    /// States met again and counted instead of walked.
    met_again: u64,
    /// Every distinct reply list met, once: a state holds indexes into it, so a clone copies numbers, and a
    /// grouping compares two schedules' replies by comparing numbers.
    replies: Vec<Arc<[Reply]>>,
    reply_ids: HashMap<Arc<[Reply]>, u32, BuildHasherDefault<FxHasher>>,
    budget: Budget,
    pub(crate) schedules: u64,
    pub(crate) actions: u64,
    pub(crate) truncated: bool,
}

/// A session sent its next step, or time passed (the next lock timer fired).
pub(crate) type PathStep = super::url::Step;

/// Everything the schedules from here depend on.
#[derive(Clone, PartialEq, Eq, Hash)]
struct State {
    engine: Engine,
    /// Steps each session has sent.
    sent: [usize; MAX_SESSIONS],
    /// Every step's replies (an index into the walk's `replies`), session after session: [`PENDING`] until sent
    /// and while it waits for a lock.
    replies: Vec<u32>,
}

impl State {
    /// A hash of the whole state, computed once a lookup (the memo's table never hashes a state again as it
    /// grows).
    fn key(&self) -> u64 {
        let mut h = FxHasher::default();
        self.hash(&mut h);
        h.finish()
    }
}

/// The Firefox/rustc hasher: a multiply and a rotate a word, several times faster than SipHash on the few hundred
/// words of an engine. Not for data an attacker picks to collide: these are the walk's own states, and a collision
/// costs one equality check.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// For a table keyed by hashes already computed.
#[derive(Default)]
struct Passthrough(u64);

impl Hasher for Passthrough {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

struct Node {
    state: State,
    /// The length of the path before `last`.
    depth: usize,
    /// The step that led here (None at the root).
    last: Option<PathStep>,
}

// A close marker is as large as a node on the stack: boxing the nodes instead would allocate once a node.
#[allow(clippy::large_enum_variant)]
enum Entry {
    Node(Node),
    /// The subtree of the innermost open frame has been walked.
    Close,
}

/// How a walked subtree's schedules ended.
#[derive(Clone, Default)]
struct Summary {
    /// (group, schedules), by group.
    groups: Vec<(u32, u64)>,
    schedules: u64,
    actions: u64,
}

impl Summary {
    fn add(&mut self, group: u32, n: u64) {
        match self.groups.binary_search_by_key(&group, |g| g.0) {
            Ok(i) => self.groups[i].1 += n,
            Err(i) => self.groups.insert(i, (group, n)),
        }
    }
}

struct Frame {
    state: State,
    key: u64,
    groups: Summary,
    schedules_at: u64,
    actions_at: u64,
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

/// How an exploration tells schedules' ends apart.
pub(crate) trait Grouping {
    /// A schedule's end: the number of its group (0, 1, 2, ... in the order the groups are first met). Equal
    /// states end in equal groups.
    fn leaf(&mut self, leaf: &Leaf) -> u32;
    /// `n` more schedules of group `group` (a state walked before, met again).
    fn more(&mut self, group: u32, n: u64);
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
        let root = State { engine, sent: [0; MAX_SESSIONS], replies: vec![PENDING; n] };
        Walk {
            steps,
            offsets,
            stack: vec![Entry::Node(Node { state: root, depth: 0, last: None })],
            path: Vec::new(),
            open: Vec::new(),
            memo: HashMap::default(),
            use_memo: true,
            met_again: 0,
            replies: Vec::new(),
            reply_ids: HashMap::default(),
            budget,
            schedules: 0,
            actions: 0,
            truncated: false,
        }
    }

    /// The same walk without meeting a state again by its counts: every schedule runs on the engine.
    #[cfg(test)]
    fn plain(mut self) -> Walk {
        self.use_memo = false;
        self
    }

    /// Whether session `s`'s last step still waits for its replies.
    fn in_flight(&self, st: &State, s: usize) -> bool {
        st.sent[s] > 0 && st.replies[self.offsets[s] + st.sent[s] - 1] == PENDING
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
    fn send(&mut self, st: &mut State, s: usize) {
        self.actions += 1;
        let k = st.sent[s];
        st.sent[s] += 1;
        if let Err(e) = st.engine.send_shared(s, &self.steps[s][k]) {
            // A limit of the engine (statements per session): the step fails, visibly.
            let r = Reply::Error { sqlstate: "54000", message: e.to_string() };
            st.replies[self.offsets[s] + k] = self.intern(vec![r]);
        }
        self.settle(st);
    }

    /// Records the replies of every step that has finished.
    fn settle(&mut self, st: &mut State) {
        for s in 0..self.steps.len() {
            if self.in_flight(st, s) && !st.engine.waiting(s) {
                if let Some(r) = st.engine.take_replies(s) {
                    st.replies[self.offsets[s] + st.sent[s] - 1] = self.intern(r);
                }
            }
        }
    }

    /// Counts `n` schedules of `group` in the innermost open subtree.
    fn count(&mut self, group: u32, n: u64) {
        if let Some(f) = self.open.last_mut() {
            f.groups.add(group, n);
        }
    }

    /// Walks on for up to `actions` more engine actions (steps sent, timers fired), handing each schedule's end to
    /// `groups`; true once every schedule has run (or the budget is spent). A session sends its next step whenever
    /// it is not waiting; when every session with steps left waits, time passes, as while isolationtester blocks.
    pub(crate) fn run(&mut self, actions: u64, groups: &mut impl Grouping) -> bool {
        let stop = self.actions.saturating_add(actions);
        while self.actions < stop {
            if self.schedules >= self.budget.max_schedules || self.actions >= self.budget.max_actions {
                self.truncated |= self.stack.iter().any(|e| matches!(e, Entry::Node(_)));
                self.stack.clear();
                self.open.clear();
            }
            let mut node = match self.stack.pop() {
                None => return true,
                Some(Entry::Close) => {
                    let f = self.open.pop().expect("a frame for each close");
                    let mut sum = f.groups;
                    sum.schedules = self.schedules - f.schedules_at;
                    sum.actions = self.actions - f.actions_at;
                    if let Some(parent) = self.open.last_mut() {
                        for &(g, n) in &sum.groups {
                            parent.groups.add(g, n);
                        }
                    }
                    self.memo.entry(f.key).or_default().push((f.state, sum));
                    continue;
                }
                Some(Entry::Node(node)) => node,
            };
            self.path.truncate(node.depth);
            if let Some(step) = node.last.take() {
                self.path.push(step);
            }
            let n = self.steps.len();
            let mut enabled = [0usize; MAX_SESSIONS];
            let mut m = 0;
            for s in 0..n {
                if !self.in_flight(&node.state, s) && node.state.sent[s] < self.steps[s].len() {
                    enabled[m] = s;
                    m += 1;
                }
            }
            if m == 0 {
                if (0..n).any(|s| self.in_flight(&node.state, s)) {
                    // Every session with work left waits: time passes.
                    self.actions += 1;
                    if node.state.engine.advance_time() {
                        self.settle(&mut node.state);
                        node.depth = self.path.len();
                        node.last = Some(PathStep::Time);
                        self.stack.push(Entry::Node(node));
                        continue;
                    }
                }
                self.schedules += 1;
                let g = groups.leaf(&Leaf {
                    engine: &node.state.engine,
                    path: &self.path,
                    sent: &node.state.sent[..n],
                    offsets: &self.offsets,
                    ids: &node.state.replies,
                    replies: &self.replies,
                });
                self.count(g, 1);
                continue;
            }
            if m > 1 && self.use_memo {
                let key = node.state.key();
                let seen = self.memo.get(&key).and_then(|b| b.iter().find(|(st, _)| *st == node.state));
                if let Some((_, sum)) = seen {
                    // Within the budget, a plain walk would walk the whole subtree: add what it found.
                    if self.schedules + sum.schedules < self.budget.max_schedules
                        && self.actions + sum.actions < self.budget.max_actions
                    {
                        self.met_again += 1;
                        self.schedules += sum.schedules;
                        self.actions += sum.actions;
                        for &(g, k) in &sum.groups {
                            groups.more(g, k);
                            if let Some(f) = self.open.last_mut() {
                                f.groups.add(g, k);
                            }
                        }
                        continue;
                    }
                }
                self.open.push(Frame {
                    state: node.state.clone(),
                    key,
                    groups: Summary::default(),
                    schedules_at: self.schedules,
                    actions_at: self.actions,
                });
                self.stack.push(Entry::Close);
            }
            // The last branch takes the node itself: one clone fewer per level. Pushed in reverse, so the lowest
            // session is explored first.
            let depth = self.path.len();
            let at = self.stack.len();
            for &s in &enabled[..m - 1] {
                let mut child =
                    Node { state: node.state.clone(), depth, last: Some(PathStep::Session { index: s as u8 }) };
                self.send(&mut child.state, s);
                self.stack.push(Entry::Node(child));
            }
            let s = enabled[m - 1];
            self.send(&mut node.state, s);
            node.depth = depth;
            node.last = Some(PathStep::Session { index: s as u8 });
            self.stack.push(Entry::Node(node));
            self.stack[at..].reverse();
        }
        self.stack.is_empty()
    }
}

/// The spec's grouping: by the rows left, the steps that failed and the steps stuck.
struct SpecGroups<'a> {
    spec: &'a Spec,
    index: BTreeMap<Outcome, u32>,
    groups: Vec<OutcomeGroup>,
}

impl Grouping for SpecGroups<'_> {
    fn leaf(&mut self, leaf: &Leaf) -> u32 {
        let name = |s: usize, k: usize| self.spec.sessions[s].steps[k].name.clone();
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
        if let Some(&g) = self.index.get(&outcome) {
            self.groups[g as usize].schedules += 1;
            return g;
        }
        let mut sent = [0usize; MAX_SESSIONS];
        let mut first = Vec::new();
        for step in leaf.path {
            if let PathStep::Session { index } = *step {
                let s = usize::from(index);
                first.push(name(s, sent[s]));
                sent[s] += 1;
            }
        }
        let g = self.groups.len() as u32;
        self.index.insert(outcome.clone(), g);
        self.groups.push(OutcomeGroup { outcome, schedules: 1, first });
        g
    }

    fn more(&mut self, group: u32, n: u64) {
        self.groups[group as usize].schedules += n;
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
    let mut by = SpecGroups { spec, index: BTreeMap::new(), groups: Vec::new() };
    while !walk.run(u64::MAX, &mut by) {}
    Ok(Exploration { schedules: walk.schedules, actions: walk.actions, truncated: walk.truncated, groups: by.groups })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::examples::EXAMPLES;
    use crate::sql::url::{EditorState, Program};

    /// Groups by everything a leaf shows (rows, replies, the path): a walk that met a state again by its counts
    /// must give the plain walk's groups, counts and first paths.
    #[derive(Default)]
    struct All {
        index: HashMap<String, u32>,
        groups: Vec<(String, u64, Vec<PathStep>)>,
    }

    impl Grouping for All {
        fn leaf(&mut self, leaf: &Leaf) -> u32 {
            let replies: Vec<Vec<Option<&[Reply]>>> = (0..leaf.sessions())
                .map(|s| leaf.reply_ids(s).iter().map(|&id| (id != PENDING).then(|| &**leaf.reply(id))).collect())
                .collect();
            let key = format!("{:?} {replies:?}", final_tables(leaf.engine));
            if let Some(&g) = self.index.get(&key) {
                self.groups[g as usize].1 += 1;
                return g;
            }
            let g = self.groups.len() as u32;
            self.index.insert(key.clone(), g);
            self.groups.push((key, 1, leaf.path.to_vec()));
            g
        }
        fn more(&mut self, group: u32, n: u64) {
            self.groups[group as usize].1 += n;
        }
    }

    fn walk(p: &Program, budget: Budget, plain: bool, slice: u64) -> (All, u64, u64, bool) {
        let engine = Engine::new(&p.setup, p.sessions.len()).expect("setup runs");
        let steps = p.sessions.iter().map(|s| s.iter().map(|st| vec![Arc::new(st.clone())]).collect()).collect();
        let mut w = Walk::new(engine, steps, budget);
        if plain {
            w = w.plain();
        }
        let mut all = All::default();
        while !w.run(slice, &mut all) {}
        (all, w.schedules, w.actions, w.truncated)
    }

    fn programs() -> Vec<Program> {
        let mut out: Vec<Program> = EXAMPLES.iter().map(|e| e.state().program().expect("parses")).collect();
        let rows =
            "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0); INSERT INTO t VALUES (2, 0);";
        for sessions in [
            // A deadlock: time passes and one is the victim.
            &[
                "BEGIN; UPDATE t SET v = 1 WHERE id = 1; UPDATE t SET v = 1 WHERE id = 2; COMMIT;",
                "BEGIN; UPDATE t SET v = 2 WHERE id = 2; UPDATE t SET v = 2 WHERE id = 1; COMMIT;",
            ][..],
            // A lock timeout, NOWAIT, and a lock never released (a stuck statement).
            &[
                "SET lock_timeout = '50ms'; BEGIN; UPDATE t SET v = 1 WHERE id = 1; UPDATE t SET v = 1 WHERE id = 2;",
                "BEGIN; UPDATE t SET v = 2 WHERE id = 2; UPDATE t SET v = 2 WHERE id = 1; ROLLBACK;",
                "BEGIN; SELECT * FROM t FOR UPDATE NOWAIT; COMMIT;",
            ][..],
            // Three sessions of four statements on one row.
            &["BEGIN; SELECT v FROM t WHERE id = 1; UPDATE t SET v = v + 1 WHERE id = 1; COMMIT;"; 3][..],
        ] {
            let st = EditorState {
                setup: rows.into(),
                sessions: sessions.iter().map(|s| s.to_string()).collect(),
                steps: vec![],
            };
            out.push(st.program().expect("parses"));
        }
        out
    }

    #[test]
    fn meeting_a_state_again_by_its_counts_gives_the_plain_walks_groups() {
        let budgets = [
            Budget::DEFAULT,
            Budget { max_schedules: 5, max_actions: 1_000_000 },
            Budget { max_schedules: 1_000, max_actions: 60 },
            Budget { max_schedules: 300, max_actions: 1_000_000 },
        ];
        let mut met_again = 0;
        for p in programs() {
            for b in budgets {
                let (plain, ps, pa, pt) = walk(&p, b, true, 7);
                for slice in [7, u64::MAX] {
                    let (memo, ms, ma, mt) = walk(&p, b, false, slice);
                    assert_eq!((ms, ma, mt), (ps, pa, pt), "{:?} {b:?}", p.sessions.len());
                    assert_eq!(memo.groups, plain.groups);
                }
            }
            let engine = Engine::new(&p.setup, p.sessions.len()).expect("setup runs");
            let steps = p.sessions.iter().map(|s| s.iter().map(|st| vec![Arc::new(st.clone())]).collect()).collect();
            let mut w = Walk::new(engine, steps, Budget::DEFAULT);
            while !w.run(u64::MAX, &mut All::default()) {}
            met_again += w.met_again;
        }
        // The memo is used at all (else the comparison shows nothing).
        assert!(met_again > 1000, "{met_again}");
    }
}
