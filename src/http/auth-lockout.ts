/**
 * Brute-force lockout shared by every `tally serve` process through Redis
 * (docs/api.md#lockout): 10 failed authentications from one client address within 10
 * minutes block that address for 15 minutes, whatever key it then presents.
 * Failures are a sorted set per address (a sliding window); the block is a key with a TTL.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export const LOCKOUT = { failures: 10, windowMs: 10 * 60_000, blockMs: 15 * 60_000 } as const;

export class AuthLockout {
  constructor(
    private readonly redis: () => Redis,
    private readonly prefix: string,
  ) {}

  private failKey = (address: string) => `${this.prefix}:http:auth-failures:${address}`;
  private blockKey = (address: string) => `${this.prefix}:http:auth-block:${address}`;

  /** Milliseconds the address stays blocked, 0 when it is not. */
  async blockedFor(address: string): Promise<number> {
    const ttl = await this.redis().pttl(this.blockKey(address));
    return ttl > 0 ? ttl : 0;
  }

  /** Counts a failure; true when it blocked the address now. */
  async recordFailure(address: string, nowMs: number): Promise<boolean> {
    const key = this.failKey(address);
    const results = await this.redis()
      .multi()
      .zadd(key, nowMs, `${nowMs}:${randomUUID()}`)
      .zremrangebyscore(key, '-inf', nowMs - LOCKOUT.windowMs)
      .zcard(key)
      .pexpire(key, LOCKOUT.windowMs)
      .exec();
    const count = Number(results?.[2]?.[1] ?? 0);
    if (count < LOCKOUT.failures) return false;
    await this.redis().multi().set(this.blockKey(address), '1', 'PX', LOCKOUT.blockMs).del(key).exec();
    return true;
  }
}
