// The race-condition visualizer (src/widgets/race): be the scheduler, switch strategies, explore every schedule,
// replay a counterexample, URL state, keyboard, accessibility, 360 px, both languages. Expected exploration
// counts come from the core's own pinned tests (crates/msa-sim/tests/race_explore.rs), the numbers the CLI
// prints, not from guesses here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startSite, newPage, ready, assertAccessible, LANGS } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PINNED_SRC = readFileSync(join(root, 'crates', 'msa-sim', 'tests', 'race_explore.rs'), 'utf8');
const PINNED_VIEW_SRC = readFileSync(join(root, 'crates', 'msa-sim', 'tests', 'race_view.rs'), 'utf8');
const RACE_TEXT = Object.fromEntries(['en', 'ko'].map((l) => [l, JSON.parse(readFileSync(join(root, 'locales', `${l}.json`), 'utf8')).race]));

/** The widget's sentence `key` in `lang` as a pattern: `{n}` is values[n-1], or any text where that is null. */
function told(lang, key, values) {
  const src = RACE_TEXT[lang][key].replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(src.replace(/\{(\d)\}/g, (_, n) => (values[n - 1] == null ? '.+' : String(values[n - 1]))));
}

/** The pinned per-preset counts: { preset: { outcome: n } }, parsed from `pinned_counts_per_preset`. */
function pinned() {
  const out = {};
  for (const m of PINNED_SRC.matchAll(/\("([a-z-]+)", (\d[\d_]*), &\[((?:\("[a-z-]+", \d[\d_]*\),? ?)+)\]\)/g)) {
    out[m[1]] = Object.fromEntries([...m[3].matchAll(/\("([a-z-]+)", (\d[\d_]*)\)/g)].map((x) => [x[1], Number(x[2].replaceAll('_', ''))]));
  }
  // 3 transactions x 4 statements (three_by_four_benchmark_scenario).
  const m = PINNED_SRC.match(/three_by_four[\s\S]*?counts\(&e\), vec!\[((?:\("[a-z-]+", [\d_]+\),? ?)+)\]/);
  out['3x4'] = Object.fromEntries([...m[1].matchAll(/\("([a-z-]+)", ([\d_]+)\)/g)].map((x) => [x[1], Number(x[2].replaceAll('_', ''))]));
  return out;
}
const PINNED = pinned();

const T = {
  en: { title: 'Race-condition visualizer', lostUpdate: 'Lost update', urlBad: 'could not be used', blocked: 'Blocked', strategy: 'Strategy' },
  ko: { title: '레이스 컨디션 시각화', lostUpdate: '갱신 손실', urlBad: '쓸 수 없습니다', blocked: '대기', strategy: '전략' },
};

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const lab = (lang, query = '') => `${site.base}/${lang}/lab/race${query}`;
const widget = (page) => page.locator('.widget--race').first();
const move = (w, n) => w.locator(`[data-act="move-${n}"]`);
const schedule = async (w) => w.locator('.race__schedule').getAttribute('data-schedule');
async function clicks(w, seq) {
  for (const ch of seq) await move(w, ch).click();
}
/** Counts by outcome from the exploration table. */
async function explored(w) {
  await w.locator('.race__explore-go').click();
  await w.locator('.race__explore-summary').waitFor({ timeout: 20000 });
  return Object.fromEntries(
    await w.locator('.race__counts tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.outcome, Number(r.querySelector('.race__count').textContent)])),
  );
}

for (const lang of LANGS) {
  test(`the lost update, played by clicks, shows the wrong total (${lang})`, async () => {
    const page = await newPage(site, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
    await page.goto(lab(lang));
    await ready(page);
    const w = widget(page);
    assert.equal((await w.locator('.race__title').textContent()).trim(), T[lang].title);
    // BEGIN, BEGIN, SELECT (x = 0), SELECT (x = 0), UPDATE v = 1 (T1 locks), UPDATE (T2 waits for T1).
    await clicks(w, '121212');
    assert.ok(await move(w, 2).isDisabled(), 'T2 waits for the row lock and cannot move');
    assert.match(await w.locator('[data-txn="2"] .race__why').textContent(), new RegExp(`${T[lang].blocked}.*T1`));
    assert.equal(await w.locator('.race__edges li').count(), 1, 'one wait-for edge, T2 -> T1');
    await clicks(w, '12');
    const outcome = w.locator('.race__outcome');
    assert.equal(await outcome.getAttribute('data-outcome'), 'lost-update');
    assert.ok((await outcome.textContent()).includes(T[lang].lostUpdate));
    assert.equal((await w.locator('.race__value').first().textContent()).trim(), '1', 'two increments, the counter says 1');
    assert.match(await outcome.locator('.race__final').textContent(), told(lang, 'final_values', [null, 1, 2]));
    assert.equal(await w.locator('.race__log-list li').count(), 8, 'the text twin lists every action');
    await assertAccessible(page, `race after a lost update (${lang})`);
    page.assertClean();
    await page.context().close();
  });
}

test('switching to FOR UPDATE replays the same schedule and blocks the second transaction; undo', async () => {
  const page = await newPage(site);
  await page.goto(lab('en'));
  await ready(page);
  const w = widget(page);
  await clicks(w, '1212');
  await w.locator('select[data-field="strategy"]').selectOption('for-update');
  // B1 B2 S1 (FOR UPDATE: T1 locks) S2 (FOR UPDATE: T2 waits).
  assert.equal(await schedule(w), '1212');
  assert.ok(await move(w, 2).isDisabled());
  assert.match(await w.locator('[data-txn="2"]').getAttribute('class'), /race__txn--waiting/);
  assert.match(await w.locator('[data-txn="2"] .race__step--next code').first().textContent(), /FOR UPDATE/);
  assert.equal(await w.locator('.race__db tbody td').nth(2).textContent(), 'T1', 'T1 holds the lock');
  // Undo twice: T2 no longer waits.
  await w.locator('[data-act="undo"]').click();
  assert.equal(await schedule(w), '121');
  assert.ok(!(await move(w, 2).isDisabled()));
  await w.locator('[data-act="reset"]').click();
  assert.equal(await w.locator('.race__log-list li').count(), 0);
  // The lost-update schedule under FOR UPDATE cannot be replayed past T2's wait: the note says where it stopped.
  await w.locator('select[data-field="strategy"]').selectOption('no-lock');
  await clicks(w, '121212');
  await w.locator('select[data-field="strategy"]').selectOption('for-update');
  assert.equal(await schedule(w), '12121');
  assert.match(await w.locator('.race__note').textContent(), /first 5 of your 6/);
  page.assertClean();
  await page.context().close();
});

test('the URL keeps scenario, strategy and schedule; a malformed one gives a message and the defaults', async () => {
  const page = await newPage(site);
  await page.goto(lab('en'));
  await ready(page);
  const w = widget(page);
  await w.locator('select[data-field="strategy"]').selectOption('atomic');
  await clicks(w, '121');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('race'), 'lost-update_atomic_2_121');
  await page.reload();
  await ready(page);
  assert.equal(await schedule(widget(page)), '121');
  assert.equal(await widget(page).locator('select[data-field="strategy"]').inputValue(), 'atomic');
  // The language switch keeps the state.
  await page.goto(lab('ko', '?race=deadlock_no-lock_2_1212'));
  await ready(page);
  assert.equal(await schedule(widget(page)), '1212');
  for (const [lang, bad] of [['en', 'lost-update_no-lock_2_12x'], ['ko', 'nope'], ['en', 'deadlock_no-lock_2_111111111'], ['en', `lost-update_no-lock_2_${'1'.repeat(700)}`]]) {
    await page.goto(lab(lang, `?race=${encodeURIComponent(bad)}`));
    await ready(page);
    const w2 = widget(page);
    assert.ok((await w2.locator('.race__note').textContent()).includes(T[lang].urlBad), bad);
    assert.equal(await schedule(w2), '');
    // The page still works.
    await move(w2, 1).click();
    assert.equal(await schedule(w2), '1');
  }
  page.assertClean();
  await page.context().close();
});

test('explore all: the counts equal the core\'s pinned counts (the CLI\'s), and a counterexample replays', async () => {
  const page = await newPage(site);
  for (const [query, want] of [
    ['', PINNED['lost-update']],
    ['?race=deadlock', PINNED.deadlock],
    ['?race=app-mutex', PINNED['app-mutex']],
    ['?race=lost-update_for-update', PINNED['for-update']],
    ['?race=lost-update_no-lock_3_', PINNED['3x4']],
  ]) {
    assert.ok(want && Object.keys(want).length > 0, `pinned counts for ${query}`);
    await page.goto(lab('en', query));
    await ready(page);
    assert.deepEqual(await explored(widget(page)), want, query);
  }
  // Open the first bad schedule of the deadlock scenario and replay it step by step.
  await page.goto(lab('en', '?race=deadlock'));
  await ready(page);
  const w = widget(page);
  await explored(w);
  const first = w.locator('.race__bad-list .race__open').first();
  await w.locator('.race__bad-list summary').click();
  const sched = await first.getAttribute('data-schedule');
  await first.click();
  let steps = 0;
  while (await w.locator('[data-act="replay-step"]').count()) {
    await w.locator('[data-act="replay-step"]').click();
    steps += 1;
  }
  assert.equal(steps, sched.length);
  assert.equal(await schedule(w), sched);
  assert.equal(await w.locator('.race__outcome').getAttribute('data-outcome'), 'deadlock-victim');
  assert.match(await w.locator('.race__outcome .race__error').textContent(), /ERROR: {2}deadlock detected\nSQLSTATE: 40P01/);
  await assertAccessible(page, 'race with exploration results');
  page.assertClean();
  await page.context().close();
});

test('keyboard only: keys 1/2 and U, Enter on a button, focus kept across renders', async () => {
  const page = await newPage(site);
  await page.goto(lab('en'));
  await ready(page);
  const w = widget(page);
  await w.locator('[data-act="move-1"]').focus();
  await page.keyboard.press('Enter');
  assert.equal(await schedule(w), '1');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.focus), 'move-1', 'focus stays on the button');
  await page.keyboard.press('2');
  await page.keyboard.press('1');
  assert.equal(await schedule(w), '121');
  await page.keyboard.press('u');
  assert.equal(await schedule(w), '12');
  // Tab reaches the strategy select; arrow keys change it.
  await w.locator('select[data-field="strategy"]').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await w.locator('select[data-field="strategy"]').inputValue(), 'atomic');
  // Digits typed into the seed field are not scheduler keys.
  await w.locator('input[data-field="seed"]').fill('');
  await w.locator('input[data-field="seed"]').type('12');
  assert.equal(await schedule(w), '12');
  await w.locator('[data-act="auto"]').focus();
  await page.keyboard.press('Enter');
  assert.ok(await w.locator('.race__outcome').count(), 'the seeded run finished');
  page.assertClean();
  await page.context().close();
});

test('the same seed gives the same run', async () => {
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const page = await newPage(site);
    await page.goto(lab('en', '?race=app-mutex'));
    await ready(page);
    const w = widget(page);
    await w.locator('input[data-field="seed"]').fill('42');
    await w.locator('[data-act="auto"]').click();
    runs.push(await schedule(w));
    await page.context().close();
  }
  assert.equal(runs[0], runs[1]);
  // The core's native run with seed 42 (pinned in crates/msa-sim/tests/race_view.rs, seeded_run_is_pinned).
  const native = PINNED_VIEW_SRC.match(/SEEDED_APP_MUTEX_42: &str = "(\d+)"/)[1];
  assert.equal(runs[0], native);
});

for (const lang of LANGS) {
  test(`the lesson embeds the visualizer at 360 px, with predict-then-run and the contention lab (${lang})`, async () => {
    const page = await newPage(site, { width: 360, height: 800, locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
    await page.goto(`${site.base}/${lang}/race-conditions`);
    await ready(page);
    const widgets = page.locator('.widget--race');
    assert.equal(await widgets.count(), 7);
    // Predict: the lost-update showcase ends at 1; a wrong guess is explained and the replay opens.
    const p = page.locator('.race__predict').first();
    await p.locator('input').fill('2');
    await p.locator('button').click();
    assert.match(await p.locator('.race__verdict').textContent(), told(lang, 'predict_wrong', [null, 1, 2]));
    const w = widgets.first();
    while (await w.locator('[data-act="replay-step"]').count()) await w.locator('[data-act="replay-step"]').click();
    assert.equal(await w.locator('.race__outcome').getAttribute('data-outcome'), 'lost-update');
    // The contention lab measures and shows where optimistic and pessimistic cross.
    const c = page.locator('.race__contention');
    await c.locator('.race__crossover').waitFor({ timeout: 30000 });
    assert.match(await c.locator('.race__crossover').getAttribute('data-crossover'), /^\d+-\d+$/, 'the lines cross between two measured hot-row counts');
    assert.equal(await c.locator('.race__chart svg').count(), 2);
    assert.equal(await c.locator('.race__card').count(), 3);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at 360 px (${overflow} px too wide)`);
    await assertAccessible(page, `race-conditions lesson at 360 px (${lang})`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(400); // let colour transitions finish
    await assertAccessible(page, `race-conditions lesson at 360 px, dark (${lang})`);
    page.assertClean();
    await page.context().close();
  });
}
