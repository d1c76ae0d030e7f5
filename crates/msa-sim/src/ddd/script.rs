//! The `ddd-aggregate` widget's state as a shareable script: what the learner did to a fresh lesson order
//! (limit 100,000 won), one step at a time, so a link or a challenge replays it exactly.
//!
//! Steps are separated by `.`:
//!
//! | step            | what the widget did                                                              |
//! |-----------------|----------------------------------------------------------------------------------|
//! | `a<item>x<qty>` | "Add" through the root: `Command::AddLine` (item = index into [`MENU`], 0-based) |
//! | `r<line>`       | "Remove" on line `line` (0-based): `Command::RemoveLine`                         |
//! | `p`             | "Pay": `Command::Pay`                                                            |
//! | `b<item>x<qty>` | the back door: [`Order::bypass_add_line`] (no checks, no version bump)           |
//! | `lunch-blind`   | the team-lunch race run without the version check ([`race`] with `check` false)  |
//! | `lunch-checked` | the team-lunch race run with it                                                  |
//!
//! `a4x3.a1x2.p` adds three bulgogi sets and two cold noodles, then pays. A refused command stays in the script
//! (the widget sent it; the root refused it and nothing changed). "Reset" starts a new, empty script. The
//! quantity is written as the learner typed it (0 to 999): the root refuses what is out of range, as in the widget.
//! Decoding never panics: anything else is a typed [`ScriptError`].

use super::order::{race, team_lunch, Command, Order, RaceStep, Refusal, Violation, LESSON_LIMIT, MENU};
use serde::Serialize;
use std::fmt;

/// The most steps a script holds.
pub const MAX_STEPS: usize = 200;
/// The longest script accepted, in bytes.
pub const MAX_SCRIPT_LEN: usize = 2_000;
/// The largest quantity a step may carry (the widget's field keeps what is typed within 0..=999).
pub const MAX_TYPED_QTY: u32 = 999;
/// The id of the lesson's order.
pub const ORDER_ID: u64 = 1001;

/// One thing the learner did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Step {
    /// A command sent to the root.
    Root { command: ScriptCommand },
    /// A line pushed through the back door.
    BackDoor { item: usize, quantity: u32 },
    /// The team-lunch race, with or without the version check.
    Lunch { checked: bool },
}

/// A command as the script carries it (a copy of [`Command`] that serializes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ScriptCommand {
    Add { item: usize, quantity: u32 },
    Remove { line: usize },
    Pay,
}

impl ScriptCommand {
    pub fn command(self) -> Command {
        match self {
            ScriptCommand::Add { item, quantity } => Command::AddLine { item, quantity },
            ScriptCommand::Remove { line } => Command::RemoveLine { index: line },
            ScriptCommand::Pay => Command::Pay,
        }
    }
}

/// Why a text is not a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ScriptError {
    TooLong {
        max: usize,
        got: usize,
    },
    TooManySteps {
        max: usize,
    },
    /// Step number `index` (0-based) is not one of the forms above.
    BadStep {
        index: usize,
    },
    /// Step `index` names a menu item that does not exist.
    NoSuchItem {
        index: usize,
    },
    /// Step `index` carries a quantity above [`MAX_TYPED_QTY`].
    BadQuantity {
        index: usize,
    },
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptError::TooLong { max, got } => write!(f, "{got} bytes, at most {max}"),
            ScriptError::TooManySteps { max } => write!(f, "at most {max} steps"),
            ScriptError::BadStep { index } => {
                write!(f, "step {index} is not aIxQ, rN, p, bIxQ, lunch-blind or lunch-checked")
            }
            ScriptError::NoSuchItem { index } => write!(f, "step {index} names no menu item"),
            ScriptError::BadQuantity { index } => write!(f, "step {index}: quantity above {MAX_TYPED_QTY}"),
        }
    }
}

impl std::error::Error for ScriptError {}

/// A sequence of steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Script(pub Vec<Step>);

/// A small decimal number of at most `max_digits` digits (no sign, no spaces).
fn number(s: &str, max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `<item>x<qty>`.
fn item_qty(s: &str, index: usize) -> Result<(usize, u32), ScriptError> {
    let (i, q) = s.split_once('x').ok_or(ScriptError::BadStep { index })?;
    let item = number(i, 2).ok_or(ScriptError::BadStep { index })? as usize;
    let qty = number(q, 4).ok_or(ScriptError::BadStep { index })?;
    if item >= MENU.len() {
        return Err(ScriptError::NoSuchItem { index });
    }
    if qty > MAX_TYPED_QTY as u64 {
        return Err(ScriptError::BadQuantity { index });
    }
    Ok((item, qty as u32))
}

impl Script {
    pub fn decode(s: &str) -> Result<Script, ScriptError> {
        if s.len() > MAX_SCRIPT_LEN {
            return Err(ScriptError::TooLong { max: MAX_SCRIPT_LEN, got: s.len() });
        }
        let mut steps = Vec::new();
        for (index, part) in s.split('.').filter(|p| !p.is_empty()).enumerate() {
            if index >= MAX_STEPS {
                return Err(ScriptError::TooManySteps { max: MAX_STEPS });
            }
            let step = match part {
                "p" => Step::Root { command: ScriptCommand::Pay },
                "lunch-blind" => Step::Lunch { checked: false },
                "lunch-checked" => Step::Lunch { checked: true },
                _ => match part.as_bytes()[0] {
                    b'a' => {
                        let (item, quantity) = item_qty(&part[1..], index)?;
                        Step::Root { command: ScriptCommand::Add { item, quantity } }
                    }
                    b'b' => {
                        let (item, quantity) = item_qty(&part[1..], index)?;
                        Step::BackDoor { item, quantity }
                    }
                    b'r' => {
                        let line = number(&part[1..], 3).ok_or(ScriptError::BadStep { index })? as usize;
                        Step::Root { command: ScriptCommand::Remove { line } }
                    }
                    _ => return Err(ScriptError::BadStep { index }),
                },
            };
            steps.push(step);
        }
        Ok(Script(steps))
    }

    pub fn encode(&self) -> String {
        self.0
            .iter()
            .map(|s| match *s {
                Step::Root { command: ScriptCommand::Add { item, quantity } } => format!("a{item}x{quantity}"),
                Step::Root { command: ScriptCommand::Remove { line } } => format!("r{line}"),
                Step::Root { command: ScriptCommand::Pay } => "p".to_string(),
                Step::BackDoor { item, quantity } => format!("b{item}x{quantity}"),
                Step::Lunch { checked: false } => "lunch-blind".to_string(),
                Step::Lunch { checked: true } => "lunch-checked".to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Appends a step (what the widget records as the learner acts).
    pub fn push(&mut self, step: Step) {
        if self.0.len() < MAX_STEPS {
            self.0.push(step);
        }
    }

    /// Replays the script on a fresh lesson order.
    pub fn replay(&self) -> Replay {
        let mut order = Order::new(ORDER_ID, LESSON_LIMIT);
        let mut r =
            Replay { order: Order::new(ORDER_ID, LESSON_LIMIT), refused: Vec::new(), back_door: 0, lunch: None };
        for (i, s) in self.0.iter().enumerate() {
            match *s {
                Step::Root { command } => {
                    if let Err(e) = order.execute(command.command()) {
                        r.refused.push((i, e));
                    }
                }
                Step::BackDoor { item, quantity } => {
                    order.bypass_add_line(item, quantity);
                    r.back_door += 1;
                }
                Step::Lunch { checked } => {
                    let adds = LUNCH_ADDS;
                    let (steps, repo) = race(&team_lunch(), adds, checked);
                    r.lunch = Some(Lunch { checked, steps, stored: repo.stored().clone() });
                }
            }
        }
        r.order = order;
        r
    }
}

/// The widget's team-lunch race: Mina adds a drink, Junho fried dumplings, to the lesson's 94,000-won order.
pub const LUNCH_ADDS: [Command; 2] =
    [Command::AddLine { item: 3, quantity: 1 }, Command::AddLine { item: 2, quantity: 1 }];

/// The last team-lunch race of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lunch {
    pub checked: bool,
    pub steps: Vec<RaceStep>,
    /// The order as stored at the end.
    pub stored: Order,
}

/// The end of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    pub order: Order,
    /// Steps (index into the script) the root refused, and why.
    pub refused: Vec<(usize, Refusal)>,
    /// Lines pushed through the back door.
    pub back_door: usize,
    pub lunch: Option<Lunch>,
}

impl Replay {
    pub fn violations(&self) -> Vec<Violation> {
        self.order.violations()
    }
}
