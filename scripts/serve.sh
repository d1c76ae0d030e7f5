#!/usr/bin/env bash
# Serves MSA Lab at http://127.0.0.1:8080 with live reload, installing the build tools first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve "$@"
