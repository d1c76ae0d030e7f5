// Prints how long the race visualizer's "explore all schedules" takes in the browser (headless Chromium) for
// 3 transactions x 4 statements (lost-update story, no lock, 3 clients: 13,830 schedules). A figure, not a
// test. Needs a release build in dist/ (trunk build --release). Run from the repository root:
//   node scripts/race-bench.mjs [runs]
// The time is the widget's own: from the click to the last slice, yields to the browser between slices
// (~8 ms of work each) included.
import { startSite, newPage, ready } from '../tests/e2e/lib.mjs';

const runs = Number(process.argv[2] ?? 20);
const site = await startSite();
const page = await newPage(site);
await page.goto(`${site.base}/en/lab/race?race=lost-update_no-lock_3_`);
await ready(page);
const w = page.locator('.widget--race').first();
const times = [];
let schedules = 0;
for (let i = 0; i < runs; i++) {
  await w.locator('.race__explore-go').click();
  const s = w.locator('.race__explore-summary');
  await s.waitFor();
  times.push(Number(await s.getAttribute('data-ms')));
  schedules = Number(await s.getAttribute('data-schedules'));
  // Clear the result so the next click waits for a fresh one.
  await w.locator('select[data-field="clients"]').selectOption('2');
  await w.locator('select[data-field="clients"]').selectOption('3');
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`RACE_BENCH explore-all 3x4 in the browser (${schedules} schedules, ${runs} runs): median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
console.log(`FIGURE explore_ms ${median}`);
await site.close();
