/** warmRollups (src/metrics/warm-rollups.ts) on the memory stores: after it, reads need no bucket. */
import { describe, expect, it } from 'vitest';
import { rangeTotals, type RangeTotalsStats } from '../../../src/metrics/range-totals.js';
import { warmRollups } from '../../../src/metrics/warm-rollups.js';
import { memoryRegionStores } from '../../../src/store/memory/index.js';
import { bucket } from '../../contract/fixtures.js';

const now = () => new Date('2026-03-10T12:00:00Z');
const tenant = { _id: 'acme', timeZone: 'Europe/Berlin', syncStart: '2026-01-15' };

describe('warmRollups', () => {
  it('rebuilds what is stale from syncStart to today, so a read of any range in it sums no bucket', async () => {
    const stores = memoryRegionStores('eu');
    await stores.daily.replace([bucket('acme', 7, '2026-01-20', { solves: 2 }), bucket('acme', 7, '2026-03-09', { solves: 3 }), bucket('acme', 8, '2026-02-14')], []);
    const deps = { daily: stores.daily, rollups: stores.rollups, now };
    const first = await warmRollups(deps, tenant);
    expect(first.saved).toBeGreaterThan(0);
    const read: RangeTotalsStats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 };
    const totals = await rangeTotals(deps, 'acme', '2026-01-20', '2026-03-10', read);
    expect(read.bucketDays).toBe(0);
    expect(totals.get(7)?.solves).toBe(5);
    // Nothing changed: nothing to rebuild.
    expect((await warmRollups(deps, tenant)).saved).toBe(0);
    // A write to one day: only that day and its block (03-01..10, the range's last segment) are rebuilt.
    await stores.daily.replace([bucket('acme', 7, '2026-03-09', { solves: 4 })], []);
    const again = await warmRollups(deps, tenant);
    expect(again.bucketDays).toBe(1);
    expect(again.saved).toBe(2);
  });

  it('stops at its signal, with the signal\'s reason', async () => {
    const stores = memoryRegionStores('eu');
    await stores.daily.replace([bucket('acme', 7, '2026-01-20', { solves: 2 })], []);
    const controller = new AbortController();
    const reason = new Error('shutdown');
    controller.abort(reason);
    await expect(warmRollups({ daily: stores.daily, rollups: stores.rollups, now, signal: controller.signal }, tenant)).rejects.toBe(reason);
  });

  it('saves no rollup once mayCache says no (the tenant is being offboarded), and still sums the buckets', async () => {
    const stores = memoryRegionStores('eu');
    await stores.daily.replace([bucket('acme', 7, '2026-01-20', { solves: 2 })], []);
    const stats = await warmRollups({ daily: stores.daily, rollups: stores.rollups, now, mayCache: () => Promise.resolve(false) }, tenant);
    expect(stats.saved).toBe(0);
    const read: RangeTotalsStats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 };
    expect((await rangeTotals({ daily: stores.daily, rollups: stores.rollups, now, mayCache: () => Promise.resolve(false) }, 'acme', '2026-01-20', '2026-01-20', read)).get(7)?.solves).toBe(2);
    expect(read.used).toBe(0);
  });
});
