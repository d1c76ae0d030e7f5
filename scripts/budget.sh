#!/usr/bin/env bash
# Prints the gzip -9 size of everything the first page load fetches from a release build (index.html and what
# it links: stylesheet, JS glue, wasm, icon) and fails when the total is over the budget.
#   scripts/budget.sh [dist] [budget in KB, default 350]
set -euo pipefail
dist=${1:-dist}
budget_kb=${2:-350}
[ -f "$dist/index.html" ] || { echo "budget: no $dist/index.html; run a release build first" >&2; exit 2; }

files=("index.html")
while IFS= read -r ref; do
  ref=${ref#/}
  ref=${ref#*/}   # a sub-path build links /prefix/file; files sit at the top of dist
  [ -f "$dist/$ref" ] || ref=$(basename "$ref")
  files+=("$ref")
done < <(grep -oE '(href=|module_or_path: |from )["'"'"'][^"'"'"']+\.(css|js|wasm|svg)' "$dist/index.html" \
          | sed -E 's/^(href=|module_or_path: |from )["'"'"']//' | sort -u)

total=0
printf '%-44s %10s %10s\n' "first-load file" "bytes" "gzip -9"
for f in $(printf '%s\n' "${files[@]}" | sort -u); do
  raw=$(wc -c < "$dist/$f")
  gz=$(gzip -9c "$dist/$f" | wc -c)
  total=$((total + gz))
  printf '%-44s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-44s %10s %10d  (%d.%d KB of %d KB)\n' "total" "" "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024)) "$budget_kb"
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "budget: over $budget_kb KB" >&2
  exit 1
fi
