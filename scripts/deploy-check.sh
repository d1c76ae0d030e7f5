#!/usr/bin/env bash
# Serves the release builds with real nginx, configured with the README's own snippet (the sub-path one, and
# the root variant it names), and runs the browser tests of serving against it: deep links reload, assets arrive
# with the right MIME types, headers and the CSP hold, offline works, as with the test server.
#   scripts/deploy-check.sh             (after both release builds: dist/ and target/dist-sub/)
#   scripts/deploy-check.sh <command>   runs <command> instead of the suite, with SITE_BASE and SUB_BASE set
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "deploy check: nginx is missing: apt-get install -y nginx" >&2; exit 1; }
[ -f dist/index.html ] && [ -f target/dist-sub/index.html ] || { echo "deploy check: build dist/ and target/dist-sub/ first" >&2; exit 2; }

T=$(mktemp -d)
cleanup() { [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
# nginx's workers run as an unprivileged user when nginx starts as root: they must be able to read the files.
chmod 755 "$T"
mkdir -p "$T/www" "$T/root"
cp -r target/dist-sub "$T/www/msa-lab"
cp -r dist/. "$T/root/"
chmod -R a+rX "$T/www" "$T/root"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sub_port=$(free_port)
root_port=$(free_port)

# The README's snippet, verbatim but for where it listens and where the files are: the documented snippet is what
# is checked (tests/e2e/server.mjs takes its headers from the same block, the first ```nginx one under
# '## Deploying'), so the README cannot drift from a deployment that works.
snippet=$(awk '/^## Deploying/ {d=1} d && /^```nginx$/ {n=1; next} n && /^```$/ {exit} n' README.md)
[ -n "$snippet" ] || { echo "deploy check: no nginx snippet under '## Deploying' in README.md" >&2; exit 1; }
sub=${snippet//listen 80;/listen 127.0.0.1:$sub_port;}
sub=${sub//\/srv\/www/$T/www}
# The root variant the README names: /msa-lab/ replaced with / throughout.
root=${snippet//\/msa-lab\//\/}
root=${root//listen 80;/listen 127.0.0.1:$root_port;}
root=${root//\/srv\/www/$T/root}

cat > "$T/nginx.conf" <<CONF
daemon on;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $T/client_body;
    proxy_temp_path $T/proxy;
    fastcgi_temp_path $T/fastcgi;
    uwsgi_temp_path $T/uwsgi;
    scgi_temp_path $T/scgi;
$sub
$root
}
CONF
nginx -p "$T" -c "$T/nginx.conf" -e "$T/error.log"
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$sub_port/msa-lab/" >/dev/null && break; sleep 0.1; done

echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') serves dist/ at http://127.0.0.1:$root_port/ and target/dist-sub/ at http://127.0.0.1:$sub_port/msa-lab/"
export SITE_BASE="http://127.0.0.1:$root_port" SUB_BASE="http://127.0.0.1:$sub_port/msa-lab"
if [ $# -gt 0 ]; then
  "$@"   # another command against the same two servers (the bench command measures behind them)
else
  # The tests of what a server changes: addresses, deep links, static copies, headers and the CSP, offline, lesson
  # bodies. The widgets' own tests do not depend on the server; they run once, against the test server.
  node --test --test-concurrency=1 ${DEPLOY_CHECK_TESTS:-tests/e2e/site.test.mjs tests/e2e/static.test.mjs tests/e2e/security.test.mjs tests/e2e/offline.test.mjs tests/e2e/lessons.test.mjs}
fi
