// Shared pieces of the browser suite: Debian's Chromium through playwright-core, the static server, the
// course's facts (from the content pipeline's own parse) as the source of what each page must show, error
// capture, and axe.
import { chromium } from 'playwright-core';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const LANGS = ['ko', 'en'];

/**
 * The native `msa-sim` CLI over the same simulation core, built in release once: a function that runs it with
 * `args` and returns its standard output (the expected figures the browser must show).
 */
export function msaSimCli() {
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  const cli = join(target, 'release', 'msa-sim');
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'msa-cli', '--bin', 'msa-sim'], { cwd: root, stdio: 'inherit' });
  assert.ok(existsSync(cli), `no CLI at ${cli}`);
  return (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8' });
}

/**
 * The course as the build reads it: the `course-facts` tool of crates/msa-content (the same parse and checks as
 * build.rs and Trunk's lesson-bodies hook) prints each lesson's texts, section ids, quizzes and asides, and the
 * glossary's terms, as JSON. No script here reads the Markdown. Run once a process, in the debug profile that
 * Trunk's hook builds msa-content in (so it is usually built already).
 */
let facts;
function courseFacts() {
  // The folder the build read: build.rs and the hook honour MSA_CONTENT_DIR too, relative to the repository.
  const dir = process.env.MSA_CONTENT_DIR ?? 'content';
  facts ??= JSON.parse(execFileSync('cargo', ['run', '--quiet', '--locked', '-p', 'msa-content', '--bin', 'course-facts', '--', dir],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 }));
  return facts;
}

/** The glossary's terms in file order: `{ id, ko, en }` (the term's id and its name in each language). */
export const glossary = () => courseFacts().glossary;

/**
 * The lessons in summary order: `{ slug, texts: { <lang>: { title, summary, minutes, ids, quizzes, asides } } }`,
 * with `ids` the `##`/`###` section ids in order, `quizzes` `{ id, right, count }` (the index of the right option
 * and how many there are) and `asides` the kind of each aside in order.
 */
export const course = () => courseFacts().lessons;

export const UI = {
  en: { courseHeading: 'The course', notFound: 'Page not found', switchTo: '한국어로 보기', read: 'Read', dark: 'Dark theme',
    right: 'Right.', wrong: 'Not quite.', check: 'Check answer', retry: 'Try again', glossary: 'Glossary',
    score: (r, t) => `${r} of ${t} questions right` },
  ko: { courseHeading: '강의 목록', notFound: '페이지를 찾을 수 없습니다', switchTo: 'Read in English', read: '다 읽음', dark: '어두운 테마',
    right: '정답입니다.', wrong: '아쉽게도 틀렸습니다.', check: '정답 확인', retry: '다시 풀기', glossary: '용어집',
    score: (r, t) => `${t}문제 중 ${r}문제 정답` },
};

/** The two release builds under test: dist/ (served at the root) and target/dist-sub/ (under /msa-lab/). */
const BUILDS = { root: join(root, 'dist'), sub: join(root, 'target', 'dist-sub') };

/**
 * The site manifest of a build under test (`'root'` or `'sub'`): site-manifest.json, which the post-build step
 * leaves in the build's folder with the files it wrote (`output`: the boot script, each bundle's JS glue and
 * wasm, the stylesheets). scripts/deploy-check.sh serves copies of the same folders.
 */
export const siteManifest = (build) => JSON.parse(builtFile(build, 'site-manifest.json'));

/** The text of the file at `path` in a build under test (`'root'` or `'sub'`), as the build wrote it. */
export const builtFile = (build, path) => readFileSync(join(BUILDS[build], path), 'utf8');

/**
 * The site under test: by default two static servers of our own (dist/ at the root, target/dist-sub/ under
 * /msa-lab/); with SITE_BASE and SUB_BASE set, whatever serves there (scripts/deploy-check.sh: real nginx).
 */
export async function startSite() {
  const external = process.env.SITE_BASE && process.env.SUB_BASE;
  const root_ = external ? null : await serve(BUILDS.root, 0, '/');
  const sub = external ? null : await serve(BUILDS.sub, 0, '/msa-lab/');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const url = (s) => `http://127.0.0.1:${s.address().port}`;
  return {
    browser,
    base: external ? process.env.SITE_BASE : url(root_),
    subBase: external ? process.env.SUB_BASE : `${url(sub)}/msa-lab`,
    async close() {
      await browser.close();
      root_?.close();
      sub?.close();
    },
  };
}

/**
 * A fresh page (own storage) that records console errors, page errors and failed requests, and refuses any
 * request to another origin: the site must be self-contained.
 */
export async function newPage(site, { locale = 'en-US', width = 1280, height = 900, reducedMotion = 'no-preference', serviceWorkers = 'allow' } = {}) {
  const context = await site.browser.newContext({ locale, viewport: { width, height }, reducedMotion, serviceWorkers });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // Every page runs under the site's Content-Security-Policy (the <meta> tag, and the header from the test server
  // or nginx): whatever it refuses is reported as a problem of the page.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  // A request cut short by the next navigation (ERR_ABORTED) is not a failure of the site.
  page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== '127.0.0.1') {
      problems.push(`third-party request: ${u.href}`);
      return route.abort();
    }
    return route.continue();
  });
  page.problems = problems;
  page.assertClean = () => assert.deepEqual(problems, [], 'the page logged errors');
  return page;
}

/** Waits until the app has rendered the page: the wasm has started, <main> has content, and a lesson's body
 * (fetched separately) has arrived. */
export async function ready(page) {
  // A static copy of the page (src/bin/render.rs) shows first: wait for the app to replace it. A lesson whose
  // widgets another wasm bundle carries reloads into that bundle: one check of everything, so that neither the
  // page being left nor the new document's first moments pass for ready.
  await page.waitForFunction(
    () =>
      document.readyState === 'complete' &&
      document.documentElement.dataset.bundle !== undefined &&
      !document.getElementById('prerendered') &&
      document.querySelector('main h1') !== null &&
      !document.querySelector('[aria-busy="true"], [data-widget-pending]'),
    null,
    { timeout: 15000 },
  );
}

/**
 * Runs axe's target-size rule on the page exactly as the browser has it, off-screen parts of widgets still skipped
 * (content-visibility: auto), as Lighthouse does: a skipped part's contents are laid out past its guessed box,
 * and unless that overflow is cut off, its buttons count as crowding the next part's.
 */
export async function assertTargetsApartAsRendered(page, label) {
  await page.evaluate(AXE_SOURCE);
  // eslint-disable-next-line no-undef
  const result = await page.evaluate(async () => (await axe.run(document, { runOnly: ['target-size'], resultTypes: ['violations'] }))
    .violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)));
  assert.deepEqual(result, [], `target-size violations on ${label}`);
}

/** Runs axe on the current page and fails with each violation's rule and nodes. */
export async function assertAccessible(page, label) {
  // Evaluated through the DevTools protocol: an injected <script> would be refused by the site's CSP.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // Off-screen parts of widgets are not rendered until they come near the screen (content-visibility: auto),
    // and axe cannot tell the colours of what is not painted: check every part as it looks on screen.
    const deferred = [...document.querySelectorAll('main *')].filter((el) => getComputedStyle(el).contentVisibility === 'auto');
    for (const el of deferred) el.style.contentVisibility = 'visible';
    // What was not rendered did not follow a theme change yet: let its colour transitions end first.
    // Entrance animations (a widget's boxes fading in) too: axe reads the colours they end on.
    await Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition || (a instanceof CSSAnimation
      && a.effect?.getComputedTiming().iterations !== Infinity)).map((a) => a.finished.catch(() => {})));
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    for (const el of deferred) el.style.removeProperty('content-visibility');
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  assert.deepEqual(result, [], `axe violations on ${label}`);
}
