import type { Redis } from 'ioredis';
import { ZendeskError } from './zendesk-error.js';

/** Which of the account's limits a request draws from, besides the account-wide one. */
export type BudgetKind = 'default' | 'export' | 'users_export';

export interface BudgetLimits {
  /** Requests per minute Zendesk allows the account (Enterprise: 700). */
  readonly accountPerMinute: number;
  /** Incremental exports per minute (10), and the users cursor export (20). */
  readonly exportPerMinute: number;
  readonly usersExportPerMinute: number;
  /** Length of Zendesk's minute; shorter only against a sped-up simulator. */
  readonly windowMs: number;
  /** Share of each limit tally uses, leaving room for the account's other apps. */
  readonly share: number;
}

export const ZENDESK_LIMITS: BudgetLimits = {
  accountPerMinute: 700,
  exportPerMinute: 10,
  usersExportPerMinute: 20,
  windowMs: 60_000,
  share: 0.95,
};

/**
 * A token bucket per limit, in Redis, shared by every process syncing the same
 * Zendesk account. It refills at `share` of the limit and holds at most the other
 * `1 − share`, but at least one token, so a sliding minute sees at most the bucket's
 * tokens plus `limit × share`: the limit itself at 700/min, and 1 + 9.5 at 10/min
 * with a share of 0.95, which is 10 whole requests (a share up to 0.95 is accepted).
 * A 429 blocks the bucket until its Retry-After has passed, for every process.
 */
const TAKE = `
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('HMGET', key, 'tokens', 'at', 'blocked')
local blocked = tonumber(data[3]) or 0
if blocked > now then return blocked - now end
local tokens = tonumber(data[1]) or capacity
local at = tonumber(data[2]) or now
tokens = math.min(capacity, tokens + (now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, ttl)
return wait
`;

const BLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'blocked')) or 0
if until_ms > current then redis.call('HSET', KEYS[1], 'blocked', tostring(until_ms)) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return until_ms
`;

export class RequestBudget {
  constructor(
    private readonly redis: Redis,
    /** Identifies the Zendesk account (not the tenant): tenants of one account share it. */
    private readonly accountKey: string,
    private readonly limits: BudgetLimits = ZENDESK_LIMITS,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
    /**
     * A wait longer than this throws `ZD_BUDGET_WAIT` (with `retryAfterMs`) instead of
     * sleeping: a scheduled job checkpoints and delays itself rather than hold a worker slot.
     */
    private readonly maxWaitMs: number = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Waits until the account and the request's endpoint both have room; returns the ms waited.
   * Once `signal` is aborted the wait ends, rejecting with the signal's reason.
   */
  async acquire(kind: BudgetKind, signal?: AbortSignal): Promise<number> {
    let waited = 0;
    if (kind !== 'default') waited += await this.take(kind, kind === 'export' ? this.limits.exportPerMinute : this.limits.usersExportPerMinute, signal);
    waited += await this.take('account', this.limits.accountPerMinute, signal);
    return waited;
  }

  /** After a 429: nobody sends to this account (or its export endpoints) until `ms` have passed. */
  async block(kind: BudgetKind | 'account', ms: number): Promise<void> {
    const bucket = kind === 'default' ? 'account' : kind;
    await this.redis.eval(BLOCK, 1, this.key(bucket), String(Math.ceil(ms)), String(this.limits.windowMs * 2 + ms));
  }

  private async take(bucket: string, perMinute: number, signal: AbortSignal | undefined): Promise<number> {
    const rate = (perMinute * this.limits.share) / this.limits.windowMs;
    const capacity = Math.max(1, perMinute * (1 - this.limits.share));
    let waited = 0;
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(await this.redis.eval(TAKE, 1, this.key(bucket), String(capacity), String(rate), String(this.limits.windowMs * 2)));
      if (wait <= 0) return waited;
      if (wait > this.maxWaitMs) {
        throw new ZendeskError('ZD_BUDGET_WAIT', `the account's request budget is empty for ${wait} ms`, null, { retryable: false, retryAfterMs: wait });
      }
      await this.sleep(wait, signal);
      waited += wait;
    }
  }

  private key(bucket: string): string {
    return `tally:budget:${this.accountKey}:${bucket}`;
  }
}

/** Sleeps ms; an abort ends it early, rejecting with the signal's reason. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
