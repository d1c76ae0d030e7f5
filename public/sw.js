// MSA Lab's service worker: after one visit the whole course works offline.
// A template: scripts/post-build.mjs fills in BUILD (a hash of every file of the build) and FILES (their paths,
// relative to this file). A new release has a new BUILD, so it fills a new cache, takes over at once and deletes
// the caches of older builds of this same site (other sites on the origin keep theirs: names carry the scope).
// Online, only content-hashed files come from the cache; everything else comes from the server first.
const BUILD = '__BUILD__';
const FILES = ['__FILES__'];
const PREFIX = `msa-lab:${self.registration.scope}:`;
const CACHE = PREFIX + BUILD;
/** A file whose name carries its content hash (Trunk's and the post-build step's). */
const HASHED = /-[0-9a-f]{16}(?:_bg)?\.(?:js|wasm|css)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // A file whose name carries its content hash may come from the HTTP cache (the page has just fetched it:
      // no second download). The others (the page, the lesson bodies) keep their names from release to release:
      // those come from the server itself, past any cache, with a query that static hosts ignore.
      .then((cache) =>
        Promise.all(
          FILES.map((f) => {
            const hashed = HASHED.test(f);
            return fetch(hashed ? f : `${f}?build=${BUILD}`, { cache: hashed ? 'default' : 'no-store' }).then((r) => {
              if (!r.ok) throw new Error(`${f}: HTTP ${r.status}`);
              return cache.put(f, r);
            });
          }),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(self.registration.scope)) return;
  if (req.mode === 'navigate') {
    // Pages: the server's newest first (it may be a new release); offline, the page's own static copy from the
    // cache (/en/sessions is en/sessions.html, as the host answers it), or else the app's shell, which routes
    // any other address of the course itself.
    event.respondWith(fetch(req).catch(() => offlinePage(new URL(req.url))));
    return;
  }
  // Content-hashed files never change: the cached copy is the right one. The others keep their names from
  // release to release (lesson bodies, the icon): the server's newest first, so a page of a new release never
  // reads an old release's body; offline, this build's copy.
  if (HASHED.test(new URL(req.url).pathname)) {
    event.respondWith(
      caches
        .open(CACHE)
        .then((c) => c.match(req, { ignoreSearch: true }))
        .then((r) => r || fetch(req)),
    );
    return;
  }
  event.respondWith(
    fetch(req).catch(() => caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true })).then((r) => r || Response.error())),
  );
});

/** The cached answer to a navigation to `url` offline: its static page, else the app's shell (index.html). */
async function offlinePage(url) {
  const cache = await caches.open(CACHE);
  const page = url.pathname.replace(/\/+$/, '');
  const candidates = page.length >= new URL(self.registration.scope).pathname.length ? [`${page}.html`, `${page}/index.html`] : [];
  for (const candidate of [...candidates, self.registration.scope]) {
    const found = await cache.match(new URL(candidate, url), { ignoreSearch: true });
    if (found) return found;
  }
  return Response.error();
}
