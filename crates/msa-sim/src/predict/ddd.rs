//! Reveals on the DDD lesson's `Order` aggregate ([`crate::ddd::order`]): its team-lunch order (limit
//! 100,000 won, 94,000 won of lines, version 3), commands through the root, the back door, and the race of two
//! requests with and without the version check.

use super::{Answer, Col, Reveal};
use crate::ddd::order::{race, team_lunch, Command, Order, RaceStep, Refusal, Violation, MENU};

/// What the root does with a line that would break the credit limit.
pub const LIMIT_KEYS: &[&str] = &["refused", "accepted", "flagged"];
/// What the version does when the back door changes the order.
pub const VERSION_KEYS: &[&str] = &["bumps", "stays"];
/// What becomes of Junho's line when Mina's request saved first, with the version check.
pub const LUNCH_KEYS: &[&str] = &["saved", "refused", "merged"];

/// The bulgogi set, the drink and the dumplings of the lesson's story (indexes into [`MENU`]).
const BULGOGI: usize = 4;
const DRINK: usize = 3;
const DUMPLINGS: usize = 2;

pub fn reveal(name: &str) -> Option<Reveal> {
    match name {
        "limit-refusal" => Some(limit_refusal()),
        "back-door-version" => Some(back_door()),
        "lunch-with-check" => Some(lunch()),
        _ => None,
    }
}

fn row(step: &str, o: &Order, result: String) -> Vec<String> {
    vec![step.to_string(), o.version().to_string(), o.total().to_string(), result]
}

fn cols() -> Vec<Col> {
    vec![Col::Command, Col::Version, Col::TotalWon, Col::Result]
}

fn refusal(r: Refusal) -> String {
    match r {
        Refusal::CreditLimitExceeded { total, limit } => format!("CreditLimitExceeded ({total} > {limit})"),
        other => format!("{other:?}"),
    }
}

fn violations(v: &[Violation]) -> String {
    if v.is_empty() {
        "-".to_string()
    } else {
        v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", ")
    }
}

/// Through the root, a 24,000 won bulgogi set on the 94,000 won order.
fn limit_refusal() -> Reveal {
    let mut o = team_lunch();
    let start = row("-", &o, "-".into());
    let r = o.execute(Command::AddLine { item: BULGOGI, quantity: 1 });
    let answer = if r.is_err() {
        "refused"
    } else if o.violations().is_empty() {
        "accepted"
    } else {
        "flagged"
    };
    let result = match r {
        Ok(()) => "OK".to_string(),
        Err(e) => refusal(e),
    };
    Reveal {
        answer: Answer::Choice(answer),
        cols: cols(),
        rows: vec![start, row(&format!("addLine({}, 1)", MENU[BULGOGI].0), &o, result)],
        mark: Some(1),
    }
}

/// The order is paid through the root; then code elsewhere pushes a drink into the line list.
fn back_door() -> Reveal {
    let mut o = team_lunch();
    let mut rows = vec![row("-", &o, "-".into())];
    let paid = o.execute(Command::Pay);
    rows.push(row("pay()", &o, if paid.is_ok() { "OK".into() } else { "refused".into() }));
    let before = o.version();
    let broken = o.bypass_add_line(DRINK, 1);
    rows.push(row(&format!("lines().add({})", MENU[DRINK].0), &o, violations(&broken)));
    Reveal {
        answer: Answer::Choice(if o.version() == before { "stays" } else { "bumps" }),
        cols: cols(),
        rows,
        mark: Some(2),
    }
}

/// Mina adds a drink and Junho fried dumplings, both from version 3, with the version check.
fn lunch() -> Reveal {
    let start = team_lunch();
    let adds = [Command::AddLine { item: DRINK, quantity: 1 }, Command::AddLine { item: DUMPLINGS, quantity: 1 }];
    let (steps, repo) = race(&start, adds, true);
    let who = |w: usize| if w == 0 { "Mina" } else { "Junho" };
    let rows: Vec<Vec<String>> = steps
        .iter()
        .map(|s| match s {
            RaceStep::Ran { who: w, result: Ok(total) } => {
                vec![format!("{}: addLine", who(*w)), "-".into(), total.to_string(), "OK".into()]
            }
            RaceStep::Ran { who: w, result: Err(e) } => {
                vec![format!("{}: addLine", who(*w)), "-".into(), "-".into(), refusal(*e)]
            }
            RaceStep::Saved { who: w, version } => {
                vec![format!("{}: save", who(*w)), version.to_string(), "-".into(), "OK".into()]
            }
            RaceStep::Conflict { who: w, stale } => vec![
                format!("{}: save", who(*w)),
                stale.stored.to_string(),
                "-".into(),
                format!("UPDATE 0 (version {} != {})", stale.loaded, stale.stored),
            ],
            RaceStep::Retried { who: w } => vec![format!("{}: reload", who(*w)), "-".into(), "-".into(), "-".into()],
        })
        .collect();
    // Junho's line is in the stored order only if his request saved.
    let junho_saved = steps.iter().any(|s| matches!(s, RaceStep::Saved { who: 1, .. }));
    let mina_saved = steps.iter().any(|s| matches!(s, RaceStep::Saved { who: 0, .. }));
    let answer = match (junho_saved, mina_saved) {
        (true, true) => "merged",
        (true, false) => "saved",
        _ => "refused",
    };
    let mut rows = rows;
    rows.push(vec![
        "=".into(),
        repo.stored().version().to_string(),
        repo.stored().total().to_string(),
        violations(&repo.stored().violations()),
    ]);
    let last = rows.len() - 1;
    Reveal { answer: Answer::Choice(answer), cols: cols(), rows, mark: Some(last.saturating_sub(1)) }
}
