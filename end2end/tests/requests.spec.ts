import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ready, expectAccessible, openPanel, hydrated } from './helpers';
import { bin, freshPhone, creditCode, signUp, newPage, lastCode } from './people';

type Unit = { id: number; kind: string; name: string; children?: Unit[] };

function find(units: Unit[], kind: string): Unit | undefined {
  for (const unit of units) {
    const found = unit.kind === kind ? unit : find(unit.children ?? [], kind);
    if (found) return found;
  }
}

/** A verified organization of `community` owned by the person signed in on `page`, with
 *  one at-home offering reaching `courtyard`; community staff for it on their own page. */
async function publishedOffering(page: Page, staff: Page, community: Unit, courtyard: Unit, name: string) {
  const tag = `${randomInt(100000, 1000000)}`;
  const registered = await page.request.post('/api/v1/organizations', {
    data: { name: `玉林居家照护${tag}`, kind: 'social-organization', credit_code: creditCode(),
            contact_name: '刘社工', contact_phone: freshPhone(), communities: [community.id] },
  });
  expect(registered.status()).toBe(201);
  const organization = (await registered.json()).id;
  expect((await staff.request.post(`/api/v1/organizations/${organization}/verify`)).status()).toBe(200);
  const offering = await page.request.post(`/api/v1/organizations/${organization}/offerings`, {
    data: { category: 'home-care', name_zh: name, description_zh: '上门帮助洗澡、打扫、陪伴。', delivery: 'at-home',
            place_id: community.id, coverage: [courtyard.id], eligibility: { min_age: 60 }, cost: 'subsidized',
            price: { amount_fen: 3000, unit: 'visit' }, phone: '028-85550188' },
  });
  expect(offering.status(), await offering.text()).toBe(201);
  return { organization, offering: (await offering.json()).id as number };
}

test('a daughter requests home care for her father, the organization answers it, she rates it 不满意', async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const tag = `${randomInt(100000, 1000000)}`;
  const offeringName = `居家照护${tag}`;
  const grid: Unit[] = await (await page.request.get('/api/v1/grid')).json();
  const community = find(grid, 'community')!;
  const courtyard = find(community.children ?? [], 'courtyard')!;

  // The organization's social worker, and the community's staff who verify it.
  await signUp(page, info, freshPhone(), '刘社工');
  const staffPhone = freshPhone();
  execFileSync(bin, ['create-staff', '--login', staffPhone, '--community', String(community.id), '--name', '李书记'], {
    input: 'desk-password-2026\n',
  });
  const staff = await newPage(browser, info);
  expect((await staff.request.post('/api/v1/auth/login', { data: { login: staffPhone, password: 'desk-password-2026' } })).status()).toBe(200);
  const { organization, offering } = await publishedOffering(page, staff, community, courtyard, offeringName);

  // The father has an account but does not use the app; his daughter is linked to it.
  const father = await newPage(browser, info);
  await signUp(father, info, freshPhone(), `王建国${tag}`);
  const daughter = await newPage(browser, info);
  const daughterPhone = freshPhone();
  await signUp(daughter, info, daughterPhone, '王小红');
  expect((await father.request.post('/api/v1/family-links', { data: { member_login: daughterPhone, relation: '女儿' } })).status()).toBe(202);
  await daughter.goto('/account');
  await daughter.locator('#confirm-code').fill(lastCode(daughterPhone));
  await daughter.getByRole('button', { name: '确认关联' }).click();
  await expect(daughter.getByText('已确认关联')).toBeVisible();

  // She finds the service and requests it for him; a refusal keeps what she typed.
  await daughter.goto(`/services/${offering}`);
  await ready(daughter, info);
  await daughter.getByRole('link', { name: '申请这项服务' }).click();
  await expect(daughter).toHaveURL(new RegExp(`/services/${offering}/request$`));
  await daughter.getByLabel(`王建国${tag}`).check();
  await daughter.getByLabel('住址所在的院落或楼栋').selectOption(String(courtyard.id));
  await daughter.getByLabel('门牌号，如 3 单元 502').fill('3 单元 502');
  await daughter.getByLabel('需要什么帮助（用自己的话说）').fill('父亲 82 岁，腿脚不便，需要每周上门帮忙洗澡。');
  await expectAccessible(daughter, 'request form', info);
  await daughter.getByRole('button', { name: '提交申请' }).click();
  await expect(daughter.locator('#request-age_band-error')).toContainText('60 岁及以上');
  await expect(daughter.getByLabel('门牌号，如 3 单元 502')).toHaveValue('3 单元 502');
  await expect(daughter.getByLabel(`王建国${tag}`)).toBeChecked();
  await expectAccessible(daughter, 'request form with a refusal', info);
  await daughter.getByLabel('年龄段').selectOption('80-89');
  await daughter.getByRole('button', { name: '提交申请' }).click();
  await expect(daughter).toHaveURL(/\/account\/requests\/\d+$/);
  await expect(daughter.getByText('申请已提交')).toBeVisible();
  await expect(daughter.locator('.request-status')).toContainText('已提交，等待机构回复');
  await expect(daughter.locator('.timeline')).toContainText(`王小红 代 王建国${tag} 提交了申请`);
  await expectAccessible(daughter, 'a submitted request', info);
  const requestPath = new URL(daughter.url()).pathname;

  // The organization finds it in its inbox, accepts it, agrees a time, and completes it.
  await page.goto('/account');
  await page.getByRole('link', { name: '收到的申请' }).click();
  await expect(page).toHaveURL(new RegExp(`/account/organizations/${organization}/requests$`));
  await expectAccessible(page, 'inbox', info);
  await page.getByRole('link', { name: offeringName }).click();
  await expect(page).toHaveURL(new RegExp(`${requestPath}$`));
  await expect(page.getByText('3 单元 502')).toBeVisible();
  await page.getByRole('button', { name: '接受申请' }).click();
  await expect(page.getByText('已接受，请尽快约定上门时间。')).toBeVisible();
  // She takes it on herself; the inbox then shows it as hers, and who handles it.
  await page.getByLabel('由谁负责').selectOption({ label: '刘社工' });
  await page.getByRole('button', { name: '指派', exact: true }).click();
  await expect(page.getByText('已指派给 刘社工。')).toBeVisible();
  await page.goto(`/account/organizations/${organization}/requests?bucket=open&assigned=me`);
  await expect(page.locator('.request-line', { hasText: offeringName })).toContainText(/负责人：\s*刘社工/);
  await expect(page.getByLabel('负责人')).toHaveValue('me');
  await expectAccessible(page, 'the inbox narrowed to mine', info);
  await page.getByRole('link', { name: '居民提出的需求' }).click();
  await expect(page).toHaveURL(new RegExp(`/account/organizations/${organization}/needs$`));
  await expect(page.getByRole('heading', { name: community.name })).toBeVisible();
  await expectAccessible(page, 'the needs where the organization works', info);
  await page.goto(requestPath);
  const visit = new Date(Date.now() + 2 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10) + 'T09:30';
  await page.getByLabel('约定上门时间').fill(visit);
  await page.getByRole('button', { name: '确定时间' }).click();
  await expect(page.getByText('时间已约定，居民会收到通知。')).toBeVisible();
  await expect(page.locator('.request-status')).toContainText(visit.replace('T', ' '));
  await expectAccessible(page, 'a scheduled request, the organization\'s side', info);
  await page.getByRole('button', { name: '服务已完成' }).click();
  await expect(page.getByText('已标记完成，居民可以评价了。')).toBeVisible();

  // She sees every step and rates it with one tap: 不满意, which asks for a follow-up.
  await daughter.goto('/account/requests');
  await expect(daughter.getByRole('link', { name: offeringName })).toBeVisible();
  await expectAccessible(daughter, 'my requests', info);
  await daughter.getByRole('link', { name: offeringName }).click();
  await expect(daughter.locator('.timeline li')).toHaveCount(4);
  await expectAccessible(daughter, 'a completed request, asking for a rating', info);
  await daughter.getByLabel('迟到').check();
  await daughter.getByLabel('想说的话（可不填）').fill('约好九点半，十一点才到。');
  await daughter.getByRole('button', { name: '不满意', exact: true }).click();
  await expect(daughter.getByText('社区工作人员会在五个工作日内回访')).toBeVisible();
  await expect(daughter.locator('.rating-given')).toContainText('不满意');
  await expect(daughter.locator('.rating-given')).toContainText('迟到');

  // The community's staff see the follow-up it opened, and close it with what they did.
  await staff.goto('/staff');
  await staff.getByRole('link', { name: '回访任务（不满意的评价）' }).click();
  await expect(staff).toHaveURL(/\/staff\/follow-ups$/);
  const followUp = staff.locator('li.follow-up', { hasText: offeringName });
  await expect(followUp).toContainText('约好九点半，十一点才到。');
  await expectAccessible(staff, 'follow-ups', info);
  await followUp.getByRole('button', { name: '完成回访' }).click();
  await expect(staff.locator('.field-error').first()).toContainText('请写下回访做了什么');
  const again = staff.locator('li.follow-up', { hasText: offeringName });
  await again.getByLabel('回访做了什么').fill('电话回访：机构已道歉，下次提前电话确认时间。');
  await again.getByLabel('满意了').check();
  await again.getByRole('button', { name: '完成回访' }).click();
  await expect(staff.getByText('回访已记录。')).toBeVisible();
  await staff.goto('/staff/follow-ups?bucket=closed');
  await expect(staff.locator('li.follow-up', { hasText: offeringName })).toContainText('居民现在满意');

  // The organization answers the rating in public, once; an empty reply is refused.
  await page.goto(requestPath);
  await page.getByRole('button', { name: '发布回复' }).click();
  await expect(page.locator('#review-reply-error')).toContainText('必填');
  await page.getByLabel('公开回复这条评价（只能回复一次）').fill('很抱歉让您久等，我们已调整排班。');
  await page.getByRole('button', { name: '发布回复' }).click();
  await expect(page.getByText('回复已发布')).toBeVisible();
  await expect(page.getByRole('button', { name: '发布回复' })).toHaveCount(0);
  await expectAccessible(page, "a rating with the organization's reply", info);

  // She is told in the app: the bell counts it, the list says it, and all can be marked read.
  await daughter.goto('/account');
  const bell = daughter.locator('.notifications-link');
  await expect(bell).toHaveAttribute('aria-label', /通知，[1-9]\d* 条未读/);
  await bell.click();
  await expect(daughter).toHaveURL(/\/account\/notifications$/);
  await expect(daughter.locator('.notification.unread').first()).toContainText(`机构回复了您对「${offeringName}」的评价。`);
  await expectAccessible(daughter, 'notifications', info);
  await daughter.getByRole('button', { name: '全部标为已读' }).click();
  await expect(daughter.locator('.notification.unread')).toHaveCount(0);
  await expect(daughter.locator('.notifications-link')).toHaveAttribute('aria-label', '通知，0 条未读');

  // The rating, its words and the reply show on the service's page (never who rated);
  // and on the community's dashboard.
  await daughter.goto(`/services/${offering}`);
  await expect(daughter.locator('.rating-average')).toContainText('1 条评价');
  await expect(daughter.locator('.review-list')).toContainText('约好九点半，十一点才到。');
  await expect(daughter.locator('.review-list')).toContainText('很抱歉让您久等，我们已调整排班。');
  await expect(daughter.locator('.review-list')).not.toContainText('王小红');
  await expectAccessible(daughter, 'a rated service page', info);
  await staff.goto('/staff/dashboard');
  await expect(staff.locator('#organizations-heading')).toBeVisible();
  await expect(staff.locator('section', { has: staff.locator('#organizations-heading') })).toContainText(`玉林居家照护`);
  await expectAccessible(staff, 'dashboard', info);

  // Words taken as abusive: the community's staff hide them, with a reason (required);
  // the score still counts, and the service's page says the words were hidden.
  await staff.goto(requestPath);
  await openPanel(staff, 'details:has(summary:text("评语不当？隐藏它"))');
  await staff.getByRole('button', { name: '隐藏评语' }).click();
  await expect(staff.locator('#hide-reason-error')).toBeVisible();
  await openPanel(staff, 'details:has(summary:text("评语不当？隐藏它"))');
  await staff.getByLabel('隐藏的原因').fill('测试：按居民要求隐藏');
  await staff.getByRole('button', { name: '隐藏评语' }).click();
  await expect(staff.getByText('评语已隐藏，评分仍然计入')).toBeVisible();
  await daughter.goto(`/services/${offering}`);
  await expect(daughter.locator('.rating-average')).toContainText('1 条评价');
  await expect(daughter.locator('.review-list')).toContainText('评语因不当已被社区隐藏。');
  await expect(daughter.locator('.review-list')).not.toContainText('约好九点半，十一点才到。');

  // Her father sees the same request on his own account, and could reopen it.
  await father.goto(requestPath);
  await expect(father.locator('.rating-given')).toContainText('不满意');
  await openPanel(father, 'details:has(summary:text("问题没有解决？"))');
  await expect(father.getByLabel('哪里没有解决')).toBeVisible();

  if (hydrated(info)) {
    // Changed offline, the rating waits on the phone and is sent once the network is back.
    await father.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await father.reload();
    await ready(father, info);
    await father.context().setOffline(true);
    await father.getByRole('button', { name: '基本满意', exact: true }).click();
    await expect(father.locator('#queue-status')).toContainText('等待联网');
    await father.context().setOffline(false);
    // The app tries again after 1, 2, 4 … s once the browser says it is online.
    await expect(father.locator('.rating-given')).toContainText('基本满意', { timeout: 15_000 });
  }
});
