/**
 * Buckets handed from a sync's recompute to its rollup warm-up (src/metrics/written-buckets.ts,
 * docs/metrics.md#handed-buckets), on the memory stores: handed only for whole days
 * still at the version their write gave them, and the rollups come out the same as
 * from buckets read back.
 */
import { describe, expect, it } from 'vitest';
import type { StoredFact } from '../../../schemas/records.js';
import { addDay, addDays, type AgentTotals } from '../../../src/metrics/metrics-report.js';
import { clearDecodedRollups, rangeTotals } from '../../../src/metrics/range-totals.js';
import { recomputeBuckets, staleBucketsOf } from '../../../src/metrics/recompute-buckets.js';
import { warmRollups } from '../../../src/metrics/warm-rollups.js';
import { WrittenBuckets } from '../../../src/metrics/written-buckets.js';
import { memoryRegionStores } from '../../../src/store/memory/index.js';
import { bucket, collect, fact } from '../../contract/fixtures.js';

const FIRST = '2026-02-01';
/** The warm-up covers FIRST to today: 20 days. */
const now = () => new Date('2026-02-20T12:00:00Z');
const tenant = { _id: 'acme', timeZone: 'UTC', syncStart: FIRST };

/** Solves by agents 7 and 8 on each of `days` days from FIRST (7 solves twice a day). */
function solves(days: number): StoredFact[] {
  return Array.from({ length: days }, (_, index) => addDays(FIRST, index)).flatMap((day) =>
    [7, 7, 8].map((agentId, n) => fact('acme', `solve:${day}:${n}`, { kind: 'solve', agentId, ticketId: 100 + n, day, at: new Date(`${day}T10:0${n}:00Z`) })),
  );
}

async function backfilled(days: number) {
  // Decoded rollups are kept per process: none from another test.
  clearDecodedRollups();
  const stores = memoryRegionStores('eu');
  const facts = solves(days);
  await stores.facts.insertMany(facts);
  const stale = await staleBucketsOf(stores.facts, 'acme', facts);
  const written = new WrittenBuckets('acme');
  const recompute = () => recomputeBuckets({ facts: stores.facts, daily: stores.daily, now, written }, { id: 'acme', timeZone: 'UTC' }, stale);
  const warm = () => warmRollups({ daily: stores.daily, rollups: stores.rollups, now, written }, tenant);
  return { stores, written, recompute, warm };
}

/** Each agent's solves over the range, summed from the buckets as stored. */
async function storedSolves(stores: ReturnType<typeof memoryRegionStores>, from: string, to: string): Promise<Map<number, number>> {
  const totals = new Map<number, AgentTotals>();
  for (const row of await collect(stores.daily.range('acme', from, to))) addDay(totals, row, true);
  return new Map([...totals].map(([agentId, agent]) => [agentId, agent.solves]));
}

/** The same, read through the rollups the warm-up saved (nothing decoded kept from it). */
async function rolledUpSolves(stores: ReturnType<typeof memoryRegionStores>, from: string, to: string): Promise<Map<number, number>> {
  clearDecodedRollups();
  const stats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 };
  const totals = await rangeTotals({ daily: stores.daily, rollups: stores.rollups, now }, 'acme', from, to, stats);
  expect(stats.bucketDays).toBe(0);
  return new Map([...totals].map(([agentId, agent]) => [agentId, agent.solves]));
}

describe('WrittenBuckets', () => {
  it('hands a day out once, and only at the version it was kept with', () => {
    const written = new WrittenBuckets('acme');
    const rows = [bucket('acme', 7, '2026-02-01')];
    written.keep('2026-02-01', 'v1', rows);
    expect(written.take('acme', '2026-02-01', 'v2')).toBeUndefined();
    written.keep('2026-02-01', 'v1', rows);
    expect(written.take('other', '2026-02-01', 'v1')).toBeUndefined();
    expect(written.take('acme', '2026-02-01', 'v1')).toBe(rows);
    expect(written.take('acme', '2026-02-01', 'v1')).toBeUndefined();
    written.keep('2026-02-02', 'v1', rows);
    written.forget('2026-02-02');
    expect(written.take('acme', '2026-02-02', 'v1')).toBeUndefined();
  });

  it('holds no day past its limit, and a forgotten day frees its room', () => {
    const written = new WrittenBuckets('acme', 2);
    const two = [bucket('acme', 7, '2026-02-01'), bucket('acme', 8, '2026-02-01')];
    written.keep('2026-02-01', 'v1', two);
    written.keep('2026-02-02', 'v1', [bucket('acme', 7, '2026-02-02')]);
    expect(written.take('acme', '2026-02-02', 'v1')).toBeUndefined();
    written.forget('2026-02-01');
    written.keep('2026-02-02', 'v1', [bucket('acme', 7, '2026-02-02')]);
    expect(written.take('acme', '2026-02-02', 'v1')).toHaveLength(1);
  });
});

describe('buckets handed from the recompute to the warm-up', () => {
  it('sums a backfill\'s days from the buckets it wrote, and saves the rollups reading them back would', async () => {
    const { stores, recompute, warm } = await backfilled(20);
    await recompute();
    const stats = await warm();
    expect(stats.handedDays).toBe(20);
    expect(stats.bucketDays).toBe(0);
    const last = addDays(FIRST, 19);
    expect(await rolledUpSolves(stores, FIRST, last)).toEqual(await storedSolves(stores, FIRST, last));
    expect((await rolledUpSolves(stores, FIRST, last)).get(7)).toBe(40);
    // A range that cuts into a block reads the day rollups the warm-up saved.
    expect(await rolledUpSolves(stores, addDays(FIRST, 3), addDays(FIRST, 12))).toEqual(await storedSolves(stores, addDays(FIRST, 3), addDays(FIRST, 12)));
  });

  it('reads back a day that held another bucket before the write', async () => {
    const { stores, recompute, warm } = await backfilled(20);
    // Agent 9 has a bucket on the fifth day and no fact: the recompute does not rewrite it.
    await stores.daily.replace([bucket('acme', 9, addDays(FIRST, 4), { solves: 3 })], []);
    await recompute();
    const stats = await warm();
    expect(stats.bucketDays).toBe(1);
    expect(stats.handedDays).toBe(19);
    const totals = await rolledUpSolves(stores, FIRST, addDays(FIRST, 19));
    expect(totals.get(9)).toBe(3);
    expect(totals).toEqual(await storedSolves(stores, FIRST, addDays(FIRST, 19)));
  });

  it('reads back a day written again after the recompute', async () => {
    const { stores, recompute, warm } = await backfilled(20);
    await recompute();
    // Another writer (an erasure, a later flush) changes the day's version.
    await stores.daily.replace([bucket('acme', 7, addDays(FIRST, 10), { solves: 9 })], []);
    const stats = await warm();
    expect(stats.bucketDays).toBe(1);
    expect(stats.handedDays).toBe(19);
    const totals = await rolledUpSolves(stores, FIRST, addDays(FIRST, 19));
    expect(totals.get(7)).toBe(38 + 9);
    expect(totals).toEqual(await storedSolves(stores, FIRST, addDays(FIRST, 19)));
  });

  it('hands nothing over for a flush of a few days (a steady sync reads them back as before)', async () => {
    const { recompute, warm } = await backfilled(5);
    await recompute();
    const stats = await warm();
    expect(stats.handedDays).toBe(0);
    expect(stats.bucketDays).toBe(20);
  });
});
