#!/usr/bin/env node
// Lighthouse 12.8.2 (scripts/lighthouse/, Debian's Chromium) on the given pages, mobile and desktop: prints the
// four category scores of each run, and the audits that cost points, as FIGURE lines for scripts/bench-report.mjs.
// Full reports go to target/bench/lighthouse/.
//   node scripts/bench-lighthouse.mjs <base url> <path>...
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lighthouse = join(root, 'scripts', 'lighthouse', 'node_modules', '.bin', 'lighthouse');
const out = join(root, 'target', 'bench', 'lighthouse');
mkdirSync(out, { recursive: true });
const [base, ...paths] = process.argv.slice(2);
const flags = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

for (const path of paths) {
  for (const form of ['mobile', 'desktop']) {
    const file = join(out, `${path.replaceAll('/', '_') || 'root'}-${form}.json`);
    const args = [`${base}${path}`, '--output=json', `--output-path=${file}`, '--quiet', `--chrome-flags=${flags.join(' ')}`,
      `--only-categories=${CATEGORIES.join(',')}`, ...(form === 'desktop' ? ['--preset=desktop'] : [])];
    try {
      execFileSync(lighthouse, args, { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      console.error(`lighthouse failed on ${path} (${form}): ${e.message}`);
      console.log(`FIGURE lighthouse ${path || '/'} ${form} failed`); // the report counts it as missing
      continue;
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
    console.log(`FIGURE lighthouse ${path || '/'} ${form} ${scores.join(' ')} ${[...new Set(flagged)].join(' ')}`);
  }
}
