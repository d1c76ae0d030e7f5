// The architecture A/B widget (`arch`): every action run from the keyboard at 360 px in both languages, the
// figures the core computes (crates/msa-sim/tests/arch_model.rs has the same numbers), the shareable URL state,
// a malformed link, and axe on the lab page and on the lesson with two instances.
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

const T = {
  en: {
    done: 'Done:', instances: 'Instances needed', memory: 'Memory they hold (cost)', blast: 'Features affected (blast radius)',
    duration: 'How long it lasts', track: 'Answered: Track an order', checkout: 'Answered: Check out', wait: 'A failing checkout waits',
    hops: 'Network calls inside a checkout', deploys: 'Deploys', code: 'Modules whose code must change', all: 'Browse menus, Sign in, Check out, Track an order',
    app4: 'Whole app × 4', same: 'Pick two different architectures to compare.', badLink: "This link's settings could not be read",
    spikeErr: 'The spike must be from 2× to 20×.',
  },
  ko: {
    done: '완료:', instances: '필요한 인스턴스', memory: '차지하는 메모리(비용)', blast: '영향 받는 기능(폭발 반경)',
    duration: '지속 시간', track: '응답 성공률: 주문 추적', checkout: '응답 성공률: 주문하기', wait: '실패하는 주문이 기다리는 시간',
    hops: '주문 하나 안의 네트워크 호출', deploys: '배포 횟수', code: '코드를 고쳐야 하는 모듈', all: '메뉴 보기, 로그인, 주문하기, 주문 추적',
    app4: '앱 전체 × 4', same: '비교하려면 서로 다른 아키텍처 두 가지를 고르세요.', badLink: '이 링크의 설정을 읽을 수 없어',
    spikeErr: '급증 배율은 2배에서 20배 사이여야 합니다.',
  },
};

/** The two cells (left, right) of the row whose header is `label`. */
async function row(widget, label) {
  const tr = widget.locator('.arch__table tbody tr', { has: widget.page().locator('th', { hasText: label }) }).first();
  const cells = tr.locator('td');
  return [(await cells.nth(0).textContent()).trim(), (await cells.nth(1).textContent()).trim()];
}

/** Waits until the status says done and the table is for the action whose radio is checked. */
async function settled(widget, lang) {
  await widget.locator('.arch__status', { hasText: T[lang].done }).waitFor({ timeout: 20000 });
  const action = (await widget.locator('.arch__actions input:checked + span').textContent()).trim();
  await widget.locator('.arch__table caption', { hasText: action }).waitFor({ timeout: 20000 });
}

for (const lang of LANGS) {
  test(`every action runs from the keyboard at 360 px, with the core's figures (${lang})`, async () => {
    const page = await newPage(site, { width: 360, height: 800 });
    await page.goto(`${site.base}/${lang}/lab/arch`);
    await ready(page);
    const w = page.locator('.widget--arch');
    await settled(w, lang);
    const t = T[lang];

    // Spike on catalog, x10 (the defaults): the monolith needs 4 whole copies, microservices 4 catalog instances.
    assert.equal((await row(w, t.instances))[0], t.app4);
    assert.deepEqual(await row(w, t.memory), ['8.0 GB', '5.0 GB']);
    // The page does not scroll sideways at 360 px.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scroll');

    // Keyboard only from here: focus the left select, Tab to the action radios, arrows move through them.
    await w.locator('select').first().focus();
    await page.keyboard.press('Tab'); // right select
    await page.keyboard.press('Tab'); // the checked action radio
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('value')), 'spike');

    // Deploy (catalog): everything restarts in the monolith for 90 s, one service for 30 s.
    await page.keyboard.press('ArrowRight');
    await settled(w, lang);
    assert.equal((await row(w, t.blast))[0], t.all);
    assert.deepEqual(await row(w, t.duration), ['90 s', '30 s']);

    // Crash (catalog): the monolith loses every feature; tracking an order never notices in microservices.
    await page.keyboard.press('ArrowRight');
    await settled(w, lang);
    const [monoTrack, msaTrack] = await row(w, t.track);
    assert.ok(parseFloat(monoTrack) < 90, monoTrack);
    assert.equal(msaTrack, '100.00%');

    // Leak: move to the module select (Tab) and pick payment (arrows), then the guard radios.
    await page.keyboard.press('ArrowRight');
    await settled(w, lang);
    await page.keyboard.press('Tab'); // module select
    await page.keyboard.press('ArrowDown'); // catalog -> order
    await settled(w, lang);
    await page.keyboard.press('ArrowDown'); // order -> payment
    await settled(w, lang);
    assert.equal(await w.locator('select.arch__select').nth(2).inputValue(), 'payment');
    // No guard: the cascade takes tracking down with checkout.
    assert.equal((await row(w, t.track))[1], '74.20%');
    assert.equal((await row(w, t.wait))[1], '30 s');
    await page.keyboard.press('Tab'); // guard radios (none checked first)
    await page.keyboard.press('ArrowRight'); // timeout
    await settled(w, lang);
    assert.equal((await row(w, t.track))[1], '100.00%');
    assert.equal((await row(w, t.wait))[1], '300.0 ms');
    await page.keyboard.press('ArrowRight'); // breaker
    await settled(w, lang);
    assert.equal((await row(w, t.track))[1], '100.00%');
    const fastFail = (await row(w, t.wait))[1];
    assert.match(fastFail, /^\d+(\.\d+)? ms$/, fastFail);
    assert.ok(parseFloat(fastFail) < 5, `the open breaker answers at once: ${fastFail}`);
    assert.ok(page.url().includes('do%3Aleak') && page.url().includes('g%3Abreaker'), page.url());

    // Back to the action radios (Shift+Tab twice), then the hop, the two-module change and the schema change.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('value')), 'leak');
    await page.keyboard.press('ArrowRight');
    await settled(w, lang);
    assert.deepEqual(await row(w, t.hops), ['0', '2']);
    await page.keyboard.press('ArrowRight');
    await settled(w, lang);
    assert.deepEqual(await row(w, t.deploys), ['1', '2']);
    await page.keyboard.press('ArrowRight');
    await settled(w, lang);
    assert.deepEqual(await row(w, t.code), ['2', '1']); // payment's table: order reads it in the monolith

    // The learner's last setup survives a reload (URL state).
    await page.reload();
    await ready(page);
    await settled(w, lang);
    assert.equal(await w.locator('.arch__actions input:checked').getAttribute('value'), 'schema');
    assert.equal(await w.locator('select.arch__select').nth(2).inputValue(), 'payment');
    await assertAccessible(page, `arch lab at 360 px (${lang})`);
    page.assertClean();
  });

  test(`the same architecture twice, and bad links, get a message and the page keeps working (${lang})`, async () => {
    const page = await newPage(site, { width: 1280 });
    await page.goto(`${site.base}/${lang}/lab/arch?arch=${encodeURIComponent('x:1')}`);
    await ready(page);
    const w = page.locator('.widget--arch');
    await w.locator('.arch__status', { hasText: T[lang].spikeErr }).waitFor();
    await page.goto(`${site.base}/${lang}/lab/arch?arch=${encodeURIComponent('do:explode,%%%')}`);
    await ready(page);
    await w.locator('.arch__status', { hasText: T[lang].badLink }).waitFor();
    // ... and the defaults run under the message.
    await w.locator('.arch__table caption').waitFor();
    assert.equal((await row(w, T[lang].instances))[0], T[lang].app4);
    // The widget still works: choosing the same architecture on both sides is refused in words, then fixed.
    await w.locator('select').nth(1).focus();
    await page.keyboard.press('Home'); // right side -> monolith, same as the left
    await w.locator('.arch__status', { hasText: T[lang].same }).waitFor();
    assert.equal(await w.locator('.arch__table').count(), 0);
    await page.keyboard.press('End'); // microservices again
    await settled(w, lang);
    await assertAccessible(page, `arch after an error (${lang})`);
    page.assertClean();
  });

  test(`the lesson carries two instances with their own state (${lang})`, async () => {
    const page = await newPage(site, { width: 1280 });
    await page.goto(`${site.base}/${lang}/monolith-vs-msa#network-calls`);
    await ready(page);
    const widgets = page.locator('.widget--arch');
    assert.equal(await widgets.count(), 2);
    await settled(widgets.nth(0), lang);
    await settled(widgets.nth(1), lang);
    assert.equal(await widgets.nth(0).locator('.arch__actions input:checked').getAttribute('value'), 'spike');
    assert.equal(await widgets.nth(1).locator('.arch__actions input:checked').getAttribute('value'), 'leak');
    assert.equal((await row(widgets.nth(1), T[lang].track))[1], '74.20%');
    // Changing the second one writes its own key only.
    await widgets.nth(1).locator('.arch__guards input[value=breaker]').focus();
    await page.keyboard.press('Space');
    await settled(widgets.nth(1), lang);
    const url = new URL(page.url());
    assert.ok(url.searchParams.get('arch-cascade')?.includes('g:breaker'), page.url());
    assert.equal(url.searchParams.get('arch-spike'), null);
    assert.equal(url.hash, '#network-calls');
    await assertAccessible(page, `monolith-vs-msa with two arch widgets (${lang})`);
    page.assertClean();
  });
}

test('dark mode and reduced motion at 360 px pass axe', async () => {
  const page = await newPage(site, { width: 360, reducedMotion: 'reduce' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${site.base}/ko/lab/arch?arch=${encodeURIComponent('a:mono,b:msa,do:leak,m:payment,g:none,x:10')}`);
  await ready(page);
  await settled(page.locator('.widget--arch'), 'ko');
  await assertAccessible(page, 'arch dark 360');
  page.assertClean();
});

test('leaving the page while a comparison runs stops it quietly', async () => {
  const page = await newPage(site, { width: 1280 });
  await page.goto(`${site.base}/en/monolith-vs-msa`);
  await ready(page);
  // The two widgets start running at once; turn the page before they finish (→ is the next lesson).
  await page.keyboard.press('ArrowRight');
  await page.waitForURL(/\/en\/ddd/);
  await ready(page);
  await page.waitForTimeout(1500);
  page.assertClean();
});
