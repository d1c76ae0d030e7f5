//! The race visualizer's core: URL state, the view model of a run, the client's error text, exploration in
//! slices, the contention sweep one run at a time.

use msa_sim::race::contention::{sweep, ContentionConfig, SweepRunner};
use msa_sim::race::model::{MinorKind, Pending, WaitOn};
use msa_sim::race::view::*;
use msa_sim::race::*;

/// Every scenario a learner can reach from the visualizer's pickers: each preset with each strategy its story
/// offers, at its default clients.
fn reachable() -> Vec<(RaceConfig, Scenario)> {
    let mut v = Vec::new();
    for p in PRESETS.iter() {
        for &s in p.story.strategies() {
            let cfg = RaceConfig { strategy: s, ..RaceConfig::of(p) };
            v.push((cfg, cfg.scenario().unwrap()));
        }
    }
    v
}

#[test]
fn explorer_in_slices_equals_explore() {
    let mut scs: Vec<Scenario> = reachable().into_iter().map(|(_, s)| s).collect();
    scs.push(build(Story::Counter, Strategy::NoLock, 3).unwrap());
    let mut minor = preset("lost-update").unwrap().scenario().unwrap();
    minor.expansion = Expansion::MinorSteps;
    scs.push(minor);
    for sc in &scs {
        let whole = explore(sc, Budget::DEFAULT);
        for slice in [1, 7, 1_000, u64::MAX] {
            let mut e = Explorer::new(sc.clone(), Budget::DEFAULT);
            let mut calls = 0u64;
            while !e.run(slice) {
                calls += 1;
                assert!(calls <= whole.states + 1, "the explorer makes progress");
            }
            assert_eq!(e.exploration(), &whole, "{:?} {:?} slice {slice}", sc.story, sc.strategy);
            // Every kept bad schedule replays to its outcome; they are the first ones in DFS order.
            let bad_total: u64 = whole.by_outcome.iter().filter(|(k, _)| k.is_bad()).map(|(_, n)| n).sum();
            assert_eq!(e.bad().len() as u64, bad_total.min(MAX_BAD_KEPT as u64));
            for (kind, s) in e.bad() {
                assert_eq!(replay(sc, s).unwrap().outcome().unwrap().kind, *kind);
            }
            for (kind, ex) in &whole.examples {
                if kind.is_bad() && e.bad().len() < MAX_BAD_KEPT {
                    assert!(e.bad().iter().any(|(k, s)| k == kind && s == ex));
                }
            }
        }
    }
}

#[test]
fn explorer_respects_the_budget_like_explore() {
    let sc = build(Story::Counter, Strategy::NoLock, 3).unwrap();
    for budget in
        [Budget { max_schedules: 100, max_states: u64::MAX }, Budget { max_schedules: u64::MAX, max_states: 500 }]
    {
        let mut e = Explorer::new(sc.clone(), budget);
        while !e.run(33) {}
        assert_eq!(e.exploration(), &explore(&sc, budget));
        assert!(e.exploration().truncated);
    }
}

#[test]
fn explorer_counts_3x4() {
    let mut e = Explorer::new(build(Story::Counter, Strategy::NoLock, 3).unwrap(), Budget::DEFAULT);
    while !e.run(4_096) {}
    let ex = e.exploration();
    assert_eq!((ex.schedules, ex.states), (13_830, 57_090));
    assert_eq!(ex.count(OutcomeKind::LostUpdate), 13_560);
    assert_eq!(e.bad().len(), MAX_BAD_KEPT);
}

#[test]
fn url_round_trips_every_reachable_state() {
    for (cfg, sc) in reachable() {
        for minor in [false, true] {
            let cfg = RaceConfig { minor, ..cfg };
            let mut sc = sc.clone();
            if minor {
                sc.expansion = Expansion::MinorSteps;
            }
            let full = run_serial(&sc);
            for n in 0..=full.taken.len() {
                let mut run = full.clone();
                run.rewind(n);
                let s = cfg.encode(&run.schedule());
                assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{s}");
                let (back, replayed) = decode_url(&s).unwrap();
                assert_eq!(back, cfg);
                assert_eq!(replayed.states, run.states, "{s}");
            }
        }
    }
    assert_eq!(
        RaceConfig::named("lost-update").unwrap().encode(&Schedule::decode("1212").unwrap()),
        "lost-update_no-lock_2_1212"
    );
}

#[test]
fn url_fields_may_be_left_off() {
    let (cfg, run) = decode_url("oversell").unwrap();
    assert_eq!((cfg.preset.name, cfg.strategy, cfg.clients, cfg.minor), ("oversell", Strategy::NoLock, 2, false));
    assert!(run.taken.is_empty());
    let (cfg, _) = decode_url("oversell_for-update").unwrap();
    assert_eq!(cfg.strategy, Strategy::ForUpdate);
    let (cfg, run) = decode_url("lost-update__3_123").unwrap();
    assert_eq!((cfg.strategy, cfg.clients, run.taken.len()), (Strategy::NoLock, 3, 3));
}

#[test]
fn bad_urls_are_typed_errors() {
    use msa_sim::race::schedule::DecodeError;
    let cases: Vec<(String, UrlError)> = vec![
        ("nope".into(), UrlError::UnknownScenario),
        ("".into(), UrlError::UnknownScenario),
        ("lost-update_fast".into(), UrlError::UnknownStrategy),
        (
            "lost-update_app-mutex".into(),
            UrlError::Build(BuildError::UnsupportedStrategy { story: Story::Counter, strategy: Strategy::AppMutex }),
        ),
        ("lost-update_no-lock_9".into(), UrlError::Build(BuildError::BadClients { got: 9, max: 3 })),
        ("lost-update_no-lock_0".into(), UrlError::Build(BuildError::BadClients { got: 0, max: 3 })),
        ("lost-update_no-lock_x".into(), UrlError::BadClients),
        ("lost-update_no-lock_99999999999999999999".into(), UrlError::BadClients),
        (
            "lost-update_no-lock_2_12a".into(),
            UrlError::Schedule(ReplayError::Decode(DecodeError::BadChar { pos: 2, ch: 'a' })),
        ),
        ("lost-update_no-lock_2_1_x".into(), UrlError::BadFlag),
        ("lost-update_no-lock_2_1_m_m".into(), UrlError::TooManyFields),
        (
            "lost-update_no-lock_2_111111".into(),
            UrlError::Schedule(ReplayError::NotEnabled {
                pos: 4,
                error: NotEnabled { txn: 0, why: Blocked::Finished { ending: Ending::Committed } },
            }),
        ),
        (
            "lost-update_no-lock_2_3".into(),
            UrlError::Schedule(ReplayError::NotEnabled {
                pos: 0,
                error: NotEnabled { txn: 2, why: Blocked::NoSuchTxn },
            }),
        ),
        (format!("lost-update_no-lock_2_{}", "1".repeat(600)), UrlError::TooLong { len: 622, max: MAX_URL_CHARS }),
        (format!("lost-update_no-lock_2_{}", "12".repeat(100)), UrlError::Schedule(ReplayError::AfterEnd { pos: 14 })),
    ];
    for (s, want) in cases {
        assert_eq!(decode_url(&s).err(), Some(want), "{s}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;
    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        #[test]
        fn decoding_any_string_never_panics(s in any::<String>()) {
            let _ = decode_url(&s);
        }
        #[test]
        fn decoding_near_valid_strings_never_panics(
            name in "(lost-update|oversell|deadlock|app-mutex|x)",
            strat in "(no-lock|for-update|optimistic|db-lock|app-mutex|)",
            clients in "[0-9]{0,3}",
            sched in "[0-9.]{0,30}",
            flag in "(_m|_|)",
        ) {
            let s = format!("{name}_{strat}_{clients}_{sched}{flag}");
            if let Ok((cfg, run)) = decode_url(&s) {
                // What decodes re-encodes to a value that decodes to the same run.
                let (again, run2) = decode_url(&cfg.encode(&run.schedule())).unwrap();
                prop_assert_eq!(again, cfg);
                prop_assert_eq!(run2.states, run.states);
            }
        }
    }
}

#[test]
fn lost_update_view_step_by_step() {
    let sc = preset("lost-update").unwrap().scenario().unwrap();
    let run = replay_str(&sc, "121212").unwrap();
    let v = view::run_view(&run);
    // T2's UPDATE waits for T1's row lock; T1 has written 1, not yet committed.
    assert_eq!(v.rows.len(), 1);
    let r = &v.rows[0];
    assert_eq!((r.table, r.id, r.column, r.value, r.version), ("counters", 1, "v", 0, 1));
    // No version column in this story: the version stays 1.
    assert_eq!(r.pending, Some(Pending { value: 1, version: 1 }));
    assert_eq!((r.holder, r.waiters.clone(), r.versioned), (Some(0), vec![1], false));
    assert_eq!(v.edges, vec![WaitEdge { from: 1, to: 0, on: WaitOn::Row(0), in_cycle: false }]);
    assert_eq!(v.txns[1].status, TxnStatus::Waiting { on: WaitOn::Row(0), holder: Some(0) });
    assert!(!v.txns[1].can_move && v.txns[0].can_move);
    assert_eq!((v.txns[1].x, v.txns[1].new), (Some(0), Some(1)));
    let marks = |t: usize| v.txns[t].steps.iter().map(|s| s.mark).collect::<Vec<_>>();
    use StepMark::*;
    // BEGIN; SELECT; new = x + 1; UPDATE; COMMIT
    assert_eq!(marks(0), vec![Done, Done, Done, Done, Next]);
    assert_eq!(marks(1), vec![Done, Done, Done, Next, Later]);
    let kinds: Vec<MinorKind> = v.txns[0].steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![MinorKind::Control, MinorKind::Read, MinorKind::Compute, MinorKind::Write, MinorKind::Control]
    );
    assert_eq!(v.txns[0].steps[3].sql, "UPDATE counters SET v = $new WHERE id = 1;");
    assert!(v.outcome.is_none());
    // T1 commits: T2 resumes and writes its stale 1; both commit: the counter says 1.
    let run = replay_str(&sc, "12121212").unwrap();
    let v = view::run_view(&run);
    assert!(v.edges.is_empty());
    assert_eq!((v.rows[0].value, v.rows[0].version, v.rows[0].holder), (1, 1, None));
    assert_eq!(v.outcome.unwrap().kind, OutcomeKind::LostUpdate);
    assert!(v.txns.iter().all(|t| t.status == TxnStatus::Done { ending: Ending::Committed }));
    assert!(v.txns.iter().all(|t| t.steps.iter().all(|s| s.mark == Done)));
}

#[test]
fn for_update_blocks_the_second_select() {
    let sc = build(Story::Counter, Strategy::ForUpdate, 2).unwrap();
    let run = replay_str(&sc, "1212").unwrap();
    let v = view::run_view(&run);
    assert_eq!(v.txns[1].status, TxnStatus::Waiting { on: WaitOn::Row(0), holder: Some(0) });
    assert!(v.txns[1].steps[1].sql.contains("FOR UPDATE"));
    assert_eq!(v.txns[1].steps[1].mark, StepMark::Next);
}

#[test]
fn deadlock_view_has_a_cycle_and_a_victim() {
    let sc = preset("deadlock").unwrap().scenario().unwrap();
    // B1 B2 L1(row 1) L2(row 2) T1 waits (row 2) T2 waits (row 1): the cycle.
    let run = replay_str(&sc, "121212").unwrap();
    let v = view::run_view(&run);
    assert_eq!(v.edges.len(), 2);
    assert!(v.edges.iter().all(|e| e.in_cycle));
    assert!(matches!(v.txns[0].status, TxnStatus::DeadlockCheck { holder: Some(1), .. }));
    assert!(matches!(v.txns[1].status, TxnStatus::Waiting { holder: Some(0), .. }));
    assert!(v.txns[0].can_move && !v.txns[1].can_move);
    let run = replay_str(&sc, "1212121").unwrap();
    let v = view::run_view(&run);
    assert_eq!(v.txns[0].status, TxnStatus::Aborted { error: SqlError::DeadlockDetected });
    assert_eq!(
        client_error(&sc, run.state(), 0, SqlError::DeadlockDetected),
        "ERROR:  deadlock detected\nSQLSTATE: 40P01"
    );
}

#[test]
fn client_error_texts() {
    let sc = preset("repeatable-read").unwrap().scenario().unwrap();
    let run = replay_str(&sc, "1212121").unwrap();
    let v = view::run_view(&run);
    assert_eq!(v.txns[1].status, TxnStatus::Aborted { error: SqlError::SerializationFailure });
    assert_eq!(
        client_error(&sc, run.state(), 1, SqlError::SerializationFailure),
        "ERROR:  could not serialize access due to concurrent update\nSQLSTATE: 40001"
    );
    let sc = build(Story::Oversell, Strategy::ForUpdateNowait, 2).unwrap();
    let run = replay_str(&sc, "1212").unwrap();
    assert_eq!(view::run_view(&run).txns[1].status, TxnStatus::Aborted { error: SqlError::LockNotAvailable });
    assert_eq!(
        client_error(&sc, run.state(), 1, SqlError::LockNotAvailable),
        "ERROR:  could not obtain lock on row in relation \"items\"\nSQLSTATE: 55P03"
    );
}

#[test]
fn app_mutex_view_shows_two_mutexes() {
    let sc = preset("app-mutex").unwrap().scenario().unwrap();
    let run = replay_str(&sc, "123").unwrap();
    let v = view::run_view(&run);
    assert_eq!(v.mutexes.len(), 2);
    assert_eq!((v.mutexes[0].holder, v.mutexes[0].waiters.clone()), (Some(0), vec![2]));
    assert_eq!((v.mutexes[1].holder, v.mutexes[1].waiters.clone()), (Some(1), vec![]));
    assert_eq!(v.edges, vec![WaitEdge { from: 2, to: 0, on: WaitOn::Mutex(0), in_cycle: false }]);
    assert_eq!(v.txns.iter().map(|t| t.server).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(0)]);
}

#[test]
fn sweep_runner_equals_sweep() {
    let base = ContentionConfig { clients: 8, ops_per_client: 20, ..ContentionConfig::default() };
    let hot = [1, 4, 16, 64];
    let whole = sweep(&base, &hot).unwrap();
    let mut r = SweepRunner::new(&base, &hot).unwrap();
    let mut calls = 0;
    while r.step().unwrap() {
        calls += 1;
        assert_eq!(r.progress().1, 12);
    }
    assert_eq!(calls + 1, 12);
    assert!(r.is_done());
    assert_eq!(r.progress(), (12, 12));
    assert_eq!(r.sweep(), whole);
    let bad = ContentionConfig { clients: 0, ..base };
    assert!(SweepRunner::new(&bad, &hot).is_err());
}

#[test]
fn replay_prefix_stops_where_the_strategy_blocks() {
    // The lost-update interleaving, then FOR UPDATE: T2's SELECT waits, so its UPDATE (action 6) cannot run.
    let sched = Schedule::decode("121212").unwrap();
    let sc = build(Story::Counter, Strategy::ForUpdate, 2).unwrap();
    let (run, err) = replay_prefix(&sc, &sched);
    assert_eq!(run.schedule().encode(), "12121");
    assert_eq!(
        err,
        Some(ReplayError::NotEnabled {
            pos: 5,
            error: NotEnabled { txn: 1, why: Blocked::Row { row: 0, holder: Some(0) } }
        })
    );
    let (run, err) = replay_prefix(&preset("lost-update").unwrap().scenario().unwrap(), &sched);
    assert_eq!((run.taken.len(), err), (6, None));
    let (run, err) = replay_prefix(&sc, &Schedule::decode("11111").unwrap());
    let finished = NotEnabled { txn: 0, why: Blocked::Finished { ending: Ending::Committed } };
    assert_eq!((run.taken.len(), err), (4, Some(ReplayError::NotEnabled { pos: 4, error: finished })));
}

/// The seeded auto-run the browser test replays (tests/e2e/race.test.mjs, "the same seed gives the same run"):
/// the same seed gives this schedule natively and in the browser.
#[test]
fn seeded_run_is_pinned() {
    let sc = preset("app-mutex").unwrap().scenario().unwrap();
    let run = run_random(&sc, 42);
    println!("SEEDED app-mutex 42: {}", run.schedule());
    assert_eq!(run.schedule().encode(), SEEDED_APP_MUTEX_42);
}
const SEEDED_APP_MUTEX_42: &str = "313332121221";
