// Long work shows progress and can be stopped, and the page keeps answering meanwhile: a million-request
// fast-forward in the proxy lab, and the contention sweep in the race lab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready } from './lib.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('a million-request fast-forward shows its progress, can be stopped and resumed', async () => {
  const page = await newPage(site);
  const q = encodeURIComponent('servers=16&*.workers=100&rate=50000&duration_ms=20000');
  await page.goto(`${site.base}/en/lab/proxy?proxy=${q}`);
  await ready(page);
  const play = page.locator('.proxy__play');
  const progress = page.locator('.proxy__progress progress');
  await page.locator('.proxy__speed').selectOption({ index: 7 }); // as fast as possible
  await play.click();
  assert.equal((await play.textContent()).trim(), 'Stop');
  await page.waitForFunction(() => Number(document.querySelector('.proxy__progress progress').value) > 50, null, { timeout: 20000 });
  // The page answers while the run goes on: another control takes a value, the button reacts.
  await page.locator('.proxy__speed').focus();
  await play.click();
  assert.equal((await play.textContent()).trim(), 'Play');
  const at = Number(await progress.getAttribute('value'));
  assert.ok(at > 50 && at < 1000, `stopped part-way: ${at}/1000`);
  await page.waitForTimeout(300);
  assert.equal(Number(await progress.getAttribute('value')), at, 'nothing runs once stopped');
  // Resumed, it runs to the end.
  await play.click();
  await page.waitForFunction(() => document.querySelector('.proxy__play').textContent.trim() === 'Play', null, { timeout: 60000 });
  assert.equal(Number(await progress.getAttribute('value')), 1000);
  page.assertClean();
  await page.context().close();
});

test('the contention sweep shows its progress and can be stopped, keeping the last figures', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/lab/race`);
  await ready(page);
  const lab = page.locator('.race__contention');
  // The heaviest sweep the sliders allow (each change starts a sweep): let it finish and draw its figures.
  for (const [knob, v] of [['clients', '64'], ['hot', '256']]) {
    await lab.locator(`input[data-knob="${knob}"]`).fill(v);
  }
  await lab.locator('.race__cont-progress').waitFor({ state: 'detached', timeout: 60000 });
  await lab.locator('.race__crossover').waitFor();
  // Once more, timed: how long a whole sweep takes here.
  const t0 = Date.now();
  await lab.locator('[data-act="run"]').click();
  await lab.locator('.race__cont-progress').waitFor({ state: 'detached', timeout: 60000 });
  const sweepMs = Date.now() - t0;
  const figures = await lab.locator('.race__figures').innerHTML();
  // Run it again, and stop it with the keyboard while it runs: the button keeps its focus from slice to slice.
  await lab.locator('[data-act="run"]').click();
  const stop = lab.locator('.race__cont-progress button');
  await stop.focus();
  const bar = lab.locator('.race__cont-progress progress');
  const first = Number(await bar.getAttribute('value'));
  await page.waitForFunction((v) => Number(document.querySelector('.race__cont-progress progress')?.value) > v, first);
  assert.equal(await page.evaluate(() => document.activeElement?.closest('.race__cont-progress') !== null), true, 'Stop still has the focus');
  assert.ok(Number(await bar.getAttribute('max')) > 0);
  await page.keyboard.press('Enter');
  assert.equal(await lab.locator('.race__cont-progress').count(), 0, 'the progress bar goes once stopped');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.act), 'run', 'focus moves to Run');
  assert.match(await lab.locator('.race__cont-status').textContent(), /^Stopped after \d+ of \d+ runs/);
  // Longer than a whole sweep: had it gone on, its figures would be on screen by now.
  await page.waitForTimeout(Math.max(300, sweepMs * 1.5));
  assert.equal(await lab.locator('.race__figures').innerHTML(), figures, 'the last complete sweep stays on screen');
  page.assertClean();
  await page.context().close();
});
