// Shared pieces of the browser suite: Debian's Chromium through playwright-core, the static server, the
// course's own content as the source of what each page must show, error capture, and axe.
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

/** The glossary as written in content/glossary.md: term ids with their names. */
export function glossary() {
  const dir = process.env.MSA_CONTENT_DIR ?? join(root, 'content');
  let src = '';
  try { src = readFileSync(join(dir, 'glossary.md'), 'utf8'); } catch { return []; }
  return src.split(/^## /m).slice(1).map((block) => {
    const [id, ...rest] = block.split('\n');
    const kv = Object.fromEntries(rest.filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
    return { id: id.trim(), ko: kv.ko, en: kv.en };
  });
}

/** The course as written in content/: slugs in summary order, with each language's front matter and ids. */
export function course() {
  // The same folder the build read (build.rs honours MSA_CONTENT_DIR too).
  const dir = process.env.MSA_CONTENT_DIR ?? join(root, 'content');
  const summary = readFileSync(join(dir, 'SUMMARY.md'), 'utf8');
  const slugs = [...summary.matchAll(/\]\(([a-z0-9-]+)\.md\)/g)].map((m) => m[1]);
  return slugs.map((slug) => {
    const texts = {};
    for (const lang of LANGS) {
      const src = readFileSync(join(dir, lang, `${slug}.md`), 'utf8');
      const front = Object.fromEntries(
        src.split('\n---\n')[0].split('\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
      );
      // Code blocks may hold lines that look like headings (`# comment` in nginx config): skip them.
      const prose = src.replace(/^```[\s\S]*?^```/gm, '');
      const ids = [...prose.matchAll(/^#{2,3} .*\{#([a-z0-9-]+)\}\s*$/gm)].map((m) => m[1]);
      const quizzes = [...src.matchAll(/^```quiz\n([\s\S]*?)^```/gm)].map((m) => {
        const lines = m[1].split('\n');
        const options = lines.filter((l) => /^[+-] /.test(l));
        return { id: lines.find((l) => l.startsWith('id:')).slice(3).trim(), right: options.findIndex((l) => l.startsWith('+')), count: options.length };
      });
      texts[lang] = { ...front, ids, quizzes };
    }
    return { slug, texts };
  });
}

export const UI = {
  en: { courseHeading: 'The course', notFound: 'Page not found', switchTo: '한국어로 보기', read: 'Read', dark: 'Dark theme',
    right: 'Right.', wrong: 'Not quite.', check: 'Check answer', retry: 'Try again', glossary: 'Glossary',
    score: (r, t) => `${r} of ${t} questions right` },
  ko: { courseHeading: '강의 목록', notFound: '페이지를 찾을 수 없습니다', switchTo: 'Read in English', read: '다 읽음', dark: '어두운 테마',
    right: '정답입니다.', wrong: '아쉽게도 틀렸습니다.', check: '정답 확인', retry: '다시 풀기', glossary: '용어집',
    score: (r, t) => `${t}문제 중 ${r}문제 정답` },
};

/**
 * The site under test: by default two static servers of our own (dist/ at the root, target/dist-sub/ under
 * /msa-lab/); with SITE_BASE and SUB_BASE set, whatever serves there (scripts/deploy-check.sh: real nginx).
 */
export async function startSite() {
  const external = process.env.SITE_BASE && process.env.SUB_BASE;
  const root_ = external ? null : await serve(join(root, 'dist'), 0, '/');
  const sub = external ? null : await serve(join(root, 'target', 'dist-sub'), 0, '/msa-lab/');
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

/** Runs axe on the current page and fails with each violation's rule and nodes. */
export async function assertAccessible(page, label) {
  // Evaluated through the DevTools protocol: an injected <script> would be refused by the site's CSP.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // Off-screen widgets and questions are not rendered until they come near the screen (content-visibility:
    // auto), and axe cannot tell the colours of what is not painted: check every part as it looks on screen.
    const deferred = [...document.querySelectorAll('.widget, .quiz')].filter((el) => getComputedStyle(el).contentVisibility === 'auto');
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
