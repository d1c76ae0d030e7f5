//! What the engine shows: the snapshot a view draws at one instant and the figures of a run.

use super::*;

/// Where an in-flight request is, for drawing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Waiting in the proxy queue (HAProxy maxconn).
    ProxyQueue,
    /// On the wire from the proxy to a backend.
    ToBackend,
    /// Waiting in the backend's own queue.
    BackendQueue,
    /// Being served.
    Service,
    /// At a hung backend: nothing will happen until the proxy times out.
    Stalled,
    /// The answer (or the refusal) on the wire back to the proxy.
    ToProxy,
}

/// One backend as a view draws it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackendView {
    pub index: usize,
    pub name: String,
    pub server: String,
    pub weight: i64,
    pub effective_weight: i64,
    pub current_weight: i64,
    /// Connections the proxy holds to it (nginx's `conns`).
    pub conns: u32,
    pub max_conns: u32,
    pub fails: u32,
    pub backup: bool,
    pub down: bool,
    pub removed: bool,
    /// Held out by passive checks (max_fails within fail_timeout).
    pub failed_passive: bool,
    /// Held out by active checks.
    pub check_down: bool,
    pub crashed: bool,
    pub hung: bool,
    pub slow: f64,
    pub error_permille: u32,
    pub workers: u32,
    pub busy: u32,
    pub queue_len: u32,
    pub queue_cap: u32,
}

/// One in-flight request as a view animates it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: u64,
    pub client: u32,
    pub post: bool,
    pub server: Option<usize>,
    pub attempt: u32,
    pub phase: Phase,
    /// 0..=1 through the phase (against the deadline when the phase's end is unknown).
    pub progress: f64,
}

/// Everything a view draws at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub now: SimTime,
    pub finished: bool,
    pub backends: Vec<BackendView>,
    pub proxy_queue: u64,
    /// The first [`SNAPSHOT_REQUESTS_MAX`] in-flight requests by id.
    pub requests: Vec<RequestView>,
    pub requests_total: u64,
    pub totals: crate::proxy::metrics::Totals,
    pub latency: LatencySummary,
    /// Per backend (config order): its counters so far.
    pub stats: Vec<BackendStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackendSummary {
    pub name: String,
    /// Busy worker time / (run time x workers).
    pub utilization: f64,
    #[serde(flatten)]
    pub stats: BackendStats,
}

/// A run's figures (the CLI's `--json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub seed: u64,
    pub algorithm: String,
    /// False for peak-EWMA (not an nginx algorithm).
    pub nginx_algorithm: bool,
    pub sim_time_s: f64,
    pub events: u64,
    pub totals: crate::proxy::metrics::Totals,
    pub conserved: bool,
    /// 2xx answers per second after the warm-up.
    pub throughput_per_s: f64,
    /// Of 2xx answers to requests sent after the warm-up.
    pub latency: LatencySummary,
    /// Of requests sent after the warm-up: the fraction that waited in the proxy queue, and their mean wait.
    pub queue_wait_fraction: f64,
    pub queue_wait_mean_ms: f64,
    pub backends: Vec<BackendSummary>,
    /// FNV-1a 64 of the event trace, hex.
    pub trace_hash: String,
}
