// Trunk's last step (a post_build hook, run in the staging folder after the lesson bodies are written):
//  0. The wasm bundles: Trunk has built the core; the four widget families are built here (see 1a below). In
//     release, the JS glue and the stylesheet are minified (esbuild).
//  1. Trunk writes its wasm loader as an inline <script type="module"> in index.html. A strict
//     Content-Security-Policy (script-src 'self', no 'unsafe-inline') refuses inline scripts, so the loader moves
//     into a file named after its content hash (boot-<hash>.js, cacheable for good), which also registers the
//     service worker.
//     The stylesheets become one file (one render-blocking request instead of six).
//  2. The service worker (public/sw.js, a template) gets the build's file list and a build id made from every
//     file's content, so a new release fills a new cache and removes the old one.
//  3. index.html is copied to 404.html (static hosts answer unknown paths with it, so deep links load), and the
//     home pages, the glossary and the lessons get static copies with their text (scripts/prerender.mjs).
//  4. Every text file gets a gzip -9 twin (nginx's gzip_static serves it; no per-request compression).
// usage: node scripts/post-build.mjs <staging dir> <source dir>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { transformSync } from 'esbuild';
import { prerender } from './prerender.mjs';

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
// The loader imports '<public url>msa-lab-<hash>.js' and fetches '<public url>msa-lab-<hash>_bg.wasm'.
const glue = loader.match(/import init, \* as bindings from '([^']+\.js)';/);
const wasmUrl = loader.match(/module_or_path: '([^']+\.wasm)'/);
if (!glue || !wasmUrl) {
  console.error("post-build: Trunk's loader has changed: cannot find the JS glue import and the wasm path");
  process.exit(1);
}
const base = glue[1].slice(0, glue[1].lastIndexOf('/') + 1);

// 1a. The wasm bundles. Trunk has built `core` (the shell, home page, course map, glossary and quizzes: the app
//     without default features); each widget family is a bundle of its own, the core plus that family (the cargo
//     feature of its name), so that a page downloads only the widgets it shows. The lesson-bodies tool wrote the
//     list and which page needs which (msa_content::BUNDLES); the boot script picks the bundle by the address.
const manifestPath = join(staging, 'lessons', 'bundles.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
unlinkSync(manifestPath);
const release = process.env.TRUNK_PROFILE !== 'debug';
// Trunk's core files get names like the other bundles', with a 16-digit content hash (Trunk's own drops leading
// zeros, and then the caching rules, which look for 16 digits, would miss them).
const bundles = { core: adopt('core', glue[1], wasmUrl[1]) };
for (const name of manifest.bundles) bundles[name] = buildBundle(name);
for (const [page, name] of Object.entries(manifest.pages)) {
  if (!bundles[name]) {
    console.error(`post-build: page ${page} needs bundle ${name}, which was not built`);
    process.exit(1);
  }
}
// Trunk preloads the core bundle from index.html; index.html answers every address, so the boot script picks.
html = html.replace(/<link rel="(?:modulepreload|preload)" href="[^"]*(?:\.js|_bg\.wasm)"[^>]*>/g, '');
const boot = `// Starts MSA Lab (Trunk's loader, moved out of index.html by scripts/post-build.mjs for the CSP).
// A static page (scripts/prerender.mjs: the text is already in the HTML) loads and paints first; the app's
// download starts right after, so the text never waits behind the wasm. Other pages start it at once.
const prerendered = document.getElementById('prerendered') !== null;
// A tab opened in the background paints nothing and runs no animation frame: there it starts at once.
if (prerendered && !document.hidden) {
  if (document.readyState !== 'complete') await new Promise((loaded) => addEventListener('load', loaded, { once: true }));
  // Painted: the browser has reported the page's largest text (where it can), or a frame has gone by.
  await new Promise((painted) => {
    let started = false;
    const go = () => {
      if (!started) {
        started = true;
        requestAnimationFrame(() => setTimeout(painted, 0));
      }
    };
    if (PerformanceObserver.supportedEntryTypes?.includes('largest-contentful-paint')) {
      new PerformanceObserver((_, observer) => {
        observer.disconnect();
        go();
      }).observe({ type: 'largest-contentful-paint', buffered: true });
      setTimeout(go, 1000);
    } else {
      requestAnimationFrame(go);
    }
  });
}
// The page's wasm bundle (scripts/post-build.mjs): a lesson or lab whose widgets a bundle carries gets that one.
const BUNDLES = ${JSON.stringify(bundles)};
const PAGES = ${JSON.stringify(manifest.pages)};
const path = location.pathname.slice(new URL(document.baseURI).pathname.length).split('/').filter((part) => part);
const bundle = PAGES[path.slice(1).join('/')] ?? 'core';
document.documentElement.dataset.bundle = bundle;
const [glue, wasmUrl] = BUNDLES[bundle];
const wasmSource = prerendered ? fetch(wasmUrl) : wasmUrl;
const bindings = await import(glue);
const wasm = await bindings.default({ module_or_path: wasmSource });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

// Offline after one visit: the service worker keeps this build's files (see sw.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: new URL('./', document.baseURI).pathname })
    .catch((e) => console.warn('MSA Lab: offline copy unavailable:', e.message));
}
`;
const bootName = `boot-${hash(boot).slice(0, 16)}.js`;
writeFileSync(join(staging, bootName), boot);
html = html.replace(inline, `<script type="module" src="${base}${bootName}"></script>`);

// One stylesheet a page instead of one a widget family: each is render-blocking, and on a slow phone network every
// extra request delays the first paint. The sources stay one file a widget (style/widgets/*.css).
// index.html (the labs, any address without a static copy) links all of it. A static page links
// the shared rules and its own bundle's widgets only (a sheet whose name is a bundle's belongs to that bundle):
// the app on that page shows nothing else, since a page of another bundle is a fresh load.
const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"[^>]*\/?>\n?\s*/g)].map((l) => {
  const file = l[1].slice(base.length);
  return { tag: l[0], file, stem: file.match(/^(?:.*\/)?([a-z]+)-[0-9a-f]+\.css$/)?.[1], css: readFileSync(join(staging, file), 'utf8') };
});
for (const l of sheets) unlinkSync(join(staging, l.file));
const stylesheet = (parts) => {
  const css = minify(parts.map((l) => l.css).join('\n'), 'css');
  const name = `style-${hash(css).slice(0, 16)}.css`;
  writeFileSync(join(staging, name), css);
  const sri = `sha384-${createHash('sha384').update(css).digest('base64')}`;
  return `<link rel="stylesheet" href="${base}${name}" integrity="${sri}" />`;
};
const allSheets = stylesheet(sheets);
const bundleSheets = Object.fromEntries(Object.keys(bundles).map((b) => [b, stylesheet(sheets.filter((l) => !bundles[l.stem] || l.stem === b))]));
html = html.replace(sheets[0].tag, `${allSheets}\n    `);
for (const l of sheets.slice(1)) html = html.replace(l.tag, '');
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error('post-build: index.html still has an inline script');
  process.exit(1);
}
writeFileSync(indexPath, html);
writeFileSync(join(staging, '404.html'), html);
const pages = prerender(staging, source, { allSheets, bundleSheets, pages: manifest.pages });

// 2. The service worker: every file of the build but itself and the pages other than index.html (offline,
//    index.html answers every page: the app renders it).
for (const f of walk(staging)) if (f.endsWith('.gz')) unlinkSync(join(staging, f));
const files = walk(staging).filter((f) => f !== 'sw.js' && !(f.endsWith('.html') && f !== 'index.html')).sort();
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
console.log(`post-build: ${bootName}, ${pages} static pages, sw.js (build ${build}, ${files.length} files), ${n} gzip twins`);

/// In release, `code` minified by esbuild (no syntax lowered): wasm-bindgen's JS glue is about 60 KB as written
/// (10 KB gzip) and the stylesheets are commented. A debug build keeps both readable.
function minify(code, loader) {
  return release ? transformSync(code, { loader, minify: true, legalComments: 'none', ...(loader === 'js' ? { format: 'esm' } : {}) }).code : code;
}

/// Renames Trunk's JS glue and wasm (URLs under the public URL) to msa-lab-<name>-<content hash>.
function adopt(name, jsUrl, wasmUrl) {
  const [jsFile, wasmFile] = [jsUrl, wasmUrl].map((u) => join(staging, u.slice(base.length)));
  const urls = place(name, readFileSync(jsFile, 'utf8'), readFileSync(wasmFile));
  unlinkSync(jsFile);
  unlinkSync(wasmFile);
  return urls;
}

/// Writes bundle `name`'s JS glue (minified) and wasm as msa-lab-<name>-<16-digit content hash>.js and _bg.wasm;
/// returns their URLs, [glue, wasm].
function place(name, glueSource, wasm) {
  const js = Buffer.from(minify(glueSource, 'js'));
  const stem = `msa-lab-${name}-${hash(Buffer.concat([js, wasm])).slice(0, 16)}`;
  writeFileSync(join(staging, `${stem}.js`), js);
  writeFileSync(join(staging, `${stem}_bg.wasm`), wasm);
  console.log(`post-build: bundle ${name}: ${stem}_bg.wasm, ${wasm.length} bytes`);
  return [`${base}${stem}.js`, `${base}${stem}_bg.wasm`];
}

/// Builds bundle `name` as Trunk builds the core: cargo (the app with only the `name` feature), wasm-bindgen
/// (--target web), and in release wasm-opt -Oz; the files get content-hashed names. Returns [glue url, wasm url].
function buildBundle(name) {
  const args = ['build', '--locked', '--target', 'wasm32-unknown-unknown', '--bin', 'msa-lab', '--no-default-features',
    '--features', name, '--message-format', 'json-render-diagnostics', ...(release ? ['--release'] : [])];
  const out = execFileSync('cargo', args, { cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  const wasm = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .filter((m) => m.reason === 'compiler-artifact' && m.target?.name === 'msa-lab')
    .flatMap((m) => m.filenames).find((f) => f.endsWith('.wasm'));
  if (!wasm) {
    console.error(`post-build: cargo built no msa-lab.wasm for bundle ${name}`);
    process.exit(1);
  }
  const tmp = mkdtempSync(join(tmpdir(), `msa-lab-${name}-`));
  try {
    execFileSync('wasm-bindgen', ['--target=web', `--out-dir=${tmp}`, `--out-name=msa-lab-${name}`, '--no-typescript', wasm], { stdio: 'inherit' });
    if (release) {
      execFileSync('wasm-opt', [`--output=${join(tmp, 'opt.wasm')}`, '-Oz', join(tmp, `msa-lab-${name}_bg.wasm`)], { stdio: 'inherit' });
      renameSync(join(tmp, 'opt.wasm'), join(tmp, `msa-lab-${name}_bg.wasm`));
    }
    return place(name, readFileSync(join(tmp, `msa-lab-${name}.js`), 'utf8'), readFileSync(join(tmp, `msa-lab-${name}_bg.wasm`)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(relative(staging, p).split(sep).join('/'));
  }
  return out;
}
