#!/usr/bin/env node
// What each wasm bundle of a release build is made of: its five largest contributors, so that the next size
// regression has a name. Each bundle is built again as the build built it (cargo finds it fresh), then run through
// wasm-bindgen and `wasm-opt -Oz` as shipped but with `-g`, which keeps the function names that the shipped file
// drops, and measured with twiggy (`twiggy top`). Contributors are grouped by crate; three families that no one
// crate owns get names of their own: closures (the bodies of `move ||` views and callbacks, which rustc names after
// core's FnOnce), drop glue (`core::ptr::drop_in_place<T>`, one a type), and data (strings and tables).
//   node scripts/wasm-contributors.mjs [dist]        (after a release build; needs twiggy, see scripts/bench.sh)
// The last lines are `FIGURE contributor <bundle> <rank> <KB> <group>`; the group comes last, as
// written (a crate's name, or a family's such as "drop glue"), for scripts/bench-report.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const manifest = JSON.parse(readFileSync(join(dist, 'site-manifest.json'), 'utf8'));
const bundles = Object.keys(manifest.output.bundles);

/// The group a function (twiggy's demangled name) or section belongs to.
export function group(name) {
  if (/^data segment|^data\[/.test(name)) return 'data';
  if (/^core::ptr::drop_in_place</.test(name)) return 'drop glue';
  if (/^core::ops::function::(FnOnce::call_once|impls::<impl core::ops::function::Fn)/.test(name)) return 'closures';
  if (!/^[<A-Za-z_]/.test(name) || /^(custom section|elem|table|type|import|export|global|memory|code section|wasm magic)/.test(name)) return 'wasm structure';
  // `<A as B>::f` belongs to A's crate, unless A is a type parameter (`<F as Trait>::f`): then to the trait's.
  const m = name.match(/^<+(?:impl |&mut |&|dyn )*([A-Za-z_][A-Za-z0-9_]*)(?:[^ ]* as (?:&mut |&)?([A-Za-z_][A-Za-z0-9_]*))?/);
  if (m) return /^[A-Z][A-Za-z]{0,6}$/.test(m[1]) && m[2] ? m[2] : m[1];
  return name.match(/^([A-Za-z_][A-Za-z0-9_]*)/)?.[1] ?? "other";
}

for (const bundle of bundles) {
  const features = bundle === 'core' ? [] : ['--features', bundle];
  const out = execFileSync('cargo', ['build', '--release', '--locked', '--target', 'wasm32-unknown-unknown', '--bin', 'msa-lab',
    '--no-default-features', ...features, '--message-format', 'json-render-diagnostics'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  const wasm = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .filter((m) => m.reason === 'compiler-artifact' && m.target?.name === 'msa-lab').flatMap((m) => m.filenames).find((f) => f.endsWith('.wasm'));
  const tmp = mkdtempSync(join(tmpdir(), `msa-lab-size-${bundle}-`));
  try {
    execFileSync('wasm-bindgen', ['--target=web', `--out-dir=${tmp}`, '--out-name=b', '--no-typescript', wasm], { stdio: 'inherit' });
    execFileSync('wasm-opt', ['-Oz', '-g', `--output=${join(tmp, 'named.wasm')}`, join(tmp, 'b_bg.wasm')], { stdio: 'inherit' });
    const items = JSON.parse(execFileSync('twiggy', ['top', '-n', '1000000', '--format', 'json', join(tmp, 'named.wasm')], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    const sizes = new Map();
    let total = 0;
    for (const { name, shallow_size: bytes } of items) {
      // The names themselves are not shipped.
      if (name === '"function names" subsection' || name.startsWith('custom section')) continue;
      const g = group(name);
      sizes.set(g, (sizes.get(g) ?? 0) + bytes);
      total += bytes;
    }
    const top = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`${bundle}: ${(total / 1024).toFixed(1)} KB of wasm as shipped (before gzip); largest contributors:`);
    top.forEach(([g, bytes]) => console.log(`  ${g.padEnd(16)} ${(bytes / 1024).toFixed(1).padStart(7)} KB  ${((100 * bytes) / total).toFixed(1).padStart(4)} %`));
    top.forEach(([g, bytes], i) => console.log(`FIGURE contributor ${bundle} ${i + 1} ${(bytes / 1024).toFixed(1)} ${g}`));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
