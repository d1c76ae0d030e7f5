//! `msa-sim race`: transactions and locks, step by step, every schedule, or the contention experiment.
//!
//! ```text
//! msa-sim race --list
//! msa-sim race --scenario <name> [--strategy S] [--clients N] [--minor] [--schedule 1212..|--seed N] [--json]
//! msa-sim race --scenario <name> [--strategy S] [--clients N] [--minor] --explore [--max-schedules N] [--json]
//! msa-sim race --contention --strategy <pessimistic|optimistic|atomic> --clients N [--hot-rows H] [--ops K]
//!             [--seed N] [--json]
//! msa-sim race --contention --sweep [--clients N] [--ops K] [--json]
//! ```
//! The CLI prints English; the library returns data (enums), which the web app renders in Korean and English.

use crate::UsageError;
use msa_sim::race::contention::{self, ContentionConfig, ContentionReport, Locking};
use msa_sim::race::model::{Blocked, Ending, Event, Phase, WaitOn};
use msa_sim::race::{
    build, explore, preset, Action, Budget, Expansion, Isolation, Run, Scenario, Schedule, Strategy, PRESETS,
};
use std::ffi::OsString;

const RACE_USAGE: &str = "usage:
  msa-sim race --list
  msa-sim race --scenario <name> [--strategy S] [--clients N] [--minor] [--schedule 1212..|--seed N] [--json]
  msa-sim race --scenario <name> [--strategy S] [--clients N] [--minor] --explore [--max-schedules N] [--json]
  msa-sim race --contention --strategy <pessimistic|optimistic|atomic> --clients N [--hot-rows H] [--ops K] [--seed N] [--json]
  msa-sim race --contention --sweep [--clients N] [--ops K] [--seed N] [--json]
A schedule is one digit per action: the transaction that moves (1 = T1); dots are ignored (1.2.1.2).
Default schedule: serial (T1, then T2, then T3).";

#[derive(Default)]
struct Opts {
    list: bool,
    scenario: Option<String>,
    strategy: Option<String>,
    clients: Option<u64>,
    minor: bool,
    schedule: Option<String>,
    seed: Option<u64>,
    explore: bool,
    max_schedules: Option<u64>,
    json: bool,
    contention: bool,
    sweep: bool,
    hot_rows: Option<u64>,
    ops: Option<u64>,
}

fn num(parser: &mut lexopt::Parser, name: &str) -> Result<u64, UsageError> {
    let v = parser.value()?;
    let s = v.to_str().ok_or_else(|| UsageError(format!("{name}: not valid UTF-8")))?;
    s.parse::<u64>().map_err(|_| UsageError(format!("{name}: expected a non-negative integer, got {s:?}")))
}

fn text(parser: &mut lexopt::Parser, name: &str) -> Result<String, UsageError> {
    let v = parser.value()?;
    v.into_string().map_err(|_| UsageError(format!("{name}: not valid UTF-8")))
}

pub fn race(args: Vec<OsString>) -> Result<(), UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let mut o = Opts::default();
    while let Some(arg) = p.next()? {
        match arg {
            Long("list") => o.list = true,
            Long("scenario") => o.scenario = Some(text(&mut p, "--scenario")?),
            Long("strategy") => o.strategy = Some(text(&mut p, "--strategy")?),
            Long("clients") => o.clients = Some(num(&mut p, "--clients")?),
            Long("minor") => o.minor = true,
            Long("schedule") => o.schedule = Some(text(&mut p, "--schedule")?),
            Long("seed") => o.seed = Some(num(&mut p, "--seed")?),
            Long("explore") => o.explore = true,
            Long("max-schedules") => o.max_schedules = Some(num(&mut p, "--max-schedules")?),
            Long("json") => o.json = true,
            Long("contention") => o.contention = true,
            Long("sweep") => o.sweep = true,
            Long("hot-rows") => o.hot_rows = Some(num(&mut p, "--hot-rows")?),
            Long("ops") => o.ops = Some(num(&mut p, "--ops")?),
            Short('h') | Long("help") => {
                println!("{RACE_USAGE}");
                return Ok(());
            }
            _ => return Err(UsageError(format!("race: {}\n{RACE_USAGE}", arg.unexpected()))),
        }
    }
    if o.list {
        return list(o.json);
    }
    if o.contention {
        return run_contention(&o);
    }
    let Some(name) = o.scenario.as_deref() else {
        return Err(UsageError(format!("race: give --scenario <name>, --list, or --contention\n{RACE_USAGE}")));
    };
    let sc = scenario(name, &o)?;
    if o.explore {
        if o.schedule.is_some() || o.seed.is_some() {
            return Err(UsageError("race: --explore walks every schedule; drop --schedule/--seed".into()));
        }
        return run_explore(name, &sc, &o);
    }
    run_one(name, &sc, &o)
}

fn list(json: bool) -> Result<(), UsageError> {
    if json {
        let v: Vec<_> = PRESETS
            .iter()
            .map(|p| {
                serde_json::json!({
                    "name": p.name, "story": p.story, "strategy": p.strategy, "clients": p.clients,
                    "showcase": p.showcase,
                    "strategies": p.story.strategies().iter().map(|s| s.name()).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    println!("{:<16} {:<12} {:<16} {:>7}  {:<14} strategies", "scenario", "story", "strategy", "clients", "showcase");
    for p in PRESETS.iter() {
        let strategies: Vec<_> = p.story.strategies().iter().map(|s| s.name()).collect();
        println!(
            "{:<16} {:<12} {:<16} {:>7}  {:<14} {}",
            p.name,
            p.story.name(),
            p.strategy.name(),
            p.clients,
            p.showcase,
            strategies.join(",")
        );
    }
    Ok(())
}

fn scenario(name: &str, o: &Opts) -> Result<Scenario, UsageError> {
    let p = preset(name).ok_or_else(|| {
        let names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
        UsageError(format!("race: unknown scenario {name:?}; one of: {}", names.join(", ")))
    })?;
    let strategy = match o.strategy.as_deref() {
        None => p.strategy,
        Some(s) => Strategy::from_name(s).ok_or_else(|| {
            let names: Vec<_> = p.story.strategies().iter().map(|s| s.name()).collect();
            UsageError(format!("race: unknown strategy {s:?}; scenario {name} offers: {}", names.join(", ")))
        })?,
    };
    let clients = o.clients.unwrap_or(p.clients as u64);
    let clients = usize::try_from(clients).unwrap_or(usize::MAX);
    let mut sc = build(p.story, strategy, clients).map_err(|e| UsageError(format!("race: {name}: {e:?}")))?;
    if o.minor {
        sc.expansion = Expansion::MinorSteps;
    }
    Ok(sc)
}

fn describe(sc: &Scenario) -> String {
    let iso = match sc.isolation {
        Isolation::ReadCommitted => "READ COMMITTED",
        Isolation::RepeatableRead => "REPEATABLE READ",
    };
    format!("story {}, strategy {}, {iso}, {} transactions", sc.story.name(), sc.strategy.name(), sc.n_txns())
}

fn run_one(name: &str, sc: &Scenario, o: &Opts) -> Result<(), UsageError> {
    let mut run = Run::new(sc.clone());
    let given = match (&o.schedule, o.seed) {
        (Some(_), Some(_)) => return Err(UsageError("race: give --schedule or --seed, not both".into())),
        (Some(s), None) => {
            let sched = Schedule::decode(s).map_err(|e| UsageError(format!("race: --schedule: {e}")))?;
            for (pos, &t) in sched.0.iter().enumerate() {
                if run.is_over() {
                    return Err(UsageError(format!(
                        "race: --schedule: action {} (T{}) comes after every transaction finished",
                        pos + 1,
                        t as usize + 1
                    )));
                }
                run.step(t).map_err(|e| {
                    UsageError(format!(
                        "race: --schedule: action {} (T{}) is not enabled: {}",
                        pos + 1,
                        t as usize + 1,
                        blocked_text(sc, e.why)
                    ))
                })?;
            }
            sched.len()
        }
        (None, Some(seed)) => {
            run.finish_random(&mut msa_sim::rng::SimRng::new(seed));
            run.taken.len()
        }
        (None, None) => 0,
    };
    // An incomplete schedule is finished lowest-transaction-first, so every replay ends with an outcome.
    run.finish_lowest_first();
    let outcome = run.outcome();
    if o.json {
        let steps: Vec<_> = run
            .taken
            .iter()
            .zip(run.states.iter().skip(1))
            .map(|(tk, st)| {
                serde_json::json!({
                    "txn": tk.action.txn() + 1,
                    "action": tk.action,
                    "sql": tk.step.map(|s| sc.step_sql(s)),
                    "events": tk.events,
                    "state": st,
                })
            })
            .collect();
        let v = serde_json::json!({
            "scenario": name, "strategy": sc.strategy, "isolation": sc.isolation,
            "schedule": run.schedule().encode(), "given_actions": given,
            "steps": steps, "outcome": outcome,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    println!("scenario {name} ({})", describe(sc));
    println!("schedule {}{}", run.schedule(), if given < run.taken.len() { "  (completed lowest-first)" } else { "" });
    for (i, (tk, st)) in run.taken.iter().zip(run.states.iter().skip(1)).enumerate() {
        let t = tk.action.txn() as usize + 1;
        let what = match (tk.action, tk.step) {
            (Action::Step(_), Some(s)) => sc.step_sql(s),
            (Action::DeadlockCheck(_), _) => "-- deadlock_timeout (1s) elapses: deadlock check".into(),
            (Action::Rollback(_), _) => "ROLLBACK;  -- after the error".into(),
            _ => String::new(),
        };
        let mark = if i < given { ' ' } else { '*' };
        println!("{mark}{:>3} T{t}  {what}", i + 1);
        for e in &tk.events {
            if let Some(line) = event_text(sc, e) {
                println!("          {line}");
            }
        }
        println!("          db: {}", db_text(sc, st));
    }
    match outcome {
        Some(out) => {
            println!("outcome: {}", out.kind.name());
            let vals: Vec<_> = out.final_values.iter().map(|v| v.to_string()).collect();
            let want: Vec<_> = out.expected_values.iter().map(|v| v.to_string()).collect();
            println!("  final {}  expected {}  orders {}", vals.join(","), want.join(","), out.orders);
            for (i, t) in out.txns.iter().enumerate() {
                let end = t.ending.map_or("stuck".to_string(), ending_text);
                println!("  T{}: {end} (attempts {})", i + 1, t.attempts);
            }
            if !out.violated.is_empty() {
                println!("  violated: {}", out.violated.join(", "));
            }
        }
        None => println!("outcome: (not finished)"),
    }
    Ok(())
}

fn ending_text(e: Ending) -> String {
    match e {
        Ending::Committed => "committed".into(),
        Ending::RolledBack => "rolled back".into(),
        Ending::SoldOut => "sold out (rolled back)".into(),
        Ending::GaveUp => "gave up after retries".into(),
        Ending::Failed(err) => format!("failed: SQLSTATE {} {}", err.sqlstate(), err.condition_name()),
    }
}

fn on_text(sc: &Scenario, on: WaitOn) -> String {
    match on {
        WaitOn::Row(r) => {
            let d = sc.rows.get(r as usize);
            d.map_or("row ?".into(), |d| format!("row {}(id={})", d.table, d.id))
        }
        WaitOn::Mutex(m) => format!("app{} mutex", m + 1),
    }
}

fn holder_text(h: Option<u8>) -> String {
    h.map_or("nobody".into(), |h| format!("T{}", h + 1))
}

fn blocked_text(sc: &Scenario, b: Blocked) -> String {
    match b {
        Blocked::Row { row, holder } => {
            format!("waiting for the lock on {} held by {}", on_text(sc, WaitOn::Row(row)), holder_text(holder))
        }
        Blocked::Mutex { mutex, holder } => {
            format!("waiting for {} held by {}", on_text(sc, WaitOn::Mutex(mutex)), holder_text(holder))
        }
        Blocked::Finished { ending } => format!("already finished ({})", ending_text(ending)),
        Blocked::NoSuchTxn => "no such transaction in this scenario".into(),
        Blocked::OtherAction { enabled } => format!("its enabled action is {enabled:?}"),
    }
}

fn event_text(sc: &Scenario, e: &Event) -> Option<String> {
    let t = |x: &u8| format!("T{}", x + 1);
    Some(match e {
        Event::Began { .. } | Event::Committed { .. } | Event::Finished { .. } => return None,
        Event::Snapshot { txn } => format!("{} takes its snapshot", t(txn)),
        Event::Read { txn, value, version, .. } => format!("{} reads {value} (version {version})", t(txn)),
        Event::Locked { txn, row } => format!("{} locks {}", t(txn), on_text(sc, WaitOn::Row(*row))),
        Event::Waits { txn, on, holder } => {
            format!("{} WAITS for {} held by {}", t(txn), on_text(sc, *on), holder_text(*holder))
        }
        Event::Resumed { txn, on } => format!("{} gets {} and resumes", t(txn), on_text(sc, *on)),
        Event::Computed { txn, new } => format!("{} computes new = {new}", t(txn)),
        Event::Updated { txn, count, value, .. } => match value {
            Some(v) => format!("{}: UPDATE {count} (writes {v})", t(txn)),
            None => format!("{}: UPDATE {count}", t(txn)),
        },
        Event::Inserted { txn } => format!("{}: INSERT 0 1", t(txn)),
        Event::RolledBack { txn } => format!("{}: ROLLBACK", t(txn)),
        Event::Error { txn, error } => {
            let rel = sc.rows.first().map_or("t", |r| r.table);
            format!("{}: {}  (SQLSTATE {})", t(txn), error.message(rel), error.sqlstate())
        }
        Event::SoldOut { txn } => format!("{} finds nothing left: sold out", t(txn)),
        Event::Retry { txn, attempt } => format!("{} retries from the start (attempt {attempt})", t(txn)),
        Event::MutexLocked { txn, mutex } => format!("{} locks app{} mutex", t(txn), mutex + 1),
        Event::MutexUnlocked { txn, mutex } => format!("{} unlocks app{} mutex", t(txn), mutex + 1),
    })
}

fn db_text(sc: &Scenario, st: &msa_sim::race::State) -> String {
    let mut parts = Vec::new();
    for (i, d) in sc.rows.iter().enumerate() {
        let r = &st.rows[i];
        let mut s = format!("{}(id={}).{}={} v{}", d.table, d.id, d.column, r.committed.value, r.committed.version);
        if let Some(h) = r.holder {
            s.push_str(&format!(" [locked by T{}", h + 1));
            if let Some(p) = r.pending {
                s.push_str(&format!(", uncommitted {}", p.value));
            }
            if !r.waiters.is_empty() {
                let w: Vec<_> = r.waiters.as_slice().iter().map(|w| format!("T{}", w + 1)).collect();
                s.push_str(&format!(", waiting {}", w.join(" ")));
            }
            s.push(']');
        }
        parts.push(s);
    }
    if sc.txns.iter().any(|t| t.orders > 0) {
        parts.push(format!("orders={}", st.orders));
    }
    let txns: Vec<_> = st.txns[..sc.n_txns()]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ph = match t.phase {
                Phase::Ready => "ready".to_string(),
                Phase::Waiting { on, .. } => format!("waits({})", on_text(sc, on)),
                Phase::Aborted { error } => format!("aborted({})", error.sqlstate()),
                Phase::Done { ending } => match ending {
                    Ending::Committed => "committed".into(),
                    Ending::Failed(e) => format!("failed({})", e.sqlstate()),
                    other => format!("{other:?}").to_lowercase(),
                },
            };
            format!("T{}:{ph}", i + 1)
        })
        .collect();
    format!("{}  | {}", parts.join("  "), txns.join(" "))
}

fn run_explore(name: &str, sc: &Scenario, o: &Opts) -> Result<(), UsageError> {
    let mut budget = Budget::DEFAULT;
    if let Some(m) = o.max_schedules {
        if m == 0 {
            return Err(UsageError("race: --max-schedules must be at least 1".into()));
        }
        budget.max_schedules = m;
    }
    let ex = explore(sc, budget);
    if o.json {
        let v = serde_json::json!({
            "scenario": name, "strategy": sc.strategy, "schedules": ex.schedules, "states": ex.states,
            "truncated": ex.truncated, "max_len": ex.max_len,
            "by_outcome": ex.by_outcome.iter().map(|(k, n)| (k.name(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "examples": ex.examples.iter().map(|(k, s)| (k.name(), s.encode())).collect::<std::collections::BTreeMap<_, _>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    println!("scenario {name} ({})", describe(sc));
    println!(
        "{} schedules{} ({} transitions, longest {} actions)",
        ex.schedules,
        if ex.truncated { " before the budget ran out (incomplete)" } else { "" },
        ex.states,
        ex.max_len
    );
    for (k, n) in &ex.by_outcome {
        let example = if k.is_bad() {
            ex.examples.get(k).map(|s| format!("  e.g. --schedule {s}")).unwrap_or_default()
        } else {
            String::new()
        };
        println!("  {:<22} {:>7}{example}", k.name(), n);
    }
    Ok(())
}

fn run_contention(o: &Opts) -> Result<(), UsageError> {
    if o.scenario.is_some() || o.explore || o.schedule.is_some() {
        return Err(UsageError(
            "race: --contention takes --strategy, --clients, --hot-rows, --ops, --seed, --sweep".into(),
        ));
    }
    let mut cfg = ContentionConfig::default();
    let to_u32 = |what: &str, v: u64| u32::try_from(v).map_err(|_| UsageError(format!("race: {what} is too large")));
    if let Some(c) = o.clients {
        cfg.clients = to_u32("--clients", c)?;
    }
    if let Some(h) = o.hot_rows {
        cfg.hot_rows = to_u32("--hot-rows", h)?;
    }
    if let Some(k) = o.ops {
        cfg.ops_per_client = to_u32("--ops", k)?;
    }
    if let Some(s) = o.seed {
        cfg.seed = s;
    }
    if o.sweep {
        if o.strategy.is_some() || o.hot_rows.is_some() {
            return Err(UsageError("race: --sweep runs all three strategies over hot rows 1..256".into()));
        }
        let sw = contention::sweep(&cfg, &contention::DEFAULT_SWEEP).map_err(|e| UsageError(format!("race: {e:?}")))?;
        if o.json {
            println!("{}", serde_json::to_string_pretty(&sw).unwrap_or_default());
            return Ok(());
        }
        println!(
            "{} clients x {} ops, {} db workers; throughput in committed ops/s",
            cfg.clients, cfg.ops_per_client, cfg.db_workers
        );
        println!(
            "{:>9} {:>12} {:>12} {:>9} {:>12}  winner",
            "hot rows", "pessimistic", "optimistic", "retries", "atomic"
        );
        for p in &sw.points {
            println!(
                "{:>9} {:>12.0} {:>12.0} {:>9} {:>12.0}  {}",
                p.hot_rows,
                p.pessimistic.throughput_per_s,
                p.optimistic.throughput_per_s,
                p.optimistic.retries,
                p.atomic.throughput_per_s,
                p.winner().name()
            );
        }
        match sw.crossover {
            Some((a, b)) => println!("pessimistic and optimistic cross between {a} and {b} hot rows"),
            None => println!("no crossover in this range"),
        }
        return Ok(());
    }
    let Some(s) = o.strategy.as_deref() else {
        return Err(UsageError(
            "race: --contention needs --strategy <pessimistic|optimistic|atomic> (or --sweep)".into(),
        ));
    };
    cfg.locking = Locking::from_name(s).ok_or_else(|| {
        UsageError(format!("race: unknown --strategy {s:?} for --contention: pessimistic, optimistic or atomic"))
    })?;
    let r = contention::run_contention(&cfg).map_err(|e| UsageError(format!("race: {e:?}")))?;
    if o.json {
        println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
        return Ok(());
    }
    print_report(&r);
    Ok(())
}

fn print_report(r: &ContentionReport) {
    let c = &r.config;
    println!(
        "{}: {} clients x {} ops on {} hot rows ({} db workers, {}us/statement, rtt {}us, compute {}us, think {}us)",
        c.locking.name(),
        c.clients,
        c.ops_per_client,
        c.hot_rows,
        c.db_workers,
        c.stmt_cpu_us,
        c.rtt_us,
        c.compute_us,
        c.think_mean_us
    );
    println!("  committed      {}", r.committed);
    println!("  throughput     {:.1} ops/s over {:.3}s", r.throughput_per_s, r.sim_time_us as f64 / 1e6);
    println!("  aborts         {}  (UPDATE 0)", r.aborts);
    println!("  retries        {}   gave up {}", r.retries, r.gave_up);
    println!("  statements     {}", r.statements);
    println!("  lock wait      mean {:.0}us  p99 {}us", r.mean_lock_wait_us, r.p99_lock_wait_us);
    println!("  latency        mean {:.0}us  p99 {}us", r.mean_latency_us, r.p99_latency_us);
}
