import { expect, Page, Browser, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ready, expectAccessible } from './helpers';

// The server's own binary reads the outbox and creates staff, as a person would from a
// shell; scripts/test.sh passes its path and the database the server uses.
export const bin = process.env.DOORSTEP_BIN ?? 'doorstep';

export function freshPhone(): string {
  return `13${randomInt(5, 10)}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/** The six-digit code in the newest message to `login`, from `doorstep outbox`. */
export function lastCode(login: string): string {
  const lines = execFileSync(bin, ['outbox'], { encoding: 'utf8' }).trim().split('\n');
  const mine = lines.filter(line => line.startsWith(`${login}\t`));
  expect(mine.length, `a message to ${login}`).toBeGreaterThan(0);
  const code = mine[mine.length - 1].match(/\b\d{6}\b/);
  expect(code).not.toBeNull();
  return code![0];
}

/** A valid unified social credit code: 17 random characters and their check character. */
export function creditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let body = '9151010';
  while (body.length < 17) body += alphabet[randomInt(0, 10)];
  const sum = [...body].reduce((s, c, i) => s + alphabet.indexOf(c) * weights[i], 0);
  return body + alphabet[(31 - (sum % 31)) % 31];
}

export async function signUp(page: Page, info: TestInfo, phone: string, name: string, checkA11y = false) {
  // Each person from an address of their own: the server allows 10 sign-ups an hour per
  // address, and the journeys sign up more (scripts/test.sh trusts X-Forwarded-For).
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}` });
  await page.goto('/sign-up');
  await ready(page, info);
  await page.getByLabel('手机号或邮箱').fill(phone);
  await page.getByLabel('怎么称呼您').fill(name);
  await page.getByLabel('我已阅读并同意隐私说明').check();
  if (checkA11y) await expectAccessible(page, 'sign-up page', info);
  await page.getByRole('button', { name: '注册并发送验证码' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText('验证码已发送')).toBeVisible();
  if (checkA11y) await expectAccessible(page, 'sign-in page, code step', info);
  await page.locator('#code-code').fill(lastCode(phone));
  await page.locator('#code-heading').locator('..').getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(name).first()).toBeVisible();
}

export async function newPage(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    javaScriptEnabled: info.project.name === 'hydrated',
  });
  return context.newPage();
}

