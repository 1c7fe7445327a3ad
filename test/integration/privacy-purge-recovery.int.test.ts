// A purge filed while Redis is unreachable, and a purge job that gave up: neither
// may stay unfinished. `tally purge` fails fast with what happens next; the
// request shows as pending; the worker's purge reconciler (jobs/purge-reconciler.ts)
// runs it once Redis answers, and retries a job that exhausted its attempts at a
// bounded rate.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPurgeProcessor, PURGE_JOB_NAME, purgeJobData } from '../../jobs/purge-job.js';
import { reconcilePurges } from '../../jobs/purge-reconciler.js';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';
import { requestPurge } from '../../src/privacy/request-purge.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { runTallyWithin, unreachableRedisUrl } from '../helpers/redis-outage.js';
import { seedAgent, seedTenant } from '../helpers/seed-agent.js';
import { startFleet, type Fleet } from '../helpers/worker-fleet.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;
let fleet: Fleet;
let redis: Redis;

beforeAll(async () => {
  regions = await startTwoRegions();
  fleet = startFleet(regions, { TALLY_RECONCILE_INTERVAL_MS: '300', TALLY_LOG_LEVEL: 'info' });
  redis = new Redis(localConfig().redisUrl, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis?.quit();
  await fleet?.close();
  await regions?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(200)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** A seeded tenant in us with two agents; no syncs run for it (its status stops them). */
async function tenantWithAgents(id: string) {
  const database = regions.router.region('us');
  const keyring = regions.keyring('us');
  const tenant = await seedTenant(database, keyring, id);
  await seedAgent(database, keyring, tenant, 7101, { facts: 30 });
  await seedAgent(database, keyring, tenant, 7102, { facts: 30 });
  await database.tenants.update(id, { status: 'auth_failed' }, new Date());
  return database;
}

const purgeQueue = () => new Queue(QUEUE.purge, { connection: redis, prefix: regionQueuePrefix('us', fleet.queueBase) });

describe('a purge filed while Redis is unreachable', { timeout: 120_000 }, () => {
  it('fails fast saying the request runs once Redis is back, lists as pending, and a worker runs it then', async () => {
    const database = await tenantWithAgents('stranded');
    const down = { ...fleet.env, REDIS_URL: await unreachableRedisUrl() };

    const filed = await runTallyWithin(['purge', '--tenant', 'stranded', '--agent', '7101', '--reason', 'erasure request 881'], down, 45_000);
    expect(filed.killed, 'tally purge hung').toBe(false);
    expect(filed.elapsedMs).toBeLessThan(20_000);
    expect(filed.code).not.toBe(0);
    expect(filed.stderr).toContain('[REDIS_UNAVAILABLE]');
    expect(filed.stderr).toContain('runs it once Redis is back');
    expect(filed.stderr).toContain('tally purge --list --tenant stranded');
    expect(filed.stderr).not.toContain('[ioredis]');
    expect(filed.stderr).not.toMatch(/\n\s+at /);
    expect(filed.stderr).not.toContain('erasure request 881');
    expect(filed.stderr.trim().split('\n')).toHaveLength(1);
    const [request] = await database.purges.list('stranded');
    expect(request?.state).toBe('requested');
    expect(filed.stderr).toContain(request?._id);

    // The list reads MongoDB only: it works while Redis is down.
    const listed = await runTallyWithin(['purge', '--list', '--tenant', 'stranded', '--format', 'json'], down, 45_000);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ requestId: request?._id, state: 'requested', pending: true, reason: 'erasure request 881' }]);
    const table = await runTallyWithin(['purge', '--list', '--tenant', 'stranded'], down, 45_000);
    expect(table.stdout).toContain('pending (requested)');

    // A request done before reasons were sealed and erased: its plaintext reason outlived it.
    const legacyId = '11111111-1111-4111-8111-111111111111';
    await database.db.collection('purges').insertOne({
      _id: legacyId as never,
      tenantId: 'stranded',
      region: 'us',
      state: 'done',
      requestedAt: new Date('2026-01-01T00:00:00Z'),
      requestedBy: 'cli:old',
      reason: 'ZZLEGACY erasure of jane.doe',
      completedAt: new Date('2026-01-01T00:01:00Z'),
      updatedAt: new Date('2026-01-01T00:01:00Z'),
    });

    // Redis is back (the worker's own): its reconciler finds the request and runs it.
    const worker = await fleet.start('w1', { TALLY_WORKER_REGIONS: 'us' });
    // A worker erases such leftovers when it starts.
    expect(await database.db.collection('purges').findOne({ _id: legacyId as never })).not.toHaveProperty('reason');
    await until('the stranded purge to finish', async () => (await database.purges.find(request?._id ?? ''))?.state === 'done');
    const done = await database.purges.find(request?._id ?? '');
    expect(done).toMatchObject({ found: true, verification: { ok: true } });
    expect(await database.agentData.count('stranded', 7101)).toEqual({ agents: 0, facts: 0, ratings: 0, daily: 0, staleBuckets: 0, tickets: 0, quarantine: 0 });
    expect((await database.agentData.count('stranded', 7102)).facts).toBeGreaterThan(0);
    expect(await database.suppressions.find(`stranded:${request?._id ?? ''}`)).toMatchObject({ zendeskUserId: 7101 });
    const after = await runTallyWithin(['purge', '--list', '--tenant', 'stranded', '--format', 'json'], fleet.env, 45_000);
    expect(JSON.parse(after.stdout)).toMatchObject([
      { requestId: legacyId, state: 'done', pending: false, reason: null },
      { requestId: request?._id, state: 'done', pending: false, reason: null },
    ]);
    expect(worker.stderr()).not.toContain('erasure request 881');
    // Stopped, so the next tests' requests are theirs alone.
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  });
});

describe('a purge job that exhausted its attempts', { timeout: 120_000 }, () => {
  it('is retried by the reconciler no sooner than the rest it is given, with its attempts reset, and completes', async () => {
    const database = await tenantWithAgents('unlucky');
    const queue = purgeQueue();
    // A separate prefix: no worker process takes these jobs, only the in-process one below.
    const prefix = regionQueuePrefix('us', uniqueName('tally-purge-retry'));
    const own = new Queue(QUEUE.purge, { connection: redis, prefix });
    let outage = true;
    const processor = createPurgeProcessor(
      {
        router: regions.router,
        keyring: () => regions.keyring('us'),
        now: () => new Date(),
        actor: 'test',
        // The database "fails" at the count step while the outage lasts.
        onStep: (point) => {
          if (outage && point === 'count') throw new Error('simulated outage');
        },
      },
      'us',
    );
    const worker = new Worker(QUEUE.purge, processor, { connection: new Redis(localConfig().redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency: 1 });
    try {
      const request = await requestPurge({ router: regions.router, keyring: () => regions.keyring('us'), now: () => new Date(), actor: 'test' }, { tenant: 'unlucky', agent: '7101' });
      await own.add(PURGE_JOB_NAME, purgeJobData(request), { jobId: request._id, attempts: 2, backoff: { type: 'fixed', delay: 50 }, removeOnFail: false });
      await until('the job to fail for good', async () => (await own.getJobState(request._id)) === 'failed');
      const failed = await own.getJob(request._id);
      expect(failed?.attemptsMade).toBe(2);
      expect((await database.purges.find(request._id))?.state).toBe('suppressed');
      const purges = { unfinished: async () => (await database.purges.unfinished()).filter((candidate) => candidate.tenantId === 'unlucky') };

      // Within its rest: left alone.
      const finishedOn = failed?.finishedOn ?? 0;
      expect(await reconcilePurges(purges, own, { now: () => finishedOn + 59_999, retryFinishedAfterMs: 60_000 })).toEqual({ added: 0, retried: 0, resting: 1, queued: 0 });
      expect(await own.getJobState(request._id)).toBe('failed');

      // After it: back in the queue with fresh attempts; the outage is over, so it completes.
      outage = false;
      expect(await reconcilePurges(purges, own, { now: () => finishedOn + 60_000, retryFinishedAfterMs: 60_000 })).toEqual({ added: 0, retried: 1, resting: 0, queued: 0 });
      await until('the retried purge to finish', async () => (await database.purges.find(request._id))?.state === 'done');
      expect(await own.getJobState(request._id)).toBe('completed');
      expect(await database.agentData.count('unlucky', 7101)).toEqual({ agents: 0, facts: 0, ratings: 0, daily: 0, staleBuckets: 0, tickets: 0, quarantine: 0 });
      // Done: nothing more to reconcile.
      expect(await reconcilePurges(purges, own, { now: () => Date.now(), retryFinishedAfterMs: 60_000 })).toEqual({ added: 0, retried: 0, resting: 0, queued: 0 });
    } finally {
      await worker.close();
      await own.obliterate({ force: true });
      await own.close();
      await queue.close();
    }
  });

  it('in a running worker: a job that failed for good longer ago than the rest is run again', async () => {
    const database = await tenantWithAgents('revived');
    const queue = purgeQueue();
    const taker = new Worker(QUEUE.purge, null, { connection: new Redis(localConfig().redisUrl, { maxRetriesPerRequest: null }), prefix: regionQueuePrefix('us', fleet.queueBase) });
    try {
      const request = await requestPurge({ router: regions.router, keyring: () => regions.keyring('us'), now: () => new Date(), actor: 'test' }, { tenant: 'revived', agent: '7102' });
      await queue.add(PURGE_JOB_NAME, purgeJobData(request), { jobId: request._id, attempts: 1, removeOnFail: false });
      // Its one attempt fails as a worker records it: taken under a lock, moved to failed.
      const token = 'test-token';
      const taken = await taker.getNextJob(token);
      expect(taken?.id).toBe(request._id);
      await taken?.moveToFailed(new Error('KMS_UNAVAILABLE: simulated'), token, false);
      expect(await queue.getJobState(request._id)).toBe('failed');
      // It failed an hour ago: longer than the reconciler's rest (PURGE_RETRY_AFTER_MS).
      await redis.hset(`${regionQueuePrefix('us', fleet.queueBase)}:${QUEUE.purge}:${request._id}`, 'finishedOn', String(Date.now() - 3_600_000));

      await fleet.start('w2', { TALLY_WORKER_REGIONS: 'us' });
      await until('the revived purge to finish', async () => (await database.purges.find(request._id))?.state === 'done');
      expect(await database.agentData.count('revived', 7102)).toEqual({ agents: 0, facts: 0, ratings: 0, daily: 0, staleBuckets: 0, tickets: 0, quarantine: 0 });
      expect(await queue.getJobState(request._id)).toBe('completed');
    } finally {
      await taker.close();
      await queue.close();
    }
  });
});
