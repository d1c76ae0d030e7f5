// Issue 18's single-idea figures in the browser, used as a learner would (the keyboard for the slider, the server
// count and the backends), with the numbers on the page checked against the core's: the constants below are the
// ones the native tests pin (crates/msa-sim/src/proxy/{rho_latency,hash_ring}.rs, tests/figures_rho.rs). Plus
// axe, 360 px and both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible } from './lib.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const text = async (loc) => (await loc.textContent()).replace(/\s+/g, ' ').trim();

/** The table row of ρ (hundredths) as its seven cells' text. */
async function row(w, rho) {
  const r = w.locator(`.rho__table tbody tr[data-rho="${rho}"]`);
  return (await r.locator('th, td').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
}

test('rho-latency: the slider, the server count and the measured points show the core numbers', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/large-traffic`);
  await ready(page);
  const w = page.locator('.widget--rho-latency');
  await w.scrollIntoViewIfNeeded();
  const readout = w.locator('.rho__readout');
  // The default: 4 servers at ρ = 0.80 (M/M/4: mean 17.5, p99 68.9; M/M/1: mean 50.0, p99 230.3).
  assert.equal(
    await text(readout),
    'ρ = 0.80, 4 servers. One shared queue: mean 17.5 ms, p99 68.9 ms (60% of requests wait). A queue per server: mean 50.0 ms, p99 230.3 ms.',
  );
  assert.match(await text(w.locator('.rho__knee')), /p99 is 68\.9 ms at ρ = 0\.80 and 235\.7 ms at ρ = 0\.95, 3\.4 times/);
  assert.equal(await text(w.locator('.rho__bound')), '');

  // The keyboard: End takes ρ to its top, where the figure says why it stops; Home to its bottom.
  const slider = w.locator('input[type="range"]');
  await slider.focus();
  await page.keyboard.press('End');
  assert.match(await text(readout), /^ρ = 0\.98, 4 servers\. One shared queue: mean 129\.5 ms, p99 580\.4 ms/);
  assert.match(await text(w.locator('.rho__bound')), /^ρ stops at 0\.98\. At 1 and above there is no steady state/);
  // The shared queue's p99 is above the chart (500 ms): its value is written at the top.
  assert.ok((await w.locator('.rho__over').allTextContents()).includes('580.4 ↑'));
  await page.keyboard.press('Home');
  assert.match(await text(readout), /^ρ = 0\.05, 4 servers\. One shared queue: mean 10\.0 ms, p99 46\.1 ms/);
  assert.match(await text(w.locator('.rho__bound')), /^ρ starts at 0\.05/);
  // Up from 0.05 by 0.01 a press; the slider's row joins the table, marked.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.match(await text(readout), /^ρ = 0\.08,/);
  assert.equal(await text(w.locator('.rho__bound')), '');
  assert.equal((await row(w, 8))[0], '0.08 (slider)');

  // One server: both models are one (the lesson's M/M/1 table: p99 921.0 ms at 0.95), and one pair of curves.
  const select = w.locator('select');
  await select.focus();
  await select.selectOption('1');
  assert.match(await text(readout), /^ρ = 0\.08, one server: mean 10\.9 ms/);
  assert.deepEqual((await row(w, 95)).slice(0, 5), ['0.95', '200.0', '921.0', '200.0', '921.0']);
  assert.equal(await w.locator('.rho__line').count(), 2);
  await select.selectOption('4');
  assert.equal(await w.locator('.rho__line').count(), 4);

  // The simulator's points, measured in slices (the button, by keyboard): exactly the native run's figures.
  assert.deepEqual((await row(w, 80)).slice(5), ['–', '–']);
  await w.locator('[data-act="measure"]').focus();
  await page.keyboard.press('Enter');
  const measuredAll = (el) => el.querySelectorAll('.rho__pt--mean').length === 6 && el.querySelector('.rho__progress').textContent.trim() === '';
  await page.waitForFunction(measuredAll, await w.elementHandle(), { timeout: 60000 });
  const measured = { 30: ['10.1', '46.6'], 50: ['10.9', '47.9'], 70: ['13.3', '53.2'], 80: ['16.8', '67.6'], 90: ['28.0', '103.4'], 95: ['53.3', '292.9'] };
  for (const [rho, want] of Object.entries(measured)) assert.deepEqual((await row(w, rho)).slice(5), want, `ρ = ${rho}`);
  assert.equal(await w.locator('.rho__pt--mean').count(), 6);
  assert.equal(await w.locator('.rho__pt--p99').count(), 6);
  // Another server count measures again, for that count.
  await select.selectOption('8');
  await page.waitForFunction((el) => el.querySelectorAll('.rho__pt--mean').length === 6 && el.querySelector('.rho__progress').textContent.trim() === '' &&
    el.querySelector('.rho__table tr[data-rho="80"] td[data-col="sim-mean"]').textContent.trim() !== '16.8', await w.elementHandle(), { timeout: 60000 });
  assert.notDeepEqual((await row(w, 80)).slice(5), measured[80]);

  await assertAccessible(page, 'large-traffic with the rho-latency figure');
  page.assertClean();
  await page.context().close();
});

test('hash-ring: adding 8004 moves 4 of 20 keys with consistent and 15 with plain hash; removing 8002 moves 9 and 16', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/load-balancing`);
  await ready(page);
  const w = page.locator('.widget--hash-ring');
  await w.scrollIntoViewIfNeeded();
  const counts = async () => [await text(w.locator('[data-method="consistent"] strong')), await text(w.locator('[data-method="hash"] strong'))];
  const cell = async (key, col) => text(w.locator(`tr[data-key="${key}"] td[data-col="${col}"]`));
  assert.deepEqual(await counts(), ['0 of 20 keys moved', '0 of 20 keys moved']);
  // 160 points a backend: 480 on each ring, drawn as one path a backend (8004's paths empty).
  assert.equal(await w.locator('.ring__key').count(), 20);

  // Keyboard: Tab to 8004's box, Space to add it.
  const box = (port) => w.locator('.ring__backend', { hasText: `:${port}` }).locator('input');
  await box(8003).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await box(8004).isChecked(), true);
  assert.deepEqual(await counts(), ['4 of 20 keys moved', '15 of 20 keys moved']);
  // Restaurant 1: 8003 → 8004 on the ring; 8002 → 8001 under plain hash. Restaurant 3 stays on 8001 with
  // consistent, moves 8002 → 8003 with plain hash.
  assert.equal(await cell('1', 'consistent'), '8003 → 8004 (moved)');
  assert.equal(await cell('1', 'hash'), '8002 → 8001 (moved)');
  assert.equal(await cell('3', 'consistent'), '8001');
  assert.equal(await cell('3', 'hash'), '8002 → 8003 (moved)');
  assert.equal(await w.locator('.ring__key--moved').count(), 4);
  assert.match(await text(w.locator('.ring__config')), /server 127\.0\.0\.1:8004;/);

  // Remove 8004 again and 8002 instead: only 8002's nine keys move on the ring.
  await page.keyboard.press('Space');
  await box(8002).focus();
  await page.keyboard.press('Space');
  assert.deepEqual(await counts(), ['9 of 20 keys moved', '16 of 20 keys moved']);
  assert.equal(await cell('5', 'consistent'), '8002 → 8003 (moved)');
  assert.equal(await cell('1', 'consistent'), '8003');

  // The last backend cannot go: a message, and the box stays checked.
  await box(8001).uncheck();
  await box(8003).click();
  assert.equal(await box(8003).isChecked(), true);
  assert.match(await text(w.locator('.ring__refused')), /At least one backend has to stay/);
  await w.locator('[data-act="reset"]').click();
  assert.deepEqual(await counts(), ['0 of 20 keys moved', '0 of 20 keys moved']);
  assert.equal(await text(w.locator('.ring__refused')), '');

  await assertAccessible(page, 'load-balancing with the hash-ring figure');
  page.assertClean();
  await page.context().close();
});

test('both figures in Korean, at 360 px, without sideways scrolling', async () => {
  const page = await newPage(site, { locale: 'ko-KR', width: 360, height: 740 });
  for (const [slug, cls, check] of [
    ['large-traffic', '.widget--rho-latency', async (w) => {
      assert.equal(await text(w.locator('.widget__title')), '사용률과 응답 시간');
      assert.match(await text(w.locator('.rho__readout')), /^ρ = 0\.80, 서버 4대\. 큐 하나를 같이 쓰면 평균 17\.5ms, p99 68\.9ms/);
    }],
    ['load-balancing', '.widget--hash-ring', async (w) => {
      await w.locator('.ring__backend', { hasText: ':8004' }).locator('input').check();
      assert.equal(await text(w.locator('[data-method="consistent"] strong')), '키 20개 중 4개가 옮겨 감');
      assert.equal(await text(w.locator('tr[data-key="1"] td[data-col="consistent"]')), '8003 → 8004 (옮겨 감)');
    }],
  ]) {
    await page.goto(`${site.base}/ko/${slug}`);
    await ready(page);
    const w = page.locator(cls);
    await w.scrollIntoViewIfNeeded();
    await check(w);
    const overflow = await w.evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `${slug}: the figure is ${overflow}px wider than the screen`);
    const docOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(docOverflow <= 0, `${slug}: the page scrolls sideways by ${docOverflow}px`);
    await assertAccessible(page, `ko/${slug} at 360 px`);
  }
  page.assertClean();
  await page.context().close();
});
