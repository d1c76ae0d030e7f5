//! One million requests of the `mmc` preset, as a test binary that builds for both targets: bench.sh times it
//! natively and in wasm (node) to compare the two. It also checks the run is the same on both (trace hash).
//! In a debug build it is ignored (too slow to be worth it).

use msa_sim::proxy::{preset, Engine};

const EXPECTED_TRACE: u64 = 0x5085_934d_131b_a54d;

fn run() -> u64 {
    let mut cfg = preset("mmc").unwrap();
    cfg.max_requests = 1_000_000;
    cfg.duration_ms = 86_400_000;
    cfg.warmup_ms = 0;
    let mut e = Engine::new(cfg).unwrap();
    e.run_to_end(10_000);
    assert_eq!(e.metrics().totals.ok, 1_000_000);
    e.trace_hash()
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn mmc_million_native() {
    let h = run();
    assert_eq!(h, EXPECTED_TRACE, "{h:#018x}");
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn mmc_million_wasm() {
    if cfg!(debug_assertions) {
        return;
    }
    let h = run();
    assert_eq!(h, EXPECTED_TRACE, "{h:#018x}");
}
