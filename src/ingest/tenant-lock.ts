/**
 * Per-tenant locks across processes, for what two streams of one tenant write in
 * common. The worker syncs a tenant's streams as separate jobs, at the same time:
 * - `buckets`: without it a flush that read the facts before another stream's page
 *   was stored could write its older numbers after the other flush wrote the newer
 *   ones, and both would clear their marks: a wrong bucket nothing recomputes.
 * - `tickets`: ticket events and the tickets export update different fields of one
 *   ticket document, and FerretDB updates by reading and rewriting the whole
 *   document, so one stream's update could undo the other's.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RELEASE_IF_HELD, RENEW_IF_HELD } from '../shared/redis-token-scripts.js';

export interface TenantLock {
  /**
   * Runs `work` while holding the tenant's lock. `stillHeld` renews the lock and says
   * whether it was ours throughout: when it says no, another flush may have run in
   * between, and the caller must leave its marks for the next flush.
   */
  hold<T>(tenantId: string, work: (stillHeld: () => Promise<boolean>) => Promise<T>): Promise<T>;
}



export interface RedisTenantLockOptions {
  /** A lock not renewed for this long lapses (its holder died). */
  readonly ttlMs?: number;
  /** How long to wait for another holder before giving up. */
  readonly waitMs?: number;
}

export type TenantResource = 'buckets' | 'tickets';

/** Waited too long for another holder; nothing was written, and the sync retries later. */
export class TenantLockBusyError extends Error {
  readonly code = 'TENANT_LOCK_BUSY';
  readonly retryable = true;
  constructor(tenantId: string, resource: TenantResource, waitedMs: number) {
    super(`the ${resource} of tenant ${tenantId} were held by another process for ${waitedMs} ms; the sync retries later`);
    this.name = 'TenantLockBusyError';
  }
}

export class RedisTenantLock implements TenantLock {
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: Redis,
    /** The deployment's queue prefix: two deployments on one Redis never share a lock. */
    private readonly prefix: string,
    private readonly resource: TenantResource,
    options: RedisTenantLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 10 * 60_000;
  }

  async hold<T>(tenantId: string, work: (stillHeld: () => Promise<boolean>) => Promise<T>): Promise<T> {
    const key = `${this.prefix}:${this.resource}:${tenantId}`;
    const token = randomUUID();
    const started = Date.now();
    let pauseMs = 20;
    while ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') {
      const waited = Date.now() - started;
      if (waited > this.waitMs) throw new TenantLockBusyError(tenantId, this.resource, waited);
      await new Promise((resolve) => setTimeout(resolve, pauseMs + Math.random() * pauseMs));
      pauseMs = Math.min(500, pauseMs * 2);
    }
    let lost = false;
    const renew = async (): Promise<boolean> => {
      if (lost) return false;
      const renewed = Number(await this.redis.eval(RENEW_IF_HELD, 1, key, token, String(this.ttlMs)).catch(() => 0));
      if (renewed !== 1) lost = true;
      return !lost;
    };
    const renewal = setInterval(() => void renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    try {
      return await work(renew);
    } finally {
      clearInterval(renewal);
      await this.redis.eval(RELEASE_IF_HELD, 1, key, token).catch(() => undefined);
    }
  }
}

/** The locks a sync holds for what its streams write in common. */
export interface SyncLocks {
  readonly buckets: TenantLock;
  readonly tickets: TenantLock;
}

export function redisSyncLocks(redis: Redis, prefix: string): SyncLocks {
  return { buckets: new RedisTenantLock(redis, prefix, 'buckets'), tickets: new RedisTenantLock(redis, prefix, 'tickets') };
}
