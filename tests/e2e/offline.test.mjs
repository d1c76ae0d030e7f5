// Offline after one visit: the service worker keeps the whole build (app shell, wasm, styles, every lesson body),
// so with the server gone the learner opens lessons and labs they never visited, in both languages, and the
// simulations run. A new release (a new sw.js build id and changed files) replaces the cache cleanly: the old
// build's cache is deleted and the changed lesson shows.
// The test serves its own copy of dist/ (even under scripts/deploy-check.sh) because it must cut the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSite, newPage, ready, course } from './lib.mjs';
import { serve } from './server.mjs';
import { offlineFiles, writeServiceWorker } from '../../scripts/build-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const COURSE = course();
/** Each page's bundle, other than the core's (the manifest's `pages`: a lesson's slug, or `lab/<name>`). */
const PAGES = JSON.parse(readFileSync(join(dist, 'site-manifest.json'), 'utf8')).pages;
let site, dir, server, port;

async function up() {
  server = await serve(dir, port ?? 0, '/');
  port = server.address().port;
}
function down() {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
}
/** The service worker's caches for this origin, with how many entries each holds. */
const caches_ = (page) =>
  page.evaluate(async () => Promise.all((await caches.keys()).map(async (k) => [k, (await (await caches.open(k)).keys()).length])));

before(async () => {
  site = await startSite();
  dir = mkdtempSync(join(tmpdir(), 'msa-offline-'));
  cpSync(dist, dir, { recursive: true });
  await up();
});
after(async () => {
  await site?.close();
  await down().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

test('after one visit the course works offline, and a new release replaces the cache', async () => {
  const page = await newPage(site);
  const base = `http://127.0.0.1:${port}`;
  await page.goto(`${base}/en`);
  await ready(page);
  // The worker installs, fills its cache with every file of the build and takes control of the page.
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 20000 });
  // What the build's service worker must cache, and the id its cache must carry: the post-build step's own
  // function (scripts/build-steps.mjs) asked about this copy of dist/, not sw.js read back.
  const { files, build } = offlineFiles(dir);
  assert.ok(files.some((f) => f.endsWith('.wasm')) && files.includes('./') && files.some((f) => f.startsWith('lessons/ko/')));
  const first = await caches_(page);
  assert.equal(first.length, 1, `one cache: ${JSON.stringify(first)}`);
  assert.ok(first[0][0].endsWith(`:${build}`));
  assert.equal(first[0][1], files.length, 'every file of the build is cached');

  // The network is gone: the server stops.
  await down();
  assert.ok(await page.evaluate(() => fetch('/no-such-file.txt').then(() => false, () => true)), 'the server is really down');
  await page.waitForTimeout(100);
  page.problems.length = 0; // that failed fetch's own console line
  for (const lang of ['ko', 'en']) {
    for (const lesson of COURSE) {
      await page.goto(`${base}/${lang}/${lesson.slug}`);
      await ready(page);
      assert.equal((await page.locator('main h1').textContent()).trim(), lesson.texts[lang].title, `offline: ${lang}/${lesson.slug}`);
      assert.ok((await page.locator('main p').count()) > 3, `offline: the body of ${lang}/${lesson.slug} arrived`);
      // The page is its own static copy, in its own bundle, with its questions live (a family's bundle starts
      // only on a lesson's static page).
      assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), PAGES[lesson.slug] ?? 'core');
      assert.equal(await page.locator('.lesson__body [data-quiz]').count(), lesson.texts[lang].quizzes.length, `offline: ${lang}/${lesson.slug}`);
    }
  }
  // A lab never opened before, by deep link: the simulation runs (the clock moves, requests are served).
  await page.goto(`${base}/ko/lab/proxy`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), PAGES['lab/proxy']);
  await page.waitForFunction(() => {
    const t = document.querySelector('.proxy table tbody');
    return t && /[1-9]/.test(t.textContent);
  }, null, { timeout: 15000 });
  await page.goto(`${base}/en/lab/race`);
  await ready(page);
  assert.ok((await page.locator('.race').count()) > 0, 'offline: the race lab renders');
  page.assertClean();

  // A new release: a lesson changed (its body, and its static page, which carries the body), and the post-build
  // step wrote the service worker again, with a new build id.
  for (const file of [join(dir, 'lessons', 'en', 'sessions.txt'), join(dir, 'en', 'sessions.html')]) {
    writeFileSync(file, readFileSync(file, 'utf8').replace('Mina opens FoodDash', 'Mina opens FoodDash (release 2)'));
  }
  const [release2] = writeServiceWorker(dir, readFileSync(join(root, 'public', 'sw.js'), 'utf8'));
  assert.notEqual(release2, build);
  await up();
  // Online, the page of the new release reads the new lesson at once (the old worker still in charge does not
  // answer with its cached body).
  await page.goto(`${base}/en/sessions`);
  await ready(page);
  assert.match(await page.locator('main').textContent(), /Mina opens FoodDash \(release 2\)/);
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  // The new worker installs (a new cache with the whole new build), takes over and deletes the old cache.
  const deadline = Date.now() + 20000;
  let now = await caches_(page);
  while (!(now.length === 1 && now[0][0].endsWith(`:${release2}`)) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    now = await caches_(page);
  }
  assert.equal(now.length, 1, `only the new release's cache is left: ${JSON.stringify(now)}`);
  assert.ok(now[0][0].endsWith(`:${release2}`), `only the new release's cache is left: ${JSON.stringify(now)}`);
  const second = await caches_(page);
  assert.equal(second[0][1], files.length, 'the new cache holds the whole new build');
  // Offline again: the new lesson text comes from the new cache.
  await down();
  await page.goto(`${base}/en/sessions`);
  await ready(page);
  assert.match(await page.locator('main').textContent(), /Mina opens FoodDash \(release 2\)/);
  await page.context().close();
  await up();
});
