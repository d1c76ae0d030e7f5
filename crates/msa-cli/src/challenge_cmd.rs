//! `msa-sim challenge`: the challenges the simulator checks, from a terminal.
//!
//! ```text
//! msa-sim challenge --list [--json]
//! msa-sim challenge <id> <solution> [--json]
//! ```
//! Exit code 0 when the state solves the challenge, 1 when it does not, 2 for bad input (an unknown id, a state
//! that does not decode or changes what the challenge keeps). The CLI prints English; the library returns data.

use crate::UsageError;
use msa_sim::challenge::{check, Fact, Verdict, CHALLENGES};
use std::ffi::OsString;
use std::process::ExitCode;

const USAGE: &str = "usage:
  msa-sim challenge --list [--json]
  msa-sim challenge <id> <solution> [--json]
A solution is the widget's shareable state: a ?race= value, a proxy playground query, an ?arch= value or a
DDD script (quote it in the shell: proxy queries hold &). Exit code 0 = solved, 1 = not solved, 2 = bad input.";

pub fn challenge(args: Vec<OsString>) -> ExitCode {
    match run(args) {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("msa-sim: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<OsString>) -> Result<ExitCode, UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let (mut list, mut json) = (false, false);
    let mut free: Vec<String> = Vec::new();
    while let Some(arg) = p.next()? {
        match arg {
            Long("list") => list = true,
            Long("json") => json = true,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            // No state starts with `-` (digits, letters, `a:`...): any other option is an error.
            Value(v) => free.push(v.into_string().map_err(|_| UsageError("arguments must be UTF-8".into()))?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if list {
        if !free.is_empty() {
            return Err(UsageError(format!("--list takes no arguments\n{USAGE}")));
        }
        if json {
            let v = serde_json::to_string_pretty(CHALLENGES).map_err(|e| UsageError(e.to_string()))?;
            println!("{v}");
        } else {
            for c in CHALLENGES {
                println!("{:<36} {:<16} {:<6} {}", c.id, c.lesson, c.family.name(), c.solution);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let [id, solution] =
        <[String; 2]>::try_from(free).map_err(|_| UsageError(format!("expected ID SOLUTION\n{USAGE}")))?;
    let v = check(&id, &solution).map_err(|e| UsageError(format!("{id}: {e}")))?;
    if json {
        let s = serde_json::to_string_pretty(&v).map_err(|e| UsageError(e.to_string()))?;
        println!("{s}");
    } else {
        print_verdict(&v);
    }
    Ok(if v.solved { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_verdict(v: &Verdict) {
    println!("{}: {}", v.id, if v.solved { "solved" } else { "not solved" });
    println!("size: {} {:?} (shortest known: {})", v.size, v.size_unit, v.best_size);
    for f in &v.facts {
        println!("  {}", fact(f));
    }
}

fn ms(us: u64) -> String {
    format!("{:.1} ms", us as f64 / 1000.0)
}

fn pct(bp: u64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// One fact as an English line.
fn fact(f: &Fact) -> String {
    match f {
        Fact::Schedule { steps, finished } => {
            format!("schedule: {steps} actions{}", if *finished { ", every transaction finished" } else { "" })
        }
        Fact::Outcome { outcome } => format!("outcome: {outcome}"),
        Fact::RowValue { table, value, expected } => format!("{table}: {value} (expected {expected})"),
        Fact::Sold { orders, stock } => format!("sold {orders} of {stock}"),
        Fact::Committed { count, of } => format!("committed: {count} of {of}"),
        Fact::DeadlockVictims { count } => format!("deadlock victims (40P01): {count}"),
        Fact::Attempts { max } => format!("most attempts of one transaction: {max}"),
        Fact::WindowShare { server, window, requests, min, max } => {
            format!("{server} got {min} to {max} of every {window} (first {requests} requests)")
        }
        Fact::TotalWeight { weight } => format!("total weight: {weight}"),
        Fact::Errors { failed, dropped } => format!("errors: {failed} failed, {dropped} dropped"),
        Fact::P99 { us, limit_us } => format!("p99 = {} (limit {})", ms(*us), ms(*limit_us)),
        Fact::Backends { count } => format!("backends: {count}"),
        Fact::Algorithm { name } => format!("algorithm: {name}"),
        Fact::FewerMeets { backends, algorithms, meets } => {
            if *meets {
                format!("{backends} backends meet it too (with one of the {algorithms} algorithms)")
            } else {
                format!("{backends} backends meet it with none of the {algorithms} algorithms")
            }
        }
        Fact::FailTimeout { server, seconds } => format!("{server} fail_timeout: {seconds} s"),
        Fact::DeadServerAttempts { server, attempts } => {
            format!("requests sent to the dead {server} after it was first taken out: {attempts}")
        }
        Fact::LongerMeets { seconds, meets } => {
            format!(
                "with {seconds} s: {}",
                if *meets { "still reaches the dead server" } else { "no request reaches it" }
            )
        }
        Fact::Served { server, ok } => format!("{server} answered {ok} requests"),
        Fact::Actions { count } => format!("actions: {count}"),
        Fact::SessionsLost { count } => format!("sessions lost: {count}"),
        Fact::ClientsLostTwice { count } => format!("clients that lost their session twice: {count}"),
        Fact::Sessions { mode, cost_us } => format!("sessions: {mode} ({cost_us} µs a request)"),
        Fact::SettingsChanged { count } => format!("settings changed: {count}"),
        Fact::Availability { arch, feature, bp } => format!("{arch} {feature}: {}", pct(*bp)),
        Fact::FailWait { us } => format!("a failing checkout waits {}", ms(*us)),
        Fact::Instances { arch, spike, instances } => format!("{arch} at x{spike}: {instances} instances"),
        Fact::Blast { arch, features } => format!("{arch} blocks: {}", features.join(", ")),
        Fact::Total { won, limit } => format!("total {won} won (limit {limit})"),
        Fact::Order { paid, version } => format!("{}, version {version}", if *paid { "paid" } else { "not paid" }),
        Fact::Commands { count, refused } => format!("steps: {count} ({refused} refused by the root)"),
        Fact::BackDoor { count } => format!("back-door lines: {count}"),
        Fact::Broken { invariants } => {
            if invariants.is_empty() {
                "invariants hold".to_string()
            } else {
                format!("broken: {}", invariants.join(", "))
            }
        }
        Fact::Lunch { checked, total, lines, saved } => format!(
            "team lunch {} the version check: {saved} saved, stored {total} won in {lines} lines",
            if *checked { "with" } else { "without" }
        ),
    }
}
