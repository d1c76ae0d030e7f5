//! `msa-sim sql` (issue 19): an isolation spec of PostgreSQL's format, run on the simulator's SQL engine.
//!
//! ```text
//! msa-sim sql --spec FILE                      what PostgreSQL 15's isolationtester prints for it, byte for byte
//! msa-sim sql --spec FILE --explore [--max-schedules N] [--json]
//!                                              ... then every interleaving of its sessions, grouped by outcome
//! ```
//! Exit codes: 0 done; 2 a bad spec, SQL outside the engine's subset, or bad arguments (`FILE:LINE:COL: message`
//! on stderr); 1 a run that stopped half-way (as isolationtester exits 1: a failed session setup, steps that
//! block each other through annotations), after printing what it printed so far. A step that waits for a lock
//! nothing will release is canceled after `PGISOLATIONTIMEOUT` seconds (300 by default), as isolationtester does.

use msa_sim::sql::explore::{explore, Budget, Exploration, TableRows};
use msa_sim::sql::spec::parse_spec;
use msa_sim::sql::tester::{print_result_set, run_spec_with, TesterError, TesterOptions};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

const SQL_USAGE: &str = "usage:
  msa-sim sql --spec FILE
  msa-sim sql --spec FILE --explore [--max-schedules N] [--json]
FILE is an isolation spec in PostgreSQL's format (setup, teardown, session, step, permutation). The output is
what PostgreSQL 15's isolationtester prints for it; --explore adds every interleaving of the sessions' steps,
grouped by outcome (committed rows, failed steps).";

struct Opts {
    spec: Option<String>,
    explore: bool,
    max_schedules: Option<u64>,
    json: bool,
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("msa-sim sql: {msg}\n{SQL_USAGE}");
    ExitCode::from(2)
}

fn parse_args(args: Vec<OsString>) -> Result<Option<Opts>, String> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let mut o = Opts { spec: None, explore: false, max_schedules: None, json: false };
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Long("spec") => {
                let v = p.value().map_err(|e| e.to_string())?;
                o.spec = Some(v.into_string().map_err(|_| "--spec: not valid UTF-8".to_string())?);
            }
            Long("explore") => o.explore = true,
            Long("json") => o.json = true,
            Long("max-schedules") => {
                let v = p.value().map_err(|e| e.to_string())?;
                let s = v.to_str().ok_or("--max-schedules: not valid UTF-8")?.to_string();
                let n = s
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("--max-schedules: expected a positive integer, got {s:?}"))?;
                o.max_schedules = Some(n);
            }
            Short('h') | Long("help") => {
                println!("{SQL_USAGE}");
                return Ok(None);
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    if o.json && !o.explore {
        return Err("--json goes with --explore".into());
    }
    if o.max_schedules.is_some() && !o.explore {
        return Err("--max-schedules goes with --explore".into());
    }
    Ok(Some(o))
}

/// isolationtester's step timeout: `PGISOLATIONTIMEOUT` seconds if set (read as C's atoi reads it: leading
/// digits, else 0), 300 otherwise.
fn step_timeout_secs() -> u64 {
    match std::env::var("PGISOLATIONTIMEOUT") {
        Ok(v) => {
            let digits: String = v.trim_start().chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap_or(0)
        }
        Err(_) => 300,
    }
}

/// `FILE:LINE:COL: message` (or `FILE: message` when the error has no place).
fn located(file: &str, e: &TesterError) -> String {
    match e.pos {
        Some(p) => format!("{file}:{}:{}: {}", p.line, p.col, e.message_en()),
        None => format!("{file}: {}", e.message_en()),
    }
}

pub fn sql(args: Vec<OsString>) -> ExitCode {
    let o = match parse_args(args) {
        Ok(Some(o)) => o,
        Ok(None) => return ExitCode::SUCCESS,
        Err(msg) => return usage_error(&msg),
    };
    let Some(file) = o.spec else {
        return usage_error("--spec FILE is required");
    };
    let src = match std::fs::read(&file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => {
                eprintln!("{file}: the spec is not valid UTF-8");
                return ExitCode::from(2);
            }
        },
        Err(e) => {
            eprintln!("{file}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    let spec = match parse_spec(&src) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{file}:{}:{}: {}", e.pos.line, e.pos.col, e.message_en());
            return ExitCode::from(2);
        }
    };
    let run = run_spec_with(&spec, TesterOptions { step_timeout_secs: Some(step_timeout_secs()) });
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(run.stdout.as_bytes());
    let _ = stdout.flush();
    eprint!("{}", run.stderr);
    if let Some(e) = &run.error {
        eprintln!("{}", located(&file, e));
        return ExitCode::from(if e.is_input_error() { 2 } else { 1 });
    }
    if o.explore {
        let budget =
            Budget { max_schedules: o.max_schedules.unwrap_or(Budget::DEFAULT.max_schedules), ..Budget::DEFAULT };
        let ex = match explore(&spec, budget) {
            Ok(ex) => ex,
            Err(e) => {
                eprintln!("{}", located(&file, &e));
                return ExitCode::from(if e.is_input_error() { 2 } else { 1 });
            }
        };
        let text = if o.json {
            match serde_json::to_string_pretty(&ex) {
                Ok(j) => j + "\n",
                Err(e) => {
                    eprintln!("msa-sim sql: cannot write JSON: {e}");
                    return ExitCode::from(1);
                }
            }
        } else {
            summary(&ex)
        };
        let _ = stdout.write_all(text.as_bytes());
    }
    ExitCode::SUCCESS
}

fn tables_text(out: &mut String, tables: &[TableRows]) {
    for t in tables {
        out.push_str(&format!("  table {}:\n", t.name));
        let mut body = String::new();
        print_result_set(&mut body, &t.columns, &t.rows);
        for line in body.trim_end().lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// The exploration as text: the count, then each outcome with how many schedules end so and the first of them.
fn summary(ex: &Exploration) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "\nexploration: {} schedule{} ({} engine actions){}; {} outcome{}\n",
        ex.schedules,
        if ex.schedules == 1 { "" } else { "s" },
        ex.actions,
        if ex.truncated { ", budget exhausted: a lower bound" } else { "" },
        ex.groups.len(),
        if ex.groups.len() == 1 { "" } else { "s" },
    ));
    out.push_str(
        "(every order in which the sessions can send their steps; a session waiting for a lock sends nothing until \
         its wait ends)\n",
    );
    for (i, g) in ex.groups.iter().enumerate() {
        out.push_str(&format!(
            "\noutcome {}: {} schedule{}, first: {}\n",
            i + 1,
            g.schedules,
            if g.schedules == 1 { "" } else { "s" },
            g.first.join(" ")
        ));
        if g.outcome.errors.is_empty() {
            out.push_str("  errors: none\n");
        }
        for e in &g.outcome.errors {
            out.push_str(&format!("  error in step {}: {} ({})\n", e.step, e.message, e.sqlstate));
        }
        if !g.outcome.stuck.is_empty() {
            out.push_str(&format!(
                "  still waiting at the end (nothing releases the lock): {}\n",
                g.outcome.stuck.join(", ")
            ));
        }
        tables_text(&mut out, &g.outcome.tables);
    }
    out
}
