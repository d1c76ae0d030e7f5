#!/usr/bin/env node
// Prints the bench command's figures as one table and checks each against its goal. Reads the
// `FIGURE <name> <value...>` lines the bench steps print (scripts/bench.sh collects them in one file).
// Exit status 1 when a figure misses its goal, 2 when one is missing: figures, not a timed test.
//   node scripts/bench-report.mjs target/bench/figures.txt
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'target/bench/figures.txt';
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('FIGURE '));
const fig = new Map();
const pages = [];
const lighthouse = [];
const tbt = [];
const boot = [];
const bundles = [];
const contributors = [];
for (const l of lines) {
  const [, name, ...rest] = l.trim().split(/\s+/);
  if (name === 'page_kb') pages.push({ page: rest[0], kb: Number(rest[1]) });
  else if (name === 'bundle_kb') bundles.push({ bundle: rest[0], kb: Number(rest[1]) });
  else if (name === 'contributor') contributors.push({ bundle: rest[0], kb: Number(rest[2]), group: rest.slice(3).join(' ') });
  else if (name === 'boot_blocking') boot.push({ page: rest[0], ms: Number(rest[1]), runs: rest[2] });
  else if (name === 'boot_longest') {}
  else if (name === 'tbt') tbt.push({ page: rest[0], form: rest[1], ms: Number(rest[2]), runs: rest[3] });
  else if (name === 'lighthouse') lighthouse.push({ page: rest[0], form: rest[1], scores: rest.slice(2, 6).map(Number), flagged: rest.slice(6).join(' ') });
  else fig.set(name, Number(rest[0]));
}

const rows = [];
let missed = 0;
let missing = 0;
function row(what, value, unit, goal, ok) {
  const shown = value === undefined || Number.isNaN(value) ? 'missing' : `${value}${unit}`;
  const status = value === undefined || Number.isNaN(value) ? 'MISSING' : ok(value) ? 'met' : 'MISSED';
  if (status === 'MISSED') missed += 1;
  if (status === 'MISSING') missing += 1;
  rows.push([what, shown, goal, status]);
}
const round = (x, d = 1) => (x === undefined ? undefined : Number(x.toFixed(d)));

row('simulator vs SimPy, same M/M/4 model (requests per second)', round(fig.get('simpy_ratio'), 0), 'x', '>= 100x', (v) => v >= 100);
row('wasm in Chromium vs native, same 1M-request run', round(fig.get('wasm_native_ratio'), 3), 'x', '<= 2x', (v) => v <= 2);
row('explore-all, 3 transactions x 4 steps, in Chromium (median)', round(fig.get('explore_ms'), 1), ' ms', '< 100 ms', (v) => v < 100);
row("the SQL editor's explore, 3 sessions x 4 statements, in Chromium (median)", round(fig.get('sql_explore_ms'), 1), ' ms', '< 100 ms', (v) => v < 100);
row('1M-request fast-forward in Chromium', round(fig.get('ff_1m_browser_s'), 2), ' s', '(figure)', () => true);
row('  the same run, native CLI', round(fig.get('ff_1m_native_s'), 2), ' s', '(figure)', () => true);
row('longest task while ~500 requests animate at 1x', round(fig.get('longest_task_ms'), 1), ' ms', '<= 50 ms', (v) => v <= 50);
row('  requests in flight meanwhile (median)', round(fig.get('in_flight'), 0), '', '400 to 600', (v) => v >= 400 && v <= 600);
const core = bundles.find((b) => b.bundle === 'core');
row('core bundle (JS glue + wasm, gzip -9)', core?.kb, ' KB', '<= 160 KB', (v) => v <= 160);
for (const b of bundles.filter((b) => b.bundle !== 'core')) row(`  ${b.bundle} bundle`, b.kb, ' KB', '(figure)', () => true);
if (pages.length === 0) row('first-load gzip of every page', undefined, '', '<= 350 KB', () => false);
const heaviest = [...pages].sort((a, b) => b.kb - a.kb);
for (const p of heaviest) row(`first-load gzip ${p.page}`, p.kb, ' KB', '<= 350 KB', (v) => v <= 350);
if (lighthouse.length === 0) row('Lighthouse', undefined, '', '100/100/100/100', () => false);
for (const l of lighthouse) {
  const ran = l.scores.length === 4 && l.scores.every((s) => Number.isFinite(s));
  row(`Lighthouse ${l.form} ${l.page} (perf/a11y/best/SEO, median)`, ran ? l.scores.join('/') : undefined, '', '100/100/100/100', () => l.scores.every((s) => s === 100));
  const t = tbt.find((t) => t.page === l.page && t.form === l.form);
  if (ran) row(`  total blocking time (median of ${t?.runs ?? '?'} ms)`, t?.ms, ' ms', '< 150 ms', (v) => v < 150);
}

const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i]).length), ['figure', 'value', 'goal', 'status'][i].length));
const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ');
console.log(line(['figure', 'value', 'goal', 'status']));
console.log(w.map((n) => '-'.repeat(n)).join('  '));
rows.forEach((r) => console.log(line(r)));
const byBundle = new Map();
for (const c of contributors) byBundle.set(c.bundle, [...(byBundle.get(c.bundle) ?? []), c]);
if (byBundle.size) console.log('\nlargest contributors to each bundle (wasm as shipped, before gzip; scripts/wasm-contributors.mjs):');
for (const [bundle, cs] of byBundle) console.log(`  ${bundle.padEnd(6)} ${cs.map((c) => `${c.group} ${c.kb} KB`).join(', ')}`);
if (boot.length) console.log('\nblocking time while a page starts, real 4x CPU slowdown, median (scripts/boot-bench.mjs; runs in ms):');
for (const b of boot) console.log(`  ${b.page.padEnd(22)} ${String(b.ms).padStart(4)} ms  (${b.runs})`);
for (const l of lighthouse.filter((l) => l.flagged)) console.log(`Lighthouse ${l.form} ${l.page} flags: ${l.flagged}`);
console.log(`\n${rows.length - missed - missing} of ${rows.length} figures meet their goals; ${missed} missed, ${missing} missing.`);
process.exit(missing ? 2 : missed ? 1 : 0);
