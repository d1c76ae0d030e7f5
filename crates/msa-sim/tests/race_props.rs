#![cfg(not(target_arch = "wasm32"))]
//! Properties: decoding is total, replay never panics, replays are deterministic, exploration keeps its budget.

use msa_sim::race::Strategy;
use msa_sim::race::*;
use proptest::prelude::*;

fn scenarios() -> Vec<Scenario> {
    let mut v: Vec<Scenario> = PRESETS.iter().map(|p| p.scenario().unwrap()).collect();
    v.push(build(Story::Counter, Strategy::ForUpdateNowait, 3).unwrap());
    v.push(build(Story::Oversell, Strategy::Optimistic, 3).unwrap());
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string_never_panics_and_decoded_schedules_round_trip(s in any::<String>()) {
        if let Ok(sched) = Schedule::decode(&s) {
            // Canonical form round-trips.
            prop_assert_eq!(Schedule::decode(&sched.encode()).unwrap(), sched);
        }
        for sc in scenarios() {
            let _ = replay_str(&sc, &s);
        }
    }

    #[test]
    fn digit_strings_replay_or_are_rejected(s in "[0-9.]{0,40}", which in 0usize..11) {
        let scs = scenarios();
        let sc = &scs[which % scs.len()];
        match replay_str(sc, &s) {
            Ok(run) => {
                // The states are consistent with the schedule, and replaying it again gives the same run.
                prop_assert_eq!(run.states.len(), run.taken.len() + 1);
                let again = replay(sc, &run.schedule()).unwrap();
                prop_assert_eq!(again.states, run.states);
            }
            Err(ReplayError::Decode(_)) => prop_assert!(s.contains('0')),
            Err(_) => {}
        }
    }

    #[test]
    fn random_runs_finish_and_replay_to_the_same_outcome(seed in any::<u64>(), which in 0usize..11) {
        let scs = scenarios();
        let sc = &scs[which % scs.len()];
        let run = run_random(sc, seed);
        prop_assert!(run.is_over());
        let out = run.outcome().unwrap();
        prop_assert_eq!(out.kind != OutcomeKind::Stuck, true);
        let again = replay_str(sc, &run.schedule().encode()).unwrap();
        prop_assert_eq!(again.outcome().unwrap(), out.clone());
        // Same seed, same run.
        prop_assert_eq!(run_random(sc, seed).schedule(), run.schedule());
        // Every finished run satisfies the model's own bookkeeping: no lock is left held, nobody waits.
        for r in &run.state().rows {
            prop_assert!(r.holder.is_none() && r.waiters.is_empty() && r.pending.is_none());
        }
    }

    #[test]
    fn exploration_respects_its_budget(max_schedules in 1u64..300, max_states in 1u64..3000, which in 0usize..11) {
        let scs = scenarios();
        let sc = &scs[which % scs.len()];
        let e = explore(sc, Budget { max_schedules, max_states });
        prop_assert!(e.schedules <= max_schedules);
        prop_assert!(e.states <= max_states);
        let full = explore(sc, Budget::DEFAULT);
        prop_assert_eq!(e.truncated, e.schedules < full.schedules || e.states < full.states);
    }
}

#[test]
fn decode_errors_are_typed() {
    assert_eq!(Schedule::decode(""), Ok(Schedule(vec![])));
    assert_eq!(Schedule::decode("1.2.2.1"), Schedule::decode("1221"));
    assert_eq!(Schedule::decode("120"), Err(DecodeError::Zero { pos: 2 }));
    assert_eq!(Schedule::decode("1a"), Err(DecodeError::BadChar { pos: 1, ch: 'a' }));
    assert!(matches!(Schedule::decode(&"1".repeat(600)), Err(DecodeError::TooLong { .. })));
    let sc = preset("lost-update").unwrap().scenario().unwrap();
    assert!(matches!(replay_str(&sc, "3"), Err(ReplayError::NotEnabled { pos: 0, .. })));
    assert!(matches!(replay_str(&sc, "111111"), Err(ReplayError::NotEnabled { pos: 4, .. })));
    assert!(matches!(replay_str(&sc, "111122221"), Err(ReplayError::AfterEnd { pos: 8 })));
}
