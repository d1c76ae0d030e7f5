//! One million requests of the `mmc` preset, as a test binary that builds for both targets: the test command runs
//! it natively and in wasm (node, `scripts/test.sh`), and both must give the same run (trace hash). In a debug
//! build it is ignored (too slow to be worth it).
//!
//! The run times itself (engine construction and run, nothing else: not the process start, not node's wasm
//! compile) and prints `bench mmc_million <target> wall_s <seconds>` (with `--nocapture`), a figure to compare the
//! two targets by hand.

use msa_sim::proxy::{preset, Engine};

const EXPECTED_TRACE: u64 = 0x5085_934d_131b_a54d;

/// The run and its wall time in seconds, read with `now_ms` (a millisecond clock of the target).
fn run(now_ms: impl Fn() -> f64) -> (u64, f64) {
    let mut cfg = preset("mmc").unwrap();
    cfg.max_requests = 1_000_000;
    cfg.duration_ms = 86_400_000;
    cfg.warmup_ms = 0;
    let t0 = now_ms();
    let mut e = Engine::new(cfg).unwrap();
    e.run_to_end(10_000);
    let wall_s = (now_ms() - t0) / 1000.0;
    assert_eq!(e.metrics().totals.ok, 1_000_000);
    (e.trace_hash(), wall_s)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn mmc_million_native() {
    let start = std::time::Instant::now();
    let (h, wall_s) = run(|| start.elapsed().as_secs_f64() * 1000.0);
    println!("bench mmc_million native wall_s {wall_s:.6}");
    assert_eq!(h, EXPECTED_TRACE, "{h:#018x}");
}

#[cfg(target_arch = "wasm32")]
mod clock {
    use wasm_bindgen::prelude::*;
    #[wasm_bindgen]
    extern "C" {
        /// `performance.now()`: a global in node and in browsers (milliseconds, sub-millisecond resolution).
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        pub fn performance_now() -> f64;
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
#[cfg_attr(debug_assertions, ignore)]
fn mmc_million_wasm() {
    let (h, wall_s) = run(clock::performance_now);
    wasm_bindgen_test::console_log!("bench mmc_million wasm wall_s {wall_s:.6}");
    assert_eq!(h, EXPECTED_TRACE, "{h:#018x}");
}
