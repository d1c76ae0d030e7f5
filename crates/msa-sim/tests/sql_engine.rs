//! The SQL engine against what PostgreSQL 15.18 does. Every expectation here was first observed on the real
//! server (isolationtester with a spec of the same steps, or two psql sessions); the comment above each test says
//! what PostgreSQL printed.

use msa_sim::sql::{Engine, Reply};

const COUNTERS: &str = "CREATE TABLE c (id int PRIMARY KEY, v int NOT NULL); INSERT INTO c VALUES (1, 0), (2, 0);";

fn eng(setup: &str, n: usize) -> Engine {
    Engine::new(setup, n).unwrap_or_else(|e| panic!("setup: {e}"))
}

/// Sends a query that must complete at once; returns its replies.
fn run(e: &mut Engine, s: usize, sql: &str) -> Vec<Reply> {
    e.send(s, sql).unwrap_or_else(|err| panic!("send {sql}: {err}"));
    assert!(!e.waiting(s), "session {s} waits on: {sql}");
    e.take_replies(s).expect("finished")
}

/// Sends a query that must wait for a lock.
fn start(e: &mut Engine, s: usize, sql: &str) {
    e.send(s, sql).unwrap_or_else(|err| panic!("send {sql}: {err}"));
    assert!(e.waiting(s), "session {s} should wait on: {sql}");
    assert_eq!(e.take_replies(s), None);
}

/// The replies of a query that was waiting and has completed.
fn done(e: &mut Engine, s: usize) -> Vec<Reply> {
    assert!(!e.waiting(s), "session {s} still waits");
    e.take_replies(s).expect("finished")
}

fn tag(t: &str) -> Vec<Reply> {
    vec![Reply::Command { tag: t.into() }]
}

fn error(sqlstate: &'static str, message: &str) -> Vec<Reply> {
    vec![Reply::Error { sqlstate, message: message.into() }]
}

fn rows(columns: &[&str], rows: &[&[&str]]) -> Vec<Reply> {
    vec![Reply::Rows {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|v| if *v == "NULL" { None } else { Some(v.to_string()) }).collect())
            .collect(),
    }]
}

fn all(e: &mut Engine, s: usize, sql: &str) -> Vec<Reply> {
    run(e, s, sql)
}

// PostgreSQL: b1 r1 b2 r2 w1 w2(waits) c1 -> w2 completes "UPDATE 1"; both wrote 1: the update is lost. The heap
// returns row 2 first: row 1's newest version went to the end.
#[test]
fn lost_update_read_modify_write() {
    let mut e = eng(COUNTERS, 2);
    assert_eq!(run(&mut e, 0, "BEGIN"), tag("BEGIN"));
    assert_eq!(run(&mut e, 0, "SELECT v FROM c WHERE id = 1"), rows(&["v"], &[&["0"]]));
    assert_eq!(run(&mut e, 1, "BEGIN"), tag("BEGIN"));
    assert_eq!(run(&mut e, 1, "SELECT v FROM c WHERE id = 1"), rows(&["v"], &[&["0"]]));
    assert_eq!(run(&mut e, 0, "UPDATE c SET v = 1 WHERE id = 1"), tag("UPDATE 1"));
    start(&mut e, 1, "UPDATE c SET v = 1 WHERE id = 1");
    assert_eq!(run(&mut e, 0, "COMMIT"), tag("COMMIT"));
    assert_eq!(done(&mut e, 1), tag("UPDATE 1"));
    assert_eq!(run(&mut e, 1, "COMMIT"), tag("COMMIT"));
    assert_eq!(all(&mut e, 1, "SELECT * FROM c"), rows(&["id", "v"], &[&["2", "0"], &["1", "1"]]));
}

// PostgreSQL: the waiting `v = v + 1` re-reads the committed version (EvalPlanQual): v = 2.
#[test]
fn atomic_increment_rereads_after_wait() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 0, "BEGIN");
    run(&mut e, 1, "BEGIN");
    assert_eq!(run(&mut e, 0, "UPDATE c SET v = v + 1 WHERE id = 1"), tag("UPDATE 1"));
    start(&mut e, 1, "UPDATE c SET v = v + 1 WHERE id = 1");
    run(&mut e, 0, "COMMIT");
    assert_eq!(done(&mut e, 1), tag("UPDATE 1"));
    run(&mut e, 1, "COMMIT");
    assert_eq!(all(&mut e, 1, "SELECT * FROM c"), rows(&["id", "v"], &[&["2", "0"], &["1", "2"]]));
}

// PostgreSQL: b1 m1 q2(waits) c1: q2's re-check finds row 1 no longer has v = 0 and skips it; row 2 is updated.
#[test]
fn epq_recheck_skips_a_row_that_no_longer_matches() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 0, "BEGIN");
    run(&mut e, 0, "UPDATE c SET v = 10 WHERE id = 1");
    start(&mut e, 1, "UPDATE c SET v = v + 100 WHERE v = 0");
    run(&mut e, 0, "COMMIT");
    assert_eq!(done(&mut e, 1), tag("UPDATE 1"));
    assert_eq!(all(&mut e, 1, "SELECT * FROM c"), rows(&["id", "v"], &[&["1", "10"], &["2", "100"]]));
}

// PostgreSQL: b1 d1 q2(waits) c1: the deleted row is skipped.
#[test]
fn epq_skips_a_deleted_row() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 0, "BEGIN");
    assert_eq!(run(&mut e, 0, "DELETE FROM c WHERE id = 1"), tag("DELETE 1"));
    start(&mut e, 1, "UPDATE c SET v = v + 100 WHERE v = 0");
    run(&mut e, 0, "COMMIT");
    assert_eq!(done(&mut e, 1), tag("UPDATE 1"));
    assert_eq!(all(&mut e, 1, "SELECT * FROM c"), rows(&["id", "v"], &[&["2", "100"]]));
}

// PostgreSQL: b1 d1 f2(waits) rb1: after the rollback the FOR UPDATE gets the row as it was.
#[test]
fn for_update_waits_for_a_delete_that_rolls_back() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 0, "BEGIN");
    run(&mut e, 0, "DELETE FROM c WHERE id = 1");
    start(&mut e, 1, "SELECT * FROM c WHERE id = 1 FOR UPDATE");
    assert_eq!(run(&mut e, 0, "ROLLBACK"), tag("ROLLBACK"));
    assert_eq!(done(&mut e, 1), rows(&["id", "v"], &[&["1", "0"]]));
    assert_eq!(all(&mut e, 1, "SELECT * FROM c"), rows(&["id", "v"], &[&["1", "0"], &["2", "0"]]));
}

// PostgreSQL: b1 a1 b2 f2(waits) c1: FOR UPDATE returns the newest version, v = 1.
#[test]
fn for_update_blocks_then_returns_the_newest_version() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 0, "BEGIN");
    run(&mut e, 0, "UPDATE c SET v = v + 1 WHERE id = 1");
    run(&mut e, 1, "BEGIN");
    start(&mut e, 1, "SELECT * FROM c WHERE id = 1 FOR UPDATE");
    run(&mut e, 0, "COMMIT");
    assert_eq!(done(&mut e, 1), rows(&["id", "v"], &[&["1", "1"]]));
    assert_eq!(run(&mut e, 1, "COMMIT"), tag("COMMIT"));
}

// PostgreSQL: rr2 r2 b1 a1 a2(waits) c1: "could not serialize access due to concurrent update"; COMMIT of the
// failed transaction reports ROLLBACK in psql (isolationtester prints no tag).
#[test]
fn repeatable_read_update_after_concurrent_update_is_40001() {
    let mut e = eng(COUNTERS, 2);
    assert_eq!(run(&mut e, 1, "BEGIN ISOLATION LEVEL REPEATABLE READ"), tag("BEGIN"));
    run(&mut e, 1, "SELECT v FROM c WHERE id = 1");
    run(&mut e, 0, "BEGIN");
    run(&mut e, 0, "UPDATE c SET v = v + 1 WHERE id = 1");
    start(&mut e, 1, "UPDATE c SET v = v + 1 WHERE id = 1");
    run(&mut e, 0, "COMMIT");
    assert_eq!(done(&mut e, 1), error("40001", "could not serialize access due to concurrent update"));
    assert_eq!(run(&mut e, 1, "COMMIT"), tag("ROLLBACK"));
    assert_eq!(all(&mut e, 1, "SELECT * FROM c"), rows(&["id", "v"], &[&["2", "0"], &["1", "1"]]));
}

// PostgreSQL: the same with a concurrent DELETE says "concurrent delete".
#[test]
fn repeatable_read_update_after_concurrent_delete_is_40001() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 1, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    run(&mut e, 1, "SELECT v FROM c WHERE id = 1");
    run(&mut e, 0, "BEGIN");
    run(&mut e, 0, "DELETE FROM c WHERE id = 1");
    start(&mut e, 1, "UPDATE c SET v = v + 1 WHERE id = 1");
    run(&mut e, 0, "COMMIT");
    assert_eq!(done(&mut e, 1), error("40001", "could not serialize access due to concurrent delete"));
}

// PostgreSQL: rr2 r2 b1 a1 c1 f2: no wait (the updater has committed), FOR UPDATE fails at once with 40001.
#[test]
fn repeatable_read_for_update_of_a_row_updated_since_the_snapshot_is_40001() {
    let mut e = eng(COUNTERS, 2);
    run(&mut e, 1, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    run(&mut e, 1, "SELECT v FROM c WHERE id = 1");
    run(&mut e, 0, "BEGIN");
    run(&mut e, 0, "UPDATE c SET v = v + 1 WHERE id = 1");
    run(&mut e, 0, "COMMIT");
    assert_eq!(
        run(&mut e, 1, "SELECT * FROM c WHERE id = 1 FOR UPDATE"),
        error("40001", "could not serialize access due to concurrent update")
    );
}
