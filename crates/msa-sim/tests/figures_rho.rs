//! The utilisation figure's measured points (`msa_sim::proxy::rho_latency`) against the theory they are drawn
//! over, and the slicing that keeps a phone responsive. Release mode only (about a second of engine work; in a
//! debug build they are ignored: `cargo test --release -p msa-sim --test figures_rho`).

use msa_sim::proxy::rho_latency::{measure, theory, Measurement, MEASURED, REQUESTS, SERVERS};

/// Every point within 10% of M/M/c's mean and p99 up to ρ = 0.8; within 25% at 0.9 and 0.95, where 50,000
/// requests are a short look at a queue that takes long to forget its past (the figure says so).
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn measured_points_sit_on_the_mmc_curves() {
    for c in SERVERS {
        let pts = measure(c).unwrap();
        assert_eq!(pts.iter().map(|p| p.rho_pct).collect::<Vec<_>>(), MEASURED);
        for p in &pts {
            let th = theory(c, p.rho_pct);
            let tol = if p.rho_pct <= 80 { 0.10 } else { 0.25 };
            let off = |got: f64, want: f64| (got - want).abs() / want;
            assert!(
                off(p.mean_ms, th.mmc_mean_ms) < tol,
                "c {c} rho {}: mean {} vs {}",
                p.rho_pct,
                p.mean_ms,
                th.mmc_mean_ms
            );
            assert!(
                off(p.p99_ms, th.mmc_p99_ms) < tol,
                "c {c} rho {}: p99 {} vs {}",
                p.rho_pct,
                p.p99_ms,
                th.mmc_p99_ms
            );
            assert!(p.requests >= REQUESTS * 99 / 100);
        }
    }
}

/// The exact figures the widget shows for c = 4 (seed 1; the browser test reads the same numbers from the page).
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn the_figure_for_four_servers() {
    let pts = measure(4).unwrap();
    let shown: Vec<(u32, String, String)> =
        pts.iter().map(|p| (p.rho_pct, format!("{:.1}", p.mean_ms), format!("{:.1}", p.p99_ms))).collect();
    let want = [
        (30, "10.1", "46.6"),
        (50, "10.9", "47.9"),
        (70, "13.3", "53.2"),
        (80, "16.8", "67.6"),
        (90, "28.0", "103.4"),
        (95, "53.3", "292.9"),
    ];
    assert_eq!(shown, want.map(|(r, m, p)| (r, m.to_string(), p.to_string())));
}

#[test]
fn slices_add_up_to_the_whole_run() {
    let whole = measure(2).unwrap();
    let mut m = Measurement::new(2).unwrap();
    let mut slices = 0;
    while !m.advance(20_000) {
        slices += 1;
    }
    assert!(slices > 5);
    assert_eq!(m.points(), &whole[..]);
}
