//! Every schedule of every two-transaction scenario, run on a real PostgreSQL 15 next to the simulator.
//!
//! Needs PostgreSQL 15's server binaries (`apt-get install -y postgresql-15`); never skipped: without them the
//! test fails with that command. Run: `cargo test -p check-postgres -- --nocapture` to see the counts.

use check_postgres::cluster::Cluster;
use check_postgres::harness::{encode, schedules, Checker};
use msa_sim::txn::{build, explore, preset, Budget, Scenario, Story, PRESETS};

/// The scenarios: the lessons' two-transaction presets first, then every other strategy the two-transaction
/// stories can be built with (same programs, other protection), named story/strategy.
fn scenarios() -> Vec<(String, Scenario)> {
    let mut out: Vec<(String, Scenario)> = Vec::new();
    for name in ["lost-update", "oversell", "atomic", "for-update", "optimistic", "deadlock", "repeatable-read"] {
        let p = preset(name).unwrap_or_else(|| panic!("preset {name}"));
        out.push((name.to_string(), p.scenario().expect("preset builds")));
    }
    for story in [Story::Counter, Story::Oversell, Story::Transfer] {
        for &strategy in story.strategies() {
            let covered = PRESETS.iter().any(|p| p.story == story && p.strategy == strategy && p.clients == 2);
            if !covered {
                let sc = build(story, strategy, 2).expect("builds");
                out.push((format!("{}/{}", story.name(), strategy.name()), sc));
            }
        }
    }
    out
}

#[test]
fn every_schedule_of_every_two_transaction_scenario_agrees_with_postgres() {
    let t0 = std::time::Instant::now();
    let cluster = Cluster::start();
    let mut ck = Checker::new(&cluster);
    let (mut compared, mut agreed) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    for (name, sc) in scenarios() {
        let all = schedules(&sc);
        let ex = explore(&sc, Budget::DEFAULT);
        assert!(!ex.truncated, "{name}: exploration truncated");
        assert_eq!(all.len() as u64, ex.schedules, "{name}: the harness enumerates what explore counts");
        ck.prepare(&sc).unwrap_or_else(|e| panic!("{name}: create tables: {e}"));
        let mut ok = 0usize;
        for s in &all {
            compared += 1;
            match ck.run(&sc, s) {
                Ok(()) => ok += 1,
                Err(e) => failures.push(format!("--- scenario {name}, schedule {}:\n{e}", encode(s))),
            }
        }
        agreed += ok;
        println!("{name:<28} {ok:>4} of {:>4} schedules agreed", all.len());
    }
    for f in failures.iter().take(5) {
        println!("{f}");
    }
    if failures.len() > 5 {
        println!("... and {} more disagreements", failures.len() - 5);
    }
    println!("postgres cross-check: {agreed} of {compared} schedules agreed ({:.1} s)", t0.elapsed().as_secs_f64());
    assert!(compared > 0);
    assert_eq!(agreed, compared, "PostgreSQL and the simulator disagree; see the traces above");
}
