//! Scenarios written for the engine (tests/sql_engine_cases/*.spec) whose .out files are what PostgreSQL 15.18's
//! own isolationtester printed for them (run against a throwaway cluster: `isolationtester "host=127.0.0.1
//! port=... dbname=postgres" < FILE.spec > FILE.out`). The engine, driven by sql::tester, must print the same bytes.
//! They pin the heavyweight tuple-lock queue (README.tuplock), FOR SHARE upgrades that deadlock, FOR KEY SHARE
//! next to no-key updates (no wait, no 40001 under REPEATABLE READ) and key updates (40001), row locks released
//! by ROLLBACK TO and kept by RELEASE, and unique checks that only see index entries already inserted.

use msa_sim::sql::spec::parse_spec;
use msa_sim::sql::tester::run_spec;

fn check(name: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sql_engine_cases/");
    let spec_src = std::fs::read_to_string(format!("{dir}{name}.spec")).expect("spec file");
    let want = std::fs::read_to_string(format!("{dir}{name}.out")).expect("out file");
    let spec = parse_spec(&spec_src).unwrap_or_else(|e| panic!("{name}: {}", e.message_en()));
    let run = run_spec(&spec);
    assert!(run.error.is_none(), "{name}: {:?}", run.error);
    if run.stdout != want {
        let (mut a, mut b) = (run.stdout.lines(), want.lines());
        let mut n = 1;
        loop {
            match (a.next(), b.next()) {
                (None, None) => break,
                (x, y) if x == y => n += 1,
                (x, y) => panic!("{name}.out line {n}: engine {x:?}, PostgreSQL {y:?}"),
            }
        }
        panic!("{name}: outputs differ in line endings");
    }
}

#[test]
fn row_lock_queues() {
    check("row-lock-queues");
}

#[test]
fn key_share_savepoints_unique() {
    check("key-share-savepoints-unique");
}

#[test]
fn epq_keeps_lock_and_table_locks() {
    check("epq-keeps-lock-and-table-locks");
}

// s2 waits for s1's ACCESS SHARE, s3 queues behind s2 (a soft edge), s1 waits for s3's row: PostgreSQL's deadlock
// check lets s3 go ahead of s2 instead of raising 40P01.
#[test]
fn soft_deadlock_reordered() {
    check("soft-deadlock-reordered");
}
