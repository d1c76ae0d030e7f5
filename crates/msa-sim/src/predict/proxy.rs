//! Reveals that run the reverse-proxy engine: balancing (load-balancing lesson), sessions (sessions lesson) and
//! queueing (large-traffic lesson). Each runs a preset of [`crate::proxy::PRESETS`], seeded, so the answer is the
//! same on every device.

use super::{Answer, Col, Reveal};
use crate::proxy::{preset, Engine};
use crate::queueing::Mmc;
use crate::time::SimTime;

/// The slow server's share of requests: less than a third, about a third, more.
pub const SHARE_KEYS: &[&str] = &["less", "third", "more"];
/// Whether the clients of a server that died lose their sessions again when it comes back.
pub const RETURN_KEYS: &[&str] = &["again", "kept"];
/// How much longer p99 is with a queue a server than with one shared queue: about the same, about three times,
/// about ten times.
pub const QUEUES_KEYS: &[&str] = &["same", "three", "ten"];
/// How many servers four clients from two /24 networks land on under ip_hash.
pub const SPREAD_KEYS: &[&str] = &["one", "two", "three"];
/// How many requests fail when 400 requests/s meet 300/s of capacity.
pub const FAILED_KEYS: &[&str] = &["none", "quarter", "half", "most"];

pub fn reveal(name: &str) -> Option<Reveal> {
    match name {
        "rr-slow-share" => Some(slow_share("uneven-round-robin")),
        "least-conn-slow-share" => Some(slow_share("uneven-least-conn")),
        "ip-hash-return" => Some(sessions_return("sticky-ip-hash-death")),
        "cookie-return" => Some(sessions_return("sticky-cookie-death")),
        "shared-store-lost" => {
            let (rows, lost) = session_windows("shared-sessions-death");
            Some(Reveal { answer: Answer::Number(lost.iter().sum()), cols: window_cols(), rows, mark: Some(1) })
        }
        "mmc-p99-095" => Some(mmc_p99()),
        "saturation-failed" => Some(saturation()),
        "separate-queues-p99" => Some(separate_queues()),
        "ip-hash-spread" => Some(ip_hash_spread()),
        _ => None,
    }
}

/// Runs `engine` until simulated time `t` (or the end of the run).
fn run_to(engine: &mut Engine, t: SimTime) {
    while engine.now() < t && !engine.run_until(t).finished {}
}

fn engine(preset_name: &str) -> Engine {
    // The presets are valid (tests/proxy_exact.rs builds every one), so neither unwrap can fail.
    Engine::new(preset(preset_name).expect("a preset of PRESETS")).expect("a valid preset")
}

fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// 20 s of three servers, s3 four times slower: how the algorithm shares the requests out.
fn slow_share(preset_name: &str) -> Reveal {
    let mut e = engine(preset_name);
    run_to(&mut e, SimTime::from_secs(20));
    let s = e.summary();
    let total: u64 = s.backends.iter().map(|b| b.stats.attempts).sum();
    let rows = s
        .backends
        .iter()
        .map(|b| {
            vec![
                b.name.clone(),
                b.stats.attempts.to_string(),
                format!("{:.1}", pct(b.stats.attempts, total)),
                format!("{:.0}", 100.0 * b.utilization),
            ]
        })
        .collect();
    let slow = s.backends.last().map_or(0.0, |b| pct(b.stats.attempts, total));
    let answer = if slow < 30.0 {
        "less"
    } else if slow <= 36.7 {
        "third"
    } else {
        "more"
    };
    Reveal {
        answer: Answer::Choice(answer),
        cols: vec![Col::Server, Col::Requests, Col::Share, Col::Busy],
        rows,
        mark: Some(s.backends.len().saturating_sub(1)),
    }
}

fn window_cols() -> Vec<Col> {
    vec![Col::Window, Col::SessionsLost]
}

/// Sessions lost before s2 dies (0-10 s), while it is down (10-20 s) and after it is back (20-30 s).
fn session_windows(preset_name: &str) -> (Vec<Vec<String>>, [i64; 3]) {
    let mut e = engine(preset_name);
    let mut lost = [0_i64; 3];
    let mut before = 0;
    for (i, end) in [10, 20, 30].into_iter().enumerate() {
        run_to(&mut e, SimTime::from_secs(end));
        let now = e.metrics().totals.sessions_lost;
        lost[i] = (now - before) as i64;
        before = now;
    }
    let rows =
        ["0-10 s", "10-20 s", "20-30 s"].iter().zip(lost).map(|(w, n)| vec![w.to_string(), n.to_string()]).collect();
    (rows, lost)
}

fn sessions_return(preset_name: &str) -> Reveal {
    let (rows, lost) = session_windows(preset_name);
    Reveal {
        answer: Answer::Choice(if lost[2] > 0 { "again" } else { "kept" }),
        cols: window_cols(),
        rows,
        mark: Some(2),
    }
}

/// M/M/4 as the `mmc` preset sets it up (one proxy queue, four single-worker servers, 1 ms mean exponential
/// service, Poisson arrivals) at four loads, from queueing theory: the tail at 95 % load needs minutes of
/// simulated traffic to measure well, too long for a click (the large-traffic lesson's utilisation figure puts
/// the simulator's points over these curves). The answer is p99 at 95 % in whole milliseconds.
fn mmc_p99() -> Reveal {
    let (c, mu) = (4, 1_000.0);
    let mut rows = Vec::new();
    let mut answer = 0;
    for load in [50_u32, 80, 90, 95] {
        let lambda = f64::from(load) / 100.0 * f64::from(c) * mu;
        let (mean, p99) = (mmc_mean_s(c, mu, lambda), mmc_quantile_s(c, mu, lambda, 0.99));
        if load == 95 {
            answer = libm::round(p99 * 1e3) as i64;
        }
        rows.push(vec![format!("0.{load}"), format!("{:.1}", mean * 1e3), format!("{:.1}", p99 * 1e3)]);
    }
    Reveal { answer: Answer::Number(answer), cols: vec![Col::Load, Col::MeanMs, Col::P99Ms], rows, mark: Some(3) }
}

/// The clients of the ip_hash section (two from one office network, two from another) over 8001-8003, picked
/// as nginx picks them (`msa-sim pick --algo ip-hash`).
fn ip_hash_spread() -> Reveal {
    use crate::proxy::balancer::{Algorithm, PeerParams, PickInput, Picker};
    let servers: Vec<PeerParams> = (1..=3).map(|i| PeerParams::weighted(format!("127.0.0.1:800{i}"), 1)).collect();
    let mut picker = Picker::new(Algorithm::IpHash, &servers, 1);
    let clients: [[u8; 4]; 4] = [[203, 0, 113, 7], [203, 0, 113, 200], [198, 51, 100, 7], [198, 51, 100, 99]];
    let mut used = Vec::new();
    let rows = clients
        .iter()
        .map(|&ip| {
            let at = picker.pick(PickInput { client_ip: ip, key: "/" });
            if let Some(i) = at {
                if !used.contains(&i) {
                    used.push(i);
                }
            }
            let server = at.map_or("502".to_string(), |i| format!("800{}", i + 1));
            vec![format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]), server]
        })
        .collect();
    let answer = match used.len() {
        0 | 1 => "one",
        2 => "two",
        _ => "three",
    };
    Reveal { answer: Answer::Choice(answer), cols: vec![Col::Client, Col::Server], rows, mark: None }
}

/// Four single-worker servers at 80 % load (1 ms mean service): a queue each (random picking makes each an
/// M/M/1, the `random-mm1` preset) against one shared queue (M/M/4, the `mmc` preset), from queueing theory.
fn separate_queues() -> Reveal {
    let (mu, lambda) = (1_000.0, 3_200.0);
    let separate = (mmc_mean_s(1, mu, lambda / 4.0), mmc_quantile_s(1, mu, lambda / 4.0, 0.99));
    let shared = (mmc_mean_s(4, mu, lambda), mmc_quantile_s(4, mu, lambda, 0.99));
    let ratio = separate.1 / shared.1;
    let answer = if ratio < 1.5 {
        "same"
    } else if ratio < 6.0 {
        "three"
    } else {
        "ten"
    };
    let row = |name: &str, (mean, p99): (f64, f64)| {
        vec![name.to_string(), format!("{:.1}", mean * 1e3), format!("{:.1}", p99 * 1e3)]
    };
    Reveal {
        answer: Answer::Choice(answer),
        cols: vec![Col::Queues, Col::MeanMs, Col::P99Ms],
        rows: vec![row("M/M/1 × 4", separate), row("M/M/4", shared)],
        mark: Some(0),
    }
}

/// Mean and `q` quantile of M/M/c's response time, in seconds ([`crate::queueing`]; the loads here are valid).
fn mmc_mean_s(c: u32, mu: f64, lambda: f64) -> f64 {
    Mmc::new(c, lambda, mu).map_or(f64::NAN, |m| m.mean_response())
}

fn mmc_quantile_s(c: u32, mu: f64, lambda: f64, q: f64) -> f64 {
    Mmc::new(c, lambda, mu).ok().and_then(|m| m.response_quantile(q)).unwrap_or(f64::NAN)
}

/// 400 requests/s into three servers of 100/s each (the `saturation` preset): what share fails.
fn saturation() -> Reveal {
    let mut e = engine("saturation");
    run_to(&mut e, SimTime::from_secs(30));
    let t = e.metrics().totals.clone();
    let failed = pct(t.failed + t.dropped, t.sent);
    let answer = match failed {
        f if f < 5.0 => "none",
        f if f < 37.5 => "quarter",
        f if f < 62.5 => "half",
        _ => "most",
    };
    Reveal {
        answer: Answer::Choice(answer),
        cols: vec![Col::Requests, Col::FailedPct, Col::MeanMs, Col::P99Ms],
        rows: vec![vec![
            t.sent.to_string(),
            format!("{failed:.1}"),
            format!("{:.0}", e.summary().latency.mean_ms),
            format!("{:.0}", e.summary().latency.p99_ms),
        ]],
        mark: Some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures the predictions quote, against values worked out independently (Python, closed forms).
    #[test]
    fn mmc_matches_queueing_theory() {
        assert!((mmc_mean_s(4, 1e3, 3_800.0) * 1e3 - 5.457_095).abs() < 1e-5);
        assert!((mmc_quantile_s(4, 1e3, 3_800.0, 0.99) * 1e3 - 23.566_87).abs() < 1e-3);
        assert!((mmc_quantile_s(4, 1e3, 3_200.0, 0.99) * 1e3 - 6.893_20).abs() < 1e-3);
        // M/M/1's response time is Exp(mu - lambda): p99 = ln(100) / (mu - lambda).
        assert!((mmc_quantile_s(1, 1e3, 800.0, 0.99) - libm::log(100.0) / 200.0).abs() < 1e-9);
    }
}
