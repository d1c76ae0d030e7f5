// The DDD exercises: each solved right and wrong by keyboard at 360 px in both languages, remembered across a
// reload, reset by a corrupted entry; the Order aggregate's commands, refusals, back door and version check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible, LANGS } from './lib.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

// The right choice of every item, as in crates/msa-sim/src/domain/exercises.rs.
const KEYS = {
  'ddd-language': [0, 1, 2, 3, 4, 5],
  'ddd-kinds': [2, 1, 1, 2, 1, 2, 0, 1, 2],
  'ddd-contexts': [0, 1, 2, 1, 2, 3, 0],
};

const T = {
  en: { check: 'Check answers', perfect: (n) => `All ${n} right.`, score: (r, n) => `${r} of ${n} right.`, right: 'Right.', wrong: 'Not quite.',
    change: 'Change answers', map: 'The context map' },
  ko: { check: '채점하기', perfect: (n) => `${n}개 모두 맞았습니다.`, score: (r, n) => `${n}개 중 ${r}개 맞았습니다.`, right: '맞았습니다.', wrong: '아닙니다.',
    change: '답 고치기', map: '컨텍스트 맵' },
};

/** Chooses option `choice` (0-based, after the "Choose…" placeholder) in every select of `ex` by keyboard. */
async function answer(page, ex, choices) {
  const selects = ex.locator('select');
  await selects.first().focus();
  for (let i = 0; i < choices.length; i++) {
    // From the current value, Home goes to the placeholder; ArrowDown steps to the wanted choice.
    await page.keyboard.press('Home');
    for (let k = 0; k <= choices[i]; k++) await page.keyboard.press('ArrowDown');
    assert.equal(await selects.nth(i).inputValue(), String(choices[i]));
    await page.keyboard.press('Tab');
  }
}

for (const lang of LANGS) {
  test(`each exercise graded right and wrong by keyboard at 360 px, and remembered (${lang})`, async () => {
    const page = await newPage(site, { width: 360, height: 800 });
    await page.goto(`${site.base}/${lang}/ddd`);
    await ready(page);
    for (const [id, key] of Object.entries(KEYS)) {
      const ex = page.locator(`[data-exercise="${id}"]`);
      await ex.scrollIntoViewIfNeeded();
      const check = ex.locator('button', { hasText: T[lang].check });
      assert.equal(await check.isDisabled(), true, `${id}: nothing to check yet`);
      // Wrong: every item right except the first.
      const wrong = key.map((k, i) => (i === 0 ? (k === 0 ? 1 : 0) : k));
      await answer(page, ex, wrong);
      // Tab has reached the check button: Enter checks.
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), T[lang].check);
      await page.keyboard.press('Enter');
      await ex.locator('.ddd__score', { hasText: T[lang].score(key.length - 1, key.length) }).waitFor();
      // Focus moved to the score, not lost with the button.
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'ddd__score');
      assert.equal(await ex.locator('.ddd__item--wrong').count(), 1);
      assert.equal(await ex.locator('.ddd__item--right').count(), key.length - 1);
      assert.equal(await ex.locator('.ddd__why').count(), key.length, 'every item is explained');
      assert.ok((await ex.locator('.ddd__item--wrong .ddd__why').textContent()).startsWith(T[lang].wrong));
      if (id === 'ddd-contexts') await ex.locator('.ddd__map', { hasText: T[lang].map }).waitFor();
      // Right: change the answers and fix the first one.
      await ex.locator('button', { hasText: T[lang].change }).focus();
      await page.keyboard.press('Enter');
      // Focus lands on the first answer, ready to change it.
      await page.waitForFunction((sel) => document.activeElement === document.querySelector(sel), `[data-exercise="${id}"] select`);
      await page.keyboard.press('Home');
      for (let k = 0; k <= key[0]; k++) await page.keyboard.press('ArrowDown');
      await check.focus();
      await page.keyboard.press('Enter');
      await ex.locator('.ddd__score', { hasText: T[lang].perfect(key.length) }).waitFor();
      assert.equal(await ex.locator('.ddd__item--right').count(), key.length);
    }
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scroll');
    await assertAccessible(page, `ddd exercises checked (${lang})`);

    // Remembered on this device.
    await page.reload();
    await ready(page);
    for (const [id, key] of Object.entries(KEYS)) {
      const ex = page.locator(`[data-exercise="${id}"]`);
      await ex.locator('.ddd__score', { hasText: T[lang].perfect(key.length) }).waitFor();
    }
    page.assertClean();
  });

  test(`a corrupted saved answer starts the exercise over (${lang})`, async () => {
    const page = await newPage(site, { width: 1280 });
    await page.goto(`${site.base}/${lang}/ddd`);
    await ready(page);
    await page.evaluate(() => {
      localStorage.setItem('msa-lab:ddd-kinds', '{"not":"ours"}');
      localStorage.setItem('msa-lab:ddd-language', '999999!');
    });
    await page.reload();
    await ready(page);
    for (const id of ['ddd-kinds', 'ddd-language']) {
      const ex = page.locator(`[data-exercise="${id}"]`);
      assert.equal(await ex.locator('select:disabled').count(), 0);
      assert.equal(await ex.locator('.ddd__why').count(), 0);
      assert.equal(await ex.locator('select').first().inputValue(), '');
    }
    page.assertClean();
  });

  test(`the Order aggregate: commands through the root, refusals, the back door, the version check (${lang})`, async () => {
    const page = await newPage(site, { width: 360, height: 800 });
    await page.goto(`${site.base}/${lang}/ddd#optimistic-locking`);
    await ready(page);
    const w = page.locator('.widget--ddd-aggregate');
    const summary = w.locator('.agg__summary');
    const lastLog = () => w.locator('.agg__log li').last().textContent();
    const add = w.locator('button.button--primary');

    // Bulgogi set (24,000 won) x 5 = 120,000: over the limit, refused, nothing changes.
    await w.locator('#ddd-aggregate-item').focus();
    await page.keyboard.press('End');
    assert.equal(await w.locator('#ddd-aggregate-item').inputValue(), '4');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5');
    await page.keyboard.press('Tab'); // commits the number, focus on "Add through the root"
    await page.keyboard.press('Enter');
    await w.locator('.agg__entry--no').first().waitFor();
    assert.ok((await lastLog()).includes('120,000'), await lastLog());
    assert.ok((await summary.textContent()).includes(lang === 'en' ? 'version 0' : '버전 0'));
    // x 4 = 96,000: accepted, version 1.
    await w.locator('#ddd-aggregate-qty').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('4');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await w.locator('.agg__entry--ok').first().waitFor();
    assert.ok((await summary.textContent()).includes('96,000'));
    assert.ok((await summary.textContent()).includes(lang === 'en' ? 'version 1' : '버전 1'));
    // A quantity out of bounds is refused with the bounds.
    await w.locator('#ddd-aggregate-qty').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0');
    await page.keyboard.press('Tab');
    const refusedBefore = await w.locator('.agg__log li.agg__entry--no').count();
    await page.keyboard.press('Enter');
    assert.equal(await w.locator('.agg__log li.agg__entry--no').count(), refusedBefore + 1, 'the quantity is refused');
    assert.equal(await w.locator('.agg__log li').last().getAttribute('class'), 'agg__entry agg__entry--no');
    assert.match(await lastLog(), /\b1\b.*\b20\b/, await lastLog());
    // Pay (Tab from Add), then adding is refused.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.ok((await summary.textContent()).includes(lang === 'en' ? 'paid' : '결제 완료'));
    assert.ok((await summary.textContent()).includes(lang === 'en' ? 'version 2' : '버전 2'));
    await add.focus();
    await page.keyboard.press('Enter');
    assert.equal(await w.locator('.agg__entry--no').count(), 3);
    // The back door: a line goes in anyway, the version does not move, and the broken invariants are named.
    await w.locator('button.button--danger').focus();
    await page.keyboard.press('Enter');
    assert.ok((await summary.textContent()).includes(lang === 'en' ? 'version 2' : '버전 2'));
    // The quantity field says 0, which the back door clamps to 1: 96,000 + 24,000 = 120,000, over the limit.
    await page.waitForFunction(() => document.querySelector('.agg__summary--broken') !== null);
    assert.ok((await summary.textContent()).includes('120,000'));
    const broken = await lastLog();
    assert.ok(broken.includes(lang === 'en' ? 'a paid order changed' : '결제된 주문이 바뀌었습니다'), broken);
    assert.ok(broken.includes(lang === 'en' ? 'over the credit limit' : '결제 한도를 넘었는데'), broken);
    await assertAccessible(page, `aggregate after the back door (${lang})`);

    // Two requests at once: without the check the drink is lost; with it, Junho's save is refused and his retry
    // meets the limit.
    await w.locator('.agg__race button').first().focus();
    await page.keyboard.press('Enter');
    await w.locator('.agg__race-end--bad').waitFor();
    assert.ok((await w.locator('.agg__race-end').textContent()).includes('99,000'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await w.locator('.agg__race-steps[data-check="true"]').waitFor();
    const steps = await w.locator('.agg__race-steps li').allTextContents();
    assert.equal(steps.length, 6);
    assert.ok(steps[3].includes('UPDATE 0'), steps[3]);
    assert.ok(steps[5].includes('103,000'), steps[5]);
    assert.ok((await w.locator('.agg__race-end').textContent()).includes('98,000'));
    // The lesson links the race-condition lesson's optimistic locking section.
    assert.equal(await page.locator(`a[href$="${lang}/race-conditions#optimistic-locking"]`).count(), 1);
    await assertAccessible(page, `aggregate after the race (${lang})`);
    page.assertClean();
  });
}
