import { defineConfig } from '@playwright/test';

// The server is started by scripts/test.sh (a release build over a fresh SQLite file
// with the demo data) and its address passed in DOORSTEP_URL.
const baseURL = process.env.DOORSTEP_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    launchOptions: {
      // Debian's chromium: browsers cannot be downloaded on these machines.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    // The same journeys with JavaScript off prove every flow works as plain HTML.
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
});
