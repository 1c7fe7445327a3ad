// The versions of bucket days on FerretDB (src/store/mongo/rollup-store.ts,
// docs/metrics.md#handed-buckets): a write that another writer marked in between is
// not alone, and ends with every day written under a version neither writer gave it;
// an erasure's bump gives every other day a new version and leaves `writing` as it was.
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishBucketDays, markBucketDays, bumpTenantDays, MongoRollupStore } from '../../src/store/mongo/rollup-store.js';
import { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { bucket, newTenantId } from '../contract/fixtures.js';
import { scratchDatabase } from '../helpers/local-services.js';

let db: Db;
let close: (() => Promise<void>) | undefined;
const now = new Date('2026-03-10T12:00:00Z');

beforeAll(async () => {
  ({ db, close } = await scratchDatabase());
  await new RegionDatabase('us', db).ensureIndexes();
});

afterAll(async () => {
  await close?.();
});

const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];

describe('bucket day marks', () => {
  it('finishes a write that was alone with the versions it returns', async () => {
    const tenantId = newTenantId();
    const writing = await markBucketDays(db, tenantId, DAYS, true, now);
    const finished = await finishBucketDays(db, tenantId, writing, now);
    const versions = await new MongoRollupStore(db).dayVersions(tenantId, ['2026-03']);
    expect(finished).not.toBeNull();
    for (const day of DAYS) {
      expect(versions.get(day)).toEqual({ version: finished?.get(day), writing: false });
      expect(finished?.get(day)).not.toBe(writing.get(day));
    }
  });

  it('tells a write that another writer marked a day meanwhile that it was not alone, and marks every day written again', async () => {
    const tenantId = newTenantId();
    const ours = await markBucketDays(db, tenantId, DAYS, true, now);
    const theirs = await markBucketDays(db, tenantId, ['2026-03-02'], false, now);
    expect(await finishBucketDays(db, tenantId, ours, now)).toBeNull();
    const versions = await new MongoRollupStore(db).dayVersions(tenantId, ['2026-03']);
    for (const day of DAYS) {
      const state = versions.get(day);
      expect(state?.writing).toBe(false);
      expect(state?.version).not.toBe(ours.get(day));
    }
    expect(versions.get('2026-03-02')?.version).not.toBe(theirs.get('2026-03-02'));
  });

  it('reports no whole day from a replace when another bucket was on it', async () => {
    const tenantId = newTenantId();
    const daily = new RegionDatabase('us', db).daily;
    await daily.replace([bucket(tenantId, 9, '2026-03-01')], []);
    const whole = await daily.replace([bucket(tenantId, 7, '2026-03-01'), bucket(tenantId, 7, '2026-03-02')], [], { wholeDays: true });
    expect([...whole.keys()]).toEqual([`${tenantId}:2026-03-02`]);
  });

  it('bumps every other day of the tenant, writing or not, and leaves the excepted ones', async () => {
    const tenantId = newTenantId();
    const other = newTenantId();
    await markBucketDays(db, tenantId, ['2026-03-01'], true, now);
    await markBucketDays(db, tenantId, ['2026-03-02', '2026-03-03'], false, now);
    await markBucketDays(db, other, ['2026-03-01'], false, now);
    const rollups = new MongoRollupStore(db);
    const before = await rollups.dayVersions(tenantId, ['2026-03']);
    const otherBefore = await rollups.dayVersions(other, ['2026-03']);
    await bumpTenantDays(db, tenantId, ['2026-03-03'], now);
    const after = await rollups.dayVersions(tenantId, ['2026-03']);
    expect(after.get('2026-03-01')?.writing).toBe(true);
    expect(after.get('2026-03-01')?.version).not.toBe(before.get('2026-03-01')?.version);
    expect(after.get('2026-03-02')?.writing).toBe(false);
    expect(after.get('2026-03-02')?.version).not.toBe(before.get('2026-03-02')?.version);
    expect(after.get('2026-03-03')).toEqual(before.get('2026-03-03'));
    expect(await rollups.dayVersions(other, ['2026-03'])).toEqual(otherBefore);
  });
});
