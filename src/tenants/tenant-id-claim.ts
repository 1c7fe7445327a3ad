/**
 * A claim on a tenant id for the length of one `tenants add`, so that two adds of
 * one id (in two regions, or in one) cannot both pass the "exists in no region"
 * check: each region is its own database, so no unique index spans them. The
 * claim lives in the Redis every process of the deployment shares; the regions'
 * tenants tables stay the only record of which tenant lives where, and are read
 * again once the claim is held (README, Tenants, regions and encryption).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RELEASE_IF_HELD } from '../shared/redis-token-scripts.js';

export interface TenantIdClaim {
  /** True while the claim is still this add's (it lapses after its lifetime). */
  held(): Promise<boolean>;
  release(): Promise<void>;
}

export interface TenantIdClaims {
  /** The claim, or null when another add holds the id right now. */
  claim(tenantId: string): Promise<TenantIdClaim | null>;
}

/**
 * Longer than an add takes: one credentials check (bounded by the Zendesk client's
 * timeouts), one KMS call and two writes. A claim whose holder died lapses after it.
 */
const CLAIM_TTL_MS = 5 * 60_000;

/** Claims under `<prefix>:tenant-id-claim:<id>` (the deployment's queue prefix). */
export function redisTenantIdClaims(redis: Redis, prefix: string, ttlMs = CLAIM_TTL_MS): TenantIdClaims {
  return {
    async claim(tenantId) {
      const key = `${prefix}:tenant-id-claim:${tenantId}`;
      const token = randomUUID();
      if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return null;
      return {
        held: async () => (await redis.get(key)) === token,
        release: async () => {
          await redis.eval(RELEASE_IF_HELD, 1, key, token);
        },
      };
    },
  };
}

/** Claims within one process only: for tests and benchmarks that add tenants in-process. */
export function processTenantIdClaims(): TenantIdClaims {
  const claimed = new Set<string>();
  return {
    claim(tenantId) {
      if (claimed.has(tenantId)) return Promise.resolve(null);
      claimed.add(tenantId);
      let released = false;
      return Promise.resolve({
        held: () => Promise.resolve(!released),
        release: () => {
          released = true;
          claimed.delete(tenantId);
          return Promise.resolve();
        },
      });
    },
  };
}
