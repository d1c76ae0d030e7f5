// The cross-engine suite: the same checks in Firefox ESR and in WebKitGTK (Safari's engine), through
// drivers.mjs. What runs only in Chromium (the Content-Security-Policy report, offline through the service worker,
// axe, the deep links at a 4x CPU slowdown) stays in tests/e2e/. Run: node --test tests/engines/ (needs dist/).
//
// In each engine: every page in both languages loads with no console error and no failed request (and a
// screenshot of each lesson at 390 px goes to target/engines/<engine>/); one real interaction per widget family;
// a deep link to every lesson's last section lands on it and stays, at 390 and at 1280 px; Tab reaches every
// control in order; nothing scrolls sideways at 360 px; the language switch keeps the reader's place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve } from '../e2e/server.mjs';
import { course, LANGS, UI } from '../e2e/lib.mjs';
import { startEngine, SHOTS } from './drivers.mjs';

const COURSE = course();
const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

/** In the page: the app has replaced the static copy, the lesson's body is there and every widget is built. */
function appReady() {
  return (
    document.readyState === 'complete' &&
    document.documentElement.dataset.bundle !== undefined &&
    !document.getElementById('prerendered') &&
    document.querySelector('main h1') !== null &&
    !document.querySelector('[aria-busy="true"], [data-widget-pending]')
  );
}

/** In the page: where the section `id` is, and whether that is where a deep link to it must leave it: its top at
 * its scroll margin below the top of the screen, or, when the page is too short below it for that, the page
 * scrolled to its end with the section on screen. */
function placeOf(id) {
  const el = document.getElementById(id);
  if (!el) return { missing: id };
  const top = el.getBoundingClientRect().top;
  const margin = parseFloat(getComputedStyle(el).scrollMarginTop) || 0;
  const end = document.documentElement.scrollHeight - innerHeight;
  const atEnd = scrollY >= end - 1;
  const landed = Math.abs(top - margin) <= 2 || (atEnd && top > margin && top < innerHeight - 20);
  return { top: Math.round(top), margin, scrollY: Math.round(scrollY), end, landed };
}

/** In the page, after a press of Tab: whether the focus moved to the next of the keyboard's stops after the one it
 * left, in the order the document gives them. The stops are counted afresh each time (a widget may add or remove a
 * control meanwhile, as the contention sweep's Cancel button goes when the sweep ends); a radio group is one stop,
 * and an element that is no control (a scroll container some browsers let the keyboard reach) is passed over. */
function tabStep() {
  const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')];
  const groups = new Set();
  const stops = all.filter((el) => {
    if (el.disabled || el.tabIndex < 0 || el.type === 'hidden' || el.closest('[inert]')) return false;
    if (!el.checkVisibility({ visibilityProperty: true })) return false;
    if (el.type === 'radio') {
      if (groups.has(el.name)) return false;
      groups.add(el.name);
    }
    return true;
  });
  const describe = (el) => el ? `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.value || '').trim().slice(0, 40)}"` : 'nothing';
  let at = document.activeElement;
  if (at?.type === 'radio') at = stops.find((s) => s.type === 'radio' && s.name === at.name) ?? at;
  if (!at || at === document.body) return { done: true };
  const prev = window.__tabPrev;
  const expected = prev && prev.isConnected
    ? stops.find((el) => prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
    : prev ? null : stops[0];
  window.__tabPrev = at;
  const control = stops.includes(at);
  window.__tabSeen = (window.__tabSeen ?? 0) + (control ? 1 : 0);
  return {
    ok: !control || expected === null || expected === at,
    control,
    last: at === stops.at(-1),
    seen: window.__tabSeen,
    count: stops.length,
    got: describe(at),
    expected: describe(expected),
  };
}

export function defineSuite(engine) {
  let site;
  let b;
  let base;
  const shots = join(SHOTS, engine);

  const clean = async (what) => assert.deepEqual(await b.takeProblems(), [], `${engine}: ${what} logged errors`);
  const open = async (path) => {
    await b.goto(`${base}${path}`);
    await b.waitFor(appReady, [], { what: `${path} ready`, ms: 45000 });
  };

  before(async () => {
    // The build under test: dist/, or another folder (MSA_DIST), e.g. an older build to compare with.
    site = await serve(process.env.MSA_DIST ?? join(ROOT, 'dist'), 0, '/');
    base = `http://127.0.0.1:${site.address().port}`;
    b = await startEngine(engine);
  });
  after(async () => {
    await b?.close();
    site?.close();
  });

  test(`${engine}: every page in both languages loads with no error; 360 px does not scroll sideways`, { timeout: 240000 }, async () => {
    for (const lang of LANGS) {
      const pages = [`/${lang}`, ...COURSE.map((l) => `/${lang}/${l.slug}`), `/${lang}/glossary`, ...['proxy', 'race', 'arch'].map((n) => `/${lang}/lab/${n}`)];
      for (const path of pages) {
        await b.viewport(390, 844);
        await open(path);
        const lesson = COURSE.find((l) => path === `/${lang}/${l.slug}`);
        if (lesson) {
          assert.equal(await b.eval(() => document.querySelector('main h1').textContent.trim()), lesson.texts[lang].title);
          await b.screenshot(join(shots, `${lang}-${lesson.slug}.png`));
        }
        await b.viewport(360, 740);
        // Parts of widgets off the screen are not laid out (content-visibility: auto): lay them all out to measure.
        const wide = await b.eval(() => {
          const deferred = [...document.querySelectorAll('main *')].filter((el) => getComputedStyle(el).contentVisibility === 'auto');
          for (const el of deferred) el.style.contentVisibility = 'visible';
          const over = [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > innerWidth + 1 && !el.closest('[class*="scroll"], .table-wrap, pre, .prose table'))
            .slice(0, 3)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
          const width = document.documentElement.scrollWidth;
          for (const el of deferred) el.style.removeProperty('content-visibility');
          return { width, inner: innerWidth, over };
        });
        assert.ok(wide.width <= wide.inner, `${engine} ${path}: scrolls sideways at 360 px (${wide.width} > ${wide.inner}): ${wide.over.join(', ')}`);
        await clean(path);
      }
    }
  });

  test(`${engine}: a deep link to every lesson's last section lands on it and stays, at 390 and 1280 px`, { timeout: 300000 }, async () => {
    for (const [width, height] of [[390, 844], [1280, 900]]) {
      for (const [i, lesson] of COURSE.entries()) {
        // Both languages across the lessons and sizes, each lesson once a size.
        const lang = LANGS[(i + (width > 400 ? 1 : 0)) % 2];
        const id = lesson.texts[lang].ids.at(-1);
        await b.viewport(width, height);
        // From another page first: a deep link typed in or followed, not a jump within the page.
        await open(`/${lang}`);
        await open(`/${lang}/${lesson.slug}#${id}`);
        // It stays: the place is checked again once the page has stopped changing for a while.
        let last = null;
        let same = 0;
        const until = Date.now() + 20000;
        while (same < 8 && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 150));
          const now = await b.eval(placeOf, id);
          same = last && now.top === last.top && now.scrollY === last.scrollY ? same + 1 : 0;
          last = now;
        }
        assert.ok(last.landed, `${engine} ${width} px /${lang}/${lesson.slug}#${id}: the section is not in place: ${JSON.stringify(last)}`);
        assert.ok(last.scrollY > 300, `${engine} ${width} px /${lang}/${lesson.slug}#${id}: the page really scrolled down (${last.scrollY})`);
        if (width < 400) await b.screenshot(join(shots, `${lang}-${lesson.slug}-${id}.png`));
        await clean(`/${lang}/${lesson.slug}#${id}`);
      }
    }
  });

  test(`${engine}: the language switch keeps the reader's place`, { timeout: 90000 }, async () => {
    const lesson = COURSE.find((l) => l.slug === 'sessions') ?? COURSE[0];
    const id = lesson.texts.en.ids.at(-2);
    await b.viewport(1280, 900);
    await open(`/en/${lesson.slug}`);
    await b.click(`.toc a[href$="#${id}"]`);
    await b.waitFor((h) => location.hash === h, [`#${id}`], { what: 'the section in the address' });
    await b.click('.site-header__lang');
    await b.waitFor((p) => location.pathname.endsWith(p), [`/ko/${lesson.slug}`], { what: 'the Korean page' });
    await b.waitFor(appReady, [], { what: 'the Korean page ready' });
    assert.equal(await b.eval(() => location.hash), `#${id}`);
    assert.equal(await b.eval(() => document.querySelector('.site-header__lang').textContent), UI.ko.switchTo);
    await b.waitFor((s) => { const el = document.getElementById(s); return el && Math.abs(el.getBoundingClientRect().top) < 200; }, [id],
      { what: `#${id} on screen in Korean` });
    await clean('the language switch');
  });

  test(`${engine}: Tab reaches every control in order`, { timeout: 180000 }, async (t) => {
    for (const path of ['/en', '/ko/race-conditions', '/en/lab/proxy']) {
      await b.viewport(1280, 900);
      await open(path);
      let step;
      for (let k = 0; k < 400; k++) {
        await b.key('Tab');
        step = await b.eval(tabStep);
        if (step.done) continue;
        assert.ok(step.ok, `${engine} ${path}: after ${step.seen - 1} controls in order, Tab reached ${step.got} instead of ${step.expected}`);
        if (step.last) break;
      }
      assert.ok(step?.last, `${engine} ${path}: Tab reached the last control (${JSON.stringify(step)})`);
      assert.ok(step.seen >= step.count, `${engine} ${path}: ${step.seen} of ${step.count} controls reached`);
      t.diagnostic(`${path}: ${step.seen} controls in order`);
      await clean(`Tab through ${path}`);
    }
  });

  test(`${engine}: each widget family does one real thing and shows its result`, { timeout: 240000 }, async () => {
    await b.viewport(1280, 900);

    // The reverse proxy: run, crash a backend, run on: it fails once and is taken out.
    await open(`/en/lab/proxy?proxy=${encodeURIComponent('duration_ms=20000')}`);
    await b.eval(() => {
      const s = document.querySelector('.proxy__speed');
      s.selectedIndex = 5;
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await b.click('.proxy__play');
    await b.waitFor(() => Number(document.querySelectorAll('td[data-col="attempts"]')[1]?.textContent ?? 0) > 5, [], { what: 'attempts at s2' });
    await b.click('.proxy__play');
    await b.click('tr[data-row="1"] .proxy__act--crash');
    assert.equal(await b.eval(() => document.querySelector('tr[data-row="1"] .proxy__state').textContent.trim()), 'crashed');
    await b.click('.proxy__play');
    // One attempt fails at s2, and max_fails=1 takes it out (the announcement says so).
    await b.waitFor(() => Number(document.querySelectorAll('td[data-col="failed"]')[1]?.textContent) >= 1 &&
      document.querySelector('.proxy__announce')?.textContent.includes('max_fails reached'), [], {
      what: 's2 failed and taken out', ms: 60000 });
    await clean('the proxy lab');

    // The race: a lost update played to its outcome, then an exploration of every schedule.
    await open('/en/lab/race');
    for (const n of '12121212') await b.click(`.widget--race [data-act="move-${n}"]`);
    assert.equal(await b.eval(() => document.querySelector('.race__outcome').dataset.outcome), 'lost-update');
    await b.click('.race__explore-go');
    await b.waitFor(() => document.querySelector('.race__explore-summary') !== null, [], { what: 'the exploration summary' });
    const counts = await b.eval(() => [...document.querySelectorAll('.race__counts tbody tr')].map((r) => [r.dataset.outcome, Number(r.querySelector('.race__count').textContent)]));
    assert.ok(counts.some(([o, n]) => o === 'lost-update' && n > 0), `the exploration finds lost updates: ${JSON.stringify(counts)}`);
    await clean('the race lab');

    // The architecture comparison: another action runs and its table follows.
    await open('/en/lab/arch');
    await b.waitFor(() => document.querySelector('.arch__status')?.textContent.includes('Done:'), [], { what: 'the first comparison' });
    const before = await b.eval(() => document.querySelector('.arch__table caption').textContent);
    await b.click('.arch__actions label:nth-of-type(2) input');
    await b.waitFor((t) => {
      const cap = document.querySelector('.arch__table caption')?.textContent;
      return document.querySelector('.arch__status')?.textContent.includes('Done:') && cap && cap !== t;
    }, [before], { what: 'the second action compared' });
    await clean('the arch lab');

    // DDD: an exercise answered and checked, then a question of the lesson answered.
    await open('/en/ddd');
    const key = [0, 1, 2, 3, 4, 5];
    const ex = '[data-exercise="ddd-language"]';
    for (const [i, k] of key.entries()) await b.select(`${ex} .ddd__item:nth-of-type(${i + 1}) select`, String(k));
    await b.click(`${ex} button.button`);
    await b.waitFor((e) => document.querySelector(`${e} .ddd__score`) !== null, [ex], { what: 'the exercise checked' });
    assert.equal(await b.eval((e) => document.querySelectorAll(`${e} .ddd__why`).length, ex), key.length, 'every item explained');
    const q = COURSE.find((l) => l.slug === 'ddd').texts.en.quizzes[0];
    await b.click(`[data-quiz="${q.id}"] .quiz__option:nth-of-type(${q.right + 1}) input`);
    await b.click(`[data-quiz="${q.id}"] button`);
    assert.equal(await b.eval((id) => document.querySelector(`[data-quiz="${id}"] .quiz__verdict`).textContent.trim(), q.id), UI.en.right);
    await clean('the DDD lesson');
  });
}
