import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ready, expectAccessible } from './helpers';
import { bin, freshPhone, signUp, newPage } from './people';

type Unit = { id: number; kind: string; name: string; children?: Unit[] };

function find(units: Unit[], kind: string): Unit | undefined {
  for (const unit of units) {
    const found = unit.kind === kind ? unit : find(unit.children ?? [], kind);
    if (found) return found;
  }
}

test('a need no service meets: named by one resident, "me too" from a neighbour, recorded unmet by staff, counted on the dashboard', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const tag = `${randomInt(100000, 1000000)}`;
  const need = `希望有人陪老人去医院复诊（${tag}）`;
  const grid: Unit[] = await (await page.request.get('/api/v1/grid')).json();
  const community = find(grid, 'community')!;
  const courtyard = find(community.children ?? [], 'courtyard')!;

  await signUp(page, info, freshPhone(), '赵阿姨');
  await page.goto(`/needs?place=${courtyard.id}`);
  await ready(page, info);
  await expectAccessible(page, 'needs of a community', info);
  await page.getByLabel('您需要什么帮助').fill(need);
  await page.getByRole('button', { name: '告诉社区' }).click();
  await expect(page.getByText('社区工作人员会看到您的需求')).toBeVisible();
  const mine = page.locator('li.need', { hasText: need });
  await expect(mine).toContainText('1 人需要');
  await expect(mine.getByRole('button', { name: '我也需要' })).toHaveCount(0);

  // A neighbour sees it (not who named it) and needs it too; twice counts once.
  const neighbour = await newPage(browser, info);
  await signUp(neighbour, info, freshPhone(), '钱大爷');
  await neighbour.goto(`/needs?place=${courtyard.id}`);
  const seen = neighbour.locator('li.need', { hasText: need });
  await expect(seen).not.toContainText('赵阿姨');
  await seen.getByRole('button', { name: '我也需要' }).click();
  await expect(neighbour.locator('li.need', { hasText: need })).toContainText('2 人需要');

  // The community's staff record it as unmet; the dashboard's demand table counts it.
  const staffPhone = freshPhone();
  execFileSync(bin, ['create-staff', '--login', staffPhone, '--community', String(community.id), '--name', '孙主任'], {
    input: 'desk-password-2026\n',
  });
  const staff = await newPage(browser, info);
  expect((await staff.request.post('/api/v1/auth/login', { data: { login: staffPhone, password: 'desk-password-2026' } })).status()).toBe(200);
  await staff.goto(`/needs?place=${courtyard.id}`);
  const answer = staff.locator('li.need', { hasText: need });
  await answer.getByLabel('为什么暂时满足不了').fill('社区还没有陪诊服务，已报街道');
  await answer.getByRole('button', { name: '记为未满足' }).click();
  await expect(staff.locator('li.need', { hasText: need })).toContainText('已记录为暂未满足的需求');
  await staff.goto('/staff/dashboard');
  await expect(staff.locator('section', { has: staff.locator('#demand-heading') })).toContainText(courtyard.name);
  await expectAccessible(staff, 'dashboard with unmet needs', info);
});
