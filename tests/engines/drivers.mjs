// The two engines of the cross-engine suite behind one small interface, so that every check runs the same way in
// both: Firefox ESR through WebDriver BiDi (puppeteer-core, no geckodriver), and WebKitGTK's MiniBrowser through
// classic WebDriver (selenium-webdriver talking to Debian's WebKitWebDriver, itself under Xvfb: MiniBrowser needs
// a display). Both browsers come from Debian (scripts/setup.sh --test installs them).
//
//   const b = await startEngine('firefox' | 'webkit');
//   await b.goto(url); await b.eval((a) => ..., a); await b.click(css); await b.key('Tab');
//   await b.viewport(390, 844); await b.screenshot(path); b.takeProblems(); await b.close();
//
// Sizes are CSS pixels in both. MiniBrowser's window cannot be narrower than its toolbar (about 450 px), so
// WebKit runs at a 1.25 device-pixel zoom (GDK_DPI_SCALE): its 360 px viewport is 450 device pixels wide.
//
// Problems (console errors, uncaught exceptions, failed requests): Firefox reports every one through BiDi. WebKitGTK's
// driver has no log endpoint, so in WebKit the page is watched from its load event on (a script added after each
// navigation), and every resource its Resource Timing lists is fetched again from the server, which must answer it
// (WebKit's entries carry no response status).
import puppeteer from 'puppeteer-core';
import { Builder, By, Key, Origin } from 'selenium-webdriver';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ENGINES = (process.env.MSA_ENGINES ?? 'firefox,webkit').split(',').filter(Boolean);

/** Polls `fn` in the page until it returns something truthy; fails with `what` and the last value after `ms`. */
async function waitIn(b, fn, args, { ms = 30000, what = 'a condition' } = {}) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    last = await b.eval(fn, ...args);
    if (last) return last;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function firefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    // The course must work without anything outside its origin: no update checks, telemetry or remote settings.
    extraPrefsFirefox: { 'app.update.enabled': false, 'toolkit.telemetry.enabled': false, 'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false, 'network.captive-portal-service.enabled': false },
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message ?? e}`));
  // A request cut short by the next navigation is not a failure of the site.
  page.on('requestfailed', (r) => !/ABORTED/.test(r.failure()?.errorText ?? '') && problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  const b = {
    name: 'firefox',
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    eval: (fn, ...args) => page.evaluate(fn, ...args),
    async click(css) {
      await page.locator(css).setTimeout(15000).click();
    },
    async select(css, value) {
      await page.select(css, value);
    },
    key: (k) => page.keyboard.press(k),
    async viewport(width, height) {
      await page.setViewport({ width, height });
    },
    async screenshot(path) {
      mkdirSync(dirname(path), { recursive: true });
      await page.screenshot({ path });
    },
    takeProblems: () => problems.splice(0),
    close: () => browser.close(),
  };
  b.waitFor = (fn, args = [], opts) => waitIn(b, fn, args, opts);
  return b;
}

/** Installed after each navigation in WebKit (see the header): gathers the page's own reports of what went wrong. */
function watch() {
  if (window.__engineProblems) return;
  const problems = (window.__engineProblems = []);
  addEventListener('error', (e) => problems.push(`pageerror: ${e.message || e.target?.src || e.target?.href || 'a resource'}`), true);
  addEventListener('unhandledrejection', (e) => problems.push(`unhandled rejection: ${e.reason}`));
  document.addEventListener('securitypolicyviolation', (e) => problems.push(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`));
  const error = console.error.bind(console);
  console.error = (...a) => {
    problems.push(`console: ${a.map(String).join(' ')}`);
    error(...a);
  };
}

/** The page's problems so far in WebKit (what `watch` saw), and the resources it fetched that were not seen yet. */
function harvest() {
  const problems = (window.__engineProblems ?? []).splice(0);
  const seen = (window.__engineSeen ??= new Set());
  const urls = performance.getEntriesByType('resource').map((r) => r.name).filter((u) => !seen.has(u) && seen.add(u));
  return { problems, urls };
}

async function webkit() {
  const port = await freePort();
  // GDK_DPI_SCALE zooms the page (see the header); the screen is large enough for 1280 CSS px at that zoom.
  const driver = spawn('xvfb-run', ['-a', '-s', '-screen 0 1800x1400x24', 'WebKitWebDriver', `--port=${port}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
    env: { ...process.env, GDK_DPI_SCALE: '1.25' },
  });
  // xvfb-run, Xvfb, the driver and the browser are one process group: end it whole, even if the suite dies.
  const stopDriver = () => {
    for (const signal of ['SIGTERM', 'SIGKILL']) {
      try {
        process.kill(-driver.pid, signal);
      } catch {}
    }
  };
  process.once('exit', stopDriver);
  const server = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${server}/status`)).ok) break;
    } catch {}
    if (i > 100) throw new Error('WebKitWebDriver did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const d = await new Builder()
    .usingServer(server)
    .withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', args: ['--automation'] },
    })
    .build();
  await d.manage().setTimeouts({ script: 60000, pageLoad: 60000 });
  const problems = [];
  const checked = new Set();
  const fnCall = (fn) => `return (${fn}).apply(null, arguments);`;
  const b = {
    name: 'webkit',
    async goto(url) {
      await b.collect();
      await d.get(url);
      await d.executeScript(fnCall(watch));
    },
    eval: (fn, ...args) => d.executeScript(fnCall(fn), ...args),
    async click(css) {
      // A real pointer click at the element's centre. WebKitWebDriver places an element click in device pixels
      // as if they were CSS pixels, which the zoom (see the header) makes land 20% nearer the top-left corner: so
      // the suite brings the element into view, finds its centre, and moves the pointer there in device pixels.
      await b.waitFor((s) => document.querySelector(s) !== null, [css], { ms: 15000, what: css });
      const at = await b.eval((s) => {
        const el = document.querySelector(s);
        el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
        const r = el.getBoundingClientRect();
        const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
        const hit = document.elementFromPoint(x, y);
        // A radio drawn by its label: the label takes the click.
        const ok = hit !== null && (el.contains(hit) || hit.contains(el) || (el.labels && [...el.labels].some((l) => l.contains(hit))));
        return { x, y, ok, hit: hit && `${hit.tagName}.${hit.className}`, zoom: outerWidth / innerWidth };
      }, css);
      if (!at.ok) throw new Error(`${css} is covered by ${at.hit} at its centre`);
      await d.actions().move({ x: Math.round(at.x * at.zoom), y: Math.round(at.y * at.zoom), origin: Origin.VIEWPORT }).click().perform();
    },
    async select(css, value) {
      // By keyboard, as the DDD exercises are meant to be answered: WebKitWebDriver does not click an <option>.
      await b.eval((s) => document.querySelector(s).focus(), css);
      await b.key('Home');
      for (let i = 0; i < 30 && (await b.eval((s) => document.querySelector(s).value, css)) !== value; i++) await b.key('ArrowDown');
      const got = await b.eval((s) => document.querySelector(s).value, css);
      if (got !== value) throw new Error(`${css}: the keyboard chose ${got}, not ${value}`);
    },
    async key(k) {
      const keys = { Tab: Key.TAB, Enter: Key.ENTER, Space: Key.SPACE, Home: Key.HOME, ArrowDown: Key.ARROW_DOWN };
      await d.actions().sendKeys(keys[k] ?? k).perform();
    },
    async viewport(width, height) {
      // The window's outer size for the wanted viewport: measure the zoom and the toolbar, then set it again.
      let outer = { width: Math.round(width * 1.25), height: Math.round(height * 1.25) + 60 };
      for (let i = 0; i < 3; i++) {
        await d.manage().window().setRect(outer);
        // The window manager applies the size a moment later: read it once it has stopped changing.
        let got = [];
        for (let k = 0; k < 40; k++) {
          await new Promise((r) => setTimeout(r, 50));
          const now = await d.executeScript('return [innerWidth, innerHeight, outerWidth, outerHeight]');
          if (now.join() === got.join()) break;
          got = now;
        }
        if (got[0] === width && got[1] === height) return;
        const zoom = got[2] / got[0];
        outer = { width: outer.width + Math.round((width - got[0]) * zoom), height: outer.height + Math.round((height - got[1]) * zoom) };
      }
      const got = await d.executeScript('return [innerWidth, innerHeight]');
      if (Math.abs(got[0] - width) > 1) throw new Error(`WebKit's viewport is ${got.join('x')}, not ${width}x${height}`);
    },
    async screenshot(path) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.from(await d.takeScreenshot(), 'base64'));
    },
    /** Moves the current page's problems into the list (before a navigation drops them). */
    async collect() {
      let got;
      try {
        got = await d.executeScript(fnCall(harvest));
      } catch {
        return;
      }
      problems.push(...got.problems);
      // WebKit's Resource Timing has no response status: ask the server again for each resource, once.
      for (const url of got.urls.filter((u) => !checked.has(u) && u.startsWith('http'))) {
        checked.add(url);
        const status = await fetch(url).then((r) => r.status, (e) => `${e}`);
        if (status !== 200) problems.push(`failed request: ${url} (${status})`);
      }
    },
    takeProblems() {
      return problems.splice(0);
    },
    async close() {
      try {
        await d.quit();
      } finally {
        stopDriver();
      }
    },
  };
  b.waitFor = (fn, args = [], opts) => waitIn(b, fn, args, opts);
  // takeProblems must see the current page's too: make it async-aware for callers.
  const take = b.takeProblems;
  b.takeProblems = async () => {
    await b.collect();
    return take();
  };
  return b;
}

export async function startEngine(name) {
  if (name === 'firefox') {
    const b = await firefox();
    const take = b.takeProblems;
    b.takeProblems = async () => take();
    return b;
  }
  if (name === 'webkit') return webkit();
  throw new Error(`unknown engine ${name}`);
}

export const SHOTS = join(here, '..', '..', 'target', 'engines');
