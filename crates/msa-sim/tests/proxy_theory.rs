//! Queueing theory at one million requests, within 2% (semantics.md, "Queueing"). Release mode only: in a debug
//! build they are ignored (run them with `cargo test --release -p msa-sim --test proxy_theory`).
//!
//! Expected values are computed here from the formulas. Latency statistics skip the warm-up (requests sent in the
//! first seconds, while the queues fill from empty).

use msa_sim::proxy::{preset, Config, Engine};
use msa_sim::queueing::{erlang_c, Mmc};

const N: u64 = 1_000_000;

/// Runs `cfg` until `N` requests after the warm-up have been answered (arrivals capped accordingly).
fn run(mut cfg: Config) -> Engine {
    let warm = (cfg.clients.rate_per_s * cfg.warmup_ms as f64 / 1000.0) as u64;
    cfg.max_requests = N + warm;
    cfg.duration_ms = 86_400_000;
    let mut e = Engine::new(cfg).expect("valid");
    let p = e.run_to_end(10_000);
    assert!(p.finished);
    let m = e.metrics();
    assert!(m.totals.conserved());
    assert_eq!(m.totals.failed + m.totals.dropped, 0);
    assert!(m.latency.count >= N * 99 / 100, "{}", m.latency.count);
    e
}

fn within(got: f64, want: f64, what: &str) {
    let rel = (got - want).abs() / want;
    println!("{what}: simulated {got:.5}, theory {want:.5}, off by {:.2}%", rel * 100.0);
    assert!(rel < 0.02, "{what}: simulated {got}, theory {want} ({:.2}% off)", rel * 100.0);
}

/// One proxy queue (HAProxy maxconn 1 per server) in front of c = 4 single-worker servers: M/M/4.
/// lambda = 3.2 per ms, mu = 1 per ms (rho = 0.8).
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn proxy_queue_before_c_servers_is_erlang_c() {
    let mut cfg = preset("mmc").unwrap();
    cfg.clients.rate_per_s = 3_200.0;
    cfg.warmup_ms = 3_000;
    let (c, lambda, mu) = (4u32, 3.2f64, 1.0f64); // per millisecond
    let e = run(cfg);
    let m = e.metrics();
    let p_wait = erlang_c(c, lambda / mu);
    let w = p_wait / (c as f64 * mu - lambda) + 1.0 / mu;
    within(m.measured_waited as f64 / m.measured_requests as f64, p_wait, "M/M/4 P(wait)");
    within(m.latency.mean_us() / 1000.0, w, "M/M/4 mean response time (ms)");
    // Waiting time alone: E[Wq] = C / (c mu - lambda).
    within(
        m.measured_wait_us as f64 / m.measured_requests as f64 / 1000.0,
        p_wait / (c as f64 * mu - lambda),
        "M/M/4 mean wait (ms)",
    );
    // The p99 of the response time W = S + Wq (msa_sim::queueing: the survival function's root).
    let q = Mmc::new(c, lambda, mu).unwrap();
    within(m.latency.quantile_us(0.99) as f64 / 1000.0, q.response_quantile(0.99).unwrap(), "M/M/4 p99 (ms)");
    within(m.latency.quantile_us(0.5) as f64 / 1000.0, q.response_quantile(0.5).unwrap(), "M/M/4 median (ms)");
}

/// nginx `random` over c = 4 single-worker servers: each one an M/M/1 queue with lambda / c.
/// lambda / c = 0.7 per ms, mu = 1 per ms: W = 1 / (mu - lambda / c), p99 = ln(100) / (mu - lambda / c).
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn random_over_c_servers_is_c_independent_mm1() {
    let mut cfg = preset("random-mm1").unwrap();
    cfg.clients.rate_per_s = 2_800.0;
    cfg.warmup_ms = 3_000;
    let e = run(cfg);
    let m = e.metrics();
    let gap = 1.0 - 0.7;
    within(m.latency.mean_us() / 1000.0, 1.0 / gap, "M/M/1 mean response time (ms)");
    within(m.latency.quantile_us(0.99) as f64 / 1000.0, 100f64.ln() / gap, "M/M/1 p99 (ms)");
}

/// `random two least_conn` over 200 servers at lambda = 0.9 per server: the supermarket model with d = 2, mean time
/// in system sum_{i>=1} lambda^((d^i - d) / (d - 1)) (in units of 1 / mu = 1 ms).
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn random_two_is_the_supermarket_model() {
    let mut cfg = preset("random-two-supermarket").unwrap();
    cfg.warmup_ms = 300;
    let e = run(cfg);
    let lambda: f64 = 0.9;
    let d: f64 = 2.0;
    // Terms vanish fast (lambda^(2^i - 2)); 30 of them is far past f64 precision.
    let t: f64 = (1..30).map(|i| lambda.powf((d.powi(i) - d) / (d - 1.0))).sum();
    within(e.metrics().latency.mean_us() / 1000.0, t, "supermarket mean time in system (ms)");
}
