// The site as a learner meets it: the course map, every lesson in both languages by deep link, the language
// switch, the keyboard, reloads, progress, themes, the 404 page, a narrow phone screen and a sub-path deploy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSite, newPage, ready, assertAccessible, course, siteManifest, builtFile, LANGS, UI } from './lib.mjs';
import { serve } from './server.mjs';

const COURSE = course();
let site;

before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('the course map lists every lesson in order, in the browser language', async () => {
  for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']]) {
    const page = await newPage(site, { locale });
    await page.goto(`${site.base}/`);
    await ready(page);
    assert.equal(await page.locator('#course-heading').textContent(), UI[lang].courseHeading);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    const titles = await page.locator('.course__title').allTextContents();
    assert.deepEqual(titles, COURSE.map((l) => l.texts[lang].title));
    assert.match(await page.title(), /MSA Lab/);
    await assertAccessible(page, `/ (${lang})`);
    page.assertClean();
    await page.context().close();
  }
});

test('every lesson opens by deep link in both languages, with its title, sections and no error', async () => {
  const page = await newPage(site);
  for (const lesson of COURSE) {
    for (const lang of LANGS) {
      const t = lesson.texts[lang];
      await page.goto(`${site.base}/${lang}/${lesson.slug}`);
      await ready(page);
      assert.equal((await page.locator('main h1').textContent()).trim(), t.title, `${lang}/${lesson.slug}`);
      assert.equal(await page.title(), `${t.title} · MSA Lab`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.getAttribute('meta[name=description]', 'content'), t.summary);
      // Every section heading is on the page with its id, and listed in the table of contents.
      const ids = await page.locator('.prose :is(h2, h3)[id]').evaluateAll((hs) => hs.map((h) => h.id));
      assert.deepEqual(ids, t.ids, `${lang}/${lesson.slug} sections`);
      assert.equal(await page.locator('.toc a').count(), t.ids.length);
      await assertAccessible(page, `/${lang}/${lesson.slug}`);
    }
  }
  page.assertClean();
  await page.context().close();
});

test('the language switch keeps the lesson and the section, and the choice is remembered', async () => {
  const lesson = COURSE[COURSE.length > 1 ? 1 : 0];
  const page = await newPage(site, { locale: 'en-US' });
  const section = lesson.texts.en.ids[1];
  await page.goto(`${site.base}/en/${lesson.slug}`);
  await ready(page);
  await page.click(`.toc a[href$="#${section}"]`);
  await page.waitForURL(`**/en/${lesson.slug}#${section}`);
  await page.click('.site-header__lang');
  await page.waitForURL(`**/ko/${lesson.slug}#${section}`);
  await ready(page);
  // The section is on screen in the other language too.
  await page.waitForFunction((id) => { const el = document.getElementById(id); return el !== null && Math.abs(el.getBoundingClientRect().top) < 200; }, section);
  assert.equal((await page.locator('main h1').textContent()).trim(), lesson.texts.ko.title);
  assert.equal(await page.locator('.site-header__lang').textContent(), UI.ko.switchTo);
  // Back to the course map at `/`: it now speaks Korean although the browser prefers English.
  await page.goto(`${site.base}/`);
  await ready(page);
  assert.equal(await page.locator('#course-heading').textContent(), UI.ko.courseHeading);
  page.assertClean();
  await page.context().close();
});

test('a deep link to every lesson\'s last section lands on it and stays, at a 4x CPU slowdown without scroll anchoring', async () => {
  // As on a slow phone in Safari, which has no scroll anchoring: the widgets above the section build for seconds
  // and take their real size as they come near the screen, and nothing in the browser keeps the section in place.
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    for (const [i, lesson] of COURSE.entries()) {
      const lang = LANGS[(i + (width > 400 ? 0 : 1)) % 2];
      const section = lesson.texts[lang].ids.at(-1);
      const page = await newPage(site, { width, height });
      await page.addInitScript(() => document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.overflowAnchor = 'none'; }));
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(`${site.base}/${lang}/${lesson.slug}#${section}`);
      await ready(page);
      // Where the section is, and whether a deep link must leave it there: its top at its scroll margin, or, when
      // the page below it is too short for that, the page at its end with the section on screen.
      const place = () => page.evaluate((id) => {
        const el = document.getElementById(id);
        const top = el.getBoundingClientRect().top;
        const margin = parseFloat(getComputedStyle(el).scrollMarginTop) || 0;
        const atEnd = scrollY >= document.documentElement.scrollHeight - innerHeight - 1;
        return { top: Math.round(top), margin, scrollY: Math.round(scrollY), landed: Math.abs(top - margin) <= 2 || (atEnd && top > margin && top < innerHeight - 20) };
      }, section);
      // It stays: checked once the page has not moved for eight checks in a row.
      let last = null;
      for (let same = 0, n = 0; same < 8 && n < 100; n++) {
        await page.waitForTimeout(150);
        const now = await place();
        same = last && now.top === last.top && now.scrollY === last.scrollY ? same + 1 : 0;
        last = now;
      }
      const where = `${width} px /${lang}/${lesson.slug}#${section}`;
      assert.ok(last.landed, `${where}: the section is not in place: ${JSON.stringify(last)}`);
      assert.ok(last.scrollY > 300, `${where}: the page really scrolled down (${last.scrollY})`);
      page.assertClean();
      await page.context().close();
    }
  }
});

test('← and → move between lessons; the pager links agree', async () => {
  assert.ok(COURSE.length >= 2, 'the course has at least two lessons to move between');
  const page = await newPage(site);
  await page.goto(`${site.base}/en/${COURSE[0].slug}`);
  await ready(page);
  assert.equal(await page.locator('.pager__link--prev').count(), 0, 'the first lesson has no previous one');
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(200);
  assert.ok(page.url().endsWith(`/en/${COURSE[0].slug}`), 'ArrowLeft on the first lesson stays');
  for (let i = 1; i < COURSE.length; i++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(`**/en/${COURSE[i].slug}`);
    // A lesson whose widgets another wasm bundle carries loads afresh in that bundle: wait for it.
    await ready(page);
    assert.equal((await page.locator('main h1').textContent()).trim(), COURSE[i].texts.en.title);
  }
  assert.equal(await page.locator('.pager__link--next').count(), 0, 'the last lesson has no next one');
  await page.keyboard.press('ArrowLeft');
  await page.waitForURL(`**/en/${COURSE[COURSE.length - 2].slug}`);
  await ready(page);
  await page.click('.pager__link--next');
  await page.waitForURL(`**/en/${COURSE[COURSE.length - 1].slug}`);
  await ready(page);
  // With a modifier the arrows belong to the browser (Alt+← is "back"), not to the lesson pager.
  await page.keyboard.press('Shift+ArrowLeft');
  await page.waitForTimeout(200);
  assert.ok(page.url().endsWith(`/en/${COURSE[COURSE.length - 1].slug}`));
  page.assertClean();
  await page.context().close();
});

test('a deep link survives a reload, and a sidebar link opens the other lesson whole, with its widgets', async () => {
  // Two lessons whose widgets the same wasm bundle carries (the reverse-proxy family).
  const [from, to] = ['load-balancing', 'large-traffic'].map((slug) => COURSE.find((l) => l.slug === slug));
  const page = await newPage(site);
  await page.goto(`${site.base}/ko/${from.slug}`);
  await ready(page);
  await page.reload();
  await ready(page);
  assert.equal((await page.locator('main h1').textContent()).trim(), from.texts.ko.title);
  // A lesson is a page of its own (src/islands.rs): the link loads it as the server (or the service worker) has
  // it, and the app brings its widgets to life there.
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.click(`.sidebar__lessons a[href$="/ko/${to.slug}"]`);
  await page.waitForURL(`**/ko/${to.slug}`);
  await ready(page);
  assert.equal((await page.locator('main h1').textContent()).trim(), to.texts.ko.title);
  assert.equal(await page.evaluate(() => window.__sameDocument), undefined, 'the lesson loaded as a page');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'proxy');
  assert.ok((await page.locator('.lesson__body .widget--proxy').count()) > 0, 'its widgets mounted');
  page.assertClean();
  await page.context().close();
});

// The wasm comes in bundles: the app (the whole app with its router, for the shell: the site's root and any address
// without a static page), the core (the static home pages, glossary and challenges page) and one a widget family
// (msa_content::BUNDLES). A page downloads its own bundle only, and moving to a lesson of another family loads
// that lesson afresh in its bundle, with working widgets, and Back returns.
test('each page downloads only its own wasm bundle; crossing to another family loads that one', async () => {
  const page = await newPage(site);
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/').pop()); });
  await page.goto(`${site.base}/en`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'core');
  assert.deepEqual(wasm.map((w) => w.replace(/-[0-9a-f]{16}_bg\.wasm$/, '')), ['msa-lab-core'], 'the home page fetches the core bundle only');
  // Home → the race-conditions lesson (its widgets are the race family): one new document, one more bundle.
  wasm.length = 0;
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.click('.course__item a[href$="/en/race-conditions"]');
  await page.waitForURL('**/en/race-conditions');
  await ready(page);
  assert.equal(await page.evaluate(() => window.__sameDocument), undefined, 'the lesson loaded afresh');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'race');
  assert.deepEqual(wasm.map((w) => w.replace(/-[0-9a-f]{16}_bg\.wasm$/, '')), ['msa-lab-race']);
  assert.ok((await page.locator('.widget--race').count()) > 0, 'the race widgets mounted');
  await page.locator('.widget--race button').first().click();
  // Back to the home page, in the core bundle again.
  await page.goBack();
  await page.waitForURL('**/en');
  await ready(page);
  assert.equal((await page.locator('#course-heading').count()), 1);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'core');
  // The glossary and the challenges page are static pages that the core brings to life too.
  for (const path of ['/ko/glossary', '/en/challenges']) {
    wasm.length = 0;
    await page.goto(`${site.base}${path}`);
    await ready(page);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'core', path);
    assert.deepEqual(wasm.map((w) => w.replace(/-[0-9a-f]{16}_bg\.wasm$/, '')), ['msa-lab-core'], path);
  }
  // Their language switch keeps the fragment, and the home page's leads to the other home page.
  for (const [path, other] of [['/en#course-heading', '/ko#course-heading'], ['/en/glossary#aggregate', '/ko/glossary#aggregate']]) {
    await page.goto(`${site.base}${path}`);
    await ready(page);
    assert.equal(await page.getAttribute('.site-header__lang', 'href'), other, path);
  }
  // The site's root is the app's shell on every host: the whole app, which the router moves within.
  wasm.length = 0;
  await page.goto(`${site.base}/`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'app');
  assert.deepEqual(wasm.map((w) => w.replace(/-[0-9a-f]{16}_bg\.wasm$/, '')), ['msa-lab-app']);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.click('.course__glossary a[href$="/glossary"]');
  await page.waitForURL('**/en/glossary');
  await page.locator('.glossary__entry').first().waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the router moved to the glossary');
  // From the site's root, which every host answers with the app's shell: the lesson loads at its own address,
  // whole, in its bundle (not at its file's name, which is for hosts without static pages by address).
  await page.goto(`${site.base}/`);
  await ready(page);
  await page.click('.course__item a[href$="/en/ddd"]');
  await page.waitForURL('**/en/ddd');
  await ready(page);
  assert.equal(new URL(page.url()).pathname, '/en/ddd');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'ddd');
  assert.ok((await page.locator('.lesson__body .widget').count()) > 0, 'the DDD widgets mounted');
  await page.goto(`${site.base}/en`);
  await ready(page);
  // A lab from the course map: the lab page loads in its widget's bundle too.
  await page.click('.labs__item a[href$="/en/lab/proxy"]');
  await page.waitForURL('**/en/lab/proxy');
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'proxy');
  assert.ok((await page.locator('.widget--proxy').count()) > 0, 'the proxy lab mounted');
  page.assertClean();
  await page.context().close();
});

test('a page whose widgets its bundle lacks reloads once, then says so in its language instead of looping', async () => {
  // A deployment whose boot script and pages disagree (the build prevents it; a half-updated host could not):
  // the boot script sends the race lesson and the race lab to the core bundle, which has no race widgets.
  const page = await newPage(site, { serviceWorkers: 'block' });
  await page.route(/\/boot-[0-9a-f]{16}\.js$/, async (route) => {
    const boot = await (await route.fetch()).text();
    const broken = boot.replace('"race-conditions":"race"', '"race-conditions":"core"').replace('"lab/race":"race"', '"lab/race":"core"');
    assert.notEqual(broken, boot, 'the boot script has the page map this test edits');
    await route.fulfill({ contentType: 'text/javascript', body: broken });
  });
  let loads = 0;
  page.on('load', () => { loads += 1; });
  for (const [path, lang, text] of [['/ko/race-conditions', 'ko', /실습 도구를 불러오지 못했습니다/], ['/en/lab/race', 'en', /interactive parts did not load/]]) {
    loads = 0;
    await page.goto(`${site.base}${path}`);
    await page.waitForSelector('[role="alert"]', { timeout: 15000 });
    assert.match(await page.locator('main [role="alert"]').textContent(), text);
    await page.waitForTimeout(500);
    assert.equal(loads, 2, `${path}: one reload into the bundle, then no more`);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'core');
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    // The rest of the page works: the title is there, and a lesson still shows its text and its questions.
    assert.equal(await page.locator('main h1').count(), 1);
    if (path.includes('race-conditions')) {
      assert.ok((await page.locator('.prose p').count()) > 5);
      assert.ok((await page.locator('[data-quiz]').count()) >= 3);
    }
    await assertAccessible(page, `${path} without its widgets`);
  }
  // The app says what went wrong for developers too, and nothing else failed.
  assert.ok(page.problems.length > 0 && page.problems.every((p) => /in no bundle the boot script loads/.test(p)), page.problems.join('\n'));
  await page.context().close();
});

test('on a host that answers every unknown address with index.html, a lesson and a lab still start in their bundles', async () => {
  // A storage bucket, say: /en/sessions is answered with the app's shell, /en/sessions.html with the page. The
  // shell's app bundle asks for the page's file by its name, once, and the page starts there in its bundle.
  const bucket = await serve(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist'), 0, '/', { pages: false });
  const base = `http://127.0.0.1:${bucket.address().port}`;
  try {
    const page = await newPage(site, { serviceWorkers: 'block' });
    let loads = 0;
    page.on('load', () => { loads += 1; });
    for (const [path, bundle, widget] of [['/ko/race-conditions', 'race', '.lesson__body .widget--race'], ['/en/lab/proxy', 'proxy', '.widget--proxy']]) {
      loads = 0;
      await page.goto(`${base}${path}?x=1#top`);
      await page.waitForURL(`**${path}.html?x=1#top`);
      await ready(page);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), bundle, path);
      assert.ok((await page.locator(widget).count()) > 0, `${path}: the widgets mounted`);
      assert.equal(loads, 2, `${path}: the shell, then the page by its file name`);
    }
    // A link from there to another lesson goes the same way.
    await page.goto(`${base}/en/sessions`);
    await page.waitForURL('**/en/sessions.html');
    await ready(page);
    await page.click('.pager__link--next');
    await page.waitForURL(/\/en\/[a-z-]+\.html$/);
    await ready(page);
    assert.ok((await page.locator('.lesson__body .widget').count()) > 0, 'the next lesson has its widgets');
    page.assertClean();
    await page.context().close();
  } finally {
    bucket.closeAllConnections();
    await new Promise((resolve) => bucket.close(resolve));
  }
});

test('unknown addresses show a real 404 page in the right language', async () => {
  const page = await newPage(site);
  // No language in the address: the browser's (en-US), until the learner has read a page in another language.
  const cases = [['/xx/load-balancing', 'en'], ['/nope', 'en'], ['/en/no-such-lesson', 'en'], ['/en/a/b/c', 'en'],
    ['/ko/no-such-lesson', 'ko'], ['/xx/load-balancing', 'ko']];
  for (const [path, lang] of cases) {
    await page.goto(`${site.base}${path}`);
    await ready(page);
    assert.equal((await page.locator('main h1').textContent()).trim(), UI[lang].notFound, path);
    assert.match(await page.title(), new RegExp(UI[lang].notFound));
    assert.equal(await page.getAttribute('meta[name=robots]', 'content'), 'noindex');
  }
  await assertAccessible(page, '404');
  await page.click('.not-found a');
  await page.waitForSelector('#course-heading');
  page.assertClean();
  await page.context().close();
});

test('reading progress is kept per lesson and survives a reload', async () => {
  const lesson = COURSE[0];
  const page = await newPage(site, { height: 700 });
  await page.goto(`${site.base}/en/`);
  await ready(page);
  const card = page.locator('.course__item').first();
  assert.equal((await card.locator('.course__status').textContent()).trim(), 'Not started');
  await card.locator('a').click();
  await page.waitForURL(`**/en/${lesson.slug}`);
  await ready(page);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2 - window.innerHeight));
  await page.waitForTimeout(300);
  const half = await page.evaluate(() => localStorage.getItem('msa-lab:progress'));
  assert.match(half, new RegExp(`${lesson.slug}:(4|5)\\d`), `about half read: ${half}`);
  // To the very end: off-screen parts take their real height as they come near the screen (content-visibility),
  // so the page may grow after a scroll; scroll again until the end stays the end and the lesson counts as read.
  await page.waitForFunction((slug) => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return (localStorage.getItem('msa-lab:progress') ?? '').includes(`${slug}:100`);
  }, lesson.slug, { polling: 100, timeout: 15000 });
  await page.goto(`${site.base}/en/`);
  await ready(page);
  await page.reload();
  await ready(page);
  assert.equal((await page.locator('.course__item').first().locator('.course__status').textContent()).trim(), UI.en.read);
  assert.equal(await page.locator('.course__item').first().locator('[role=progressbar]').getAttribute('aria-valuenow'), '100');
  // A corrupted entry is ignored, not fatal.
  await page.evaluate(() => localStorage.setItem('msa-lab:progress', '{garbage'));
  await page.reload();
  await ready(page);
  assert.equal((await page.locator('.course__item').first().locator('.course__status').textContent()).trim(), 'Not started');
  await page.context().close();
});

test('the theme follows the system, can be toggled, and is remembered', async () => {
  const context = await site.browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(`${site.base}/en/`);
  await ready(page);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const darkBg = await bg();
  assert.notEqual(darkBg, 'rgb(255, 255, 255)', 'dark system scheme gives a dark page');
  await page.click('.site-header__theme'); // dark (from the system) -> light
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  assert.equal(await page.getAttribute('.site-header__theme', 'aria-pressed'), 'false');
  await page.reload();
  await ready(page);
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.equal(await bg(), 'rgb(255, 255, 255)', 'the choice outlives a reload');
  await page.click('.site-header__theme');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  assert.equal(await bg(), darkBg);
  assert.equal(await page.getAttribute('.site-header__theme', 'aria-pressed'), 'true');
  await assertAccessible(page, 'dark theme');
  await context.close();
});

test('at 360 px wide nothing overflows sideways and the contents fold away', async () => {
  const page = await newPage(site, { width: 360, height: 740 });
  for (const path of ['/en/', '/ko/', ...COURSE.flatMap((l) => LANGS.map((lang) => `/${lang}/${l.slug}`))]) {
    await page.goto(`${site.base}${path}`);
    await ready(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
  }
  assert.equal(await page.locator('.sidebar__group[open]').count(), 0, 'sidebar groups start folded on a phone');
  await page.click('.sidebar__group summary');
  assert.equal(await page.locator('.sidebar__group[open]').count(), 1);
  page.assertClean();
  await page.context().close();
});

test('the same build works under a sub-path: deep links, assets and navigation stay inside it', async () => {
  const lesson = COURSE[0];
  const page = await newPage(site);
  await page.goto(`${site.subBase}/ko/${lesson.slug}`);
  await ready(page);
  assert.equal((await page.locator('main h1').textContent()).trim(), lesson.texts.ko.title);
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
  for (const h of hrefs.filter((h) => h.startsWith('http://127.0.0.1'))) {
    assert.ok(new URL(h).pathname.startsWith('/msa-lab/'), `link leaves the sub-path: ${h}`);
  }
  await page.click('.site-header__home');
  await page.waitForURL('**/msa-lab/ko');
  await ready(page);
  await page.click('.site-header__lang');
  await page.waitForURL('**/msa-lab/en');
  await page.locator('.course__title a').first().click();
  await page.waitForURL(`**/msa-lab/en/${lesson.slug}`);
  // The lesson's widgets are another bundle's: the page loads again in it.
  await ready(page);
  await page.reload();
  await ready(page);
  assert.equal((await page.locator('main h1').textContent()).trim(), lesson.texts.en.title);
  page.assertClean();
  await page.context().close();
});

test('keyboard only: skip link, then every control is reachable and visibly focused', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/${COURSE[0].slug}`);
  await ready(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // Tab from the top of a fresh page (without the #main the skip link added) reaches the language switch and the
  // theme toggle.
  await page.goto(`${site.base}/en/${COURSE[0].slug}`);
  await ready(page);
  const reached = new Set();
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement.className));
  }
  assert.ok(reached.has('site-header__lang'), [...reached].join(' '));
  assert.ok(reached.has('site-header__theme'), [...reached].join(' '));
  await page.focus('.site-header__theme');
  const before = await page.getAttribute('.site-header__theme', 'aria-pressed');
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => document.querySelector('.site-header__theme').getAttribute('aria-pressed') !== b, before);
  // Arrow keys on a focused control do not turn the lesson's page.
  const url = page.url();
  await page.focus('.toc a');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(150);
  assert.notEqual(page.url(), url, 'a focused link is not a form control: → still moves to the next lesson');
  page.assertClean();
  await page.context().close();
});

test('assets arrive with the MIME types browsers require', async () => {
  for (const [base, build] of [[site.base, 'root'], [site.subBase, 'sub']]) {
    // What the page links (its boot script and stylesheet), as the browser reads it from the page...
    const html = await (await fetch(`${base}/en/sessions`)).text();
    const assets = [...html.matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html);
    // ...and what the boot script loads: the JS glue and the wasm of every bundle, as the build's bundle map (the
    // site manifest's `output`) names them, rather than read back out of the generated script.
    const { output, files } = siteManifest(build);
    assert.ok(assets.includes(`${output.base}${output.boot}`), `${base}/en/sessions loads the build's boot script`);
    assets.push(...Object.values(output.bundles).flat());
    assert.ok(assets.some((a) => a.endsWith('.wasm')), JSON.stringify(output.bundles));
    for (const a of new Set(assets)) {
      const r = await fetch(new URL(a, base + '/'));
      assert.equal(r.status, 200, a);
      const type = r.headers.get('content-type');
      const want = { wasm: /^application\/wasm/, js: /^(text|application)\/javascript/, css: /^text\/css/ }[a.split('.').pop()];
      assert.match(type, want, `${a} is served as ${type}`);
    }
    // A lesson's body (where the manifest says bodies are) arrives as the build wrote it, not the app's page.
    const bodyFile = files.bodies.replace('{lang}', 'ko').replace('{slug}', COURSE[0].slug);
    const body = await fetch(`${base}/${bodyFile}`);
    assert.equal(body.status, 200);
    assert.equal(await body.text(), builtFile(build, bodyFile));
    // A deep link to anything else gets the app (status 200), which shows its own 404 page.
    const deep = await fetch(`${base}/ko/no-such-lesson`);
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<base href=/);
  }
});
