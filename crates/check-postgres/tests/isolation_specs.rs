//! The project's isolation specs (`tests/sql-specs/*.spec`) against PostgreSQL 15's own `isolationtester`.
//!
//! 1. The real isolationtester runs every spec against a throwaway cluster and must print the committed `.out`
//!    byte for byte: the expected files are proven real by the test command itself, not trusted.
//! 2. The simulator's engine (`msa_sim::sql`) runs every spec through the project's tester and must print the
//!    same bytes.
//!
//! Needs PostgreSQL 15 (`apt-get install -y postgresql-15`, whose client package ships the isolationtester);
//! never skipped. `BLESS=1 cargo test -p check-postgres --test isolation_specs` rewrites the `.out` files from the
//! real isolationtester after checking that three runs agree (so a timing-dependent spec cannot be blessed).

use check_postgres::cluster::{Cluster, INSTALL_HINT};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where Debian's postgresql-client-15 package puts PostgreSQL's isolation tester.
const ISOLATIONTESTER: &str = "/usr/lib/postgresql/15/lib/pgxs/src/test/isolation/isolationtester";

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sql-specs")
}

/// Every `NAME.spec` with its expected output path, sorted by name.
fn specs() -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(specs_dir()).expect("read tests/sql-specs");
    for e in entries {
        let path = e.expect("dir entry").path();
        if path.extension().is_some_and(|x| x == "spec") {
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            let expected = path.with_extension("out");
            out.push((name, path, expected));
        }
    }
    out.sort();
    assert!(out.len() >= 12, "tests/sql-specs holds the project's specs (found {})", out.len());
    out
}

/// Runs the real isolationtester on one spec: (stdout, stderr).
fn run_real(cluster: &Cluster, spec: &Path) -> (String, String) {
    let conninfo = format!("host=127.0.0.1 port={} dbname=postgres user=postgres", cluster.port);
    let input = std::fs::File::open(spec).expect("open spec");
    let out =
        Command::new(ISOLATIONTESTER).arg(conninfo).stdin(Stdio::from(input)).output().expect("run isolationtester");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "isolationtester failed on {} ({}): {stderr}\n{stdout}", spec.display(), out.status);
    (stdout, stderr)
}

/// The first line where two outputs differ, for a failure message that points at the difference.
fn first_difference(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.split('\n').collect(), got.split('\n').collect());
    for i in 0..e.len().max(g.len()) {
        let (a, b) = (e.get(i), g.get(i));
        if a != b {
            return format!(
                "line {}: expected {:?}, got {:?}",
                i + 1,
                a.copied().unwrap_or("<end>"),
                b.copied().unwrap_or("<end>")
            );
        }
    }
    "no line differs (the outputs differ only in a final newline)".to_string()
}

#[test]
fn real_isolationtester_prints_the_committed_outputs() {
    assert!(
        Path::new(ISOLATIONTESTER).exists(),
        "PostgreSQL 15's isolationtester is missing ({ISOLATIONTESTER}): run `{INSTALL_HINT}` (as root)"
    );
    let bless = std::env::var_os("BLESS").is_some();
    let t0 = std::time::Instant::now();
    let cluster = Cluster::start();
    let mut failures = Vec::new();
    let specs = specs();
    for (name, spec, expected_path) in &specs {
        let (got, stderr) = run_real(&cluster, spec);
        // A warning such as "unused step name" means the spec does not say what its comment claims.
        assert!(stderr.is_empty(), "{name}: isolationtester warned: {stderr}");
        if bless {
            for _ in 0..2 {
                let (again, _) = run_real(&cluster, spec);
                assert_eq!(got, again, "{name}: two runs printed different outputs: the spec depends on timing");
            }
            std::fs::write(expected_path, &got).expect("write .out");
            eprintln!("blessed {}", expected_path.display());
            continue;
        }
        let expected = std::fs::read_to_string(expected_path)
            .unwrap_or_else(|e| panic!("{name}: read {}: {e}", expected_path.display()));
        if expected != got {
            failures.push(format!("{name}: {}", first_difference(&expected, &got)));
        }
    }
    eprintln!(
        "real isolationtester: {} of {} specs print their committed .out ({:.1} s)",
        specs.len() - failures.len(),
        specs.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "outputs differ from PostgreSQL 15's:\n{}", failures.join("\n"));
}

/// Specs the engine refuses on purpose (SERIALIZABLE is not modelled): it must say so with the place in the spec,
/// and print nothing, rather than run them as something else.
const REFUSED_BY_ENGINE: &[&str] = &["write-skew-serializable"];

#[test]
fn the_engine_prints_the_same_bytes_as_postgres() {
    let specs = specs();
    let mut failures = Vec::new();
    for (name, spec_path, expected_path) in &specs {
        let src = std::fs::read_to_string(spec_path).expect("read spec");
        let spec = msa_sim::sql::spec::parse_spec(&src).unwrap_or_else(|e| panic!("{name}: {e}"));
        let run = msa_sim::sql::tester::run_spec(&spec);
        if REFUSED_BY_ENGINE.contains(&name.as_str()) {
            let e = run.error.unwrap_or_else(|| panic!("{name}: the engine is expected to refuse SERIALIZABLE"));
            assert!(e.pos.is_some() && e.is_input_error() && run.stdout.is_empty(), "{name}: {e}");
            continue;
        }
        let expected = std::fs::read_to_string(expected_path).expect("read .out");
        match &run.error {
            Some(e) => failures.push(format!("{name}: stopped: {e}")),
            None if run.stdout != expected => {
                failures.push(format!("{name}: {}", first_difference(&expected, &run.stdout)))
            }
            None => {}
        }
    }
    let compared = specs.len() - REFUSED_BY_ENGINE.len();
    eprintln!("engine: {} of {compared} specs print PostgreSQL's bytes", compared - failures.len());
    assert!(failures.is_empty(), "the engine differs from PostgreSQL 15:\n{}", failures.join("\n"));
}

/// Runs the real isolationtester on a generated spec (PGISOLATIONTIMEOUT bounds it if the engine ever believes a
/// wait ends that does not) until its output equals the engine's, at most three times: some interleavings are
/// timing-dependent on a loaded server (a woken waiter that must take the tuple lock again can be seen waiting
/// for a moment). Returns the first output and how many runs it took (None: no run agreed).
fn real_agrees(cluster: &Cluster, path: &Path, engine: &str) -> (String, Option<usize>) {
    let conninfo = format!("host=127.0.0.1 port={} dbname=postgres user=postgres", cluster.port);
    let mut first = None;
    for tries in 1..=3 {
        let out = Command::new(ISOLATIONTESTER)
            .arg(&conninfo)
            .env("PGISOLATIONTIMEOUT", "10")
            .stdin(Stdio::from(std::fs::File::open(path).expect("open")))
            .output()
            .expect("run isolationtester");
        let real = String::from_utf8_lossy(&out.stdout).into_owned();
        if real == engine {
            return (first.unwrap_or(real), Some(tries));
        }
        first.get_or_insert(real);
    }
    (first.unwrap_or_default(), None)
}

/// A small deterministic generator (SplitMix64), so the corpus is the same on every run and every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Statements a generated transaction draws from: every row-lock mode, NOWAIT and SKIP LOCKED, EvalPlanQual
/// re-checks, unique conflicts, deletes, table locks, aggregates.
const POOL: &[&str] = &[
    "SELECT id, v FROM t ORDER BY id;",
    "SELECT v FROM t WHERE id = 1 FOR UPDATE;",
    "SELECT v FROM t WHERE id = 1 FOR SHARE;",
    "SELECT v FROM t WHERE id = 1 FOR KEY SHARE;",
    "SELECT v FROM t WHERE id = 1 FOR NO KEY UPDATE;",
    "SELECT v FROM t WHERE id = 1 FOR UPDATE NOWAIT;",
    "SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;",
    "UPDATE t SET v = v + 1 WHERE id = 1;",
    "UPDATE t SET v = v + 1 WHERE id = 2;",
    "UPDATE t SET v = v + 10 WHERE id = 1 AND v = 0 RETURNING v;",
    "DELETE FROM t WHERE id = 1;",
    "INSERT INTO t VALUES (3, 0);",
    "SELECT count(*), sum(v) FROM t;",
    "LOCK TABLE t IN SHARE MODE;",
];

/// One generated spec: two sessions, each BEGIN, one to three statements, COMMIT or ROLLBACK; s2 then reads the
/// table. s2 has the short deadlock_timeout, so the victim of any deadlock is certain on the server too.
fn generated_spec(seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut src = String::from(
        "setup { CREATE TABLE t (id integer PRIMARY KEY, v integer NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0); }\n\
         teardown { DROP TABLE t; }\n",
    );
    for (s, timeout) in [(1, "100s"), (2, "1s")] {
        src.push_str(&format!("session s{s}\nsetup {{ SET deadlock_timeout = '{timeout}'; }}\n"));
        let begin = rng.pick(&["BEGIN;", "BEGIN;", "BEGIN ISOLATION LEVEL REPEATABLE READ;"]);
        src.push_str(&format!("step s{s}b {{ {begin} }}\n"));
        let n = 1 + rng.next() % 3;
        for k in 0..n {
            src.push_str(&format!("step s{s}q{k} {{ {} }}\n", rng.pick(POOL)));
        }
        let end = rng.pick(&["COMMIT;", "COMMIT;", "ROLLBACK;"]);
        src.push_str(&format!("step s{s}e {{ {end} }}\n"));
    }
    src.push_str("step s2v { SELECT id, v FROM t ORDER BY id; }\n");
    src
}

/// Differential test: generated specs (a fixed seed corpus), each with up to five interleavings the engine can
/// run without blocking forever and within one second of lock timers, run by PostgreSQL 15's isolationtester and
/// by the engine's tester: the outputs must be equal byte for byte. PGISOLATIONTIMEOUT bounds the real tester if
/// the engine ever believes a wait ends that does not.
#[test]
fn generated_specs_print_the_same_bytes_on_postgres_and_on_the_engine() {
    const SEEDS: u64 = 80;
    const PER_SPEC: usize = 5;
    let t0 = std::time::Instant::now();
    let cluster = Cluster::start();
    let dir = cluster.dir.join("generated");
    std::fs::create_dir_all(&dir).expect("dir for generated specs");
    let (mut compared, mut failures) = (0usize, Vec::new());
    let (mut waits, mut retried) = (0usize, 0usize);
    let mut errors = std::collections::BTreeMap::<String, usize>::new();
    for seed in 1..=SEEDS {
        let base = generated_spec(seed);
        let spec = msa_sim::sql::spec::parse_spec(&base).expect("generated specs parse");
        let all = spec.all_permutations(100_000).expect("small");
        let runnable: Vec<Vec<(usize, usize)>> = all
            .into_iter()
            .filter(|p| msa_sim::sql::tester::run_one(&spec, p).is_ok_and(|(_, engine)| engine.now_ms() <= 1_000))
            .collect();
        let stride = runnable.len().div_ceil(PER_SPEC).max(1);
        let chosen: Vec<&Vec<(usize, usize)>> = runnable.iter().step_by(stride).collect();
        let mut text = base.clone();
        for p in &chosen {
            let names: Vec<&str> = p.iter().map(|r| spec.step(*r).name.as_str()).collect();
            text.push_str(&format!("permutation {}\n", names.join(" ")));
        }
        let path = dir.join(format!("gen-{seed}.spec"));
        std::fs::write(&path, &text).expect("write generated spec");
        let parsed = msa_sim::sql::spec::parse_spec(&text).expect("parses");
        let run = msa_sim::sql::tester::run_spec(&parsed);
        let (real, tries) = real_agrees(&cluster, &path, &run.stdout);
        retried += usize::from(tries.is_some_and(|t| t > 1));
        waits += real.matches("<waiting ...>").count();
        for line in real.lines().filter(|l| l.starts_with("ERROR:  ")) {
            *errors.entry(line[8..].split(" \"").next().unwrap_or("").to_string()).or_default() += 1;
        }
        compared += chosen.len();
        if let Some(e) = run.error {
            failures.push(format!("seed {seed}: the engine stopped: {e}\n{text}"));
        } else if tries.is_none() {
            failures.push(format!("seed {seed}: {}\n{text}", first_difference(&real, &run.stdout)));
        }
    }
    eprintln!(
        "generated specs: {} of {SEEDS} specs ({compared} permutations) print the same bytes on PostgreSQL 15 and the \
         engine ({:.1} s; {retried} needed a second run of the real tester); {waits} waits, errors: {errors:?}",
        SEEDS as usize - failures.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Three sessions: s3 has the short deadlock_timeout, so cycles of three resolve on s3 on both sides.
fn generated_spec3(seed: u64) -> String {
    let mut rng = Rng(seed ^ 0x5EED_0003);
    let mut src = String::from(
        "setup { CREATE TABLE t (id integer PRIMARY KEY, v integer NOT NULL); \
         INSERT INTO t VALUES (1, 0), (2, 0), (3, 0); }\nteardown { DROP TABLE t; }\n",
    );
    const POOL3: &[&str] = &[
        "UPDATE t SET v = v + 1 WHERE id = 1;",
        "UPDATE t SET v = v + 1 WHERE id = 2;",
        "UPDATE t SET v = v + 1 WHERE id = 3;",
        "SELECT v FROM t WHERE id = 2 FOR SHARE;",
        "SELECT v FROM t WHERE id = 3 FOR KEY SHARE;",
        "SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;",
        "DELETE FROM t WHERE id = 3;",
        "UPDATE t SET v = v + 10 WHERE id = 2 AND v = 0 RETURNING v;",
    ];
    for (s, timeout) in [(1, "100s"), (2, "100s"), (3, "1s")] {
        src.push_str(&format!("session s{s}\nsetup {{ SET deadlock_timeout = '{timeout}'; }}\n"));
        src.push_str(&format!("step s{s}b {{ BEGIN; }}\n"));
        let n = 1 + rng.next() % 2;
        for k in 0..n {
            src.push_str(&format!("step s{s}q{k} {{ {} }}\n", rng.pick(POOL3)));
        }
        src.push_str(&format!("step s{s}e {{ {} }}\n", rng.pick(&["COMMIT;", "COMMIT;", "ROLLBACK;"])));
    }
    src.push_str("step s3v { SELECT id, v FROM t ORDER BY id; }\n");
    src
}

/// Random interleavings of the sessions' steps (each session's steps in order), as step references. When
/// `contended`, every session sends its BEGIN and queries before any session ends its transaction, so locks
/// overlap and waits (and cycles of waits) are common.
fn random_interleaving(rng: &mut Rng, spec: &msa_sim::sql::spec::Spec, contended: bool) -> Vec<(usize, usize)> {
    let mut next = vec![0usize; spec.sessions.len()];
    let mut out = Vec::new();
    // The index of each session's COMMIT / ROLLBACK step (the step named `s{n}e`).
    let ends: Vec<usize> = spec
        .sessions
        .iter()
        .map(|s| s.steps.iter().position(|st| st.name.ends_with('e')).unwrap_or(s.steps.len()))
        .collect();
    loop {
        let all_sent = (0..next.len()).all(|s| next[s] >= ends[s]);
        let open: Vec<usize> = (0..next.len())
            .filter(|&s| next[s] < spec.sessions[s].steps.len() && (!contended || all_sent || next[s] < ends[s]))
            .collect();
        if open.is_empty() {
            return out;
        }
        let s = open[(rng.next() % open.len() as u64) as usize];
        out.push((s, next[s]));
        next[s] += 1;
    }
}

/// The same differential test with three sessions (cycles of three, queues of two waiters): permutations are
/// drawn at random, kept when the engine runs them within one second of lock timers.
#[test]
fn generated_three_session_specs_print_the_same_bytes_on_postgres_and_on_the_engine() {
    const SEEDS: u64 = 60;
    const PER_SPEC: usize = 4;
    let t0 = std::time::Instant::now();
    let cluster = Cluster::start();
    let dir = cluster.dir.join("generated3");
    std::fs::create_dir_all(&dir).expect("dir for generated specs");
    let (mut compared, mut waits, mut deadlocks, mut failures) = (0usize, 0usize, 0usize, Vec::new());
    let mut retried = 0usize;
    for seed in 1..=SEEDS {
        let base = generated_spec3(seed);
        let spec = msa_sim::sql::spec::parse_spec(&base).expect("generated specs parse");
        let mut rng = Rng(seed);
        let mut chosen: Vec<Vec<(usize, usize)>> = Vec::new();
        for _ in 0..200 {
            if chosen.len() == PER_SPEC {
                break;
            }
            let contended = !rng.next().is_multiple_of(4);
            let p = random_interleaving(&mut rng, &spec, contended);
            let ok = msa_sim::sql::tester::run_one(&spec, &p).is_ok_and(|(_, e)| e.now_ms() <= 1_000);
            if ok && !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        let mut text = base.clone();
        for p in &chosen {
            let names: Vec<&str> = p.iter().map(|r| spec.step(*r).name.as_str()).collect();
            text.push_str(&format!("permutation {}\n", names.join(" ")));
        }
        let path = dir.join(format!("gen3-{seed}.spec"));
        std::fs::write(&path, &text).expect("write generated spec");
        let run = msa_sim::sql::tester::run_spec(&msa_sim::sql::spec::parse_spec(&text).expect("parses"));
        let (real, tries) = real_agrees(&cluster, &path, &run.stdout);
        retried += usize::from(tries.is_some_and(|t| t > 1));
        waits += real.matches("<waiting ...>").count();
        deadlocks += real.matches("ERROR:  deadlock detected").count();
        compared += chosen.len();
        if let Some(e) = run.error {
            failures.push(format!("seed {seed}: the engine stopped: {e}\n{text}"));
        } else if tries.is_none() {
            failures.push(format!("seed {seed}: {}\n{text}", first_difference(&real, &run.stdout)));
        }
    }
    eprintln!(
        "generated three-session specs: {} of {SEEDS} specs ({compared} permutations, {waits} waits, {deadlocks} \
         deadlocks) print the same bytes on PostgreSQL 15 and the engine ({:.1} s; {retried} needed a second run of \
         the real tester)",
        SEEDS as usize - failures.len(),
        t0.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A step the tester blocks on that nothing will release: isolationtester cancels it after PGISOLATIONTIMEOUT
/// seconds (1 here), and the engine's tester prints the same lines.
#[test]
fn a_step_canceled_after_the_step_timeout_prints_as_on_postgres() {
    let text = "setup { CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0); }\n\
        teardown { DROP TABLE t; }\n\
        session s1 step b { BEGIN; } step u { UPDATE t SET v = 1 WHERE id = 1; } step c { COMMIT; }\n\
        session s2 step b2 { BEGIN; } step l2 { SELECT v FROM t WHERE id = 2 FOR UPDATE; } \
        step u2 { UPDATE t SET v = 2 WHERE id = 1; } step r2 { SELECT id, v FROM t ORDER BY id; } \
        step c2 { COMMIT; }\n\
        permutation b u b2 l2 u2 r2 c c2\n";
    let cluster = Cluster::start();
    let path = cluster.dir.join("cancel.spec");
    std::fs::write(&path, text).expect("write spec");
    let out = Command::new(ISOLATIONTESTER)
        .arg(format!("host=127.0.0.1 port={} dbname=postgres user=postgres", cluster.port))
        .env("PGISOLATIONTIMEOUT", "1")
        .stdin(Stdio::from(std::fs::File::open(&path).expect("open")))
        .output()
        .expect("run isolationtester");
    let real = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(real.contains("isolationtester: canceling step u2 after 1 seconds\n"), "{real}");
    let spec = msa_sim::sql::spec::parse_spec(text).expect("parses");
    let opts = msa_sim::sql::tester::TesterOptions { step_timeout_secs: Some(1) };
    let run = msa_sim::sql::tester::run_spec_with(&spec, opts);
    assert_eq!(run.error, None);
    assert_eq!(run.stdout, real, "{}", first_difference(&real, &run.stdout));
}
