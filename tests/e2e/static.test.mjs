// The static pages (src/bin/render.rs, the app's components rendered at build time): every home page and lesson is readable from its HTML alone (no
// JavaScript), with the same title, summary, sections and prose the app shows; when the app starts it replaces
// the copy without a layout shift and without two copies on screen; the app's files wait for the text's paint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSite, newPage, ready, course, glossary, LANGS, UI } from './lib.mjs';

const COURSE = course();
const TERMS = glossary();
let site;

before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('without JavaScript every lesson, lab and home page is readable, in its language', async () => {
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const lang of LANGS) {
    const home = await page.goto(`${site.base}/${lang}`);
    assert.equal(home.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.deepEqual(await page.locator('.course__title').allTextContents(), COURSE.map((l) => l.texts[lang].title));
    for (const lesson of COURSE) {
      const t = lesson.texts[lang];
      await page.goto(`${site.base}/${lang}/${lesson.slug}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal((await page.locator('main h1').textContent()).trim(), t.title);
      assert.match(await page.title(), new RegExp(t.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.equal(await page.getAttribute('meta[name="description"]', 'content'), t.summary);
      // Every section of the lesson, with its anchor, and prose under it.
      const ids = await page.$$eval('.lesson__body h2[id], .lesson__body h3[id]', (hs) => hs.map((h) => h.id));
      assert.deepEqual(ids, t.ids, `${lang}/${lesson.slug}`);
      assert.ok((await page.locator('.lesson__body p').count()) > 5);
    }
  }
  // The glossary: every term, its name in the other language, its definition and the lessons that teach it.
  for (const lang of LANGS) {
    await page.goto(`${site.base}/${lang}/glossary`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal((await page.locator('main h1').textContent()).trim(), UI[lang].glossary);
    assert.deepEqual((await page.$$eval('.glossary__entry', (es) => es.map((e) => e.id))).sort(), TERMS.map((t) => t.id).sort());
    assert.equal(await page.locator('.glossary__definition p:first-child').count(), TERMS.length);
    assert.ok((await page.locator('.glossary__lesson').count()) >= TERMS.length, 'each term links to a lesson that teaches it');
  }
  // The labs: their title and summary in the page's language, and the widget's empty slot (the widget is the app's).
  const locales = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(new URL(`../../locales/${l}.json`, import.meta.url), 'utf8'))]));
  for (const lang of LANGS) {
    for (const [name, title] of [['proxy', 'lab_title'], ['race', 'title'], ['arch', 'lab_title']]) {
      const response = await page.goto(`${site.base}/${lang}/lab/${name}`);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal((await page.locator('main h1').textContent()).trim(), locales[lang][name][title]);
      assert.equal((await page.locator('.lab__summary').textContent()).trim(), locales[lang][name].lab_summary);
      assert.equal(await page.locator('.lab > .widget-slot').count(), 1, `${lang}/lab/${name}`);
    }
  }
  // Under a sub-path the static pages link inside it.
  await page.goto(`${site.subBase}/en/${COURSE[1].slug}`);
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
  assert.ok(hrefs.length > 10 && hrefs.every((h) => new URL(h).pathname.startsWith('/msa-lab/')), hrefs.join(' '));
  await context.close();
});

test('the app replaces the static copy: one page, the same text, no layout shift', async () => {
  for (const path of ['/ko/load-balancing', '/en/sessions', '/en', '/ko/glossary', '/en/lab/race']) {
    for (const width of [1280, 360]) {
      const page = await newPage(site, { width });
      await page.addInitScript(() => {
        window.__shift = 0;
        // The app has the lesson's body (or the glossary's terms) before it replaces the copy: "Loading" never shows.
        window.__loading = false;
        new MutationObserver(() => { if (document.querySelector('.lesson__loading')) window.__loading = true; })
          .observe(document, { childList: true, subtree: true });
        new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__shift += e.value; })).observe({ type: 'layout-shift', buffered: true });
      });
      // The static copy as the server sends it: its title and its sections.
      const html = await (await fetch(`${site.base}${path}`)).text();
      assert.match(html, /id="prerendered"/);
      const staticTitle = html.match(/<main[^>]*>[\s\S]*?<h1>([^<]*)<\/h1>/)[1];
      const staticIds = [...html.matchAll(/<h[23] id="([^"]+)"/g)].map((m) => m[1]);
      await page.goto(`${site.base}${path}`);
      await ready(page);
      await page.waitForTimeout(300);
      assert.equal(await page.locator('#prerendered').count(), 0);
      assert.equal(await page.locator('main').count(), 1, 'one <main>');
      assert.equal(await page.locator('h1').count(), 1, 'one <h1>');
      assert.equal(await page.locator('main h1').textContent(), staticTitle.replaceAll('&amp;', '&'));
      if (path.endsWith('/glossary')) {
        // The app lists the same terms in the same order.
        const staticTerms = [...html.matchAll(/<div\b[^>]*\bclass="glossary__entry"[^>]*>/g)].map((m) => m[0].match(/\bid="([^"]+)"/)[1]);
        assert.ok(staticTerms.length > 10);
        assert.deepEqual(await page.$$eval('.glossary__entry', (es) => es.map((e) => e.id)), staticTerms);
      } else if (path.includes('/lab/')) {
        // The lab's widget fills its slot, under the same header.
        assert.ok((await page.locator('.lab > .widget-slot .widget').count()) > 0);
      } else if (path !== '/en') {
        // The app shows the same sections in the same order (and the widgets' own headings between them).
        const ids = await page.$$eval('.lesson__body h2[id], .lesson__body h3[id]', (hs) => hs.map((h) => h.id));
        assert.ok(staticIds.length > 5);
        assert.deepEqual(ids.filter((id) => staticIds.includes(id)), staticIds);
      }
      assert.equal(await page.evaluate(() => window.__loading), false, `${path}: the lesson showed "Loading" after its text`);
      const shift = await page.evaluate(() => window.__shift);
      assert.ok(shift < 0.01, `${path} at ${width} px: cumulative layout shift ${shift}`);
      page.assertClean();
      await page.context().close();
    }
  }
});

// The static page is the app's own markup (src/bin/render.rs renders the same components natively): the text a
// reader sees without JavaScript is the text the app shows once it has replaced the copy. Widgets and questions
// are the app's alone (their slots are empty in the copy), so a lesson is compared without them.
test('the static page and the app show the same text: the copy is rendered from the same components', async () => {
  const visible = (root) => {
    const copy = root.cloneNode(true);
    copy.querySelectorAll('.widget-slot').forEach((slot) => slot.remove());
    // innerText needs the clone in the document to lay it out; it replaces the original for the moment.
    const parent = root.parentNode;
    parent.replaceChild(copy, root);
    const text = copy.innerText.replace(/\s+/g, ' ').trim();
    parent.replaceChild(root, copy);
    return text;
  };
  for (const path of ['/en', '/ko/glossary', '/en/challenges', '/ko/sessions', '/en/lab/arch']) {
    const context = await site.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
    const plain = await context.newPage();
    await plain.goto(`${site.base}${path}`);
    const staticText = await plain.evaluate(`(${visible})(document.getElementById('prerendered'))`);
    await context.close();
    const page = await newPage(site, { width: 360, height: 800 });
    await page.goto(`${site.base}${path}`);
    await ready(page);
    const appText = await page.evaluate(`(${visible})(document.body)`);
    assert.ok(staticText.length > 200, `${path}: the copy has its text`);
    assert.equal(staticText, appText, path);
    page.assertClean();
    await page.context().close();
  }
});

test('a production aside is closed at first and opens by pointer and keyboard, in the static copy and in the app', async () => {
  // The summaries msa-content writes (msa_content::ASIDES), in each page's language.
  const LABELS = { en: 'Production detail', ko: '운영 환경에서 알아 둘 것' };
  // How many the lesson has, in each language (the content pipeline's parse: lib.mjs's course facts).
  const lesson = COURSE.find((l) => l.slug === 'load-balancing');
  const counts = Object.fromEntries(LANGS.map((lang) => [lang, lesson.texts[lang].asides.filter((k) => k === 'production').length]));
  assert.ok(LANGS.every((lang) => counts[lang] > 0), JSON.stringify(counts));
  // Without JavaScript: the static copy's <details> needs no script.
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  const plain = await context.newPage();
  for (const lang of LANGS) {
    await plain.goto(`${site.base}/${lang}/load-balancing`);
    const asides = plain.locator('.lesson__body details.aside');
    assert.equal(await asides.count(), counts[lang], lang);
    const first = asides.first();
    assert.equal((await first.locator('summary').textContent()).trim(), LABELS[lang]);
    assert.equal(await first.locator('.aside__body').isVisible(), false, 'closed by default');
    await first.locator('summary').click();
    assert.equal(await first.locator('.aside__body').isVisible(), true);
  }
  await context.close();
  // In the app (which took the prose from the copy): the same boxes, operated from the keyboard.
  for (const lang of LANGS) {
    const page = await newPage(site, { width: 360 });
    await page.goto(`${site.base}/${lang}/load-balancing`);
    await ready(page);
    const asides = page.locator('.lesson__body details.aside');
    assert.equal(await asides.count(), counts[lang], lang);
    const first = asides.first();
    assert.equal(await first.evaluate((d) => d.open), false);
    await first.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await first.evaluate((d) => d.open), true);
    assert.equal(await first.locator('.aside__body').isVisible(), true);
    await page.keyboard.press('Space');
    assert.equal(await first.evaluate((d) => d.open), false);
    page.assertClean();
    await page.context().close();
  }
});
