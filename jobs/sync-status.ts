/**
 * What the operations view shows besides checkpoints, kept in Redis under the
 * region's queue prefix: per (tenant, stream) the last success, last error code and
 * when it last caught up; per tenant the 429s of the last hour; and a short log of
 * runs (fence, process, start, end) that shows no two syncs of a stream overlapped.
 * Ids and codes only, never messages (they could carry paths of a tenant's URL).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const HOUR_MS = 3_600_000;
const RUNS_KEPT = 200;

export interface StreamStatus {
  lastSuccessAt: number | null;
  /** Start of the last run that reached the end of the export. */
  caughtUpAt: number | null;
  lastErrorCode: string | null;
  lastErrorAt: number | null;
  /** Last outcome: done, unavailable, auth_failed, delayed, failed. */
  lastOutcome: string | null;
}

export interface SyncRun {
  fence: string;
  pid: number;
  startedAt: number;
  endedAt: number;
  outcome: string;
}

export class SyncStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async recordSuccess(tenantId: string, stream: string, outcome: string, startedAt: number, endedAt: number, caughtUp: boolean): Promise<void> {
    const fields: Record<string, string> = { lastSuccessAt: String(endedAt), lastOutcome: outcome };
    if (caughtUp) fields['caughtUpAt'] = String(startedAt);
    await this.redis.hset(this.key(tenantId, stream), fields);
  }

  async recordError(tenantId: string, stream: string, code: string, at: number, outcome = 'failed'): Promise<void> {
    await this.redis.hset(this.key(tenantId, stream), { lastErrorCode: code, lastErrorAt: String(at), lastOutcome: outcome });
  }

  async recordRateLimited(tenantId: string, at: number): Promise<void> {
    const key = `${this.prefix}:rate-limited:${tenantId}`;
    await this.redis.multi().zadd(key, at, `${at}:${randomUUID()}`).zremrangebyscore(key, 0, at - HOUR_MS).pexpire(key, HOUR_MS * 2).exec();
  }

  rateLimitedLastHour(tenantId: string, now: number): Promise<number> {
    return this.redis.zcount(`${this.prefix}:rate-limited:${tenantId}`, now - HOUR_MS, '+inf');
  }

  async recordRun(tenantId: string, stream: string, run: SyncRun): Promise<void> {
    const key = `${this.prefix}:runs:${tenantId}:${stream}`;
    await this.redis.multi().lpush(key, JSON.stringify(run)).ltrim(key, 0, RUNS_KEPT - 1).exec();
  }

  async runs(tenantId: string, stream: string): Promise<SyncRun[]> {
    const raw = await this.redis.lrange(`${this.prefix}:runs:${tenantId}:${stream}`, 0, -1);
    return raw.map((text) => JSON.parse(text) as SyncRun).reverse();
  }

  async read(tenantId: string, stream: string): Promise<StreamStatus> {
    const hash = await this.redis.hgetall(this.key(tenantId, stream));
    const number = (value: string | undefined) => (value === undefined ? null : Number(value));
    return {
      lastSuccessAt: number(hash['lastSuccessAt']),
      caughtUpAt: number(hash['caughtUpAt']),
      lastErrorCode: hash['lastErrorCode'] ?? null,
      lastErrorAt: number(hash['lastErrorAt']),
      lastOutcome: hash['lastOutcome'] ?? null,
    };
  }

  private key(tenantId: string, stream: string): string {
    return `${this.prefix}:status:${tenantId}:${stream}`;
  }
}
