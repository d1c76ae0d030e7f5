#!/usr/bin/env bash
# The same M/M/4 model (rho = 0.9, mu = 1/ms) in SimPy and in the Rust core, natively and in wasm (node, and
# headless Chromium when chromedriver is there).
# Prints wall times, requests per wall second, and the ratios (goals: Rust >= 100x SimPy; wasm <= 2x native).
# Figures, not a pass/fail test.  usage: crates/msa-sim/bench/bench.sh [simpy requests] [rust requests]
#
# Every side times the simulation run itself, inside its own process, the same way: SimPy's wall_s covers building
# the model and env.run() (not the interpreter start, the import, nor printing); the CLI's `--timing` wall_s covers
# building the engine and running it (not the process start, parsing, the summary nor the JSON); the wasm and
# native builds of tests/proxy_bench_run.rs time the same 1M-request run with performance.now() / Instant and print
# it (not node's start nor the wasm compile). Each figure is the best of $REPEAT runs (default 3): the machine may be
# shared, and the best run is the one least disturbed.
#
# The last lines are machine-readable, one `key value` pair each:
#   simpy_rate, rust_rate (requests per wall second), native_1m_s (the CLI's wall_s for the Rust run, scaled to 1M
#   requests), simpy_ratio, and when the wasm toolchain is there native_test_1m_s, wasm_node_1m_s,
#   wasm_node_native_ratio, and with Chromium wasm_chromium_1m_s and wasm_native_ratio (Chromium against native);
# then the same pairs again as `FIGURE <key> <value>` lines (the form scripts/bench-report.mjs reads).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
n_py="${1:-200000}"
n_rs="${2:-1000000}"
repeat="${REPEAT:-3}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

# The smallest of the numbers on stdin.
best() { sort -g | head -1; }

# SimPy in a venv of its own, pinned by requirements.txt (reused when present).
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
echo "== SimPy (simpy $("$here/.venv/bin/python" -c 'import simpy; print(simpy.__version__)'), $n_py requests, best of $repeat"
py_walls=""
for _ in $(seq "$repeat"); do
  py_out="$("$here/.venv/bin/python" "$here/mmc_simpy.py" "$n_py" 4 3.6 1.0 1)"
  py_walls="$py_walls $(echo "$py_out" | awk '/^wall_s/ {print $2}')"
done
echo "$py_out" | grep -v '^wall_s'
py_wall="$(echo $py_walls | tr ' ' '\n' | best)"
echo "wall_s $py_wall   (runs:$py_walls)"

echo "== Rust native (msa-sim run --scenario mmc --timing), $n_rs requests, best of $repeat"
(cd "$root" && cargo build -q --release -p msa-cli --bin msa-sim)
rs_walls=""
for _ in $(seq "$repeat"); do
  t0=$(date +%s.%N)
  rs_json="$("$root/target/release/msa-sim" run --scenario mmc --set max_requests="$n_rs" --set duration_s=86400 --set warmup_ms=0 --json --timing)"
  t1=$(date +%s.%N)
  rs_walls="$rs_walls $(echo "$rs_json" | python3 -c 'import json,sys; print("%.6f" % json.load(sys.stdin)["wall_s"])')"
done
echo "$rs_json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("requests", d["totals"]["ok"]); print("mean_ms %.4f" % d["latency"]["mean_ms"]); print("p_wait %.4f" % d["queue_wait_fraction"]); print("events", d["events"]); print("trace_hash", d["trace_hash"])'
rs_wall="$(echo $rs_walls | tr ' ' '\n' | best)"
echo "wall_s $rs_wall   (runs:$rs_walls; whole process, last run: $(printf '%.3f' "$(echo "$t1 - $t0" | bc -l)") s)"

py_rate=$(echo "$n_py / $py_wall" | bc -l)
rs_rate=$(echo "$n_rs / $rs_wall" | bc -l)
ratio=$(echo "$rs_rate / $py_rate" | bc -l)
printf '\nSimPy  %12.0f requests per wall second\n' "$py_rate"
printf 'Rust   %12.0f requests per wall second\n' "$rs_rate"
printf 'Rust / SimPy = %.1fx (goal >= 100x)\n' "$ratio"
summary="$(printf 'simpy_rate %.0f\nrust_rate %.0f\nnative_1m_s %.6f\nsimpy_ratio %.2f' \
  "$py_rate" "$rs_rate" "$(echo "$rs_wall * 1000000 / $n_rs" | bc -l)" "$ratio")"

# wasm (node) against native: the same test binary (tests/proxy_bench_run.rs, 1M requests of the mmc preset)
# built in release for both targets; each times its own run and prints `bench mmc_million <target> wall_s <s>`.
if command -v wasm-bindgen-test-runner >/dev/null && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  echo
  echo "== wasm (node) vs native: tests/proxy_bench_run.rs, best of $repeat"
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
  # The same wasm in headless Chromium (wasm-bindgen-test-runner drives it through chromedriver; the options,
  # --no-sandbox for root among them, come from a webdriver.json in the directory it runs in).
  chrome_dir=""
  if [ -x /usr/bin/chromedriver ]; then
    chrome_dir=$(mktemp -d)
    cat > "$chrome_dir/webdriver.json" <<'JSON'
{ "goog:chromeOptions": { "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
  "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] } }
JSON
  fi
  wall_of() { awk '/bench mmc_million wasm wall_s/ {for (i = 1; i < NF; i++) if ($i == "wall_s") print $(i + 1)}'; }
  nat_walls=""; was_walls=""; chr_walls=""
  for _ in $(seq "$repeat"); do
    nat_walls="$nat_walls $("$native_bin" --nocapture --quiet 2>&1 | awk '/^bench mmc_million native wall_s/ {print $5}')"
    was_walls="$was_walls $(wasm-bindgen-test-runner "$wasm_bin" --nocapture 2>&1 | wall_of)"
    if [ -n "$chrome_dir" ]; then
      chr_walls="$chr_walls $(cd "$chrome_dir" && WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
        wasm-bindgen-test-runner "$wasm_bin" --nocapture 2>&1 | wall_of)"
    fi
  done
  [ -n "$chrome_dir" ] && rm -rf "$chrome_dir"
  nat="$(echo $nat_walls | tr ' ' '\n' | best)"
  was="$(echo $was_walls | tr ' ' '\n' | best)"
  chr="$(echo $chr_walls | tr ' ' '\n' | best)"
  if [ -n "$nat" ] && [ -n "$was" ]; then
    wratio=$(echo "$was / $nat" | bc -l)
    echo "native runs:$nat_walls"
    echo "wasm runs:  $was_walls"
    printf 'native %.3f s, wasm (node) %.3f s: wasm (node) / native = %.2fx\n' "$nat" "$was" "$wratio"
    summary="$summary
$(printf 'native_test_1m_s %.6f\nwasm_node_1m_s %.6f\nwasm_node_native_ratio %.3f' "$nat" "$was" "$wratio")"
    if [ -n "$chr" ]; then
      cratio=$(echo "$chr / $nat" | bc -l)
      echo "chromium runs:$chr_walls"
      printf 'native %.3f s, wasm (Chromium) %.3f s: wasm (Chromium) / native = %.2fx (goal <= 2x)\n' "$nat" "$chr" "$cratio"
      summary="$summary
$(printf 'wasm_chromium_1m_s %.6f\nwasm_native_ratio %.3f' "$chr" "$cratio")"
    fi
  else
    echo "(no timing line from the native or the wasm test run: wasm vs native skipped)"
  fi
else
  echo "(wasm-bindgen-test-runner or the wasm32 target missing: wasm vs native skipped)"
fi

echo
echo "$summary"
# The same pairs as `FIGURE <key> <value>` lines, the form scripts/bench-report.mjs (on main) reads.
echo "$summary" | sed 's/^/FIGURE /'
