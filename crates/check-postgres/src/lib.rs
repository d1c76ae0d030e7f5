//! Cross-check of the simulator's transaction model (`msa_sim::race`) against a real PostgreSQL 15, and against
//! the simulator's SQL engine (`msa_sim::sql`), through one harness.
//!
//! - [`cluster`]: a throwaway cluster (initdb + postgres as user `postgres`, loopback only, its own port and
//!   socket directory), stopped and deleted by a drop guard.
//! - [`wire`]: a minimal client of PostgreSQL's simple query protocol (trust auth, no TLS) that can send a
//!   statement and come back later for the reply, so the harness can tell "still running" from "done".
//! - [`engine`]: the SQL engine as the harness's other database (no server needed).
//! - [`harness`]: runs one schedule of a scenario on real sessions, one step at a time, next to the model, and
//!   compares after every action: where each transaction is (ready, waiting for a lock, aborted with which
//!   SQLSTATE, finished how), what the app read, and at the end the rows and the orders.

pub mod cluster;
pub mod engine;
pub mod harness;
pub mod wire;

// Run: `CARGO_BUILD_JOBS=1 nice -n 10 cargo test -p check-postgres -- --nocapture` (about 25 s in a debug build):
// it prints, per scenario, how many schedules agreed and the simulator's outcome counts, then
// `postgres cross-check: N of N schedules agreed`. The one timing-dependent rule is the deadlock victim (the
// earliest waiter in the model; on the server, the backend whose deadlock_timeout check runs first): the harness
// separates the two waits of a cycle by a third of deadlock_timeout, see `harness::DEADLOCK_TIMEOUT_MS`.
