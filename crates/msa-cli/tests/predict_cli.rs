//! `msa-sim predict` as the browser suite and a learner use it: the list of reveals, one reveal's answer and table
//! (text and JSON, the same as the library's), and exit code 2 with a message for a name that does not exist.

use std::process::{Command, Output};

fn msa_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msa-sim")).args(args).output().expect("run msa-sim")
}

#[test]
fn list_and_one_reveal() {
    let o = msa_sim(&["predict", "--list"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), msa_sim::predict::REVEALS.len());
    assert!(out.lines().any(|l| l.starts_with("race.deadlock-victim") && l.ends_with("one of t1, t2, both, none")));
    let o = msa_sim(&["predict", "race.deadlock-victim"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("answer: t1\n"));
    let o = msa_sim(&["predict", "proxy.mmc-p99-095", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["answer"]["number"], 24);
    assert_eq!(v["cols"], serde_json::json!(["load", "mean-ms", "p99-ms"]));
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(4));
}

#[test]
fn an_unknown_name_exits_2_with_a_message() {
    for args in [&["predict", "race.nope"][..], &["predict"], &["predict", "--list", "x"]] {
        let o = msa_sim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).starts_with("msa-sim: "), "{args:?}");
    }
}
