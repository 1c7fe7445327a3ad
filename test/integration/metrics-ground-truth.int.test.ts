// End to end: simulator → sync → daily buckets → `tally metrics`, against the
// simulator's ground truth (computed from its own model, not from the API), in
// several time zones and across the DST changes of 2026-10-25 (Berlin) and
// 2026-11-01 (Los Angeles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDaily } from '../../schemas/records.js';
import { syncTenant } from '../../src/ingest/sync-tenant.js';
import { readMetrics } from '../../src/metrics/read-metrics.js';
import { rebuildBuckets } from '../../src/metrics/recompute-buckets.js';
import { storedDaily } from '../../src/metrics/stored-daily.js';
import { exactQuantile, HISTOGRAM_MAX_RELATIVE_ERROR } from '../../src/metrics/minute-histogram.js';
import { MINUTE_METRICS, type MetricsReport } from '../../src/metrics/metrics-report.js';
import type { groundTruth } from '../../src/simulator/ground-truth.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.parse('2026-11-03T12:00:00Z');
const UNLIMITED = { rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
const ACCOUNTS = [
  { account: 'seven', seed: 7, agents: 5, days: 12, ticketsPerDay: 20, ...UNLIMITED },
  { account: 'twentythree', seed: 23, agents: 4, days: 12, ticketsPerDay: 16, ...UNLIMITED },
];
const CASES = [
  { account: 'seven', zone: 'UTC' },
  { account: 'seven', zone: 'Europe/Berlin' },
  { account: 'seven', zone: 'America/Los_Angeles' },
  { account: 'seven', zone: 'Asia/Kolkata' },
  { account: 'twentythree', zone: 'America/Los_Angeles' },
  { account: 'twentythree', zone: 'Europe/Berlin' },
];

let regions: TwoRegions;
let simulator: ZendeskSimulator;
const closers: (() => Promise<unknown>)[] = [];
const contexts = new Map<string, Awaited<ReturnType<typeof tenantForSimulator>>['context']>();

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: ACCOUNTS, now: () => NOW });
  await simulator.listen(0);
});
afterAll(async () => {
  for (const close of closers) await close();
  await simulator?.close();
  await regions?.close();
});

type AgentDayTruth = ReturnType<typeof groundTruth>[number];
const COUNTERS = ['solves', 'reopens', 'publicReplies', 'ticketsTouched', 'handleTimeSeconds', 'ticketsWithHandleTime', 'csatGood', 'csatBad', 'oneTouchTickets'] as const;
/** The simulator's groups and brands (src/simulator/generate-world.ts). */
const GROUPS = [360_000_100_001, 360_000_100_002, 360_000_100_003];
const BRANDS = [360_000_200_001, 360_000_200_002];

const tenantIdOf = (account: string, zone: string) => `${account}-${zone.toLowerCase().replaceAll(/[^a-z]/g, '')}`;
const bucketsOf = async (tenantId: string, region: 'us' | 'eu') =>
  (await regions.router.region(region).db.collection<StoredDaily>('daily').find({ tenantId }).toArray())
    .map(({ updatedAt, ...rest }) => (void updatedAt, rest))
    .sort((a, b) => a._id.localeCompare(b._id));
const expectedBuckets = (tenantId: string, truth: AgentDayTruth[]) =>
  truth
    .map((row) => storedDaily(row, tenantId, new Date(0)))
    .map(({ updatedAt, ...rest }) => (void updatedAt, rest))
    .sort((a, b) => a._id.localeCompare(b._id));

/** Sums of the truth's days, as `tally metrics` would report them (minutes exact here). */
function expectedReport(truth: AgentDayTruth[]) {
  const agents = new Map<number, AgentDayTruth>();
  for (const row of truth) {
    const agent = agents.get(row.agentId);
    if (!agent) {
      agents.set(row.agentId, structuredClone(row));
      continue;
    }
    for (const key of COUNTERS) agent[key] += row[key];
    for (const metric of MINUTE_METRICS) agent[metric].push(...row[metric]);
  }
  return [...agents.values()].sort((a, b) => a.agentId - b.agentId);
}

function expectMatchesTruth(report: MetricsReport, truth: AgentDayTruth[]): void {
  const expected = expectedReport(truth);
  expect(report.agents.map((agent) => agent.agentId)).toEqual(expected.map((agent) => agent.agentId));
  for (const [index, want] of expected.entries()) {
    const got = report.agents[index];
    if (!got) throw new Error('missing agent');
    expect(Object.fromEntries(['agentId', ...COUNTERS].map((key) => [key, want[key as keyof AgentDayTruth]]))).toEqual(
      Object.fromEntries(['agentId', ...COUNTERS].map((key) => [key, got[key as keyof typeof got]])),
    );
    expect(got.name).not.toBe('');
    expect(got.email).toContain('@');
    for (const metric of MINUTE_METRICS) {
      expect(got[metric].count).toBe(want[metric].length);
      for (const [q, key] of [
        [0.5, 'median'],
        [0.9, 'p90'],
      ] as const) {
        const exact = exactQuantile(want[metric], q);
        const estimate = got[metric][key];
        if (exact === null) {
          expect(estimate).toBeNull();
          continue;
        }
        // The histogram's bound, plus the report's rounding to 0.1 minute.
        expect(Math.abs((estimate ?? Number.NaN) - exact)).toBeLessThanOrEqual(exact * HISTOGRAM_MAX_RELATIVE_ERROR + 0.05);
      }
    }
  }
}

describe('metrics equal the ground truth', { timeout: 180_000 }, () => {
  it.each(CASES)('$account in $zone: every agent and local day', async ({ account, zone }) => {
    const tenantId = tenantIdOf(account, zone);
    const region = zone === 'America/Los_Angeles' ? 'us' : 'eu';
    const { context, redis } = await tenantForSimulator(regions, simulator, { id: tenantId, region, account, timeZone: zone });
    closers.push(() => redis.quit());
    contexts.set(tenantId, context);
    await syncTenant(await context());
    const truth = simulator.groundTruth(account, zone);
    expect(truth.length).toBeGreaterThan(20);

    expect(await bucketsOf(tenantId, region)).toEqual(expectedBuckets(tenantId, truth));

    const days = truth.map((row) => row.day).sort();
    const from = days[0] as string;
    const to = days.at(-1) as string;
    const deps = { router: regions.router, keyring: (r: string) => regions.keyring(r as 'us' | 'eu'), now: () => new Date(), actor: 'test' };
    expectMatchesTruth(await readMetrics(deps, { tenant: tenantId, from, to }), truth);
    // A day that DST made 23 or 25 hours long, and a single agent.
    for (const dstDay of ['2026-10-25', '2026-11-01']) {
      expectMatchesTruth(await readMetrics(deps, { tenant: tenantId, from: dstDay, to: dstDay }), truth.filter((row) => row.day === dstDay));
    }
    const agentId = truth[0]?.agentId as number;
    expectMatchesTruth(
      await readMetrics(deps, { tenant: tenantId, from, to, agent: String(agentId) }),
      truth.filter((row) => row.agentId === agentId),
    );
    // The new measures exist in this history: one-touch solves, business-hours minutes, group moves.
    expect(truth.some((row) => row.oneTouchTickets > 0)).toBe(true);
    expect(truth.some((row) => row.firstReplyBusinessMinutes.length > 0)).toBe(true);
    // Filtered by group, by brand, by both and with an agent, over the range and over one week.
    const group = GROUPS[CASES.findIndex((c) => c.account === account && c.zone === zone) % GROUPS.length] as number;
    const brand = BRANDS[0] as number;
    for (const [filter, input] of [
      [{ groupId: group }, { group: String(group) }],
      [{ brandId: brand }, { brand: String(brand) }],
      [{ groupId: group, brandId: BRANDS[1] as number }, { group: String(group), brand: String(BRANDS[1]) }],
    ] as const) {
      const filtered = simulator.groundTruth(account, zone, filter);
      expect(filtered.length, JSON.stringify(filter)).toBeGreaterThan(0);
      const report = await readMetrics(deps, { tenant: tenantId, from, to, ...input });
      expectMatchesTruth(report, filtered);
      expect(report.group?.name ?? report.brand?.name).toMatch(/ZZCANARY/);
      const week = days.filter((day) => day >= (days[3] as string) && day <= (days[9] as string));
      expectMatchesTruth(
        await readMetrics(deps, { tenant: tenantId, from: week[0], to: week.at(-1), ...input }),
        filtered.filter((row) => row.day >= (week[0] as string) && row.day <= (week.at(-1) as string)),
      );
      const filteredAgent = filtered[0]?.agentId as number;
      expectMatchesTruth(
        await readMetrics(deps, { tenant: tenantId, from, to, agent: String(filteredAgent), ...input }),
        filtered.filter((row) => row.agentId === filteredAgent),
      );
    }
  });

  it('streams synced in another order, each as its own job (users last), give the same buckets', async () => {
    const [account, zone] = ['twentythree', 'Asia/Kolkata'];
    const tenantId = 'twentythree-users-last';
    const { context, redis } = await tenantForSimulator(regions, simulator, { id: tenantId, region: 'us', account, timeZone: zone });
    closers.push(() => redis.quit());
    // Each stream with a fresh context, as each worker job builds its own: nothing known of staff but what is stored.
    for (const stream of ['ticket_metric_events', 'satisfaction_ratings', 'ticket_events', 'tickets', 'ticket_metric_events', 'users'] as const) {
      await syncTenant(await context(), [stream]);
    }
    // A rating synced before tally has seen its ticket counts under no brand (docs/metrics.md#dimensions):
    // here ratings come before ticket events and tickets, so only the slices may differ.
    const withoutSlices = (buckets: { slices: string }[]) => buckets.map(({ slices, ...rest }) => (void slices, rest));
    expect(withoutSlices(await bucketsOf(tenantId, 'us'))).toEqual(withoutSlices(expectedBuckets(tenantId, simulator.groundTruth(account, zone))));
  });

  it('`tally metrics --format json` prints the same report, and each read is audited without PII', async () => {
    const tenantId = tenantIdOf('seven', 'Europe/Berlin');
    const deps = { router: regions.router, keyring: (r: string) => regions.keyring(r as 'us' | 'eu'), now: () => new Date(), actor: 'test' };
    const direct = await readMetrics(deps, { tenant: tenantId, from: '2026-10-20', to: '2026-11-03' });
    const cli = await runTally(['metrics', '--tenant', tenantId, '--from', '2026-10-20', '--to', '2026-11-03', '--format', 'json'], regions.env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(direct);
    const table = await runTally(['metrics', '--tenant', tenantId, '--from', '2026-10-20', '--to', '2026-11-03'], regions.env);
    expect(table.code, table.stderr).toBe(0);
    expect(Math.max(...table.stdout.trimEnd().split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);

    const audit = await regions.router.region('eu').db.collection('audit').find({ tenantId }).toArray();
    expect(audit.filter((entry) => entry['action'] === 'metrics.read').length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(audit);
    for (const agent of direct.agents) {
      expect(text).not.toContain(agent.email);
      expect(text).not.toContain(agent.name);
    }
  });

  it('refuses bad input with the field named, and exits non-zero', async () => {
    const tenantId = tenantIdOf('seven', 'Europe/Berlin');
    const cases: [string[], string][] = [
      [['--tenant', tenantId, '--from', '2026-13-01', '--to', '2026-11-03'], '--from'],
      [['--tenant', tenantId, '--from', '2026-11-03', '--to', '2026-11-01'], '--from'],
      [['--tenant', 'nobody', '--from', '2026-11-01', '--to', '2026-11-03'], '--tenant'],
      [['--tenant', tenantId, '--from', '2026-11-01', '--to', '2026-11-03', '--agent', '999999'], '--agent'],
      [['--tenant', tenantId, '--from', '2026-11-01'], '--to'],
    ];
    for (const [args, field] of cases) {
      const result = await runTally(['metrics', ...args], regions.env);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr).toContain(field);
    }
  });

  it('a second sync changes nothing, and deleted buckets rebuild to the same numbers', async () => {
    const tenantId = tenantIdOf('twentythree', 'Europe/Berlin');
    const database = regions.router.region('eu');
    const before = await bucketsOf(tenantId, 'eu');
    const context = contexts.get(tenantId);
    if (!context) throw new Error('the ground-truth case for this tenant must run first');
    // A full replay: every page again, from the first checkpoint.
    await database.db.collection('cursors').deleteMany({ tenantId });
    const replay = await syncTenant(await context());
    expect(replay.every((report) => report.status === 'done')).toBe(true);
    expect(await bucketsOf(tenantId, 'eu')).toEqual(before);

    await database.db.collection('daily').deleteMany({ tenantId });
    expect(await bucketsOf(tenantId, 'eu')).toEqual([]);
    await rebuildBuckets({ facts: database.facts, daily: database.daily, now: () => new Date() }, { id: tenantId, timeZone: 'Europe/Berlin' });
    expect(await bucketsOf(tenantId, 'eu')).toEqual(before);
  });
});
