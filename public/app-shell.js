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
  // Forms kept offline were applied while a navigation was on its way: the page that
  // navigation brings may predate them, so it is fetched again once it has landed.
  let refreshWhenLanded = false;
  // Path and query of the page on screen: a popstate to the same one is a hash change.
  let shown = location.pathname + location.search;

  const announcer = Object.assign(document.createElement('p'), {
    id: 'route-announcer',
    className: 'visually-hidden',
  });
  announcer.setAttribute('aria-live', 'polite');
  announcer.setAttribute('aria-atomic', 'true');
  const progress = Object.assign(document.createElement('div'), { id: 'nav-progress' });
  progress.setAttribute('aria-hidden', 'true');
  document.body.append(announcer, progress);

  // Every history entry carries where it was scrolled to, kept up to date while the
  // resident scrolls, so Back and Forward (and a reload) return there.
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  const startScroll = history.state?.scroll;
  history.replaceState({ ...(history.state ?? {}), doorstep: true, scroll: startScroll ?? scrollY }, '');
  if (startScroll) addEventListener('load', () => scrollTo(0, startScroll), { once: true });
  let scrollSaving = 0;
  addEventListener('scroll', () => {
    cancelAnimationFrame(scrollSaving);
    scrollSaving = requestAnimationFrame(() => history.replaceState({ ...history.state, scroll: scrollY }, ''));
  }, { passive: true });

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
    if (form === bypass) {
      bypass = null;
      return null;
    }
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
    return { url, init: { method: 'POST', body }, form, submitter };
  }

  /** Same origin, and a page rather than the API, a file or the API reference. */
  function isPage(url) {
    return url.origin === location.origin && !/^\/(api|pkg)\//.test(url.pathname) && !/\.\w+$/.test(url.pathname);
  }

  async function navigate(request, options) {
    await navigateOnce(request, options);
    if (refreshWhenLanded && inFlight === null) {
      refreshWhenLanded = false;
      refresh();
    }
  }

  /** The page on screen fetched again in place, unless the resident is filling in a form. */
  function refresh() {
    if (document.activeElement?.closest('form input, form select, form textarea')) return;
    if (inFlight !== null) {
      refreshWhenLanded = true;
      return;
    }
    navigate({ url: new URL(location.href), init: { method: 'GET' } }, { push: false, scroll: scrollY, quiet: true });
  }

  async function navigateOnce({ url, init, form, submitter }, { push = true, scroll = 0, quiet = false } = {}) {
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    const number = ++navigations;
    const showProgress = setTimeout(() => root.classList.add('navigating'), PROGRESS_DELAY_MS);
    // On <body>, not <html>: ARIA attributes are not allowed on the root element (axe
    // caught it when it ran while a swap was finishing).
    document.body.setAttribute('aria-busy', 'true');
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
      return fallBack(url, form, submitter);
    } finally {
      // A superseded navigation's timer must not switch the bar on after the newer one ended.
      clearTimeout(showProgress);
      if (number === navigations) {
        inFlight = null;
        root.classList.remove('navigating');
        document.body.removeAttribute('aria-busy');
      }
    }
    if (number !== navigations) return;
    if (response.headers.has('X-Doorstep-Offline')) return notice(offlineText());
    if (!(response.headers.get('Content-Type') ?? '').startsWith('text/html')) {
      // A form's answer is never sent again: it may have been applied. JSON here is a
      // refusal in the error format, which says what is wrong in the page's language.
      if (form) return notice(refusalText(response, html));
      return location.assign(url);
    }
    // The inline stylesheet is the one already applied here; parsed, it would also trip the
    // CSP (its nonce is the new answer's, not this document's).
    const next = new DOMParser().parseFromString(html.replace(/<style\b[^>]*>[^<]*<\/style>/, ''), 'text/html');
    const finalUrl = new URL(response.url || url);
    if (init.method === 'GET' && url.hash && !finalUrl.hash) finalUrl.hash = url.hash;
    // A new version of the app: its pages need its own wasm, so load the document whole
    // (after a form, the page it redirected to: the form itself has been applied).
    const nextBuild = next.querySelector('meta[name="doorstep-build"]')?.content ?? '';
    if (nextBuild !== build() && (init.method === 'GET' || response.redirected)) return location.assign(finalUrl);
    swap(next);
    // A form kept by the service worker until the network is back: the page it was sent
    // from, with a note that it waits. The address stays that page's.
    if (response.headers.has('X-Doorstep-Queued')) return settle(new URL(location.href), scrollY, quiet);
    shown = finalUrl.pathname + finalUrl.search;
    if (push) history.pushState({ doorstep: true, scroll: 0 }, '', finalUrl);
    settle(finalUrl, scroll, quiet);
  }

  // The one form whose next submission the browser handles itself (see fallBack).
  let bypass = null;

  /** Without a document to swap in, the browser navigates or submits the ordinary way. */
  function fallBack(url, form, submitter) {
    if (!form) return location.assign(url);
    bypass = form;
    form.requestSubmit(submitter ?? null);
  }

  /** A line at the top of the page that says what went wrong; the page stays as it is. */
  function notice(text) {
    let line = document.getElementById('nav-notice');
    if (!line) {
      line = Object.assign(document.createElement('p'), { id: 'nav-notice', className: 'notice error' });
      line.setAttribute('role', 'alert');
      document.querySelector('main')?.prepend(line);
    }
    line.textContent = text;
    line.scrollIntoView({ block: 'nearest' });
  }

  const zh = () => (root.lang ?? '').startsWith('zh');

  function offlineText() {
    return zh()
      ? '现在没有网络，这一步需要联网。联网后请再提交一次，填写的内容还在。'
      : 'You are offline and this needs the network. Send it again once you are online; what you typed is still here.';
  }

  function refusalText(response, body) {
    try {
      const message = JSON.parse(body)?.error?.message;
      if (message) return message;
    } catch {
      // not JSON: the generic line below
    }
    return zh() ? `没有成功（${response.status}），请再试一次。` : `That did not work (${response.status}); please try again.`;
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
  function settle(url, scroll, quiet = false) {
    const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
    const heading = document.querySelector('main h1');
    if (heading && !quiet) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    if (target) target.scrollIntoView();
    else scrollTo(0, scroll);
    if (!quiet) announcer.textContent = document.title;
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
    if (path === shown) {
      inFlight?.abort();
      return;
    }
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
      // What was waiting has been applied: show the page as it is now (after the page on
      // its way, if one is: it may have been answered before the change was applied).
      if (event.data.sent > 0) refresh();
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
