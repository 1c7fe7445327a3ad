// Offboarding a tenant through the CLI: every document of it in its region, its
// schedulers and queued jobs, and finally its key; a neighbour stays untouched.
// The schedulers are the reconciler's own (jobs/schedulers.ts), also with a real
// worker running them; an offboarding cut short by a Redis outage is finished by
// running the same command again.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSyncSchedulerId, syncSchedulerId } from '../../jobs/catalog.js';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';
import { reconcileSchedulers } from '../../jobs/schedulers.js';
import { STREAMS, storedIds } from '../../schemas/records.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { requestPurge } from '../../src/privacy/request-purge.js';
import { purgeDepsOf, runPurge } from '../../src/privacy/run-purge.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { runTallyWithin, unreachableRedisUrl } from '../helpers/redis-outage.js';
import { seedAgent, seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { addSimulatedTenant, type Fleet, startFleet } from '../helpers/worker-fleet.js';
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

const schedulersOf = (schedulers: { key: string }[], tenantId: string) => schedulers.filter((s) => parseSyncSchedulerId(s.key)?.tenantId === tenantId);

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
  // The schedulers a worker makes: one per stream, ids `ingest.syncTick:<tenant>:<stream>`.
  await reconcileSchedulers(database.tenants, queueOf(QUEUE.syncTick), 3_600_000);
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
    expect(schedulersOf(await queueOf(QUEUE.syncTick).getJobSchedulers(), 'careful')).toHaveLength(STREAMS.length);
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
    expect(receipt.schedulers).toBe(STREAMS.length);
    // The two queued syncs (each scheduler's next tick goes with the scheduler).
    expect(receipt.jobs).toBe(2);
    expect(receipt.tenantKeyDeleted).toBe(true);
    expect(Object.values(receipt.remaining).every((count) => count === 0)).toBe(true);
    const deleted = Object.fromEntries(Object.entries(receipt.counts).filter(([, count]) => count > 0).map(([name, count]) => [`us.${name}`, count]));
    expect(deleted).toEqual(before);

    // Only the offboarding record, the evidence, is left.
    expect(await documentsOf('leaving')).toEqual({ 'us.offboardings': 1 });
    await expect(regions.keyring('us').emailIndex('leaving', 'x@y.example')).rejects.toMatchObject({ code: 'CRYPTO_KEY_MISSING' });
    expect(await documentsOf('careful')).toEqual(neighbour);
    expect((await queueOf(QUEUE.syncTick).getJobSchedulers()).map((s) => s.key).sort()).toEqual(STREAMS.map((stream) => syncSchedulerId('careful', stream)).sort());
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

describe('tenants remove while a worker runs the tenant', { timeout: 240_000 }, () => {
  const SPEED = 20;
  const account = (name: string, seed: number) => ({ account: name, seed, agents: 4, days: 1, ticketsPerDay: 15 });
  let simulator: ZendeskSimulator;
  let fleet: Fleet;

  beforeAll(async () => {
    simulator = createZendeskSimulator({ accounts: [account('exiting', 61), account('staying', 62), account('interrupted', 63)], speed: SPEED });
    await simulator.listen(0);
    fleet = startFleet(regions, {
      TALLY_ZENDESK_MINUTE_MS: String(60_000 / SPEED),
      TALLY_SYNC_INTERVAL_MS: '2000',
      // Short, so the worker's reconciler runs again and again while the offboarding does.
      TALLY_RECONCILE_INTERVAL_MS: '300',
      TALLY_LEASE_MS: '8000',
      TALLY_LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    await fleet?.close();
    await simulator?.close();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
  }
  const euSchedulersOf = async (tenantId: string) => schedulersOf(await fleet.tickQueue('eu').getJobSchedulers(0, -1), tenantId);
  /** Waiting, delayed or prioritised jobs of the tenant in the worker's eu sync and tick queues. */
  const queuedOf = async (tenantId: string) => {
    const found: string[] = [];
    for (const queue of [fleet.syncQueue('eu'), fleet.tickQueue('eu')]) {
      for (const job of await queue.getJobs(['waiting', 'delayed', 'prioritized'])) if ((job.data as { tenantId?: string }).tenantId === tenantId) found.push(`${queue.name}:${job.id ?? ''}`);
    }
    return found;
  };
  const scheduledAndSynced = (tenantId: string) =>
    until(`the worker to schedule and sync ${tenantId}`, async () => {
      const facts = await regions.router.region('eu').db.collection('facts').countDocuments({ tenantId });
      return (await euSchedulersOf(tenantId)).length === STREAMS.length && facts > 0;
    });

  it('removes the schedulers the worker made and their ticks, every document and the key; no stack trace; the neighbour keeps syncing', async () => {
    for (const id of ['exiting', 'staying']) await addSimulatedTenant(regions, simulator, { id, region: 'eu', account: id, timeZone: 'UTC' });
    const worker = await fleet.start('w1', { TALLY_WORKER_REGIONS: 'eu' });
    await scheduledAndSynced('exiting');
    await scheduledAndSynced('staying');

    const result = await runTallyWithin(['tenants', 'remove', '--id', 'exiting', '--confirm', 'exiting'], fleet.env, 60_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const receipt = JSON.parse(result.stdout) as { schedulers: number; tenantKeyDeleted: boolean; remaining: Record<string, number> };
    expect(receipt.tenantKeyDeleted).toBe(true);
    expect(Object.values(receipt.remaining).every((count) => count === 0)).toBe(true);
    // The worker's reconciler may remove some of them itself once the tenant record is gone.
    expect(receipt.schedulers).toBeLessThanOrEqual(STREAMS.length);
    expect(await documentsOf('exiting')).toEqual({ 'eu.offboardings': 1 });
    expect(await euSchedulersOf('exiting')).toEqual([]);

    // Several reconciliations and tick intervals later, nothing of it came back.
    await sleep(4_000);
    expect(await euSchedulersOf('exiting')).toEqual([]);
    expect(await queuedOf('exiting')).toEqual([]);
    expect(await documentsOf('exiting')).toEqual({ 'eu.offboardings': 1 });
    expect((await euSchedulersOf('staying')).length).toBe(STREAMS.length);
    expect(worker.child.exitCode, worker.stderr()).toBeNull();
    const offboarding = (await regions.router.region('eu').purges.offboardings('exiting'))[0];
    expect(offboarding?.state).toBe('done');
  });

  it('cut short by an unreachable Redis, fails fast with the fix and no stack trace; the same command then finishes it', async () => {
    await addSimulatedTenant(regions, simulator, { id: 'interrupted', region: 'eu', account: 'interrupted', timeZone: 'UTC' });
    await scheduledAndSynced('interrupted');
    const before = await documentsOf('interrupted');

    const cut = await runTallyWithin(['tenants', 'remove', '--id', 'interrupted', '--confirm', 'interrupted'], { ...fleet.env, REDIS_URL: await unreachableRedisUrl() }, 45_000);
    expect(cut.killed, 'the command hung').toBe(false);
    expect(cut.elapsedMs).toBeLessThan(20_000);
    expect(cut.code).not.toBe(0);
    expect(cut.stderr).toContain('[REDIS_UNAVAILABLE]');
    expect(cut.stderr).toContain('tally tenants remove --id interrupted --confirm interrupted');
    expect(cut.stderr).not.toMatch(/\n\s+at /);
    expect(cut.stderr).not.toContain('[ioredis]');
    expect(cut.stderr.trim().split('\n')).toHaveLength(1);
    const started = await regions.router.region('eu').purges.offboardings('interrupted');
    expect(started.map((record) => record.state)).toEqual(['started']);
    // The tenant record went first (no sync or reconciler brings the tenant back); its data waits
    // for the rerun, once a sync that was running has stopped after its page.
    expect(before['eu.tenants']).toBe(1);
    await sleep(2_000);
    const left = await documentsOf('interrupted');
    expect(left['eu.tenants']).toBeUndefined();
    expect(left['eu.facts']).toBeGreaterThan(0);

    const resumed = await runTallyWithin(['tenants', 'remove', '--id', 'interrupted', '--confirm', 'interrupted'], fleet.env, 60_000);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const receipt = JSON.parse(resumed.stdout) as { startedAt: string; counts: Record<string, number>; remaining: Record<string, number> };
    expect(Object.values(receipt.remaining).every((count) => count === 0)).toBe(true);
    expect(receipt.startedAt).toBe(started[0]?.startedAt.toISOString());
    expect(receipt.counts['facts']).toBe(left['eu.facts']);
    expect(receipt.counts['tenants']).toBe(1);
    expect(await documentsOf('interrupted')).toEqual({ 'eu.offboardings': 1 });
    expect((await regions.router.region('eu').purges.offboardings('interrupted')).map((record) => record.state)).toEqual(['done']);
    await until('no scheduler of the tenant', async () => (await euSchedulersOf('interrupted')).length === 0, 10_000);
    expect(await queuedOf('interrupted')).toEqual([]);
  });
});
