// The reverse-proxy playground in the browser, checked against the native CLI over the same core:
// per-backend load per algorithm, a crash and its detection, the shareable URL, the exact nginx export, keyboard
// use, axe, 360 px, both languages, predict-then-run questions, and the forward/reverse widget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, newPage, ready, assertAccessible, assertTargetsApartAsRendered, msaSimCli } from './lib.mjs';

let site;
let msaSim;

before(async () => {
  // The native CLI over the same simulation core gives the expected figures.
  msaSim = msaSimCli();
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const lab = (lang, state) => `${site.base}/${lang}/lab/proxy${state === undefined ? '' : `?proxy=${encodeURIComponent(state)}`}`;

/** Waits until the playground has stopped playing (a fast-forward to the end, or a restore of a link). */
async function waitIdle(page, w = page.locator('.proxy').first()) {
  await page.waitForFunction((el) => {
    const b = el?.querySelector('.proxy__play');
    return b && (b.textContent.trim() === 'Play' || b.textContent.trim() === '재생') && !el.querySelector('.proxy__events')?.textContent.includes('…');
  }, await w.elementHandle(), { timeout: 60000 });
}

/** Runs the playground to the end as fast as possible. */
async function fastForward(page, w = page.locator('.proxy').first()) {
  await w.locator('.proxy__speed').selectOption({ index: 7 });
  await w.locator('.proxy__play').click();
  await waitIdle(page, w);
}

/** The per-backend column `col` (attempts, ok, failed, conns) as numbers. */
async function column(w, col) {
  return (await w.locator(`.proxy__table tbody td[data-col="${col}"]`).allTextContents()).map(Number);
}

test('changing the algorithm changes the per-backend load exactly as the core predicts', async () => {
  const page = await newPage(site);
  // uneven-round-robin (s3 runs at a quarter of the speed), 5 s of traffic.
  await page.goto(lab('en', 'rate=180&2.speed=0.25&duration_ms=5000'));
  await ready(page);
  const w = page.locator('.proxy').first();
  await fastForward(page, w);
  const expect = (algo) =>
    JSON.parse(msaSim('run', '--scenario', 'uneven-round-robin', '--set', 'duration_ms=5000', '--set', `algo=${algo}`, '--json'));
  const rr = expect('round-robin');
  assert.deepEqual(await column(w, 'attempts'), rr.backends.map((b) => b.attempts));
  assert.deepEqual(await column(w, 'ok'), rr.backends.map((b) => b.ok));

  // Switch to least_conn in the settings: the run restarts with the same seed.
  await w.locator('.proxy__settings select').first().selectOption('least-conn');
  await fastForward(page, w);
  const lc = expect('least-conn');
  const got = await column(w, 'attempts');
  assert.deepEqual(got, lc.backends.map((b) => b.attempts));
  // And the change is the one the lesson describes: the slow server gets less under least_conn.
  assert.ok(got[2] < rr.backends[2].attempts, `least_conn sends s3 ${got[2]}, round robin ${rr.backends[2].attempts}`);
  assert.match(page.url(), /algo%3Dleast-conn/);
  page.assertClean();
});

test('a crashed backend fails attempts, is taken out, and a link replays the same run', async () => {
  const page = await newPage(site);
  await page.goto(lab('en', 'duration_ms=20000'));
  await ready(page);
  const w = page.locator('.proxy').first();
  await w.locator('.proxy__speed').selectOption({ index: 5 }); // 4x
  await w.locator('.proxy__play').click();
  await page.waitForFunction(() => (document.querySelectorAll('td[data-col="attempts"]')[1]?.textContent ?? 0) > 20);
  await w.locator('.proxy__play').click(); // pause
  const row = w.locator('tr[data-row="1"]');
  // Where the pause lands depends on the device's speed; what follows from it does not. A request open on s2 when
  // it crashes is reset (a failed attempt) unless its answer was already on the way back; with none open, the next
  // attempt is refused instead. The first failure reaches max_fails=1, which takes s2 out for fail_timeout=10s.
  const open = (await column(w, 'conns'))[1];
  await row.locator('.proxy__act--crash').click();
  assert.equal((await row.locator('.proxy__state').textContent()).trim(), 'crashed');
  const before = (await column(w, 'attempts'))[1];
  await w.locator('.proxy__play').click();
  await page.waitForFunction(() => document.querySelector('.proxy__announce')?.textContent.includes('max_fails reached'), null, { timeout: 20000 });
  const out = (await column(w, 'attempts'))[1];
  assert.ok(out - before <= 1, `at most one attempt reached the dead server (${before} -> ${out})`);
  await page.waitForTimeout(800);
  await w.locator('.proxy__play').click(); // pause at some time < 10 s after the crash
  assert.equal((await column(w, 'attempts'))[1], out, 'no attempt while it is out');
  const failed = (await column(w, 'failed'))[1];
  assert.ok(failed >= 1 && failed <= Math.max(1, open), `${failed} failed attempts with ${open} open at the crash`);
  const figures = async (p) => ({
    totals: await p.locator('.proxy__totals').textContent(),
    attempts: await column(p.locator('.proxy').first(), 'attempts'),
    clock: await p.locator('.proxy__clock').textContent(),
  });
  const mine = await figures(page);
  const url = page.url();
  assert.match(url, /act%3D\d+%401%3Acrash/);

  // The same link in a fresh page replays config, seed, the crash at its exact microsecond, and the time.
  const again = await newPage(site);
  await again.goto(url);
  await ready(again);
  await waitIdle(again);
  await again.waitForFunction((c) => document.querySelector('.proxy__clock')?.textContent === c, mine.clock);
  assert.deepEqual(await figures(again), mine);
  page.assertClean();
  again.assertClean();
});

test('the timeline rewinds to an earlier moment, and that moment is a link of its own', async () => {
  const page = await newPage(site);
  await page.goto(lab('en', 'duration_ms=20000'));
  await ready(page);
  const w = page.locator('.proxy').first();
  await w.locator('.proxy__speed').selectOption({ index: 5 });
  await w.locator('.proxy__play').click();
  await page.waitForFunction(() => Number(document.querySelector('.proxy__clock')?.textContent.match(/[\d.]+/)?.[0]) > 3);
  await w.locator('.proxy__play').click();
  const late = await column(w, 'attempts');
  await w.locator('.proxy__timeline input').evaluate((el) => {
    el.value = '1500';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  assert.equal(await w.locator('.proxy__clock').textContent(), 't = 1.50 s');
  const early = await column(w, 'attempts');
  assert.ok(early.every((n, i) => n < late[i]), `${early} before ${late}`);
  assert.match(page.url(), /t%3D1500000/);
  const again = await newPage(site);
  await again.goto(page.url());
  await ready(again);
  await again.waitForFunction(() => document.querySelector('.proxy__clock')?.textContent === 't = 1.50 s');
  assert.deepEqual(await column(again.locator('.proxy').first(), 'attempts'), early);
  page.assertClean();
  again.assertClean();
});

test('the nginx export is exactly the CLI export of the same setup, and follows added servers', async () => {
  const page = await newPage(site);
  await page.goto(lab('en'));
  await ready(page);
  const w = page.locator('.proxy').first();
  await w.locator('.proxy__export summary').click();
  const shown = await w.locator('.proxy__nginx').textContent();
  assert.equal(shown, msaSim('export', '--scenario', 'notes-port-8004'));
  await w.locator('.proxy__add').click();
  await page.waitForFunction(() => document.querySelector('.proxy__nginx')?.textContent.includes('# s4'));
  const four = await w.locator('.proxy__nginx').textContent();
  assert.equal(four, msaSim('export', '--scenario', 'notes-port-8004', '--set', 'servers=4'));
  page.assertClean();
});

test('keyboard only: play, then crash and revive a backend from the picture', async () => {
  const page = await newPage(site);
  await page.goto(lab('en', 'duration_ms=60000'));
  await ready(page);
  const tabTo = async (pred) => {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(pred)) return;
    }
    assert.fail('could not reach the control with Tab');
  };
  await tabTo(() => document.activeElement?.classList.contains('proxy__play'));
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
  await tabTo(() => document.activeElement?.getAttribute('data-backend') === '0');
  await page.keyboard.press('c');
  const state = () => page.locator('tr[data-row="0"] .proxy__state').textContent();
  assert.equal((await state()).trim(), 'crashed');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^s1 .*crashed/);
  await page.keyboard.press('r');
  await page.waitForFunction(() => document.querySelector('tr[data-row="0"] .proxy__state')?.textContent !== 'crashed');
  await page.keyboard.press('h');
  assert.equal((await state()).trim(), 'hangs');
  page.assertClean();
});

for (const lang of ['en', 'ko']) {
  test(`a refused value and a malformed link are explained, and the page keeps working (${lang})`, async () => {
    const page = await newPage(site, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
    await page.goto(lab(lang, 't=abc'));
    await ready(page);
    const w = page.locator('.proxy').first();
    const msg = () => w.locator('.proxy__message').first().textContent();
    assert.match(await msg(), lang === 'en' ? /could not be read.*defaults/ : /읽을 수 없어 기본 설정/);
    // Defaults: the notes' three backends on 8004.
    assert.equal(await w.locator('tr[data-row]').count(), 3);
    const weight = w.locator('.proxy__table--settings tbody tr').first().locator('input').first();
    await weight.fill('0');
    await weight.press('Tab');
    assert.match(await msg(), lang === 'en' ? /between 1 and 1000 \(you entered 0\)/ : /1~1000 사이여야 합니다 \(입력값 0\)/);
    assert.equal(await weight.inputValue(), '1', 'the previous value is back');
    await w.locator('.proxy__play').click();
    await page.waitForFunction(() => Number(document.querySelector('td[data-col="attempts"]')?.textContent) > 0);
    page.assertClean();
  });

  test(`axe finds nothing on the lab and the lessons, at 1280 and 360 px (${lang})`, async () => {
    for (const width of [1280, 360]) {
      const page = await newPage(site, { width });
      for (const path of [`/${lang}/lab/proxy`, `/${lang}/load-balancing`, `/${lang}/sessions`, `/${lang}/large-traffic`]) {
        await page.goto(`${site.base}${path}`);
        await ready(page);
        await page.waitForSelector('.proxy');
        const play = page.locator('.proxy__play').first();
        await play.click();
        await page.waitForTimeout(700);
        await play.click();
        await assertAccessible(page, `${path} at ${width}px`);
        if (width === 360) {
          const over = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(over <= 360, `${path} is ${over}px wide at 360`);
        }
      }
      page.assertClean();
    }
  });
}

test("on a phone, a skipped widget's buttons do not crowd the next question's (Lighthouse's target-size audit)", async () => {
  // 412 px: the phone Lighthouse's mobile run emulates. The question under the first playground was the one it
  // flagged, while the playground was still skipped.
  const page = await newPage(site, { width: 412 });
  for (const path of ['/en/load-balancing', '/ko/sessions']) {
    await page.goto(`${site.base}${path}`);
    await ready(page);
    assert.ok(await page.locator('.lesson__body .widget').count() > 2, `${path} has its widgets`);
    await assertTargetsApartAsRendered(page, path);
  }
  page.assertClean();
});

test('predict-then-run: the answer is checked against the run (both questions)', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/load-balancing`);
  await ready(page);
  // "Which server gets request 10?" under weights 5:1:1, answered by the CLI's own pick.
  const picks = msaSim('pick', '--algo', 'round-robin', '--servers', 's1:5,s2:1,s3:1', '--requests', '10').trim().split('\n');
  const ask = page.locator('[data-proxy="lb-ask-rr"]');
  await ask.locator('.proxy__ask input[type=radio]').nth(Number(picks[9].slice(1)) - 1).check();
  await ask.locator('.proxy__check').click();
  const line = ask.locator('.proxy__verdict-line');
  assert.equal(await line.getAttribute('data-answer'), picks[9]);
  assert.match(await line.textContent(), /^Right\./);
  // A wrong pick is told so, with the right server.
  await ask.locator('.proxy__again').click();
  await ask.locator('.proxy__ask input[type=radio]').nth(Number(picks[9].slice(1)) % 3).check();
  await ask.locator('.proxy__check').click();
  assert.match(await line.textContent(), /^Not this time\./);
  assert.equal(await line.getAttribute('data-answer'), picks[9]);
  // "How many attempts fail before the dead server is taken out?" with active checks: a wrong guess shows the figure.
  const det = page.locator('[data-proxy="lb-ask-active"]');
  await det.locator('.proxy__ask input[type=number]').fill('0');
  await det.locator('.proxy__check').click();
  const dline = det.locator('.proxy__verdict-line');
  const n = Number(await dline.getAttribute('data-answer'));
  assert.ok(n > 10, `active checks need several probes: ${n} failed attempts`);
  assert.match(await dline.textContent(), /^Not this time\./);
  // The run's own figure, entered, is right.
  await det.locator('.proxy__again').click();
  await det.locator('.proxy__ask input[type=number]').fill(String(n));
  await det.locator('.proxy__check').click();
  assert.match(await dline.textContent(), /^Right\./);
  page.assertClean();
});

test('compare mode runs the same traffic through each algorithm and matches the CLI', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/load-balancing`);
  await ready(page);
  const c = page.locator('[data-proxy="lb-compare"]');
  await c.locator('.proxy__compare-run').click();
  await page.waitForFunction(() => document.querySelectorAll('.proxy__compare-table tbody tr').length === 3, null, { timeout: 60000 });
  for (const algo of ['round-robin', 'least-conn', 'random-two']) {
    const s = JSON.parse(msaSim('run', '--scenario', 'uneven-round-robin', '--set', `algo=${algo}`, '--json'));
    const cells = await c.locator(`tr[data-algo="${algo}"] td`).allTextContents();
    assert.equal(Number(cells[0]), s.totals.ok, `${algo} ok`);
    assert.equal(Number(cells[1]), s.totals.failed, `${algo} failed`);
    // What tells the algorithms apart (least_conn and random-two answer the same requests here): latency and
    // where the attempts went.
    assert.equal(Number(cells[3]), s.latency.p50_ms, `${algo} p50`);
    assert.equal(Number(cells[5]), s.latency.p99_ms, `${algo} p99`);
    const total = s.backends.reduce((a, b) => a + b.attempts, 0);
    const share = s.backends.map((b) => `${b.name} ${Math.floor((b.attempts * 100 + Math.floor(total / 2)) / total)}%`).join(' · ');
    assert.equal(cells[7], share, `${algo} share`);
  }
  page.assertClean();
});

test('forward vs reverse: what the server sees', async () => {
  for (const lang of ['en', 'ko']) {
    const page = await newPage(site);
    await page.goto(`${site.base}/${lang}/load-balancing`);
    await ready(page);
    const r = page.locator('.roles');
    assert.match(await r.locator('.roles__headers').textContent(), /X-Forwarded-For: 203\.0\.113\.7/);
    await r.locator('input[type=radio]').first().check();
    const headers = await r.locator('.roles__headers').textContent();
    assert.doesNotMatch(headers, /X-Forwarded-For/);
    assert.match(headers, /^Host: api\.fooddash\.example$/);
    page.assertClean();
  }
});

test('with reduced motion the dots are hidden and the text twin still runs', async () => {
  const page = await newPage(site, { reducedMotion: 'reduce' });
  await page.goto(lab('en'));
  await ready(page);
  assert.equal(await page.locator('.proxy__dots').evaluate((e) => getComputedStyle(e).display), 'none');
  await page.locator('.proxy__play').click();
  await page.waitForFunction(() => document.querySelectorAll('.proxy__log li').length > 3);
  page.assertClean();
});

test("a lesson's closed settings panel builds its controls when first opened, and they change the run", async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/load-balancing`);
  await ready(page);
  const w = page.locator('.proxy').first();
  const settings = w.locator('.proxy__settings');
  assert.equal(await settings.getAttribute('open'), null);
  assert.equal(await settings.locator('select, input').count(), 0, 'no control is built while the panel is closed');
  await settings.locator('summary').click();
  const algo = settings.locator('select').first();
  await algo.selectOption('least-conn');
  await page.waitForFunction(() => location.search.includes('algo%3Dleast-conn'));
  const built = await algo.elementHandle();
  await settings.locator('summary').click(); // closed
  await settings.locator('summary').click(); // open again: the same controls, with what was chosen
  assert.ok(await built.evaluate((el) => el.isConnected), 'the controls are not built a second time');
  assert.equal(await algo.inputValue(), 'least-conn');
  page.assertClean();
});
