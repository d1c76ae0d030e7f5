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
  const figures = await lab.locator('.race__figures').innerHTML();
  // Run it again, and stop it while it runs.
  await lab.locator('[data-act="run"]').click();
  const stop = lab.locator('.race__cont-progress button');
  await stop.waitFor();
  const bar = lab.locator('.race__cont-progress progress');
  assert.ok(Number(await bar.getAttribute('max')) > 0);
  await stop.click();
  assert.equal(await lab.locator('.race__cont-progress').count(), 0, 'the progress bar goes once stopped');
  assert.match(await lab.locator('.race__cont-status').textContent(), /^Stopped after \d+ of \d+ runs/);
  await page.waitForTimeout(300);
  assert.equal(await lab.locator('.race__figures').innerHTML(), figures, 'the last complete sweep stays on screen');
  page.assertClean();
  await page.context().close();
});
