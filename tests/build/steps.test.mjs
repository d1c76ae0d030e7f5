// The post-build steps (scripts/build-steps.mjs), each on a small staging folder of its own: no trunk, no cargo.
//   node --test tests/build/
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as step from '../../scripts/build-steps.mjs';

const root = new URL('../..', import.meta.url).pathname;
const staging = () => mkdtempSync(join(tmpdir(), 'msa-lab-steps-'));

test('fillIn puts each value in as JSON and refuses a template that lost or doubled a placeholder', () => {
  const out = step.fillIn("const A = '__A__'; const B = ['__B__'];", { "'__A__'": { x: '</script>"' }, "['__B__']": ['a'] }, 't');
  assert.equal(out, 'const A = {"x":"</script>\\""}; const B = ["a"];');
  assert.throws(() => step.fillIn('nothing here', { "'__A__'": 1 }, 't'), /needs '__A__' once, has it 0 times/);
  assert.throws(() => step.fillIn("'__A__' '__A__'", { "'__A__'": 1 }, 't'), /has it 2 times/);
});

test('the boot script is public/boot.js with the bundles and the page map, named after its content', () => {
  const dir = staging();
  const template = readFileSync(join(root, 'public/boot.js'), 'utf8');
  const bundles = { core: ['/c.js', '/c_bg.wasm'], race: ['/r.js', '/r_bg.wasm'] };
  const name = step.writeBoot(dir, template, bundles, { 'race-conditions': 'race' });
  assert.match(name, /^boot-[0-9a-f]{16}\.js$/);
  const boot = readFileSync(join(dir, name), 'utf8');
  assert.ok(boot.includes(`const BUNDLES = ${JSON.stringify(bundles)};`));
  // The browser test that breaks the page map (tests/e2e/site.test.mjs) edits exactly this text.
  assert.ok(boot.includes('const PAGES = {"race-conditions":"race"};'));
  assert.ok(!/'__[A-Z]+__'/.test(boot), 'no placeholder left');
  // Another map, another file: the name follows the content.
  assert.notEqual(step.writeBoot(dir, template, bundles, {}), name);
  rmSync(dir, { recursive: true });
});

test("the page loads the boot script instead of Trunk's inline loader, and never keeps an inline script", () => {
  const trunk = '<head><link rel="modulepreload" href="/msa-lab-1.js" crossorigin=anonymous><link rel="preload" href="/msa-lab-1_bg.wasm" as="fetch" type="application/wasm">\n'
    + '<script type="module">import init, * as bindings from \'/msa-lab-1.js\'; init();</script></head>';
  const html = step.loadBootScript(trunk, '/boot-0123456789abcdef.js');
  assert.equal(html, '<head>\n<script type="module" src="/boot-0123456789abcdef.js"></script></head>');
  assert.throws(() => step.loadBootScript('<head></head>', '/b.js'), /no inline module script/);
  assert.throws(() => step.loadBootScript('<script type="module">a</script><script>b</script>', '/b.js'), /still has an inline script/);
});

test("Trunk's bundle gets a 16-digit content hash like the others", () => {
  const dir = staging();
  writeFileSync(join(dir, 'msa-lab-abc.js'), 'export default 1;');
  writeFileSync(join(dir, 'msa-lab-abc_bg.wasm'), Buffer.from([0, 97, 115, 109]));
  const [glue, wasm] = step.adoptTrunkBundle(dir, '/sub/', 'core', false);
  assert.match(glue, /^\/sub\/msa-lab-core-[0-9a-f]{16}\.js$/);
  assert.equal(wasm, glue.replace(/\.js$/, '_bg.wasm'));
  assert.deepEqual(readdirSync(dir).sort(), [glue.slice(5), wasm.slice(5)].sort());
  rmSync(dir, { recursive: true });
});

test("one stylesheet a page: index.html links all of it, a bundle's pages the shared rules and that bundle's", () => {
  const dir = staging();
  writeFileSync(join(dir, 'main-0a.css'), 'main{}');
  writeFileSync(join(dir, 'proxy-0b.css'), 'proxy{}');
  writeFileSync(join(dir, 'quiz-0c.css'), 'quiz{}');
  const html = '<head>\n    <link rel="stylesheet" href="/main-0a.css" integrity="x"/>\n    <link rel="stylesheet" href="/proxy-0b.css" integrity="y"/>\n    <link rel="stylesheet" href="/quiz-0c.css" integrity="z"/>\n  </head>';
  const out = step.mergeStylesheets(dir, html, '/', ['core', 'proxy'], false);
  const css = (link) => readFileSync(join(dir, link.match(/href="\/([^"]+)"/)[1]), 'utf8');
  assert.equal(css(out.all), 'main{}\nproxy{}\nquiz{}');
  assert.equal(css(out.perBundle.core), 'main{}\nquiz{}');
  assert.equal(css(out.perBundle.proxy), 'main{}\nproxy{}\nquiz{}');
  assert.equal((out.html.match(/<link rel="stylesheet"/g) || []).length, 1);
  assert.ok(out.html.includes(out.all) && /integrity="sha384-/.test(out.all));
  assert.ok(!existsSync(join(dir, 'main-0a.css')), 'the separate sheets are gone');
  rmSync(dir, { recursive: true });
});

test('the service worker lists every file but itself, the manifest, 404.html and twins; its build id follows the files', () => {
  const dir = staging();
  mkdirSync(join(dir, 'en'));
  for (const f of ['index.html', '404.html', 'en.html', 'en/sessions.html', 'site-manifest.json', 'a.js', 'a.js.gz']) writeFileSync(join(dir, f), f);
  const template = readFileSync(join(root, 'public/sw.js'), 'utf8');
  const [build, n] = step.writeServiceWorker(dir, template);
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  // The static pages too: offline, a lesson is its own page (a family's bundle starts only on it).
  const files = ['a.js', 'en.html', 'en/sessions.html', './'];
  assert.equal(n, files.length);
  assert.ok(sw.includes(`const BUILD = "${build}";`) && sw.includes(`const FILES = ${JSON.stringify(files)};`), sw.slice(0, 900));
  // What the browser suite expects the worker to cache (offlineFiles) is what sw.js lists.
  assert.deepEqual(step.offlineFiles(dir), { build, files });
  writeFileSync(join(dir, 'a.js'), 'changed');
  assert.notEqual(step.writeServiceWorker(dir, template)[0], build);
  rmSync(dir, { recursive: true });
});

test('every text file gets a gzip -9 twin with the same bytes inside; other files do not', () => {
  const dir = staging();
  writeFileSync(join(dir, 'a.css'), 'body{}'.repeat(50));
  writeFileSync(join(dir, 'site-manifest.json'), '{}');
  assert.equal(step.writeGzipTwins(dir), 1);
  assert.equal(gunzipSync(readFileSync(join(dir, 'a.css.gz'))).toString(), 'body{}'.repeat(50));
  assert.ok(!existsSync(join(dir, 'site-manifest.json.gz')));
  rmSync(dir, { recursive: true });
});

test('the manifest left in dist/ has what it had and the files this build wrote', () => {
  const dir = staging();
  const manifest = { langs: ['en'], lessons: [{ slug: 's', texts: { en: { title: 'T' } } }] };
  step.recordOutput(dir, manifest, { base: '/', boot: 'boot-1.js', bundles: { core: ['/c.js', '/c_bg.wasm'] }, pages: {} });
  const out = JSON.parse(readFileSync(join(dir, 'site-manifest.json'), 'utf8'));
  assert.deepEqual(out.lessons, manifest.lessons);
  assert.deepEqual(out.output.bundles.core, ['/c.js', '/c_bg.wasm']);
  rmSync(dir, { recursive: true });
});
