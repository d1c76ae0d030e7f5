//! Counters, the latency histogram and the per-second time series of a run.
//!
//! Conservation holds at every step: `sent = ok + failed + dropped + in_flight` ([`Totals::conserved`]).
//! Counters count every request; latency figures count only requests sent after the warm-up
//! ([`super::Config::warmup_ms`]), so the theory tests can skip the empty-system start.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The longest latency the histogram tells apart (an hour); longer ones are recorded as an hour.
const HIST_MAX_US: u64 = 3_600_000_000;
/// Two significant digits: 1% resolution, and a histogram of about 26 KB, so cloning an engine for a checkpoint
/// stays cheap.
const HIST_SIGFIG: u8 = 2;
/// The time series keeps the last hour of samples.
pub const SERIES_MAX: usize = 3_600;

/// Whole-run counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Requests the clients sent.
    pub sent: u64,
    /// Answered 2xx.
    pub ok: u64,
    /// Answered with an error status by the proxy or passed through from a backend (500, 502, 503, 504).
    pub failed: u64,
    /// Refused by the proxy queue (full, or waited longer than `timeout queue`): HAProxy answers 503.
    pub dropped: u64,
    /// Sent and not answered yet (in the proxy queue, on the way, at a backend).
    pub in_flight: u64,
    pub errors: ErrorCounts,
    /// Attempts after the first (proxy_next_upstream at work).
    pub retries: u64,
    /// Requests that found their session gone (a server that does not hold it, or a crash).
    pub sessions_lost: u64,
    /// Requests that waited in the proxy queue.
    pub queued: u64,
}

impl Totals {
    /// `sent = ok + failed + dropped + in_flight`.
    pub fn conserved(&self) -> bool {
        self.sent == self.ok + self.failed + self.dropped + self.in_flight
    }
}

/// Error answers by kind. `failed` = http_500 + http_502 + http_503 + http_504.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCounts {
    /// A backend's 500 passed through.
    pub http_500: u64,
    /// nginx's 502: connection errors on the last try, or no live upstream.
    pub http_502: u64,
    /// A backend's 503 (its queue was full) passed through.
    pub http_503: u64,
    /// nginx's 504: the last try timed out.
    pub http_504: u64,
    /// Of the 502s: "no live upstreams" (nothing was even tried).
    pub no_live: u64,
    /// Of the dropped: the proxy queue was full.
    pub queue_full: u64,
    /// Of the dropped: waited longer than the queue timeout.
    pub queue_timeout: u64,
}

/// One backend's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendStats {
    /// Attempts the proxy sent here.
    pub attempts: u64,
    /// 2xx answers the proxy used.
    pub ok: u64,
    /// 500 answers produced.
    pub http_500: u64,
    /// 503 answers (queue full).
    pub http_503: u64,
    /// Connections refused (crashed).
    pub refused: u64,
    /// Requests in progress lost to a crash (connection reset).
    pub reset: u64,
    /// Attempts the proxy gave up on (timeout).
    pub timeouts: u64,
    /// Jobs the backend finished, including ones the proxy had given up on.
    pub completed: u64,
    /// Finished jobs whose answer nobody waited for any more (wasted work).
    pub orphaned: u64,
    /// Worker-microseconds spent serving.
    pub busy_us: u64,
    /// Longest backend queue seen.
    pub max_queue: u64,
}

/// The latency histogram (HDR) and exact sums, of answered 2xx requests sent after the warm-up.
#[derive(Clone, Debug)]
pub struct Latency {
    hist: Histogram<u64>,
    pub count: u64,
    pub sum_us: u128,
    pub max_us: u64,
}

impl Default for Latency {
    fn default() -> Self {
        // Constant, valid bounds (1 <= low, high >= 2 * low, sigfig <= 5): construction cannot fail.
        let hist =
            Histogram::new_with_bounds(1, HIST_MAX_US, HIST_SIGFIG).expect("constant histogram bounds are valid");
        Latency { hist, count: 0, sum_us: 0, max_us: 0 }
    }
}

impl PartialEq for Latency {
    fn eq(&self, o: &Self) -> bool {
        self.count == o.count && self.sum_us == o.sum_us && self.max_us == o.max_us && self.hist == o.hist
    }
}

impl Latency {
    pub fn record(&mut self, us: u64) {
        // saturating_record clamps to the histogram's range; 0 µs is recorded as the lowest bucket.
        self.hist.saturating_record(us.max(1));
        self.count += 1;
        self.sum_us += us as u128;
        self.max_us = self.max_us.max(us);
    }

    /// Forgets every recorded latency.
    pub fn reset(&mut self) {
        self.hist.reset();
        self.count = 0;
        self.sum_us = 0;
        self.max_us = 0;
    }

    pub fn mean_us(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_us as f64 / self.count as f64
        }
    }

    /// The latency at quantile `q` (0..=1), in microseconds (HDR: within 1%).
    pub fn quantile_us(&self, q: f64) -> u64 {
        if self.count == 0 {
            0
        } else {
            self.hist.value_at_quantile(q.clamp(0.0, 1.0))
        }
    }

    pub fn summary(&self) -> LatencySummary {
        let ms = |us: f64| us / 1000.0;
        LatencySummary {
            count: self.count,
            mean_ms: ms(self.mean_us()),
            p50_ms: ms(self.quantile_us(0.50) as f64),
            p95_ms: ms(self.quantile_us(0.95) as f64),
            p99_ms: ms(self.quantile_us(0.99) as f64),
            max_ms: ms(self.max_us as f64),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// One point of the per-second time series: counts during that second, levels at its end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// The second that just ended (1 = the first second of the run).
    pub t_s: u64,
    pub sent: u64,
    pub ok: u64,
    pub failed: u64,
    pub dropped: u64,
    pub in_flight: u64,
    pub proxy_queue: u64,
    /// Per backend (config order): connections the proxy holds, requests waiting in the backend's queue.
    pub conns: Vec<u32>,
    pub backend_queue: Vec<u32>,
    /// Latency of the 2xx answers given during that second (all of them, warm-up included), in microseconds:
    /// median, 95th and 99th percentile (HDR: within 1%); 0 when none was answered.
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    /// Error answers during that second, by status.
    pub http_500: u64,
    pub http_502: u64,
    pub http_503: u64,
    pub http_504: u64,
    /// Requests that found their session gone during that second.
    pub sessions_lost: u64,
    /// Retries (attempts after the first) during that second.
    pub retries: u64,
    /// Per backend (config order, added servers included): 2xx answers it gave during that second.
    pub served: Vec<u64>,
}

/// Everything counted in a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub totals: Totals,
    pub backends: Vec<BackendStats>,
    pub latency: Latency,
    /// Requests (sent after the warm-up) that waited in the proxy queue, and their total wait.
    pub measured_requests: u64,
    pub measured_waited: u64,
    pub measured_wait_us: u128,
    pub series: VecDeque<Sample>,
    /// Totals at the last sample, to turn cumulative counts into per-second ones.
    pub(crate) last_sample: Totals,
    /// Latencies of 2xx answers since the last sample (for the per-second percentiles).
    pub(crate) window: Latency,
    /// Per-backend `ok` at the last sample.
    pub(crate) last_served: Vec<u64>,
}

impl Metrics {
    pub(crate) fn push_sample(&mut self, mut s: Sample) {
        let t = &self.totals;
        let l = &self.last_sample;
        s.sent = t.sent - l.sent;
        s.ok = t.ok - l.ok;
        s.failed = t.failed - l.failed;
        s.dropped = t.dropped - l.dropped;
        s.in_flight = t.in_flight;
        s.http_500 = t.errors.http_500 - l.errors.http_500;
        s.http_502 = t.errors.http_502 - l.errors.http_502;
        s.http_503 = t.errors.http_503 - l.errors.http_503;
        s.http_504 = t.errors.http_504 - l.errors.http_504;
        s.sessions_lost = t.sessions_lost - l.sessions_lost;
        s.retries = t.retries - l.retries;
        if self.window.count > 0 {
            s.p50_us = self.window.quantile_us(0.50);
            s.p95_us = self.window.quantile_us(0.95);
            s.p99_us = self.window.quantile_us(0.99);
            self.window.reset();
        }
        self.last_served.resize(self.backends.len(), 0);
        s.served = self.backends.iter().zip(&self.last_served).map(|(b, l)| b.ok - l).collect();
        self.last_served.clear();
        self.last_served.extend(self.backends.iter().map(|b| b.ok));
        self.last_sample = t.clone();
        if self.series.len() >= SERIES_MAX {
            self.series.pop_front();
        }
        self.series.push_back(s);
    }
}
