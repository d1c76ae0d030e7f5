//! Cross-check of the simulator's transaction model (`msa_sim::txn`) against a real PostgreSQL 15.
//!
//! - [`cluster`]: a throwaway cluster (initdb + postgres as user `postgres`, loopback only, its own port and
//!   socket directory), stopped and deleted by a drop guard.
//! - [`wire`]: a minimal client of PostgreSQL's simple query protocol (trust auth, no TLS) that can send a
//!   statement and come back later for the reply, so the harness can tell "still running" from "done".
//! - [`harness`]: runs one schedule of a scenario on real sessions, one step at a time, next to the model, and
//!   compares after every action: where each transaction is (ready, waiting for a lock, aborted with which
//!   SQLSTATE, finished how), what the app read, and at the end the rows and the orders.

pub mod cluster;
pub mod harness;
pub mod wire;
