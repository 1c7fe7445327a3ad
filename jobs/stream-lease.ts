/**
 * A Redis lease per (tenant, stream): whoever holds it may move that stream's
 * checkpoint. Each acquisition draws a fence number that only grows, and the
 * checkpoint write is conditional on it, so a stalled duplicate that lost its lease
 * can neither renew it nor move the cursor back (README "Lease and fence").
 *
 * Redis draws the fence (INCR: atomic, where FerretDB's updates are not); the cursor
 * in MongoDB keeps the highest fence drawn (`cursors.fence`). Each draw starts above
 * that stored fence and is recorded there before use, so a Redis that lost its data
 * (FLUSHALL, a restart without persistence) neither stalls the checkpoints nor lets
 * an older holder write.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Stream } from '../schemas/records.js';
import type { CursorStore } from '../src/store/ports.js';
import { RELEASE_IF_HELD, RENEW_IF_HELD } from '../src/shared/redis-token-scripts.js';

/** KEYS[1] the stream's fence counter, ARGV[1] the stored fence: the next fence, above both. */
const DRAW_FENCE = `
local stored = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < stored then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('INCR', KEYS[1])
`;

/** The lease is gone (expired and maybe taken by another worker): stop before writing. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  constructor(what: string) {
    super(`the sync lease of ${what} was lost; another worker may hold it`);
    this.name = 'LeaseLostError';
  }
}

export interface HeldLease {
  /** Zero-padded fence number: compares as a string in the cursor's `leaseToken`. */
  readonly token: string;
  /** Extends the lease; throws LeaseLostError when it is no longer ours. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/** Where drawn fences are kept: the region's cursor store. */
export type FenceSource = Pick<CursorStore, 'highestFence' | 'recordFence'>;

export class StreamLeases {
  constructor(
    private readonly redis: Redis,
    /** The region's queue prefix: leases of one region never meet another's. */
    private readonly prefix: string,
    private readonly ttlMs: number,
    /** The region's cursors: the highest fence drawn, durable. */
    private readonly fences: FenceSource,
  ) {}

  /** The lease, or how long (ms) the current holder keeps it. */
  async acquire(tenantId: string, stream: Stream): Promise<HeldLease | { heldForMs: number }> {
    const key = this.key(tenantId, stream);
    // The Redis value only says who holds the lease; the fence is drawn once it is
    // ours, so a worker that finds the lease taken never invalidates its holder's fence.
    const holder = randomUUID();
    const taken = await this.redis.set(key, holder, 'PX', this.ttlMs, 'NX');
    if (taken === null) return { heldForMs: Math.max(0, await this.redis.pttl(key)) };
    const release = async () => {
      await this.redis.eval(RELEASE_IF_HELD, 1, key, holder);
    };
    let token: string;
    try {
      token = await this.drawFence(key, tenantId, stream);
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    const what = `${tenantId}:${stream}`;
    return {
      token,
      renew: async () => {
        const renewed = Number(await this.redis.eval(RENEW_IF_HELD, 1, key, holder, String(this.ttlMs)));
        if (renewed !== 1) throw new LeaseLostError(what);
      },
      release,
    };
  }

  /** Only the lease's holder draws: the lease serialises draws, Redis makes each unique. */
  private async drawFence(key: string, tenantId: string, stream: Stream): Promise<string> {
    const stored = await this.fences.highestFence(tenantId, stream);
    const fence = Number(await this.redis.eval(DRAW_FENCE, 1, `${key}:fence`, String(stored)));
    // Stored before any use: from now on, every older fence is refused by the cursor.
    await this.fences.recordFence(tenantId, stream, fence);
    return String(fence).padStart(16, '0');
  }

  private key(tenantId: string, stream: string): string {
    return `${this.prefix}:lease:${tenantId}:${stream}`;
  }
}
