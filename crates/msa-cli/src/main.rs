//! `msa-sim`: run the simulation core from a terminal.
//!
//! ```text
//! msa-sim pick    --algo ... --servers ...      which server nginx would pick, one line per request
//! msa-sim run     --scenario ... [--json]       a whole reverse-proxy simulation and its summary
//! msa-sim export  --scenario ...                the nginx (and HAProxy) configuration of a scenario
//! msa-sim race    --scenario ... [--explore]    transactions and locks, step by step or every schedule
//! msa-sim sql     --spec FILE [--explore]       an isolation spec on the SQL engine, as isolationtester prints it
//! msa-sim challenge ID SOLUTION                 is a widget state a challenge's solution (exit 0 / 1)
//! msa-sim predict   [--list | NAME] [--json]    the answer to a lesson's prediction and the run behind it
//! ```
//! Bad arguments print a clear message and exit with code 2; nothing here panics on input.

mod challenge_cmd;
mod predict_cmd;
mod proxy_cmd;
mod race_cmd;
mod sql_cmd;

use std::process::ExitCode;

/// An error the user can fix: printed as `msa-sim: <message>`, exit code 2.
pub struct UsageError(pub String);

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> Self {
        UsageError(e.to_string())
    }
}

const USAGE: &str =
    "usage: msa-sim <pick|run|export|race|sql|challenge|predict> [options]   (msa-sim <command> --help for its options)";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(cmd) = args.next() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest: Vec<std::ffi::OsString> = args.collect();
    let result = match cmd.to_str() {
        Some("pick") => proxy_cmd::pick(rest),
        Some("run") => proxy_cmd::run(rest),
        Some("export") => proxy_cmd::export(rest),
        Some("race") => race_cmd::race(rest),
        // Its own exit codes: 2 for a bad spec (FILE:LINE:COL), 1 for a run that stopped, as isolationtester.
        Some("sql") => return sql_cmd::sql(rest),
        Some("predict") => predict_cmd::predict(rest),
        // Its own exit codes: 1 means "not solved", not an error.
        Some("challenge") => return challenge_cmd::challenge(rest),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(UsageError(format!("unknown command {:?}\n{USAGE}", cmd))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(UsageError(msg)) => {
            eprintln!("msa-sim: {msg}");
            ExitCode::from(2)
        }
    }
}
