// Offboarding a tenant through the CLI: every document of it in its region, its
// schedulers and queued jobs, and finally its key; a neighbour stays untouched.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';
import { storedIds } from '../../schemas/records.js';
import { requestPurge } from '../../src/privacy/request-purge.js';
import { purgeDepsOf, runPurge } from '../../src/privacy/run-purge.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { seedAgent, seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const QUEUE_BASE = uniqueName('tally-offboard');
let regions: TwoRegions;
let redis: Redis;
const queues: Queue[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  redis = new Redis(localConfig().redisUrl, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await redis?.quit();
  await regions?.close();
});

const queueOf = (name: string) => {
  const queue = new Queue(name, { connection: redis, prefix: regionQueuePrefix('us', QUEUE_BASE) });
  queues.push(queue);
  return queue;
};

/** Documents of the tenant per collection, in both regions (`tenants` by _id, the rest by tenantId). */
async function documentsOf(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const region of ['us', 'eu'] as const) {
    const db = regions.router.region(region).db;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      const count = await db.collection<{ _id: string }>(name).countDocuments(name === 'tenants' ? { _id: tenantId } : { tenantId });
      if (count > 0) counts[`${region}.${name}`] = (counts[`${region}.${name}`] ?? 0) + count;
    }
  }
  return counts;
}

async function seeded(id: string) {
  const database = regions.router.region('us');
  const keyring = regions.keyring('us');
  const tenant = await seedTenant(database, keyring, id);
  await seedAgent(database, keyring, tenant, 360_000_000_501, { facts: 120 });
  await seedAgent(database, keyring, tenant, 360_000_000_502, { facts: 80 });
  await database.checkpoints.save(id, 'users', '12345', new Date());
  await database.quarantined.add([{ _id: `${id}:tickets:9`, tenantId: id, stream: 'tickets', recordId: '9', errors: [{ path: 'status', code: 'invalid_value' }], at: new Date() }]);
  await database.staleBuckets.mark([{ _id: storedIds.daily(id, 360_000_000_501, '2026-06-01'), tenantId: id, agentId: 360_000_000_501, day: '2026-06-01' }]);
  const request = await requestPurge({ router: regions.router, keyring: () => keyring, now: () => new Date(), actor: 'test' }, { tenant: id, agent: '360000000502' });
  await runPurge(purgeDepsOf(database, keyring, { now: () => new Date(), actor: 'test' }), request._id);
  const tick = queueOf(QUEUE.syncTick);
  for (const stream of ['users', 'tickets']) await tick.upsertJobScheduler(`${id}:${stream}`, { every: 3_600_000 }, { name: 'sync.tick', data: { tenantId: id, stream } });
  const sync = queueOf(QUEUE.sync);
  await sync.add('sync.stream', { tenantId: id, stream: 'users' });
  await sync.add('sync.stream', { tenantId: id, stream: 'tickets' }, { delay: 3_600_000 });
}

describe('tenants remove', { timeout: 120_000 }, () => {
  it('refuses without the matching --confirm, and changes nothing', async () => {
    await seeded('careful');
    const before = await documentsOf('careful');
    const result = await runTally(['tenants', 'remove', '--id', 'careful', '--confirm', 'carefull'], { ...regions.env, TALLY_QUEUE_PREFIX: QUEUE_BASE });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--confirm must repeat the tenant id');
    expect(await documentsOf('careful')).toEqual(before);
    expect((await queueOf(QUEUE.syncTick).getJobSchedulers()).filter((s) => s.key.startsWith('careful:'))).toHaveLength(2);
  });

  it('deletes every document, scheduler and queued job of the tenant, then its key; the neighbour keeps everything', async () => {
    await seeded('leaving');
    const before = await documentsOf('leaving');
    const neighbour = await documentsOf('careful');
    expect(before['us.facts']).toBe(120 + 8); // the purged agent's ratings stay, crediting nobody
    expect(before['us.keys']).toBe(2); // the tenant key and the remaining agent's key

    const result = await runTally(['tenants', 'remove', '--id', 'leaving', '--confirm', 'leaving'], { ...regions.env, TALLY_QUEUE_PREFIX: QUEUE_BASE });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const receipt = JSON.parse(result.stdout) as { counts: Record<string, number>; schedulers: number; jobs: number; tenantKeyDeleted: boolean; remaining: Record<string, number> };
    expect(receipt.schedulers).toBe(2);
    // The two queued syncs, and the two ticks the schedulers had already emitted.
    expect(receipt.jobs).toBe(4);
    expect(receipt.tenantKeyDeleted).toBe(true);
    expect(Object.values(receipt.remaining).every((count) => count === 0)).toBe(true);
    const deleted = Object.fromEntries(Object.entries(receipt.counts).filter(([, count]) => count > 0).map(([name, count]) => [`us.${name}`, count]));
    expect(deleted).toEqual(before);

    // Only the offboarding record, the evidence, is left.
    expect(await documentsOf('leaving')).toEqual({ 'us.offboardings': 1 });
    await expect(regions.keyring('us').emailIndex('leaving', 'x@y.example')).rejects.toMatchObject({ code: 'CRYPTO_KEY_MISSING' });
    expect(await documentsOf('careful')).toEqual(neighbour);
    expect((await queueOf(QUEUE.syncTick).getJobSchedulers()).map((s) => s.key).sort()).toEqual(['careful:tickets', 'careful:users']);
    for (const name of [QUEUE.sync, QUEUE.syncTick]) {
      const queued = await queueOf(name).getJobs(['waiting', 'delayed', 'prioritized']);
      expect(queued.length, name).toBeGreaterThanOrEqual(2);
      expect(queued.every((job) => (job.data as { tenantId: string }).tenantId === 'careful'), name).toBe(true);
    }

    const again = await runTally(['tenants', 'remove', '--id', 'leaving', '--confirm', 'leaving'], { ...regions.env, TALLY_QUEUE_PREFIX: QUEUE_BASE });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('--id leaving is not a tenant');
  });
});
