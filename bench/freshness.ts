/**
 * Freshness under steady load: seconds from a counted event (a solve or a public
 * reply) appearing in the simulator to its count in the daily buckets `tally
 * metrics` reads, with one `tally worker` process serving N tenants, each on its own
 * simulated account in live mode. Run for several N to see how many tenants one
 * worker keeps fresh.
 *
 * Usage: scripts/run tsx bench/freshness.ts [--tenants 5,10,20] [--steady-s 60] [--speed 20] [--interval-ms 2000] [--concurrency 4] [--tickets-per-minute 6] [--warmup-s 60]
 *
 * How an event's latency is read: the simulator's ground truth, cut at each second
 * (`until`), says when the k-th counted event of a tenant appeared; polling the
 * buckets every POLL_MS says when the stored count first reached k. Counts rather
 * than ids, since buckets hold counts; both only grow while the stream runs.
 * Events appear in exports only after Zendesk's blind spot (60 s, divided by --speed).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { groundTruth } from '../src/simulator/ground-truth.js';
import { createZendeskSimulator } from '../src/simulator/server.js';
import { addSimulatedTenant, startFleet } from '../test/helpers/worker-fleet.js';
import { startTwoRegions } from '../test/helpers/two-regions.js';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '5,10,20' },
    'steady-s': { type: 'string', default: '60' },
    speed: { type: 'string', default: '20' },
    'interval-ms': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '4' },
    'tickets-per-minute': { type: 'string', default: '6' },
    'warmup-s': { type: 'string', default: '60' },
    out: { type: 'string', default: 'bench/results/freshness.json' },
  },
});
const tenantCounts = values.tenants.split(',').map(Number);
const steadyMs = Number(values['steady-s']) * 1000;
const speed = Number(values.speed);
const intervalMs = Number(values['interval-ms']);
const POLL_MS = 250;
/** Events of the last part of the window get this long to be counted before the run ends. */
const TAIL_MS = 20_000;
const blindSpotMs = 60_000 / speed;

const log = (message: string) => process.stderr.write(`[freshness] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  tenants: number;
  events: number;
  uncounted: number;
  medianS: number;
  p95S: number;
  maxS: number;
  /** Medians of the first and last third of the window: a worker falling behind shows a growing latency. */
  firstThirdMedianS: number;
  lastThirdMedianS: number;
  loadAverage: number;
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const medianOf = (values: readonly number[]) => quantile([...values].sort((a, b) => a - b), 0.5);

async function measure(count: number): Promise<Outcome> {
  const regions = await startTwoRegions();
  const accounts = Array.from({ length: count }, (_, index) => ({ account: `t${index}`, seed: 100 + index, agents: 4, days: 1, ticketsPerDay: 12 }));
  const simulator = createZendeskSimulator({ accounts, speed, live: { ticketsPerMinute: Number(values['tickets-per-minute']), compression: 240, tickMs: 250 } });
  await simulator.listen(0);
  const fleet = startFleet(regions, {
    TALLY_ZENDESK_MINUTE_MS: String(60_000 / speed),
    TALLY_SYNC_INTERVAL_MS: String(intervalMs),
    TALLY_RECONCILE_INTERVAL_MS: '1000',
    TALLY_WORKER_CONCURRENCY: values.concurrency,
    TALLY_LOG_LEVEL: 'info',
  });
  try {
    const tenants = accounts.map(({ account }) => ({ id: account, region: 'us' as const, account, timeZone: 'UTC' }));
    for (const tenant of tenants) await addSimulatedTenant(regions, simulator, tenant);
    await fleet.start('w1');
    const status = fleet.status('us');
    const warmStart = Date.now();
    for (;;) {
      const caught = await Promise.all(tenants.map(async (tenant) => (await status.read(tenant.id, 'ticket_events')).caughtUpAt !== null));
      if (caught.every(Boolean)) break;
      if (Date.now() - warmStart > 600_000) throw new Error('the backfills did not catch up within 10 minutes');
      await sleep(1000);
    }
    // Live tickets take a while to reach their first replies and solves: let the counted events ramp up.
    log(`${count} tenants: backfills caught up in ${((Date.now() - warmStart) / 1000).toFixed(1)} s; warming up ${values['warmup-s']} s, then measuring ${steadyMs / 1000} s`);
    await sleep(Number(values['warmup-s']) * 1000);

    const daily = regions.router.region('us').db.collection<{ tenantId: string; solves: number; publicReplies: number }>('daily');
    const polls: { at: number; counts: Map<string, number> }[] = [];
    const start = Date.now();
    const loads: number[] = [];
    while (Date.now() - start < steadyMs + TAIL_MS) {
      const at = Date.now();
      const counts = new Map<string, number>();
      for (const row of await daily.find({}, { projection: { tenantId: 1, solves: 1, publicReplies: 1 } }).toArray()) {
        counts.set(row.tenantId, (counts.get(row.tenantId) ?? 0) + row.solves + row.publicReplies);
      }
      polls.push({ at, counts });
      loads.push(loadavg()[0] ?? 0);
      await sleep(POLL_MS);
    }
    const end = start + steadyMs;

    const latencies: { appearedAt: number; seconds: number }[] = [];
    let uncounted = 0;
    for (const tenant of tenants) {
      const world = simulator.world(tenant.account);
      const countedUntil = (until: number) =>
        groundTruth(world, tenant.timeZone, { until }).reduce((sum, row) => sum + row.solves + row.publicReplies, 0);
      // The truth's count, second by second: the k-th event appeared at the first second it is reached.
      let previous = countedUntil(start);
      for (let second = Math.ceil(start / 1000) * 1000; second <= end; second += 1000) {
        const now = countedUntil(second);
        for (let k = previous + 1; k <= now; k++) {
          const counted = polls.find((poll) => poll.at >= second && (poll.counts.get(tenant.id) ?? 0) >= k);
          if (counted) latencies.push({ appearedAt: second, seconds: (counted.at - second) / 1000 });
          else uncounted++;
        }
        previous = now;
      }
    }
    const sorted = latencies.map((entry) => entry.seconds).sort((a, b) => a - b);
    const third = steadyMs / 3;
    return {
      tenants: count,
      events: latencies.length,
      uncounted,
      medianS: quantile(sorted, 0.5),
      p95S: quantile(sorted, 0.95),
      maxS: sorted.at(-1) ?? Number.NaN,
      firstThirdMedianS: medianOf(latencies.filter((entry) => entry.appearedAt < start + third).map((entry) => entry.seconds)),
      lastThirdMedianS: medianOf(latencies.filter((entry) => entry.appearedAt >= end - third).map((entry) => entry.seconds)),
      loadAverage: medianOf(loads),
    };
  } finally {
    await fleet.close();
    await simulator.close();
    await regions.close();
  }
}

const outcomes: Outcome[] = [];
for (const count of tenantCounts) {
  const outcome = await measure(count);
  outcomes.push(outcome);
  log(JSON.stringify(outcome));
}
const settings = { ticketsPerMinute: Number(values['tickets-per-minute']), warmupS: Number(values['warmup-s']), compression: 240, speed, blindSpotS: blindSpotMs / 1000, syncIntervalS: intervalMs / 1000, concurrency: Number(values.concurrency), steadyS: steadyMs / 1000, pollMs: POLL_MS };
writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), settings, outcomes }, null, 2)}\n`);
process.stdout.write(`settings: ${JSON.stringify(settings)}\n`);
process.stdout.write('| tenants | events | uncounted | median s | p95 s | max s | median, first third | median, last third | load avg |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
for (const o of outcomes) {
  process.stdout.write(
    `| ${o.tenants} | ${o.events} | ${o.uncounted} | ${o.medianS.toFixed(1)} | ${o.p95S.toFixed(1)} | ${o.maxS.toFixed(1)} | ${o.firstThirdMedianS.toFixed(1)} | ${o.lastThirdMedianS.toFixed(1)} | ${o.loadAverage.toFixed(1)} |\n`,
  );
}
