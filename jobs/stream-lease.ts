/**
 * A Redis lease per (tenant, stream): whoever holds it may move that stream's
 * checkpoint. Each acquisition draws a fence number that only grows, and the
 * checkpoint write is conditional on it, so a stalled duplicate that lost its lease
 * can neither renew it nor move the cursor back (design.md §8).
 */
import type { Redis } from 'ioredis';
import { RELEASE_IF_HELD, RENEW_IF_HELD } from '../src/shared/redis-token-scripts.js';

const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local fence = redis.call('INCR', KEYS[2])
local token = string.format('%016d', fence)
redis.call('SET', KEYS[1], token, 'PX', tonumber(ARGV[1]))
return token
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

export class StreamLeases {
  constructor(
    private readonly redis: Redis,
    /** The region's queue prefix: leases of one region never meet another's. */
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  /** The lease, or how long (ms) the current holder keeps it. */
  async acquire(tenantId: string, stream: string): Promise<HeldLease | { heldForMs: number }> {
    const key = this.key(tenantId, stream);
    const token = (await this.redis.eval(ACQUIRE, 2, key, `${key}:fence`, String(this.ttlMs))) as string | null;
    if (token === null) return { heldForMs: Math.max(0, await this.redis.pttl(key)) };
    const what = `${tenantId}:${stream}`;
    return {
      token,
      renew: async () => {
        const renewed = Number(await this.redis.eval(RENEW_IF_HELD, 1, key, token, String(this.ttlMs)));
        if (renewed !== 1) throw new LeaseLostError(what);
      },
      release: async () => {
        await this.redis.eval(RELEASE_IF_HELD, 1, key, token);
      },
    };
  }

  private key(tenantId: string, stream: string): string {
    return `${this.prefix}:lease:${tenantId}:${stream}`;
  }
}
