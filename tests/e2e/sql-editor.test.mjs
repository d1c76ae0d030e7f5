// The SQL editor (issue 19; src/widgets/sql_editor, msa_sim::sql::url) on the race lab page: a lost update typed
// into two sessions and stepped until the final value is 1, every interleaving explored and the schedule where
// both read 0 opened and replayed, the link shared and reloaded to the same board; a syntax error shown with its
// line and column in Korean; a malformed link falling back to the example with a message; 360 px without sideways
// scrolling; axe on each. Texts come from locales/*.json, so the test follows the wording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startSite, newPage, ready, assertAccessible } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const L = Object.fromEntries(['en', 'ko'].map((l) => [l, JSON.parse(readFileSync(join(root, 'locales', `${l}.json`), 'utf8')).sql]));
const fill = (t, vars) => t.replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));

let site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

const lab = (lang, query = '') => `${site.base}/${lang}/lab/race${query}`;
const SETUP = 'CREATE TABLE c (id int PRIMARY KEY, v int);\nINSERT INTO c VALUES (1, 0);';
const TXN = 'BEGIN;\nSELECT v FROM c WHERE id = 1;\nUPDATE c SET v = 1 WHERE id = 1;\nCOMMIT;';

/** The editor, once the lab page has built it (it comes in a task of its own, after the race visualizer). */
async function editor(page) {
  const w = page.locator('.widget--sql');
  await w.waitFor({ timeout: 15000 });
  return w;
}
const steps = (w) => w.locator('.race__schedule').getAttribute('data-steps');
/** The committed rows of table `t` now: the versions the board marks visible. */
async function live(w, t) {
  return w.locator(`table[data-table="${t}"] tr[data-live="true"]`).evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
}

test('a lost update typed, stepped, explored, opened, shared and reloaded (en, 1280 px)', async () => {
  const page = await newPage(site);
  await page.goto(lab('en'));
  await ready(page);
  const w = await editor(page);
  await w.locator('#sqled-sql-setup').fill(SETUP);
  await w.locator('#sqled-sql-s1').fill(TXN);
  await w.locator('#sqled-sql-s2').fill(TXN);
  // Each session shows its four statements as steps; nothing ran yet, and c holds v = 0.
  await w.locator('[data-session="2"] .sqled__step').nth(3).waitFor();
  assert.equal(await w.locator('[data-session="1"] .sqled__step').count(), 4);
  assert.deepEqual(await live(w, 'c'), [['1', '0']]);
  // Both read 0 (keys 1 and 2 from the board), then T1 updates and T2's UPDATE waits for T1's row lock.
  await w.locator('[data-act="move-1"]').focus();
  for (const k of '1122') await page.keyboard.press(k);
  const t1read = w.locator('[data-session="1"] .sqled__step').nth(1).locator('td');
  assert.equal(await t1read.textContent(), '0');
  assert.equal(await w.locator('[data-session="2"] .sqled__step').nth(1).locator('td').textContent(), '0');
  await w.locator('[data-act="move-1"]').click();
  await w.locator('[data-act="move-2"]').click();
  await w.locator('.race__txn--waiting[data-session="2"]').waitFor();
  assert.equal(await w.locator('[data-act="move-2"]').isDisabled(), true, 'a waiting session cannot send');
  assert.ok((await w.locator('.sqled__edges').textContent()).includes(fill(L.en.edge, { from: 'T2', to: 'T1' })));
  // The row's lock holder is T1 while T2 waits.
  assert.ok((await w.locator('table[data-table="c"]').textContent()).includes('T1 FOR UPDATE') ||
    (await w.locator('table[data-table="c"]').textContent()).includes('T1'));
  await w.locator('[data-act="move-1"]').click();
  await w.locator('[data-act="move-2"]').click();
  assert.equal(await steps(w), '11221212');
  // Two increments committed, and the final value is 1: the lost update.
  assert.deepEqual(await live(w, 'c'), [['1', '1']]);
  assert.match(page.url(), /[?&]sql=1\*_11221212\*_/);
  await assertAccessible(page, 'sql editor after a lost update (en)');

  // Explore: the groups add up to every schedule; one group is the lost update (both SELECTs read 0).
  await w.locator('.sqled__explore .race__explore-go').click();
  const summary = w.locator('.sqled__explore .race__explore-summary');
  await summary.waitFor({ timeout: 30000 });
  const total = Number(await summary.getAttribute('data-schedules'));
  const counts = await w.locator('.sqled__groups > li .race__count').allTextContents();
  assert.ok(counts.length >= 3, `${counts.length} groups`);
  assert.equal(counts.reduce((a, b) => a + Number(b), 0), total);
  const lost = w.locator('.sqled__groups > li').filter({ hasText: 'T1, statement 2: v: (0)' }).filter({ hasText: 'T2, statement 2: v: (0)' });
  assert.equal(await lost.count(), 1);
  const open = lost.locator('.sqled__open');
  const code = await open.getAttribute('data-steps');
  await open.click();
  // The board starts over and replays the schedule; focus is on its next-step button.
  await page.waitForFunction(() => document.activeElement?.classList.contains('race__replay-step'));
  assert.equal(await steps(w), '');
  await w.locator('[data-act="replay-all"]').click();
  assert.equal(await steps(w), code);
  assert.deepEqual(await live(w, 'c'), [['1', '1']]);
  assert.equal(await w.locator('[data-session="2"] .sqled__step').nth(1).locator('td').textContent(), '0');

  // Share: the link reloads to the same board.
  const url = page.url();
  assert.ok(url.includes(`sql=1*_${code}*_`), url);
  const log = await w.locator('.sqled__log li').allTextContents();
  const again = await newPage(site);
  await again.goto(url);
  await ready(again);
  const w2 = await editor(again);
  assert.equal(await steps(w2), code);
  assert.equal(await w2.locator('#sqled-sql-s1').inputValue(), TXN);
  assert.deepEqual(await live(w2, 'c'), [['1', '1']]);
  assert.deepEqual(await w2.locator('.sqled__log li').allTextContents(), log);
  page.assertClean();
  again.assertClean();
});

test('a syntax error shows its line and column in Korean; a malformed link falls back with a message (ko, 360 px)', async () => {
  const page = await newPage(site, { locale: 'ko-KR', width: 360, height: 800 });
  await page.goto(lab('ko'));
  await ready(page);
  const w = await editor(page);
  await w.locator('#sqled-sql-s1').fill('BEGIN;\nSELEC v FROM c;');
  const err = w.locator('#sqled-sql-s1-error');
  await err.filter({ hasText: 'T1' }).waitFor();
  const text = await err.textContent();
  assert.ok(text.startsWith(fill(L.ko.parse_at, { part: 'T1', line: 2, col: 1, message: '' })), text);
  assert.equal(await w.locator('#sqled-sql-s1').getAttribute('aria-invalid'), 'true');
  assert.ok(!/expected|found/.test(text), `not in English: ${text}`);
  // The board says it cannot run, and exploring is off until the text parses.
  assert.equal(await w.locator('.sqled__explore .race__explore-go').isDisabled(), true);
  // The page does not scroll sideways at 360 px.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scroll');
  await assertAccessible(page, 'sql editor with a syntax error (ko, 360 px)');
  // A hand-broken link: the example instead, and why, in Korean.
  await page.goto(lab('ko', '?sql=1*_9*_oops'));
  await ready(page);
  const w2 = await editor(page);
  const note = await w2.locator('.race__note').textContent();
  assert.ok(note.startsWith(fill(L.ko.url_bad, { why: L.ko.url_step }).slice(0, 10)), note);
  assert.ok(note.includes(L.ko.url_step), note);
  assert.ok((await w2.locator('#sqled-sql-setup').inputValue()).includes('CREATE TABLE counter'));
  // An example by name.
  await page.goto(lab('ko', '?sql=job-queue'));
  await ready(page);
  const w3 = await editor(page);
  assert.equal(await w3.locator('textarea').count(), 4);
  assert.equal(await w3.locator('.sqled__about').textContent(), L.ko.about_job_queue);
  page.assertClean();
});

test('the lesson hands over a job queue and a write skew; SERIALIZABLE is refused at its position (en)', async () => {
  const page = await newPage(site);
  await page.goto(`${site.base}/en/race-conditions#your-own-race`);
  await ready(page);
  const jobs = page.locator('#sqled-sql-jobs');
  const skew = page.locator('#sqled-sql-skew');
  await skew.scrollIntoViewIfNeeded();
  await skew.locator('.race__board').waitFor({ timeout: 15000 });
  assert.equal(await jobs.locator('textarea').count(), 4, 'setup and three workers');
  assert.equal(await jobs.locator('.sqled__about').textContent(), L.en.about_job_queue);
  // Two workers take different jobs without waiting; the third, without SKIP LOCKED, waits for job 1.
  for (const k of '112233') await jobs.locator(`[data-act="move-${k}"]`).click();
  const got = (s) => jobs.locator(`[data-session="${s}"] .sqled__step`).nth(1).locator('td').first().textContent();
  assert.equal(await got(1), '1');
  assert.equal(await got(2), '2');
  await jobs.locator('.race__txn--waiting[data-session="3"]').waitFor();
  // Write skew under REPEATABLE READ: both doctors go off call.
  for (const k of '11221122') await skew.locator(`[data-act="move-${k}"]`).click();
  assert.deepEqual(await live(skew, 'doctors'), [['alice', 'f'], ['bob', 'f']]);
  assert.match(page.url(), /[?&]sql-skew=1\*_11221122\*_/);
  // SERIALIZABLE: refused where it is written, with the reason.
  const t1 = skew.locator('#sqled-sql-skew-s1');
  await t1.fill((await t1.inputValue()).replace('REPEATABLE READ', 'SERIALIZABLE'));
  const err = skew.locator('#sqled-sql-skew-s1-error');
  await err.filter({ hasText: 'SERIALIZABLE' }).waitFor();
  assert.equal(await err.textContent(), fill(L.en.parse_at, { part: 'T1', line: 1, col: 23, message: L.en.kind_serializable }));
  await assertAccessible(page, 'race-conditions lesson with two SQL editors (en)');
  page.assertClean();
});
