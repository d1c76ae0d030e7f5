//! The same exploration natively and in wasm (node): the counts must be equal, and the timing is printed for
//! `bench/race_bench.sh`. Natively this runs as a plain `#[test]`; in wasm as a `#[wasm_bindgen_test]`:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p msa-sim --release
//!  --target wasm32-unknown-unknown --test race_wasm`.

use msa_sim::race::{build, explore, Budget, Exploration, Story, Strategy};

/// The pinned native figures (also in tests/race_explore.rs).
const SCHEDULES: u64 = 13_830;
const STATES: u64 = 57_090;
const LOST: u64 = 13_560;
const CORRECT: u64 = 270;
/// Explorations in the timed wasm test (keep in step with bench/race_bench.sh).
#[allow(dead_code)]
const WASM_REPEAT: u32 = 100;

fn explore_3x4() -> Exploration {
    explore(&build(Story::Counter, Strategy::NoLock, 3).expect("builds"), Budget::DEFAULT)
}

fn check(e: &Exploration) {
    use msa_sim::race::OutcomeKind::*;
    assert_eq!((e.schedules, e.states, e.count(LostUpdate), e.count(Correct)), (SCHEDULES, STATES, LOST, CORRECT));
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn explore_3x4_native() {
    let runs = 5;
    let t0 = std::time::Instant::now();
    for _ in 0..runs {
        check(&explore_3x4());
    }
    let ms = t0.elapsed().as_secs_f64() * 1e3 / runs as f64;
    println!("TXN_BENCH native explore 3x4: {ms:.2} ms per exploration ({SCHEDULES} schedules)");
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::*;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn explore_3x4_wasm() {
        check(&explore_3x4());
    }

    /// Timing without a clock of our own (`Instant::now` panics on wasm32-unknown-unknown and msa-sim takes no
    /// web dependency): `bench/race_bench.sh` runs only this test and divides the runner's "finished in" time by
    /// [`super::WASM_REPEAT`].
    #[wasm_bindgen_test]
    fn explore_3x4_wasm_repeated() {
        let n = super::WASM_REPEAT;
        for _ in 0..n {
            check(&explore_3x4());
        }
    }
}
