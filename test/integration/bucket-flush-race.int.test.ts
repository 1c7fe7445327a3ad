// Two streams of one tenant flush their stale buckets at the same moment (the worker
// runs them as separate jobs). A flush that read the facts before the other stream's
// page must not leave its older numbers behind: the bucket ends with every fact.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoredFact, type StoredTenant, storedIds } from '../../schemas/records.js';
import { redisSyncLocks } from '../../src/ingest/tenant-lock.js';
import { flushStaleBuckets } from '../../src/ingest/sync-stream.js';
import { staleBucketsOf } from '../../src/metrics/recompute-buckets.js';
import { localDay } from '../../src/metrics/stored-daily.js';
import type { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { seedTenant } from '../helpers/seed-agent.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const AGENT = 7;
const AT = new Date('2026-06-01T10:00:00Z');
let regions: TwoRegions;
let redis: Redis;

beforeAll(async () => {
  regions = await startTwoRegions();
  redis = new Redis(localConfig().redisUrl);
});
afterAll(async () => {
  await redis?.quit();
  await regions?.close();
});

const reply = (tenant: StoredTenant, n: number): StoredFact => {
  const at = new Date(AT.getTime() + n * 60_000);
  return { _id: `${tenant._id}:public_reply:${n}:0`, tenantId: tenant._id, kind: 'public_reply', ticketId: 100 + n, agentId: AGENT, at, day: localDay(at, tenant.timeZone) };
};

/** Stores facts the way a sync page does: facts first, then their stale marks. */
async function storePage(database: RegionDatabase, tenant: StoredTenant, facts: StoredFact[]): Promise<void> {
  await database.facts.insertMany(facts);
  await database.staleBuckets.mark(await staleBucketsOf(database.facts, tenant._id, facts));
}

/** The database as a flush sees it, with its facts read held until `release` is called. */
function withHeldFactReads(database: RegionDatabase) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let readStarted!: () => void;
  const reading = new Promise<void>((resolve) => (readStarted = resolve));
  const facts = {
    onDay: async (tenantId: string, day: string) => {
      const found = await database.facts.onDay(tenantId, day);
      readStarted();
      await released;
      return found;
    },
    ratingsOf: (tenantId: string, ticketIds: readonly number[]) => database.facts.ratingsOf(tenantId, ticketIds),
  };
  const held = { facts, daily: database.daily, staleBuckets: database.staleBuckets } as unknown as RegionDatabase;
  return { held, reading, release };
}

async function setUp() {
  const database = regions.router.region('us');
  const tenant = await seedTenant(database, regions.keyring('us'), uniqueName('race').replace(/[^a-z0-9-]/g, '-').slice(0, 40));
  const bucketId = storedIds.daily(tenant._id, AGENT, localDay(AT, tenant.timeZone));
  const bucket = async () => (await database.db.collection<{ _id: string; publicReplies: number }>('daily').findOne({ _id: bucketId }))?.publicReplies;
  const marks = async () => (await database.staleBuckets.list(tenant._id)).length;
  return { database, tenant, bucket, marks };
}

describe('flushing stale buckets', { timeout: 60_000 }, () => {
  it("a flush that read the facts before another stream's page never overwrites the newer numbers", async () => {
    const { database, tenant, bucket, marks } = await setUp();
    const locks = redisSyncLocks(redis, uniqueName('locks'));
    await storePage(database, tenant, [reply(tenant, 1)]);

    const slow = withHeldFactReads(database);
    const first = flushStaleBuckets({ tenant, database: slow.held, locks, now: () => new Date() });
    await slow.reading;
    // The other stream stores its page and flushes while the first flush still holds what it read.
    await storePage(database, tenant, [reply(tenant, 2)]);
    const second = flushStaleBuckets({ tenant, database, locks, now: () => new Date() });
    await new Promise((resolve) => setTimeout(resolve, 300));
    slow.release();
    await Promise.all([first, second]);

    expect(await bucket()).toBe(2);
    expect(await marks()).toBe(0);
  });

  it('a flush that lost the lock while it worked keeps its marks, and the next flush repairs the bucket', async () => {
    const { database, tenant, bucket, marks } = await setUp();
    const prefix = uniqueName('locks');
    const locks = redisSyncLocks(redis, prefix);
    await storePage(database, tenant, [reply(tenant, 1)]);

    const slow = withHeldFactReads(database);
    const first = flushStaleBuckets({ tenant, database: slow.held, locks, now: () => new Date() });
    await slow.reading;
    // As if the first holder stalled past the lock's lifetime: the lock lapses, and another flush runs in full.
    await redis.del(`${prefix}:buckets:${tenant._id}`);
    await storePage(database, tenant, [reply(tenant, 2)]);
    await flushStaleBuckets({ tenant, database, locks, now: () => new Date() });
    expect(await bucket()).toBe(2);
    slow.release();
    await first;

    // The stalled flush wrote its older numbers, but left its marks behind.
    expect(await bucket()).toBe(1);
    expect(await marks()).toBeGreaterThan(0);
    await flushStaleBuckets({ tenant, database, locks, now: () => new Date() });
    expect(await bucket()).toBe(2);
    expect(await marks()).toBe(0);
  });
});
