import { expect, test } from '@playwright/test';
import { expectAccessible, hydrated, openPanel, ready, serviceNames } from './helpers';

test('a resident picks a community, filters to meal assistance, opens a service and sees the phone link', async ({ page }, info) => {
  // Eight pages and five axe scans: 18 s hydrated and about 30 s without JavaScript (every
  // step a full page load) on this project's two-core machines, with two tests at a time.
  test.slow();
  await page.goto('/');
  await ready(page, info);
  await expect(page).toHaveTitle(/家门口/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expectAccessible(page, 'home without location', info);

  // Where: step down the grid (subdistrict, community) and choose the whole community.
  await page.locator('a.place-line').click();
  await expect(page).toHaveURL(/\/places$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('选择位置');
  await expectAccessible(page, 'place picker', info);
  await page.getByRole('link', { name: '华兴街道' }).click();
  await page.getByRole('link', { name: '南桥社区' }).click();
  await expect(page.getByRole('navigation', { name: '位置层级' })).toContainText('华兴街道');
  await expectAccessible(page, 'place picker in a community', info);
  await page.getByRole('button', { name: /整个南桥社区/ }).click();
  await expect(page).toHaveURL(/place=\d+/);
  await expect(page.getByText('附近 南桥社区')).toBeVisible();
  await expect(page.locator('.service-card').first()).toContainText('米');
  await expectAccessible(page, 'home near Nanqiao', info);

  // Then narrow down to the courtyard inside that community: the place line opens the
  // picker right there, with the community marked as the current choice.
  await page.locator('a.place-line').click();
  await expect(page.getByRole('button', { name: /整个南桥社区/ })).toContainText('当前位置');
  await page.getByRole('button', { name: '南桥街12号院' }).click();
  await expect(page.getByText('附近 南桥街12号院')).toBeVisible();

  // What: filter to one category.
  await openPanel(page, 'details.filters');
  await page.getByLabel('服务项目', { exact: true }).selectOption({ label: '助餐' });
  await page.getByRole('button', { name: '查找' }).click();
  await expect(page).toHaveURL(/category=meal-assistance/);
  const cards = page.locator('.service-card');
  await expect(cards.first()).toBeVisible();
  await expect(page.locator('.result-count')).toBeVisible();
  await serviceNames(page);
  for (const badge of await page.locator('.service-card .badge.category').allTextContents()) {
    expect(badge).toBe('助餐');
  }
  // Nearest first.
  const metres = (await page.locator('.service-card .distance dd').allTextContents()).map(d =>
    d.endsWith('公里') ? parseFloat(d) * 1000 : parseFloat(d));
  expect(metres).toEqual([...metres].sort((a, b) => a - b));

  // Open the first service.
  await cards.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/services\/\d+/);
  await ready(page, info);
  const call = page.getByRole('link', { name: /拨打/ });
  await expect(call).toHaveAttribute('href', /^tel:\d+$/);
  await expect(page.getByText('服务时间')).toBeVisible();
  await expect(page.getByText('服务对象')).toBeVisible();
  await expect(page.getByText('该机构的其他服务')).toBeVisible();
  await expectAccessible(page, 'service page', info);

  // The provider's page.
  await page.locator('.detail-facts').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/organizations\/\d+/);
  await expect(page.getByRole('heading', { name: '提供的服务' })).toBeVisible();
  await expectAccessible(page, 'organization page', info);
});

test('the chosen place is remembered on the next visit', async ({ page }, info) => {
  await page.goto('/');
  await ready(page, info);
  await page.locator('a.place-line').click();
  await page.getByRole('link', { name: '玉林街道' }).click();
  await page.getByRole('link', { name: '玉林东路社区' }).click();
  await page.getByRole('button', { name: /整个玉林东路社区/ }).click();
  await expect(page.getByText('附近 玉林东路社区')).toBeVisible();
  await page.goto('/');
  await expect(page.getByText('附近 玉林东路社区')).toBeVisible();
  await expect(page.locator('.service-card .distance').first()).toBeVisible();
});

test('the home page leads with kinds of service; a tile finds the nearest of that kind from the chosen place', async ({ page }, info) => {
  await page.goto('/?place=3');
  await ready(page, info);
  const tiles = page.getByRole('navigation', { name: '按服务项目找' });
  await expect(tiles.getByRole('link')).not.toHaveCount(0);
  // Every tile is a big target, also for a finger that shakes.
  for (const box of await tiles.getByRole('link').evaluateAll(links => links.map(l => l.getBoundingClientRect()))) {
    expect(box.height).toBeGreaterThanOrEqual(60);
    expect(box.width).toBeGreaterThanOrEqual(60);
  }
  await tiles.getByRole('link', { name: '助餐' }).click();
  await expect(page).toHaveURL(/place=3&category=meal-assistance/);
  await expect(tiles.getByRole('link', { name: '助餐' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('.service-card').first()).toBeVisible();
  for (const badge of await page.locator('.service-card .badge.category').allTextContents()) {
    expect(badge).toBe('助餐');
  }
  await expect(page.locator('a.place-line')).toContainText('附近');
  await expectAccessible(page, 'home filtered by a tile', info);
});

test('text search finds a Chinese substring and the result page survives a reload', async ({ page }, info) => {
  await page.goto('/?place=3');
  await ready(page, info);
  await openPanel(page, 'details.filters');
  await page.getByLabel('搜索服务').fill('助浴');
  await page.getByRole('button', { name: '查找' }).click();
  await expect(page).toHaveURL(/q=%E5%8A%A9%E6%B5%B4/);
  const names = await serviceNames(page);
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(name).toContain('助浴');
  await page.reload();
  expect(await serviceNames(page)).toEqual(names);
});

test('paging keeps the search in the URL', async ({ page }, info) => {
  // From a fixed place, so the order is by distance whatever the browser remembers.
  await page.goto('/?place=3&group=elder-care&limit=5');
  await ready(page, info);
  const first = await serviceNames(page);
  await page.getByRole('link', { name: /下一页/ }).click();
  await expect(page).toHaveURL(/offset=5/);
  await page.waitForLoadState('load');
  await expect(page).toHaveURL(/group=elder-care/);
  await expect(page.locator('.result-count')).toContainText('第 6–10 项');
  const second = await serviceNames(page);
  expect(second.length).toBe(5);
  expect(second).not.toEqual(first);
  await page.getByRole('link', { name: /上一页/ }).click();
  await expect(page).not.toHaveURL(/offset=5/);
  await page.waitForLoadState('load');
  await expect(page.locator('.result-count')).toContainText('第 1–5 项');
  expect(await serviceNames(page)).toEqual(first);
});

test('the English switch translates the site and is remembered', async ({ page }, info) => {
  await page.goto('/?place=3');
  await ready(page, info);
  await page.getByRole('button', { name: /English/ }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/place=3/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Services near you');
  await expect(page.locator('.service-card .distance dd').first()).toHaveText(/\d+ m$|km$/);
  await expectAccessible(page, 'home in English', info);
  await page.locator('.service-card a').first().click();
  await expect(page.getByRole('link', { name: /^Call / })).toBeVisible();
  await page.getByRole('button', { name: /中文/ }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('an English browser gets English on its first visit', async ({ browser }, info) => {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: hydrated(info) });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: /中文/ })).toBeVisible();
  await context.close();
});

test('elder mode makes text and targets larger and is remembered', async ({ page }, info) => {
  await page.goto('/?place=3');
  await ready(page, info);
  await page.waitForLoadState('load');
  const base = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(base).toBeGreaterThanOrEqual(18);
  await page.getByRole('button', { name: '开启长辈版（大字）' }).click();
  await expect(page.locator('html')).toHaveClass(/elder/);
  await page.waitForLoadState('load'); // the stylesheet, revalidated, may still be on its way
  const elder = await page.evaluate(() => ({
    text: parseFloat(getComputedStyle(document.querySelector('main p')!).fontSize),
    h1: parseFloat(getComputedStyle(document.querySelector('h1')!).fontSize),
  }));
  expect(elder.text).toBeGreaterThanOrEqual(22);
  expect(elder.h1).toBeGreaterThanOrEqual(30);
  for (const button of await page.locator('main button:visible, main .button:visible').all()) {
    const box = (await button.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(60);
  }
  await expectAccessible(page, 'home in elder mode', info);
  await page.goto('/settings');
  await expect(page.locator('html')).toHaveClass(/elder/);
  await page.getByRole('button', { name: '关闭长辈版' }).first().click();
  await expect(page.locator('html')).not.toHaveClass(/elder/);
});

// Every control and every link that stands on its own (not one inside a sentence) on
// each resident page: 44 × 44 px at least, 60 px high in elder mode.
for (const elder of [false, true]) {
  test(`touch targets are at least ${elder ? '60 px high in elder mode' : '44 by 44 pixels'}`, async ({ page, context, baseURL }, info) => {
    if (elder) await context.addCookies([{ name: 'doorstep_elder', value: '1', url: baseURL! }]);
    const least = elder ? 60 : 44;
    for (const path of ['/?place=3', '/services/1', '/organizations/1', '/places', '/places?in=3', '/settings', '/sign-in']) {
      await page.goto(path);
      await ready(page, info);
      const targets = page.locator(
        'header a:visible, header button:visible, main a:visible, main button:visible, main select:visible, main summary:visible, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):visible',
      );
      for (const target of await targets.all()) {
        // A link inside running text is exempt (WCAG 2.5.8's inline exception).
        if (await target.evaluate(el => el.tagName === 'A' && !!el.closest('p, li.prose'))) continue;
        const box = (await target.boundingBox())!;
        const name = `${path}: ${(await target.textContent())?.trim() ?? ''}`;
        expect(box.height, name).toBeGreaterThanOrEqual(least);
        expect(box.width, name).toBeGreaterThanOrEqual(44);
      }
    }
  });
}

test('settings and a missing page are accessible; the missing page says 404', async ({ page }, info) => {
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: '设置' })).toBeVisible();
  await expectAccessible(page, 'settings', info);
  const response = await page.goto('/services/999999');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '找不到这个页面' })).toBeVisible();
  await expectAccessible(page, 'not found', info);
  const nowhere = await page.goto('/no/such/page');
  expect(nowhere?.status()).toBe(404);
});

test('phone-only helpers appear only where JavaScript runs', async ({ page }, info) => {
  await page.goto('/services/1');
  await ready(page, info);
  const readAloud = page.getByRole('button', { name: '朗读本页' });
  if (hydrated(info)) {
    await expect(readAloud).toBeVisible();
  } else {
    await expect(readAloud).toHaveCount(0);
  }
  await page.goto('/');
  await ready(page, info);
  await expect(page.getByRole('button', { name: /使用我现在的位置/ })).toHaveCount(hydrated(info) ? 1 : 0);
});

test('the phone position finds services near it', async ({ browser }, info) => {
  test.skip(!hydrated(info), 'geolocation needs JavaScript; the no-JS path is choosing a place');
  const context = await browser.newContext({
    locale: 'zh-CN',
    geolocation: { latitude: 30.6318, longitude: 104.0632 },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await page.goto('/');
  await ready(page, info);
  await page.getByRole('button', { name: /使用我现在的位置/ }).click();
  // Positions travel rounded to about 100 m.
  await expect(page).toHaveURL(/lat=30\.632&lon=104\.063/);
  await expect(page.getByText('附近 我的位置')).toBeVisible();
  await expect(page.locator('.service-card .distance').first()).toBeVisible();
  await context.close();
});
