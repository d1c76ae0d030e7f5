//! DDD challenges: predicates over the aggregate widget's command script ([`crate::ddd::script`]), replayed
//! on a fresh lesson order (credit limit 100,000 won). The size is the number of steps in the script.

use super::{Challenge, ChallengeError, Fact, Family, Judged, SizeUnit};
use crate::ddd::order::{team_lunch, RaceStep};
use crate::ddd::order::{Status, Violation};
use crate::ddd::script::{Replay, Script};

const LESSON: &str = "ddd";

/// Exactly the credit limit, through the root, and paid.
pub const EXACT_LIMIT: Challenge = Challenge {
    id: "ddd-exact-limit",
    family: Family::Ddd,
    lesson: LESSON,
    start: "",
    solution: "a2x20.p",
    best_size: 2,
    size_unit: SizeUnit::Commands,
    non_solution: "a4x4.a2x1.p",
};

/// The credit-limit invariant broken (only the back door can).
pub const BREAK_LIMIT: Challenge = Challenge {
    id: "ddd-break-limit",
    family: Family::Ddd,
    lesson: LESSON,
    start: "",
    solution: "b4x5",
    best_size: 1,
    size_unit: SizeUnit::Commands,
    non_solution: "a4x5",
};

/// A paid order changed, and its version did not move.
pub const CHANGE_AFTER_PAYMENT: Challenge = Challenge {
    id: "ddd-change-after-payment",
    family: Family::Ddd,
    lesson: LESSON,
    start: "",
    solution: "a3x1.p.b3x1",
    best_size: 3,
    size_unit: SizeUnit::Commands,
    non_solution: "a3x1.p.a3x1",
};

/// The team lunch: both requests told "saved", and one of their lines gone (a lost update).
pub const LUNCH_LOST_LINE: Challenge = Challenge {
    id: "ddd-lunch-lost-line",
    family: Family::Ddd,
    lesson: LESSON,
    start: "",
    solution: "lunch-blind",
    best_size: 1,
    size_unit: SizeUnit::Commands,
    non_solution: "lunch-checked",
};

fn broken_names(v: &[Violation]) -> Vec<&'static str> {
    v.iter()
        .map(|x| match x {
            Violation::OverLimit { .. } => "over-limit",
            Violation::ChangedAfterPayment => "changed-after-payment",
        })
        .collect()
}

fn order_facts(r: &Replay, steps: u64) -> Vec<Fact> {
    let o = &r.order;
    vec![
        Fact::Commands { count: steps, refused: r.refused.len() as u64 },
        Fact::Total { won: o.total(), limit: o.credit_limit() },
        Fact::Order { paid: o.status() == Status::Paid, version: o.version() },
        Fact::BackDoor { count: r.back_door as u64 },
        Fact::Broken { invariants: broken_names(&r.violations()) },
    ]
}

pub(super) fn judge(id: &str, solution: &str) -> Judged {
    let script = Script::decode(solution).map_err(|error| ChallengeError::Ddd { error })?;
    let steps = script.0.len() as u64;
    let r = script.replay();
    let mut facts = order_facts(&r, steps);
    let broken = r.violations();
    let solved = match id {
        "ddd-exact-limit" => {
            let o = &r.order;
            o.status() == Status::Paid && o.total() == o.credit_limit() && r.back_door == 0 && broken.is_empty()
        }
        "ddd-break-limit" => broken.iter().any(|v| matches!(v, Violation::OverLimit { .. })),
        "ddd-change-after-payment" => broken.contains(&Violation::ChangedAfterPayment),
        _ => match &r.lunch {
            Some(l) => {
                let lines = l.stored.lines().len() as u64;
                let saved = l.steps.iter().filter(|s| matches!(s, RaceStep::Saved { .. })).count() as u64;
                let start = team_lunch().lines().len() as u64;
                facts.push(Fact::Lunch { checked: l.checked, total: l.stored.total(), lines, saved });
                // Every save told its request "saved", yet fewer lines were stored than were saved.
                lines < start + saved
            }
            None => false,
        },
    };
    Ok((solved, steps, facts))
}
