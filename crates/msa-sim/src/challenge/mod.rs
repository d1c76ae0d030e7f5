//! Challenges checked by the simulator: goal-driven puzzles, Deadlock-Empire style, whose success the
//! core decides, never the view.
//!
//! A challenge is a named predicate over the state a widget already shares as a link: the race visualizer's
//! `?race=` value ([`crate::race::view::decode_url`]), the proxy playground's query (config items, `t=`, `act=`:
//! [`crate::proxy::playground::State`]), the architecture widget's `?arch=` value ([`crate::arch::Setup`]) and the
//! DDD aggregate's command script ([`crate::ddd::script`]). So a view takes its current state, asks
//! [`check`] whether a challenge is solved, and shows the same state as the learner's shareable solution.
//!
//! Each challenge fixes part of the widget (a scenario, a preset, the settings it does not ask about) and leaves
//! the learner the rest; a state that changes what the challenge fixes is refused with
//! [`ChallengeError::Fixed`], naming the setting, so the work of a check is bounded by the challenge (a proxy
//! check never runs a longer or busier simulation than the challenge's own). [`check`] decodes, runs the core
//! (a replay, one or a few engine runs, or a comparison) and returns a [`Verdict`]: solved or not, a size
//! (the measure "shortest known" compares), and typed [`Fact`]s the view renders in the learner's language.
//!
//! Where the goal is "the fewest" or "the largest", the verdict checks optimality against the core: the next
//! smaller (or larger) choice is run too and must miss the goal.

mod arch;
mod ddd;
mod proxy;
mod race;

use serde::Serialize;
use std::fmt;

/// The widget family whose state a challenge judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// `race` (`msa_sim::race`), state `?race=`.
    Race,
    /// `proxy` (`msa_sim::proxy::playground`), state `?proxy=`.
    Proxy,
    /// `arch` (`msa_sim::arch`), state `?arch=`.
    Arch,
    /// `ddd-aggregate` (`msa_sim::ddd`), state: the command script.
    Ddd,
}

impl Family {
    pub const fn name(self) -> &'static str {
        match self {
            Family::Race => "race",
            Family::Proxy => "proxy",
            Family::Arch => "arch",
            Family::Ddd => "ddd",
        }
    }
}

/// What a verdict's `size` counts (smaller is better: "the shortest known solution").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SizeUnit {
    /// Actions in a race schedule.
    Steps,
    /// Commands in a DDD script.
    Commands,
    /// Learner actions in a proxy run (crashes, revivals...).
    Actions,
    /// Settings changed from the challenge's start.
    Settings,
    /// Backend servers in the upstream.
    Backends,
    /// The sum of the server weights.
    TotalWeight,
    /// A latency in milliseconds (rounded up).
    Milliseconds,
    /// A whole number of seconds (nginx's fail_timeout).
    Seconds,
    /// The spike factor of the architecture widget.
    SpikeFactor,
    /// Microseconds a request pays for its session (store round trip or token check).
    SessionCostUs,
    /// Features an action blocks in microservices.
    Features,
}

/// One registered challenge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Challenge {
    /// Stable kebab-case id: the storage key and the URL segment. Never renamed.
    pub id: &'static str,
    pub family: Family,
    /// The lesson slug (`content/<lang>/<slug>.md`) the challenge belongs to.
    pub lesson: &'static str,
    /// The widget state the challenge starts from, in the widget's link encoding.
    pub start: &'static str,
    /// The shortest known solution, in the widget's link encoding.
    pub solution: &'static str,
    /// Its size ([`Verdict::size`] of [`Challenge::solution`]).
    pub best_size: u64,
    pub size_unit: SizeUnit,
    /// A state that looks close but misses the goal (pinned by the tests; the CLI lists it).
    pub non_solution: &'static str,
}

impl Challenge {
    /// The key of the challenge's texts in `locales/*.json` (`challenges.<key>_title`, `_goal`, `_hint`).
    pub fn text_key(&self) -> String {
        self.id.replace('-', "_")
    }
}

/// A measured figure of a checked state, for the view to render in the learner's language.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Fact {
    // --- race
    /// Actions in the schedule, and whether every transaction has finished.
    Schedule {
        steps: u64,
        finished: bool,
    },
    /// How the run ended (`msa_sim::race::OutcomeKind::name`), once it has.
    Outcome {
        outcome: &'static str,
    },
    /// A row's committed value and what it should hold given the committed transactions.
    RowValue {
        table: &'static str,
        value: i64,
        expected: i64,
    },
    /// Orders committed against the initial stock ("sold 2 of 1 bowls").
    Sold {
        orders: u64,
        stock: i64,
    },
    /// Transactions that committed.
    Committed {
        count: u64,
        of: u64,
    },
    /// Transactions that got 40P01 (deadlock detected).
    DeadlockVictims {
        count: u64,
    },
    /// The highest attempt number of any transaction (2 = one retry).
    Attempts {
        max: u64,
    },
    // --- proxy
    /// Of the first `requests` requests, in every window of `window` in a row, server `server` got between
    /// `min` and `max` first attempts ("s1 got 5 of every 7").
    WindowShare {
        server: &'static str,
        window: u64,
        requests: u64,
        min: u64,
        max: u64,
    },
    TotalWeight {
        weight: u64,
    },
    /// Answers with an error status, and requests the proxy queue dropped.
    Errors {
        failed: u64,
        dropped: u64,
    },
    /// The 99th percentile latency of the answered requests, in microseconds (HDR: within 1%).
    P99 {
        us: u64,
        limit_us: u64,
    },
    Backends {
        count: u64,
    },
    /// The algorithm the run used (its `--set algo=` name).
    Algorithm {
        name: &'static str,
    },
    /// Whether one backend fewer meets the goal with any algorithm (`algorithms` tried); must be false.
    FewerMeets {
        backends: u64,
        algorithms: u64,
        meets: bool,
    },
    /// nginx's fail_timeout of the dead server, in seconds.
    FailTimeout {
        server: &'static str,
        seconds: u64,
    },
    /// Requests nginx sent to the dead server after it had first taken it out (probes), before it came back.
    DeadServerAttempts {
        server: &'static str,
        attempts: u64,
    },
    /// Whether one second more of fail_timeout still lets requests reach the dead server; must be false.
    LongerMeets {
        seconds: u64,
        meets: bool,
    },
    /// 2xx answers a server gave.
    Served {
        server: &'static str,
        ok: u64,
    },
    /// Learner actions in the run.
    Actions {
        count: u64,
    },
    /// Requests that found their session gone.
    SessionsLost {
        count: u64,
    },
    /// Clients that lost their session at least twice.
    ClientsLostTwice {
        count: u64,
    },
    /// Where sessions live (the `session=` name) and what each request pays for it, in microseconds.
    Sessions {
        mode: &'static str,
        cost_us: u64,
    },
    /// Settings changed from the challenge's start.
    SettingsChanged {
        count: u64,
    },
    // --- arch
    /// A feature's availability on one side, in basis points of 100% (9_990 = 99.90%).
    Availability {
        arch: &'static str,
        feature: &'static str,
        bp: u64,
    },
    /// How long a failing checkout waits on payment, in microseconds.
    FailWait {
        us: u64,
    },
    /// Instances the sizing search gave one deployable for a spike.
    Instances {
        arch: &'static str,
        spike: u64,
        instances: u64,
    },
    /// Features an action blocks or restarts on one side.
    Blast {
        arch: &'static str,
        features: Vec<&'static str>,
    },
    // --- ddd
    /// The order's total and its credit limit, in won.
    Total {
        won: u64,
        limit: u64,
    },
    /// Whether the order is paid, and its version.
    Order {
        paid: bool,
        version: u64,
    },
    /// Commands in the script, and how many the root refused.
    Commands {
        count: u64,
        refused: u64,
    },
    /// Lines pushed through the back door (no checks, no version bump).
    BackDoor {
        count: u64,
    },
    /// The invariants that do not hold (`over-limit`, `changed-after-payment`).
    Broken {
        invariants: Vec<&'static str>,
    },
    /// The team-lunch race: with or without the version check, the stored total and lines, and how many
    /// requests were told their change was saved.
    Lunch {
        checked: bool,
        total: u64,
        lines: u64,
        saved: u64,
    },
}

/// The judgement of one state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub id: &'static str,
    pub solved: bool,
    /// The size of this state as a solution (see [`Challenge::size_unit`]); compare with `best_size`.
    pub size: u64,
    pub size_unit: SizeUnit,
    /// The shortest known solution's size.
    pub best_size: u64,
    pub facts: Vec<Fact>,
}

/// Why a state could not be judged. Every variant is something a learner (or a hand-edited link) can cause.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ChallengeError {
    /// No challenge has this id.
    UnknownId,
    /// The race state does not decode (see [`crate::race::view::UrlError`]).
    Race { error: crate::race::view::UrlError },
    /// The proxy link does not decode (see [`crate::proxy::playground::StateError`]).
    Proxy { error: crate::proxy::playground::StateError },
    /// The architecture state does not decode (serialized as the error's English text; the view translates the
    /// typed [`crate::arch::SetupError`] as the arch widget does).
    Arch {
        #[serde(serialize_with = "as_text")]
        error: crate::arch::SetupError,
    },
    /// The DDD script does not decode.
    Ddd { error: crate::ddd::script::ScriptError },
    /// The state changes something the challenge keeps as it is: the setting's name (a `--set` key such as
    /// `rate` or `1.weight`, `scenario`, `strategy`, `clients`, `do`, `m`, `seed`).
    Fixed { setting: String },
    /// Learner action number `index` (0-based) is of a kind the challenge does not allow.
    ActionNotAllowed { index: usize },
    /// More learner actions than the challenge allows.
    TooManyActions { max: usize },
    /// A setting the challenge leaves free is above what a check runs (e.g. `servers` above 16).
    Limit { setting: String, max: u64 },
    /// The run needed more work than a check may take (an upper bound no state within the challenge reaches).
    TooMuchWork,
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChallengeError::UnknownId => f.write_str("no challenge has this id"),
            ChallengeError::Race { error } => write!(f, "race state: {error}"),
            ChallengeError::Proxy { error } => write!(f, "proxy state: {error}"),
            ChallengeError::Arch { error } => write!(f, "arch state: {error}"),
            ChallengeError::Ddd { error } => write!(f, "script: {error}"),
            ChallengeError::Fixed { setting } => write!(f, "this challenge keeps {setting} as it starts"),
            ChallengeError::ActionNotAllowed { index } => write!(f, "action {index} is not one this challenge allows"),
            ChallengeError::TooManyActions { max } => write!(f, "at most {max} actions"),
            ChallengeError::Limit { setting, max } => write!(f, "{setting} is at most {max} in this challenge"),
            ChallengeError::TooMuchWork => f.write_str("the run needs more work than a check may take"),
        }
    }
}

impl std::error::Error for ChallengeError {}

fn as_text<T: fmt::Display, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Every challenge, by lesson in course order.
pub const CHALLENGES: &[Challenge] = &[
    arch::CONTAIN_PAYMENT_HANG,
    arch::SPIKE_SCALE_OUT,
    arch::SCHEMA_ONE_FEATURE,
    ddd::EXACT_LIMIT,
    ddd::BREAK_LIMIT,
    ddd::CHANGE_AFTER_PAYMENT,
    ddd::LUNCH_LOST_LINE,
    proxy::WEIGHTS_5_OF_7,
    proxy::FAIL_TIMEOUT_PROBE,
    proxy::BACKUP_TAKES_OVER,
    proxy::UNEVEN_P99,
    proxy::KEEP_SESSIONS_BY_ALGORITHM,
    proxy::IP_HASH_LOSES_TWICE,
    proxy::SURVIVE_CRASH,
    race::LOSE_TWO_UPDATES,
    race::SELL_LAST_BOWL_TWICE,
    race::OPTIMISTIC_RETRY,
    race::TWO_DEADLOCK_VICTIMS,
    race::APP_MUTEX_LOST_UPDATE,
    proxy::P99_FEWEST_BACKENDS,
    proxy::SATURATION_FEWEST_SERVERS,
];

/// The challenge with this id.
pub fn find(id: &str) -> Option<&'static Challenge> {
    CHALLENGES.iter().find(|c| c.id == id)
}

/// The challenges of one lesson, in registry order.
pub fn of_lesson(slug: &str) -> impl Iterator<Item = &'static Challenge> + '_ {
    CHALLENGES.iter().filter(move |c| c.lesson == slug)
}

/// Judges `solution` (a widget state in its link encoding) against challenge `id`. Never panics; the work is
/// bounded by the challenge (see the module documentation).
pub fn check(id: &str, solution: &str) -> Result<Verdict, ChallengeError> {
    let c = find(id).ok_or(ChallengeError::UnknownId)?;
    let (solved, size, facts) = match c.family {
        Family::Race => race::judge(c.id, solution)?,
        Family::Proxy => proxy::judge(c.id, solution)?,
        Family::Arch => arch::judge(c.id, solution)?,
        Family::Ddd => ddd::judge(c.id, solution)?,
    };
    Ok(Verdict { id: c.id, solved, size, size_unit: c.size_unit, best_size: c.best_size, facts })
}

/// [`check`] for one family only: the wasm bundle of a widget family calls this, so the other families'
/// judges (and their engines) stay out of it. A challenge of another family is [`ChallengeError::UnknownId`].
pub fn check_family(family: Family, id: &str, solution: &str) -> Result<Verdict, ChallengeError> {
    match family {
        Family::Race => check_race(id, solution),
        Family::Proxy => check_proxy(id, solution),
        Family::Arch => check_arch(id, solution),
        Family::Ddd => check_ddd(id, solution),
    }
}

fn check_with(
    family: Family,
    id: &str,
    solution: &str,
    judge: fn(&str, &str) -> Judged,
) -> Result<Verdict, ChallengeError> {
    let c = find(id).filter(|c| c.family == family).ok_or(ChallengeError::UnknownId)?;
    let (solved, size, facts) = judge(c.id, solution)?;
    Ok(Verdict { id: c.id, solved, size, size_unit: c.size_unit, best_size: c.best_size, facts })
}

/// [`check`] of a race challenge (any other id is [`ChallengeError::UnknownId`]).
pub fn check_race(id: &str, solution: &str) -> Result<Verdict, ChallengeError> {
    check_with(Family::Race, id, solution, race::judge)
}

/// [`check`] of a proxy challenge.
pub fn check_proxy(id: &str, solution: &str) -> Result<Verdict, ChallengeError> {
    check_with(Family::Proxy, id, solution, proxy::judge)
}

/// [`check`] of an architecture challenge.
pub fn check_arch(id: &str, solution: &str) -> Result<Verdict, ChallengeError> {
    check_with(Family::Arch, id, solution, arch::judge)
}

/// [`check`] of a DDD challenge.
pub fn check_ddd(id: &str, solution: &str) -> Result<Verdict, ChallengeError> {
    check_with(Family::Ddd, id, solution, ddd::judge)
}

/// What a judge returns: solved, size, facts.
type Judged = Result<(bool, u64, Vec<Fact>), ChallengeError>;
