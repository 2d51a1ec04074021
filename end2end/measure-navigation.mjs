// Measures what docs/ARCHITECTURE.md ("Client-side navigation") compares, on a throttled
// phone profile (4× slower CPU, 150 ms round trips, 1.6 Mbit/s down, as Lighthouse's
// mobile profile): time until the page is interactive on a first visit, and how long
// moving from a result list to a service page takes with the app shell's client-side
// navigation against a whole-document load (JavaScript off). A measurement, not a test.
//
//   node measure-navigation.mjs <base-url> [rounds]
import { chromium } from '@playwright/test';

const [base = 'http://127.0.0.1:3000', roundsArg = '7'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function throttledPage(javaScriptEnabled) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', javaScriptEnabled });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8,
  });
  return { context, page };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// First visit: navigation start until the wasm has hydrated the islands.
const interactive = [];
for (let i = 0; i < rounds; i++) {
  const { context, page } = await throttledPage(true);
  await page.goto(`${base}/?place=1`);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  interactive.push(await page.evaluate(() => performance.now()));
  await context.close();
}

// Result list → service page, `rounds` different services.
async function navigations(javaScriptEnabled) {
  const { context, page } = await throttledPage(javaScriptEnabled);
  const times = [];
  for (let i = 0; i < rounds; i++) {
    await page.goto(`${base}/?place=1`);
    if (javaScriptEnabled) await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
    const link = page.locator('.service-card a').nth(i);
    const before = await page.evaluate(() => document.documentElement.dataset.navigations ?? '0');
    const started = Date.now();
    await link.click();
    if (javaScriptEnabled) {
      await page.waitForFunction((b) => (document.documentElement.dataset.navigations ?? '0') !== b, before);
    } else {
      await page.waitForURL(/\/services\//, { waitUntil: 'load' });
    }
    times.push(Date.now() - started);
  }
  await context.close();
  return times;
}
const swap = await navigations(true);
const whole = await navigations(false);
await browser.close();

console.log(`first visit, interactive (median of ${rounds}): ${Math.round(median(interactive))} ms`);
console.log(`list → service, client-side swap (median of ${rounds}): ${median(swap)} ms`);
console.log(`list → service, whole document, JavaScript off (median of ${rounds}): ${median(whole)} ms`);
