/**
 * Runs every stream of one tenant (or the ones asked for) and counts per stream the
 * records, the requests sent and the 429s waited out. Used by `tally sync`, the
 * worker's sync job and the bench. It builds no adapter: the process's composition
 * root (`src/app/adapters.ts`) hands it the ports that open the tenant's Zendesk
 * client (with the account's shared budget) and staff directory, and the locks
 * (docs/architecture.md#data-flow).
 */
import type { Stream, StoredTenant } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import type { SyncLocks } from './tenant-lock.js';
import { TicketStateCache } from './ticket-state-cache.js';
import type { StaffDirectory } from './staff-directory.js';
import type { StreamReport, SyncContext } from './sync-stream.js';
import { syncTenant } from './sync-tenant.js';
import { warmRollups } from '../metrics/warm-rollups.js';
import { WrittenBuckets } from '../metrics/written-buckets.js';
import type { RegionStores } from '../store/ports.js';
import { assertTenantInRegion } from '../tenants/region-pin.js';
import type { ZendeskClient, ZendeskClientEvent } from '../zendesk/zendesk-client.js';

export type StreamCounts = StreamReport & { requests: number; rateLimited: number; budgetWaitMs: number };

/** What opening a tenant's Zendesk side needs from the sync. */
export interface OpenTenantZendeskOptions {
  readonly keyring: TenantKeyring;
  readonly database: RegionStores;
  /** Budget waits longer than this throw ZD_BUDGET_WAIT instead of sleeping. */
  readonly budgetMaxWaitMs?: number;
  /** Every client event (responses, 429s, budget waits), for the counts. */
  readonly onEvent: (event: ZendeskClientEvent) => void;
  /** The sync's cancellation; the client's waits and requests end on it (src/zendesk/zendesk-client.ts). */
  readonly signal?: AbortSignal;
}

/** The tenant's Zendesk client (credentials opened through the keyring) and its staff directory. */
export type OpenTenantZendesk = (
  tenant: StoredTenant,
  options: OpenTenantZendeskOptions,
) => Promise<{ readonly client: ZendeskClient; readonly staff: StaffDirectory }>;

/** The ports a tenant sync runs on; built once per process by its composition root. */
export interface TenantSyncPorts {
  readonly openZendesk: OpenTenantZendesk;
  readonly locks: SyncLocks;
  readonly now: () => Date;
  /** Ticket states kept across this process's syncs (src/ingest/ticket-state-cache.ts); per sync when absent. */
  readonly ticketStates?: TicketStateCache;
}

export interface TenantSyncOptions {
  readonly ports: TenantSyncPorts;
  readonly database: RegionStores;
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
  /** Once aborted, the sync stops after its current page's checkpoint, throwing the signal's reason. */
  readonly signal?: AbortSignal;
}

export async function runTenantSync(options: TenantSyncOptions): Promise<StreamCounts[]> {
  const { tenant, keyring, database, ports } = options;
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
  const { client, staff } = await ports.openZendesk(tenant, {
    keyring,
    database,
    ...(options.budgetMaxWaitMs === undefined ? {} : { budgetMaxWaitMs: options.budgetMaxWaitMs }),
    ...(options.signal ? { signal: options.signal } : {}),
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
  const writtenBuckets = new WrittenBuckets(tenant._id);
  const context: SyncContext = {
    tenant,
    database,
    keyring,
    client,
    staff,
    locks: ports.locks,
    now: ports.now,
    ticketStates: ports.ticketStates ?? new TicketStateCache(),
    writtenBuckets,
    onStreamStart: (stream) => {
      current = stream;
      options.onProgress?.(countsOf(stream));
    },
    onPage: (report) => {
      const merged = Object.assign(countsOf(report.stream), report);
      options.onProgress?.(merged);
    },
    ...(options.checkpointFence ? { checkpointFence: options.checkpointFence } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const reports = await syncTenant(context, options.streams);
  // New buckets: their rollups rebuilt now, off the read path (docs/metrics.md#rollups).
  if (reports.some((report) => report.buckets > 0) && !options.signal?.aborted) {
    const mayCache = async () => (await database.tenants.find(tenant._id)) !== null;
    await warmRollups({ daily: database.daily, rollups: database.rollups, now: ports.now, mayCache, written: writtenBuckets, ...(options.signal ? { signal: options.signal } : {}) }, tenant);
  }
  return reports.map((report) => Object.assign(countsOf(report.stream), report));
}
