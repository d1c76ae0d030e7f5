#!/usr/bin/env bash
# The bench command: every figure of the production checklist in one table, measured on the release build served
# by real nginx with the README's snippet (compression, caching, security headers):
#   - the simulator against SimPy on the same M/M/4 model, and wasm against native on the same run;
#   - explore-all of 3 transactions x 4 steps (the race visualizer's, and the SQL editor's of 3 sessions x 4
#     statements), and a million-request fast-forward, in Chromium;
#   - the longest task while ~500 requests animate at 1x;
#   - the first-load gzip size of every page;
#   - the five largest contributors to each wasm bundle (twiggy);
#   - Lighthouse 12.8.2 on each language's home page and every lesson: mobile three times (medians), desktop once.
#   - the blocking time while each of those pages starts, at a real 4x CPU slowdown (boot-bench.mjs, five runs).
# Figures, not a timed test: scripts/bench-report.mjs prints them with their goals and exits non-zero when one
# misses its goal. Installs what it needs (the test command's tools, SimPy in a venv, Lighthouse under
# scripts/lighthouse/). Takes about 25 minutes on 2 cores once the tools are installed.
#   bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
TWIGGY_VERSION=0.8.0
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

echo "== the five largest contributors to each bundle (twiggy $TWIGGY_VERSION)"
if [ "$(twiggy --version 2>/dev/null)" != "twiggy $TWIGGY_VERSION" ]; then
  cargo install twiggy --version "$TWIGGY_VERSION" --locked
fi
node scripts/wasm-contributors.mjs dist | tee -a "$figs"

echo "== the simulator against SimPy; wasm against native"
bash crates/msa-sim/bench/bench.sh | tee -a "$figs"

echo "== Lighthouse $(node -p "require('./scripts/lighthouse/package.json').devDependencies.lighthouse")"
if [ ! -x scripts/lighthouse/node_modules/.bin/lighthouse ]; then
  npm ci --prefix scripts/lighthouse --no-audit --no-fund
fi
# Each language's home page and every lesson (the site manifest lists them), three mobile runs each.
mapfile -t pages < <(node -p 'const m = require("./dist/site-manifest.json"); m.langs.flatMap((l) => [`/${l}`, ...m.lessons.map((x) => `/${l}/${x.slug}`)]).join("\n")')

echo "== in Chromium, behind nginx: explore-all, 500 requests animating, a 1M-request fast-forward, Lighthouse on ${pages[*]}"
scripts/deploy-check.sh bash -c '
  set -e
  node scripts/race-bench.mjs 20
  node scripts/sql-explore-bench.mjs 20
  node scripts/proxy-bench.mjs
  node scripts/bench-lighthouse.mjs "$SITE_BASE" --runs 3 "$@"
' bench "${pages[@]}" | tee -a "$figs"
echo "== blocking time while each page starts, at a real 4x CPU slowdown, five runs each"
node scripts/boot-bench.mjs --runs 5 "${pages[@]}" | tee -a "$figs"

echo
echo "== figures against goals"
node scripts/bench-report.mjs "$figs"
