// Challenges checked by the simulator (src/widgets/challenge, src/routes/challenges.rs): one challenge a
// family solved as a learner would (race by keyboard only: keys 1 and 2 schedule the steps), the success announced
// in the status region in the learner's language, the solution's link reloading to the same solved state, a state
// that changes what the challenge keeps refused with a message, the challenges page and the course map counting
// what was solved, in both languages, axe on each. Sizes and solutions come from the core's registry
// (crates/msa-sim/src/challenge/*.rs), the texts from locales/*.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startSite, newPage, ready, assertAccessible } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const L = Object.fromEntries(['en', 'ko'].map((l) => [l, JSON.parse(readFileSync(join(root, 'locales', `${l}.json`), 'utf8'))]));

/** A challenge of the core's registry: its start, shortest solution and size. */
function registry(id) {
  for (const f of ['race', 'proxy', 'arch', 'ddd']) {
    const src = readFileSync(join(root, 'crates', 'msa-sim', 'src', 'challenge', `${f}.rs`), 'utf8');
    const m = src.match(new RegExp(`id: "${id}",[\\s\\S]*?solution: "([^"]*)",\\s*best_size: (\\d+),`));
    if (m) return { solution: m[1], best: Number(m[2]) };
  }
  throw new Error(`no challenge ${id}`);
}

const title = (lang, id) => L[lang].challenges[`${id.replaceAll('-', '_')}_title`];
const ui = (lang, key) => L[lang].challenge_ui[key];
const fill = (t, vars) => t.replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
/** "7 steps" as the widget says it. */
const size = (lang, unit, n) => fill(ui(lang, n === 1 ? `unit_one_${unit}` : `unit_${unit}`), { n });
/** The announced success sentence. */
const solved = (lang, id, unit, n) => fill(ui(lang, 'solved'), { title: title(lang, id), size: size(lang, unit, n) });

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

/** Checks the solution and waits for the verdict in the status region; returns the region's text. */
async function check(page, box) {
  await box.locator('.challenge__check').click();
  await box.locator('.challenge__verdict[aria-busy="false"] .challenge__headline, .challenge__verdict[aria-busy="false"] .challenge__error').first().waitFor({ timeout: 20000 });
  return (await box.locator('.challenge__verdict').textContent()).trim();
}

test('race, by keyboard only: schedule the optimistic retry with keys 1 and 2, announced, shareable (en)', async () => {
  const id = 'race-optimistic-retry';
  const { best } = registry(id);
  const page = await newPage(site);
  await page.goto(`${site.base}/en/race-conditions#challenge-${id}`);
  await ready(page);
  const box = page.locator(`#challenge-${id}`);
  assert.equal(await box.getAttribute('aria-labelledby'), `challenge-${id}-title`);
  assert.equal(await box.locator('[role="status"]').count(), 1, 'the verdict is a status region');
  // The hint is a disclosure, closed until asked for.
  const hint = box.locator('.challenge__hint');
  assert.equal(await hint.isVisible(), false);
  await box.locator('.challenge__hint-toggle').focus();
  await page.keyboard.press('Enter');
  await hint.waitFor({ state: 'visible' });
  assert.equal(await box.locator('.challenge__hint-toggle').getAttribute('aria-expanded'), 'true');
  // Start: focus moves into the race widget, where 1 and 2 move the transactions.
  await box.locator('.challenge__start').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((sel) => document.querySelector(sel)?.contains(document.activeElement), `#challenge-${id} .widget--race`);
  assert.match(page.url(), new RegExp(`[?&]${id}=optimistic_optimistic_2`));
  // Not yet: one step is no solution.
  await page.keyboard.press('1');
  await box.locator('.challenge__check').focus();
  await page.keyboard.press('Enter');
  await box.locator('.challenge__verdict[aria-busy="false"] .challenge__headline').waitFor();
  assert.equal((await box.locator('.challenge__headline').textContent()).trim(), ui('en', 'not_solved'));
  // The rest of 1212112, typed inside the widget.
  await box.locator('.widget--race [aria-keyshortcuts]').first().focus();
  for (const k of '212112') await page.keyboard.press(k);
  assert.match(page.url(), new RegExp(`${id}=optimistic_optimistic_2_1212112`));
  await box.locator('.challenge__check').focus();
  await page.keyboard.press('Enter');
  const status = box.locator('.challenge__verdict');
  await status.locator('.challenge__headline--solved').waitFor();
  assert.ok((await status.textContent()).includes(solved('en', id, 'steps', 7)), await status.textContent());
  assert.ok((await status.textContent()).includes(fill(ui('en', 'shortest'), { size: size('en', 'steps', best) })));
  await assertAccessible(page, 'race challenge solved (en)');

  // The solution's link reloads to the same state, solved again by the core.
  const mine = await box.locator('.challenge__mine').getAttribute('href');
  assert.match(mine, new RegExp(`\\?${id}=optimistic_optimistic_2_1212112#challenge-${id}$`));
  await page.goto(new URL(mine, site.base).href);
  await ready(page);
  const again = page.locator(`#challenge-${id}`);
  await again.locator('.widget--race').waitFor();
  assert.equal((await again.locator('.challenge__before').textContent()).trim(), fill(ui('en', 'solved_before'), { size: size('en', 'steps', 7) }));
  assert.ok((await check(page, again)).includes(solved('en', id, 'steps', 7)));
  page.assertClean();
});

test('proxy: one changed setting (least-conn) keeps p99 under the goal; a fixed setting is refused (ko)', async () => {
  const id = 'lb-uneven-p99';
  const page = await newPage(site, { locale: 'ko-KR' });
  await page.goto(`${site.base}/ko/load-balancing#challenge-${id}`);
  await ready(page);
  const box = page.locator(`#challenge-${id}`);
  await box.locator('.challenge__start').click();
  const algo = box.locator('select:has(option[value="least-conn"])');
  await algo.waitFor();
  // Round robin as it starts: not solved.
  assert.ok((await check(page, box)).includes(ui('ko', 'not_solved')));
  await algo.selectOption('least-conn');
  await page.waitForFunction((id) => new URLSearchParams(location.search).get(id)?.includes('algo=least-conn'), id);
  const text = await check(page, box);
  assert.ok(text.includes(solved('ko', id, 'settings', 1)), text);
  await assertAccessible(page, 'proxy challenge solved (ko)');
  // A link that changes what the challenge keeps (the request rate) is refused, in Korean, naming the setting.
  await page.goto(`${site.base}/ko/load-balancing?${id}=${encodeURIComponent('algo=least-conn&rate=100&2.speed=0.25')}#challenge-${id}`);
  await ready(page);
  const refused = await check(page, page.locator(`#challenge-${id}`));
  assert.ok(refused.includes(fill(ui('ko', 'err_fixed'), { setting: 'rate' })), refused);
  page.assertClean();
});

test('arch: a circuit breaker contains the payment hang (en)', async () => {
  const id = 'arch-contain-payment-hang';
  const page = await newPage(site);
  await page.goto(`${site.base}/en/monolith-vs-msa#challenge-${id}`);
  await ready(page);
  const box = page.locator(`#challenge-${id}`);
  await box.locator('.challenge__start').click();
  const breaker = box.locator('input[type="radio"][value="breaker"]');
  await breaker.waitFor();
  await breaker.check();
  await page.waitForFunction((id) => new URLSearchParams(location.search).get(id)?.includes('g:breaker'), id);
  const text = await check(page, box);
  assert.ok(text.includes(title('en', id)) && (await box.locator('.challenge__headline--solved').count()) === 1, text);
  await assertAccessible(page, 'arch challenge solved (en)');
  page.assertClean();
});

for (const lang of ['en', 'ko']) {
  test(`ddd: break the credit limit through the back door, reload the link, see it on the challenges page and course map (${lang})`, async () => {
    const id = 'ddd-break-limit';
    const { solution, best } = registry(id);
    const page = await newPage(site, { locale: lang === 'ko' ? 'ko-KR' : 'en-US', width: 360, height: 800 });
    await page.goto(`${site.base}/${lang}/ddd#challenge-${id}`);
    await ready(page);
    const box = page.locator(`#challenge-${id}`);
    await box.locator('.challenge__start').click();
    // Through the root first: five bulgogi sets are refused (and recorded), so not solved.
    await box.locator(`#${id}-item`).selectOption('4');
    await box.locator(`#${id}-qty`).fill('5');
    await box.locator(`#${id}-qty`).dispatchEvent('change');
    await box.locator('.agg__buttons button.button--primary').click();
    await page.waitForFunction((id) => new URLSearchParams(location.search).get(id) === 'a4x5', id);
    assert.ok((await check(page, box)).includes(ui(lang, 'not_solved')));
    // Reset, then the back door: one command breaks the limit.
    await box.locator('.agg__buttons button').nth(3).click();
    await box.locator('.agg__buttons button.button--danger').click();
    await page.waitForFunction(([id, s]) => new URLSearchParams(location.search).get(id) === s, [id, solution]);
    const text = await check(page, box);
    assert.ok(text.includes(solved(lang, id, 'commands', best)), text);
    await assertAccessible(page, `ddd challenge solved (${lang})`);

    // The shortest known solution's link loads it: the order replayed from the script, over the limit.
    const best_ = await box.locator('.challenge__best').getAttribute('href');
    await page.goto(new URL(best_, site.base).href);
    await ready(page);
    const again = page.locator(`#challenge-${id}`);
    await again.locator('.agg__summary--broken').waitFor();
    assert.ok((await check(page, again)).includes(solved(lang, id, 'commands', best)));

    // The challenges page lists it solved, the others not yet; the course map counts it.
    await page.goto(`${site.base}/${lang}/challenges`);
    await ready(page);
    const row = page.locator(`tr[data-challenge="${id}"]`);
    assert.equal((await row.locator('.challenges-page__state').textContent()).trim(), ui(lang, 'page_solved'));
    assert.equal((await page.locator('tr[data-challenge="ddd-exact-limit"] .challenges-page__state').textContent()).trim(), ui(lang, 'page_not_yet'));
    assert.equal(await page.locator('tr[data-challenge]').count(), 21);
    assert.ok((await page.locator('.challenges-page__count').textContent()).includes(fill(ui(lang, 'page_count'), { solved: 1, total: 21 })));
    assert.equal(await row.locator('a').getAttribute('href'), `/${lang}/ddd#challenge-${id}`);
    await assertAccessible(page, `challenges page (${lang})`);
    await page.goto(`${site.base}/${lang}`);
    await ready(page);
    await page.locator('.course__challenges', { hasText: fill(ui(lang, 'course_count'), { solved: 1, total: 4 }) }).waitFor();
    page.assertClean();
  });
}

test('a stored challenge entry that does not decode is reset with a notice', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/challenges`);
  await ready(page);
  await page.evaluate(() => localStorage.setItem('msa-lab:challenges', 'ddd-break-limit:+1'));
  await page.reload();
  await ready(page);
  await page.locator('.notice', { hasText: ui('en', 'storage') }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('msa-lab:challenges')), null);
  page.assertClean();
});

test('without JavaScript the challenges page lists every challenge by lesson, in its language', async () => {
  const context = await site.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const lang of ['en', 'ko']) {
    const res = await page.goto(`${site.base}/${lang}/challenges`);
    assert.equal(res.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal((await page.locator('main h1').textContent()).trim(), ui(lang, 'page_title'));
    const ids = await page.$$eval('tr[data-challenge]', (rs) => rs.map((r) => r.dataset.challenge));
    assert.equal(ids.length, 21);
    for (const id of ids) {
      const row = page.locator(`tr[data-challenge="${id}"]`);
      assert.equal((await row.locator('th a').textContent()).trim(), title(lang, id));
      assert.match(await row.locator('th a').getAttribute('href'), new RegExp(`^/${lang}/[a-z-]+#challenge-${id}$`));
      assert.equal((await row.locator('.challenges-page__state').textContent()).trim(), ui(lang, 'page_not_yet'));
    }
    // The course map's static copy links the page too.
    await page.goto(`${site.base}/${lang}`);
    assert.equal(await page.locator(`a[href="/${lang}/challenges"]`).count(), 1);
  }
  await context.close();
});
