#!/usr/bin/env bash
# The same M/M/4 model (rho = 0.9, mu = 1/ms) in SimPy and in the Rust core, natively and in wasm (node).
# Prints wall times, requests per wall second, and the ratios (goals: Rust >= 100x SimPy; wasm <= 2x native).
# Figures, not a pass/fail test.  usage: crates/msa-sim/bench/bench.sh [simpy requests] [rust requests]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
n_py="${1:-200000}"
n_rs="${2:-1000000}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

# SimPy in a venv of its own, pinned by requirements.txt (reused when present).
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
echo "== SimPy (simpy $("$here/.venv/bin/python" -c 'import simpy; print(simpy.__version__)'), $n_py requests"
py_out="$("$here/.venv/bin/python" "$here/mmc_simpy.py" "$n_py" 4 3.6 1.0 1)"
echo "$py_out"
py_wall="$(echo "$py_out" | awk '/^wall_s/ {print $2}')"

echo "== Rust native (msa-sim run --scenario mmc), $n_rs requests"
(cd "$root" && cargo build -q --release -p msa-cli --bin msa-sim)
t0=$(date +%s.%N)
rs_json="$("$root/target/release/msa-sim" run --scenario mmc --set max_requests="$n_rs" --set duration_s=86400 --set warmup_ms=0 --json)"
t1=$(date +%s.%N)
rs_wall=$(echo "$t1 - $t0" | bc -l)
echo "$rs_json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("requests", d["totals"]["ok"]); print("mean_ms %.4f" % d["latency"]["mean_ms"]); print("p_wait %.4f" % d["queue_wait_fraction"]); print("events", d["events"])'
printf 'wall_s %.3f\n' "$rs_wall"

py_rate=$(echo "$n_py / $py_wall" | bc -l)
rs_rate=$(echo "$n_rs / $rs_wall" | bc -l)
printf '\nSimPy  %12.0f requests per wall second\n' "$py_rate"
printf 'Rust   %12.0f requests per wall second\n' "$rs_rate"
printf 'Rust / SimPy = %.0fx (goal >= 100x)\n' "$(echo "$rs_rate / $py_rate" | bc -l)"

# wasm (node) against native: the same test binary (tests/proxy_bench_run.rs, 1M requests of the mmc preset)
# built in release for both targets; wall time of running it.
if command -v wasm-bindgen-test-runner >/dev/null && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  echo
  echo "== wasm (node) vs native: tests/proxy_bench_run.rs"
  cd "$root"
  native_bin=$(cargo test -q --release -p msa-sim --test proxy_bench_run --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for l in sys.stdin:
    try: m=json.loads(l)
    except Exception: continue
    if m.get("reason")=="compiler-artifact" and m.get("target",{}).get("name")=="proxy_bench_run" and m.get("executable"): print(m["executable"])')
  wasm_bin=$(cargo test -q --release -p msa-sim --target wasm32-unknown-unknown --test proxy_bench_run --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for l in sys.stdin:
    try: m=json.loads(l)
    except Exception: continue
    if m.get("reason")=="compiler-artifact" and m.get("target",{}).get("name")=="proxy_bench_run":
        for f in m.get("filenames",[]):
            if f.endswith(".wasm"): print(f)')
  t0=$(date +%s.%N); "$native_bin" --quiet >/dev/null; t1=$(date +%s.%N)
  nat=$(echo "$t1 - $t0" | bc -l)
  t0=$(date +%s.%N); wasm-bindgen-test-runner "$wasm_bin" >/dev/null; t1=$(date +%s.%N)
  was=$(echo "$t1 - $t0" | bc -l)
  printf 'native %.3f s, wasm (node) %.3f s: wasm / native = %.2fx (goal <= 2x)\n' "$nat" "$was" "$(echo "$was / $nat" | bc -l)"
else
  echo "(wasm-bindgen-test-runner or the wasm32 target missing: wasm vs native skipped)"
fi
