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
// Forms whose effect may arrive later without surprising anyone: a preference, a request
// for a service, a rating. Each is sent once: the server answers a repeat of its key with
// the first answer, and a request also carries the key its form was rendered with.
const QUEUEABLE = [/^\/prefs$/, /^\/account\/requests$/, /^\/account\/requests\/\d+\/rating$/];
const queueable = (path) => QUEUEABLE.some((pattern) => pattern.test(path));
// After these, the pages kept for whoever was signed in must go (a new sign-in may be
// someone else on the same phone).
const CHANGES_PERSON = [
  '/account/sign-out', '/account/sign-out-everywhere', '/account/delete', '/account/sign-in', '/account/sign-up',
];
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
      .then(() => self.clients.claim()),
  );
  // Not awaited: pages must not wait for queued forms before they can load.
  sendQueued();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The JSON API and server functions (/api/fn/) are the caller's business, not ours.
  if (url.origin !== self.location.origin || url.pathname === '/sw.js' || url.pathname.startsWith('/api/')) return;
  if (request.method === 'POST' && isForm(request)) {
    event.respondWith(submitForm(event, request, url));
  } else if (request.method === 'GET' && isPage(request)) {
    event.respondWith(page(event, request));
  } else if (request.method === 'GET') {
    event.respondWith(asset(event, request));
  }
});

self.addEventListener('message', (event) => {
  if (event.data === 'send-queued') event.waitUntil(sendQueued());
  if (event.data === 'queue-status') event.waitUntil(announceQueue());
});

function isForm(request) {
  return (request.headers.get('Content-Type') ?? '').startsWith('application/x-www-form-urlencoded');
}

function isPage(request) {
  return request.mode === 'navigate' || (request.headers.get('Accept') ?? '').includes('text/html');
}

async function page(event, request) {
  let response;
  try {
    response = await fetch(request);
  } catch {
    response = null;
  }
  if (response) {
    const html = (response.headers.get('Content-Type') ?? '').startsWith('text/html');
    // Kept after the answer is on its way; a full disk only means no offline copy.
    if (response.ok && html && response.headers.get('X-Doorstep-Keep') !== 'no') {
      event.waitUntil(keep(request, response.clone()).catch(() => {}));
    }
    // The network answers: a good moment to send what waits.
    event.waitUntil(sendQueued());
    return response;
  }
  const kept = await caches.open(PAGE_CACHE).then((c) => c.match(request.url, { ignoreVary: true }));
  if (kept) return markOffline(kept);
  return offlinePage();
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
async function asset(event, request) {
  try {
    const response = await fetch(request);
    if (response.status === 200 && SHELL.includes(new URL(request.url).pathname)) {
      const copy = response.clone();
      event.waitUntil(caches.open(SHELL_CACHE).then((c) => c.put(request, copy)).catch(() => {}));
    }
    return response;
  } catch {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    return new Response('', { status: 504 });
  }
}

async function submitForm(event, request, url) {
  const body = await request.clone().text();
  // One key from the first try on: if the answer is lost, a later send is not applied twice.
  const key = crypto.randomUUID();
  let response;
  try {
    response = await fetch(url.href, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      // A document navigation follows the redirect itself; the app shell's fetch wants it followed.
      redirect: request.mode === 'navigate' ? 'manual' : 'follow',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': key },
      signal: request.signal,
    });
  } catch {
    response = null;
  }
  if (response) {
    if (CHANGES_PERSON.includes(url.pathname) && answered(response)) await caches.delete(PAGE_CACHE);
    event.waitUntil(sendQueued());
    return response;
  }
  // Given up by the page (a newer navigation), not by the network: nothing to keep.
  if (request.signal.aborted) return Response.error();
  if (!queueable(url.pathname)) return cannotWait(request);
  await queue.add({ key, url: url.href, body, at: Date.now() });
  await announceQueue();
  // Back to the page the form was on, saying the change is waiting.
  const pages = await caches.open(PAGE_CACHE);
  const from = request.referrer ? await pages.match(request.referrer, { ignoreVary: true }) : undefined;
  const kept = from ?? (await caches.match('/offline.html'));
  const waiting = await queue.count();
  const answer = await markOffline(kept, await waitingNote(kept, waiting));
  // Tells app-shell.js to show this in place, without moving to the form's address.
  answer.headers.set('X-Doorstep-Queued', String(waiting));
  return answer;
}

/** The server took the form (whatever it said): a redirect, or any answer but a failure. */
function answered(response) {
  return response.type === 'opaqueredirect' || (response.status > 0 && response.status < 400);
}

/**
 * A form that must not wait (signing in, deleting an account) sent offline: a document
 * navigation gets the offline page; the app shell gets 503 and keeps the page as it is,
 * with what was typed, and says why.
 */
async function cannotWait(request) {
  if (request.mode === 'navigate') return offlinePage();
  return new Response('', { status: 503, headers: { 'X-Doorstep-Offline': '1' } });
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
        let response;
        try {
          response = await fetch(item.url, {
            method: 'POST',
            body: item.body,
            credentials: 'same-origin',
            redirect: 'manual',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': item.key },
          });
        } catch {
          break;
        }
        // Busy, rate-limited or failing: try again later (the key keeps it to one change).
        if ([408, 409, 425, 429].includes(response.status) || response.status >= 500) break;
        // Otherwise the server has the change (or refused it for good): it no longer waits.
        await queue.remove(item.key);
        sent += 1;
      }
    } finally {
      sending = null;
    }
    await announceQueue(sent);
  })().catch((error) => console.warn('sending queued forms', error));
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
      tx.onabort = () => reject(tx.error);
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
