// The sync lease and the checkpoint fence on the real Redis and FerretDB: a stalled
// duplicate that lost its lease can neither renew it nor move the cursor.
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
    const leases = new StreamLeases(redis, prefix, 10_000);
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
    const leases = new StreamLeases(redis, prefix, 1_000);
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
