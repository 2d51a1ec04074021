import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ready, expectAccessible } from './helpers';
import { bin, freshPhone, lastCode, creditCode, signUp, newPage } from './people';

test('sign-up refuses bad fields next to them and keeps what was typed', async ({ page }, info) => {
  await page.goto('/sign-up');
  await ready(page, info);
  await page.getByLabel('手机号或邮箱').fill('12345');
  await page.getByLabel('怎么称呼您').fill('王阿姨');
  await page.getByLabel('密码（可以不填）').fill('12345678');
  await page.getByRole('button', { name: '注册并发送验证码' }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByRole('alert')).toContainText('请按提示修改');
  await expect(page.locator('#sign-up-login-error')).toContainText('11 位手机号');
  await expect(page.locator('#sign-up-password-error')).toContainText('太常见');
  await expect(page.locator('#sign-up-consent-error')).toContainText('隐私说明');
  await expect(page.getByLabel('怎么称呼您')).toHaveValue('王阿姨');
  await expect(page.getByLabel('手机号或邮箱')).toHaveValue('12345');
  await expect(page.getByLabel('密码（可以不填）')).toHaveValue('');
  await expectAccessible(page, 'sign-up page with errors', info);
});

test('a resident signs up with a code, links a family member, registers an organization that staff verify, and signs out', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const resident = freshPhone();
  const son = freshPhone();
  const staff = freshPhone();
  // Both projects run this at once against one server: names must not collide.
  const orgName = `玉林长者互助会${randomInt(1000, 10000)}`;

  await signUp(page, info, resident, '王阿姨', true);
  await expectAccessible(page, 'account page', info);

  // The son has an account of his own; his mother links him, he confirms with his code.
  const sonPage = await newPage(browser, info);
  await signUp(sonPage, info, son, '王小明');
  await page.getByLabel('家人的手机号').fill(son);
  await page.getByLabel('关系（例如：儿子、女儿）').fill('儿子');
  await page.getByRole('button', { name: '发送关联请求' }).click();
  await expect(page.getByText('已发送关联请求')).toBeVisible();
  await expect(page.getByText('等待确认')).toBeVisible();
  await sonPage.goto('/account');
  await expect(sonPage.getByRole('heading', { name: /请您确认代办关联 王阿姨/ })).toBeVisible();
  await sonPage.locator('#confirm-code').fill(lastCode(son));
  await sonPage.getByRole('button', { name: '确认关联' }).click();
  await expect(sonPage.getByText('已确认关联')).toBeVisible();
  await expect(sonPage.getByText(/您替 TA 办理 · 已关联/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(/替您办理 · 已关联/)).toBeVisible();

  // She registers an organization; a wrong credit code is refused and the rest kept.
  await page.getByRole('link', { name: '登记新机构' }).click();
  await expect(page).toHaveURL(/\/account\/organizations\/new$/);
  await page.getByLabel('机构名称').fill(orgName);
  await page.getByLabel('统一社会信用代码').fill('91510107MA6C00000X');
  await page.getByLabel('联系人', { exact: true }).fill('王阿姨');
  await page.getByLabel('联系人手机号').fill(resident);
  const community = await page.locator('#organization-community').inputValue();
  await expectAccessible(page, 'organization registration', info);
  await page.getByRole('button', { name: '提交登记' }).click();
  await expect(page.locator('#organization-credit_code-error')).toContainText('校验位');
  await expect(page.getByLabel('机构名称')).toHaveValue(orgName);
  await page.getByLabel('统一社会信用代码').fill(creditCode());
  await page.getByRole('button', { name: '提交登记' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('已提交登记')).toBeVisible();
  await expect(page.getByText(`${orgName} · 待社区审核 · 负责人`)).toBeVisible();

  // Community staff of that community, made on the command line, verify it.
  execFileSync(bin, ['create-staff', '--login', staff, '--community', community, '--name', '李书记'], {
    input: 'desk-password-2026\n',
  });
  const desk = await newPage(browser, info);
  await desk.goto('/sign-in');
  await desk.locator('#password-login').fill(staff);
  await desk.locator('#password-password').fill('desk-password-2026');
  await desk.locator('#password-heading').locator('..').getByRole('button', { name: '登录', exact: true }).click();
  await expect(desk).toHaveURL(/\/account$/);
  await desk.getByRole('link', { name: '社区工作台' }).click();
  const card = desk.locator('li', { hasText: orgName });
  await expect(card).toContainText('待社区审核');
  await expectAccessible(desk, 'community desk', info);
  await card.getByRole('button', { name: '认证' }).click();
  await expect(desk.getByText('已完成，并已记入日志')).toBeVisible();
  await expect(desk.locator('li', { hasText: orgName })).toContainText('已认证');
  await expect(desk.locator('table.audit')).toContainText('organization.verified');
  await page.reload();
  await expect(page.getByText(`${orgName} · 已认证`, { exact: false })).toBeVisible();

  // Signing out: the account page then asks to sign in.
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();
  await page.goto('/account');
  await expect(page.getByText('请先登录')).toBeVisible();
  for (const p of [sonPage, desk]) await p.context().close();
});
