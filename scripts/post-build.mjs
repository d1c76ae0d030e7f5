// Trunk's last step (a post_build hook, run in the staging folder after the lesson bodies are written):
//  1. Trunk writes its wasm loader as an inline <script type="module"> in index.html. A strict
//     Content-Security-Policy (script-src 'self', no 'unsafe-inline') refuses inline scripts, so the loader moves
//     into a file named after its content hash (boot-<hash>.js, cacheable for good), which also registers the
//     service worker.
//  2. The service worker (public/sw.js, a template) gets the build's file list and a build id made from every
//     file's content, so a new release fills a new cache and removes the old one.
//  3. index.html is copied to 404.html (static hosts answer unknown paths with it, so deep links load).
//  4. Every text file gets a gzip -9 twin (nginx's gzip_static serves it; no per-request compression).
// usage: node scripts/post-build.mjs <staging dir> <source dir>
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const [staging, source] = process.argv.slice(2);
if (!staging || !source) {
  console.error('usage: node scripts/post-build.mjs <staging dir> <source dir>');
  process.exit(2);
}

const hash = (data) => createHash('sha256').update(data).digest('hex');
const indexPath = join(staging, 'index.html');
let html = readFileSync(indexPath, 'utf8');

// 1. The loader, out of the page.
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const m = html.match(inline);
if (!m) {
  console.error('post-build: no inline module script in index.html (has Trunk changed its loader?)');
  process.exit(1);
}
const loader = m[1].trim();
// The loader imports '<public url>msa-lab-<hash>.js': the boot file sits beside it, under the same public URL.
const glue = loader.match(/from '([^']*\/)[^'/]+\.js'/);
if (!glue) {
  console.error('post-build: cannot find the JS glue import in the loader');
  process.exit(1);
}
const base = glue[1];
const boot = `${loader}

// Offline after one visit: the service worker keeps this build's files (see sw.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: new URL('./', document.baseURI).pathname })
    .catch((e) => console.warn('MSA Lab: offline copy unavailable:', e.message));
}
`;
const bootName = `boot-${hash(boot).slice(0, 16)}.js`;
writeFileSync(join(staging, bootName), boot);
html = html.replace(inline, `<script type="module" src="${base}${bootName}"></script>`);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error('post-build: index.html still has an inline script');
  process.exit(1);
}
writeFileSync(indexPath, html);
writeFileSync(join(staging, '404.html'), html);

// 2. The service worker: every file of the build but itself and 404.html (index.html answers every page).
for (const f of walk(staging)) if (f.endsWith('.gz')) unlinkSync(join(staging, f));
const files = walk(staging).filter((f) => f !== 'sw.js' && f !== '404.html').sort();
const build = hash(files.map((f) => `${f}\0${hash(readFileSync(join(staging, f)))}`).join('\n')).slice(0, 16);
const sw = readFileSync(join(source, 'public', 'sw.js'), 'utf8')
  .replace("'__BUILD__'", JSON.stringify(build))
  .replace("['__FILES__']", JSON.stringify(files.map((f) => (f === 'index.html' ? './' : f))));
if (sw.includes('__BUILD__') || sw.includes('__FILES__')) {
  console.error('post-build: public/sw.js lacks the __BUILD__/__FILES__ placeholders');
  process.exit(1);
}
writeFileSync(join(staging, 'sw.js'), sw);

// 4. gzip -9 twins of what compresses.
let n = 0;
for (const f of walk(staging)) {
  if (!/\.(?:html|js|wasm|css|svg|txt)$/.test(f)) continue;
  writeFileSync(join(staging, `${f}.gz`), gzipSync(readFileSync(join(staging, f)), { level: constants.Z_BEST_COMPRESSION }));
  n += 1;
}
console.log(`post-build: ${bootName}, sw.js (build ${build}, ${files.length} files), ${n} gzip twins`);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(relative(staging, p).split(sep).join('/'));
  }
  return out;
}
