//! `msa-sim predict`: the answers the lessons' predictions reveal, computed by the core as the site computes them.
//!
//! ```text
//! msa-sim predict --list                 every reveal and the kind of answer it gives
//! msa-sim predict NAME [--json]          run one: its answer and the table of the run
//! ```

use crate::UsageError;
use msa_sim::predict::{reveal, Answer, Kind, REVEALS};
use std::ffi::OsString;

const USAGE: &str = "usage: msa-sim predict --list | msa-sim predict <name> [--json]   (names: msa-sim predict --list)";

pub fn predict(args: Vec<OsString>) -> Result<(), UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let (mut list, mut json, mut name) = (false, false, None::<String>);
    while let Some(arg) = p.next()? {
        match arg {
            Long("list") => list = true,
            Long("json") => json = true,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                return Ok(());
            }
            Value(v) if name.is_none() => {
                name = Some(v.into_string().map_err(|_| UsageError("the name must be UTF-8".into()))?)
            }
            _ => return Err(arg.unexpected().into()),
        }
    }
    match (list, name) {
        (true, None) => {
            for (n, k) in REVEALS {
                match k {
                    Kind::Choice(keys) => println!("{n:<32} one of {}", keys.join(", ")),
                    Kind::Number => println!("{n:<32} a number"),
                }
            }
            Ok(())
        }
        (false, Some(n)) => {
            let r = reveal(&n).ok_or_else(|| UsageError(format!("no reveal named {n:?}\n{USAGE}")))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).map_err(|e| UsageError(e.to_string()))?);
            } else {
                match r.answer {
                    Answer::Choice(k) => println!("answer: {k}"),
                    Answer::Number(v) => println!("answer: {v}"),
                }
                for row in &r.rows {
                    println!("  {}", row.join(" | "));
                }
            }
            Ok(())
        }
        _ => Err(UsageError(USAGE.to_string())),
    }
}
