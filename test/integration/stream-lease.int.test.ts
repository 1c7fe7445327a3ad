// The sync lease and the checkpoint fence on the real Redis and FerretDB: a stalled
// duplicate that lost its lease can neither renew it nor move the cursor, and the
// fence survives Redis losing its data (the counter lives in the cursor, in MongoDB).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError, StreamLeases, type HeldLease } from '../../jobs/stream-lease.js';
import { localConfig, requireService, uniqueName } from '../helpers/local-services.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const redisUrl = localConfig().redisUrl;
const prefix = uniqueName('tally-lease');
let redis: Redis;
let regions: TwoRegions;

beforeAll(async () => {
  await requireService('Redis', redisUrl.replace(/^redis:/, 'http:'));
  redis = new Redis(redisUrl);
  regions = await startTwoRegions();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await regions?.close();
});

const held = (lease: HeldLease | { heldForMs: number }): HeldLease => {
  if (!('token' in lease)) throw new Error('expected to get the lease');
  return lease;
};

describe('stream lease', { timeout: 30_000 }, () => {
  it('is held by one worker at a time, and each acquisition draws a higher fence', async () => {
    const leases = new StreamLeases(redis, prefix, 10_000, regions.router.region('us').checkpoints);
    const first = held(await leases.acquire('acme', 'users'));
    const second = await leases.acquire('acme', 'users');
    expect('token' in second).toBe(false);
    expect((second as { heldForMs: number }).heldForMs).toBeGreaterThan(0);
    // Another stream or tenant is independent.
    expect('token' in (await leases.acquire('acme', 'tickets'))).toBe(true);
    await first.release();
    const third = held(await leases.acquire('acme', 'users'));
    expect(third.token > first.token).toBe(true);
    expect(third.token).toHaveLength(16);
  });

  it('cannot be renewed once it expired and another worker took it', async () => {
    const leases = new StreamLeases(redis, prefix, 1_000, regions.router.region('us').checkpoints);
    const stalled = held(await leases.acquire('globex', 'ticket_events'));
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const fresh = held(await leases.acquire('globex', 'ticket_events'));
    await expect(stalled.renew()).rejects.toBeInstanceOf(LeaseLostError);
    await stalled.release();
    // Releasing a lost lease leaves the new holder's lease alone.
    await expect(fresh.renew()).resolves.toBeUndefined();
    expect('token' in (await leases.acquire('globex', 'ticket_events'))).toBe(false);
  });
});

/** What FLUSHALL or a restart without persistence does to this file's keys (the shared Redis is not ours to flush). */
async function forgetRedis(): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

describe('fence after Redis loses its data', { timeout: 30_000 }, () => {
  it('the first lease after Redis loses its data checkpoints normally', async () => {
    const cursors = regions.router.region('us').checkpoints;
    const leases = new StreamLeases(redis, prefix, 10_000, cursors);
    const at = new Date();
    // Several syncs ran before: the stored fence is ahead of a counter that starts over.
    for (const position of ['100', '200', '300']) {
      const lease = held(await leases.acquire('initech', 'ticket_events'));
      await cursors.save('initech', 'ticket_events', position, at, lease.token);
      await lease.release();
    }
    await forgetRedis();
    const next = held(await leases.acquire('initech', 'ticket_events'));
    await cursors.save('initech', 'ticket_events', '400', at, next.token);
    expect(await cursors.position('initech', 'ticket_events')).toBe('400');
    expect(next.token).toHaveLength(16);
  });

  it('a cursor fenced by the old Redis-only counter (1030) accepts the next lease', async () => {
    const cursors = regions.router.region('eu').checkpoints;
    const leases = new StreamLeases(redis, prefix, 10_000, cursors);
    const at = new Date();
    await cursors.save('initech', 'tickets', 'cursor:abc', at, '0000000000001030');
    await forgetRedis();
    const next = held(await leases.acquire('initech', 'tickets'));
    expect(next.token > '0000000000001030').toBe(true);
    await cursors.save('initech', 'tickets', 'cursor:def', at, next.token);
    expect(await cursors.position('initech', 'tickets')).toBe('cursor:def');
  });

  it('a holder from before the reset cannot move the cursor once the next lease is taken', async () => {
    const cursors = regions.router.region('us').checkpoints;
    const leases = new StreamLeases(redis, prefix, 10_000, cursors);
    const at = new Date();
    const stalled = held(await leases.acquire('umbrella', 'users'));
    await cursors.save('umbrella', 'users', '100', at, stalled.token);
    await forgetRedis();
    const fresh = held(await leases.acquire('umbrella', 'users'));
    expect(fresh.token > stalled.token).toBe(true);
    // Even before the new holder writes anything, the old fence is refused.
    await expect(cursors.save('umbrella', 'users', '150', at, stalled.token)).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
    await expect(stalled.renew()).rejects.toBeInstanceOf(LeaseLostError);
    await cursors.save('umbrella', 'users', '200', at, fresh.token);
    await expect(cursors.save('umbrella', 'users', '250', at, stalled.token)).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
    expect(await cursors.position('umbrella', 'users')).toBe('200');
    // The stalled holder's release leaves the new lease alone.
    await stalled.release();
    await expect(fresh.renew()).resolves.toBeUndefined();
  });

  it('records each fence in the cursor as it is drawn, before the stream ever checkpoints', async () => {
    const cursors = regions.router.region('eu').checkpoints;
    const leases = new StreamLeases(redis, prefix, 10_000, cursors);
    const first = held(await leases.acquire('hooli', 'satisfaction_ratings'));
    expect(await cursors.highestFence('hooli', 'satisfaction_ratings')).toBe(Number(first.token));
    // A cursor that only holds a fence has no position: the sync starts from the beginning.
    expect(await cursors.position('hooli', 'satisfaction_ratings')).toBeNull();
    await first.release();
    await forgetRedis();
    const second = held(await leases.acquire('hooli', 'satisfaction_ratings'));
    expect(Number(second.token)).toBe(Number(first.token) + 1);
    await expect(cursors.save('hooli', 'satisfaction_ratings', '5', new Date(), first.token)).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
    await cursors.save('hooli', 'satisfaction_ratings', '6', new Date(), second.token);
    expect(await cursors.position('hooli', 'satisfaction_ratings')).toBe('6');
  });
});

describe('fenced checkpoint', { timeout: 30_000 }, () => {
  it('refuses a write with a lower fence than the last one, and keeps the position', async () => {
    const cursors = regions.router.region('us').checkpoints;
    const at = new Date();
    await cursors.save('acme', 'ticket_events', '100', at);
    await cursors.save('acme', 'ticket_events', '200', at, '0000000000000005');
    await cursors.save('acme', 'ticket_events', '300', at, '0000000000000007');
    await expect(cursors.save('acme', 'ticket_events', '150', at, '0000000000000006')).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
    expect(await cursors.position('acme', 'ticket_events')).toBe('300');
    // The same holder keeps writing.
    await cursors.save('acme', 'ticket_events', '400', at, '0000000000000007');
    expect(await cursors.position('acme', 'ticket_events')).toBe('400');
  });

  it('accepts the first fenced write of a new cursor', async () => {
    const cursors = regions.router.region('eu').checkpoints;
    await cursors.save('globex', 'users', 'abc', new Date(), '0000000000000001');
    expect(await cursors.position('globex', 'users')).toBe('abc');
  });
});
