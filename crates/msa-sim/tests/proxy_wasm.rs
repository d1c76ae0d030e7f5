//! The same trace natively and in wasm: a fixed scenario and seed must give this trace hash on both targets.
//!
//! Native: `cargo test -p msa-sim --test proxy_wasm`.
//! wasm (node): `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p msa-sim --target wasm32-unknown-unknown --test proxy_wasm`.

use msa_sim::proxy::{preset, Engine};

/// The trace hash of `uneven-peak-ewma` with seed 7, a log-normal server and a crash, run to the end.
/// Floating point (exponential and log-normal draws via libm, peak-EWMA) is on this path, so a target that
/// computed one bit differently would change it.
const EXPECTED_TRACE: u64 = 0x76e0_5ef1_9819_a997;

fn trace() -> (u64, u64) {
    let mut cfg = preset("uneven-peak-ewma").unwrap();
    cfg.seed = 7;
    cfg.duration_ms = 10_000;
    cfg.servers[1].service.dist = msa_sim::proxy::Dist::LogNormal;
    cfg.faults =
        vec![msa_sim::proxy::FaultAt { at_ms: 4_000, server: "s1".into(), fault: msa_sim::proxy::Fault::Crash }];
    let mut e = Engine::new(cfg).unwrap();
    e.run_to_end(100);
    (e.trace_hash(), e.metrics().totals.sent)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_trace_hash_is_pinned() {
    let (h, sent) = trace();
    assert!(sent > 1000);
    assert_eq!(h, EXPECTED_TRACE, "native trace hash {h:#018x}");
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_trace_hash_equals_native() {
    let (h, sent) = trace();
    assert!(sent > 1000);
    assert_eq!(h, EXPECTED_TRACE, "wasm trace hash {h:#018x}");
}
