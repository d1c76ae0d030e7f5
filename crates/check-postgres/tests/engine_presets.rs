//! The race visualizer's presets as SQL run by msa-sim's SQL engine: every schedule of every two-transaction
//! scenario (the same list PostgreSQL is checked on in `tests/postgres.rs`) and of the counter story with three
//! transactions, run on the engine next to the hand-built model through the same harness. They must agree at
//! every action: who is ready, waiting or aborted with which SQLSTATE, what the app read, and the final rows.
//! No server: this runs in every `cargo test`. A scenario with more than [`MAX_RUNS`] schedules (the optimistic
//! counter of three: 386,850) runs every k-th one in DFS order, which still crosses every branch near the root;
//! `ALL=1` runs them all (about four minutes in a debug build; they all agree).

use check_postgres::engine::EngineChecker;
use check_postgres::harness::{encode, scenarios, schedules};
use msa_sim::race::{build, explore, preset, Budget, Story};

/// Schedules run per scenario, at most (unless `ALL=1`).
const MAX_RUNS: usize = 25_000;

#[test]
fn every_schedule_of_every_preset_agrees_with_the_sql_engine() {
    let all_of_them = std::env::var_os("ALL").is_some_and(|v| v == "1");
    let mut list = scenarios();
    for &strategy in Story::Counter.strategies() {
        list.push((format!("counter/{} x3", strategy.name()), build(Story::Counter, strategy, 3).expect("builds")));
    }
    let mut ck = EngineChecker::new();
    let (mut compared, mut agreed) = (0usize, 0usize);
    let mut failures = Vec::new();
    for (name, sc) in list {
        let all = schedules(&sc);
        let ex = explore(&sc, Budget::DEFAULT);
        assert_eq!(all.len() as u64, ex.schedules, "{name}: the harness enumerates what explore counts");
        let stride = if all_of_them { 1 } else { all.len().div_ceil(MAX_RUNS) };
        let (mut ok, mut runs) = (0usize, 0usize);
        let mut first = true;
        for s in all.iter().step_by(stride) {
            runs += 1;
            compared += 1;
            match ck.run(&sc, s) {
                Ok(_) => ok += 1,
                // The first difference of each scenario.
                Err(e) if first => {
                    first = false;
                    failures.push(format!("--- scenario {name}, schedule {}:\n{e}", encode(s)));
                }
                Err(_) => {}
            }
        }
        agreed += ok;
        let of = if stride == 1 { String::new() } else { format!(" (1 in {stride} of {}, in DFS order)", all.len()) };
        println!("{name:<28} {ok:>5} of {runs:>5} schedules agreed{of}");
    }
    for f in &failures {
        println!("{f}");
    }
    eprintln!("engine cross-check: {agreed} of {compared} schedules agreed");
    assert!(compared > 1000, "{compared} schedules");
    assert_eq!(agreed, compared, "the SQL engine and the model disagree; see the traces above");
}

/// The harness sees a difference where there is one (the model of one preset against another's SQL), and the
/// lessons' showcases read on the engine as they do on PostgreSQL.
#[test]
fn the_engine_harness_sees_differences_and_the_showcases_hold() {
    let mut ck = EngineChecker::new();
    let sc = |n: &str| preset(n).expect("preset").scenario().expect("builds");
    let decode = |s: &str| s.bytes().map(|b| b - b'1').collect::<Vec<u8>>();
    let e = ck.run_with(&sc("lost-update"), &sc("repeatable-read"), &decode("12121212")).expect_err("must differ");
    assert!(e.contains("engine: aborted 40001") && e.contains("simulator: committed"), "{e}");
    let e = ck.run_with(&sc("for-update"), &sc("lost-update"), &decode("12121122")).expect_err("must differ");
    assert!(e.contains("simulator: waits"), "{e}");
    for (name, must) in [
        ("lost-update", vec!["engine: waits", "rows [1]"]),
        ("atomic", vec!["engine: waits", "rows [2]"]),
        ("for-update", vec!["engine: waits", "rows [2]"]),
        ("optimistic", vec!["engine: waits", "T2 <- UPDATE 0", "attempt 2", "rows [2]"]),
        ("deadlock", vec!["engine: waits", "40P01", "rows [110, 90]"]),
        ("repeatable-read", vec!["engine: waits", "aborted 40001", "rows [1]"]),
        ("oversell", vec!["orders Some(2)"]),
    ] {
        let p = preset(name).expect("preset");
        let trace = ck.run(&sc(name), &decode(p.showcase)).unwrap_or_else(|e| panic!("{name} showcase: {e}"));
        for m in must {
            assert!(trace.contains(m), "{name} showcase: expected {m:?} in\n{trace}");
        }
    }
}
