// Trunk's last step (a post_build hook, run in the staging folder after the lesson-bodies tool has written the
// lesson bodies and the site manifest). Each step is a function of scripts/build-steps.mjs:
//  1. bundles     Trunk has built the `app` bundle (the whole app, for the shell). In release the `core` (the static
//                 core pages) and each widget family (that family's cargo feature) are bundles of their own, built
//                 here, so that a page downloads only what it shows; a debug build (scripts/serve.sh) is one
//                 bundle with every family (see build.rs).
//  2. boot        public/boot.js, with the bundles' files and the manifest's page map, replaces Trunk's inline
//                 loader (the Content-Security-Policy allows no inline script).
//  3. styles      the stylesheets become one file a page (one render-blocking request instead of six).
//  4. manifest    site-manifest.json gets the files this build wrote (`output`); it stays in dist/ for
//                 scripts/budget.mjs.
//  5. pages       index.html is copied to 404.html (static hosts answer unknown paths with it, so deep links
//                 load). In release, the home pages, glossary, challenges page and lessons get static copies,
//                 rendered from the app's own components by src/bin/render.rs (a debug build leaves them out:
//                 the app renders every page).
//  6. sw          public/sw.js with this build's file list and build id.
//  7. gzip        a gzip -9 twin of every text file.
// usage: node scripts/post-build.mjs <staging dir> <source dir>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as step from './build-steps.mjs';

const [staging, source] = process.argv.slice(2);
if (!staging || !source) {
  console.error('usage: node scripts/post-build.mjs <staging dir> <source dir>');
  process.exit(2);
}
const release = process.env.TRUNK_PROFILE !== 'debug';
const manifest = JSON.parse(readFileSync(join(staging, 'site-manifest.json'), 'utf8'));
let html = readFileSync(join(staging, 'index.html'), 'utf8');
// Where the site is served (`--public-url`, '/' by default): Trunk tells its hooks.
const base = process.env.TRUNK_PUBLIC_URL;
if (!base?.endsWith('/')) {
  console.error(`post-build: TRUNK_PUBLIC_URL is ${JSON.stringify(base)}; run this as Trunk's post_build hook`);
  process.exit(2);
}

// 1. bundles (a debug build: every page in Trunk's one bundle).
const bundles = { app: step.adoptTrunkBundle(staging, base, 'app', release) };
const pages = release ? manifest.pages : {};
if (release) for (const name of manifest.bundles.filter((b) => b !== 'app')) bundles[name] = step.buildBundle(staging, source, base, name, release);
for (const [page, name] of Object.entries(pages)) if (!bundles[name]) throw new Error(`post-build: page ${page} needs bundle ${name}, which was not built`);

// 2. boot
const boot = step.writeBoot(staging, readFileSync(join(source, 'public', 'boot.js'), 'utf8'), bundles, pages);
html = step.loadBootScript(html, `${base}${boot}`);

// 3. styles
const styles = step.mergeStylesheets(staging, html, base, Object.keys(bundles), release);
html = styles.html;

// 4. manifest
step.recordOutput(staging, manifest, { base, boot, bundles, pages, stylesheets: { all: styles.all, ...styles.perBundle } });

// 5. pages
writeFileSync(join(staging, 'index.html'), html);
writeFileSync(join(staging, '404.html'), html);
if (release) step.renderStaticPages(staging, source);

// 6. sw
const [build, files] = step.writeServiceWorker(staging, readFileSync(join(source, 'public', 'sw.js'), 'utf8'));

// 7. gzip
const twins = step.writeGzipTwins(staging);
console.log(`post-build: ${boot}, sw.js (build ${build}, ${files} files), ${twins} gzip twins`);
