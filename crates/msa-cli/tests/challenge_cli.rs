//! `msa-sim challenge` as a user runs it: the list, a verdict with exit code 0 (solved) or 1 (not solved), and
//! exit code 2 with a message (never a panic) for bad input.

use std::process::{Command, Output};

fn msa_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msa-sim")).args(args).output().expect("run msa-sim")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn list_names_every_challenge_with_its_lesson_family_and_solution() {
    let o = msa_sim(&["challenge", "--list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<Vec<&str>> = out.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(lines.len(), msa_sim::challenge::CHALLENGES.len());
    assert!(lines.contains(&vec![
        "race-two-deadlock-victims",
        "race-conditions",
        "race",
        "deadlock_no-lock_3_12312312132"
    ]));
    assert!(lines.contains(&vec!["lb-weights-5-of-7", "load-balancing", "proxy", "0.weight=5"]));
    assert!(lines.contains(&vec!["ddd-exact-limit", "ddd", "ddd", "a2x20.p"]));
    let o = msa_sim(&["challenge", "--list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON list");
    assert_eq!(v[0]["id"], "arch-contain-payment-hang");
    assert_eq!(v[0]["family"], "arch");
}

#[test]
fn a_solution_exits_0_and_a_non_solution_exits_1() {
    let o = msa_sim(&["challenge", "race-sell-last-bowl-twice", "oversell_no-lock_2_1212111222"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("race-sell-last-bowl-twice: solved") && out.contains("sold 2 of 1"), "{out}");
    let o = msa_sim(&["challenge", "race-sell-last-bowl-twice", "oversell_for-update_2_1212111"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("not solved") && out.contains("sold 1 of 1"), "{out}");
    let q = "servers=5&algo=least-conn&duration_ms=10000&warmup_ms=2000&rate=900";
    let o = msa_sim(&["challenge", "traffic-p99-fewest-backends", q, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON verdict");
    assert_eq!((v["solved"].as_bool(), v["size"].as_u64()), (Some(true), Some(5)));
    assert!(v["facts"].as_array().unwrap().iter().any(|f| f["kind"] == "fewer-meets" && f["meets"] == false), "{v}");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for args in [
        vec!["challenge", "no-such-challenge", "x"],
        vec!["challenge", "ddd-exact-limit", "a9x1"],
        vec!["challenge", "lb-weights-5-of-7", "0.weight=5&rate=1000"],
        vec!["challenge", "race-lose-two-updates"],
        vec!["challenge", "--bogus"],
        vec!["challenge", "--list", "extra"],
    ] {
        let o = msa_sim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("msa-sim: ") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let err = String::from_utf8_lossy(&msa_sim(&["challenge", "lb-weights-5-of-7", "rate=5"]).stderr).into_owned();
    assert!(err.contains("keeps rate"), "{err}");
}
