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
    for name in [
        "lost-update",
        "oversell",
        "atomic",
        "for-update",
        "optimistic",
        "deadlock",
        "repeatable-read",
    ] {
        let p = preset(name).unwrap_or_else(|| panic!("preset {name}"));
        out.push((name.to_string(), p.scenario().expect("preset builds")));
    }
    for story in [Story::Counter, Story::Oversell, Story::Transfer] {
        for &strategy in story.strategies() {
            let covered = PRESETS
                .iter()
                .any(|p| p.story == story && p.strategy == strategy && p.clients == 2);
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
        assert_eq!(
            all.len() as u64,
            ex.schedules,
            "{name}: the harness enumerates what explore counts"
        );
        ck.prepare(&sc)
            .unwrap_or_else(|e| panic!("{name}: create tables: {e}"));
        let mut ok = 0usize;
        for s in &all {
            compared += 1;
            match ck.run(&sc, s) {
                Ok(_) => ok += 1,
                Err(e) => {
                    failures.push(format!("--- scenario {name}, schedule {}:\n{e}", encode(s)))
                }
            }
        }
        agreed += ok;
        let kinds: Vec<String> = ex
            .by_outcome
            .iter()
            .map(|(k, n)| format!("{} {n}", k.name()))
            .collect();
        println!(
            "{name:<28} {ok:>4} of {:>4} schedules agreed  (simulator: {})",
            all.len(),
            kinds.join(", ")
        );
    }
    for f in failures.iter().take(5) {
        println!("{f}");
    }
    if failures.len() > 5 {
        println!("... and {} more disagreements", failures.len() - 5);
    }
    println!(
        "({} schedule runs repeated because the machine was too slow for the deadlock timing)",
        ck.timing_reruns
    );
    // Written to the real stderr (not captured by the test harness): CI's log always shows the count.
    {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "postgres cross-check: {agreed} of {compared} schedules agreed ({:.1} s)",
            t0.elapsed().as_secs_f64()
        );
    }
    assert!(compared > 0);
    assert_eq!(
        agreed, compared,
        "PostgreSQL and the simulator disagree; see the traces above"
    );
}

/// Negative controls: the harness must see a difference where there is one, and the lessons' showcases must show
/// the waits and errors they teach on the real server too.
#[test]
fn the_harness_sees_differences_and_the_showcases_hold() {
    let cluster = Cluster::start();
    let mut ck = Checker::new(&cluster);
    let sc = |n: &str| preset(n).expect("preset").scenario().expect("builds");
    let decode = |s: &str| s.bytes().map(|b| b - b'1').collect::<Vec<u8>>();

    // READ COMMITTED's model against REPEATABLE READ sessions: PostgreSQL aborts T2 with 40001 after its wait.
    let (lost, rr) = (sc("lost-update"), sc("repeatable-read"));
    ck.prepare(&lost).expect("tables");
    let e = ck
        .run_with(&lost, &rr, &decode("12121212"))
        .expect_err("must differ");
    println!("control 1 (model lost-update, sessions repeatable-read):\n{e}");
    assert!(
        e.contains("postgres: aborted 40001") && e.contains("simulator: committed"),
        "{e}"
    );

    // FOR UPDATE's model against plain SELECT sessions: T2's SELECT does not wait on the real server.
    let fu = sc("for-update");
    let e = ck
        .run_with(&fu, &lost, &decode("12121122"))
        .expect_err("must differ");
    println!("control 2 (model for-update, sessions lost-update):\n{e}");
    assert!(e.contains("simulator: waits"), "{e}");

    // The showcases, as the lessons tell them, on the real server.
    for (name, must) in [
        ("lost-update", vec!["postgres: waits", "rows [1]"]),
        ("atomic", vec!["postgres: waits", "rows [2]"]),
        ("for-update", vec!["postgres: waits", "rows [2]"]),
        (
            "optimistic",
            vec!["postgres: waits", "T2 <- UPDATE 0", "attempt 2", "rows [2]"],
        ),
        (
            "deadlock",
            vec!["postgres: waits", "40P01", "rows [110, 90]"],
        ),
        (
            "repeatable-read",
            vec!["postgres: waits", "aborted 40001", "rows [1]"],
        ),
        ("oversell", vec!["orders Some(2)"]),
    ] {
        let p = preset(name).expect("preset");
        let s = p.scenario().expect("builds");
        ck.prepare(&s).expect("tables");
        let trace = ck
            .run(&s, &decode(p.showcase))
            .unwrap_or_else(|e| panic!("{name} showcase: {e}"));
        println!("showcase {name} {}:\n{trace}", p.showcase);
        for m in must {
            assert!(
                trace.contains(m),
                "{name} showcase: expected {m:?} in\n{trace}"
            );
        }
    }
}
