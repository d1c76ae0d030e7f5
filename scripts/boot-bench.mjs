#!/usr/bin/env node
// How long a phone's main thread is blocked while a page starts: Chromium with its CPU slowed down 4x (DevTools'
// throttling, which really slows the CPU, where Lighthouse's default multiplies the task times it observed), a
// fresh profile each run, from the navigation until the app is ready (every widget built). For each page it
// prints, over N runs, the median of:
//   - blocking time: the sum, over the main thread's long tasks after the first paint, of each one's time past
//     50 ms (what Lighthouse's total blocking time adds up, without its end at "time to interactive");
//   - the longest task.
// A figure, not a test: it is printed, never asserted (scripts/bench.sh runs it).
//   node scripts/boot-bench.mjs [--runs N] <page> ...      (after a release build: dist/; pages such as /en/ddd)
// Another build: serve it (node tests/e2e/server.mjs <dir> <port> /) and set SITE_BASE and SUB_BASE to its address.
// The last lines are `FIGURE boot_blocking <page> <median ms> <runs, comma-separated>` and
// `FIGURE boot_longest <page> <median ms>`.
import { startSite, newPage, ready } from '../tests/e2e/lib.mjs';

const args = process.argv.slice(2);
let runs = 5;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else pages.push(args[i]);
}
if (!pages.length || !(runs >= 1)) {
  console.error('usage: boot-bench.mjs [--runs N] <page> ...');
  process.exit(2);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const site = await startSite();
const figures = [];
try {
  for (const path of pages) {
    const blocking = [];
    const longest = [];
    for (let r = 0; r < runs; r++) {
      // Service workers blocked: each run is a first visit, as Lighthouse's is.
      const page = await newPage(site, { width: 412, height: 823, serviceWorkers: 'block' });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.addInitScript(() => {
        window.__tasks = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__tasks.push([e.startTime, e.duration])))
          .observe({ type: 'longtask', buffered: true });
      });
      await page.goto(`${site.base}${path}`);
      await ready(page);
      // The tasks that follow readiness in the same turn (a widget's last panel) are counted too.
      await page.waitForTimeout(1000);
      const { tasks, paint } = await page.evaluate(() => ({
        tasks: window.__tasks,
        paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
      }));
      blocking.push(Math.round(tasks.filter(([start]) => start >= paint).reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0)));
      longest.push(Math.round(Math.max(0, ...tasks.map(([, d]) => d))));
      await page.context().close();
    }
    console.log(`${path}: blocking ${median(blocking)} ms (runs ${blocking.join(', ')}), longest task ${median(longest)} ms (runs ${longest.join(', ')})`);
    figures.push(`FIGURE boot_blocking ${path} ${median(blocking)} ${blocking.join(',')}`, `FIGURE boot_longest ${path} ${median(longest)}`);
  }
} finally {
  await site.close();
}
for (const f of figures) console.log(f);
