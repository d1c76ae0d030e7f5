// Starts MSA Lab: Trunk's loader, kept out of the page for the Content-Security-Policy (no inline script), and the
// service worker's registration. A template: scripts/post-build.mjs fills in BUNDLES (each wasm bundle's JS glue
// and wasm, by name) and PAGES (the bundle of every page whose bundle is not `core`: the site manifest's `pages`),
// and names the file after its content (boot-<hash>.js, cacheable for good).
// A static page (the text is already in the HTML) loads and paints first; the app's download starts right after,
// so the text never waits behind the wasm. Other pages start it at once.
const prerendered = document.getElementById('prerendered') !== null;
// A lesson's contents and its list of lessons are open where there is room for them beside the text, as the app
// shows them: set here, before the page's first paint, so that nothing in it moves later.
if (matchMedia('(min-width: 900px)').matches) {
  for (const group of document.querySelectorAll('#prerendered .sidebar__group')) group.open = true;
}
// A tab opened in the background paints nothing and runs no animation frame: there it starts at once.
if (prerendered && !document.hidden) {
  if (document.readyState !== 'complete') await new Promise((loaded) => addEventListener('load', loaded, { once: true }));
  // Painted: the browser has reported the page's largest text (where it can), or a frame has gone by.
  await new Promise((painted) => {
    let started = false;
    const go = () => {
      if (!started) {
        started = true;
        requestAnimationFrame(() => setTimeout(painted, 0));
      }
    };
    if (PerformanceObserver.supportedEntryTypes?.includes('largest-contentful-paint')) {
      new PerformanceObserver((_, observer) => {
        observer.disconnect();
        go();
      }).observe({ type: 'largest-contentful-paint', buffered: true });
      setTimeout(go, 1000);
    } else {
      requestAnimationFrame(go);
    }
  });
}
// The page's wasm bundle: a static page (the text is in the HTML) gets the one that brings it to life, its widget
// family's for a lesson or lab with widgets (PAGES), else the core; a bundle that brings static pages to life has
// nothing else (src/main.rs). An address the host answered with the app's shell (index.html: the site's root, any
// page without a static copy) gets the app, which has the whole app; on a lesson it reloads the page, which the
// host (or the service worker) then answers with its static copy.
const BUNDLES = '__BUNDLES__';
const PAGES = '__PAGES__';
// A host that serves pages only by their file name has the app ask for `/en/sessions.html` (widgets::reload_for_bundle).
const path = location.pathname.slice(new URL(document.baseURI).pathname.length).replace(/\.html$/, '').split('/').filter((part) => part);
const bundle = prerendered ? PAGES[path.slice(1).join('/')] ?? 'core' : 'app';
document.documentElement.dataset.bundle = bundle;
const [glue, wasmUrl] = BUNDLES[bundle];
const wasmSource = prerendered ? fetch(wasmUrl) : wasmUrl;
const bindings = await import(glue);
const wasm = await bindings.default({ module_or_path: wasmSource });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

// Offline after one visit: the service worker keeps this build's files (see sw.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: new URL('./', document.baseURI).pathname })
    .catch((e) => console.warn('MSA Lab: offline copy unavailable:', e.message));
}
