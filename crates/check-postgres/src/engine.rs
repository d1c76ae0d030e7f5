//! msa-sim's SQL engine ([`msa_sim::sql::Engine`]) as a [`Backend`] of the harness: the hand-built transaction
//! model (`msa_sim::race`) and the SQL engine run the same programs, schedule by schedule, and must agree at every
//! action exactly as the model and PostgreSQL must. No server is needed, so this runs in every `cargo test`.
//!
//! The engine's virtual clock stands still while statements are sent; when the model says a waiter's deadlock
//! check fires, the clock moves to the next lock timer ([`Engine::advance_time`]) until that waiter's statement
//! has replied.

use crate::harness::{initial_rows, run_schedule, schema, Backend};
use crate::wire::{PgError, Reply};
use msa_sim::race::{Scenario, TxnId};
use msa_sim::sql::{self, Engine};

/// Runs schedules on a fresh [`Engine`] each.
#[derive(Default)]
pub struct EngineChecker {
    engine: Option<Engine>,
    /// Per session: a statement was sent and its reply not yet taken.
    in_flight: Vec<bool>,
}

impl EngineChecker {
    pub fn new() -> EngineChecker {
        EngineChecker::default()
    }

    /// Runs `schedule` on the engine and on the model (see [`run_schedule`]).
    pub fn run(&mut self, sc: &Scenario, schedule: &[TxnId]) -> Result<String, String> {
        run_schedule(self, sc, sc, schedule)
    }

    /// The model of one scenario against the SQL and programs of another (negative controls).
    pub fn run_with(&mut self, model: &Scenario, real: &Scenario, schedule: &[TxnId]) -> Result<String, String> {
        run_schedule(self, model, real, schedule)
    }

    fn engine(&mut self) -> Result<&mut Engine, String> {
        self.engine.as_mut().ok_or_else(|| "no run started".to_string())
    }
}

/// The engine's replies to one statement, in the shape the wire client gives PostgreSQL's.
fn to_wire(replies: Vec<sql::Reply>) -> Reply {
    let mut out = Reply::default();
    for r in replies {
        match r {
            sql::Reply::Rows { rows, .. } => {
                out.tag = Some(format!("SELECT {}", rows.len()));
                out.rows = rows;
            }
            sql::Reply::Command { tag } => out.tag = Some(tag),
            sql::Reply::Error { sqlstate, message } => {
                out.error = Some(PgError { sqlstate: sqlstate.to_string(), message });
            }
            sql::Reply::Notice { .. } => {}
        }
    }
    out
}

impl Backend for EngineChecker {
    fn name(&self) -> &'static str {
        "engine"
    }

    fn start(&mut self, sc: &Scenario) -> Result<(), String> {
        let mut setup = schema(sc).join(";\n");
        for insert in initial_rows(sc) {
            setup.push_str(";\n");
            setup.push_str(&insert);
        }
        self.engine = Some(Engine::new(&setup, sc.n_txns()).map_err(|e| e.to_string())?);
        self.in_flight = vec![false; sc.n_txns()];
        Ok(())
    }

    fn send(&mut self, t: usize, sql: &str, _closes_cycle: bool) -> Result<(), String> {
        self.engine()?.send(t, sql).map_err(|e| e.to_string())?;
        self.in_flight[t] = true;
        Ok(())
    }

    fn in_flight(&self, t: usize) -> bool {
        self.in_flight[t]
    }

    fn settle(&mut self, t: usize) -> Result<Option<Reply>, String> {
        let e = self.engine()?;
        if e.waiting(t) {
            return Ok(None);
        }
        let replies = e.take_replies(t).ok_or_else(|| format!("T{}: no reply and not waiting", t + 1))?;
        self.in_flight[t] = false;
        Ok(Some(to_wire(replies)))
    }

    fn deadlock_check(&mut self, t: usize) -> Result<Reply, String> {
        // At most one timer a waiter: a few steps of the clock settle any scenario of three transactions.
        for _ in 0..8 {
            if !self.engine()?.waiting(t) {
                break;
            }
            if !self.engine()?.advance_time() {
                return Err(format!("T{} waits and no lock timer is pending", t + 1));
            }
        }
        self.settle(t)?.ok_or_else(|| format!("T{} still waits after its deadlock check", t + 1))
    }

    fn query(&mut self, t: usize, sql: &str) -> Result<Reply, String> {
        self.send(t, sql, false)?;
        self.settle(t)?.ok_or_else(|| format!("T{}: {sql} waits for a lock", t + 1))
    }

    fn scalar(&mut self, sql: &str) -> Result<Option<i64>, String> {
        // Every session has finished: the first one reads.
        let r = self.query(0, sql)?;
        if let Some(e) = r.error {
            return Err(format!("{sql}: {} {}", e.sqlstate, e.message));
        }
        Ok(r.scalar())
    }
}
