//! The Order aggregate (msa_sim::ddd::order) and the DDD exercises' grading (msa_sim::ddd::exercises).

use msa_sim::ddd::exercises::{self, Answers, Exercise, Mark};
use msa_sim::ddd::order::*;
use proptest::prelude::*;

#[test]
fn commands_through_the_root_keep_the_invariants_and_bump_the_version() {
    let mut o = Order::new(1, 30_000);
    assert_eq!(o.execute(Command::AddLine { item: 0, quantity: 2 }), Ok(()));
    assert_eq!((o.total(), o.version()), (18_000, 1));
    assert_eq!(
        o.execute(Command::AddLine { item: 1, quantity: 2 }),
        Err(Refusal::CreditLimitExceeded { total: 40_000, limit: 30_000 })
    );
    assert_eq!((o.total(), o.version(), o.lines().len()), (18_000, 1, 1), "a refusal changes nothing");
    assert_eq!(o.execute(Command::AddLine { item: 1, quantity: 1 }), Ok(()));
    assert_eq!(o.total(), 29_000);
    assert_eq!(
        o.execute(Command::AddLine { item: 2, quantity: 0 }),
        Err(Refusal::BadQuantity { min: 1, max: MAX_QTY, got: 0 })
    );
    assert_eq!(o.execute(Command::AddLine { item: 99, quantity: 1 }), Err(Refusal::NoSuchItem { item: 99 }));
    assert_eq!(o.execute(Command::RemoveLine { index: 5 }), Err(Refusal::NoSuchLine { index: 5 }));
    assert_eq!(o.execute(Command::Pay), Ok(()));
    assert_eq!((o.status(), o.version()), (Status::Paid, 3));
    assert_eq!(o.execute(Command::AddLine { item: 3, quantity: 1 }), Err(Refusal::AlreadyPaid));
    assert_eq!(o.execute(Command::RemoveLine { index: 0 }), Err(Refusal::AlreadyPaid));
    assert_eq!(o.execute(Command::Pay), Err(Refusal::AlreadyPaid));
    assert!(o.violations().is_empty());
    assert_eq!(Order::new(2, 10_000).execute(Command::Pay), Err(Refusal::EmptyOrder));
}

#[test]
fn the_back_door_breaks_the_invariants_and_hides_from_the_version() {
    let mut o = team_lunch();
    assert_eq!((o.total(), o.version()), (94_000, 3));
    let v = o.bypass_add_line(4, 1);
    assert_eq!(v, vec![Violation::OverLimit { total: 118_000, limit: LESSON_LIMIT }]);
    assert_eq!(o.version(), 3, "no version bump: an optimistic lock cannot see it");
    let mut p = Order::new(3, 50_000);
    p.execute(Command::AddLine { item: 0, quantity: 1 }).unwrap();
    p.execute(Command::Pay).unwrap();
    assert_eq!(p.bypass_add_line(3, 1), vec![Violation::ChangedAfterPayment]);
}

#[test]
fn the_lessons_team_lunch_race() {
    let start = team_lunch();
    let adds = [Command::AddLine { item: 3, quantity: 1 }, Command::AddLine { item: 2, quantity: 1 }];
    // Each request passes the check on its own copy (98,000 and 99,000).
    let (steps, repo) = race(&start, adds, false);
    assert_eq!(steps[0], RaceStep::Ran { who: 0, result: Ok(98_000) });
    assert_eq!(steps[1], RaceStep::Ran { who: 1, result: Ok(99_000) });
    // Without the version check, the second write wins: Mina's drink is lost (a lost update) and the
    // stored total is what Junho saw. Each step was valid; the result is not what either meant.
    assert_eq!(repo.stored().total(), 99_000);
    assert_eq!(repo.stored().lines().len(), 4);
    // With it, Junho's save is refused, he reloads (98,000) and the root refuses his line.
    let (steps, repo) = race(&start, adds, true);
    assert_eq!(
        steps,
        vec![
            RaceStep::Ran { who: 0, result: Ok(98_000) },
            RaceStep::Ran { who: 1, result: Ok(99_000) },
            RaceStep::Saved { who: 0, version: 4 },
            RaceStep::Conflict { who: 1, stale: StaleVersion { loaded: 3, stored: 4 } },
            RaceStep::Retried { who: 1 },
            RaceStep::Ran { who: 1, result: Err(Refusal::CreditLimitExceeded { total: 103_000, limit: LESSON_LIMIT }) },
        ]
    );
    assert_eq!(repo.stored().total(), 98_000);
    assert!(repo.stored().violations().is_empty());
}

#[test]
fn blind_saves_of_two_copies_break_the_limit() {
    // Two requests each add through the root to their own copy; merging their lines (what a row-per-line
    // table without a root version does) ends over the limit.
    let start = team_lunch();
    let mut a = start.clone();
    let mut b = start.clone();
    a.execute(Command::AddLine { item: 3, quantity: 1 }).unwrap();
    b.execute(Command::AddLine { item: 2, quantity: 1 }).unwrap();
    let mut merged = a.clone();
    let extra = b.lines().last().copied().unwrap();
    let v = merged.bypass_add_line(extra.item, extra.quantity);
    assert_eq!(v, vec![Violation::OverLimit { total: 103_000, limit: LESSON_LIMIT }]);
}

fn any_command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (0usize..7, 0u32..25).prop_map(|(item, quantity)| Command::AddLine { item, quantity }),
        (0usize..8).prop_map(|index| Command::RemoveLine { index }),
        Just(Command::Pay),
    ]
}

proptest! {
    #[test]
    fn through_the_root_the_invariants_always_hold(limit in 0u64..200_000, ops in prop::collection::vec(any_command(), 0..60)) {
        let mut o = Order::new(7, limit);
        let mut accepted = 0u64;
        for c in ops {
            let before = o.clone();
            match o.execute(c) {
                Ok(()) => accepted += 1,
                Err(_) => prop_assert_eq!(&o, &before, "a refusal changes nothing"),
            }
            prop_assert!(o.violations().is_empty());
            prop_assert!(o.total() <= limit);
            prop_assert_eq!(o.version(), accepted);
        }
    }

    #[test]
    fn stored_answers_decode_or_reset(s in "[0-9.!a-z]{0,12}") {
        for e in exercises::ALL {
            if let Some((a, checked)) = e.decode(&s) {
                prop_assert_eq!(e.encode(&a, checked), s.clone());
            }
        }
    }

    #[test]
    fn stored_answers_round_trip(picks in prop::collection::vec(prop::option::of(0u8..10), 0..16), checked: bool) {
        // Answers a learner can give (a choice of the exercise, or none yet; all answered once checked) come
        // back as they were saved.
        for e in exercises::ALL {
            let n = e.choices.len() as u8;
            let pick = |i: usize| picks.get(i).copied().flatten().or(checked.then_some(0)).map(|c| c % n);
            let a = Answers((0..e.items.len()).map(pick).collect());
            prop_assert_eq!(e.decode(&e.encode(&a, checked)), Some((a.clone(), checked)));
        }
    }
}

#[test]
fn grading_and_storage() {
    let e = exercises::KINDS;
    let mut a = e.empty();
    assert_eq!(e.grade(&a).right, 0);
    assert!(!e.grade(&a).complete());
    for (i, k) in e.key().into_iter().enumerate() {
        e.choose(&mut a, i, Some(k));
    }
    let g = e.grade(&a);
    assert!(g.complete() && g.perfect());
    e.choose(&mut a, 0, Some(0));
    let g = e.grade(&a);
    assert_eq!(g.marks[0], Mark::Wrong);
    assert_eq!(g.right, g.total - 1);
    // Out-of-range choices are ignored.
    e.choose(&mut a, 0, Some(9));
    e.choose(&mut a, 99, Some(0));
    assert_eq!(a.0[0], Some(0));
    let s = e.encode(&a, true);
    assert_eq!(s, "011212012!");
    assert_eq!(e.decode(&s), Some((a.clone(), true)));
    for bad in ["", "0112210121!", "01122101x", "01122101.!", "91122101.", "{\"a\":1}"] {
        assert_eq!(e.decode(bad), None, "{bad}");
    }
    assert_eq!(e.decode("........."), Some((e.empty(), false)));
    assert_eq!(Exercise::by_id("ddd-language"), Some(exercises::LANGUAGE));
    // Every exercise has a right answer that exists, and every choice id and item id is unique.
    for e in exercises::ALL {
        assert!(e.items.iter().all(|(_, k)| (*k as usize) < e.choices.len()));
        let mut ids: Vec<_> = e.items.iter().map(|(i, _)| *i).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), e.items.len());
        assert!(e.choices.len() <= 10);
    }
}
