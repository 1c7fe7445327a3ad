// Retention through its scheduled job on the region's retention queue: facts one
// second outside the window go, one second inside stay; expired days' buckets stay
// as they were; each run's counts land in the audit log.
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';
import { createRetentionProcessor, scheduleRetention } from '../../jobs/retention-job.js';
import type { StoredFact } from '../../schemas/records.js';
import { localDay } from '../../src/metrics/stored-daily.js';
import { recomputeBuckets } from '../../src/metrics/recompute-buckets.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-11-20T10:00:00.000Z');
const QUEUE_BASE = uniqueName('tally-retention');
let regions: TwoRegions;
const connections: Redis[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
});
afterAll(async () => {
  for (const connection of connections) await connection.quit();
  await regions?.close();
});

const connection = () => {
  const redis = new Redis(localConfig().redisUrl, { maxRetriesPerRequest: null });
  connections.push(redis);
  return redis;
};

describe('retention', { timeout: 120_000 }, () => {
  it('the scheduled job deletes facts outside the window to the second and buckets of expired days, and audits the counts', async () => {
    const database = regions.router.region('eu');
    const keyring = regions.keyring('eu');
    const tenant = await seedTenant(database, keyring, 'keeper');
    await database.tenants.update('keeper', { retention: { factDays: 30, bucketDays: 60 } }, NOW);
    const factCutoff = NOW.getTime() - 30 * DAY_MS;
    const bucketCutoff = NOW.getTime() - 60 * DAY_MS;
    const fact = (name: string, atMs: number, agentId = 360_000_000_601): StoredFact => {
      const at = new Date(atMs);
      return { _id: `keeper:public_reply:${name}:0`, tenantId: 'keeper', kind: 'public_reply', ticketId: 1, agentId, at, day: localDay(at, tenant.timeZone) };
    };
    const facts = [
      fact('outside-by-1s', factCutoff - 1_000),
      fact('inside-by-1s', factCutoff + 1_000),
      fact('day-before-cutoff', factCutoff - DAY_MS),
      fact('recent', NOW.getTime() - DAY_MS),
      // Its bucket is on the last local day before the bucket cutoff's day: it goes.
      fact('bucket-expired', bucketCutoff - DAY_MS),
      // Its bucket's day holds the bucket cutoff: it stays, though its fact expires.
      fact('bucket-kept', bucketCutoff + 1_000),
    ];
    await database.facts.insertMany(facts);
    await recomputeBuckets({ facts: database.facts, daily: database.daily, now: () => NOW }, { id: 'keeper', timeZone: tenant.timeZone }, facts.map((f) => ({ agentId: f.agentId, day: f.day })));
    const bucketsBefore = await database.db.collection('daily').find({ tenantId: 'keeper' }).sort({ day: 1 }).toArray();
    // The two facts around the fact cutoff share a local day, so one bucket each for five days.
    expect(bucketsBefore).toHaveLength(5);

    const prefix = regionQueuePrefix('eu', QUEUE_BASE);
    const queue = new Queue(QUEUE.retention, { connection: connection(), prefix });
    const events = new QueueEvents(QUEUE.retention, { connection: connection(), prefix });
    await events.waitUntilReady();
    const finished = new Promise<unknown>((resolve, reject) => {
      events.once('completed', ({ returnvalue }) => resolve(returnvalue));
      events.once('failed', ({ failedReason }) => reject(new Error(failedReason)));
    });
    await scheduleRetention(queue, 'eu', DAY_MS);
    const worker = new Worker(QUEUE.retention, createRetentionProcessor({ router: regions.router, now: () => NOW, actor: 'worker:test' }, 'eu'), { connection: connection(), prefix });
    try {
      const result = await finished;
      expect(result).toEqual([{ tenant: 'keeper', facts: 4, daily: 1, factsBefore: new Date(factCutoff).toISOString(), bucketsBeforeDay: localDay(new Date(bucketCutoff), tenant.timeZone) }]);
      expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).toEqual(['retention:eu']);
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }

    const left = (await database.db.collection<StoredFact>('facts').find({ tenantId: 'keeper' }).toArray()).map((f) => f._id).sort();
    expect(left).toEqual(['keeper:public_reply:inside-by-1s:0', 'keeper:public_reply:recent:0']);
    const bucketsAfter = await database.db.collection('daily').find({ tenantId: 'keeper' }).sort({ day: 1 }).toArray();
    // Every bucket but the expired one, exactly as before: expired facts do not empty their days.
    expect(bucketsAfter).toEqual(bucketsBefore.slice(1));

    const audit = [];
    for await (const entry of database.audit.entries('keeper')) audit.push(entry);
    expect(audit.map((entry) => [entry.action, entry.actor, entry.details['facts'], entry.details['daily']])).toEqual([['retention.run', 'worker:test', 4, 1]]);
  });

  it('tenants retention accepts bounded values and refuses others, naming the flag', async () => {
    const env = regions.env;
    const short = await runTally(['tenants', 'retention', '--id', 'keeper', '--fact-days', '29'], env);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('--fact-days');
    const inverted = await runTally(['tenants', 'retention', '--id', 'keeper', '--fact-days', '90', '--bucket-days', '60'], env);
    expect(inverted.code).not.toBe(0);
    expect(inverted.stderr).toContain('--bucket-days 60 is shorter than the fact retention');
    expect((await regions.router.region('eu').tenants.find('keeper'))?.retention).toEqual({ factDays: 30, bucketDays: 60 });
    const ok = await runTally(['tenants', 'retention', '--id', 'keeper', '--fact-days', '400', '--bucket-days', '760'], env);
    expect(ok.code).toBe(0);
    expect((await regions.router.region('eu').tenants.find('keeper'))?.retention).toEqual({ factDays: 400, bucketDays: 760 });
  });
});
