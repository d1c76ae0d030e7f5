#!/usr/bin/env bash
# Exhaustive exploration of 3 transactions x 4 statements (34,650 interleavings before locking), natively and in
# wasm under node. Prints milliseconds per exploration. Run from the workspace root:
#   bash crates/msa-sim/bench/race_bench.sh
# Needs the wasm32-unknown-unknown target and wasm-bindgen-test-runner (wasm-bindgen-cli 0.2.130) on PATH.
# For criterion's statistics natively: cargo bench -p msa-sim --bench race_explore
set -euo pipefail
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
REPEAT=100   # = WASM_REPEAT in crates/msa-sim/tests/race_wasm.rs

native=$(nice -n 10 cargo test -p msa-sim --release --test race_wasm -- --nocapture 2>/dev/null | grep TXN_BENCH)
echo "$native"

out=$(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner nice -n 10 \
  cargo test -p msa-sim --release --target wasm32-unknown-unknown --test race_wasm -- explore_3x4_wasm_repeated 2>&1)
secs=$(echo "$out" | grep -o 'finished in [0-9.]*s' | grep -o '[0-9.]*' | tail -1)
if [ -z "$secs" ]; then echo "$out"; exit 1; fi
awk -v s="$secs" -v n="$REPEAT" 'BEGIN { printf "TXN_BENCH wasm (node %s) explore 3x4: %.2f ms per exploration (%d runs in %.2f s, counts equal to native)\n", "'"$(node --version)"'", s * 1000 / n, n, s }'
