// Doorstep's service worker: the app keeps working on a weak or absent network.
//
// - Network first, always: when the network answers, the resident sees the newest page,
//   and a copy is kept. Without a network, the kept copy is shown, marked
//   "离线 · offline, as of 10:42"; a page never viewed gets the offline page.
// - The app shell (stylesheet, wasm, scripts, icons, offline page) is cached at install.
// - Versions never mix: the server stamps this file with the build (BUILD below), so a new
//   build installs a new worker, which drops every cache of the old one when it takes
//   over; pages carry the same stamp and app-shell.js loads a newer page whole.
// - A form that may wait (QUEUEABLE) submitted offline is kept in IndexedDB and sent once
//   the network is back, with an Idempotency-Key the server uses to apply it only once.
'use strict';

const BUILD = '__DOORSTEP_BUILD__';
const SHELL_CACHE = `doorstep-shell-${BUILD}`;
const PAGE_CACHE = `doorstep-pages-${BUILD}`;
const MAX_PAGES = 60;
const SHELL = [
  '/offline.html',
  '/app-shell.js',
  '/pkg/doorstep.css',
  '/pkg/doorstep.js',
  '/pkg/doorstep.wasm',
  '/favicon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/manifest.webmanifest',
];
// Forms whose effect may arrive later without surprising anyone.
const QUEUEABLE = ['/prefs'];
// After these, the pages kept for the signed-in resident must go.
const ENDS_SESSION = ['/account/sign-out', '/account/sign-out-everywhere', '/account/delete'];
const SAVED_AT = 'X-Doorstep-Saved-At';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('doorstep-') && n !== SHELL_CACHE && n !== PAGE_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
      .then(sendQueued),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === '/sw.js') return;
  if (request.method === 'POST' && isForm(request)) {
    event.respondWith(submitForm(request, url));
  } else if (request.method === 'GET' && isPage(request, url)) {
    event.respondWith(page(request));
  } else if (request.method === 'GET' && !url.pathname.startsWith('/api/')) {
    event.respondWith(asset(request));
  }
});

self.addEventListener('message', (event) => {
  if (event.data === 'send-queued') event.waitUntil(sendQueued());
  if (event.data === 'queue-status') event.waitUntil(announceQueue());
});

function isForm(request) {
  return (request.headers.get('Content-Type') ?? '').startsWith('application/x-www-form-urlencoded');
}

function isPage(request, url) {
  return (
    request.mode === 'navigate' ||
    ((request.headers.get('Accept') ?? '').includes('text/html') && !url.pathname.startsWith('/api/'))
  );
}

async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok && (response.headers.get('Content-Type') ?? '').startsWith('text/html')) {
      await keep(request, response.clone());
    }
    // The network answers: a good moment to send what waits.
    sendQueued();
    return response;
  } catch {
    const kept = await caches.open(PAGE_CACHE).then((c) => c.match(request.url, { ignoreVary: true }));
    if (kept) return markOffline(kept);
    return offlinePage();
  }
}

/** Keeps a copy of a page, stamped with when it was fetched; the oldest go first. */
async function keep(request, response) {
  const cache = await caches.open(PAGE_CACHE);
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, String(Date.now()));
  const body = await response.arrayBuffer();
  await cache.delete(request.url, { ignoreVary: true });
  await cache.put(request.url, new Response(body, { status: response.status, headers }));
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((k) => cache.delete(k)));
}

async function markOffline(response, note) {
  const html = await response.text();
  const zh = /<html[^>]*lang="zh/.test(html);
  const savedAt = new Date(Number(response.headers.get(SAVED_AT)) || Date.now());
  const time = savedAt.toLocaleTimeString(zh ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  const line = note ?? (zh ? `离线 · 显示的是 ${time} 保存的内容` : `Offline · as of ${time}`);
  // A waiting note is the line app-shell.js keeps up to date (id queue-status).
  const id = note ? ' id="queue-status"' : '';
  const banner = `<p${id} class="notice offline" role="status" data-offline="${savedAt.toISOString()}">${line}</p>`;
  const headers = new Headers(response.headers);
  headers.delete('Content-Length');
  return new Response(html.replace(/<main[^>]*>/, (m) => m + banner), { status: 200, headers });
}

async function offlinePage() {
  const cached = await caches.match('/offline.html');
  return cached ?? new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
}

/** The shell from the network when it answers (so a new build is seen), else the copy. */
async function asset(request) {
  try {
    const response = await fetch(request);
    if (response.ok && SHELL.includes(new URL(request.url).pathname)) {
      const copy = response.clone();
      caches.open(SHELL_CACHE).then((c) => c.put(request, copy));
    }
    return response;
  } catch {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    return new Response('', { status: 504 });
  }
}

async function submitForm(request, url) {
  const body = await request.clone().text();
  try {
    const response = await fetch(request);
    if (ENDS_SESSION.includes(url.pathname) && response.ok) await caches.delete(PAGE_CACHE);
    sendQueued();
    return response;
  } catch {
    if (!QUEUEABLE.includes(url.pathname)) return offlinePage();
    await queue.add({ key: crypto.randomUUID(), url: url.href, body, at: Date.now() });
    await announceQueue();
    // Back to the page the form was on, saying the change is waiting.
    const from = request.referrer && (await caches.open(PAGE_CACHE).then((c) => c.match(request.referrer, { ignoreVary: true })));
    const waiting = await queue.count();
    const kept = from ?? (await caches.match('/offline.html'));
    const note = await waitingNote(kept, waiting);
    const answer = await markOffline(kept, note);
    // Tells app-shell.js to show this in place, without moving to the form's address.
    answer.headers.set('X-Doorstep-Queued', String(waiting));
    return answer;
  }
}

async function waitingNote(response, waiting) {
  const zh = /<html[^>]*lang="zh/.test(await response.clone().text());
  return zh
    ? `⏳ 已保存：${waiting} 项操作等待联网后自动发送`
    : `⏳ Saved: ${waiting} ${waiting === 1 ? 'change is' : 'changes are'} waiting to be sent when you are back online`;
}

let sending = null;
/** Sends what waits, oldest first, each once; stops at the first network failure. */
function sendQueued() {
  sending ??= (async () => {
    let sent = 0;
    try {
      for (const item of await queue.all()) {
        try {
          await fetch(item.url, {
            method: 'POST',
            body: item.body,
            credentials: 'same-origin',
            redirect: 'manual',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': item.key },
          });
        } catch {
          break;
        }
        // The server answered, so it has the change (or refused it): it is no longer waiting.
        await queue.remove(item.key);
        sent += 1;
      }
    } finally {
      sending = null;
    }
    await announceQueue(sent);
  })();
  return sending;
}

async function announceQueue(sent = 0) {
  const waiting = await queue.count();
  for (const client of await self.clients.matchAll({ type: 'window' })) {
    client.postMessage({ type: 'queue', waiting, sent });
  }
}

/** The waiting forms, in IndexedDB (the only storage a worker has that outlives it). */
const queue = {
  db: null,
  open() {
    this.db ??= new Promise((resolve, reject) => {
      const open = indexedDB.open('doorstep-queue', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('forms', { keyPath: 'key' }).createIndex('at', 'at');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    return this.db;
  },
  async run(mode, work) {
    const db = await this.open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction('forms', mode);
      const request = work(tx.objectStore('forms'));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
    });
  },
  add(item) {
    return this.run('readwrite', (s) => s.add(item));
  },
  remove(key) {
    return this.run('readwrite', (s) => s.delete(key));
  },
  count() {
    return this.run('readonly', (s) => s.count());
  },
  all() {
    return this.run('readonly', (s) => s.index('at').getAll());
  },
};
