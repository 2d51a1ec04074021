// Lighthouse 12, mobile profile, in Debian's chromium, on every resident-facing page.
//
//   node lighthouse.mjs <base-url> [--session <cookie value>] [--report <file.md>]
//
// Fails (exit 1) unless accessibility, best practices and SEO are all 100 on every page:
// those scores depend on the HTML and headers only, so they are the same on any machine.
// Performance, LCP, TBT and CLS depend on the machine; they are printed (and written as
// a Markdown table with --report) for docs/PERFORMANCE.md, never asserted.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const base = args[0] ?? 'http://127.0.0.1:3000';
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const session = option('--session');
const report = option('--report');

const pages = [
  ['home', '/'],
  ['home with results', '/?place=1'],
  ['service', '/services/1'],
  ['organization', '/organizations/1'],
  ['place picker', '/places'],
  ['place picker in a community', '/places?in=3'],
  ['settings', '/settings'],
  ['sign-in', '/sign-in'],
  ['sign-up', '/sign-up'],
  ['needs of a community', '/needs?place=3'],
];
const signedIn = [
  ['account', '/account'],
  ['new organization', '/account/organizations/new'],
  ['my requests', '/account/requests'],
  ['request form', '/services/1/request'],
  ['notifications', '/account/notifications'],
];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const STRICT = ['accessibility', 'best-practices', 'seo'];

// A run in which Lighthouse itself failed to record the page (a `runtimeError` such as
// NO_NAVSTART: Chromium's trace came back without the navigation; seen on 2026-11-26 on
// three page audits in two runs (/, /places, /places?in=3), each recorded fine when
// audited again, and not in the runs before; not understood yet) has no scores to
// judge: its categories are null, not low. Such a run is the instrument failing, not the
// page, so the page is audited again, up to three times; scores are never retried, and a
// page Lighthouse cannot record three times over fails the run.
async function audit(url, cookie) {
  let result;
  for (let attempt = 1; attempt <= 3; attempt++) {
    result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', ...STRICT],
      extraHeaders: cookie ? { Cookie: `doorstep_session=${cookie}` } : undefined,
    });
    if (!result.lhr.runtimeError) break;
    console.log(`  Lighthouse could not record ${url} (${result.lhr.runtimeError.code}), attempt ${attempt} of 3`);
  }
  return result;
}
const measured = (format) => (value) => (value === undefined ? 'n/a' : format(value));
const seconds = measured((ms) => `${(ms / 1000).toFixed(2)} s`);
const millis = measured((ms) => `${Math.round(ms)} ms`);
const shift = measured((cls) => cls.toFixed(3));
const rows = [];
const failures = [];
try {
  for (const [name, path, cookie] of [...pages, ...(session ? signedIn.map(([n, p]) => [n, p, session]) : [])]) {
    const result = await audit(`${base}${path}`, cookie);
    if (result.lhr.runtimeError) {
      failures.push(`${name} (${path}) could not be audited: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
    }
    const { categories, audits } = result.lhr;
    const score = (id) => Math.round((categories[id]?.score ?? 0) * 100);
    const row = {
      name,
      path,
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      seo: score('seo'),
      lcp: audits['largest-contentful-paint'].numericValue,
      tbt: audits['total-blocking-time'].numericValue,
      cls: audits['cumulative-layout-shift'].numericValue,
    };
    rows.push(row);
    console.log(
      `${name.padEnd(18)} perf ${row.performance}  a11y ${row.accessibility}  bp ${row.bestPractices}  seo ${row.seo}  ` +
        `LCP ${seconds(row.lcp)}  TBT ${millis(row.tbt)}  CLS ${shift(row.cls)}`,
    );
    // A metric Lighthouse could not compute from its trace is reported, not fatal: the
    // timings are recorded for docs/PERFORMANCE.md, never asserted.
    for (const id of ['largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift']) {
      if (audits[id].numericValue === undefined) {
        console.log(`  ${id} not measured: ${audits[id].errorMessage ?? result.lhr.runtimeError?.message ?? 'no value'}`);
      }
    }
    for (const id of STRICT) {
      if (categories[id].score === 1) continue;
      const failing = categories[id].auditRefs
        .map((ref) => audits[ref.id])
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
        .map((a) => `${a.id}: ${a.title}`);
      failures.push(`${name} (${path}) ${id} ${score(id)}: ${failing.join('; ')}`);
    }
  }
} finally {
  await chrome.kill();
}

if (report) {
  const lines = [
    '| page | performance | accessibility | best practices | SEO | LCP | TBT | CLS |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} (\`${r.path}\`) | ${r.performance} | ${r.accessibility} | ${r.bestPractices} | ${r.seo} | ` +
        `${seconds(r.lcp)} | ${millis(r.tbt)} | ${shift(r.cls)} |`,
    ),
  ];
  writeFileSync(report, lines.join('\n') + '\n');
}
if (failures.length) {
  console.error(`Lighthouse categories below 100:\n${failures.join('\n')}`);
  process.exit(1);
}
console.log(`${rows.length} pages: accessibility, best practices and SEO all 100`);
