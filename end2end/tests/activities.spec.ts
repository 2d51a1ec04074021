import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ready, expectAccessible } from './helpers';
import { bin, freshPhone, creditCode, lastCode, newPage } from './people';

type Unit = { id: number; kind: string; name: string; children?: Unit[] };

function find(units: Unit[], kind: string): Unit | undefined {
  for (const unit of units) {
    const found = unit.kind === kind ? unit : find(unit.children ?? [], kind);
    if (found) return found;
  }
}

/** Chengdu wall-clock time `minutes` from now, as a datetime-local input takes it. */
function chengduIn(minutes: number): string {
  return new Date(Date.now() + 8 * 3600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

/**
 * Signs `page` up through the API, from an address of its own. Not through the form
 * (accounts.spec.ts walks that): with JavaScript the service worker sends form posts,
 * and its requests do not carry the page's X-Forwarded-For, so every form sign-up of the
 * hydrated run counts against one address's ten an hour.
 */
async function signUp(page: Page, name: string) {
  const phone = freshPhone();
  const headers = { 'X-Forwarded-For': `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}` };
  const registered = await page.request.post('/api/v1/auth/register', { headers, data: { login: phone, display_name: name, consent: true } });
  expect(registered.status()).toBe(202);
  const { registration } = await registered.json();
  const signedIn = await page.request.post('/api/v1/auth/login', { headers, data: { login: phone, code: lastCode(phone), registration } });
  expect(signedIn.status()).toBe(200);
}

async function volunteer(page: Page) {
  const opted = await page.request.put('/api/v1/me/volunteer', { data: { volunteer: true, skills: '陪老人聊天' } });
  expect(opted.status()).toBe(204);
}

test('an organization publishes an activity, two volunteers race for the last place, the one waiting is promoted and told, checks in with the code, and sees the approved hours', async ({ page, browser }, info) => {
  test.setTimeout(150_000);
  // Both projects run this at once against one server: names must not collide.
  const tag = `${randomInt(100000, 1000000)}`;
  const title = `探访独居老人${tag}`;
  await signUp(page, '周社工');

  // Her organization is registered and verified (journeys of their own elsewhere).
  const grid: Unit[] = await (await page.request.get('/api/v1/grid')).json();
  const community = find(grid, 'community')!;
  const registered = await page.request.post('/api/v1/organizations', {
    data: { name: `邻里互助${tag}`, kind: 'volunteer-organization', credit_code: creditCode(),
            contact_name: '周社工', contact_phone: freshPhone(), communities: [community.id] },
  });
  expect(registered.status()).toBe(201);
  const organization = (await registered.json()).id;
  const staffPhone = freshPhone();
  execFileSync(bin, ['create-staff', '--login', staffPhone, '--community', String(community.id), '--name', '吴书记'], {
    input: 'desk-password-2026\n',
  });
  const desk = await newPage(browser, info);
  expect((await desk.request.post('/api/v1/auth/login', { data: { login: staffPhone, password: 'desk-password-2026' } })).status()).toBe(200);
  expect((await desk.request.post(`/api/v1/organizations/${organization}/verify`)).status()).toBe(200);

  // She publishes from her account page: one place, starting in forty minutes (check-in
  // opens an hour before), two hours long.
  await page.goto('/account');
  await page.getByRole('link', { name: '本机构的志愿活动' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/account/organizations/${organization}/activities$`));
  await page.getByRole('link', { name: '发布志愿活动' }).click();
  await expect(page).toHaveURL(new RegExp(`/account/organizations/${organization}/activities/new$`));
  await ready(page, info);
  await expectAccessible(page, 'publishing an activity', info);
  await page.getByLabel('活动名称（中文）').fill(title);
  await page.getByLabel('做什么（中文）').fill('陪老人聊天，看看家里有什么需要帮忙的。');
  await page.getByLabel('开始时间').fill(chengduIn(40));
  await page.getByLabel('结束时间').fill(chengduIn(160));
  await page.getByLabel('需要几位志愿者').fill('1');
  await page.getByLabel('陪伴聊天').check();
  await page.getByRole('button', { name: '发布活动' }).click();
  await expect(page.getByText('已发布。附近的志愿者现在可以报名了。')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const activityUrl = page.url();
  const calendar = await page.request.get(await page.getByRole('link', { name: '加入手机日历' }).getAttribute('href') ?? '');
  expect(calendar.headers()['content-type']).toContain('text/calendar');
  expect(await calendar.text()).toContain('TZID=Asia/Shanghai');

  // Two volunteers find it on the volunteering tab and press "sign up" at the same moment.
  const first = await newPage(browser, info);
  const second = await newPage(browser, info);
  await signUp(first, '小王');
  await signUp(second, '小李');
  await volunteer(first);
  await volunteer(second);
  await first.goto('/');
  await first.getByRole('link', { name: '志愿活动' }).click();
  await expect(first).toHaveURL(/\/activities$/);
  await ready(first, info);
  await expectAccessible(first, 'activities near home', info);
  await first.goto(activityUrl);
  await second.goto(activityUrl);
  await ready(first, info);
  await expectAccessible(first, 'an activity', info);
  await expect(first.getByText('还剩 1 个名额')).toBeVisible();
  await Promise.all([
    first.getByRole('button', { name: '报名参加' }).click(),
    second.getByRole('button', { name: '报名参加' }).click(),
  ]);
  const placed = first.getByText('报名成功，到时见！');
  const waiting = first.getByText('已为您加入候补名单');
  await expect(placed.or(waiting)).toBeVisible();
  const [winner, loser] = (await placed.isVisible()) ? [first, second] : [second, first];
  await expect(winner.getByText('✔ 您已报名，到时见！')).toBeVisible();
  await expect(loser.getByText('您在候补名单第 1 位')).toBeVisible();
  await expectAccessible(loser, 'on the waitlist', info);
  // The organizer sees who has the place and who waits.
  await page.goto(activityUrl);
  await expect(page.locator('ol.roster')).toContainText('候补第 1 位');
  await expectAccessible(page, 'the organizer’s list', info);

  // The winner cannot come after all; the one waiting gets the place and is told.
  await winner.getByRole('button', { name: '去不了了，取消报名' }).click();
  await expect(winner.getByText('已取消报名')).toBeVisible();
  await loser.goto('/account/notifications');
  await expect(loser.getByText(`您已从候补转为正式参加「${title}」`)).toBeVisible();
  await loser.goto('/account/activities');
  await ready(loser, info);
  const line = loser.locator('li.activity-card', { hasText: title });
  await expect(line).toContainText('已报名');
  await expectAccessible(loser, 'my volunteering', info);

  // At the place: the organizer shows the code, the volunteer checks in and out with it,
  // and the organizer approves the two hours (corrected, with the reason, since the
  // volunteer checked out before the start in this compressed afternoon).
  await page.goto(activityUrl);
  const code = (await page.locator('.checkin-code strong').textContent())!.trim();
  expect(code).toMatch(/^\d{6}$/);
  await loser.goto(activityUrl);
  await loser.getByLabel('签到码（组织方现场出示的六位数字）').fill(code);
  await loser.getByRole('button', { name: '签到', exact: true }).click();
  await expect(loser.getByText('签到成功')).toBeVisible();
  await loser.getByLabel('签到码（组织方现场出示的六位数字）').fill(code);
  await loser.getByRole('button', { name: '签退', exact: true }).click();
  await expect(loser.getByText('已签退，谢谢您的付出')).toBeVisible();
  await page.goto(activityUrl);
  const entry = page.locator('ol.roster li', { hasText: '已报名' });
  await entry.getByLabel('更正时长（分钟，可不填）').fill('120');
  await entry.getByLabel('更正的原因').fill('全程参加，提前签退');
  await entry.getByRole('button', { name: '确认时长' }).click();
  await expect(page.getByText('已确认 120 分钟')).toBeVisible();
  await loser.goto('/account/activities');
  await expect(loser.locator('section.hours')).toContainText('2 小时');
  await expectAccessible(loser, 'my hours', info);
});

test('community staff publish an activity from their desk, change its time with a volunteer signed up, who is told, and the dashboard counts volunteering', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const tag = `${randomInt(100000, 1000000)}`;
  const title = `院落大扫除${tag}`;
  const grid: Unit[] = await (await page.request.get('/api/v1/grid')).json();
  const community = find(grid, 'community')!;
  const staffPhone = freshPhone();
  execFileSync(bin, ['create-staff', '--login', staffPhone, '--community', String(community.id), '--name', '吴书记'], {
    input: 'desk-password-2026\n',
  });
  expect((await page.request.post('/api/v1/auth/login', { data: { login: staffPhone, password: 'desk-password-2026' } })).status()).toBe(200);

  await page.goto('/staff');
  await page.getByRole('link', { name: '发布社区志愿活动' }).first().click();
  await expect(page).toHaveURL(/\/account\/communities\/\d+\/activities\/new$/);
  await ready(page, info);
  await expectAccessible(page, 'community staff publishing an activity', info);
  await page.getByLabel('活动名称（中文）').fill(title);
  await page.getByLabel('做什么（中文）').fill('清理楼道杂物，打扫院落公共区域。');
  await page.getByLabel('活动类型').selectOption('cleanup');
  await page.getByLabel('开始时间').fill(chengduIn(3 * 24 * 60));
  await page.getByLabel('结束时间').fill(chengduIn(3 * 24 * 60 + 120));
  await page.getByLabel('需要几位志愿者').fill('2');
  await page.getByRole('button', { name: '发布活动' }).click();
  await expect(page.getByText('已发布。附近的志愿者现在可以报名了。')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const activityUrl = page.url();
  const id = activityUrl.split('/').pop();

  const helper = await newPage(browser, info);
  await signUp(helper, '小赵');
  await volunteer(helper);
  expect((await helper.request.post(`/api/v1/activities/${id}/signup`)).status()).toBe(200);

  // A refused change keeps what was typed and says why; a good one is saved and told.
  await page.getByRole('link', { name: '修改时间、地点或名额' }).click();
  await expect(page).toHaveURL(new RegExp(`/account/activities/${id}/edit$`));
  await ready(page, info);
  await expectAccessible(page, 'changing an activity', info);
  await expect(page.getByLabel('活动名称（中文）')).toHaveValue(title);
  await page.getByLabel('需要几位志愿者').fill('0');
  await page.getByRole('button', { name: '保存修改' }).click();
  await expect(page.getByText('志愿者名额须在 1 到 500 之间')).toBeVisible();
  await expect(page.getByLabel('活动名称（中文）')).toHaveValue(title);
  await page.getByLabel('需要几位志愿者').fill('3');
  await page.getByLabel('开始时间').fill(chengduIn(4 * 24 * 60));
  await page.getByLabel('结束时间').fill(chengduIn(4 * 24 * 60 + 120));
  await page.getByRole('button', { name: '保存修改' }).click();
  await expect(page.getByText('已保存修改')).toBeVisible();
  await expect(page.getByText('还剩 2 个名额')).toBeVisible();
  await helper.goto('/account/notifications');
  await expect(helper.getByText(`「${title}」改了时间`)).toBeVisible();

  await page.goto('/staff/dashboard');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: '志愿参与' })).toBeVisible();
  await expectAccessible(page, 'the dashboard with volunteering', info);
});
