#!/usr/bin/env node
// Lighthouse 12.8.2 (scripts/lighthouse/, Debian's Chromium) on the given pages: mobile `runs` times (3 unless
// --runs says otherwise) and desktop once. For each page and form it prints the median of each of the four
// category scores and of total blocking time over the runs, and the audits that cost points in any run, as FIGURE
// lines for scripts/bench-report.mjs; each run is printed too. Full reports go to target/bench/lighthouse/.
//   node scripts/bench-lighthouse.mjs <base url> [--runs N] <path>...
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lighthouse = join(root, 'scripts', 'lighthouse', 'node_modules', '.bin', 'lighthouse');
const out = join(root, 'target', 'bench', 'lighthouse');
mkdirSync(out, { recursive: true });
const args = process.argv.slice(2);
const base = args.shift();
let runs = 3;
if (args[0] === '--runs') {
  args.shift();
  runs = Number(args.shift());
}
const paths = args;
if (!base || !paths.length || !(runs >= 1)) {
  console.error('usage: node scripts/bench-lighthouse.mjs <base url> [--runs N] <path>...');
  process.exit(2);
}
const flags = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/// One Lighthouse run: the four scores, total blocking time (ms) and the audits that cost points; null if it failed.
function run(path, form, i) {
  const file = join(out, `${path.replaceAll('/', '_') || 'root'}-${form}-${i + 1}.json`);
  const lhArgs = [`${base}${path}`, '--output=json', `--output-path=${file}`, '--quiet', `--chrome-flags=${flags.join(' ')}`,
    `--only-categories=${CATEGORIES.join(',')}`, ...(form === 'desktop' ? ['--preset=desktop'] : [])];
  try {
    execFileSync(lighthouse, lhArgs, { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    console.error(`lighthouse failed on ${path} (${form}, run ${i + 1}): ${e.message}`);
    return null;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const scores = CATEGORIES.map((c) => Math.round((r.categories[c]?.score ?? 0) * 100));
  const flagged = [];
  for (const c of CATEGORIES) {
    for (const ref of r.categories[c]?.auditRefs ?? []) {
      const a = r.audits[ref.id];
      if (ref.weight > 0 && a && a.score !== null && a.score < 1) flagged.push(`${ref.id}=${a.displayValue ? a.displayValue.replace(/\s+/g, '') : a.score}`);
    }
  }
  return { scores, tbt: Math.round(r.audits['total-blocking-time']?.numericValue ?? NaN), flagged };
}

for (const path of paths) {
  for (const [form, n] of [['mobile', runs], ['desktop', 1]]) {
    const done = [];
    for (let i = 0; i < n; i += 1) {
      const r = run(path, form, i);
      if (!r) continue;
      done.push(r);
      console.log(`run ${i + 1}/${n} ${path || '/'} ${form}: ${r.scores.join('/')}, total blocking time ${r.tbt} ms ${r.flagged.join(' ')}`);
    }
    if (done.length < n) {
      console.log(`FIGURE lighthouse ${path || '/'} ${form} failed`); // the report counts it as missing
      continue;
    }
    const scores = CATEGORIES.map((_, c) => median(done.map((r) => r.scores[c])));
    // Each audit that cost points in some run, with its value in each run that flagged it.
    const flagged = new Map();
    for (const [id, value] of done.flatMap((r) => r.flagged.map((f) => f.split('=')))) flagged.set(id, [...(flagged.get(id) ?? []), value]);
    const flags = [...flagged].map(([id, values]) => `${id}=${values.join(',')}`).join(' ');
    console.log(`FIGURE lighthouse ${path || '/'} ${form} ${scores.join(' ')} ${flags}`);
    console.log(`FIGURE tbt ${path || '/'} ${form} ${median(done.map((r) => r.tbt))} ${done.map((r) => r.tbt).join(',')}`);
  }
}
