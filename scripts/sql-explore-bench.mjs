// Prints how long the SQL editor's "explore every interleaving" takes in the browser (headless Chromium) for the
// largest program its limits allow: three sessions of four statements (a read-then-write counter, 13,830
// schedules). A figure, not a test. Needs a release build in dist/ (trunk build --release). Run from the
// repository root:
//   node scripts/sql-explore-bench.mjs [runs]
// The time is the widget's own (`data-ms`): from the click to the last slice, yields to the browser between slices
// (~8 ms of work each) included. The program is typed into the editor, as a learner would.
import { startSite, newPage, ready } from '../tests/e2e/lib.mjs';

const runs = Number(process.argv[2] ?? 20);
const GOAL_MS = 100;
const SETUP = 'CREATE TABLE counter (id integer PRIMARY KEY, hits integer);\nINSERT INTO counter VALUES (1, 0);';
const TXN = 'BEGIN;\nSELECT hits FROM counter WHERE id = 1;\nUPDATE counter SET hits = 1 WHERE id = 1;\nCOMMIT;';

const site = await startSite();
const page = await newPage(site);
await page.goto(`${site.base}/en/lab/race`);
await ready(page);
const w = page.locator('.widget--sql');
await w.waitFor({ timeout: 15000 });
// Typed in as a learner does: a third session, the setup, the three transactions.
while ((await w.locator('#sqled-sql-s3').count()) === 0) await w.locator('.sqled__add').click();
await w.locator('#sqled-sql-setup').fill(SETUP);
for (const s of ['s1', 's2', 's3']) await w.locator(`#sqled-sql-${s}`).fill(TXN);
await w.locator('[data-session="3"] .sqled__step').nth(3).waitFor();
const go = w.locator('.sqled__explore .race__explore-go');
const summary = w.locator('.sqled__explore .race__explore-summary');
const times = [];
let schedules = 0;
let groups = 0;
for (let i = 0; i < runs; i++) {
  // Drop the last result, so the wait below is for a fresh one.
  if (i > 0) await summary.evaluate((el) => el.remove());
  await go.click();
  await summary.waitFor({ timeout: 30000 });
  times.push(Number(await summary.getAttribute('data-ms')));
  schedules = Number(await summary.getAttribute('data-schedules'));
  groups = Number(await summary.getAttribute('data-groups'));
}
if (schedules !== 13830) throw new Error(`${schedules} schedules, expected 13,830`);
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `SQL_EXPLORE_BENCH the SQL editor's explore, 3 sessions x 4 statements, in the browser (${schedules} schedules, ` +
    `${groups} outcomes, ${runs} runs): median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, ` +
    `max ${times[times.length - 1].toFixed(1)} ms; goal < ${GOAL_MS} ms: ${median < GOAL_MS ? 'met' : 'MISSED'}`,
);
console.log(`FIGURE sql_explore_ms ${median}`);
page.assertClean();
await site.close();
