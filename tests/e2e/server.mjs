// A static host for the browser suite, behaving like the nginx snippet in the README: files from a folder,
// served under a path prefix, with every unknown path answered by index.html so deep links reload.
// Usage: node tests/e2e/server.mjs <dir> <port> [prefix]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

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

export function serve(dir, port, prefix = '/') {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('outside the site');
      return;
    }
    path = '/' + path.slice(prefix.length);
    const file = normalize(join(dir, path));
    let target = file.startsWith(normalize(dir)) ? file : join(dir, 'index.html');
    try {
      if (!(await stat(target)).isFile()) target = join(dir, 'index.html');
    } catch {
      target = join(dir, 'index.html');
    }
    const body = await readFile(target);
    res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, port, prefix] = process.argv.slice(2);
  await serve(dir, Number(port), prefix ?? '/');
  console.log(`serving ${dir} at http://127.0.0.1:${port}${prefix ?? '/'}`);
}
