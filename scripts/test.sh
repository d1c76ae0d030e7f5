#!/usr/bin/env bash
# Runs every test of MSA Lab, installing what is missing first:
#   formatting (rustfmt) and lints (clippy, warnings as errors),
#   native tests of every crate (content pipeline, simulation core, CLI, app helpers), including the
#   cross-checks of the simulator against real nginx 1.22 and a throwaway PostgreSQL 15 on loopback,
#   the simulation core's long runs in release mode and its determinism check in wasm,
#   libFuzzer on every decoder of URL and localStorage input (15 s a target),
#   the release build (at the domain root and under a sub-path), the first-load size budget,
#   the browser suite in headless Chromium, the cross-engine suite in Firefox ESR and WebKitGTK (Safari's engine),
#   and the serving tests of the Chromium suite again behind real nginx configured with the
#   README's deploy snippet (pages, static copies, the Content-Security-Policy, offline, lessons).
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
# No incremental caches: this command builds each crate once a profile, and they would double the target folder.
export CARGO_INCREMENTAL=0

# Each step names the free disk space, so a build that runs out of it says so in the log.
free_mb() { df -Pm . | awk 'NR == 2 { print $4 }'; }
step() { printf '\n==> %s  [%s MB free]\n' "$*" "$(free_mb)"; }
# On a machine short of disk, the outputs of finished steps go before the next big build (they are rebuilt next
# time); with room enough they stay, so that running this again is quick.
make_room() {
  local free
  free=$(free_mb)
  if [ "$free" -lt 8000 ]; then
    printf 'only %s MB free: removing %s (outputs of earlier steps that no later step uses)\n' "$free" "$*"
    rm -rf "$@"
  fi
}
started=$(date +%s)

step "format and lints: rustfmt at 120 columns (rustfmt.toml), clippy with warnings as errors (native, wasm, the static-page renderer)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy --features ssr --bin render --locked -- -D warnings

step "native tests (all crates; check-nginx and check-postgres run the real servers)"
cargo test --workspace --locked

step "simulation core, optimised: the 1M-request theory checks (Erlang C, M/M/1, supermarket model)"
cargo test --profile sim-test -p msa-sim --locked --features invariants

step "simulation core in wasm (node): the same seeds give the same traces and counts as natively"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --profile sim-test -p msa-sim --target wasm32-unknown-unknown --locked --features invariants --test proxy_wasm --test race_wasm --test arch_wasm --test proxy_bench_run

step "fuzzing: every decoder of URL and localStorage input, 15 s a target (scripts/fuzz.sh)"
scripts/fuzz.sh 15

step "the post-build steps, each on a small folder of its own (tests/build)"
node --test tests/build/

make_room target/sim-test target/wasm32-unknown-unknown/sim-test fuzz/target target/debug
step "release build of the site (dist/)"
trunk build --release

step "release build under a sub-path (target/dist-sub, served at /msa-lab/)"
trunk build --release --public-url /msa-lab/ --dist target/dist-sub

step "first-load size budget"
# The goal is 350 KB a page; the root and the core, DDD and arch pages are within it, the race and proxy pages
# over it (the reverse-proxy pages most, 482-500 KB, README "Size"), so this ceiling only catches regressions
# until the size work brings those down. budget.sh prints every page.
scripts/budget.sh dist 500

step "browser suite (Playwright + axe in Debian's Chromium)"
node --test --test-concurrency=1 tests/e2e/

step "cross-engine suite: Firefox ESR (WebDriver BiDi) and WebKitGTK (WebKitWebDriver under Xvfb)"
node --test --test-concurrency=1 tests/engines/

step "deploy check: the serving tests behind real nginx with the README's snippet"
scripts/deploy-check.sh

du -sh target fuzz/target 2>/dev/null || true
printf '\nall tests passed in %ss\n' "$(( $(date +%s) - started ))"
