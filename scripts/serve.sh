#!/usr/bin/env bash
# Serves MSA Lab at http://127.0.0.1:8080, rebuilding on change, installing the build tools first if needed. A debug
# build is one wasm bundle with every widget family and no static pages (build.rs, scripts/post-build.mjs): one
# compile of the app a change; `trunk build --release` makes the per-family bundles and the static pages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve "$@"
