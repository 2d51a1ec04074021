// Screenshots of every resident-facing page at 360 × 780, in normal and elder mode, with
// the same Debian chromium the tests drive: docs/screenshots/<page>-<mode>.png.
//
//   node screenshots.mjs <base-url> <output-dir>      (scripts/screenshots.sh runs it)
import { chromium } from '@playwright/test';

const [base = 'http://127.0.0.1:3000', out = '../docs/screenshots'] = process.argv.slice(2);
const pages = [
  ['home', '/'],
  ['home-results', '/?place=1'],
  ['home-category', '/?place=1&category=meal-assistance'],
  ['service', '/services/1'],
  ['organization', '/organizations/1'],
  ['places', '/places'],
  ['places-community', '/places?in=3'],
  ['settings', '/settings'],
  ['sign-in', '/sign-in'],
  ['sign-up', '/sign-up'],
  ['offline', '/offline.html'],
  ['not-found', '/nowhere'],
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const elder of [false, true]) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, deviceScaleFactor: 1, locale: 'zh-CN', serviceWorkers: 'block',
  });
  if (elder) await context.addCookies([{ name: 'doorstep_elder', value: '1', url: base }]);
  const page = await context.newPage();
  for (const [name, path] of pages) {
    await page.goto(base + path);
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached' }).catch(() => {});
    await page.screenshot({ path: `${out}/${name}-${elder ? 'elder' : 'normal'}.png` });
  }
  await context.close();
}
await browser.close();
