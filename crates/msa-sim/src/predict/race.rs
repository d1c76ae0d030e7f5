//! Reveals that replay a race-conditions preset's showcase schedule (`crate::race::PRESETS`) under PostgreSQL 15's
//! locking, as the race visualizer does, and read the answer off the run's outcome.

use super::{Answer, Col, Reveal};
use crate::race::model::{Action, Ending, Event, SqlError};
use crate::race::schedule::{replay_str, Run};

/// What the second transaction's write does: write a stale value, write the fresh one, or fail.
pub const WRITE_KEYS: &[&str] = &["stale", "fresh", "error"];
/// Which transfer PostgreSQL aborts in the deadlock.
pub const VICTIM_KEYS: &[&str] = &["t1", "t2", "both", "none"];

pub fn reveal(name: &str) -> Option<Reveal> {
    let preset = match name {
        "atomic-second-write" => "atomic",
        "repeatable-read-second" => "repeatable-read",
        "deadlock-victim" => "deadlock",
        _ => return None,
    };
    let run = showcase(preset);
    let final_value = run.outcome().and_then(|o| o.final_values.first().copied()).unwrap_or(0);
    let failed = |t: usize| matches!(run.state().txns.get(t).and_then(|x| x.ending()), Some(Ending::Failed(_)));
    let answer = match name {
        "deadlock-victim" => Answer::Choice(match (failed(0), failed(1)) {
            (true, false) => "t1",
            (false, true) => "t2",
            (true, true) => "both",
            (false, false) => "none",
        }),
        // Two increments of a counter at 0: 2 is the fresh write, 1 the stale one.
        _ => Answer::Choice(if failed(1) {
            "error"
        } else if final_value == 2 {
            "fresh"
        } else {
            "stale"
        }),
    };
    let (rows, mark) = steps(&run);
    Some(Reveal { answer, cols: vec![Col::Step, Col::Txn, Col::Sql, Col::Result], rows, mark })
}

fn showcase(preset: &str) -> Run {
    // Every preset's showcase replays (tests/race_scenarios.rs), so neither expect can fail.
    let p = crate::race::preset(preset).expect("a preset of PRESETS");
    replay_str(&p.scenario().expect("a valid preset"), p.showcase).expect("the showcase replays")
}

/// One row a step: its number, the transaction, its SQL, and what it saw or did; the mark is the last row with
/// an error, else the last write.
fn steps(run: &Run) -> (Vec<Vec<String>>, Option<usize>) {
    let mut rows = Vec::new();
    let (mut last_error, mut last_write) = (None, None);
    for (i, taken) in run.taken.iter().enumerate() {
        let t = match taken.action {
            Action::Step(t) | Action::DeadlockCheck(t) | Action::Rollback(t) => t,
        };
        let sql = match (taken.action, taken.step) {
            (_, Some(step)) => run.scenario.step_sql(step),
            (Action::DeadlockCheck(_), None) => "-- deadlock_timeout".to_string(),
            _ => "ROLLBACK;".to_string(),
        };
        let mut result = Vec::new();
        for e in &taken.events {
            // Another transaction's events (a waiter resumed by this COMMIT) are named.
            let before = result.len();
            match e {
                Event::Read { value, .. } => result.push(format!("x = {value}")),
                Event::Computed { new, .. } => result.push(format!("new = {new}")),
                Event::Updated { count, value, .. } => {
                    last_write = Some(i);
                    result.push(match value {
                        Some(v) => format!("UPDATE {count} (v = {v})"),
                        None => format!("UPDATE {count}"),
                    })
                }
                Event::Waits { holder: Some(h), .. } => result.push(format!("waits for T{}", h + 1)),
                Event::Resumed { .. } => result.push("resumes".to_string()),
                Event::Error { error, .. } => {
                    last_error = Some(i);
                    result.push(match error {
                        SqlError::DeadlockDetected => "ERROR 40P01 deadlock detected".to_string(),
                        e => format!("ERROR {}", e.sqlstate()),
                    })
                }
                Event::Committed { .. } => result.push("COMMIT".to_string()),
                Event::RolledBack { .. } => result.push("ROLLBACK".to_string()),
                _ => {}
            }
            if let (Some(other), Some(text)) = (event_txn(e).filter(|&o| o != t), result.get_mut(before)) {
                *text = format!("T{}: {text}", other + 1);
            }
        }
        rows.push(vec![(i + 1).to_string(), format!("T{}", t + 1), sql, result.join("; ")]);
    }
    (rows, last_error.or(last_write))
}

fn event_txn(e: &Event) -> Option<crate::race::model::TxnId> {
    match *e {
        Event::Read { txn, .. }
        | Event::Computed { txn, .. }
        | Event::Updated { txn, .. }
        | Event::Waits { txn, .. }
        | Event::Resumed { txn, .. }
        | Event::Error { txn, .. }
        | Event::Committed { txn }
        | Event::RolledBack { txn } => Some(txn),
        _ => None,
    }
}
