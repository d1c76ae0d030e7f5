// The steps of scripts/post-build.mjs, one function each, tested by tests/build/steps.test.mjs. What they know
// about the course comes from the site manifest (site-manifest.json, written by the lesson-bodies tool from the
// checked content: crates/msa-content/src/manifest.rs); none of them parses Markdown, a lesson body or generated code.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { transformSync } from 'esbuild';

export const hash = (data) => createHash('sha256').update(data).digest('hex');

/// `template` with each placeholder (a key of `values`, e.g. `'__PAGES__'`) replaced by its value as JSON. Each
/// placeholder must be there exactly once: a template that has lost one fails the build instead of shipping it.
export function fillIn(template, values, name) {
  let out = template;
  for (const [placeholder, value] of Object.entries(values)) {
    const parts = out.split(placeholder);
    if (parts.length !== 2) throw new Error(`${name}: needs ${placeholder} once, has it ${parts.length - 1} times`);
    out = parts.join(JSON.stringify(value));
  }
  return out;
}

/// Every file under `dir`, as paths relative to `root` with forward slashes.
export function walk(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, root));
    else out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/// In release, `code` minified by esbuild (no syntax lowered): wasm-bindgen's JS glue is about 60 KB as written
/// (10 KB gzip) and the stylesheets are commented. A debug build keeps both readable.
export function minify(code, loader, release) {
  if (!release) return code;
  return transformSync(code, { loader, minify: true, legalComments: 'none', ...(loader === 'js' ? { format: 'esm' } : {}) }).code;
}

/// Writes bundle `name`'s JS glue (minified in release) and wasm as msa-lab-<name>-<16-digit content hash>.js and
/// _bg.wasm; returns their URLs under `base`, [glue, wasm].
export function placeBundle(staging, base, name, glueSource, wasm, release) {
  const js = Buffer.from(minify(glueSource, 'js', release));
  const stem = `msa-lab-${name}-${hash(Buffer.concat([js, wasm])).slice(0, 16)}`;
  writeFileSync(join(staging, `${stem}.js`), js);
  writeFileSync(join(staging, `${stem}_bg.wasm`), wasm);
  console.log(`post-build: bundle ${name}: ${stem}_bg.wasm, ${wasm.length} bytes`);
  return [`${base}${stem}.js`, `${base}${stem}_bg.wasm`];
}

/// Trunk's bundle (its JS glue and wasm, msa-lab-<hash>.js and msa-lab-<hash>_bg.wasm in the staging folder),
/// renamed as the other bundles are: Trunk's own hash drops leading zeros, and the caching rules look for 16 digits.
export function adoptTrunkBundle(staging, base, name, release) {
  const files = readdirSync(staging);
  const wasm = files.filter((f) => /^msa-lab-[0-9a-f]+_bg\.wasm$/.test(f));
  const glue = files.filter((f) => /^msa-lab-[0-9a-f]+\.js$/.test(f));
  if (wasm.length !== 1 || glue.length !== 1) throw new Error(`post-build: expected one Trunk bundle in ${staging}, found ${wasm} ${glue}`);
  const urls = placeBundle(staging, base, name, readFileSync(join(staging, glue[0]), 'utf8'), readFileSync(join(staging, wasm[0])), release);
  unlinkSync(join(staging, glue[0]));
  unlinkSync(join(staging, wasm[0]));
  return urls;
}

/// Builds bundle `name` as Trunk builds the app: cargo (the app with only the `name` feature, or none for the core),
/// wasm-bindgen (--target web), and in release wasm-opt -Oz. Returns [glue url, wasm url].
export function buildBundle(staging, source, base, name, release) {
  const args = ['build', '--locked', '--target', 'wasm32-unknown-unknown', '--bin', 'msa-lab', '--no-default-features',
    ...(name === 'core' ? [] : ['--features', name]), '--message-format', 'json-render-diagnostics', ...(release ? ['--release'] : [])];
  const out = execFileSync('cargo', args, { cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  // cargo's own report of what it built (JSON lines, one a message), not generated code.
  const wasm = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .filter((m) => m.reason === 'compiler-artifact' && m.target?.name === 'msa-lab')
    .flatMap((m) => m.filenames).find((f) => f.endsWith('.wasm'));
  if (!wasm) throw new Error(`post-build: cargo built no msa-lab.wasm for bundle ${name}`);
  const tmp = mkdtempSync(join(tmpdir(), `msa-lab-${name}-`));
  try {
    execFileSync('wasm-bindgen', ['--target=web', `--out-dir=${tmp}`, `--out-name=msa-lab-${name}`, '--no-typescript', wasm], { stdio: 'inherit' });
    if (release) {
      execFileSync('wasm-opt', [`--output=${join(tmp, 'opt.wasm')}`, '-Oz', join(tmp, `msa-lab-${name}_bg.wasm`)], { stdio: 'inherit' });
      renameSync(join(tmp, 'opt.wasm'), join(tmp, `msa-lab-${name}_bg.wasm`));
    }
    return placeBundle(staging, base, name, readFileSync(join(tmp, `msa-lab-${name}.js`), 'utf8'), readFileSync(join(tmp, `msa-lab-${name}_bg.wasm`)), release);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/// The boot script (public/boot.js with this build's bundle URLs and page map filled in) as boot-<hash>.js;
/// returns its file name.
export function writeBoot(staging, template, bundles, pages) {
  const boot = fillIn(template, { "'__BUNDLES__'": bundles, "'__PAGES__'": pages }, 'public/boot.js');
  const name = `boot-${hash(boot).slice(0, 16)}.js`;
  writeFileSync(join(staging, name), boot);
  return name;
}

/// index.html with Trunk's inline loader replaced by the boot script and its preloads of the app bundle gone
/// (index.html answers every address; the boot script picks the bundle). Fails if an inline script is left.
export function loadBootScript(html, bootUrl) {
  const inline = /<script type="module">[\s\S]*?<\/script>/;
  if (!inline.test(html)) throw new Error('post-build: no inline module script in index.html (has Trunk changed its loader?)');
  const out = html
    .replace(inline, `<script type="module" src="${bootUrl}"></script>`)
    .replace(/<link rel="(?:modulepreload|preload)" href="[^"]*(?:\.js|_bg\.wasm)"[^>]*>/g, '');
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) throw new Error('post-build: index.html still has an inline script');
  return out;
}

/// One stylesheet a page instead of one a widget family: each is render-blocking, and on a slow phone network
/// every extra request delays the first paint. index.html (the labs, any address without a static copy) links
/// all of it; a static page links the shared rules and its own bundle's widgets only (a sheet whose name is a
/// bundle's belongs to that bundle). Returns the new index.html, and the <link> of all of it and of each bundle.
export function mergeStylesheets(staging, html, base, bundleNames, release) {
  const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"[^>]*\/?>\n?\s*/g)].map((l) => {
    const file = l[1].slice(base.length);
    return { tag: l[0], file, stem: file.match(/^(?:.*\/)?([a-z]+)-[0-9a-f]+\.css$/)?.[1], css: readFileSync(join(staging, file), 'utf8') };
  });
  if (!sheets.length) throw new Error('post-build: index.html links no stylesheet');
  for (const l of sheets) unlinkSync(join(staging, l.file));
  const stylesheet = (parts) => {
    const css = minify(parts.map((l) => l.css).join('\n'), 'css', release);
    const name = `style-${hash(css).slice(0, 16)}.css`;
    writeFileSync(join(staging, name), css);
    const sri = `sha384-${createHash('sha384').update(css).digest('base64')}`;
    return `<link rel="stylesheet" href="${base}${name}" integrity="${sri}" />`;
  };
  const all = stylesheet(sheets);
  const perBundle = Object.fromEntries(bundleNames.map((b) => [b, stylesheet(sheets.filter((l) => !bundleNames.includes(l.stem) || l.stem === b))]));
  let out = html.replace(sheets[0].tag, `${all}\n    `);
  for (const l of sheets.slice(1)) out = out.replace(l.tag, '');
  return { html: out, all, perBundle };
}

/// What the service worker of the build in `staging` caches: `files`, every file but sw.js, the manifest, gzip twins
/// and 404.html (a copy of index.html, which is listed as `./`: offline it answers any address without a static
/// page of its own), sorted; and
/// `build`, an id made from every file's content, so a new release fills a new cache and removes the old one.
/// tests/e2e/offline.test.mjs asks it about dist/ too, instead of reading the list back out of sw.js.
export function offlineFiles(staging) {
  const files = walk(staging).filter((f) => f !== 'sw.js' && f !== 'site-manifest.json' && f !== '404.html' && !f.endsWith('.gz')).sort();
  const build = hash(files.map((f) => `${f}\0${hash(readFileSync(join(staging, f)))}`).join('\n')).slice(0, 16);
  return { build, files: files.map((f) => (f === 'index.html' ? './' : f)) };
}

/// public/sw.js with this build's file list and build id (`offlineFiles`). Returns [build id, number of files].
export function writeServiceWorker(staging, template) {
  const { build, files } = offlineFiles(staging);
  const sw = fillIn(template, { "'__BUILD__'": build, "['__FILES__']": files }, 'public/sw.js');
  writeFileSync(join(staging, 'sw.js'), sw);
  return [build, files.length];
}

/// A gzip -9 twin of every file that compresses (nginx's gzip_static serves it; no per-request compression).
/// Returns how many.
export function writeGzipTwins(staging) {
  let n = 0;
  for (const f of walk(staging)) {
    if (!/\.(?:html|js|wasm|css|svg|txt)$/.test(f)) continue;
    writeFileSync(join(staging, `${f}.gz`), gzipSync(readFileSync(join(staging, f)), { level: constants.Z_BEST_COMPRESSION }));
    n += 1;
  }
  return n;
}

/// The static pages, rendered natively from the app's components (src/bin/render.rs reads the staging folder:
/// index.html, the manifest's `output`, the lesson bodies).
export function renderStaticPages(staging, source) {
  execFileSync('cargo', ['run', '--quiet', '--locked', '--features', 'ssr', '--bin', 'render', '--', staging], { cwd: source, stdio: 'inherit' });
}

/// The manifest with the files this build wrote (`output`: the public URL, the boot script, the bundles, each
/// page's bundle, the stylesheet links), for the static pages' renderer and the size budget.
export function recordOutput(staging, manifest, output) {
  writeFileSync(join(staging, 'site-manifest.json'), `${JSON.stringify({ ...manifest, output }, null, 1)}\n`);
}
