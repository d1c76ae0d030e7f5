//! Clients, a reverse proxy that balances exactly as nginx does, and backends: a deterministic discrete-event
//! simulation. The semantics are nginx's own (`ngx_http_upstream_round_robin.c`, `ngx_http_upstream_hash_module.c`,
//! `ngx_http_upstream_least_conn_module.c`, `ngx_http_proxy_module.c`); the correspondences are named in
//! [`balancer`] and [`engine`].
//!
//! ```
//! use msa_sim::proxy::{scenarios, Engine};
//! use msa_sim::time::SimTime;
//!
//! let cfg = scenarios::preset("passive-checks-death").unwrap();
//! let mut engine = Engine::new(cfg).unwrap();        // validates first: a bad config is a typed error
//! engine.run_until(SimTime::from_secs(12));          // bounded work per call
//! let snap = engine.snapshot();                      // what a view draws
//! assert!(snap.backends.iter().any(|b| b.crashed));
//! let rewind_point = engine.clone();                 // a checkpoint is a clone
//! engine.run_to_end(1_000);
//! assert!(engine.metrics().totals.conserved());      // sent = ok + failed + dropped + in flight
//! assert!(rewind_point.now() < engine.now());
//! ```

pub mod balancer;
pub mod config;
pub mod engine;
pub mod export;
pub mod hash_ring;
pub mod log;
pub mod metrics;
pub mod playground;
pub mod query;
pub mod rho_latency;
pub mod roles;
pub mod scenarios;

pub use balancer::{Algorithm, PeerParams, PickInput, Picker, Upstream};
pub use config::{
    Arrival, ClientConfig, Config, ConfigError, Dist, Fault, FaultAt, Field, HashKey, HealthCheck, NextUpstream,
    ProxyConfig, QueueConfig, ServerConfig, ServiceTime, SessionConfig, SessionMode,
};
pub use engine::{
    BackendView, Checkpoints, Command, CommandError, Engine, Phase, Progress, RequestView, Snapshot, Summary,
};
pub use export::to_nginx;
pub use log::{LogEntry, LogKind};
pub use metrics::{Metrics, Totals};
pub use query::QueryError;
pub use scenarios::{preset, SetError, PRESETS};
