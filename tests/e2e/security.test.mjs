// The site under its Content-Security-Policy: every page of the course (home, each lesson, each lab, the glossary,
// the 404 page, in both languages, at the root and under a sub-path) loads and runs its widgets with no violation;
// the policy is really enforced (an inline script is refused); the headers match the README's nginx snippet, and
// the <meta> copy of the policy matches the header but for frame-ancestors (which only a header can carry).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible, course, LANGS } from './lib.mjs';
import { snippetHeaders } from './server.mjs';

const COURSE = course();
const HEADERS = snippetHeaders();
const directives = (policy) => policy.split(';').map((d) => d.trim()).filter(Boolean);
let site;

before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('the README snippet sets a strict policy and the security headers', () => {
  const csp = directives(HEADERS['Content-Security-Policy']);
  const script = csp.find((d) => d.startsWith('script-src '));
  assert.equal(script, "script-src 'self' 'wasm-unsafe-eval'", 'scripts from this origin only, plus WebAssembly');
  assert.ok(csp.includes("default-src 'self'"));
  assert.ok(csp.includes("frame-ancestors 'none'"));
  assert.ok(csp.includes("object-src 'none'"));
  assert.doesNotMatch(HEADERS['Content-Security-Policy'], /'unsafe-inline'|'unsafe-eval'|https?:|\*/, 'no inline script, no eval, no other origin');
  assert.equal(HEADERS['X-Content-Type-Options'], 'nosniff');
  assert.equal(HEADERS['Referrer-Policy'], 'no-referrer');
});

test('every page loads and runs under the policy with no violation', async () => {
  const page = await newPage(site);
  const home = await page.goto(`${site.base}/`);
  await ready(page);
  // The headers of the page as the server (our test server or real nginx) sends them.
  const got = home.headers();
  assert.equal(got['content-security-policy'], HEADERS['Content-Security-Policy']);
  assert.equal(got['x-content-type-options'], 'nosniff');
  assert.equal(got['referrer-policy'], 'no-referrer');
  // The <meta> copy, for hosts that cannot set headers: the same directives but frame-ancestors.
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.deepEqual(directives(meta), directives(HEADERS['Content-Security-Policy']).filter((d) => !d.startsWith('frame-ancestors')));
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script in the page');

  const labs = [...new Set(await page.$$eval('a[href*="/lab/"]', (as) => as.map((a) => new URL(a.href).pathname.split('/').pop())))];
  assert.ok(labs.length >= 3, `the course map lists the labs: ${labs}`);
  const paths = [];
  for (const lang of LANGS) {
    paths.push(`/${lang}`, `/${lang}/glossary`, `/${lang}/no-such-page`);
    for (const l of COURSE) paths.push(`/${lang}/${l.slug}`);
    for (const l of labs) paths.push(`/${lang}/lab/${l}`);
  }
  for (const path of paths) {
    await page.goto(`${site.base}${path}`);
    await ready(page);
    // Let every widget mount, start its first run and draw.
    await page.waitForTimeout(150);
    assert.deepEqual(page.problems, [], `violations or errors on ${path}`);
  }
  await page.goto(`${site.subBase}/en/load-balancing`);
  await ready(page);
  await page.waitForTimeout(150);
  page.assertClean();
  await page.context().close();
});

test('the policy is enforced: an injected inline script does not run', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en`);
  await ready(page);
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.head.append(s);
    return window.__injected === true;
  });
  assert.equal(ran, false, 'the inline script ran');
  await page.waitForTimeout(100);
  assert.ok(page.problems.some((p) => /CSP violation: script-src|violates the following Content Security Policy directive .script-src/.test(p)), `a violation was reported: ${page.problems}`);
  await page.context().close();
});

test('another site cannot frame the course (frame-ancestors)', async () => {
  const page = await newPage(site);
  // A page of another origin (localhost is not 127.0.0.1) that frames the course, and, as a control that frames
  // load at all here, a page of its own origin.
  const framer = site.base.replace('127.0.0.1', 'localhost');
  await page.route(`${framer}/control`, (r) => r.fulfill({ contentType: 'text/html', body: '<p id="control">framed</p>' }));
  await page.route(`${framer}/framer`, (r) => r.fulfill({ contentType: 'text/html', body: `<iframe id="control" src="${framer}/control"></iframe><iframe id="course" src="${site.base}/en"></iframe>` }));
  // The course's page is served (200, with the policy), and the browser still replaces its frame with an error
  // page: refused by the policy, not lost on the way. A frame that is allowed renders (the control).
  const direct = await fetch(`${site.base}/en`);
  assert.equal(direct.status, 200);
  assert.match(direct.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  const refused = page.waitForEvent('framenavigated', { predicate: (f) => f.url().startsWith('chrome-error://'), timeout: 60_000 });
  await page.goto(`${framer}/framer`);
  await refused;
  await page.frameLocator('#control').locator('#control').waitFor();
  const course = page.frames().filter((f) => f.url().startsWith(site.base));
  assert.deepEqual(course, [], 'the course rendered inside another site');
  await page.context().close();
});

test('a corrupted localStorage entry resets itself with a message, in the page language, and the page works', async () => {
  const NOTICE = {
    en: { head: /could not be read, so they were reset/, progress: 'how far you read each lesson', exercise: /the exercise “Entity, value object or aggregate root\?”/, ok: 'OK' },
    ko: { head: /읽을 수 없는 것이 있어 처음 상태로 되돌렸습니다/, progress: '강의별로 어디까지 읽었는지', exercise: /연습 문제 “.+”에 고른 답/, ok: '확인' },
  };
  for (const lang of LANGS) {
    const page = await newPage(site);
    await page.goto(`${site.base}/${lang}/ddd`);
    await ready(page);
    // Damaged entries: not the format, a value out of range, another version's JSON; plus one valid entry.
    await page.evaluate(() => {
      localStorage.setItem('msa-lab:progress', '{"ddd":40}');
      localStorage.setItem('msa-lab:ddd-kinds', 'zz:9:9');
      localStorage.setItem('msa-lab:theme', 'purple');
      localStorage.setItem('msa-lab:answers', 'ddd-q1:1');
    });
    await page.reload();
    await ready(page);
    const notice = page.locator('main .notice[role="alert"]');
    await notice.waitFor();
    assert.match(await notice.locator('p').textContent(), NOTICE[lang].head);
    const items = await notice.locator('li').allTextContents();
    assert.equal(items.length, 3, `three entries reset: ${items}`);
    assert.ok(items.includes(NOTICE[lang].progress), `${items}`);
    assert.ok(items.some((i) => NOTICE[lang].exercise.test(i)), `${items}`);
    // The damaged entries are gone, the valid one is kept; the lesson and its exercises work.
    const stored = await page.evaluate(() => ({
      progress: localStorage.getItem('msa-lab:progress'), kinds: localStorage.getItem('msa-lab:ddd-kinds'),
      theme: localStorage.getItem('msa-lab:theme'), answers: localStorage.getItem('msa-lab:answers'),
    }));
    assert.notEqual(stored.progress, '{"ddd":40}');
    assert.notEqual(stored.kinds, 'zz:9:9');
    assert.notEqual(stored.theme, 'purple');
    assert.equal(stored.answers, 'ddd-q1:1');
    await page.locator('select[id^="ddd-kinds-"]').first().selectOption({ index: 1 });
    await page.waitForFunction(() => localStorage.getItem('msa-lab:ddd-kinds') !== null, null, { timeout: 3000 });
    await assertAccessible(page, `reset notice (${lang})`);
    // Dismissed, and not shown again once the entries are sound.
    await notice.getByRole('button', { name: NOTICE[lang].ok }).click();
    assert.equal(await notice.count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'focus moves to the content');
    await page.reload();
    await ready(page);
    assert.equal(await page.locator('main .notice').count(), 0);
    page.assertClean();
    await page.context().close();
  }
});
