// Prints the gzip -9 size of everything each page's first load fetches from a release build, and fails when a
// page is over the budget. A page fetches its HTML (its static copy, <lang>.html or <lang>/<slug>.html; the site's
// root and a page without a copy: index.html), the stylesheet, the icon, the boot script, the JS glue and wasm of
// its bundle (a static page: the site manifest's page map, a lesson or lab with widgets gets their family's
// bundle, any other page the core; index.html: the app). A static copy carries the page's text; a page without one
// fetches it (lessons/<lang>/<slug>.txt, lessons/<lang>/glossary.txt).
//   node scripts/budget.mjs [dist] [budget in KB, default 350]      (scripts/budget.sh is the same)
// The last lines are `FIGURE bundle_kb <bundle> <KB>`, one a bundle, and `FIGURE page_kb <page> <KB>`, one a page,
// for scripts/bench-report.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const budgetKb = Number(process.argv[3] ?? 350);
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`budget: no ${dist}/index.html; run a release build first`);
  process.exit(2);
}

const gz = new Map();
const sizeOf = (file) => {
  if (!gz.has(file)) {
    const data = readFileSync(join(dist, file));
    gz.set(file, { raw: data.length, gz: gzipSync(data, { level: constants.Z_BEST_COMPRESSION }).length });
  }
  return gz.get(file).gz;
};
// The bundles this build wrote and which page loads which: the site manifest, as the post-build step left it.
const manifestFile = join(dist, 'site-manifest.json');
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : null;
const BUNDLES = manifest?.output?.bundles;
const PAGES = manifest?.output?.pages;
if (!BUNDLES?.core || !BUNDLES?.app || !PAGES) {
  console.error(`budget: ${dist} has no site-manifest.json with the bundles it wrote (run a release build first)`);
  process.exit(2);
}
// A URL of the page (under the build's public URL: /msa-lab/x.js) as a file of dist.
const base = manifest.output.base;
const local = (url) => (url.startsWith(base) ? url.slice(base.length) : url.replace(/^\//, ''));

// What a page's HTML links (stylesheet, icon, boot script): a static page links its own bundle's stylesheet.
const linked = (html) => [...readFileSync(join(dist, html), 'utf8').matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="([^"]+\.(?:css|js|svg))"/g)].map((m) => local(m[1]));
const shared = linked('index.html');
if (!shared.includes(manifest.output.boot)) {
  console.error(`budget: index.html does not load the build's boot script, ${manifest.output.boot}`);
  process.exit(2);
}

// A page with a static copy starts in its own bundle (the core's, or its widget family's); any other address in
// the app's shell, which has the whole app and fetches the page's text file.
const staticOrShell = (html, bundle) => (existsSync(join(dist, html)) ? { html, bundle } : { html: 'index.html', bundle: 'app' });
const pages = [{ page: '/', html: 'index.html', bundle: 'app' }];
for (const lang of [...manifest.langs].sort()) {
  pages.push({ page: `/${lang}`, ...staticOrShell(`${lang}.html`, 'core') });
  const file = (name, slug) => manifest.files[name].replace('{lang}', lang).replace('{slug}', slug);
  const bodies = [...manifest.lessons.map((l) => [l.slug, file('bodies', l.slug)]), ['glossary', file('glossary')]]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [slug, body] of bodies) {
    const p = staticOrShell(`${lang}/${slug}.html`, PAGES[slug] ?? 'core');
    // A static copy carries the page's text (a lesson's body, the glossary's terms); the shell fetches it.
    pages.push({ page: `/${lang}/${slug}`, ...p, body: p.html === 'index.html' ? body : null });
  }
  pages.push({ page: `/${lang}/challenges`, ...staticOrShell(`${lang}/challenges.html`, 'core') });
  for (const [key, bundle] of Object.entries(PAGES)) {
    if (key.startsWith('lab/')) pages.push({ page: `/${lang}/${key}`, ...staticOrShell(`${lang}/${key}.html`, bundle) });
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`${'bundle'.padEnd(10)} ${'JS glue + wasm, gzip -9'.padStart(24)}`);
for (const [name, files] of Object.entries(BUNDLES)) {
  console.log(`${name.padEnd(10)} ${kb(files.map((f) => sizeOf(local(f))).reduce((a, b) => a + b, 0)).padStart(24)}`);
}
console.log(`index.html links: ${shared.map((f) => `${f} ${sizeOf(f)}`).join(', ')} (bytes, gzip -9)`);
console.log(`\n${'first load of page'.padEnd(34)} ${'bundle'.padEnd(7)} ${'gzip -9'.padStart(10)}`);
let worst = pages[0];
for (const p of pages) {
  const files = [p.html, ...linked(p.html), ...BUNDLES[p.bundle].map(local), ...(p.body ? [p.body] : [])];
  p.total = [...new Set(files)].reduce((sum, f) => sum + sizeOf(f), 0);
  if (p.total > worst.total) worst = p;
  console.log(`${p.page.padEnd(34)} ${p.bundle.padEnd(7)} ${kb(p.total).padStart(10)}`);
}
for (const [name, files] of Object.entries(BUNDLES)) console.log(`FIGURE bundle_kb ${name} ${(files.map((f) => sizeOf(local(f))).reduce((a, b) => a + b, 0) / 1024).toFixed(1)}`);
for (const p of pages) console.log(`FIGURE page_kb ${p.page} ${(p.total / 1024).toFixed(1)}`);
console.log(`heaviest page: ${worst.page} (${worst.bundle}), ${kb(worst.total)} of ${budgetKb} KB`);
if (worst.total > budgetKb * 1024) {
  console.error(`budget: ${worst.page} is over ${budgetKb} KB`);
  process.exit(1);
}
