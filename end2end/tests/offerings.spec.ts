import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { ready, expectAccessible } from './helpers';
import { bin, freshPhone, creditCode, signUp, newPage } from './people';

test('an organization publishes an offering from a phone, a resident finds it at once, the staff pause it and the resident sees why', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  // Both projects run this at once against one server: names must not collide.
  const tag = `${randomInt(100000, 1000000)}`;
  const offeringName = `长者午餐${tag}`;
  const staffPhone = freshPhone();
  await signUp(page, info, freshPhone(), '刘社工');

  // Her organization is registered and verified by staff of its community (the
  // registration and the desk have journeys of their own in accounts.spec.ts).
  const grid = await (await page.request.get('/api/v1/grid')).json();
  type Unit = { id: number; kind: string; children?: Unit[] };
  const firstCommunity = (units: Unit[]): Unit | undefined => {
    for (const unit of units) {
      const found = unit.kind === 'community' ? unit : firstCommunity(unit.children ?? []);
      if (found) return found;
    }
  };
  const community = firstCommunity(grid)!;
  const registered = await page.request.post('/api/v1/organizations', {
    data: { name: `玉林助老${tag}`, kind: 'social-organization', credit_code: creditCode(),
            contact_name: '刘社工', contact_phone: freshPhone(), communities: [community.id] },
  });
  expect(registered.status()).toBe(201);
  const organization = (await registered.json()).id;
  execFileSync(bin, ['create-staff', '--login', staffPhone, '--community', String(community.id), '--name', '李书记'], {
    input: 'desk-password-2026\n',
  });
  const desk = await newPage(browser, info);
  expect((await desk.request.post('/api/v1/auth/login', { data: { login: staffPhone, password: 'desk-password-2026' } })).status()).toBe(200);
  expect((await desk.request.post(`/api/v1/organizations/${organization}/verify`)).status()).toBe(200);

  // She publishes from the account page; a refusal keeps what she typed.
  await page.goto('/account');
  await page.getByRole('link', { name: '本机构的服务' }).click();
  await expect(page).toHaveURL(new RegExp(`/account/organizations/${organization}/offerings$`));
  await page.getByRole('link', { name: '发布新服务' }).click();
  await ready(page, info);
  await page.getByLabel('服务类别').selectOption('meal-assistance');
  await page.getByLabel('服务名称（中文）').fill(offeringName);
  await page.getByLabel('服务介绍（中文）').fill('工作日中午的热饭，少盐少油，可以在食堂吃，也可以带走。');
  await page.getByLabel('服务地点（上门服务填出发地）').selectOption(String(community.id));
  await page.locator('#offering-opens_1').fill('11:00');
  await page.locator('#offering-closes_1').fill('13:00');
  await page.getByLabel('咨询电话').fill('打电话');
  await expectAccessible(page, 'offering form', info);
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await expect(page.locator('#offering-phone-error')).toContainText('请填写能拨打的电话号码');
  await expect(page.getByLabel('服务名称（中文）')).toHaveValue(offeringName);
  await expect(page.locator('#offering-opens_1')).toHaveValue('11:00');
  await expectAccessible(page, 'offering form with a refusal', info);
  await page.getByLabel('咨询电话').fill('028-85550123');
  // The preview shows the page as residents will see it; nothing is published yet.
  await page.getByRole('button', { name: '预览' }).click();
  const preview = page.locator('section.preview');
  await expect(preview).toContainText(offeringName);
  await expect(preview).toContainText('周一 11:00–13:00');
  await expect(page.getByLabel('咨询电话')).toHaveValue('028-85550123');
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await expect(page).toHaveURL(/\/account\/offerings\/\d+$/);
  await expect(page.getByText('已发布，居民现在就能搜到。')).toBeVisible();
  const id = page.url().split('/').pop();

  // A photo from the phone: re-encoded by the server, shown on the offering's page.
  await page.locator('#photo-file').setInputFiles(path.resolve('../public/icons/icon-512.png'));
  await page.getByRole('button', { name: '上传照片' }).click();
  await expect(page.getByText('照片已更新。')).toBeVisible();
  await expect(page.locator('img.offering-photo')).toBeVisible();

  // A resident (not signed in) finds it at once and opens it.
  const resident = await newPage(browser, info);
  await resident.goto(`/?q=${encodeURIComponent(offeringName)}`);
  await resident.getByRole('link', { name: offeringName }).click();
  await expect(resident).toHaveURL(new RegExp(`/services/${id}$`));
  await expect(resident.getByRole('heading', { name: offeringName })).toBeVisible();
  await expect(resident.getByText('周一 11:00–13:00')).toBeVisible();
  await expect(resident.locator('img.service-photo')).toHaveAttribute('alt', offeringName);
  expect(await resident.locator('img.service-photo').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(512);

  // The staff pause it with a reason; the resident's page says so, and search no longer finds it.
  await page.getByLabel('暂停原因（居民会看到）').fill('厨房装修，下周一恢复');
  await page.getByRole('button', { name: '暂停服务' }).click();
  await expect(page.getByText('已暂停，服务页面会显示暂停原因。')).toBeVisible();
  await expect(page.locator('#history-heading')).toBeVisible();
  await expectAccessible(page, 'offering status and history', info);
  await resident.reload();
  await expect(resident.locator('.notice.paused')).toContainText('暂停服务');
  await expect(resident.locator('.notice.paused')).toContainText('厨房装修，下周一恢复');
  await expectAccessible(resident, 'a paused service page', info);
  await resident.goto(`/?q=${encodeURIComponent(offeringName)}`);
  await expect(resident.getByRole('link', { name: offeringName })).toHaveCount(0);
});
