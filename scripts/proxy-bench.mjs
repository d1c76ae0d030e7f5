#!/usr/bin/env node
// Figures for the reverse-proxy playground, printed, not asserted:
//  1. the longest main-thread task (PerformanceObserver 'longtask', Chromium) while about 500 requests are in
//     flight at normal speed (1x), over 5 s of play;
//  2. a one-million-request fast-forward in the browser (in slices of <= 8 ms) against the native CLI
//     (`msa-sim run`) on the same configuration, with both runs' totals.
// Needs a release build in dist/ (trunk build --release) and the CLI (cargo build --release -p msa-cli).
//   node scripts/proxy-bench.mjs
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { startSite, newPage, ready } from '../tests/e2e/lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release', 'msa-sim');
const site = await startSite();
const lab = (q) => `${site.base}/en/lab/proxy?proxy=${encodeURIComponent(q)}`;
const totals = (page) =>
  page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.proxy__fig')].map((f) => [f.querySelector('dt').textContent, f.querySelector('dd').textContent])));

// 1. ~500 in flight at 1x: 16 servers x 100 workers, 24,000 requests/s, 20 ms mean service (L = lambda W ~ 500).
{
  const page = await newPage(site);
  await page.goto(lab('servers=16&*.workers=100&rate=24000&duration_ms=60000'));
  await ready(page);
  await page.locator('.proxy__speed').selectOption({ index: 4 }); // 1x
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask', buffered: false });
    window.__frames = 0;
    window.__gap = 0;
    let last = 0;
    // The longest gap between two frames bounds every task in between from above (Chromium reports only tasks
    // over 50 ms as long tasks).
    const count = (t) => { window.__frames++; if (last) window.__gap = Math.max(window.__gap, t - last); last = t; requestAnimationFrame(count); };
    requestAnimationFrame(count);
  });
  await page.locator('.proxy__play').click();
  const samples = [];
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(500);
    samples.push(Number((await totals(page))['In flight']));
  }
  await page.locator('.proxy__play').click();
  const r = await page.evaluate(() => ({ long: window.__long, frames: window.__frames, gap: window.__gap }));
  const max = r.long.length ? Math.max(...r.long) : 0;
  console.log('in flight at 1x, sampled every 0.5 s:', samples.join(' '));
  console.log(`long tasks (> 50 ms) during 5 s of play: ${r.long.length}; longest: ${max.toFixed(1)} ms; frames: ${r.frames} (${(r.frames / 5).toFixed(0)} fps)`);
  console.log(`longest gap between two frames: ${r.gap.toFixed(1)} ms`);
  console.log(`FIGURE longest_task_ms ${Math.max(max, r.gap)}`);
  console.log(`FIGURE in_flight ${[...samples].sort((a, b) => a - b)[samples.length >> 1]}`);
  await page.context().close();
}

// 2. A million requests: 50,000 requests/s for 20 s over 16 servers x 100 workers (62% busy).
{
  const items = ['servers=16', '*.workers=100', 'rate=50000', 'duration_ms=20000'];
  const page = await newPage(site);
  await page.goto(lab(items.join('&')));
  await ready(page);
  await page.locator('.proxy__speed').selectOption({ index: 7 }); // as fast as possible
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.locator('.proxy__play').click();
  await page.waitForFunction(() => document.querySelector('.proxy__play')?.textContent.trim() === 'Play', null, { timeout: 600000 });
  const browserMs = Date.now() - t0;
  const t = await totals(page);
  const long = await page.evaluate(() => window.__long);
  await page.context().close();

  const cfg = join(tmpdir(), 'msa-proxy-bench-default.json');
  writeFileSync(cfg, '{}'); // Config::default(), the base the URL items apply to
  const c0 = process.hrtime.bigint();
  const out = JSON.parse(execFileSync(cli, ['run', '--scenario', cfg, ...items.flatMap((i) => ['--set', i]), '--json'], { encoding: 'utf8' }));
  const cliMs = Number(process.hrtime.bigint() - c0) / 1e6;
  console.log(`1M-request fast-forward: browser ${(browserMs / 1000).toFixed(2)} s (sent ${t.Sent}, ok ${t['Answered 2xx']}; ` +
    `long tasks ${long.length}, longest ${long.length ? Math.max(...long).toFixed(1) : 0} ms), ` +
    `native CLI ${(cliMs / 1000).toFixed(2)} s (sent ${out.totals.sent}, ok ${out.totals.ok}, ${out.events} events); ` +
    `ratio ${(browserMs / cliMs).toFixed(1)}x`);
  console.log(`FIGURE ff_1m_browser_s ${browserMs / 1000}`);
  console.log(`FIGURE ff_1m_native_s ${cliMs / 1000}`);
}
await site.close();
