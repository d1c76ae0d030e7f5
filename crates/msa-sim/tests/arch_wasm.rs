//! The architecture comparison gives the same figures natively and in wasm: a leak with the cascade and the
//! hop experiment (log-normal and constant service, the engine's float draws, the inverse-quantile sums),
//! pinned by their fingerprints and a few figures.
//!
//! Native: `cargo test -p msa-sim --profile sim-test --test arch_wasm`.
//! wasm (node): `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test --profile sim-test -p msa-sim --target wasm32-unknown-unknown --test arch_wasm`.

use msa_sim::arch::{Action, Comparison, Feature, Figure, Guard, Module, Setup, Value};

const EXPECTED: [u64; 4] = [23_763_926_206, 31_662_207_493_106_135, 444_657_495, 57_355_619_799];

fn runs() -> ([u64; 4], Value, Value) {
    let leak = Comparison::new(Setup {
        action: Action::Leak,
        module: Module::Payment,
        guard: Guard::None,
        ..Setup::default()
    })
    .unwrap()
    .run();
    let hop = Comparison::new(Setup { action: Action::Hop, ..Setup::default() }).unwrap().run();
    let [a, b] = leak.sides().unwrap();
    let [c, d] = hop.sides().unwrap();
    let track = b.get(Figure::Availability(Feature::Track)).cloned().unwrap();
    let p95 = d.get(Figure::CheckoutP95).cloned().unwrap();
    ([a.fingerprint, b.fingerprint, c.fingerprint, d.fingerprint], track, p95)
}

fn check() {
    let (f, track, p95) = runs();
    assert_eq!(track, Value::Percent(7_420));
    assert_eq!(p95, Value::Us(64_126));
    assert_eq!(f, EXPECTED, "fingerprints {f:#x?}");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_figures_are_pinned() {
    check();
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn wasm_figures_equal_native() {
    check();
}
