// The contact centre's service worker. The server fills in VERSION (a hash
// of the built assets) and ASSETS when it serves this file, so each release
// gets its own caches and the old ones are deleted when it takes over.
//
// - Built assets (the WebAssembly bundle, its script, styles, icons): cached
//   at install, served from the cache.
// - The chunks of pages session mode does not need (/pkg/ files not in ASSETS):
//   served from the cache once a page has fetched them, never fetched ahead,
//   so a worker's phone downloads no other role's pages.
// - A contact worker's pages (/worker, /worker/sessions/N): network first,
//   kept on each successful load, served from the cache when offline. The
//   server renders no session data into them; the page reads the phone's
//   IndexedDB after it starts, so one kept copy serves any session.
// - Server functions (/api/) and every other page: never cached.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const ASSET_CACHE = "assets-" + VERSION;
const PAGE_CACHE = "pages-" + VERSION;

const isWorkerPage = (path) => path === "/worker" || path.startsWith("/worker/sessions/");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSET_CACHE).then((cache) => cache.addAll(ASSETS)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name !== ASSET_CACHE && name !== PAGE_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function keepPage(path, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    const cache = await caches.open(PAGE_CACHE);
    await cache.put(path, response.clone());
  }
  return response;
}

async function keptPage(path) {
  const cache = await caches.open(PAGE_CACHE);
  const exact = await cache.match(path);
  if (exact || !path.startsWith("/worker/sessions/")) return exact;
  // Any kept session page will do: the page finds its session by address.
  for (const request of await cache.keys()) {
    if (new URL(request.url).pathname.startsWith("/worker/sessions/")) return cache.match(request);
  }
  return undefined;
}

async function chunk(request, path) {
  const cache = await caches.open(ASSET_CACHE);
  const kept = await cache.match(path);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(path, response.clone());
  return response;
}

async function workerPage(request) {
  const path = new URL(request.url).pathname;
  try {
    return await keepPage(path, await fetch(request));
  } catch (offline) {
    const kept = await keptPage(path);
    if (kept) return kept;
    return new Response(
      "<!DOCTYPE html><html lang=en-GB><meta name=viewport content='width=device-width'>" +
        "<title>Offline</title><body style='font:18px system-ui;padding:16px'>" +
        "<h1>No connection</h1><p>This page has not been opened on this phone yet, so it cannot open offline." +
        " Your sessions list does: <a href='/worker'>open it</a>.</p></body></html>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    if (isWorkerPage(url.pathname)) event.respondWith(workerPage(request));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  } else if (url.pathname.startsWith("/pkg/")) {
    event.respondWith(chunk(request, url.pathname));
  }
});

self.addEventListener("message", (event) => {
  let message = event.data;
  if (typeof message === "string") {
    try {
      message = JSON.parse(message);
    } catch (notJson) {
      return;
    }
  }
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "warm" && Array.isArray(message.urls)) {
    // Fetch and keep these pages now, so they open offline later.
    const paths = message.urls.filter(isWorkerPage);
    event.waitUntil(
      Promise.all(
        paths.map((path) =>
          fetch(path, { credentials: "same-origin" })
            .then((response) => keepPage(path, response))
            .catch(() => undefined),
        ),
      ),
    );
  } else if (message.type === "forget") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});
