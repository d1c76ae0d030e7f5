// Predictions as a learner makes them: one in every lesson (the first of each, alternating languages), the
// answer and the run's table checked against the native CLI over the same core (`msa-sim predict NAME --json`),
// the verdict for a wrong and a right prediction, remembered across a reload and on the course map, changed and
// run again by keyboard, a number refused out of bounds with a message in the learner's language, and axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible, course, msaSimCli } from './lib.mjs';

let site;
let msaSim;

before(async () => {
  msaSim = msaSimCli();
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const reveal = (name) => JSON.parse(msaSim('predict', name, '--json'));

const T = {
  en: { run: 'Run it', change: 'Change my prediction', right: 'You predicted it.', wrong: 'Not what happened.',
    close: 'Close', invalid: 'Enter a whole number', made: (m, t) => `${m} of ${t} predictions made` },
  ko: { run: '실행해 보기', change: '예측 바꾸기', right: '예측이 맞았습니다.', wrong: '실제 결과는 달랐습니다.',
    close: '거의 맞았습니다', invalid: '정수를 입력하세요', made: (m, t) => `예측 ${t}개 중 ${m}개 완료` },
};

for (const [i, lesson] of course().entries()) {
  const lang = i % 2 === 0 ? 'en' : 'ko';
  test(`a prediction in ${lesson.slug} (${lang}): wrong, then right, remembered, on the course map`, async () => {
    const page = await newPage(site, { width: 390, height: 844 });
    await page.goto(`${site.base}/${lang}/${lesson.slug}`);
    await ready(page);
    const blocks = page.locator('[data-predict]');
    const total = await blocks.count();
    assert.ok(total >= 3, `${lesson.slug} asks ${total} predictions`);
    // Two lessons exercise a number prediction (their first one that asks for a number), the rest a choice.
    const block = ['sessions', 'large-traffic'].includes(lesson.slug)
      ? page.locator('[data-predict]', { has: page.locator('input[type=number]') }).first()
      : blocks.first();
    await block.scrollIntoViewIfNeeded();
    const name = await block.getAttribute('data-reveal');
    const id = await block.getAttribute('data-predict');
    const expected = reveal(name);
    const run = block.getByRole('button', { name: T[lang].run });
    const verdict = block.locator('.quiz__verdict');

    if (expected.answer.choice !== undefined) {
      // The options carry the keys the core answers with: every other option is wrong, the core's is right.
      const keys = await block.locator('input[type=radio]').evaluateAll((els) => els.map((e) => e.value));
      assert.ok(keys.includes(expected.answer.choice), `${expected.answer.choice} is not among ${keys}`);
      const wrong = keys.find((k) => k !== expected.answer.choice);
      await block.locator(`input[type=radio][value="${wrong}"]`).check();
      await run.click();
      assert.ok((await verdict.textContent()).trim().startsWith(T[lang].wrong));
      assert.equal(await block.locator('tbody tr').count(), expected.rows.length, 'the run is the core\'s, row for row');
      await block.getByRole('button', { name: T[lang].change }).click();
      assert.equal(await verdict.count(), 0, 'changing the prediction hides the result');
      // By keyboard: focus the right option, select it with the arrow keys' space, and run with Enter on the button.
      await block.locator(`input[type=radio][value="${expected.answer.choice}"]`).focus();
      await page.keyboard.press('Space');
      await run.focus();
      await page.keyboard.press('Enter');
    } else {
      const number = block.locator('input[type=number]');
      // Out of bounds: refused with a message, nothing revealed.
      await number.fill('-5');
      await run.click();
      assert.ok((await block.locator('.predict__error').textContent()).includes(T[lang].invalid));
      assert.equal(await verdict.count(), 0);
      await number.fill(String(expected.answer.number * 3 + 10));
      await run.click();
      assert.ok((await verdict.textContent()).trim().startsWith(T[lang].wrong));
      assert.equal(await block.locator('tbody tr').count(), expected.rows.length, 'the run is the core\'s, row for row');
      await block.getByRole('button', { name: T[lang].change }).click();
      // By keyboard: the exact answer, then Enter in the field runs it.
      await number.fill(String(expected.answer.number));
      await number.press('Enter');
    }
    assert.equal((await verdict.textContent()).trim(), T[lang].right);
    // The result shows the core's answer and takes the focus (the Run button is gone).
    // (in the frame after the result is drawn)
    await page.waitForFunction(() => document.activeElement?.classList.contains('predict__result'), null, { timeout: 5000 });
    const firstRow = expected.rows[0];
    const cells = await block.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(cells.length, firstRow.length);
    // Numbers, SQL and codes read the same in both languages: check those cells (names of features are localized).
    for (const [c, cell] of firstRow.entries()) {
      if (/^[-0-9.,= ]+$/.test(cell)) assert.equal(cells[c].trim(), cell);
    }
    await assertAccessible(page, `${lang}/${lesson.slug} with a prediction revealed`);

    // Remembered: after a reload the result is there without running again; the course map counts it.
    await page.reload();
    await ready(page);
    const again = page.locator(`[data-predict="${id}"]`);
    assert.equal((await again.locator('.quiz__verdict').textContent()).trim(), T[lang].right);
    await page.goto(`${site.base}/${lang}`);
    await ready(page);
    const card = page.locator('.course__item', { has: page.locator(`a[href$="/${lang}/${lesson.slug}"]`) });
    assert.equal((await card.locator('.course__predictions').textContent()).trim(), T[lang].made(1, total));
    page.assertClean();
    await page.context().close();
  });
}
