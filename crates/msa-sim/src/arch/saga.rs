//! The saga of the monolith lesson's "Distributed data": FoodDash's order placed across four services, each
//! with its own database, as a deterministic timeline.
//!
//! The saga is choreographed, as the lesson tells it: each service runs a local transaction when an event
//! arrives and publishes the event that triggers the next step. Forward: order (`PENDING`) → payment (charge)
//! → stock (reserve the dish) → delivery (assign a rider) → order (`CONFIRMED`). When a step fails, it
//! publishes its failure and the steps before it run their compensations in reverse order: release the stock,
//! refund the charge, cancel the order.
//!
//! The learner can also kill one service's process after its local transaction commits. Without an outbox the
//! event lived only in that process's memory: it is lost, and the next service never hears of the change (the
//! order stays `PENDING`, or the customer is charged for an order that never completes). With an outbox the
//! event is a row written in the same local transaction; a relay publishes it, after the restart if need be.
//! The relay marks a row sent only after the broker has it, so a crash between the two makes it publish the
//! row again: delivery is at-least-once, and each consumer keeps the idempotency keys it has processed and
//! ignores the duplicate.

use std::collections::VecDeque;
use std::fmt;

/// The order the lesson follows.
pub const ORDER_ID: u32 = 1001;
/// Its total, in won.
pub const AMOUNT: u32 = 23_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Order,
    Payment,
    Stock,
    Delivery,
}

impl Service {
    pub const ALL: [Service; 4] = [Service::Order, Service::Payment, Service::Stock, Service::Delivery];

    pub fn name(self) -> &'static str {
        match self {
            Service::Order => "order",
            Service::Payment => "payment",
            Service::Stock => "stock",
            Service::Delivery => "delivery",
        }
    }
}

/// Which forward step fails (its local transaction records the refusal instead of the change).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Failure {
    #[default]
    None,
    /// The card is declined.
    Payment,
    /// The dish is sold out.
    Stock,
    /// No rider is free.
    Delivery,
}

impl Failure {
    pub const ALL: [Failure; 4] = [Failure::None, Failure::Payment, Failure::Stock, Failure::Delivery];

    pub fn name(self) -> &'static str {
        match self {
            Failure::None => "none",
            Failure::Payment => "payment",
            Failure::Stock => "stock",
            Failure::Delivery => "delivery",
        }
    }

    pub fn service(self) -> Option<Service> {
        match self {
            Failure::None => None,
            Failure::Payment => Some(Service::Payment),
            Failure::Stock => Some(Service::Stock),
            Failure::Delivery => Some(Service::Delivery),
        }
    }
}

/// When the process dies, relative to its forward step's local transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CrashPoint {
    /// No crash.
    #[default]
    None,
    /// After the commit, before the event reaches the broker.
    BeforePublish,
    /// After the broker has the event, before the outbox row is marked sent (without an outbox: harmless).
    AfterPublish,
}

impl CrashPoint {
    pub const ALL: [CrashPoint; 3] = [CrashPoint::None, CrashPoint::BeforePublish, CrashPoint::AfterPublish];

    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::None => "none",
            CrashPoint::BeforePublish => "before",
            CrashPoint::AfterPublish => "after",
        }
    }
}

/// What the learner chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    pub fail: Failure,
    /// Whose process dies (on its first commit that has an event to publish) and when.
    pub crash: Service,
    pub point: CrashPoint,
    pub outbox: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup { fail: Failure::None, crash: Service::Order, point: CrashPoint::None, outbox: false }
    }
}

/// The events on the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    OrderPlaced,
    PaymentApproved,
    PaymentDeclined,
    StockReserved,
    StockSoldOut,
    RiderAssigned,
    NoRider,
    StockReleased,
    PaymentRefunded,
}

impl Event {
    /// The one service that consumes it.
    pub fn consumer(self) -> Service {
        match self {
            Event::OrderPlaced | Event::StockSoldOut | Event::StockReleased => Service::Payment,
            Event::PaymentApproved | Event::NoRider => Service::Stock,
            Event::StockReserved => Service::Delivery,
            Event::RiderAssigned | Event::PaymentDeclined | Event::PaymentRefunded => Service::Order,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Event::OrderPlaced => "OrderPlaced",
            Event::PaymentApproved => "PaymentApproved",
            Event::PaymentDeclined => "PaymentDeclined",
            Event::StockReserved => "StockReserved",
            Event::StockSoldOut => "StockSoldOut",
            Event::RiderAssigned => "RiderAssigned",
            Event::NoRider => "NoRider",
            Event::StockReleased => "StockReleased",
            Event::PaymentRefunded => "PaymentRefunded",
        }
    }
}

/// What a local transaction changes in its service's own database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    OrderPending,
    Charged,
    Declined,
    Reserved,
    SoldOut,
    RiderAssigned,
    NoRider,
    OrderConfirmed,
    /// Compensations.
    Released,
    Refunded,
    OrderCancelled,
}

impl Change {
    pub fn service(self) -> Service {
        match self {
            Change::OrderPending | Change::OrderConfirmed | Change::OrderCancelled => Service::Order,
            Change::Charged | Change::Declined | Change::Refunded => Service::Payment,
            Change::Reserved | Change::SoldOut | Change::Released => Service::Stock,
            Change::RiderAssigned | Change::NoRider => Service::Delivery,
        }
    }

    /// An undo of an earlier step's change.
    pub fn is_compensation(self) -> bool {
        matches!(self, Change::Released | Change::Refunded | Change::OrderCancelled)
    }

    /// A step that failed: its transaction records the refusal, and nothing else changes.
    pub fn is_failure(self) -> bool {
        matches!(self, Change::Declined | Change::SoldOut | Change::NoRider)
    }
}

/// The idempotency key a consumer records: the event and the order it is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub event: Event,
    pub order: u32,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.event.name(), self.order)
    }
}

/// One line of the timeline, in the order it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A local transaction commits in `change.service()`'s database, because `on` arrived (`None`: the
    /// customer's request). With an outbox, the event to publish is written in the same transaction.
    Commit { change: Change, on: Option<Event>, outbox_row: Option<Event> },
    /// The event reaches the broker: sent by the service itself, or by its outbox relay. `again`: the relay
    /// sends a row it had already sent (it crashed before marking it).
    Publish { from: Service, event: Event, relay: bool, again: bool },
    /// The process dies.
    Crash { service: Service },
    /// It is back up.
    Restart { service: Service },
    /// The event existed only in the dead process's memory: nobody will ever publish it.
    Lost { from: Service, event: Event },
    /// A consumer receives an event whose key it has already processed, and ignores it.
    Duplicate { service: Service, key: Key },
}

/// Each service's part of the order once the run is over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Final {
    pub order: Option<Change>,
    pub payment: Option<Change>,
    pub stock: Option<Change>,
    pub delivery: Option<Change>,
    /// How many times the card was charged (the duplicate must not make it two).
    pub charges: u32,
}

impl Final {
    pub fn of(&self, s: Service) -> Option<Change> {
        match s {
            Service::Order => self.order,
            Service::Payment => self.payment,
            Service::Stock => self.stock,
            Service::Delivery => self.delivery,
        }
    }

    fn set(&mut self, c: Change) {
        match c.service() {
            Service::Order => self.order = Some(c),
            Service::Payment => self.payment = Some(c),
            Service::Stock => self.stock = Some(c),
            Service::Delivery => self.delivery = Some(c),
        }
        if c == Change::Charged {
            self.charges += 1;
        }
    }
}

/// How the saga ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every step done: confirmed, charged once, reserved, a rider on the way.
    Completed,
    /// `failed` refused, and every step before it was compensated: nothing charged, nothing held, the order
    /// cancelled.
    Compensated { failed: Service },
    /// An event was lost: `waiting` never hears of it, and the services disagree for good.
    Stuck { lost: Event, waiting: Service },
}

impl Outcome {
    /// All services agree (everything happened, or everything was undone).
    pub fn consistent(self) -> bool {
        !matches!(self, Outcome::Stuck { .. })
    }
}

/// A run: the timeline, the end state, the outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub setup: Setup,
    pub log: Vec<Entry>,
    pub fin: Final,
    pub outcome: Outcome,
}

impl Run {
    /// How many times an event was delivered to a consumer that had already processed it.
    pub fn duplicates(&self) -> usize {
        self.log.iter().filter(|e| matches!(e, Entry::Duplicate { .. })).count()
    }
}

struct Sim {
    setup: Setup,
    log: Vec<Entry>,
    fin: Final,
    broker: VecDeque<Event>,
    processed: Vec<(Service, Key)>,
    crashed: bool,
    lost: Option<Event>,
}

impl Sim {
    /// A local transaction, then (if it has one) its event on the way to the broker, with the crash the learner
    /// chose if this is the process and the moment.
    fn commit(&mut self, change: Change, on: Option<Event>, event: Option<Event>) {
        let svc = change.service();
        let outbox = self.setup.outbox;
        self.log.push(Entry::Commit { change, on, outbox_row: event.filter(|_| outbox) });
        self.fin.set(change);
        let Some(event) = event else { return };
        let crash_here = !self.crashed && self.setup.crash == svc && self.setup.point != CrashPoint::None;
        if crash_here && self.setup.point == CrashPoint::BeforePublish {
            self.crashed = true;
            self.log.push(Entry::Crash { service: svc });
            self.log.push(Entry::Restart { service: svc });
            if outbox {
                // The row is in the database: the relay finds it unsent after the restart.
                self.publish(svc, event, false);
            } else {
                self.log.push(Entry::Lost { from: svc, event });
                self.lost = Some(event);
            }
            return;
        }
        self.publish(svc, event, false);
        if crash_here {
            self.crashed = true;
            self.log.push(Entry::Crash { service: svc });
            self.log.push(Entry::Restart { service: svc });
            if outbox {
                // The broker has it, but the row was never marked sent: the relay sends it again.
                self.publish(svc, event, true);
            }
        }
    }

    fn publish(&mut self, from: Service, event: Event, again: bool) {
        self.log.push(Entry::Publish { from, event, relay: self.setup.outbox, again });
        self.broker.push_back(event);
    }

    /// The consumer's handler: its local transaction and the event it publishes.
    fn handle(&mut self, event: Event) {
        let fail = self.setup.fail;
        let (change, next) = match event {
            Event::OrderPlaced if fail == Failure::Payment => (Change::Declined, Some(Event::PaymentDeclined)),
            Event::OrderPlaced => (Change::Charged, Some(Event::PaymentApproved)),
            Event::PaymentApproved if fail == Failure::Stock => (Change::SoldOut, Some(Event::StockSoldOut)),
            Event::PaymentApproved => (Change::Reserved, Some(Event::StockReserved)),
            Event::StockReserved if fail == Failure::Delivery => (Change::NoRider, Some(Event::NoRider)),
            Event::StockReserved => (Change::RiderAssigned, Some(Event::RiderAssigned)),
            Event::RiderAssigned => (Change::OrderConfirmed, None),
            Event::NoRider => (Change::Released, Some(Event::StockReleased)),
            Event::StockSoldOut | Event::StockReleased => (Change::Refunded, Some(Event::PaymentRefunded)),
            Event::PaymentDeclined | Event::PaymentRefunded => (Change::OrderCancelled, None),
        };
        self.commit(change, Some(event), next);
    }
}

/// Runs the saga for order [`ORDER_ID`] under `setup`. Deterministic: one setup, one timeline.
pub fn run(setup: Setup) -> Run {
    let mut sim = Sim {
        setup,
        log: Vec::new(),
        fin: Final::default(),
        broker: VecDeque::new(),
        processed: Vec::new(),
        crashed: false,
        lost: None,
    };
    sim.commit(Change::OrderPending, None, Some(Event::OrderPlaced));
    // Each event triggers at most one more: the run ends after a dozen deliveries. The bound is a guard only.
    let mut budget = 64;
    while let Some(event) = sim.broker.pop_front() {
        budget -= 1;
        if budget == 0 {
            break;
        }
        let service = event.consumer();
        let key = Key { event, order: ORDER_ID };
        if sim.processed.contains(&(service, key)) {
            sim.log.push(Entry::Duplicate { service, key });
            continue;
        }
        sim.processed.push((service, key));
        sim.handle(event);
    }
    let outcome = match (sim.lost, sim.fin.order) {
        (Some(lost), _) => Outcome::Stuck { lost, waiting: lost.consumer() },
        (None, Some(Change::OrderConfirmed)) => Outcome::Completed,
        _ => Outcome::Compensated { failed: setup.fail.service().unwrap_or(Service::Order) },
    };
    Run { setup, log: sim.log, fin: sim.fin, outcome }
}

/// Longest shareable text accepted.
pub const MAX_QUERY_LEN: usize = 64;

/// Why a shared `?saga=` value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    TooLong {
        max: usize,
        got: usize,
    },
    /// An item without `:`.
    Malformed {
        item: usize,
    },
    UnknownKey {
        key: String,
    },
    BadValue {
        key: String,
        value: String,
    },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::TooLong { max, got } => write!(f, "{got} bytes, at most {max}"),
            QueryError::Malformed { item } => write!(f, "item {item} is not key:value"),
            QueryError::UnknownKey { key } => write!(f, "unknown key {key:?}"),
            QueryError::BadValue { key, value } => write!(f, "{key} cannot be {value:?}"),
        }
    }
}

impl std::error::Error for QueryError {}

fn find<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, v: &str) -> Option<T> {
    all.iter().copied().find(|x| name(*x) == v)
}

impl Setup {
    /// `f:stock,c:payment,p:before,o:1`.
    pub fn to_query(&self) -> String {
        format!("f:{},c:{},p:{},o:{}", self.fail.name(), self.crash.name(), self.point.name(), u8::from(self.outbox))
    }

    /// The inverse of [`Setup::to_query`]; missing items keep their defaults. Never panics.
    pub fn from_query(q: &str) -> Result<Setup, QueryError> {
        if q.len() > MAX_QUERY_LEN {
            return Err(QueryError::TooLong { max: MAX_QUERY_LEN, got: q.len() });
        }
        let mut s = Setup::default();
        for (i, item) in q.split(',').filter(|p| !p.is_empty()).enumerate() {
            let Some((k, v)) = item.split_once(':') else { return Err(QueryError::Malformed { item: i + 1 }) };
            let bad = || QueryError::BadValue { key: k.to_string(), value: v.chars().take(16).collect() };
            match k {
                "f" => s.fail = find(&Failure::ALL, Failure::name, v).ok_or_else(bad)?,
                "c" => s.crash = find(&Service::ALL, Service::name, v).ok_or_else(bad)?,
                "p" => s.point = find(&CrashPoint::ALL, CrashPoint::name, v).ok_or_else(bad)?,
                "o" => {
                    s.outbox = match v {
                        "0" => false,
                        "1" => true,
                        _ => return Err(bad()),
                    }
                }
                _ => return Err(QueryError::UnknownKey { key: k.chars().take(16).collect() }),
            }
        }
        Ok(s)
    }
}
