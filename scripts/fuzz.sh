#!/usr/bin/env bash
# Fuzzes every decoder of what a URL or localStorage carries into the app (fuzz/fuzz_targets/), each target for
# a fixed time: the proxy playground's link, the race link, the SQL editor's link, the architecture link, the saga
# link, the DDD aggregate's script (a challenge's state), the proxy presets with any overrides, and the stored
# exercise answers and reading progress.
#
#   scripts/fuzz.sh [seconds-per-target]    (default 15)
#
# Installs cargo-fuzz at a pinned version unless it is already there. Only the stable toolchain is needed:
# cargo-fuzz's nightly flags are allowed with RUSTC_BOOTSTRAP=1, and the targets are safe Rust, so they run
# without a sanitizer (a much faster build), with debug assertions and overflow checks on. Each target starts
# from its committed seeds (fuzz/seeds/<target>/) plus what earlier runs found (fuzz/corpus/<target>/, ignored
# by git). Exits non-zero on the first crash, printing the crashing input's path and how to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1

SECONDS_PER_TARGET=${1:-15}
CARGO_FUZZ_VERSION=0.13.2
TARGETS=(proxy_url race_url arch_url saga_url ddd_script scenario_set storage sql_editor_url)
FLAGS=(--sanitizer none --debug-assertions)

case $SECONDS_PER_TARGET in '' | *[!0-9]*) echo "usage: $0 [seconds-per-target]" >&2; exit 2 ;; esac

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

step "building the fuzz targets (${TARGETS[*]})"
cargo fuzz build "${FLAGS[@]}"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
for t in "${TARGETS[@]}"; do
  step "fuzzing $t for ${SECONDS_PER_TARGET}s"
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  cp -n fuzz/seeds/"$t"/* "fuzz/corpus/$t/"
  touch "$logs/$t.start"
  if cargo fuzz run "${FLAGS[@]}" "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 >"$logs/$t.log" 2>&1; then
    grep -E '^Done [0-9]+ runs' "$logs/$t.log" || tail -n 1 "$logs/$t.log"
  else
    grep -E -A4 "panicked at|^==[0-9]+== ?ERROR|ERROR: libFuzzer" "$logs/$t.log" | head -n 30 || true
    grep -E -B2 -A2 "Test unit written|Failing input" "$logs/$t.log" | head -n 20 || tail -n 40 "$logs/$t.log"
    found=$(find "fuzz/artifacts/$t" -type f -newer "$logs/$t.start")
    printf '\nFUZZ FAILURE in %s. Crashing input:\n%s\n' "$t" "${found:-(no artifact written; see the log above)}"
    for f in $found; do
      printf 'reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run %s %s %s\n' "${FLAGS[*]}" "$t" "$f"
    done
    exit 1
  fi
done

printf '\nfuzzing passed: %s targets, %ss each, in %ss\n' "${#TARGETS[@]}" "$SECONDS_PER_TARGET" "$(( $(date +%s) - started ))"
