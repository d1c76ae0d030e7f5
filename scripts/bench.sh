#!/usr/bin/env bash
# The bench command: every figure of the production checklist in one table, measured on the release build served
# by real nginx with the README's snippet (compression, caching, security headers):
#   - the simulator against SimPy on the same M/M/4 model, and wasm against native on the same run;
#   - explore-all of 3 transactions x 4 steps (the race visualizer's, and the SQL editor's of 3 sessions x 4
#     statements), and a million-request fast-forward, in Chromium;
#   - the longest task while ~500 requests animate at 1x;
#   - the first-load gzip size of every page;
#   - Lighthouse 12.8.2, mobile and desktop, on each language's home page and heaviest lesson.
# Figures, not a timed test: scripts/bench-report.mjs prints them with their goals and exits non-zero when one
# misses its goal. Installs what it needs (the test command's tools, SimPy in a venv, Lighthouse under
# scripts/lighthouse/). Takes about 10 minutes on 2 cores once the tools are installed.
#   bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
out=target/bench
mkdir -p "$out"
figs="$out/figures.txt"
: > "$figs"

echo "== release builds (dist/ at the root, target/dist-sub/ under /msa-lab/), the CLI"
trunk build --release
trunk build --release --public-url /msa-lab/ --dist target/dist-sub
cargo build --release --locked -p msa-cli

echo "== first-load gzip size of every page"
bash scripts/budget.sh dist 100000 | tee -a "$figs"

echo "== the simulator against SimPy; wasm against native"
bash crates/msa-sim/bench/bench.sh | tee -a "$figs"

echo "== Lighthouse $(node -p "require('./scripts/lighthouse/package.json').devDependencies.lighthouse")"
if [ ! -x scripts/lighthouse/node_modules/.bin/lighthouse ]; then
  npm ci --prefix scripts/lighthouse --no-audit --no-fund
fi
# The heaviest lesson of each language (every page loads the same app; lessons differ by their body).
heavy() { grep -E "^FIGURE page_kb /$1/" "$figs" | sort -k4 -n | tail -1 | awk '{print $3}'; }
pages=(/ko /en "$(heavy ko)" "$(heavy en)")

echo "== in Chromium, behind nginx: explore-all, 500 requests animating, a 1M-request fast-forward, Lighthouse on ${pages[*]}"
scripts/deploy-check.sh bash -c '
  set -e
  node scripts/race-bench.mjs 20
  node scripts/sql-explore-bench.mjs 20
  node scripts/proxy-bench.mjs
  node scripts/bench-lighthouse.mjs "$SITE_BASE" "$@"
' bench "${pages[@]}" | tee -a "$figs"

echo
echo "== figures against goals"
node scripts/bench-report.mjs "$figs"
