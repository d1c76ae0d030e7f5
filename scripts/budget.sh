#!/usr/bin/env bash
# The first-load size of every page of a release build, and a budget check: see scripts/budget.mjs.
#   scripts/budget.sh [dist] [budget in KB, default 350]
set -euo pipefail
exec node "$(dirname "$0")/budget.mjs" "$@"
