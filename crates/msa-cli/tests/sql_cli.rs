//! `msa-sim sql` as a user runs it: a spec prints exactly what PostgreSQL 15's isolationtester printed for it
//! (the committed `.out`, proven against a real server by `cargo test -p check-postgres --test isolation_specs`),
//! `--explore` adds the outcomes, and bad specs or SQL outside the subset exit 2 with `FILE:LINE:COL: message`.
//! Run: `cargo test -p msa-cli --test sql_cli`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn msa_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msa-sim")).args(args).output().expect("run msa-sim")
}

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sql-specs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A spec file in a fresh temporary directory.
fn temp_spec(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("msa-sql-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.spec"));
    std::fs::write(&path, text).expect("write spec");
    path
}

#[test]
fn a_spec_prints_what_postgres_printed_byte_for_byte() {
    for name in ["lost-update", "deadlock-three", "tester-output"] {
        let spec = specs_dir().join(format!("{name}.spec"));
        let o = msa_sim(&["sql", "--spec", spec.to_str().expect("utf-8 path")]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let expected = std::fs::read_to_string(specs_dir().join(format!("{name}.out"))).expect(".out");
        assert_eq!(stdout(&o), expected, "{name}");
        assert_eq!(stderr(&o), "", "{name}: nothing on stderr");
    }
}

#[test]
fn explore_adds_every_interleaving_grouped_by_outcome() {
    let spec = temp_spec(
        "explore",
        "setup { CREATE TABLE c (id int PRIMARY KEY, v int NOT NULL); INSERT INTO c VALUES (1, 0); }\n\
         teardown { DROP TABLE c; }\n\
         session s1\nstep b1 { BEGIN ISOLATION LEVEL REPEATABLE READ; }\nstep r1 { SELECT v FROM c; }\n\
         step u1 { UPDATE c SET v = v + 1 WHERE id = 1; }\nstep c1 { COMMIT; }\n\
         session s2\nstep u2 { UPDATE c SET v = v + 10 WHERE id = 1; }\n\
         permutation b1 r1 u2 u1 c1\n",
    );
    let path = spec.to_str().expect("utf-8 path");
    let plain = stdout(&msa_sim(&["sql", "--spec", path]));
    let o = msa_sim(&["sql", "--spec", path, "--explore"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with(&plain), "the tester's output comes first, unchanged");
    assert!(plain.contains("step u1: UPDATE c SET v = v + 1 WHERE id = 1;\nERROR:  could not serialize access"));
    let summary = &out[plain.len()..];
    assert!(summary.contains("exploration: 5 schedules"), "{summary}");
    assert!(summary.contains("2 outcomes"), "{summary}");
    assert!(
        summary.contains(
            "first: b1 r1 u2 u1 c1\n  error in step u1: could not serialize access due to concurrent update (40001)"
        ),
        "{summary}"
    );
    assert!(summary.contains("     1|11\n"), "the other outcome: both increments applied\n{summary}");
    let o = msa_sim(&["sql", "--spec", path, "--explore", "--json", "--max-schedules", "2"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout[plain.len()..]).expect("JSON after the tester output");
    assert_eq!(v["schedules"], 2);
    assert_eq!(v["truncated"], true);
}

#[test]
fn bad_specs_and_unsupported_sql_exit_2_with_file_line_and_column() {
    let bad = temp_spec("bad", "session s1\nstep a { SELECT 1; }\n-- a comment PostgreSQL 15 rejects\n");
    let path = bad.to_str().expect("utf-8 path");
    let o = msa_sim(&["sql", "--spec", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with(&format!("{path}:3:1: ")), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "nothing runs");

    let unsupported = temp_spec(
        "unsupported",
        "setup { CREATE TABLE t (id int PRIMARY KEY); }\nsession s1\nstep a {\n  SELECT 1;\n  VACUUM t;\n}\n",
    );
    let path = unsupported.to_str().expect("utf-8 path");
    let o = msa_sim(&["sql", "--spec", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with(&format!("{path}:5:3: ")), "{}", stderr(&o));

    let serializable = specs_dir().join("write-skew-serializable.spec");
    let path = serializable.to_str().expect("utf-8 path");
    let o = msa_sim(&["sql", "--spec", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("{path}:21:35: ")) && stderr(&o).contains("SERIALIZABLE"),
        "{}",
        stderr(&o)
    );

    let o = msa_sim(&["sql", "--spec", "/nonexistent/x.spec"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/x.spec: cannot read"), "{}", stderr(&o));
    for args in [&["sql"][..], &["sql", "--spec"], &["sql", "--bogus"], &["sql", "--spec", path, "--json"]] {
        let o = msa_sim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("usage:"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_wait_nothing_ends_is_canceled_and_a_failed_session_setup_exits_1() {
    // s2 waits for s1's row lock and its next step is its own: isolationtester cancels it after
    // PGISOLATIONTIMEOUT seconds.
    let stuck = temp_spec(
        "stuck",
        "setup { CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0); }\n\
         session s1 step u { BEGIN; UPDATE t SET v = 1 WHERE id = 1; } step c { COMMIT; }\n\
         session s2 step u2 { UPDATE t SET v = 2 WHERE id = 1; } step r2 { SELECT v FROM t; }\n\
         permutation u u2 r2 c\n",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_msa-sim"))
        .args(["sql", "--spec", stuck.to_str().expect("utf-8 path")])
        .env("PGISOLATIONTIMEOUT", "10")
        .output()
        .expect("run msa-sim");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("<waiting ...>\nisolationtester: canceling step u2 after 10 seconds\nstep u2: <... completed>\n"),
        "{}",
        stdout(&o)
    );
    let failing = temp_spec(
        "setupfail",
        "setup { CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1); }\n\
         session s1 setup { INSERT INTO t VALUES (1); } step a { SELECT id FROM t; }\n",
    );
    let o = msa_sim(&["sql", "--spec", failing.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("Parsed test spec with 1 sessions\n\nstarting permutation: a\n"), "{}", stdout(&o));
    assert!(stderr(&o).contains("setup of session s1 failed: duplicate key value"), "{}", stderr(&o));
}
