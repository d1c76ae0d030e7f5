//! Every preset: the serial schedule ends correct, and the showcase interleaving reproduces what PostgreSQL 15
//! shows (final values, who errs with which SQLSTATE, where one waits).

use msa_sim::race::model::{Ending, Event, WaitOn};
use msa_sim::race::*;

fn sc(name: &str) -> Scenario {
    preset(name).expect("preset").scenario().expect("builds")
}

/// The action (1-based) at which `txn` (0-based) began waiting, if it did.
fn waits_at(run: &Run, txn: u8) -> Vec<usize> {
    run.taken
        .iter()
        .enumerate()
        .filter(|(_, tk)| tk.events.iter().any(|e| matches!(e, Event::Waits { txn: t, .. } if *t == txn)))
        .map(|(i, _)| i + 1)
        .collect()
}

fn errors(run: &Run) -> Vec<(u8, &'static str, usize)> {
    let mut v = Vec::new();
    for (i, tk) in run.taken.iter().enumerate() {
        for e in &tk.events {
            if let Event::Error { txn, error } = e {
                v.push((*txn, error.sqlstate(), i + 1));
            }
        }
    }
    v
}

#[test]
fn every_preset_and_strategy_builds_and_runs_serially_correct() {
    assert_eq!(PRESETS.len(), 9);
    let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "lost-update",
            "oversell",
            "atomic",
            "for-update",
            "optimistic",
            "deadlock",
            "repeatable-read",
            "app-mutex",
            "db-lock"
        ]
    );
    for story in Story::ALL {
        for &strategy in story.strategies() {
            for clients in 1..=3 {
                let sc = build(story, strategy, clients).unwrap();
                let run = run_serial(&sc);
                let out = run.outcome().expect("serial run finishes");
                assert_eq!(out.kind, OutcomeKind::Correct, "{story:?} {strategy:?} {clients}: {out:?}");
                assert!(out.violated.is_empty());
                // Serial means T1 to the end, then T2, ...: the schedule is sorted.
                let s = run.schedule().0;
                assert!(s.windows(2).all(|w| w[0] <= w[1]), "{story:?} {strategy:?}: {s:?}");
            }
        }
    }
    for p in PRESETS.iter() {
        let out = run_serial(&sc(p.name)).outcome().unwrap();
        assert_eq!(out.kind, OutcomeKind::Correct, "{}", p.name);
    }
}

#[test]
fn unsupported_combinations_are_typed_errors() {
    assert!(matches!(build(Story::Transfer, Strategy::Optimistic, 2), Err(BuildError::UnsupportedStrategy { .. })));
    assert!(matches!(build(Story::Counter, Strategy::NoLock, 0), Err(BuildError::BadClients { .. })));
    assert!(matches!(build(Story::Counter, Strategy::NoLock, 4), Err(BuildError::BadClients { .. })));
}

#[test]
fn lost_update_showcase() {
    // PostgreSQL: both read 0, T2's UPDATE waits for T1's row lock, and after T1 commits it writes its stale 1.
    let run = replay_str(&sc("lost-update"), "12121212").unwrap();
    let out = run.outcome().unwrap();
    assert_eq!(out.kind, OutcomeKind::LostUpdate);
    assert_eq!(out.final_values, vec![1]);
    assert_eq!(out.expected_values, vec![2]);
    assert_eq!(waits_at(&run, 1), vec![6]);
    assert!(errors(&run).is_empty());
    assert_eq!(out.violated, vec!["no lost update"]);
    // Without a wait at all: T1 commits before T2 writes.
    let out = replay_str(&sc("lost-update"), "12121122").unwrap().outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::LostUpdate, vec![1]));
}

#[test]
fn oversell_showcase() {
    let run = replay_str(&sc("oversell"), "1212111222").unwrap();
    let out = run.outcome().unwrap();
    assert_eq!(out.kind, OutcomeKind::Oversold);
    assert_eq!(out.final_values, vec![0]);
    assert_eq!(out.orders, 2);
    // With FOR UPDATE the second buyer waits at its SELECT, then sees 0 and refuses: one order.
    let fu = build(Story::Oversell, Strategy::ForUpdate, 2).unwrap();
    let run = replay_str(&fu, "1212111").unwrap();
    let out = run.outcome().unwrap();
    assert_eq!(waits_at(&run, 1), vec![4]);
    assert_eq!(out.kind, OutcomeKind::Correct);
    assert_eq!(out.orders, 1);
    assert_eq!(out.txns[1].ending, Some(Ending::SoldOut));
    // Atomic `UPDATE items SET stock = stock - 1 WHERE id = 1 AND stock >= 1`: T2 waits, re-checks
    // `stock >= 1` on T1's committed 0 (EvalPlanQual), gets UPDATE 0: sold out.
    let at = build(Story::Oversell, Strategy::Atomic, 2).unwrap();
    let run = replay_str(&at, "121211").unwrap();
    assert_eq!(waits_at(&run, 1), vec![4]);
    let resumed = &run.taken[5].events;
    assert!(resumed.contains(&Event::Updated { txn: 1, row: 0, count: 0, value: None }), "{resumed:?}");
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.orders, out.final_values), (OutcomeKind::Correct, 1, vec![0]));
}

#[test]
fn atomic_showcase_rereads_after_the_wait() {
    let run = replay_str(&sc("atomic"), "121212").unwrap();
    assert_eq!(waits_at(&run, 1), vec![4]);
    // T1's COMMIT (action 5) hands the lock to T2, whose UPDATE v = v + 1 applies to T1's version: writes 2.
    assert!(run.taken[4].events.contains(&Event::Updated { txn: 1, row: 0, count: 1, value: Some(2) }));
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::Correct, vec![2]));
}

#[test]
fn for_update_showcase_blocks_at_the_select() {
    let run = replay_str(&sc("for-update"), "12121122").unwrap();
    assert_eq!(waits_at(&run, 1), vec![4]);
    assert!(run.taken[5].events.contains(&Event::Read { txn: 1, row: 0, value: 1, version: 1 }));
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::Correct, vec![2]));
}

#[test]
fn nowait_fails_at_once_with_55p03() {
    let sc = build(Story::Counter, Strategy::ForUpdateNowait, 2).unwrap();
    let run = replay_str(&sc, "1212211").unwrap();
    assert_eq!(errors(&run), vec![(1, "55P03", 4)]);
    assert!(waits_at(&run, 1).is_empty());
    assert_eq!(
        SqlError::LockNotAvailable.message(sc.relation(0)),
        "ERROR:  could not obtain lock on row in relation \"counters\""
    );
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::LockNotAvailable, vec![1]));
}

#[test]
fn optimistic_showcase_gets_update_0_then_retries() {
    let run = replay_str(&sc("optimistic"), "12121212222").unwrap();
    assert_eq!(waits_at(&run, 1), vec![6]);
    // After T1's commit T2 re-checks `version = 1` against version 2: UPDATE 0, rollback, retry.
    let ev = &run.taken[6].events;
    assert!(ev.contains(&Event::Updated { txn: 1, row: 0, count: 0, value: None }), "{ev:?}");
    assert!(ev.contains(&Event::Retry { txn: 1, attempt: 2 }));
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::Retried, vec![2]));
    assert_eq!(out.txns[1].attempts, 2);
    assert!(errors(&run).is_empty(), "UPDATE 0 is not an error under READ COMMITTED");
}

#[test]
fn optimistic_under_repeatable_read_gets_40001_instead() {
    // The semantics note: under REPEATABLE READ the optimistic loser gets 40001 rather than UPDATE 0.
    let mut sc = build(Story::Counter, Strategy::Optimistic, 2).unwrap();
    sc.isolation = Isolation::RepeatableRead;
    let run = replay_str(&sc, "121212").unwrap();
    let run2 = replay_str(&sc, "1212121").unwrap();
    assert_eq!(errors(&run), vec![]);
    assert_eq!(errors(&run2), vec![(1, "40001", 7)]);
}

#[test]
fn deadlock_showcase_first_waiter_is_the_victim() {
    let run = replay_str(&sc("deadlock"), "121212121").unwrap();
    assert_eq!(waits_at(&run, 0), vec![5]);
    assert_eq!(waits_at(&run, 1), vec![6]);
    // After both wait, the only enabled action is T1's deadlock check (it began waiting first).
    let st = run.states[6];
    assert_eq!(run.scenario.actions(&st), vec![Action::DeadlockCheck(0)]);
    assert_eq!(errors(&run), vec![(0, "40P01", 7)]);
    assert_eq!(SqlError::DeadlockDetected.message("accounts"), "ERROR:  deadlock detected");
    let out = run.outcome().unwrap();
    assert_eq!(out.kind, OutcomeKind::DeadlockVictim);
    assert_eq!(out.final_values, vec![110, 90]);
    assert_eq!(out.txns[0].ending, Some(Ending::Failed(SqlError::DeadlockDetected)));
    assert_eq!(out.txns[1].ending, Some(Ending::Committed));
    // Waiting the other way round makes T2 the victim.
    let run = replay_str(&sc("deadlock"), "1212212").unwrap();
    assert_eq!(errors(&run), vec![(1, "40P01", 7)]);
}

#[test]
fn repeatable_read_showcase_40001_after_waiting() {
    let run = replay_str(&sc("repeatable-read"), "12121212").unwrap();
    assert_eq!(waits_at(&run, 1), vec![6]);
    assert_eq!(errors(&run), vec![(1, "40001", 7)]);
    assert_eq!(
        SqlError::SerializationFailure.message("counters"),
        "ERROR:  could not serialize access due to concurrent update"
    );
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::SerializationFailure, vec![1]));
    assert_eq!(out.txns[1].ending, Some(Ending::Failed(SqlError::SerializationFailure)));
    // Without waiting: T1 commits first, T2's UPDATE fails at once.
    let run = replay_str(&sc("repeatable-read"), "1212112").unwrap();
    assert!(waits_at(&run, 1).is_empty());
    assert_eq!(errors(&run), vec![(1, "40001", 7)]);
    // The snapshot is taken at the first statement, not at BEGIN: T2 BEGINs, T1 runs to its commit, then T2
    // reads 1 and succeeds.
    let run = replay_str(&sc("repeatable-read"), "21111222").unwrap();
    assert_eq!(run.outcome().unwrap().final_values, vec![2]);
}

#[test]
fn app_mutex_does_not_help_across_servers() {
    let sc = sc("app-mutex");
    assert_eq!(sc.txns.iter().map(|t| t.server).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(0)]);
    let run = replay_str(&sc, "123121212333").unwrap();
    // T3 is on app-1 like T1: it waits for app-1's mutex. T2 (app-2) does not.
    assert!(run.taken[2].events.iter().any(|e| matches!(e, Event::Waits { txn: 2, on: WaitOn::Mutex(0), .. })));
    assert!(waits_at(&run, 1).is_empty());
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values, out.expected_values), (OutcomeKind::LostUpdate, vec![2], vec![3]));
}

#[test]
fn db_lock_queues_every_server_on_the_row() {
    let run = replay_str(&sc("db-lock"), "123123112233").unwrap();
    assert_eq!(waits_at(&run, 1), vec![5]);
    assert_eq!(waits_at(&run, 2), vec![6]);
    let out = run.outcome().unwrap();
    assert_eq!((out.kind, out.final_values), (OutcomeKind::Correct, vec![3]));
}

#[test]
fn every_showcase_replays_to_the_end() {
    for p in PRESETS.iter() {
        let run = replay_str(&sc(p.name), p.showcase).unwrap();
        assert!(run.is_over(), "{}", p.name);
    }
}

#[test]
fn manual_run_lists_reasons_and_undoes() {
    let mut run = Run::new(sc("for-update"));
    for t in [0, 1, 0, 1] {
        run.step(t).unwrap();
    }
    let choices = run.choices();
    assert_eq!(choices[0].1, Ok(Action::Step(0)));
    assert_eq!(choices[1].1, Err(model::Blocked::Row { row: 0, holder: Some(0) }));
    let before = *run.state();
    let err = run.step(1).unwrap_err();
    assert_eq!(err.txn, 1);
    assert_eq!(*run.state(), before, "a rejected action changes nothing");
    run.step(0).unwrap();
    assert!(run.undo());
    assert_eq!(*run.state(), before);
    run.rewind(0);
    assert_eq!(*run.state(), run.scenario.init_state());
    assert!(!run.undo());
    assert!(run.step(7).is_err());
}

#[test]
fn minor_steps_split_the_computation() {
    let mut sc = sc("lost-update");
    sc.expansion = Expansion::MinorSteps;
    let run = run_serial(&sc);
    assert_eq!(run.schedule().encode(), "1111122222");
    assert_eq!(sc.step_sql(sc.txns[0].program[2]), "new = x + 1;");
}

#[test]
fn sql_text_of_steps() {
    let o = build(Story::Counter, Strategy::Optimistic, 2).unwrap();
    let sql: Vec<_> = o.txns[0].program.iter().map(|&s| o.step_sql(s)).collect();
    assert_eq!(
        sql,
        [
            "BEGIN;",
            "SELECT v, version FROM counters WHERE id = 1;  -- -> x, seen",
            "new = x + 1;",
            "UPDATE counters SET v = $new, version = version + 1 WHERE id = 1 AND version = $seen;",
            "if rows == 0 { ROLLBACK; retry(); }",
            "COMMIT;",
        ]
    );
    let rr = sc("repeatable-read");
    assert_eq!(rr.step_sql(Step::Begin), "BEGIN ISOLATION LEVEL REPEATABLE READ;");
    let a = sc("atomic");
    assert_eq!(a.step_sql(a.txns[0].program[1]), "UPDATE counters SET v = v + 1 WHERE id = 1;");
    let f = sc("for-update");
    assert_eq!(f.step_sql(f.txns[0].program[1]), "SELECT v FROM counters WHERE id = 1 FOR UPDATE;  -- -> x");
}

#[test]
fn state_and_outcome_serialize() {
    let run = replay_str(&sc("deadlock"), "121212121").unwrap();
    let s = serde_json::to_string(run.state()).unwrap();
    assert!(s.contains("\"committed\""));
    let o = serde_json::to_string(&run.outcome().unwrap()).unwrap();
    assert!(o.contains("deadlock-victim"), "{o}");
}
