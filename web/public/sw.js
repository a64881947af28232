// The app shell, cached so a guest reopening the box from the home screen
// sees it at once. Only the shell: the API and the live socket always go
// to the network, never to a cache.
const CACHE = 'dt-shell-v1';
const SHELL = ['/', '/manifest.webmanifest', '/favicon.svg', '/icon-192.png', '/icon-512.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The app's own pages: the start page and rooms (see src/lib/router.ts). */
const isAppPage = (url) => url.pathname === '/' || url.pathname === '/r' || url.pathname.startsWith('/r/');

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && isAppPage(url)) {
    // Every app page is index.html: the cached one now, a fresh one for next time.
    event.respondWith(staleWhileRevalidate('/'));
  } else if (url.pathname.startsWith('/assets/') || SHELL.includes(url.pathname)) {
    // Hashed assets never change under their name.
    event.respondWith(cacheFirst(request));
  }
  // Anything else (the API, /docs, the socket) is not touched.
});

async function staleWhileRevalidate(path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(path);
  const fresh = fetch(path)
    .then((response) => {
      if (response.ok) cache.put(path, response.clone());
      return response;
    })
    .catch(() => undefined);
  return cached ?? (await fresh) ?? Response.error();
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}
