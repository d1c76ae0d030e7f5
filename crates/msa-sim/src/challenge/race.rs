//! Race-conditions challenges: predicates over a replayed `?race=` state (PostgreSQL-faithful schedules).
//!
//! The state is decoded by [`decode_url`] (which replays the schedule); a challenge fixes the scenario and, where
//! the goal needs it, the strategy or the number of clients. The size is the schedule's length in actions.

use super::{Challenge, ChallengeError, Fact, Family, Judged, SizeUnit};
use crate::race::model::{Ending, SqlError};
use crate::race::view::{decode_url, RaceConfig};
use crate::race::{OutcomeKind, Run, Strategy};

const LESSON: &str = "race-conditions";

/// Three increments, two lost: every transaction commits and the counter ends at 1.
pub const LOSE_TWO_UPDATES: Challenge = Challenge {
    id: "race-lose-two-updates",
    family: Family::Race,
    lesson: LESSON,
    start: "lost-update_no-lock_3",
    solution: "lost-update_no-lock_3_123123123123",
    best_size: 12,
    size_unit: SizeUnit::Steps,
    non_solution: "lost-update_no-lock_3_111122223333",
};

/// The last bowl sold twice: more orders committed than there was stock.
pub const SELL_LAST_BOWL_TWICE: Challenge = Challenge {
    id: "race-sell-last-bowl-twice",
    family: Family::Race,
    lesson: LESSON,
    start: "oversell_no-lock_2",
    solution: "oversell_no-lock_2_1212111222",
    best_size: 10,
    size_unit: SizeUnit::Steps,
    non_solution: "oversell_for-update_2_1212111",
};

/// The optimistic version retries: one transaction's guarded UPDATE matches no row and it starts over.
pub const OPTIMISTIC_RETRY: Challenge = Challenge {
    id: "race-optimistic-retry",
    family: Family::Race,
    lesson: LESSON,
    start: "optimistic_optimistic_2",
    solution: "optimistic_optimistic_2_1212112",
    best_size: 7,
    size_unit: SizeUnit::Steps,
    non_solution: "optimistic_optimistic_2_11112222",
};

/// Three transfers, two deadlock victims: PostgreSQL breaks one cycle, and the waiter it wakes closes another.
pub const TWO_DEADLOCK_VICTIMS: Challenge = Challenge {
    id: "race-two-deadlock-victims",
    family: Family::Race,
    lesson: LESSON,
    start: "deadlock_no-lock_3",
    solution: "deadlock_no-lock_3_12312312132",
    best_size: 11,
    size_unit: SizeUnit::Steps,
    non_solution: "deadlock_no-lock_3_121212121",
};

/// An in-process mutex on each app server, and still a lost update.
pub const APP_MUTEX_LOST_UPDATE: Challenge = Challenge {
    id: "race-app-mutex-lost-update",
    family: Family::Race,
    lesson: LESSON,
    start: "app-mutex_app-mutex_3",
    solution: "app-mutex_app-mutex_2_12121212",
    best_size: 8,
    size_unit: SizeUnit::Steps,
    non_solution: "app-mutex_app-mutex_3_111122223333",
};

/// What a race challenge keeps as it starts.
struct Fixed {
    scenario: &'static str,
    strategy: Option<Strategy>,
    clients: Option<usize>,
}

fn fixed(id: &str) -> Fixed {
    match id {
        "race-lose-two-updates" => Fixed { scenario: "lost-update", strategy: None, clients: Some(3) },
        "race-sell-last-bowl-twice" => Fixed { scenario: "oversell", strategy: None, clients: None },
        "race-optimistic-retry" => {
            Fixed { scenario: "optimistic", strategy: Some(Strategy::Optimistic), clients: None }
        }
        "race-two-deadlock-victims" => Fixed { scenario: "deadlock", strategy: None, clients: Some(3) },
        _ => Fixed { scenario: "app-mutex", strategy: Some(Strategy::AppMutex), clients: None },
    }
}

fn refuse(setting: &str) -> ChallengeError {
    ChallengeError::Fixed { setting: setting.to_string() }
}

fn check_fixed(f: &Fixed, cfg: &RaceConfig) -> Result<(), ChallengeError> {
    if cfg.preset.name != f.scenario {
        return Err(refuse("scenario"));
    }
    if f.strategy.is_some_and(|s| s != cfg.strategy) {
        return Err(refuse("strategy"));
    }
    if f.clients.is_some_and(|n| n != cfg.clients) {
        return Err(refuse("clients"));
    }
    Ok(())
}

pub(super) fn judge(id: &str, solution: &str) -> Judged {
    let (cfg, run) = decode_url(solution).map_err(|error| ChallengeError::Race { error })?;
    check_fixed(&fixed(id), &cfg)?;
    let steps = run.taken.len() as u64;
    let mut facts = vec![Fact::Schedule { steps, finished: run.is_over() }];
    let outcome = run.outcome();
    if let Some(o) = &outcome {
        facts.push(Fact::Outcome { outcome: o.kind.name() });
    }
    let solved = match id {
        "race-lose-two-updates" | "race-app-mutex-lost-update" => {
            let (value, expected) = counter(&run, &mut facts);
            let n = run.scenario.n_txns() as u64;
            let committed = committed(&run);
            facts.push(Fact::Committed { count: committed, of: n });
            if id == "race-lose-two-updates" {
                // Every increment committed, and only one of the three shows.
                outcome.is_some() && committed == n && value == 1 && expected == 3
            } else {
                outcome.is_some_and(|o| o.kind == OutcomeKind::LostUpdate)
            }
        }
        "race-sell-last-bowl-twice" => {
            let st = run.state();
            let stock = run.scenario.rows.first().map_or(0, |r| r.initial);
            facts.push(Fact::Sold { orders: st.orders as u64, stock });
            outcome.is_some_and(|o| o.kind == OutcomeKind::Oversold)
        }
        "race-optimistic-retry" => {
            let max = run.state().txns[..run.scenario.n_txns()].iter().map(|t| t.attempt as u64).max().unwrap_or(1);
            facts.push(Fact::Attempts { max });
            // The retry begins the moment the guarded UPDATE matched no row: the run need not finish.
            max >= 2
        }
        _ => {
            let count = run.state().txns[..run.scenario.n_txns()]
                .iter()
                .filter(|t| t.saw_error(SqlError::DeadlockDetected))
                .count() as u64;
            facts.push(Fact::DeadlockVictims { count });
            count >= 2
        }
    };
    Ok((solved, steps, facts))
}

/// The counter's committed value and what it should hold.
fn counter(run: &Run, facts: &mut Vec<Fact>) -> (i64, i64) {
    let st = run.state();
    let value = st.rows[0].committed.value;
    let expected =
        run.outcome().and_then(|o| o.expected_values.first().copied()).unwrap_or_else(|| committed(run) as i64);
    let table = run.scenario.rows.first().map_or("counters", |r| r.table);
    facts.push(Fact::RowValue { table, value, expected });
    (value, expected)
}

fn committed(run: &Run) -> u64 {
    run.state().txns[..run.scenario.n_txns()].iter().filter(|t| t.ending() == Some(Ending::Committed)).count() as u64
}
