//! # msa-sim: the deterministic simulation core of MSA Lab
//!
//! One plain, synchronous, seeded state machine per topic, with no web dependency. The Leptos app, the
//! `msa-sim` CLI, the tests and the benchmarks all drive the same code, so a seed gives the same trace
//! natively and in the browser.
//!
//! - [`time`]: logical time in integer microseconds ([`time::SimTime`]); never the wall clock.
//! - [`rng`]: the one named PRNG ([`rng::SimRng`], xoshiro256++) every random draw goes through.
//! - [`events`]: an event queue ordered by (time, sequence number), so ties resolve one way.
//! - [`proxy`]: clients, a reverse proxy that balances exactly as nginx does, and backends.
//! - [`race`]: transactions and row locks that behave as PostgreSQL 15 does.
//! - [`queueing`]: M/M/1 and M/M/c formulas (Erlang C, the response time's mean and percentiles).
//! - [`percentile`]: percentiles of measured samples (exact by nearest rank, or an HDR histogram, and which when).
//! - [`arch`]: one shop run as a monolith, a modular monolith or microservices, on the proxy engine.
//! - [`ddd`]: DDD's `Order` aggregate and the DDD lesson's graded exercises.
//! - [`predict`]: the answers to the lessons' predictions, computed by running the scenarios above.
//! - [`challenge`]: goal-driven challenges over the widgets' shareable states, judged here.
//! - [`session`]: a JWT taken apart and verified step by step (the sessions lesson).

pub mod arch;
pub mod challenge;
pub mod ddd;
pub mod events;
pub mod percentile;
pub mod predict;
pub mod proxy;
pub mod queueing;
pub mod race;
pub mod rng;
pub mod session;
pub mod sql;
pub mod time;
