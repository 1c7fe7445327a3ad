import { describe, expect, it } from 'vitest';
import type { StoredDaily } from '../../schemas/records.js';
import { COUNTERS, type DimensionFilter, filteredTotals, MINUTE_METRICS, type SliceTotals } from '../../src/metrics/measure-totals.js';
import { addDay, addDays, type AgentTotals } from '../../src/metrics/metrics-report.js';
import { decodeSlices, encodeSlices } from '../../src/metrics/rollup-codec.js';
import { histogramOf } from '../../src/metrics/minute-histogram.js';
import { clearDecodedRollups, rangeTotals, type RangeTotalsStats } from '../../src/metrics/range-totals.js';
import { monthsOf, rollupsCovering, segmentsOf, rollupId } from '../../src/metrics/rollup-plan.js';
import { agentDays, seriesRollupId } from '../../src/metrics/series-totals.js';
import type { RegionStores } from '../../src/store/ports.js';
import { bucket, type MakeStores, newTenantId } from './fixtures.js';

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_DAY = '2026-01-20';
const DAYS = 75;
const AGENTS = [7, 8, 9, 10, 11];

const GROUPS = [0, 31, 32];
const BRANDS = [0, 41, 42];

function randomMeasures(next: () => number) {
  const n = Math.floor(next() * 6);
  const minutes = (count: number, scale: number) => Array.from({ length: count }, () => Math.floor(next() * scale));
  return {
    solves: n,
    oneTouchTickets: Math.floor(next() * 3) - 1,
    firstReplyBusinessMinutes: histogramOf(minutes(n, 100)),
    fullResolutionBusinessMinutes: histogramOf(minutes(n, 2000)),
    requesterWaitBusinessMinutes: histogramOf(minutes(Math.floor(n / 2), 900)),
    agentWorkBusinessMinutes: histogramOf(minutes(n, 60)),
    reopens: Math.floor(next() * 2),
    publicReplies: 2 * n,
    ticketsTouched: n + 1,
    handleTimeSeconds: Math.floor(next() * 900) - 60,
    ticketsWithHandleTime: n,
    csatGood: Math.floor(next() * 3),
    csatBad: Math.floor(next() * 2),
    firstReplyMinutes: histogramOf(minutes(n, 300)),
    fullResolutionMinutes: histogramOf(minutes(n, 5000)),
    requesterWaitMinutes: histogramOf(minutes(Math.floor(n / 2), 2000)),
    agentWorkMinutes: histogramOf(minutes(n, 120)),
  };
}

/** A bucket with one to three slices of random groups and brands (their numbers need not add up to the bucket's here). */
function randomBucket(next: () => number, tenantId: string, agentId: number, day: string): StoredDaily {
  const slices = new Map<string, SliceTotals>();
  for (let count = 1 + Math.floor(next() * 3); count > 0; count--) {
    const groupId = GROUPS[Math.floor(next() * GROUPS.length)] as number;
    const brandId = BRANDS[Math.floor(next() * BRANDS.length)] as number;
    slices.set(`${groupId}|${brandId}`, { ...bucket(tenantId, agentId, day), ...randomMeasures(next), agentId, groupId, brandId });
  }
  return bucket(tenantId, agentId, day, { ...randomMeasures(next), slices: encodeSlices([...slices.values()].map(measuresOnly)) });
}

/** A day's measures and nothing else, to compare a bucket with a series rollup's day. */
function measuresOf(source: object, day: string): Record<string, unknown> {
  const values = source as Record<string, unknown>;
  const entries: [string, unknown][] = [['day', day], ...[...COUNTERS, ...MINUTE_METRICS].map((key): [string, unknown] => [key, values[key]])];
  return Object.fromEntries(entries);
}

function measuresOnly(slice: SliceTotals): SliceTotals {
  const only = { agentId: slice.agentId, groupId: slice.groupId, brandId: slice.brandId } as SliceTotals;
  for (const key of [...COUNTERS, ...MINUTE_METRICS]) (only as Record<string, unknown>)[key] = slice[key];
  return only;
}

/** The slow path of a filtered report: the selected slices of every bucket of the range, added up. */
async function filteredBucketSums(stores: RegionStores, tenantId: string, from: string, to: string, filter: DimensionFilter): Promise<Map<number, AgentTotals>> {
  const totals = new Map<number, AgentTotals>();
  for await (const one of stores.daily.range(tenantId, from, to)) {
    for (const slice of decodeSlices(one.slices)) {
      if ((filter.groupId !== undefined && slice.groupId !== filter.groupId) || (filter.brandId !== undefined && slice.brandId !== filter.brandId)) continue;
      const { groupId, brandId, ...measures } = slice;
      void groupId;
      void brandId;
      addDay(totals, measures);
    }
  }
  return totals;
}

const FILTERS: DimensionFilter[] = [{ groupId: 31 }, { brandId: 42 }, { groupId: 0, brandId: 41 }, { groupId: 32, brandId: 0 }];

function filteredFast(totals: Map<number, AgentTotals>, filter: DimensionFilter): Map<number, AgentTotals> {
  const selected = new Map<number, AgentTotals>();
  for (const agent of totals.values()) {
    const one = filteredTotals(agent, filter);
    if (one) selected.set(agent.agentId, one);
  }
  return selected;
}

/** The slow path, by definition: every bucket of the range added up. */
async function bucketSums(stores: RegionStores, tenantId: string, from: string, to: string): Promise<Map<number, AgentTotals>> {
  const totals = new Map<number, AgentTotals>();
  for await (const one of stores.daily.range(tenantId, from, to)) addDay(totals, one);
  return totals;
}

const sorted = (totals: Map<number, AgentTotals>) => [...totals.values()].sort((a, b) => a.agentId - b.agentId);

/**
 * Rollups (src/metrics/range-totals.ts, docs/metrics.md#rollups): the fast path equals the
 * sum of the daily buckets for random ranges, read cold and warm, after late changes to
 * old days, after an agent's erasure and after retention.
 */
export function describeRollups(make: MakeStores): void {
  describe('rollups contract', () => {
    it('a write changes the versions of the days it touches, and leaves none marked writing', async () => {
      const stores = await make();
      const tenantId = newTenantId();
      await stores.daily.replace([bucket(tenantId, 7, '2026-02-03'), bucket(tenantId, 8, '2026-02-04')], []);
      const first = await stores.rollups.dayVersions(tenantId, ['2026-02']);
      expect([...first.keys()].sort()).toEqual(['2026-02-03', '2026-02-04']);
      expect([...first.values()].every((state) => !state.writing)).toBe(true);
      await stores.daily.replace([], [`${tenantId}:7:2026-02-03`]);
      const second = await stores.rollups.dayVersions(tenantId, ['2026-02']);
      expect(second.get('2026-02-03')?.version).not.toBe(first.get('2026-02-03')?.version);
      expect(second.get('2026-02-04')).toEqual(first.get('2026-02-04'));
      expect(await stores.rollups.dayVersions(newTenantId(), ['2026-02'])).toEqual(new Map());
    });

    it('equals the sum of daily buckets for random ranges, before and after late changes, an erasure and retention', { timeout: 240_000 }, async () => {
      const stores = await make();
      const tenantId = newTenantId();
      const next = random(17);
      const rows: StoredDaily[] = [];
      for (let offset = 0; offset < DAYS; offset++) {
        const day = addDays(FIRST_DAY, offset);
        for (const agentId of AGENTS) if (next() < 0.8) rows.push(randomBucket(next, tenantId, agentId, day));
      }
      await stores.daily.replace(rows, []);
      const deps = { daily: stores.daily, rollups: stores.rollups, now: () => new Date() };
      const ranges: [string, string][] = [
        [FIRST_DAY, addDays(FIRST_DAY, DAYS - 1)],
        ['2026-02-01', '2026-02-28'],
      ];
      for (let i = 0; i < 4; i++) {
        const start = Math.floor(next() * DAYS);
        const length = 1 + Math.floor(next() * (DAYS - start));
        ranges.push([addDays(FIRST_DAY, start), addDays(FIRST_DAY, start + length - 1)]);
      }
      const check = async (label: string) => {
        for (const [from, to] of ranges) {
          const expected = sorted(await bucketSums(stores, tenantId, from, to));
          const stats: RangeTotalsStats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 };
          expect(sorted(await rangeTotals(deps, tenantId, from, to, stats)), `${label}: ${from}..${to}`).toEqual(expected);
          // Read again: now from the rollups just saved (this process's decoded ones forgotten), with no day summed from its buckets.
          clearDecodedRollups();
          const warm: RangeTotalsStats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 };
          expect(sorted(await rangeTotals(deps, tenantId, from, to, warm)), `${label} (warm): ${from}..${to}`).toEqual(expected);
          expect(warm.bucketDays, `${label} (warm): ${from}..${to}`).toBe(0);
          expect(warm.used).toBe(segmentsOf(from, to).length);
          // And once more, from the decoded rollups this process keeps.
          expect(sorted(await rangeTotals(deps, tenantId, from, to)), `${label} (in memory): ${from}..${to}`).toEqual(expected);
          // One agent's days (the daily series): the series rollups equal the agent's buckets, cold and warm.
          for (const agentId of [AGENTS[0] as number, AGENTS[3] as number]) {
            const buckets: StoredDaily[] = [];
            for await (const one of stores.daily.range(tenantId, from, to, agentId)) buckets.push(one);
            const expectedDays = buckets.map((one) => measuresOf(one, one.day));
            const cold = [...(await agentDays(deps, tenantId, agentId, from, to)).values()].map((one) => measuresOf(one, one.day));
            expect(cold, `${label} series of ${agentId}: ${from}..${to}`).toEqual(expectedDays);
            const seriesStats = { used: 0, saved: 0 };
            const warmDays = [...(await agentDays(deps, tenantId, agentId, from, to, seriesStats)).values()].map((one) => measuresOf(one, one.day));
            expect(warmDays, `${label} series of ${agentId} (warm): ${from}..${to}`).toEqual(expectedDays);
            expect(seriesStats).toEqual({ used: monthsOf(from, to).length, saved: 0 });
          }
          // Filtered by group and/or brand: the rollups' slices equal the buckets' selected slices.
          const sliced = await rangeTotals(deps, tenantId, from, to, undefined, { slices: true });
          for (const filter of FILTERS) {
            expect(sorted(filteredFast(sliced, filter)), `${label} ${JSON.stringify(filter)}: ${from}..${to}`).toEqual(sorted(await filteredBucketSums(stores, tenantId, from, to, filter)));
          }
        }
      };
      await check('as synced');

      // Late changes on old days: a re-rating moves a good rating to bad; a reopen on an old ticket.
      await stores.daily.replace([bucket(tenantId, 7, '2026-01-25', { csatGood: 0, csatBad: 4 }), bucket(tenantId, 9, '2026-02-11', { reopens: 3, solves: 0 })], [`${tenantId}:8:2026-03-02`]);
      await check('after late changes');

      // An agent's erasure: their buckets go, and no rollup of the tenant is left holding them.
      await stores.agentData.erase(tenantId, 8);
      const everyRollup = [
        ...ranges.flatMap(([from, to]) => segmentsOf(from, to).map((segment) => rollupId(tenantId, segment))),
        ...AGENTS.flatMap((agentId) => ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map((month) => seriesRollupId(tenantId, agentId, month))),
      ];
      expect(await stores.rollups.find(tenantId, everyRollup)).toEqual([]);
      await check('after erasing agent 8');
      for (const [from, to] of ranges) expect((await rangeTotals(deps, tenantId, from, to)).has(8)).toBe(false);

      // Retention deletes a day's buckets: the rollups over that day go with them.
      await stores.retention.deleteBucketsOnDay(tenantId, '2026-02-05');
      expect(await stores.rollups.find(tenantId, rollupsCovering(tenantId, '2026-02-05'))).toEqual([]);
      // No agent's series of February keeps a copy of the day either.
      expect(await stores.rollups.find(tenantId, AGENTS.map((agentId) => seriesRollupId(tenantId, agentId, '2026-02-01')))).toEqual([]);
      await check('after retention of 2026-02-05');
    });
  });
}
