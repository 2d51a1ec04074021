import { expect, Page, test } from '@playwright/test';
import { expectAccessible, hydrated, ready } from './helpers';

// The app shell (public/app-shell.js, public/sw.js) only exists where JavaScript runs;
// without it every one of these flows is an ordinary document load, which the other
// specs drive in the no-js project.
test.beforeEach(async ({}, info) => {
  test.skip(!hydrated(info), 'the app shell needs JavaScript');
});

/** A marker on `window` that only survives while the document is not reloaded. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as any).__sameDocument = true));
}
async function stillSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as any).__sameDocument === true)).toBe(true);
}

/** Waits until the navigation script has swapped in its `n`-th page. */
async function navigated(page: Page, n: number) {
  await expect(page.locator('html')).toHaveAttribute('data-navigations', String(n));
}

/** Waits until the service worker controls the page (it claims clients on activation). */
async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test('links and forms swap the page in place; focus and the title follow', async ({ page }, info) => {
  await page.goto('/');
  await ready(page, info);
  await mark(page);

  // Down the place picker: three pages, then a form; none reloads the document.
  await page.locator('a.place-line').click();
  await navigated(page, 1);
  await page.getByRole('link', { name: '华兴街道' }).click();
  await navigated(page, 2);
  await page.getByRole('link', { name: '南桥社区' }).click();
  await navigated(page, 3);
  await page.getByRole('button', { name: /整个南桥社区/ }).click();
  await navigated(page, 4);
  await expect(page).toHaveURL(/place=\d+/);
  await expect(page.getByText('附近 南桥社区')).toBeVisible();

  await page.locator('.service-card').first().getByRole('link').click();
  await navigated(page, 5);
  await expect(page).toHaveURL(/\/services\/\d+/);
  const heading = page.locator('main h1');
  await expect(heading).toBeFocused();
  const title = await page.title();
  expect(title).toContain(await heading.innerText());
  await expect(page.locator('#route-announcer')).toHaveText(title);
  await expect(page.locator('#route-announcer')).toHaveAttribute('aria-live', 'polite');
  await expectAccessible(page, 'service page after a client-side navigation', info);

  // The language switch is a POST form: answered with a redirect, swapped in too.
  await page.getByRole('button', { name: /English/ }).click();
  await navigated(page, 6);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  await stillSameDocument(page);
});

test('Back and Forward restore the page and where it was scrolled to', async ({ page }, info) => {
  await page.goto('/?place=1');
  await ready(page, info);
  await mark(page);
  const cards = page.locator('.service-card');
  await expect(cards.nth(5)).toBeVisible();
  await cards.nth(5).scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(100);
  const name = await cards.nth(5).locator('h3').innerText();

  await cards.nth(5).getByRole('link').click();
  await navigated(page, 1);
  await expect(page.locator('main h1')).toHaveText(name);

  await page.goBack();
  await navigated(page, 2);
  await expect(page).toHaveURL(/\?place=1$/);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrolled);

  await page.goForward();
  await navigated(page, 3);
  await expect(page.locator('main h1')).toHaveText(name);
  await stillSameDocument(page);
});

test('a page of another build is loaded whole, never mixed with the running wasm', async ({ page }, info) => {
  await page.goto('/settings');
  await ready(page, info);
  await mark(page);
  await page.evaluate(() => document.querySelector('meta[name="doorstep-build"]')!.setAttribute('content', 'older'));
  await page.getByRole('link', { name: '家门口' }).first().click();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => page.evaluate(() => (window as any).__sameDocument === true)).toBe(false);
});

test('the app can be installed: manifest and service worker', async ({ page }, info) => {
  await page.goto('/');
  await ready(page, info);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await page.request.get(href!)).json();
  expect(manifest.name).toBe('家门口');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBe('/');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
  const sizes = (purpose: string) =>
    manifest.icons.filter((i: any) => i.purpose === purpose && i.type === 'image/png').map((i: any) => i.sizes);
  expect(sizes('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(sizes('maskable')).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const response = await page.request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type']).toBe(icon.type);
  }
  const worker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
  expect(worker).toMatch(/\/sw\.js$/);
});

test('a page viewed before reads offline, marked with when it was saved; others say offline', async ({ page, context }, info) => {
  await page.goto('/?place=1');
  await ready(page, info);
  await controlled(page);
  await page.locator('.service-card').first().getByRole('link').click();
  await navigated(page, 1);
  const url = page.url();
  const name = await page.locator('main h1').innerText();

  await context.setOffline(true);
  await page.goto(url);
  await expect(page.locator('main h1')).toHaveText(name);
  await expect(page.locator('.notice.offline')).toContainText(/离线 · 显示的是 \d{2}:\d{2} 保存的内容/);
  await expectAccessible(page, 'a service page read offline', info);

  await page.goto('/organizations/999999');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('现在没有网络');
  await expectAccessible(page, 'the offline page', info);
  await context.setOffline(false);
});

test('a preference changed offline waits, then is sent once the network is back', async ({ page, context }, info) => {
  await page.goto('/settings');
  await ready(page, info);
  await controlled(page);
  // Seen once while controlled, so the worker has a copy to show while offline.
  await page.reload();
  await ready(page, info);
  await expect(page.locator('html')).not.toHaveClass(/elder/);

  await context.setOffline(true);
  await page.locator('.site-header').getByRole('button', { name: /长辈版/ }).click();
  await expect(page.locator('#queue-status')).toContainText('等待联网');
  await expect(page.locator('html')).toHaveAttribute('data-queued', '1');
  await expect(page.locator('html')).not.toHaveClass(/elder/);

  await context.setOffline(false);
  // The browser may report "online" before the worker's requests get through; the app
  // then tries again after 1, 2, 4 … s, so allow for a few of those tries.
  await expect(page.locator('html')).toHaveClass(/elder/, { timeout: 15_000 });
  await expect(page.locator('html')).toHaveAttribute('data-queued', '0');
  await expect(page.locator('#queue-status')).toHaveCount(0);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'doorstep_elder')?.value).toBe('1');
});

test('a form that must not wait says so offline and keeps what was typed', async ({ page, context }, info) => {
  await page.goto('/sign-up');
  await ready(page, info);
  await controlled(page);
  await page.getByLabel('手机号或邮箱').fill('13912345678');
  await page.getByLabel('怎么称呼您').fill('王阿姨');
  await context.setOffline(true);
  await page.getByRole('button', { name: '注册并发送验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('需要联网');
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByLabel('手机号或邮箱')).toHaveValue('13912345678');
  await expect(page.getByLabel('怎么称呼您')).toHaveValue('王阿姨');
  await expect(page.locator('html')).not.toHaveAttribute('data-queued', /[1-9]/);
  await context.setOffline(false);
});

test.describe('with a slow server', () => {
  // Routing is only seen by the page when no service worker stands in between.
  test.use({ serviceWorkers: 'block' });

  test('progress shows while an answer is slow', async ({ page }, info) => {
    await page.goto('/?place=1');
    await ready(page, info);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/services\/\d+$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.locator('.service-card').first().getByRole('link').click();
    await expect(page.locator('html')).toHaveClass(/navigating/);
    await expect(page.locator('#nav-progress')).toHaveCSS('opacity', '1');
    await expect(page.locator('body')).toHaveAttribute('aria-busy', 'true');
    release();
    await navigated(page, 1);
    await expect(page.locator('body')).not.toHaveAttribute('aria-busy', 'true');
    await expect(page.locator('html')).not.toHaveClass(/navigating/);
  });
});
