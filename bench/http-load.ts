/**
 * `npm run bench:http`: `tally serve` (from dist/: run `npm run build` first) under 50
 * concurrent clients asking for the metrics of 200 agents over 90 days (autocannon),
 * after one warm read that builds the rollups. Reports requests/s, latency p50/p95/p99,
 * errors and non-2xx answers, and the server's peak RSS (VmHWM), for each of `--runs`
 * runs and their medians. Target on this machine: p95 under 500 ms with 0 errors.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createApiKey } from '../src/access/api-keys.js';
import { startServe } from './lib/serve.js';
import { seedMetricsTenant } from './metrics-seed.js';
import { benchRegion, median } from './privacy-bench.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    host: { type: 'string', default: '127.0.0.1:27017' },
    /** A folder: the server writes a CPU profile there when it stops (node --cpu-prof). */
    'profile-server': { type: 'string' },
  },
});
const [agents, days] = [Number(values.agents), Number(values.days)];
const to = '2026-11-30';
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);


const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const region = await benchRegion(values.host);
try {
  const tenant = await seedMetricsTenant(region, 'bench-http', agents, from, days);
  const { token } = await createApiKey({ router: region.router, now: () => new Date(), actor: 'bench' }, { tenant: tenant._id, role: 'viewer', label: 'bench' });
  const server = await startServe({ ...region.env, TALLY_HTTP_KEY_RATE_LIMIT: '1000000' }, values['profile-server'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', values['profile-server']]);
  try {
    const url = `${server.url}/v1/tenants/${tenant._id}/metrics?from=${from}&to=${to}`;
    const headers = { authorization: `Bearer ${token}` };
    const warm = performance.now();
    const first = await fetch(url, { headers });
    if (first.status !== 200) throw new Error(`warm-up read answered ${first.status}: ${await first.text()}`);
    console.log(`warm-up read (builds the rollups) ${(performance.now() - warm).toFixed(0)} ms, ${(await first.text()).length} bytes`);
    const results: { requestsPerSecond: number; p50: number; p95: number; p99: number; errors: number; non2xx: number; peakRssMb: number }[] = [];
    for (let run = 1; run <= Number(values.runs); run++) {
      // Every response's time, for exact percentiles (autocannon's own summary has no p95).
      const times: number[] = [];
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon({ url, headers, connections: Number(values.connections), duration: Number(values.seconds), timeout: 120 }, (error: unknown, done) => (error ? reject(error instanceof Error ? error : new Error('autocannon failed')) : resolve(done)));
        instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
      });
      times.sort((a, b) => a - b);
      const rank = (q: number) => Math.round(times[Math.max(0, Math.ceil(q * times.length) - 1)] ?? 0);
      const row = {
        requestsPerSecond: result.requests.average,
        p50: rank(0.5),
        p95: rank(0.95),
        p99: rank(0.99),
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        peakRssMb: peakRssMb(server.child.pid as number),
      };
      results.push(row);
      console.log(`run ${run}: ${row.requestsPerSecond.toFixed(1)} req/s, p50 ${row.p50} ms, p95 ${row.p95} ms, p99 ${row.p99} ms, ${row.errors} errors, ${row.non2xx} non-2xx, server peak RSS ${row.peakRssMb.toFixed(0)} MB`);
    }
    const med = (pick: (row: (typeof results)[number]) => number) => median(results.map(pick));
    console.log(
      `medians over ${results.length} runs of ${values.seconds} s, ${values.connections} clients, ${agents} agents × ${days} days: ` +
        `${med((r) => r.requestsPerSecond).toFixed(1)} req/s, p50 ${med((r) => r.p50)} ms, p95 ${med((r) => r.p95)} ms, p99 ${med((r) => r.p99)} ms, ` +
        `${med((r) => r.errors)} errors, ${med((r) => r.non2xx)} non-2xx, server peak RSS ${med((r) => r.peakRssMb).toFixed(0)} MB`,
    );
  } finally {
    const stopped = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await stopped;
  }
} finally {
  await region.close();
}

