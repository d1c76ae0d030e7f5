// A static host for the browser suite, behaving like the nginx snippet in the README: files from a folder,
// served under a path prefix, with every unknown path answered by index.html so deep links reload.
// It sends the security headers of that snippet (its add_header lines, read from the README), so the suite runs
// under the same Content-Security-Policy as a real deployment.
// Usage: node tests/e2e/server.mjs <dir> <port> [prefix]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The README's nginx snippet's `add_header Name "value" always;` lines, as { name: value }. The README is read on
 * purpose, and only here and in scripts/deploy-check.sh (which runs the same snippet in real nginx): the snippet
 * is what a deployer copies, so the suite runs under its headers and security.test.mjs checks them, and a snippet
 * that drifts from what is tested cannot pass. Both take the first ```nginx block under `## Deploying`.
 */
export function snippetHeaders() {
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');
  const snippet = readme.slice(readme.indexOf('## Deploying')).match(/^```nginx\n([\s\S]*?)^```$/m)?.[1];
  if (!snippet) throw new Error("README.md has no ```nginx block under '## Deploying'");
  return Object.fromEntries([...snippet.matchAll(/^\s*add_header ([\w-]+) "([^"]*)" always;/gm)].map((m) => [m[1], m[2]]));
}
const HEADERS = snippetHeaders();

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` at `prefix`. `pages: false` makes a host that knows files only by their names, as a storage bucket
 * that answers every unknown path with index.html: /en/sessions gets index.html, /en/sessions.html the page.
 */
export function serve(dir, port, prefix = '/', { pages = true } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain' }).end('outside the site');
      return;
    }
    path = '/' + path.slice(prefix.length);
    const file = normalize(join(dir, path));
    let target = file.startsWith(normalize(dir)) ? file : join(dir, 'index.html');
    // As the README's nginx snippet: try_files $uri $uri.html /index.html (the static pages of the course).
    const isFile = (f) => stat(f).then((s) => s.isFile(), () => false);
    if (!(await isFile(target))) target = pages && (await isFile(`${target}.html`)) ? `${target}.html` : join(dir, 'index.html');
    const body = await readFile(target);
    res.writeHead(200, { ...HEADERS, 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, port, prefix] = process.argv.slice(2);
  await serve(dir, Number(port), prefix ?? '/');
  console.log(`serving ${dir} at http://127.0.0.1:${port}${prefix ?? '/'}`);
}
