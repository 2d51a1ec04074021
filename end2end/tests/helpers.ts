import { expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const hydrated = (info: TestInfo) => info.project.name === 'hydrated';

/** Waits until the wasm has taken over the page, when JavaScript is on. */
export async function ready(page: Page, info: TestInfo) {
  if (hydrated(info)) {
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 15_000 });
  }
}

/**
 * No axe-core violations at WCAG 2.1 A/AA (and best practices) on the current page.
 * axe is a script, so for the no-JavaScript project the same URL (same cookies) is opened
 * in a scripting page whose app bundle is blocked: axe then sees exactly the server's HTML.
 */
export async function expectAccessible(page: Page, label: string, info: TestInfo) {
  let target = page;
  let cleanup = async () => {};
  if (!hydrated(info)) {
    const context = await page.context().browser()!.newContext({ locale: 'zh-CN', viewport: page.viewportSize()!, javaScriptEnabled: true });
    await context.addCookies(await page.context().cookies());
    target = await context.newPage();
    await target.route(/(\/pkg\/.*\.(js|wasm)|\/app-shell\.js)$/, route => route.abort());
    await target.goto(page.url());
    cleanup = () => context.close();
  }
  const results = await new AxeBuilder({ page: target })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  await cleanup();
  const summary = results.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

/** The names of the listed services, once the list has rendered. */
export async function serviceNames(page: Page) {
  await expect(page.locator('.service-card').first()).toBeVisible();
  return page.locator('.service-card h3').allTextContents();
}

/** Opens a <details> panel (a native toggle, so it works with JavaScript off too). */
export async function openPanel(page: Page, selector: string) {
  const details = page.locator(selector);
  await expect(async () => {
    if ((await details.getAttribute('open')) === null) {
      await details.locator('summary').first().click();
    }
    await expect(details).toHaveAttribute('open', /.*/, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
}
