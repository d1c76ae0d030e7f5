#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) MSA Lab needs, skipping whatever is already installed
# at the right version, so a warm run costs seconds. Tools go where their installers put them: cargo's into
# ~/.cargo/bin, npm's into ./node_modules, Debian's system-wide (as root only).
#
#   scripts/setup.sh         wasm target, trunk, wasm-bindgen-cli, npm packages (wasm-opt, esbuild)
#   scripts/setup.sh --test  the same, plus what the tests run against, from Debian: chromium and
#                            chromium-driver (browser suite), firefox-esr, webkit2gtk-driver, xvfb and
#                            fonts-noto-cjk (cross-engine suite), nginx and postgresql-15 (cross-checks, deploy check)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen library that Cargo.lock resolved.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The test command checks formatting and lints (rustup's default profile has both; a minimal one does not).
for c in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$c"; then
    step "adding the $c component"
    rustup component add "$c"
  fi
done

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  # Not --locked: one of its locked dependencies is no longer on the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# wasm-opt comes from npm's binaryen 132: Debian's binaryen 108 produces a wasm that fails to load.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages (binaryen, esbuild, playwright-core, axe-core, puppeteer-core, selenium-webdriver)"
  # No install scripts: none of these needs one (esbuild's only checks its binary, which its API finds anyway).
  npm ci --no-audit --no-fund --ignore-scripts
fi

if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  # The cross-engine suite (tests/engines): Firefox ESR, WebKitGTK's MiniBrowser with its WebDriver, the virtual
  # display MiniBrowser needs, and the fonts both draw Korean with.
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      step "installing from Debian: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    else
      echo "The tests need Debian packages that are missing. Install them with:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
fi
