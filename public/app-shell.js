// Doorstep's app shell: client-side navigation over server-rendered pages, and the
// service worker that keeps the app usable on a weak network.
//
// Every page is a complete server-rendered document that works without JavaScript. When
// this script runs, link clicks, form submissions and Back/Forward fetch the next
// document and swap in only the parts that changed: <main> wholesale, the header and
// footer morphed in place (so they stay put), the title and <html lang/class> updated.
// Islands that arrive with new content are hydrated through Leptos' own
// `__hydrateIsland` hook. Why this rather than Leptos' `islands-router` or whole-app
// hydration is measured in docs/ARCHITECTURE.md ("Client-side navigation").
(() => {
  'use strict';

  const root = document.documentElement;
  const build = () => document.querySelector('meta[name="doorstep-build"]')?.content ?? '';
  // Shown only when an answer takes longer than this: fast navigations do not flicker.
  const PROGRESS_DELAY_MS = 80;

  let navigations = 0;
  let inFlight = null;
  // Path and query of the page on screen: a popstate to the same one is a hash change.
  let shown = location.pathname + location.search;

  const announcer = Object.assign(document.createElement('p'), {
    id: 'route-announcer',
    className: 'visually-hidden',
  });
  announcer.setAttribute('aria-live', 'assertive');
  announcer.setAttribute('aria-atomic', 'true');
  const progress = Object.assign(document.createElement('div'), { id: 'nav-progress' });
  progress.setAttribute('aria-hidden', 'true');
  document.body.append(announcer, progress);

  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  history.replaceState({ ...(history.state ?? {}), doorstep: true, scroll: scrollY }, '');

  /** The request a click on a link asks for, or null when the browser should handle it. */
  function linkRequest(event) {
    if (event.defaultPrevented || event.button !== 0) return null;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
    const a = event.target.closest?.('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.dataset.native !== undefined) return null;
    if ((a.getAttribute('rel') ?? '').split(/\s+/).includes('external')) return null;
    const url = new URL(a.href, location.href);
    if (!isPage(url)) return null;
    // A link to a place on this same page: the browser scrolls, nothing to fetch.
    if (url.hash && url.pathname + url.search === shown) return null;
    return { url, init: { method: 'GET' } };
  }

  /** The request a form submission asks for, or null when the browser should handle it. */
  function formRequest(event) {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return null;
    const submitter = event.submitter;
    const method = (submitter?.getAttribute('formmethod') ?? form.getAttribute('method') ?? 'get').toUpperCase();
    const action = submitter?.getAttribute('formaction') ?? form.getAttribute('action') ?? location.href;
    if (form.target || form.enctype === 'multipart/form-data' || form.dataset.native !== undefined) return null;
    if (method !== 'GET' && method !== 'POST') return null;
    const url = new URL(action, location.href);
    if (!isPage(url)) return null;
    const body = new URLSearchParams(new FormData(form, submitter));
    if (method === 'GET') {
      url.search = body.toString();
      return { url, init: { method: 'GET' } };
    }
    return { url, init: { method: 'POST', body }, form };
  }

  /** Same origin, and a page rather than the API, a file or the API reference. */
  function isPage(url) {
    return url.origin === location.origin && !/^\/(api|pkg)\//.test(url.pathname) && !/\.\w+$/.test(url.pathname);
  }

  async function navigate({ url, init, form }, { push = true, scroll = 0 } = {}) {
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    const number = ++navigations;
    if (push) history.replaceState({ ...history.state, scroll: scrollY }, '');
    const showProgress = setTimeout(() => root.classList.add('navigating'), PROGRESS_DELAY_MS);
    root.setAttribute('aria-busy', 'true');
    let response;
    let html;
    try {
      response = await fetch(url, {
        ...init,
        headers: { Accept: 'text/html' },
        credentials: 'same-origin',
        signal: controller.signal,
      });
      html = await response.text();
    } catch (error) {
      if (error.name === 'AbortError') return;
      // No network and no service worker to answer: let the browser try and say why.
      return fallBack(url, form);
    } finally {
      if (number === navigations) {
        clearTimeout(showProgress);
        root.classList.remove('navigating');
        root.removeAttribute('aria-busy');
      }
    }
    if (number !== navigations) return;
    if (!(response.headers.get('Content-Type') ?? '').startsWith('text/html')) return fallBack(url, form);
    const next = new DOMParser().parseFromString(html, 'text/html');
    const finalUrl = new URL(response.url || url);
    // A new version of the app: its pages need its own wasm, so load the document whole.
    const nextBuild = next.querySelector('meta[name="doorstep-build"]')?.content ?? '';
    if (nextBuild !== build() && init.method === 'GET') return location.assign(finalUrl);
    swap(next);
    // A form kept by the service worker until the network is back: the page it was sent
    // from, with a note that it waits. The address stays that page's.
    if (response.headers.has('X-Doorstep-Queued')) return settle(new URL(location.href), scrollY);
    shown = finalUrl.pathname + finalUrl.search;
    if (push) history.pushState({ doorstep: true, scroll: 0 }, '', finalUrl);
    settle(finalUrl, scroll);
  }

  /** Without a document to swap in, the browser navigates the ordinary way. */
  function fallBack(url, form) {
    if (form) HTMLFormElement.prototype.submit.call(form);
    else location.assign(url);
  }

  function swap(next) {
    document.title = next.title;
    for (const name of ['lang', 'class']) {
      const value = next.documentElement.getAttribute(name);
      if (value === null) root.removeAttribute(name);
      else root.setAttribute(name, value);
    }
    for (const selector of ['meta[name="description"]', 'meta[name="doorstep-build"]']) {
      const now = document.querySelector(selector);
      const then = next.querySelector(selector);
      if (now && then) now.replaceWith(document.importNode(then, true));
    }
    const main = document.querySelector('main');
    const nextMain = next.querySelector('main');
    if (main && nextMain) {
      main.replaceChildren(...[...nextMain.childNodes].map((n) => document.importNode(n, true)));
      hydrateIslands(main);
    }
    for (const selector of ['body > header', 'body > footer', '.skip-link']) {
      const now = document.querySelector(selector);
      const then = next.querySelector(selector);
      if (now && then) morph(now, then);
    }
  }

  /**
   * Makes `now` look like `then`, keeping every node whose tag stays the same (so the
   * header does not flash and keeps focus), replacing only what changed shape.
   */
  function morph(now, then) {
    if (now.nodeType !== then.nodeType || now.nodeName !== then.nodeName) {
      now.replaceWith(document.importNode(then, true));
      return;
    }
    if (now.nodeType !== Node.ELEMENT_NODE) {
      if (now.nodeValue !== then.nodeValue) now.nodeValue = then.nodeValue;
      return;
    }
    for (const { name } of [...now.attributes]) if (!then.hasAttribute(name)) now.removeAttribute(name);
    for (const { name, value } of then.attributes) if (now.getAttribute(name) !== value) now.setAttribute(name, value);
    if (now instanceof HTMLInputElement) now.value = then.getAttribute('value') ?? '';
    const a = [...now.childNodes];
    const b = [...then.childNodes];
    if (a.length !== b.length) {
      now.replaceChildren(...b.map((n) => document.importNode(n, true)));
      return;
    }
    a.forEach((child, i) => morph(child, b[i]));
  }

  function hydrateIslands(within) {
    // Before the wasm has loaded, its first pass hydrates whatever the page holds then.
    if (root.dataset.hydrated !== 'true' || typeof window.__hydrateIsland !== 'function') return;
    for (const island of within.querySelectorAll('leptos-island')) {
      window.__hydrateIsland(island, island.dataset.component);
    }
  }

  /** Scroll, focus and announce: a screen reader user must hear that the page changed. */
  function settle(url, scroll) {
    const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
    const heading = document.querySelector('main h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    if (target) target.scrollIntoView();
    else scrollTo(0, scroll);
    announcer.textContent = document.title;
    root.dataset.navigations = String(navigations);
    navigator.serviceWorker?.controller?.postMessage('queue-status');
    dispatchEvent(new CustomEvent('doorstep:navigated', { detail: { url: url.href } }));
  }

  addEventListener('click', (event) => {
    const request = linkRequest(event);
    if (!request) return;
    event.preventDefault();
    navigate(request);
  });

  addEventListener('submit', (event) => {
    const request = formRequest(event);
    if (!request) return;
    event.preventDefault();
    navigate(request);
  });

  addEventListener('popstate', (event) => {
    const path = location.pathname + location.search;
    if (path === shown) return;
    const url = new URL(location.href);
    navigate({ url, init: { method: 'GET' } }, { push: false, scroll: event.state?.scroll ?? 0 });
  });

  // For islands (the phone position) that lead to another page.
  window.doorstep = { navigate: (href) => navigate({ url: new URL(href, location.href), init: { method: 'GET' } }) };

  // The service worker: the app shell and what the resident viewed, readable offline.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error) => console.warn('service worker', error));
    // Back online: forms kept while offline are sent now (once: they carry a key). The
    // browser may say "online" before requests get through, so a failed try is repeated,
    // waiting twice as long each time (1 s, 2 s, … at most a minute).
    let retry = null;
    let retryDelay = 1000;
    const sendQueued = () => navigator.serviceWorker.controller?.postMessage('send-queued');
    addEventListener('online', () => {
      retryDelay = 1000;
      sendQueued();
    });
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type !== 'queue') return;
      showQueue(event.data.waiting);
      if (event.data.waiting === 0) {
        clearTimeout(retry);
        retry = null;
        retryDelay = 1000;
      } else if (navigator.onLine && retry === null) {
        retry = setTimeout(() => {
          retry = null;
          sendQueued();
        }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 60_000);
      }
      // What was waiting has been applied: show the page as it is now.
      if (event.data.sent > 0) navigate({ url: new URL(location.href), init: { method: 'GET' } }, { push: false, scroll: scrollY });
    });
    navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller?.postMessage('queue-status'));
  }

  /** A line in the page while forms wait for the network, in the page's language. */
  function showQueue(waiting) {
    let line = document.getElementById('queue-status');
    if (!waiting) {
      line?.remove();
      root.dataset.queued = '0';
      return;
    }
    if (!line) {
      line = Object.assign(document.createElement('p'), { id: 'queue-status', className: 'notice queued' });
      line.setAttribute('role', 'status');
      document.querySelector('main')?.prepend(line);
    }
    const zh = (root.lang ?? '').startsWith('zh');
    line.textContent = zh
      ? `⏳ ${waiting} 项操作等待联网后自动发送`
      : `⏳ ${waiting} ${waiting === 1 ? 'change is' : 'changes are'} waiting to be sent when you are back online`;
    root.dataset.queued = String(waiting);
  }
})();
