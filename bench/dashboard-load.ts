/**
 * `npm run bench:dashboard`: how soon the Agents page of `tally serve` (from dist/: run
 * `npm run build` first) is interactive in headless Chromium, for a tenant of `--agents`
 * agents with a bucket every day of `--days` days, the page asking for all of them with
 * the previous period beside (docs/dashboard.md#pages). A person is set up through the use
 * cases and signs in through the real page; the rollups are built first (a sync does that
 * after its run). Then `--runs` loads of the page; each run's time is the browser's own
 * navigation timing: request start to DOMContentLoaded's end (domContentLoadedEventEnd),
 * with time to first byte beside it. Target on this machine: median under 1 s.
 * Usage: npm run bench:dashboard -- --agents 200 --days 90 --runs 5
 */
import { parseArgs } from 'node:util';
import { addPerson, completeSetup, startSetup } from '../src/access/people.js';
import { totpCodeAt } from '../src/access/totp.js';
import { compareMetrics } from '../src/metrics/read-metrics.js';
import { launchChromium } from '../test/helpers/browser.js';
import { startServe } from './lib/serve.js';
import { seedMetricsTenant } from './metrics-seed.js';
import { benchRegion, median } from './privacy-bench.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '5' },
    host: { type: 'string', default: '127.0.0.1:27017' },
  },
});
const [agents, days] = [Number(values.agents), Number(values.days)];
const to = '2026-11-30';
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
const PASSWORD = 'copper lantern orbit 42';


const region = await benchRegion(values.host);
try {
  const tenant = await seedMetricsTenant(region, 'bench-dashboard', agents, from, days);
  const deps = { router: region.router, keyring: () => region.keyring, now: () => new Date(), actor: 'bench' };
  const warm = performance.now();
  await compareMetrics(deps, { tenant: tenant._id, from, to });
  console.log(`rollups built in ${((performance.now() - warm) / 1000).toFixed(1)} s`);

  const email = 'bench.manager@example.test';
  const invited = await addPerson({ ...deps, publicUrl: 'http://bench' }, { tenant: tenant._id, email, role: 'viewer' });
  const token = invited.link.slice(invited.link.indexOf('#') + 1);
  const { secret } = await startSetup({ ...deps, publicUrl: 'http://bench' }, tenant._id, token);
  await completeSetup({ ...deps, publicUrl: 'http://bench' }, tenant._id, { token, password: PASSWORD, confirm: PASSWORD, code: totpCodeAt(secret, new Date()) });

  const server = await startServe(region.env);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/app/${tenant._id}/sign-in`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.fill('#code', totpCodeAt(secret, new Date(Date.now() + 30_000)));
    await Promise.all([page.waitForURL(/\/agents$/), page.click('button[type="submit"]')]);
    const url = `${server.url}/app/${tenant._id}/agents?preset=custom&from=${from}&to=${to}`;
    const interactive: number[] = [];
    const firstByte: number[] = [];
    for (let run = 1; run <= Number(values.runs); run++) {
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      const timing = await page.evaluate<{ ready: number; ttfb: number; rows: number }>(
        `(() => { const [n] = performance.getEntriesByType('navigation'); return { ready: n.domContentLoadedEventEnd - n.startTime, ttfb: n.responseStart - n.startTime, rows: document.querySelectorAll('#agents-table tbody tr').length }; })()`,
      );
      if (timing.rows !== agents) throw new Error(`the page showed ${timing.rows} agents, not ${agents}`);
      interactive.push(timing.ready);
      firstByte.push(timing.ttfb);
      console.log(`run ${run}: interactive (DOMContentLoaded) at ${timing.ready.toFixed(0)} ms, first byte at ${timing.ttfb.toFixed(0)} ms, ${timing.rows} rows`);
    }
    console.log(`median over ${interactive.length} loads, ${agents} agents × ${days} days with the previous period: interactive at ${median(interactive).toFixed(0)} ms (first byte ${median(firstByte).toFixed(0)} ms); the first load (the server's first read) ${interactive[0]?.toFixed(0)} ms`);
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
  }
} finally {
  await region.close();
}
