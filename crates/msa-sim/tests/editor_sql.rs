use msa_sim::sql::examples::EXAMPLES;
use msa_sim::sql::url::*;
use proptest::prelude::*;

fn text(max: usize) -> impl Strategy<Value = String> {
    // SQL-ish characters, every escaped punctuation, and some beyond ASCII.
    let ch = prop_oneof![
        8 => prop::sample::select("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ ;\n".chars().collect::<Vec<_>>()),
        3 => prop::sample::select(PUNCT.iter().map(|p| p.0).collect::<Vec<_>>()),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..max).prop_map(|v| v.into_iter().collect())
}

fn state() -> impl Strategy<Value = EditorState> {
    (1..=MAX_SESSIONS).prop_flat_map(|n| {
        (
            text(200),
            prop::collection::vec(text(120), n),
            prop::collection::vec(
                prop_oneof![(0..n as u8).prop_map(|index| Step::Session { index }), Just(Step::Time)],
                0..MAX_STEPS,
            ),
        )
            .prop_map(|(setup, sessions, steps)| EditorState { setup, sessions, steps })
    })
}

/// Characters `URLSearchParams` carries as they are (a space becomes `+` and comes back).
fn url_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '*' | '-' | '.' | '_' | ' ')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn round_trip(s in state()) {
        let e = s.encode();
        prop_assert!(e.chars().all(url_safe), "{e:?}");
        prop_assert_eq!(EditorState::decode(&e), Ok(s.clone()));
    }

    #[test]
    fn no_input_panics(v in ".{0,300}") {
        if let Ok(s) = EditorState::decode(&v) {
            prop_assert!(s.check_limits().is_ok());
            prop_assert_eq!(EditorState::decode(&s.encode()), Ok(s));
        }
    }

    #[test]
    fn no_mutated_link_panics(s in state(), at in any::<prop::sample::Index>(), c in any::<char>()) {
        let mut e: Vec<char> = s.encode().chars().collect();
        let i = at.index(e.len());
        e[i] = c;
        let v: String = e.into_iter().collect();
        if let Ok(d) = EditorState::decode(&v) {
            prop_assert_eq!(EditorState::decode(&d.encode()), Ok(d));
        }
    }
}

#[test]
fn plain_sql_reads_in_the_link() {
    let s = EditorState {
        setup: "CREATE TABLE t (id int PRIMARY KEY, v int);".into(),
        sessions: vec!["BEGIN;\nSELECT v FROM t WHERE id = 1;".into()],
        steps: vec![Step::Session { index: 0 }, Step::Time],
    };
    assert_eq!(
        s.encode(),
        "1*_1t*_CREATE TABLE t *oid int PRIMARY KEY*c v int*p.*_BEGIN.-SELECT v FROM t WHERE id *q 1."
    );
    assert_eq!(
        EditorState { setup: "'가'".into(), sessions: vec![String::new()], steps: vec![] }.encode(),
        "1*_*_*i*AC00**i*_"
    );
}

#[test]
fn examples_open_by_name_and_round_trip() {
    for ex in EXAMPLES {
        let s = EditorState::decode(ex.name).unwrap();
        assert_eq!(s, ex.state());
        assert!(s.check_limits().is_ok());
        assert_eq!(EditorState::decode(&s.encode()), Ok(s));
    }
}

#[test]
fn limits_are_typed_errors() {
    let long = "x".repeat(MAX_SESSION_CHARS + 1);
    let s = EditorState { setup: String::new(), sessions: vec![long], steps: vec![] };
    assert_eq!(
        EditorState::decode(&s.encode()),
        Err(UrlError::Limit(LimitError::TextTooLong {
            part: Part::Session { index: 0 },
            len: MAX_SESSION_CHARS + 1,
            max: MAX_SESSION_CHARS
        }))
    );
    let four = EditorState { setup: String::new(), sessions: vec![String::new(); 4], steps: vec![] };
    assert_eq!(EditorState::decode(&four.encode()), Err(UrlError::Limit(LimitError::Sessions { n: 4, max: 3 })));
    assert_eq!(
        EditorState::decode("1*_3*_*_a*_b"),
        Err(UrlError::Limit(LimitError::NoSuchSession { step: 0, session: 2 }))
    );
    assert_eq!(EditorState::decode("1*_4*_*_a"), Err(UrlError::BadStep { pos: 3, ch: '4' }));
    assert_eq!(
        EditorState::decode(&"1".repeat(MAX_URL_CHARS + 1)),
        Err(UrlError::TooLong { len: MAX_URL_CHARS + 1, max: MAX_URL_CHARS })
    );
    let steps = format!("1*_{}*_*_a", "1".repeat(MAX_STEPS + 1));
    assert_eq!(
        EditorState::decode(&steps),
        Err(UrlError::Limit(LimitError::TooManySteps { n: MAX_STEPS + 1, max: MAX_STEPS }))
    );
    assert_eq!(EditorState::decode("no-such-example"), Err(UrlError::UnknownVersion));
    assert_eq!(EditorState::decode("1*_*_setup"), Err(UrlError::MissingFields));
    assert_eq!(EditorState::decode("1*_1"), Err(UrlError::MissingFields));
    assert_eq!(EditorState::decode("1*_*_*z*_a"), Err(UrlError::BadEscape { pos: 5 }));
    assert_eq!(EditorState::decode("1*_*_*0041**_a"), Err(UrlError::BadEscape { pos: 5 }));
    assert_eq!(EditorState::decode("1*_*_a%b*_a"), Err(UrlError::BadChar { pos: 6, ch: '%' }));
    assert_eq!(EditorState::decode("1*_*_a*"), Err(UrlError::BadEscape { pos: 6 }));
}

fn run(state: &EditorState, steps: &str) -> Board {
    let program = state.program().unwrap_or_else(|e| panic!("{e}"));
    let steps: Vec<Step> =
        steps.chars().map(|c| if c == 't' { Step::Time } else { Step::Session { index: c as u8 - b'1' } }).collect();
    let (b, stopped) = Board::replay(program, &steps).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stopped, None, "{steps:?}");
    b
}

/// The newest committed values of table `t`, row by row.
fn live(b: &Board, t: &str) -> Vec<Vec<Option<String>>> {
    let snap = b.engine.snapshot();
    let table = snap.tables.iter().find(|x| x.name == t).expect("table");
    table.versions.iter().filter(|v| v.live).map(|v| v.values.clone()).collect()
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn every_example_parses_sets_up_and_runs_to_the_end_in_any_order() {
    for ex in EXAMPLES {
        let state = ex.state();
        let program = state.program().unwrap_or_else(|e| panic!("{}: {e}", ex.name));
        assert!(program.sessions.iter().all(|s| !s.is_empty() && s.len() <= MAX_STATEMENTS), "{}", ex.name);
        // Lowest session first, and highest first: both end with every statement answered.
        for order in [false, true] {
            let mut b = Board::new(program.clone()).unwrap_or_else(|e| panic!("{}: {e}", ex.name));
            let mut guard = 0;
            while !b.is_over() {
                let en = b.enabled();
                assert!(!en.is_empty(), "{}: stuck", ex.name);
                let step = if order { *en.iter().rev().find(|s| **s != Step::Time).unwrap_or(&en[0]) } else { en[0] };
                b.step(step).unwrap();
                guard += 1;
                assert!(guard < 100);
            }
        }
    }
}

#[test]
fn lost_update_example_loses_one_increment_when_both_read_first() {
    let ex = msa_sim::sql::examples::example("lost-update").unwrap();
    // Both BEGIN and read 0, T1 writes and commits, then T2 writes what it computed: 1, not 2.
    let b = run(&ex.state(), "11221122");
    assert_eq!(live(&b, "counter"), vec![vec![s("1"), s("1")]]);
    assert_eq!(
        b.sessions[1].replies[1],
        Some(vec![msa_sim::sql::Reply::Rows { columns: vec!["hits".into()], rows: vec![vec![s("0")]] }])
    );
    // T2's UPDATE waits for T1's row lock and, once T1 commits, writes the 1 it computed from its own read.
    let b = run(&ex.state(), "11221212");
    assert!(b.log.contains(&LogEntry::Waits { session: 1, stmt: 2 }), "{:?}", b.log);
    assert_eq!(live(&b, "counter"), vec![vec![s("1"), s("1")]]);
    // One after the other: 2.
    let b = run(&ex.state(), "11112222");
    assert_eq!(live(&b, "counter"), vec![vec![s("1"), s("1")]]);
}

#[test]
fn a_waiting_session_cannot_step_and_time_fires_a_deadlock_check() {
    let state = EditorState {
        setup: "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0); INSERT INTO t VALUES (2, 0);"
            .into(),
        sessions: vec![
            "BEGIN; UPDATE t SET v = 1 WHERE id = 1; UPDATE t SET v = 1 WHERE id = 2; COMMIT;".into(),
            "BEGIN; UPDATE t SET v = 2 WHERE id = 2; UPDATE t SET v = 2 WHERE id = 1; COMMIT;".into(),
        ],
        steps: vec![],
    };
    let mut b = run(&state, "112212");
    assert_eq!(b.sessions[0].waiting_in(), Some(2));
    assert_eq!(b.sessions[1].waiting_in(), Some(2));
    assert_eq!(b.check(Step::Session { index: 0 }), Err(StepError::Waiting { session: 0 }));
    assert_eq!(b.enabled(), vec![Step::Time]);
    b.step(Step::Time).unwrap();
    // One of them is the victim (40P01); the other gets its lock.
    let errs: Vec<_> = b
        .sessions
        .iter()
        .filter_map(|r| r.replies.get(2).cloned().flatten())
        .flatten()
        .filter_map(|r| match r {
            msa_sim::sql::Reply::Error { sqlstate, .. } => Some(sqlstate),
            _ => None,
        })
        .collect();
    assert_eq!(errs, vec!["40P01"]);
}

#[test]
fn parse_errors_carry_the_part_and_position() {
    let state = EditorState {
        setup: "CREATE TABLE t (id int PRIMARY KEY);".into(),
        sessions: vec!["BEGIN;\nSELEC id FROM t;".into()],
        steps: vec![],
    };
    match state.program() {
        Err(ProgramError::Parse { part, error }) => {
            assert_eq!(part, Part::Session { index: 0 });
            assert_eq!((error.pos.line, error.pos.col), (2, 1));
        }
        other => panic!("{other:?}"),
    }
    let many =
        EditorState { setup: String::new(), sessions: vec!["SELECT 1;".repeat(MAX_STATEMENTS + 1)], steps: vec![] };
    assert_eq!(
        many.program().err(),
        Some(ProgramError::TooManyStatements {
            part: Part::Session { index: 0 },
            n: MAX_STATEMENTS + 1,
            max: MAX_STATEMENTS
        })
    );
}

fn rows(b: &Board, session: usize, stmt: usize) -> Vec<Vec<Option<String>>> {
    match b.sessions[session].replies.get(stmt).cloned().flatten().as_deref() {
        Some([msa_sim::sql::Reply::Rows { rows, .. }]) => rows.clone(),
        other => panic!("T{} statement {stmt}: {other:?}", session + 1),
    }
}

#[test]
fn job_queue_workers_skip_held_jobs_and_a_plain_for_update_waits() {
    let ex = msa_sim::sql::examples::example("job-queue").unwrap();
    // T1 takes job 1; T2 skips it and takes job 2; T3 (no SKIP LOCKED) waits for job 1 until T1 commits.
    let b = run(&ex.state(), "112233");
    assert_eq!(rows(&b, 0, 1), vec![vec![s("1"), s("send mail")]]);
    assert_eq!(rows(&b, 1, 1), vec![vec![s("2"), s("resize image")]]);
    assert_eq!(b.sessions[2].waiting_in(), Some(1));
    let b = run(&ex.state(), "1122331");
    assert_eq!(rows(&b, 2, 1), vec![vec![s("1"), s("send mail")]]);
    // One worker commits before the other asks: nothing marks the job taken, so the same job goes out twice.
    let b = run(&ex.state(), "11122");
    assert_eq!(rows(&b, 1, 1), vec![vec![s("1"), s("send mail")]]);
}

#[test]
fn write_skew_goes_through_under_repeatable_read_and_serializable_is_refused_with_its_position() {
    let ex = msa_sim::sql::examples::example("write-skew").unwrap();
    let b = run(&ex.state(), "11221122");
    assert_eq!(rows(&b, 0, 1), vec![vec![s("2")]]);
    assert_eq!(rows(&b, 1, 1), vec![vec![s("2")]]);
    assert_eq!(live(&b, "doctors"), vec![vec![s("alice"), s("f")], vec![s("bob"), s("f")]]);
    let mut st = ex.state();
    st.sessions[0] = st.sessions[0].replace("REPEATABLE READ", "SERIALIZABLE");
    match st.program() {
        Err(ProgramError::Parse { part, error }) => {
            assert_eq!(part, Part::Session { index: 0 });
            assert_eq!(error.kind, msa_sim::sql::ParseErrorKind::SerializableNotModelled);
            assert_eq!((error.pos.line, error.pos.col), (1, 23));
        }
        other => panic!("{other:?}"),
    }
}

fn explore_all(state: &EditorState) -> Explorer {
    let mut x = Explorer::new(state.program().unwrap(), Budget::DEFAULT).unwrap();
    // Small slices, as the browser runs it: the result must not depend on where the slices end.
    while !x.run(7) {}
    x
}

#[test]
fn exploration_runs_the_schedules_the_judges_explorer_runs_and_groups_what_clients_saw() {
    for ex in EXAMPLES {
        let state = ex.state();
        let x = explore_all(&state);
        assert!(!x.truncated);
        let total: u64 = x.groups().iter().map(|g| g.schedules).sum();
        assert_eq!(total, x.schedules, "{}", ex.name);
        // The same schedules as msa_sim::sql::explore over the program as a spec (which groups by rows and errors).
        let judge =
            msa_sim::sql::explore::explore(&state.program().unwrap().spec(), msa_sim::sql::explore::Budget::DEFAULT)
                .unwrap();
        assert_eq!(judge.schedules, x.schedules, "{}", ex.name);
        // Every group's first schedule replays on the board to the same outcome, and converts from the judge's names.
        for g in x.groups() {
            let (b, stopped) = Board::replay(state.program().unwrap(), &g.first).unwrap();
            assert_eq!(stopped, None);
            assert!(b.enabled().iter().all(|s| *s == Step::Time) || b.enabled().is_empty());
            let replies: Vec<_> = b.sessions.iter().map(|s| s.replies.clone()).collect();
            assert_eq!(replies, g.outcome.replies, "{}", ex.name);
        }
        for g in &judge.groups {
            let steps =
                state.program().unwrap().schedule_steps(&g.first).expect("the judge's schedule runs on the board");
            assert!(x.groups().iter().any(|mine| mine.outcome.tables == g.outcome.tables
                && Board::replay(state.program().unwrap(), &steps).is_ok()));
        }
    }
}

#[test]
fn the_lost_update_groups_split_on_what_each_select_read() {
    let ex = msa_sim::sql::examples::example("lost-update").unwrap();
    let x = explore_all(&ex.state());
    // Every schedule leaves hits = 1 (the program writes the 1 it computed from reading 0) ...
    assert!(x.groups().iter().all(|g| g.outcome.tables[0].rows == vec![vec![s("1"), s("1")]]));
    // ... and the groups tell apart the schedules where both read 0 (the lost update) from those where one read 1.
    let read = |g: &OutcomeGroup, i: usize| match g.outcome.replies[i][1].as_deref() {
        Some([msa_sim::sql::Reply::Rows { rows, .. }]) => rows[0][0].clone(),
        other => panic!("{other:?}"),
    };
    let lost: Vec<_> = x.groups().iter().filter(|g| read(g, 0) == s("0") && read(g, 1) == s("0")).collect();
    assert_eq!(lost.len(), 1);
    assert!(x.groups().len() >= 3, "{:#?}", x.groups());
    assert!(x.groups().iter().all(|g| g.outcome.errors().is_empty() && g.outcome.stuck().is_empty()));
}

#[test]
fn a_deadlock_explores_with_time_passing_and_a_victim() {
    let state = EditorState {
        setup: "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0); INSERT INTO t VALUES (2, 0);"
            .into(),
        sessions: vec![
            "BEGIN; UPDATE t SET v = 1 WHERE id = 1; UPDATE t SET v = 1 WHERE id = 2; COMMIT;".into(),
            "BEGIN; UPDATE t SET v = 2 WHERE id = 2; UPDATE t SET v = 2 WHERE id = 1; COMMIT;".into(),
        ],
        steps: vec![],
    };
    let x = explore_all(&state);
    let deadlocked: Vec<_> = x.groups().iter().filter(|g| g.outcome.errors().iter().any(|e| e.2 == "40P01")).collect();
    assert!(!deadlocked.is_empty());
    assert!(deadlocked.iter().all(|g| g.first.contains(&Step::Time)));
}

#[test]
fn total_statements_are_limited_so_exploration_stays_small() {
    let four = "BEGIN; SELECT 1; SELECT 2; COMMIT;".to_string();
    let st =
        EditorState { setup: String::new(), sessions: vec![four.clone(), four.clone(), four.clone()], steps: vec![] };
    assert!(st.program().is_ok());
    let st = EditorState {
        setup: String::new(),
        sessions: vec![four.clone(), four.clone(), format!("{four} SELECT 3;")],
        steps: vec![],
    };
    assert_eq!(st.program().err(), Some(ProgramError::TooManyInAll { n: 13, max: MAX_TOTAL_STATEMENTS }));
}

/// The fuzz target's seeds (fuzz/seeds/sql_editor_url) are links the editor writes: each decodes and replays all
/// its steps.
#[test]
fn fuzz_seeds_are_links_that_replay() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/sql_editor_url");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).expect("seeds") {
        let path = f.expect("entry").path();
        let v = std::fs::read_to_string(&path).expect("seed");
        let st = EditorState::decode(&v).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (_, stopped) = Board::replay(st.program().unwrap(), &st.steps).unwrap();
        assert_eq!(stopped, None, "{}", path.display());
        n += 1;
    }
    assert!(n >= 3);
}

/// The largest exploration the limits allow, three sessions of four statements: how many schedules, and (with
/// `--nocapture`) how long natively. The browser figure is the widget's own `data-ms`.
#[test]
fn three_sessions_of_four_statements_explore_within_the_budget() {
    let t =
        "BEGIN; SELECT hits FROM counter WHERE id = 1; UPDATE counter SET hits = 1 WHERE id = 1; COMMIT;".to_string();
    let state = EditorState {
        setup: "CREATE TABLE counter (id integer PRIMARY KEY, hits integer); INSERT INTO counter VALUES (1, 0);".into(),
        sessions: vec![t.clone(), t.clone(), t],
        steps: vec![],
    };
    let started = std::time::Instant::now();
    let x = explore_all(&state);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    assert!(!x.truncated);
    let started = std::time::Instant::now();
    let judge =
        msa_sim::sql::explore::explore(&state.program().unwrap().spec(), msa_sim::sql::explore::Budget::DEFAULT)
            .unwrap();
    let judge_ms = started.elapsed().as_secs_f64() * 1e3;
    assert_eq!(x.schedules, judge.schedules);
    println!(
        "3 x 4: {} schedules, {} groups, {ms:.1} ms (sql::explore: {judge_ms:.1} ms)",
        x.schedules,
        x.groups().len()
    );
}
