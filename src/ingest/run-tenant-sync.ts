/**
 * Builds what a sync of one tenant needs (its Zendesk client with the account's
 * shared budget, the staff directory) and runs every stream. Used by `tally sync`;
 * the counts per stream include the requests sent and the 429s waited out.
 */
import type { Redis } from 'ioredis';
import type { Stream, StoredTenant } from '../../schemas/records.js';
import type { Config } from '../config/load-config.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { redisSyncLocks } from './tenant-lock.js';
import { StaffDirectory } from './staff-directory.js';
import type { StreamReport, SyncContext } from './sync-stream.js';
import { syncTenant } from './sync-tenant.js';
import type { RegionDatabase } from '../store/mongo/region-database.js';
import { assertTenantInRegion } from '../tenants/region-pin.js';
import { RequestBudget, ZENDESK_LIMITS } from '../zendesk/request-budget.js';
import { ZendeskClient } from '../zendesk/zendesk-client.js';

export type StreamCounts = StreamReport & { requests: number; rateLimited: number; budgetWaitMs: number };

export interface TenantSyncOptions {
  readonly config: Config;
  readonly redis: Redis;
  readonly database: RegionDatabase;
  readonly keyring: TenantKeyring;
  readonly tenant: StoredTenant;
  readonly onProgress?: (counts: StreamCounts) => void;
  /** Only these streams (the worker syncs one per job); default all. */
  readonly streams?: readonly Stream[];
  /** Budget waits longer than this throw ZD_BUDGET_WAIT instead of sleeping (the worker delays its job). */
  readonly budgetMaxWaitMs?: number;
  /** Each 429 (or 503 with Retry-After) Zendesk answers. */
  readonly onRateLimited?: () => void;
  /** Fences each checkpoint write with the worker's sync lease. */
  readonly checkpointFence?: () => Promise<string>;
}

export async function runTenantSync(options: TenantSyncOptions): Promise<StreamCounts[]> {
  const { tenant, keyring, database } = options;
  // Before any credential is opened or request sent (src/tenants/region-pin.ts).
  assertTenantInRegion(tenant, database.region);
  const counts = new Map<Stream, StreamCounts>();
  let current: Stream = 'users';
  const countsOf = (stream: Stream): StreamCounts => {
    let found = counts.get(stream);
    if (!found) {
      found = { stream, status: 'running', pages: 0, read: 0, stored: 0, quarantined: 0, duplicates: 0, buckets: 0, reached: null, requests: 0, rateLimited: 0, budgetWaitMs: 0 };
      counts.set(stream, found);
    }
    return found;
  };
  const client = new ZendeskClient({
    rootUrl: tenant.zendeskUrl,
    email: await keyring.openCredential(tenant._id, 'email', tenant.credentials.email),
    token: await keyring.openCredential(tenant._id, 'token', tenant.credentials.token),
    maxBodyBytes: options.config.zendeskMaxBodyBytes,
    // Tenants of one Zendesk account share its limits, so the budget is keyed by the account.
    budget: new RequestBudget(
      options.redis,
      accountKey(tenant.zendeskUrl),
      { ...ZENDESK_LIMITS, ...options.config.zendeskLimits },
      undefined,
      options.budgetMaxWaitMs,
    ),
    onEvent: (event) => {
      const target = countsOf(current);
      if (event.type === 'response') target.requests++;
      if (event.type === 'rate_limited') {
        target.rateLimited++;
        options.onRateLimited?.();
      }
      if (event.type === 'budget_wait') target.budgetWaitMs += event.waitedMs;
    },
  });
  const storedStaff = await database.agents.ids(tenant._id);
  const context: SyncContext = {
    tenant,
    database,
    keyring,
    client,
    staff: new StaffDirectory(client, storedStaff),
    locks: redisSyncLocks(options.redis, options.config.queuePrefix),
    now: () => new Date(),
    onStreamStart: (stream) => {
      current = stream;
      options.onProgress?.(countsOf(stream));
    },
    onPage: (report) => {
      const merged = Object.assign(countsOf(report.stream), report);
      options.onProgress?.(merged);
    },
    ...(options.checkpointFence ? { checkpointFence: options.checkpointFence } : {}),
  };
  const reports = await syncTenant(context, options.streams);
  return reports.map((report) => Object.assign(countsOf(report.stream), report));
}

/** The account's host and path: never a credential. */
function accountKey(zendeskUrl: string): string {
  const url = new URL(zendeskUrl);
  return `${url.host}${url.pathname}`.replace(/\/+$/, '');
}
