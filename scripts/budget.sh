#!/usr/bin/env bash
# Prints the gzip -9 size of everything the first page load fetches from a release build (index.html and what
# it links: stylesheet, boot script, JS glue, wasm, icon; a home page or a lesson is its static copy instead of
# index.html, and a lesson also fetches its body, lessons/<lang>/<slug>.txt)
# and fails when any page's total is over the budget.
#   scripts/budget.sh [dist] [budget in KB, default 350]
set -euo pipefail
dist=${1:-dist}
budget_kb=${2:-350}
[ -f "$dist/index.html" ] || { echo "budget: no $dist/index.html; run a release build first" >&2; exit 2; }

files=("index.html")
# What index.html links (stylesheets, icon, the boot script), then what the boot script loads (JS glue, wasm).
refs() { grep -oE '(href=|src=|module_or_path: |from )["'"'"'][^"'"'"']+\.(css|js|wasm|svg)' "$1" \
          | sed -E 's/^(href=|src=|module_or_path: |from )["'"'"']//'; }
local_name() { local ref=${1#/}; ref=${ref#*/}; [ -f "$dist/$ref" ] || ref=$(basename "$ref"); echo "$ref"; }
while IFS= read -r ref; do
  f=$(local_name "$ref")
  files+=("$f")
  if [[ $f == *.js ]]; then
    while IFS= read -r inner; do files+=("$(local_name "$inner")"); done < <(refs "$dist/$f" | sort -u)
  fi
done < <(refs "$dist/index.html" | sort -u)

total=0
printf '%-44s %10s %10s\n' "first-load file" "bytes" "gzip -9"
for f in $(printf '%s\n' "${files[@]}" | sort -u); do
  raw=$(wc -c < "$dist/$f")
  gz=$(gzip -9c "$dist/$f" | wc -c)
  total=$((total + gz))
  printf '%-44s %10d %10d\n' "$f" "$raw" "$gz"
done
kb() { printf '%d.%d KB' $(($1 / 1024)) $((($1 % 1024) * 10 / 1024)); }
printf '%-44s %10s %10d  (%s)\n' "every page: total" "" "$total" "$(kb "$total")"

# A lesson page is its static copy (<lang>/<slug>.html, the lesson's text in the HTML) instead of index.html,
# and it also fetches its body; a home page is <lang>.html.
index_gz=$(gzip -9c "$dist/index.html" | wc -c)
worst=0 worst_page=""
pages=("/ $total")
for lang_page in "$dist"/*.html; do
  name=$(basename "$lang_page" .html)
  case $name in index | 404) continue ;; esac
  gz=$(gzip -9c "$lang_page" | wc -c)
  printf '%-44s %10d %10d\n' "  static page /$name" "$(wc -c < "$lang_page")" "$gz"
  pages+=("/$name $((total - index_gz + gz))")
done
for body in "$dist"/lessons/*/*.txt; do
  [ -f "$body" ] || continue
  gz=$(gzip -9c "$body" | wc -c)
  page="${body#"$dist"/lessons/}"
  page="/${page%.txt}"
  static_gz=$index_gz
  [ -f "$dist$page.html" ] && static_gz=$(gzip -9c "$dist$page.html" | wc -c)
  printf '%-44s %10d %10d\n' "  + lesson body $page" "$(wc -c < "$body")" "$gz"
  printf '%-44s %10s %10d\n' "  static page $page (instead of index.html)" "" "$static_gz"
  extra=$((gz + static_gz - index_gz))
  pages+=("$page $((total + extra))")
  if [ "$extra" -gt "$worst" ]; then worst=$extra; worst_page=$page; fi
done
heaviest=$((total + worst))
# One line a page for scripts/bench-report.mjs (the home page, labs and glossary load no body: "/").
for p in "${pages[@]}"; do
  set -- $p
  printf 'FIGURE page_kb %s %d.%d\n' "$1" $(($2 / 1024)) $((($2 % 1024) * 10 / 1024))
done
printf '%-44s %10s %10d  (%s of %d KB)\n' "heaviest page ${worst_page:-/}" "" "$heaviest" "$(kb "$heaviest")" "$budget_kb"
if [ "$heaviest" -gt $((budget_kb * 1024)) ]; then
  echo "budget: ${worst_page:-/} is over $budget_kb KB" >&2
  exit 1
fi
