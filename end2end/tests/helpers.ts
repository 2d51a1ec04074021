import { expect, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const hydrated = (info: TestInfo) => info.project.name === 'hydrated';

/** Waits until the wasm has taken over the page, when JavaScript is on. */
export async function ready(page: Page, info: TestInfo) {
  if (hydrated(info)) {
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 15_000 });
  }
}

/** No axe-core violations at WCAG 2.1 A/AA (and best practices) on the current page. */
export async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}
