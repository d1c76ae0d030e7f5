// The lessons' own interactions: questions answered right and wrong in both languages and remembered across a
// reload, and the glossary reached from the text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible, course, glossary, LANGS, UI } from './lib.mjs';

const COURSE = course();
const TERMS = glossary();
let site;

before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('every lesson ends with 3 to 6 questions, the same in both languages', () => {
  for (const lesson of COURSE) {
    const [ko, en] = LANGS.map((l) => lesson.texts[l].quizzes);
    assert.ok(en.length >= 3 && en.length <= 6, `${lesson.slug} has ${en.length} questions`);
    assert.deepEqual(ko, en, `${lesson.slug}: the same questions, options and right answers in both languages`);
  }
});

for (const lang of LANGS) {
  test(`questions are checked in the page and remembered (${lang})`, async () => {
    const lesson = COURSE[lang === 'ko' ? 0 : COURSE.length - 1];
    const [q1, q2] = lesson.texts[lang].quizzes;
    const page = await newPage(site);
    await page.goto(`${site.base}/${lang}/${lesson.slug}`);
    await ready(page);
    const quiz = (q) => page.locator(`[data-quiz="${q.id}"]`);

    // Nothing chosen yet: the check button waits for a choice.
    assert.equal(await quiz(q1).locator('button').isDisabled(), true);
    // Right: pick the right option with the keyboard (radio buttons) and check.
    await quiz(q1).locator('input[type=radio]').nth(q1.right).check();
    await quiz(q1).locator('button', { hasText: UI[lang].check }).click();
    assert.equal((await quiz(q1).locator('.quiz__verdict').textContent()).trim(), UI[lang].right);
    assert.equal(await quiz(q1).locator('.quiz__why').count(), q1.count, 'every option is explained');
    // Wrong: pick another option for the second question.
    const wrong = q2.right === 0 ? 1 : 0;
    await quiz(q2).locator('input[type=radio]').nth(wrong).check();
    await quiz(q2).locator('button', { hasText: UI[lang].check }).click();
    assert.ok((await quiz(q2).locator('.quiz__verdict').textContent()).startsWith(UI[lang].wrong));
    assert.equal(await quiz(q2).locator('.quiz__option--wrong').count(), 1);
    assert.equal(await quiz(q2).locator('.quiz__option--right').count(), 1);
    await assertAccessible(page, `answered questions (${lang})`);

    // Both answers survive a reload, and the course map counts one right.
    await page.reload();
    await ready(page);
    assert.equal((await quiz(q1).locator('.quiz__verdict').textContent()).trim(), UI[lang].right);
    assert.ok((await quiz(q2).locator('.quiz__verdict').textContent()).startsWith(UI[lang].wrong));
    assert.equal(await quiz(q2).locator(`input[type=radio]:checked`).count(), 1);
    await page.goto(`${site.base}/${lang}/`);
    await ready(page);
    const card = page.locator('.course__item', { hasText: lesson.texts[lang].title });
    assert.equal((await card.locator('.course__quiz').textContent()).trim(), UI[lang].score(1, lesson.texts[lang].quizzes.length));

    // Try again clears the answer.
    await page.goto(`${site.base}/${lang}/${lesson.slug}`);
    await ready(page);
    await quiz(q2).locator('button', { hasText: UI[lang].retry }).click();
    assert.equal(await quiz(q2).locator('.quiz__verdict').count(), 0);
    assert.equal(await quiz(q2).locator('button').isDisabled(), true);
    page.assertClean();
    await page.context().close();
  });
}

test('an answer given in one language counts in the other', async () => {
  const lesson = COURSE[1];
  const q = lesson.texts.en.quizzes[0];
  const page = await newPage(site);
  await page.goto(`${site.base}/en/${lesson.slug}`);
  await ready(page);
  await page.locator(`[data-quiz="${q.id}"] input[type=radio]`).nth(q.right).check();
  await page.locator(`[data-quiz="${q.id}"] button`).click();
  await page.click('.site-header__lang');
  await page.waitForURL(`**/ko/${lesson.slug}`);
  assert.equal((await page.locator(`[data-quiz="${q.id}"] .quiz__verdict`).textContent()).trim(), UI.ko.right);
  page.assertClean();
  await page.context().close();
});

test('glossary: every term is listed in both languages, and lesson links land on it', async () => {
  assert.ok(TERMS.length >= 20, `the glossary has ${TERMS.length} terms`);
  const page = await newPage(site);
  for (const lang of LANGS) {
    await page.goto(`${site.base}/${lang}/glossary`);
    await ready(page);
    assert.equal((await page.locator('main h1').textContent()).trim(), UI[lang].glossary);
    const ids = await page.locator('.glossary__entry').evaluateAll((es) => es.map((e) => e.id));
    assert.deepEqual([...ids].sort(), TERMS.map((t) => t.id).sort());
    for (const t of TERMS.slice(0, 5)) {
      assert.ok((await page.locator(`#${t.id} .glossary__term`).textContent()).includes(t[lang]));
    }
    await assertAccessible(page, `glossary (${lang})`);
  }
  // From a lesson: the first glossary link goes to its entry, which is on screen.
  const lesson = COURSE.find((l) => true);
  await page.goto(`${site.base}/en/${lesson.slug}`);
  await ready(page);
  const link = page.locator('.prose a[href*="/glossary#"]').first();
  const id = (await link.getAttribute('href')).split('#')[1];
  assert.ok((await link.getAttribute('title')).length > 10, 'the link carries the definition as a tooltip');
  await link.click();
  await page.waitForURL(`**/en/glossary#${id}`);
  await page.waitForFunction((i) => { const el = document.getElementById(i); return el !== null && Math.abs(el.getBoundingClientRect().top) < 300; }, id);
  // Each glossary entry links back to the lessons that teach it.
  await page.locator(`#${id} .glossary__lesson`).first().click();
  await page.waitForURL(/\/en\/[a-z-]+$/);
  page.assertClean();
  await page.context().close();
});

test('a lesson opened at its address reads its body from the page; a body or the glossary that cannot load says so in the learner language, and "try again" recovers', async () => {
  const [from, lesson] = [COURSE[3], COURSE[2]];
  // Without the service worker: it would answer from its cache, past the failures this test stages.
  const page = await newPage(site, { serviceWorkers: 'block' });
  let mode = 'online';
  const asked = [];
  await page.route('**/lessons/**', (route) => {
    asked.push(new URL(route.request().url()).pathname);
    if (mode === 'offline') return route.abort('internetdisconnected');
    if (mode === 'html') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><p>fallback page</p>' });
    return route.continue();
  });
  // "Try again" with a host's HTML fallback page in place of the file: refused, not rendered (`detail` says why).
  // Then again with the network back: the content (`shown`) is there. Right after a click the old error may still
  // be on screen, so wait for the content itself.
  const retryThroughFallback = async (detail, shown) => {
    mode = 'html';
    await page.click('.lesson__error button');
    await page.waitForSelector(`.lesson__error-detail >> text=${detail}`);
    mode = 'online';
    await page.click('.lesson__error button');
    await page.waitForSelector(shown);
    await ready(page);
  };
  // The static copy carries the whole body (prose, widgets, questions): nothing is fetched for it.
  await page.goto(`${site.base}/ko/${from.slug}`);
  await ready(page);
  assert.deepEqual(asked, []);
  assert.equal(await page.locator('[data-quiz]').count(), from.texts.ko.quizzes.length);
  assert.ok((await page.locator('.lesson__body .widget').count()) > 0, 'the widgets are mounted');
  assert.equal(await page.locator('.prose :is(h2, h3)[id]').count(), from.texts.ko.ids.length);

  // The previous lesson, from a host that serves its page without the body (an older build's page, say): the
  // body is fetched, and the network is down.
  await page.route(`**/ko/${lesson.slug}`, async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    const bare = html.replace(/<script type="text\/plain" id="lesson-wire">[\s\S]*?<\/script>/, '');
    assert.notEqual(bare, html, 'the page carries its body, which this test takes out');
    await route.fulfill({ response, body: bare });
  });
  page.problems.length = 0;
  mode = 'offline';
  await page.click('.pager__link--prev');
  await page.waitForSelector('.lesson__error');
  assert.deepEqual([...new Set(asked)], [`/lessons/ko/${lesson.slug}.txt`]);
  assert.match(await page.locator('.lesson__error').textContent(), /강의를 불러오지 못했습니다/);
  // The title, the summary and the table of contents are there all the same.
  assert.equal((await page.locator('main h1').textContent()).trim(), lesson.texts.ko.title);
  assert.equal(await page.locator('.toc a').count(), lesson.texts.ko.ids.length);
  // The text stays on screen throughout; once the body is there, the questions come to life in it.
  assert.ok((await page.locator('.prose p').count()) > 5, 'the prose of the page is readable meanwhile');
  await retryThroughFallback('not a lesson', '.lesson__body [data-quiz]');
  assert.equal(await page.locator('.lesson__error').count(), 0);
  assert.equal(await page.locator('[data-quiz]').count(), lesson.texts.ko.quizzes.length);
  assert.equal(await page.locator('.prose :is(h2, h3)[id]').count(), lesson.texts.ko.ids.length);

  // The glossary's static page carries its terms; the app's glossary (from the site's root, the shell, the router
  // moves to it) reads them from a file of their own: offline it says so, in Korean, and recovers.
  await page.goto(`${site.base}/`);
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bundle), 'app');
  mode = 'offline';
  await page.locator('.course__glossary a[href$="/ko/glossary"]').click();
  await page.waitForSelector('.lesson__error');
  assert.match(await page.locator('.lesson__error').textContent(), /용어집을 불러오지 못했습니다/);
  assert.equal((await page.locator('main h1').textContent()).trim(), UI.ko.glossary);
  await retryThroughFallback('not the glossary', '.glossary__entry');
  assert.equal(await page.locator('.glossary__entry').count(), TERMS.length);
  assert.ok(asked.includes('/lessons/ko/glossary.txt'));
  await assertAccessible(page, 'glossary after a failed load');
  await page.context().close();
});

test("no form control of a lesson sits where the browser skips layout (an off-screen part, a closed panel)", async () => {
  // Chromium's autofill looks at every control of a page soon after it changes; for one inside a skipped part
  // (content-visibility) or a closed <details>, it lays out the whole page, once per such part: on a phone, a
  // third of a second of blocked page on the lessons with the most widgets (a trace of Chromium shows it).
  const page = await newPage(site, { width: 412, height: 823 });
  let checked = 0;
  for (const lesson of COURSE) {
    await page.goto(`${site.base}/en/${lesson.slug}`);
    await ready(page);
    const hidden = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')].flatMap((control) => {
      for (let a = control.parentElement; a; a = a.parentElement) {
        const skip = getComputedStyle(a).contentVisibility !== 'visible' || (a.tagName === 'DETAILS' && !a.open);
        if (skip) return [`${control.tagName.toLowerCase()} in ${a.tagName.toLowerCase()}.${[...a.classList].join('.')}`];
      }
      return [];
    }));
    assert.ok(hidden.length === 0, `${lesson.slug}: ${hidden.length} controls where layout is skipped, e.g. ${hidden.slice(0, 3).join(', ')}`);
    checked += await page.locator('main input, main select, main textarea').count();
  }
  assert.ok(checked > 100, `${checked} controls checked`);
  page.assertClean();
});
