//! Exhaustive exploration: which outcomes are reachable, and pinned schedule counts.
//!
//! How two of the counts come about (statement mode: one action per SQL statement):
//!
//! - `lost-update` (BEGIN, SELECT, UPDATE, COMMIT per transaction): 8!/(4!4!) = 70 interleavings before locking.
//!   A transaction whose UPDATE waits cannot COMMIT before the holder does, so the orders with
//!   U1 < U2 < C2 < C1 are impossible: fix the chain B1 S1 U1 U2 C2 C1 and place B2 < S2 into the 4 gaps before
//!   U2: C(5,2) = 10 orders, and 10 more the other way round. 70 - 20 = 50 schedules. Correct ones are those where
//!   one transaction's SELECT comes after the other's COMMIT: T1 entirely before S2 with B2 in any of 5 places,
//!   and the mirror: 10. The other 40 lose an update.
//! - `atomic` (BEGIN, UPDATE, COMMIT): 6!/(3!3!) = 20; the impossible orders are U1 < U2 < C2 < C1 with B2
//!   before U2 (3 places) and the mirror: 20 - 6 = 14, all correct.

use msa_sim::race::*;

fn ex(name: &str) -> Exploration {
    explore(&preset(name).unwrap().scenario().unwrap(), Budget::DEFAULT)
}

fn counts(e: &Exploration) -> Vec<(&'static str, u64)> {
    e.by_outcome.iter().map(|(k, n)| (k.name(), *n)).collect()
}

#[test]
fn pinned_counts_per_preset() {
    type Want<'a> = (&'a str, u64, &'a [(&'a str, u64)]);
    let want: [Want; 9] = [
        ("lost-update", 50, &[("lost-update", 40), ("correct", 10)]),
        ("oversell", 92, &[("oversold", 80), ("correct", 12)]),
        ("atomic", 14, &[("correct", 14)]),
        ("for-update", 24, &[("correct", 24)]),
        ("optimistic", 50, &[("retried", 40), ("correct", 10)]),
        ("deadlock", 42, &[("deadlock-victim", 24), ("correct", 18)]),
        ("repeatable-read", 50, &[("serialization-failure", 40), ("correct", 10)]),
        ("app-mutex", 3960, &[("lost-update", 2556), ("correct", 1404)]),
        ("db-lock", 2070, &[("correct", 2070)]),
    ];
    for (name, schedules, by) in want {
        let e = ex(name);
        assert!(!e.truncated, "{name}");
        assert_eq!(e.schedules, schedules, "{name}");
        assert_eq!(counts(&e), by.to_vec(), "{name}");
        assert_eq!(e.by_outcome.values().sum::<u64>(), e.schedules);
    }
}

#[test]
fn lost_update_reachable_only_without_protection() {
    for clients in [2, 3] {
        let no_lock = explore(&build(Story::Counter, Strategy::NoLock, clients).unwrap(), Budget::DEFAULT);
        assert!(no_lock.reachable(OutcomeKind::LostUpdate));
        for s in [Strategy::ForUpdate, Strategy::Optimistic, Strategy::Atomic, Strategy::RepeatableRead] {
            let e = explore(&build(Story::Counter, s, clients).unwrap(), Budget::DEFAULT);
            assert!(!e.truncated);
            assert!(!e.reachable(OutcomeKind::LostUpdate), "{s:?} {clients}");
        }
        for s in [Strategy::ForUpdate, Strategy::Optimistic, Strategy::Atomic] {
            let e = explore(&build(Story::Oversell, s, clients).unwrap(), Budget::DEFAULT);
            assert!(!e.reachable(OutcomeKind::Oversold) && !e.reachable(OutcomeKind::LostUpdate), "{s:?}");
        }
    }
    assert!(!ex("db-lock").reachable(OutcomeKind::LostUpdate));
    assert!(ex("app-mutex").reachable(OutcomeKind::LostUpdate));
}

#[test]
fn deadlock_reachable_and_fixed_by_lock_ordering() {
    assert!(ex("deadlock").reachable(OutcomeKind::DeadlockVictim));
    let ordered = explore(&build(Story::Transfer, Strategy::ForUpdate, 3).unwrap(), Budget::DEFAULT);
    assert!(!ordered.reachable(OutcomeKind::DeadlockVictim));
    assert_eq!(counts(&ordered), vec![("correct", 9960)]);
    // No transfer ever loses money, deadlock or not.
    assert!(!ex("deadlock").reachable(OutcomeKind::LostUpdate));
}

#[test]
fn counterexamples_replay_to_their_outcome() {
    for p in PRESETS.iter() {
        let sc = p.scenario().unwrap();
        let e = explore(&sc, Budget::DEFAULT);
        for (kind, sched) in &e.examples {
            let run = replay(&sc, sched).unwrap();
            assert_eq!(run.outcome().unwrap().kind, *kind, "{} {sched}", p.name);
        }
    }
    // The first lost update in DFS order.
    assert_eq!(ex("lost-update").examples[&OutcomeKind::LostUpdate].encode(), "11122122");
}

#[test]
fn three_by_four_benchmark_scenario() {
    // 3 transactions x 4 statements: 12!/(4!)^3 = 34,650 interleavings before locking prunes any.
    let e = explore(&build(Story::Counter, Strategy::NoLock, 3).unwrap(), Budget::DEFAULT);
    assert_eq!((e.schedules, e.states, e.max_len), (13_830, 57_090, 12));
    assert_eq!(counts(&e), vec![("lost-update", 13_560), ("correct", 270)]);
}

#[test]
fn minor_steps_explode_the_count() {
    let mut sc = preset("lost-update").unwrap().scenario().unwrap();
    sc.expansion = Expansion::MinorSteps;
    let e = explore(&sc, Budget::DEFAULT);
    assert_eq!(counts(&e), vec![("lost-update", 170), ("correct", 12)]);
}

#[test]
fn budget_is_respected() {
    let sc = build(Story::Counter, Strategy::NoLock, 3).unwrap();
    let e = explore(&sc, Budget { max_schedules: 100, max_states: u64::MAX });
    assert!(e.truncated);
    assert_eq!(e.schedules, 100);
    let e = explore(&sc, Budget { max_schedules: u64::MAX, max_states: 500 });
    assert!(e.truncated);
    assert!(e.states <= 500);
}
