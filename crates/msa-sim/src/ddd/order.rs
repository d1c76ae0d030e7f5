//! FoodDash for Business's `Order` aggregate, as the DDD lesson writes it in Java: the `Order` root owns its
//! lines; the only way in is a command on the root, which checks the invariants first:
//!
//! 1. the total stays within the company's credit limit;
//! 2. no line is added or removed after payment (and an empty order cannot be paid);
//! 3. quantities are 1 to [`MAX_QTY`].
//!
//! Every accepted command bumps the root's `version`: the aggregate is the unit of optimistic locking. A
//! [`Repo`] saves an order only if the version it was loaded at is still the stored one, which is how two
//! requests that each pass the checks on their own copy cannot together break the limit.

use std::fmt;

/// Won.
pub type Won = u64;

/// Most of one item in a line.
pub const MAX_QTY: u32 = 20;
/// Most lines in an order.
pub const MAX_LINES: usize = 30;
/// The team lunch of the lesson: 100,000 won per order.
pub const LESSON_LIMIT: Won = 100_000;

/// FoodDash menu items the playground offers: (id, price in won).
pub const MENU: &[(&str, Won)] = &[
    ("bibimbap", 9_000),
    ("cold-noodles", 11_000),
    ("fried-dumplings", 5_000),
    ("drink", 4_000),
    ("bulgogi-set", 24_000),
];

/// One line: an item, its price copied at order time, a quantity. A value: changing it means replacing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderLine {
    /// Index into [`MENU`].
    pub item: usize,
    pub unit_price: Won,
    pub quantity: u32,
}

impl OrderLine {
    pub fn subtotal(&self) -> Won {
        self.unit_price.saturating_mul(self.quantity as Won)
    }
    pub fn item_id(&self) -> &'static str {
        MENU.get(self.item).map(|m| m.0).unwrap_or("?")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Created,
    Paid,
}

/// A command to the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    AddLine { item: usize, quantity: u32 },
    RemoveLine { index: usize },
    Pay,
}

/// Why the root refused a command (nothing changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The new total would be over the credit limit.
    CreditLimitExceeded {
        total: Won,
        limit: Won,
    },
    /// Lines cannot change once the order is paid.
    AlreadyPaid,
    EmptyOrder,
    BadQuantity {
        min: u32,
        max: u32,
        got: u32,
    },
    NoSuchItem {
        item: usize,
    },
    NoSuchLine {
        index: usize,
    },
    TooManyLines {
        max: usize,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::CreditLimitExceeded { total, limit } => write!(f, "total {total} would exceed the limit {limit}"),
            Refusal::AlreadyPaid => write!(f, "no changes after payment"),
            Refusal::EmptyOrder => write!(f, "cannot pay for an empty order"),
            Refusal::BadQuantity { min, max, got } => write!(f, "quantity must be {min} to {max}, got {got}"),
            Refusal::NoSuchItem { item } => write!(f, "no menu item {item}"),
            Refusal::NoSuchLine { index } => write!(f, "no line {index}"),
            Refusal::TooManyLines { max } => write!(f, "at most {max} lines"),
        }
    }
}

/// An invariant that does not hold (only reachable through the back door).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    OverLimit { total: Won, limit: Won },
    ChangedAfterPayment,
}

/// The aggregate: the root's fields and its lines, reachable only through its methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    id: u64,
    credit_limit: Won,
    lines: Vec<OrderLine>,
    status: Status,
    version: u64,
    /// Set by the back door when it changed a paid order (the root would have refused).
    tampered_after_payment: bool,
}

impl Order {
    pub fn new(id: u64, credit_limit: Won) -> Order {
        Order {
            id,
            credit_limit,
            lines: Vec::new(),
            status: Status::Created,
            version: 0,
            tampered_after_payment: false,
        }
    }

    pub fn id(&self) -> u64 {
        self.id
    }
    pub fn credit_limit(&self) -> Won {
        self.credit_limit
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn version(&self) -> u64 {
        self.version
    }
    /// A read-only view: callers cannot push into it (Java's `List.copyOf`).
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }
    pub fn total(&self) -> Won {
        self.lines.iter().fold(0, |t: Won, l| t.saturating_add(l.subtotal()))
    }

    /// The one way to change the order: checks, then changes and bumps the version, or refuses and changes
    /// nothing.
    pub fn execute(&mut self, cmd: Command) -> Result<(), Refusal> {
        match cmd {
            Command::AddLine { item, quantity } => {
                if self.status != Status::Created {
                    return Err(Refusal::AlreadyPaid);
                }
                let Some(&(_, price)) = MENU.get(item) else { return Err(Refusal::NoSuchItem { item }) };
                if !(1..=MAX_QTY).contains(&quantity) {
                    return Err(Refusal::BadQuantity { min: 1, max: MAX_QTY, got: quantity });
                }
                if self.lines.len() >= MAX_LINES {
                    return Err(Refusal::TooManyLines { max: MAX_LINES });
                }
                let total = self.total().saturating_add(price.saturating_mul(quantity as Won));
                if total > self.credit_limit {
                    return Err(Refusal::CreditLimitExceeded { total, limit: self.credit_limit });
                }
                self.lines.push(OrderLine { item, unit_price: price, quantity });
            }
            Command::RemoveLine { index } => {
                if self.status != Status::Created {
                    return Err(Refusal::AlreadyPaid);
                }
                if index >= self.lines.len() {
                    return Err(Refusal::NoSuchLine { index });
                }
                self.lines.remove(index);
            }
            Command::Pay => {
                if self.status != Status::Created {
                    return Err(Refusal::AlreadyPaid);
                }
                if self.lines.is_empty() {
                    return Err(Refusal::EmptyOrder);
                }
                self.status = Status::Paid;
            }
        }
        self.version += 1;
        Ok(())
    }

    /// The back door: code elsewhere that got hold of the line list and pushed into it (what `lines()`
    /// returning the real list instead of a copy allows). No check runs and the version does not move, so
    /// the optimistic lock cannot see the change either. Returns the invariants now broken.
    pub fn bypass_add_line(&mut self, item: usize, quantity: u32) -> Vec<Violation> {
        if let Some(&(_, price)) = MENU.get(item) {
            if self.lines.len() < MAX_LINES * 4 {
                if self.status == Status::Paid {
                    self.tampered_after_payment = true;
                }
                self.lines.push(OrderLine { item, unit_price: price, quantity: quantity.clamp(1, MAX_QTY) });
            }
        }
        self.violations()
    }

    /// The invariants that do not hold. Always empty for an order changed only through [`Order::execute`].
    pub fn violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        if self.total() > self.credit_limit {
            v.push(Violation::OverLimit { total: self.total(), limit: self.credit_limit });
        }
        if self.tampered_after_payment {
            v.push(Violation::ChangedAfterPayment);
        }
        v
    }
}

/// Why a save failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaleVersion {
    /// The version the request loaded.
    pub loaded: u64,
    /// The version stored now.
    pub stored: u64,
}

/// Where orders live: one stored copy, saved with `UPDATE ... SET version = version + 1 WHERE version = :loaded`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    stored: Order,
}

impl Repo {
    pub fn new(order: Order) -> Repo {
        Repo { stored: order }
    }
    /// A request loads its own copy.
    pub fn load(&self) -> Order {
        self.stored.clone()
    }
    pub fn stored(&self) -> &Order {
        &self.stored
    }
    /// Saves `order`, changed from the copy loaded at version `loaded`: refused if someone saved in between.
    pub fn save(&mut self, order: Order, loaded: u64) -> Result<(), StaleVersion> {
        if self.stored.version != loaded {
            return Err(StaleVersion { loaded, stored: self.stored.version });
        }
        self.stored = order;
        Ok(())
    }
    /// Saves without the check (last write wins): the lost update.
    pub fn save_blindly(&mut self, order: Order) {
        self.stored = order;
    }
}

/// What happened to one of two concurrent requests in [`race`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaceStep {
    /// The request ran the command on its copy: accepted (with the total it saw) or refused.
    Ran {
        who: usize,
        result: Result<Won, Refusal>,
    },
    Saved {
        who: usize,
        version: u64,
    },
    Conflict {
        who: usize,
        stale: StaleVersion,
    },
    /// The request reloaded and tried again.
    Retried {
        who: usize,
    },
}

/// The lesson's team lunch: the stored order, then two requests (Mina and Junho) that load it at the same
/// version, each add a line, and save in order. With `check`, the second save fails on the version and the
/// request reloads and retries (and meets the credit limit); without, the second write wins and the invariant
/// breaks although each request checked it.
pub fn race(start: &Order, adds: [Command; 2], check: bool) -> (Vec<RaceStep>, Repo) {
    let mut repo = Repo::new(start.clone());
    let mut steps = Vec::new();
    let loaded = repo.load();
    let v0 = loaded.version();
    let mut copies = [loaded.clone(), loaded];
    let mut results = [Ok(()), Ok(())];
    for who in 0..2 {
        results[who] = copies[who].execute(adds[who]);
        steps.push(RaceStep::Ran { who, result: results[who].map(|_| copies[who].total()) });
    }
    for who in 0..2 {
        if results[who].is_err() {
            continue;
        }
        if !check {
            repo.save_blindly(copies[who].clone());
            steps.push(RaceStep::Saved { who, version: repo.stored().version() });
            continue;
        }
        match repo.save(copies[who].clone(), v0) {
            Ok(()) => steps.push(RaceStep::Saved { who, version: repo.stored().version() }),
            Err(stale) => {
                steps.push(RaceStep::Conflict { who, stale });
                steps.push(RaceStep::Retried { who });
                let mut again = repo.load();
                let v = again.version();
                let r = again.execute(adds[who]);
                steps.push(RaceStep::Ran { who, result: r.map(|_| again.total()) });
                if r.is_ok() {
                    if let Err(stale) = repo.save(again, v) {
                        steps.push(RaceStep::Conflict { who, stale });
                    } else {
                        steps.push(RaceStep::Saved { who, version: repo.stored().version() });
                    }
                }
            }
        }
    }
    (steps, repo)
}

/// The lesson's starting point: limit 100,000 won, 94,000 won of lines (as in the text), version 3.
pub fn team_lunch() -> Order {
    let mut o = Order::new(1001, LESSON_LIMIT);
    // 24,000 x 3 + 11,000 x 2 = 94,000 won in three accepted commands: version 3.
    let _ = o.execute(Command::AddLine { item: 4, quantity: 3 });
    let _ = o.execute(Command::AddLine { item: 1, quantity: 1 });
    let _ = o.execute(Command::AddLine { item: 1, quantity: 1 });
    o
}
