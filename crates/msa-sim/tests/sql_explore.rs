//! Every interleaving of a spec on the engine (`msa_sim::sql::explore`), checked against the tester: a schedule
//! the explorer finds is a permutation isolationtester runs without blocking out of turn, and ends the same way.
//! Run: `cargo test -p msa-sim --test sql_explore -- --nocapture` (prints the 3 x 4 timing).

use msa_sim::sql::explore::{explore, final_tables, Budget};
use msa_sim::sql::spec::parse_spec;
use msa_sim::sql::tester::{run_one, TesterErrorKind};
use std::collections::BTreeMap;

const COUNTER: &str = "setup { CREATE TABLE c (id int PRIMARY KEY, v int NOT NULL); INSERT INTO c VALUES (1, 0); }\n";

/// The explorer's schedules and outcomes equal those of the multinomial permutations the tester completes
/// (in a spec without timers, a permutation that sends to a waiting session can only get stuck).
fn cross_check(src: &str) -> (u64, usize) {
    let spec = parse_spec(src).expect("valid spec");
    let ex = explore(&spec, Budget::DEFAULT).expect("explores");
    assert!(!ex.truncated);
    let mut by_tables: BTreeMap<String, u64> = BTreeMap::new();
    let mut completed = 0u64;
    for perm in spec.all_permutations(100_000).expect("few permutations") {
        match run_one(&spec, &perm) {
            Ok((_, engine)) => {
                completed += 1;
                *by_tables.entry(format!("{:?}", final_tables(&engine))).or_default() += 1;
            }
            Err(e) => assert!(matches!(e.kind, TesterErrorKind::Stuck { .. }), "{e}"),
        }
    }
    assert_eq!(ex.schedules, completed, "every explored schedule is a permutation the tester completes");
    let mut explored: BTreeMap<String, u64> = BTreeMap::new();
    for g in &ex.groups {
        *explored.entry(format!("{:?}", g.outcome.tables)).or_default() += g.schedules;
    }
    assert_eq!(explored, by_tables, "same final tables, schedule for schedule");
    (ex.schedules, ex.groups.len())
}

#[test]
fn atomic_increments_never_lose_an_update() {
    let src = format!(
        "{COUNTER}session s1 step b1 {{ BEGIN; }} step u1 {{ UPDATE c SET v = v + 1 WHERE id = 1; }} step c1 {{ COMMIT; }}\n\
         session s2 step b2 {{ BEGIN; }} step u2 {{ UPDATE c SET v = v + 1 WHERE id = 1; }} step c2 {{ COMMIT; }}"
    );
    let (schedules, groups) = cross_check(&src);
    // 20 interleavings, minus the 6 that would send a step to a session waiting for the other's row lock.
    assert_eq!(schedules, 14);
    assert_eq!(groups, 1);
    let ex = explore(&parse_spec(&src).expect("valid"), Budget::DEFAULT).expect("explores");
    assert_eq!(ex.groups[0].outcome.tables[0].rows, vec![vec![Some("1".to_string()), Some("2".to_string())]]);
    assert!(ex.groups[0].outcome.errors.is_empty());
}

#[test]
fn a_guarded_withdrawal_never_overdraws() {
    // EvalPlanQual: the waiting UPDATE re-checks `balance >= 100` on the committed version and skips the row.
    let src = "setup { CREATE TABLE a (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO a VALUES (1, 100); }\n\
        session s1 step b1 { BEGIN; } step w1 { UPDATE a SET balance = balance - 100 WHERE id = 1 AND balance >= 100; } \
        step c1 { COMMIT; }\n\
        session s2 step b2 { BEGIN; } step w2 { UPDATE a SET balance = balance - 100 WHERE id = 1 AND balance >= 100; } \
        step c2 { COMMIT; }";
    let (_, groups) = cross_check(src);
    assert_eq!(groups, 1);
    let ex = explore(&parse_spec(src).expect("valid"), Budget::DEFAULT).expect("explores");
    assert_eq!(ex.groups[0].outcome.tables[0].rows, vec![vec![Some("1".to_string()), Some("0".to_string())]]);
}

#[test]
fn repeatable_read_fails_some_schedules_with_40001() {
    let src = format!(
        "{COUNTER}session s1 step b1 {{ BEGIN ISOLATION LEVEL REPEATABLE READ; }} step r1 {{ SELECT v FROM c; }} \
         step u1 {{ UPDATE c SET v = v + 1 WHERE id = 1; }} step c1 {{ COMMIT; }}\n\
         session s2 step u2 {{ UPDATE c SET v = v + 10 WHERE id = 1; }}"
    );
    cross_check(&src);
    let ex = explore(&parse_spec(&src).expect("valid"), Budget::DEFAULT).expect("explores");
    let failed: Vec<_> = ex.groups.iter().filter(|g| !g.outcome.errors.is_empty()).collect();
    assert_eq!(failed.len(), 1, "{:#?}", ex.groups);
    assert_eq!(failed[0].outcome.errors[0].step, "u1");
    assert_eq!(failed[0].outcome.errors[0].sqlstate, "40001");
    // The schedule to open: s2 commits its update between s1's snapshot and s1's update.
    assert_eq!(failed[0].first, ["b1", "r1", "u2", "u1", "c1"]);
    assert_eq!(failed[0].outcome.tables[0].rows, vec![vec![Some("1".to_string()), Some("10".to_string())]]);
}

#[test]
fn deadlocks_are_resolved_by_time_and_the_victim_is_an_outcome() {
    let src = "setup { CREATE TABLE a (id int PRIMARY KEY, v int); INSERT INTO a VALUES (1, 0), (2, 0); }\n\
        session s1 setup { SET deadlock_timeout = '100s'; } step l1 { BEGIN; UPDATE a SET v = 1 WHERE id = 1; } \
        step m1 { UPDATE a SET v = 1 WHERE id = 2; } step c1 { COMMIT; }\n\
        session s2 setup { SET deadlock_timeout = '1s'; } step l2 { BEGIN; UPDATE a SET v = 2 WHERE id = 2; } \
        step m2 { UPDATE a SET v = 2 WHERE id = 1; } step c2 { COMMIT; }";
    let ex = explore(&parse_spec(src).expect("valid"), Budget::DEFAULT).expect("explores");
    assert!(!ex.truncated);
    let deadlocked: Vec<_> =
        ex.groups.iter().filter(|g| g.outcome.errors.iter().any(|e| e.sqlstate == "40P01")).collect();
    assert_eq!(deadlocked.len(), 1, "{:#?}", ex.groups);
    assert_eq!(deadlocked[0].outcome.errors[0].step, "m2", "s2 has the short deadlock_timeout: it is the victim");
    assert!(ex.groups.iter().all(|g| g.outcome.stuck.is_empty()));
}

#[test]
fn a_lock_never_released_is_reported_as_stuck() {
    let src = format!(
        "{COUNTER}session s1 step u1 {{ BEGIN; UPDATE c SET v = 1 WHERE id = 1; }}\n\
         session s2 step u2 {{ UPDATE c SET v = 2 WHERE id = 1; }}"
    );
    let ex = explore(&parse_spec(&src).expect("valid"), Budget::DEFAULT).expect("explores");
    assert_eq!(ex.schedules, 2);
    let stuck: Vec<_> = ex.groups.iter().filter(|g| !g.outcome.stuck.is_empty()).collect();
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].outcome.stuck, ["u2"]);
    assert_eq!(stuck[0].first, ["u1", "u2"]);
}

#[test]
fn the_budget_stops_the_search_and_says_so() {
    let src = format!(
        "{COUNTER}session s1 step a1 {{ SELECT v FROM c; }} step a2 {{ SELECT v FROM c; }}\n\
         session s2 step b1 {{ SELECT v FROM c; }} step b2 {{ SELECT v FROM c; }}"
    );
    let spec = parse_spec(&src).expect("valid");
    let full = explore(&spec, Budget::DEFAULT).expect("explores");
    assert_eq!((full.schedules, full.truncated), (6, false));
    let cut = explore(&spec, Budget { max_schedules: 4, max_actions: 1_000 }).expect("explores");
    assert_eq!((cut.schedules, cut.truncated), (4, true));
}

#[test]
fn unsupported_sql_is_an_error_with_its_place() {
    let spec = parse_spec("session s1 step a { SELECT 1; }\nsession s2 step b {\n  VACUUM; }").expect("valid");
    let e = explore(&spec, Budget::DEFAULT).expect_err("VACUUM is outside the subset");
    assert_eq!(e.pos.map(|p| (p.line, p.col)), Some((3, 3)));
}

#[test]
fn three_sessions_of_four_statements() {
    let mut src = String::from(
        "setup { CREATE TABLE c (id int PRIMARY KEY, v int NOT NULL); INSERT INTO c VALUES (1, 0), (2, 0), (3, 0); }\n",
    );
    for s in 1..=3 {
        src.push_str(&format!(
            "session s{s} step b{s} {{ BEGIN; }} step u{s} {{ UPDATE c SET v = v + 1 WHERE id = {s}; }} \
             step r{s} {{ SELECT sum(v) FROM c; }} step c{s} {{ COMMIT; }}\n"
        ));
    }
    let spec = parse_spec(&src).expect("valid");
    let t0 = std::time::Instant::now();
    let ex = explore(&spec, Budget::DEFAULT).expect("explores");
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    // Different rows: nobody waits, so all 12! / (4!)^3 = 34,650 interleavings run.
    assert_eq!((ex.schedules, ex.truncated), (34_650, false));
    assert_eq!(ex.groups.len(), 1);
    eprintln!(
        "3 sessions x 4 statements: {} schedules, {} actions, {ms:.0} ms (debug build, native)",
        ex.schedules, ex.actions
    );
}
