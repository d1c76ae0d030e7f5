//! The same shop run as a monolith, a modular monolith or microservices, on the same workload: an A/B
//! comparison built on the [`crate::proxy`] engine.
//!
//! FoodDash's shop has four modules (catalog, order, payment, member) and four features (browse the menu,
//! sign in, check out, track an order). Checking out calls payment synchronously. Every *deployable* is an
//! upstream of identical instances behind nginx, simulated by one [`Engine`]: the monolith (and the modular
//! monolith, which runs the same way) is one deployable serving the whole request mix; microservices are one
//! deployable a module, and the order service's workers wait for payment's answer while a checkout calls it.
//!
//! What each action measures:
//! - [`Action::Spike`]: one feature's traffic times `spike`; the fewest instances of each deployable that keep
//!   its p95 under [`P95_TARGET_US`] with 99.9% answered (a search, one engine run per candidate), and the
//!   memory they hold.
//! - [`Action::Deploy`]: a rolling restart of the deployable holding the module: which processes and features
//!   restart, for how long, and the requests lost on the way.
//! - [`Action::Crash`], [`Action::Leak`]: the module's process crashes (the same bug hits every instance
//!   running that code) or leaks memory until it stops answering, then is restarted. In microservices a hung
//!   payment makes the order service's workers wait on it: without a timeout they are used up and order stops
//!   answering too (the cascade); a timeout bounds the wait; a circuit breaker stops calling after a few
//!   failures. Modeled as the slow-down of the order workers' mean service time during the outage.
//! - [`Action::Hop`]: the same checkout work in one process, or split over order and payment with a network
//!   call between them (fixed work, so only the hop and the second queue differ).
//! - [`Action::TwoChange`], [`Action::Schema`]: not traffic questions but coordination: deploys, their order,
//!   restarts, and (schema) which features a table lock blocks. Derived from the module/table ownership below.
//!
//! [`saga`] is a separate, smaller model: the order placed across four services as a saga, with compensations
//! and the outbox (the lesson's "Distributed data").
//!
//! Everything is deterministic: one [`Setup`] (with its seed) gives the same [`Comparison`] natively and in
//! wasm. The work is sliced ([`Comparison::advance`]) so a view can run it a few milliseconds a frame.

mod query;
pub mod saga;

pub use query::SetupError;

use crate::percentile::nearest_rank;
use crate::proxy::{Arrival, Config, Dist, Engine, Fault, FaultAt, ServerConfig, ServiceTime};
use crate::rng::SimRng;

/// The shop's modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    Catalog,
    Order,
    Payment,
    Member,
}

impl Module {
    pub const ALL: [Module; 4] = [Module::Catalog, Module::Order, Module::Payment, Module::Member];
    pub fn name(self) -> &'static str {
        match self {
            Module::Catalog => "catalog",
            Module::Order => "order",
            Module::Payment => "payment",
            Module::Member => "member",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
    /// The module whose API a change in this one most often has to change too (an order line copies the
    /// catalog's price, checkout calls payment, the credit limit comes from member).
    pub fn partner(self) -> Module {
        match self {
            Module::Catalog | Module::Payment | Module::Member => Module::Order,
            Module::Order => Module::Payment,
        }
    }
}

/// What customers do; each feature is served by one module (checkout also calls payment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    Browse,
    SignIn,
    Checkout,
    Track,
}

impl Feature {
    pub const ALL: [Feature; 4] = [Feature::Browse, Feature::SignIn, Feature::Checkout, Feature::Track];
    pub fn name(self) -> &'static str {
        match self {
            Feature::Browse => "browse",
            Feature::SignIn => "sign-in",
            Feature::Checkout => "checkout",
            Feature::Track => "track",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
    /// The module that serves it.
    pub fn module(self) -> Module {
        match self {
            Feature::Browse => Module::Catalog,
            Feature::SignIn => Module::Member,
            Feature::Checkout | Feature::Track => Module::Order,
        }
    }
    /// Normal traffic, requests per second.
    pub fn rate_per_s(self) -> f64 {
        match self {
            Feature::Browse => 120.0,
            Feature::SignIn => 30.0,
            Feature::Checkout => 15.0,
            Feature::Track => 25.0,
        }
    }
    /// The serving module's own work per request, microseconds (checkout's payment work is extra).
    pub fn work_us(self) -> u64 {
        match self {
            Feature::Browse => 10_000,
            Feature::SignIn => 15_000,
            Feature::Checkout => 20_000,
            Feature::Track => 5_000,
        }
    }
    /// The features whose code lives in `m` or that call it synchronously.
    pub fn using(m: Module) -> Vec<Feature> {
        Feature::ALL
            .into_iter()
            .filter(|f| f.module() == m || (m == Module::Payment && *f == Feature::Checkout))
            .collect()
    }
}

/// Payment's work per charge (the card gateway's answer included), microseconds.
pub const PAYMENT_WORK_US: u64 = 40_000;
/// One way, service to service (network and (de)serialization), microseconds.
pub const HOP_US: u64 = 1_500;
/// The gateway (nginx) to an instance, one way, microseconds.
pub const EDGE_US: u64 = 500;
/// The latency every deployable must hold at the 95th percentile.
pub const P95_TARGET_US: u64 = 200_000;
/// Requests an instance serves at once (worker threads).
pub const WORKERS: u32 = 4;
/// Instances of every deployable before a spike (two, so one can fail or restart).
pub const BASE_INSTANCES: u32 = 2;
/// The most instances the sizing search tries.
pub const MAX_INSTANCES: u32 = 48;
/// Memory an instance holds: the whole application, or one service.
pub const MONOLITH_MB: u32 = 2_048;
pub const SERVICE_MB: u32 = 512;
/// Time from start to serving: the whole application, or one service.
pub const MONOLITH_START_S: u64 = 40;
pub const SERVICE_START_S: u64 = 10;
/// When the incident starts, how long a leak keeps a process hung before it is killed, how long the runs last.
pub const FAULT_AT_S: u64 = 10;
pub const LEAK_HANG_S: u64 = 20;
pub const INCIDENT_RUN_S: u64 = 120;
/// A rolling deploy waits this long after an instance is back before stopping the next one, so nginx has
/// tried it again (its `fail_timeout`).
pub const DEPLOY_GAP_S: u64 = 10;
/// A synchronous call's wait without a timeout of its own: the HTTP client's default, 30 s.
pub const NO_TIMEOUT_MS: u64 = 30_000;
/// The timeout the guard sets on order's calls to payment.
pub const CALL_TIMEOUT_MS: u64 = 300;
/// The circuit breaker opens after this many failures in a row, and lets one trial call through this often.
pub const BREAKER_FAILURES: u64 = 5;
pub const BREAKER_PROBE_S: u64 = 5;
/// A schema change's table lock (ALTER TABLE rewriting the table), seconds.
pub const SCHEMA_LOCK_S: u32 = 8;
/// Spike factor bounds.
pub const MIN_SPIKE: u32 = 2;
pub const MAX_SPIKE: u32 = 20;

/// How the shop is built and run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arch {
    /// One deployable, one database, modules reading each other's tables.
    Monolith,
    /// One deployable, one database server, but each module owns its tables and is called through its API.
    Modular,
    /// A service and a database a module, calls over the network.
    Msa,
}

impl Arch {
    pub const ALL: [Arch; 3] = [Arch::Monolith, Arch::Modular, Arch::Msa];
    pub fn name(self) -> &'static str {
        match self {
            Arch::Monolith => "mono",
            Arch::Modular => "modular",
            Arch::Msa => "msa",
        }
    }
    pub fn distributed(self) -> bool {
        self == Arch::Msa
    }
}

/// What the learner does to the shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Spike,
    Deploy,
    Crash,
    Leak,
    Hop,
    TwoChange,
    Schema,
}

impl Action {
    pub const ALL: [Action; 7] =
        [Action::Spike, Action::Deploy, Action::Crash, Action::Leak, Action::Hop, Action::TwoChange, Action::Schema];
    pub fn name(self) -> &'static str {
        match self {
            Action::Spike => "spike",
            Action::Deploy => "deploy",
            Action::Crash => "crash",
            Action::Leak => "leak",
            Action::Hop => "hop",
            Action::TwoChange => "two-change",
            Action::Schema => "schema",
        }
    }
    /// Whether the action is about one module (the learner picks it).
    pub fn takes_module(self) -> bool {
        !matches!(self, Action::Hop)
    }
    /// Whether the guard on synchronous calls changes the result.
    /// (A crashed process refuses connections at once, so only a hang makes the guard matter.)
    pub fn takes_guard(self) -> bool {
        self == Action::Leak
    }
}

/// What protects order's synchronous call to payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Guard {
    None,
    Timeout,
    Breaker,
}

impl Guard {
    pub const ALL: [Guard; 3] = [Guard::None, Guard::Timeout, Guard::Breaker];
    pub fn name(self) -> &'static str {
        match self {
            Guard::None => "none",
            Guard::Timeout => "timeout",
            Guard::Breaker => "breaker",
        }
    }
}

/// One comparison: two architectures, one action on one module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    pub a: Arch,
    pub b: Arch,
    pub action: Action,
    pub module: Module,
    pub guard: Guard,
    /// Traffic multiplier of the spike ([`MIN_SPIKE`]..=[`MAX_SPIKE`]).
    pub spike: u32,
    pub seed: u64,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            a: Arch::Monolith,
            b: Arch::Msa,
            action: Action::Spike,
            module: Module::Catalog,
            guard: Guard::None,
            spike: 10,
            seed: 1,
        }
    }
}

impl Setup {
    pub fn validate(&self) -> Result<(), SetupError> {
        if self.a == self.b {
            return Err(SetupError::SameArch);
        }
        if !(MIN_SPIKE..=MAX_SPIKE).contains(&self.spike) {
            return Err(SetupError::SpikeOutOfRange { min: MIN_SPIKE, max: MAX_SPIKE, got: self.spike as u64 });
        }
        Ok(())
    }
}

/// A deployable: the whole application, or one module's service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dep {
    App,
    Service(Module),
}

impl Dep {
    pub fn name(self) -> &'static str {
        match self {
            Dep::App => "app",
            Dep::Service(m) => m.name(),
        }
    }
}

/// The deployables of an architecture.
pub fn deployables(arch: Arch) -> Vec<Dep> {
    if arch.distributed() {
        Module::ALL.iter().map(|m| Dep::Service(*m)).collect()
    } else {
        vec![Dep::App]
    }
}

/// The deployable that runs module `m`.
pub fn dep_of(arch: Arch, m: Module) -> Dep {
    if arch.distributed() {
        Dep::Service(m)
    } else {
        Dep::App
    }
}

/// The features a deployable serves.
pub fn features_of(arch: Arch, d: Dep) -> Vec<Feature> {
    Feature::ALL.into_iter().filter(|f| dep_of(arch, f.module()) == d).collect()
}

fn rate(f: Feature, spike: Option<(Feature, u32)>) -> f64 {
    match spike {
        Some((s, x)) if s == f => f.rate_per_s() * x as f64,
        _ => f.rate_per_s(),
    }
}

/// What one deployable's instances do per request, as (requests per second, mean work in microseconds).
/// `payment_wait_us` is what a checkout's call to payment costs the order worker in microservices (hops and
/// payment's own latency); in one process the payment work is part of the checkout.
fn load(arch: Arch, d: Dep, spike: Option<(Feature, u32)>, payment_wait_us: f64) -> (f64, f64) {
    let mut rate_sum = 0.0;
    let mut work = 0.0;
    let mut add = |r: f64, w: f64| {
        rate_sum += r;
        work += r * w;
    };
    for f in features_of(arch, d) {
        let r = rate(f, spike);
        let mut w = f.work_us() as f64;
        if f == Feature::Checkout {
            w += if arch.distributed() { payment_wait_us } else { PAYMENT_WORK_US as f64 };
        }
        add(r, w);
    }
    if d == Dep::Service(Module::Payment) {
        add(rate(Feature::Checkout, spike), PAYMENT_WORK_US as f64);
    }
    if rate_sum <= 0.0 {
        (0.0, 0.0)
    } else {
        (rate_sum, work / rate_sum)
    }
}

/// Payment's answer as order sees it when all is well: two hops and payment's work.
fn healthy_payment_wait_us() -> f64 {
    (2 * HOP_US + PAYMENT_WORK_US) as f64
}

/// The engine configuration of one deployable: `n` instances behind nginx.
fn config(arch: Arch, d: Dep, n: u32, spike: Option<(Feature, u32)>, seed: u64, run_s: u64) -> Config {
    let (rate_per_s, mean_us) = load(arch, d, spike, healthy_payment_wait_us());
    let mut c = Config { seed, ..Config::default() };
    c.servers = (0..n as usize)
        .map(|i| ServerConfig {
            name: format!("{}{}", d.name(), i + 1),
            workers: WORKERS,
            queue_cap: 200,
            service: ServiceTime { dist: Dist::LogNormal, mean_us: (mean_us.round() as u64).max(1), cv: 1.0 },
            ..ServerConfig::named_for(i)
        })
        .collect();
    c.clients.arrival = Arrival::Poisson;
    c.clients.rate_per_s = rate_per_s.max(0.001);
    c.proxy.timeout_ms = 10_000;
    c.proxy.net_latency_us = if d == Dep::Service(Module::Payment) { HOP_US } else { EDGE_US };
    c.duration_ms = run_s * 1000;
    c.log_capacity = 0;
    c
}

/// The value of one figure for one side.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Basis points of 100% (9_987 = 99.87%).
    Percent(u32),
    Us(u64),
    Count(u32),
    /// More than the search tried.
    AtLeast(u32),
    Mb(u32),
    Seconds(u64),
    Features(Vec<Feature>),
    Instances(Vec<(Dep, u32)>),
    YesNo(bool),
}

/// Which figure a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Availability of one feature during the run (answered / sent).
    Availability(Feature),
    /// p95 of a deployable's answers (for sizing: of the deployable serving the spiking feature).
    P95,
    Instances,
    Memory,
    /// Processes restarted.
    Restarted,
    /// Features whose serving processes restart (deploy), or that stop (incident), or that a lock blocks.
    Blast,
    /// How long the deploy or the outage lasts.
    Duration,
    /// Requests answered with an error or not at all.
    Lost,
    /// How long a failing checkout keeps the customer (and a worker) waiting while the module is out.
    FailWait,
    /// Checkout latency at the median and the 95th percentile.
    CheckoutP50,
    CheckoutP95,
    /// Network calls per checkout.
    Hops,
    Deploys,
    /// The deploys must go in a given order (compatible API first) or together.
    Ordered,
    /// Modules whose code must change.
    CodeChanges,
}

/// One row of the side-by-side table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub figure: Figure,
    pub a: Value,
    pub b: Value,
}

/// Availability (basis points) at which a feature counts as fully up: what the sizing search asks of a spike.
pub const GOOD_BP: u32 = 9_990;
/// Availability below which a feature counts as down (the blast radius of a deploy or a crash).
pub const DOWN_BP: u32 = 9_900;

/// How a feature fared on one side of a comparison, as the feature tiles show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureState {
    /// Fully available and untouched.
    Ok,
    /// Mostly available: between [`DOWN_BP`] and [`GOOD_BP`].
    Warn,
    /// Down: below [`DOWN_BP`].
    Bad,
    /// Restarted or changed by the action (in its blast radius) though still answering.
    Hit,
}

impl FeatureState {
    pub fn name(self) -> &'static str {
        match self {
            FeatureState::Ok => "ok",
            FeatureState::Warn => "warn",
            FeatureState::Bad => "bad",
            FeatureState::Hit => "hit",
        }
    }
}

/// How feature `f` fared on side `side` (0 = a, 1 = b) of `rows`: by its availability where the action measures
/// one, else by whether it is in the action's blast radius.
pub fn feature_state(rows: &[Row], side: usize, f: Feature) -> FeatureState {
    let pick = |r: &Row| if side == 0 { r.a.clone() } else { r.b.clone() };
    if let Some(r) = rows.iter().find(|r| r.figure == Figure::Availability(f)) {
        return match pick(r) {
            Value::Percent(bp) if bp >= GOOD_BP => FeatureState::Ok,
            Value::Percent(bp) if bp >= DOWN_BP => FeatureState::Warn,
            _ => FeatureState::Bad,
        };
    }
    match rows.iter().find(|r| r.figure == Figure::Blast).map(pick) {
        Some(Value::Features(v)) if v.contains(&f) => FeatureState::Hit,
        _ => FeatureState::Ok,
    }
}

/// One architecture's results.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Side {
    pub figures: Vec<(Figure, Value)>,
    /// Deterministic fingerprint of the engine runs (xor of their trace hashes and counters), for tests.
    pub fingerprint: u64,
}

impl Side {
    pub fn get(&self, f: Figure) -> Option<&Value> {
        self.figures.iter().find(|(g, _)| *g == f).map(|(_, v)| v)
    }
}

/// What a task of a side is for.
#[derive(Clone, Debug)]
enum Purpose {
    /// Sizing a deployable: try `n` instances.
    Size { dep: Dep, n: u32 },
    /// An incident or deploy run of a deployable.
    Measure { dep: Dep },
    /// Hop experiment: one part of the checkout path.
    Part { dep: Dep },
}

#[derive(Clone, Debug)]
struct Task {
    purpose: Purpose,
    engine: Engine,
}

/// The results of a deployable's run.
#[derive(Clone, Debug)]
struct Measured {
    dep: Dep,
    sent: u64,
    ok: u64,
    engine: Engine,
}

#[derive(Clone, Debug)]
struct SideRun {
    arch: Arch,
    tasks: Vec<Task>,
    done: Vec<Measured>,
    sizes: Vec<(Dep, Value, u64)>,
    fingerprint: u64,
    result: Option<Side>,
}

/// The comparison in progress: every engine run of both sides, done a slice at a time.
#[derive(Clone, Debug)]
pub struct Comparison {
    setup: Setup,
    sides: [SideRun; 2],
    events: u64,
}

/// How far a comparison is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    pub finished: bool,
    /// Engine events handled so far (both sides).
    pub events: u64,
}

fn availability_bp(ok: u64, sent: u64) -> u32 {
    if sent == 0 {
        10_000
    } else {
        ((ok as u128 * 10_000 + sent as u128 / 2) / sent as u128) as u32
    }
}

fn spike_of(s: &Setup) -> Option<(Feature, u32)> {
    // The feature of the chosen module (payment's traffic comes from checkout).
    let f = match s.module {
        Module::Catalog => Feature::Browse,
        Module::Order | Module::Payment => Feature::Checkout,
        Module::Member => Feature::SignIn,
    };
    Some((f, s.spike))
}

/// The fewest instances whose capacity exceeds the load: where the sizing search starts.
fn size_floor(arch: Arch, d: Dep, spike: Option<(Feature, u32)>) -> u32 {
    let (r, w) = load(arch, d, spike, healthy_payment_wait_us());
    let busy = r * w / 1e6;
    let n = (busy / WORKERS as f64).ceil() as u32;
    n.clamp(BASE_INSTANCES, MAX_INSTANCES)
}

impl Comparison {
    /// The runs for `setup`, not started; a bad setup is a typed error.
    pub fn new(setup: Setup) -> Result<Comparison, SetupError> {
        setup.validate()?;
        let mk = |arch| {
            let mut s =
                SideRun { arch, tasks: Vec::new(), done: Vec::new(), sizes: Vec::new(), fingerprint: 0, result: None };
            s.plan(&setup);
            s
        };
        Ok(Comparison { sides: [mk(setup.a), mk(setup.b)], setup, events: 0 })
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Runs at most about `budget` engine events, then returns. Call again until `finished`.
    pub fn advance(&mut self, budget: u64) -> Advance {
        let mut left = budget.max(1);
        for side in self.sides.iter_mut() {
            while left > 0 && side.result.is_none() {
                let used = side.step(&self.setup, left);
                self.events += used;
                left = left.saturating_sub(used.max(1));
            }
        }
        Advance { finished: self.is_finished(), events: self.events }
    }

    /// Runs everything (tests, the CLI).
    pub fn run(mut self) -> Comparison {
        while !self.advance(1_000_000).finished {}
        self
    }

    pub fn is_finished(&self) -> bool {
        self.sides.iter().all(|s| s.result.is_some())
    }

    /// The two sides' figures, once finished.
    pub fn sides(&self) -> Option<[&Side; 2]> {
        match (&self.sides[0].result, &self.sides[1].result) {
            (Some(a), Some(b)) => Some([a, b]),
            _ => None,
        }
    }

    /// The side-by-side table, once finished.
    pub fn rows(&self) -> Vec<Row> {
        let Some([a, b]) = self.sides() else { return Vec::new() };
        a.figures
            .iter()
            .filter_map(|(f, va)| b.get(*f).map(|vb| Row { figure: *f, a: va.clone(), b: vb.clone() }))
            .collect()
    }
}

impl SideRun {
    fn push(&mut self, purpose: Purpose, cfg: Config) {
        // Every config here is built within the engine's bounds; a refusal would be a bug in this module, so
        // it is recorded as a failed run rather than a panic.
        match Engine::new(cfg) {
            Ok(engine) => self.tasks.push(Task { purpose, engine }),
            Err(_) => self.fingerprint ^= 0xdead,
        }
    }

    fn plan(&mut self, s: &Setup) {
        let arch = self.arch;
        let seed = s.seed;
        match s.action {
            Action::Spike => {
                let spike = spike_of(s);
                for d in deployables(arch) {
                    let (f, _) = spike.unwrap_or((Feature::Browse, 1));
                    if features_of(arch, d).contains(&f)
                        || (d == Dep::Service(Module::Payment) && f == Feature::Checkout)
                    {
                        let n = size_floor(arch, d, spike);
                        self.push(Purpose::Size { dep: d, n }, config(arch, d, n, spike, seed, 20));
                    } else {
                        self.sizes.push((d, Value::Count(BASE_INSTANCES), 0));
                    }
                }
            }
            Action::Deploy => {
                for d in deployables(arch) {
                    let mut c = config(arch, d, BASE_INSTANCES, None, seed, INCIDENT_RUN_S);
                    if d == dep_of(arch, s.module) {
                        let start = if arch.distributed() { SERVICE_START_S } else { MONOLITH_START_S };
                        for i in 0..BASE_INSTANCES as u64 {
                            let name = c.servers[i as usize].name.clone();
                            let down = FAULT_AT_S + i * (start + DEPLOY_GAP_S);
                            c.faults.push(FaultAt { at_ms: down * 1000, server: name.clone(), fault: Fault::Crash });
                            c.faults.push(FaultAt { at_ms: (down + start) * 1000, server: name, fault: Fault::Revive });
                        }
                    }
                    self.push(Purpose::Measure { dep: d }, c);
                }
            }
            Action::Crash | Action::Leak => {
                let hit = dep_of(arch, s.module);
                let start = if arch.distributed() { SERVICE_START_S } else { MONOLITH_START_S };
                let (fault, back_s) = match s.action {
                    Action::Crash => (Fault::Crash, FAULT_AT_S + start),
                    _ => (Fault::Hang, FAULT_AT_S + LEAK_HANG_S + start),
                };
                for d in deployables(arch) {
                    let mut c = config(arch, d, BASE_INSTANCES, None, seed, INCIDENT_RUN_S);
                    if d == hit {
                        if d == Dep::Service(Module::Payment) && s.action == Action::Leak {
                            c.proxy.timeout_ms = match s.guard {
                                Guard::None => NO_TIMEOUT_MS,
                                _ => CALL_TIMEOUT_MS,
                            };
                            c.proxy.next_upstream.timeout = false;
                        }
                        for srv in c.servers.clone() {
                            c.faults.push(FaultAt { at_ms: FAULT_AT_S * 1000, server: srv.name.clone(), fault });
                            if s.action == Action::Leak {
                                // Out of memory: the hung process is killed, then starts again.
                                c.faults.push(FaultAt {
                                    at_ms: (FAULT_AT_S + LEAK_HANG_S) * 1000,
                                    server: srv.name.clone(),
                                    fault: Fault::Crash,
                                });
                            }
                            c.faults.push(FaultAt { at_ms: back_s * 1000, server: srv.name, fault: Fault::Revive });
                        }
                    }
                    // The cascade: order's workers wait on a payment that does not answer.
                    if arch.distributed() && hit == Dep::Service(Module::Payment) && d == Dep::Service(Module::Order) {
                        let x = order_slowdown(s.action, s.guard, LEAK_HANG_S);
                        if x > 1.0 {
                            for srv in c.servers.clone() {
                                c.faults.push(FaultAt {
                                    at_ms: FAULT_AT_S * 1000,
                                    server: srv.name.clone(),
                                    fault: Fault::Slow(x),
                                });
                                // Once payment is killed, calls are refused at once: order is back to normal.
                                c.faults.push(FaultAt {
                                    at_ms: (FAULT_AT_S + LEAK_HANG_S) * 1000,
                                    server: srv.name,
                                    fault: Fault::Revive,
                                });
                            }
                        }
                    }
                    self.push(Purpose::Measure { dep: d }, c);
                }
            }
            Action::Hop => {
                let checkout = Some((Feature::Checkout, 1));
                let only_checkout = |mut c: Config, work_us: u64| {
                    c.clients.rate_per_s = Feature::Checkout.rate_per_s();
                    for sv in c.servers.iter_mut() {
                        sv.service = ServiceTime { dist: Dist::Constant, mean_us: work_us, cv: 0.0 };
                    }
                    c
                };
                if arch.distributed() {
                    let o = config(arch, Dep::Service(Module::Order), BASE_INSTANCES, checkout, seed, 30);
                    self.push(
                        Purpose::Part { dep: Dep::Service(Module::Order) },
                        only_checkout(o, Feature::Checkout.work_us()),
                    );
                    let p = config(arch, Dep::Service(Module::Payment), BASE_INSTANCES, checkout, seed, 30);
                    self.push(Purpose::Part { dep: Dep::Service(Module::Payment) }, only_checkout(p, PAYMENT_WORK_US));
                } else {
                    let a = config(arch, Dep::App, BASE_INSTANCES, checkout, seed, 30);
                    self.push(
                        Purpose::Part { dep: Dep::App },
                        only_checkout(a, Feature::Checkout.work_us() + PAYMENT_WORK_US),
                    );
                }
            }
            Action::TwoChange | Action::Schema => {}
        }
        self.tasks.reverse(); // popped from the end: run in plan order
        if self.tasks.is_empty() {
            self.result = Some(self.finish(s));
        }
    }

    /// Runs the current task for at most `budget` events; returns the events used.
    fn step(&mut self, s: &Setup, budget: u64) -> u64 {
        let Some(task) = self.tasks.last_mut() else {
            self.result = Some(self.finish(s));
            return 0;
        };
        let p = task.engine.run_for(budget);
        if !p.finished {
            return p.events.max(1);
        }
        let Some(task) = self.tasks.pop() else { return p.events };
        let m = task.engine.metrics();
        let t = &m.totals;
        self.fingerprint = self.fingerprint.rotate_left(7) ^ t.ok ^ (t.sent << 20) ^ m.latency.quantile_us(0.95);
        let p95 = m.latency.quantile_us(0.95);
        let (sent, ok) = (t.sent, t.ok);
        match task.purpose {
            Purpose::Size { dep, n } => {
                let good = p95 <= P95_TARGET_US && availability_bp(ok, sent) >= GOOD_BP;
                if good {
                    self.sizes.push((dep, Value::Count(n), p95));
                } else if n >= MAX_INSTANCES {
                    self.sizes.push((dep, Value::AtLeast(MAX_INSTANCES + 1), p95));
                } else {
                    let mut c = task.engine.config().clone();
                    let next = n + 1;
                    let proto = c.servers[0].clone();
                    c.servers.push(ServerConfig { name: format!("{}{}", dep.name(), next), ..proto });
                    self.push(Purpose::Size { dep, n: next }, c);
                }
            }
            Purpose::Measure { dep } | Purpose::Part { dep } => {
                self.done.push(Measured { dep, sent, ok, engine: task.engine });
            }
        }
        if self.tasks.is_empty() {
            self.result = Some(self.finish(s));
        }
        p.events.max(1)
    }

    fn measured(&self, d: Dep) -> Option<&Measured> {
        self.done.iter().find(|m| m.dep == d)
    }

    fn dep_availability(&self, d: Dep) -> u32 {
        self.measured(d).map(|m| availability_bp(m.ok, m.sent)).unwrap_or(10_000)
    }

    fn finish(&self, s: &Setup) -> Side {
        let arch = self.arch;
        let mut fig: Vec<(Figure, Value)> = Vec::new();
        let start = if arch.distributed() { SERVICE_START_S } else { MONOLITH_START_S };
        let mb = if arch.distributed() { SERVICE_MB } else { MONOLITH_MB };
        match s.action {
            Action::Spike => {
                let mut sizes = self.sizes.clone();
                sizes.sort_by_key(|(d, _, _)| *d);
                let count = |v: &Value| match v {
                    Value::Count(n) | Value::AtLeast(n) => *n,
                    _ => 0,
                };
                let total: u32 = sizes.iter().map(|(_, v, _)| count(v)).sum();
                let spiking = spike_of(s).map(|(f, _)| dep_of(arch, f.module()));
                let p95 = sizes.iter().find(|(d, _, _)| Some(*d) == spiking).map(|(_, _, p)| *p).unwrap_or(0);
                let insts: Vec<(Dep, u32)> = sizes.iter().map(|(d, v, _)| (*d, count(v))).collect();
                let searched_out = sizes.iter().any(|(_, v, _)| matches!(v, Value::AtLeast(_)));
                fig.push((Figure::Instances, Value::Instances(insts)));
                fig.push((
                    Figure::Memory,
                    if searched_out { Value::AtLeast(total * mb) } else { Value::Mb(total * mb) },
                ));
                fig.push((Figure::P95, Value::Us(p95)));
            }
            Action::Deploy | Action::Crash | Action::Leak => {
                let hit = dep_of(arch, s.module);
                let mut avail = [10_000u32; 4];
                for f in Feature::ALL {
                    let mut a = self.dep_availability(dep_of(arch, f.module()));
                    if f == Feature::Checkout && arch.distributed() {
                        let pay = self.dep_availability(Dep::Service(Module::Payment));
                        a = ((a as u64 * pay as u64 + 5_000) / 10_000) as u32;
                    }
                    avail[f.index()] = a;
                }
                for f in Feature::ALL {
                    fig.push((Figure::Availability(f), Value::Percent(avail[f.index()])));
                }
                let lost: u64 = self.done.iter().map(|m| m.sent - m.ok).sum();
                if s.action == Action::Deploy {
                    fig.push((Figure::Restarted, Value::Count(BASE_INSTANCES)));
                    fig.push((Figure::Blast, Value::Features(features_of(arch, hit))));
                    let n = BASE_INSTANCES as u64;
                    fig.push((Figure::Duration, Value::Seconds(n * start + (n - 1) * DEPLOY_GAP_S)));
                } else {
                    // Features that lost more than 1% of their requests.
                    let down: Vec<Feature> = Feature::ALL.into_iter().filter(|f| avail[f.index()] < DOWN_BP).collect();
                    fig.push((Figure::Blast, Value::Features(down)));
                    let out = if s.action == Action::Crash { start } else { LEAK_HANG_S + start };
                    fig.push((Figure::Duration, Value::Seconds(out)));
                    fig.push((Figure::FailWait, Value::Us(fail_wait_us(arch, s.action, s.module, s.guard))));
                }
                fig.push((Figure::Lost, Value::Count(lost.min(u32::MAX as u64) as u32)));
            }
            Action::Hop => {
                let (p50, p95) = checkout_latency(&self.done, s.seed);
                fig.push((Figure::CheckoutP50, Value::Us(p50)));
                fig.push((Figure::CheckoutP95, Value::Us(p95)));
                fig.push((Figure::Hops, Value::Count(if arch.distributed() { 2 } else { 0 })));
            }
            Action::TwoChange => {
                let both = [s.module, s.module.partner()];
                let mut feats: Vec<Feature> = if arch.distributed() {
                    Feature::ALL.into_iter().filter(|f| both.iter().any(|m| Feature::using(*m).contains(f))).collect()
                } else {
                    Feature::ALL.to_vec()
                };
                feats.dedup();
                fig.push((Figure::Deploys, Value::Count(if arch.distributed() { 2 } else { 1 })));
                fig.push((Figure::Ordered, Value::YesNo(arch.distributed())));
                fig.push((Figure::Restarted, Value::Count(BASE_INSTANCES * if arch.distributed() { 2 } else { 1 })));
                fig.push((Figure::Blast, Value::Features(feats)));
            }
            Action::Schema => {
                let readers = table_readers(arch, s.module);
                let blocked: Vec<Feature> = Feature::ALL
                    .into_iter()
                    .filter(|f| {
                        readers.contains(&f.module()) || (readers.contains(&Module::Payment) && *f == Feature::Checkout)
                    })
                    .collect();
                fig.push((Figure::Blast, Value::Features(blocked)));
                fig.push((Figure::Duration, Value::Seconds(SCHEMA_LOCK_S as u64)));
                fig.push((Figure::CodeChanges, Value::Count(readers.len() as u32)));
                fig.push((Figure::Restarted, Value::Count(BASE_INSTANCES)));
            }
        }
        Side { figures: fig, fingerprint: self.fingerprint }
    }
}

/// The modules whose code reads module `m`'s tables: in the monolith every module that joins them (the order
/// screen shows the member's name and the payment's status, payment reads the order's total ...); with owned
/// tables (modular monolith, microservices) only `m`.
pub fn table_readers(arch: Arch, m: Module) -> Vec<Module> {
    if arch != Arch::Monolith {
        return vec![m];
    }
    match m {
        Module::Catalog => vec![Module::Catalog, Module::Order],
        Module::Order => vec![Module::Order, Module::Payment, Module::Member],
        Module::Payment => vec![Module::Order, Module::Payment],
        Module::Member => vec![Module::Order, Module::Member],
    }
}

/// How much longer order's workers take on average while payment does not answer: a checkout holds its worker
/// for the whole wait. Without a guard the wait is the client default; with a timeout, the timeout; with a
/// breaker, only the calls before it opens and its trial calls wait (the others fail at once).
pub fn order_slowdown(action: Action, guard: Guard, outage_s: u64) -> f64 {
    if action == Action::Crash {
        // A crashed process refuses connections at once: the caller fails fast whatever the guard.
        return 1.0;
    }
    let checkout = Feature::Checkout.rate_per_s();
    let calls = checkout * outage_s as f64;
    let wait_us = match guard {
        Guard::None => NO_TIMEOUT_MS as f64 * 1000.0,
        Guard::Timeout => CALL_TIMEOUT_MS as f64 * 1000.0,
        Guard::Breaker => {
            let slow_calls = BREAKER_FAILURES as f64 + (outage_s / BREAKER_PROBE_S) as f64;
            CALL_TIMEOUT_MS as f64 * 1000.0 * slow_calls.min(calls) / calls.max(1.0)
        }
    };
    let (_, normal) = load(Arch::Msa, Dep::Service(Module::Order), None, healthy_payment_wait_us());
    let (_, during) = load(Arch::Msa, Dep::Service(Module::Order), None, wait_us);
    (during / normal).clamp(1.0, crate::proxy::config::limits::MAX_SLOW)
}

/// How long a checkout that fails during the outage takes: a crashed process refuses at once; a hung one
/// answers nothing, so the caller waits for its timeout (nginx's 10 s at the edge; in microservices, order's
/// call to payment waits as long as its guard lets it).
pub fn fail_wait_us(arch: Arch, action: Action, module: Module, guard: Guard) -> u64 {
    let refused = if arch.distributed() && module == Module::Payment { 2 * HOP_US + 2 * EDGE_US } else { 2 * EDGE_US };
    if action == Action::Crash || !Feature::using(module).contains(&Feature::Checkout) && arch.distributed() {
        return refused;
    }
    if !arch.distributed() || module == Module::Order {
        return 10_000_000;
    }
    match guard {
        Guard::None => NO_TIMEOUT_MS * 1000,
        Guard::Timeout => CALL_TIMEOUT_MS * 1000,
        // Once open, the breaker answers at once: the customer gets "payment is unavailable" right away.
        Guard::Breaker => refused - 2 * HOP_US,
    }
}

/// Checkout latency at the median and p95: one engine's answers, or the sum of order's and payment's (drawn
/// independently from their measured distributions by inverse quantiles, with a seeded generator).
fn checkout_latency(done: &[Measured], seed: u64) -> (u64, u64) {
    const SAMPLES: usize = 4_000;
    let mut rng = SimRng::fork(seed, 0xa4c4);
    let mut v: Vec<u64> = (0..SAMPLES)
        .map(|_| done.iter().map(|m| m.engine.metrics().latency.quantile_us(rng.unit_open())).sum())
        .collect();
    (nearest_rank(&mut v, 50), nearest_rank(&mut v, 95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_add_up() {
        let (r, w) = load(Arch::Monolith, Dep::App, None, 0.0);
        assert_eq!(r, 190.0);
        let work = 120.0 * 10_000.0 + 30.0 * 15_000.0 + 15.0 * 60_000.0 + 25.0 * 5_000.0;
        assert!((w * r - work).abs() < 1e-6);
    }
}
