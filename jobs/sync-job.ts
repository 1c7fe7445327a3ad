/**
 * The sync of one (tenant, stream): takes the stream's lease, pages until caught up
 * with every checkpoint fenced by that lease, and records the outcome for the
 * operations view. Long budget waits and shutdown checkpoint and hand the job back
 * (delayed) instead of holding a worker; a 401 ends the tenant's retries.
 */
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config/load-config.js';
import type { TenantKeyring } from '../src/crypto/tenant-keyring.js';
import { flushStaleBuckets } from '../src/ingest/sync-stream.js';
import { runTenantSync, type StreamCounts, type TenantSyncPorts } from '../src/ingest/run-tenant-sync.js';
import type { Logger } from '../src/shared/logger.js';
import type { RegionStores } from '../src/store/ports.js';
import { TenantRegionMismatchError } from '../src/tenants/region-pin.js';
import { ZendeskError } from '../src/zendesk/zendesk-error.js';
import { JOBS, parseJobData, type SyncJobData } from './catalog.js';
import { type HeldLease, LeaseLostError, type StreamLeases } from './stream-lease.js';
import type { SyncStatusStore } from './sync-status.js';

export interface SyncJobDeps {
  readonly config: Config;
  readonly database: RegionStores;
  readonly keyring: TenantKeyring;
  readonly redis: Redis;
  /** The Zendesk client factory and locks a sync runs on, from the worker's root (src/app/worker-root.ts). */
  readonly sync: TenantSyncPorts;
  readonly leases: StreamLeases;
  readonly status: SyncStatusStore;
  readonly logger: Logger;
  /** Aborted once the worker is shutting down: the sync stops after its current page's checkpoint. */
  readonly shutdown: AbortSignal;
  readonly now?: () => number;
}

export interface SyncJobResult {
  readonly status: string;
  readonly pages: number;
  readonly read: number;
  readonly stored: number;
  readonly buckets: number;
  readonly requests: number;
  readonly rateLimited: number;
}

/** The reason a sync is aborted with when the worker shuts down: the driver throws it after the page's checkpoint. */
class StopRequested extends Error {
  constructor() {
    super('the worker is shutting down');
    this.name = 'StopRequested';
  }
}

/** A short pause after the lease holder's expiry, so the retry finds it free. */
const LEASE_RETRY_SLACK_MS = 250;

export function createSyncProcessor(deps: SyncJobDeps) {
  const now = deps.now ?? Date.now;
  return async (job: Job, token?: string): Promise<SyncJobResult | { skipped: string }> => {
    const data = parseJobData(JOBS.syncStream.schema, job.data, JOBS.syncStream.name);
    const log = deps.logger.child({ job: job.id, tenant: data.tenantId, stream: data.stream });
    const tenant = await deps.database.tenants.find(data.tenantId);
    // Removed since the tick: nothing to do, and nothing to retry.
    if (!tenant) return { skipped: 'unknown_tenant' };
    if (tenant.region !== deps.database.region) {
      // A misplaced tenant record: never synced here, and retrying cannot help (src/tenants/region-pin.ts).
      const mismatch = new TenantRegionMismatchError(tenant._id, tenant.region, deps.database.region);
      await deps.status.recordError(data.tenantId, data.stream, mismatch.code, now());
      log.error({ code: mismatch.code, storedRegion: tenant.region, databaseRegion: deps.database.region }, 'tenant record is pinned to another region; not synced');
      throw new UnrecoverableError(`${mismatch.code}: ${mismatch.message}`);
    }
    if (tenant.status === 'auth_failed') {
      await deps.status.recordError(data.tenantId, data.stream, 'auth_failed', now(), 'auth_failed');
      throw new UnrecoverableError(`tenant ${data.tenantId} is auth_failed: Zendesk refused its credentials`);
    }

    // The fence is drawn from the cursor in MongoDB: a database outage fails the attempt here (it retries).
    const acquired = await deps.leases.acquire(data.tenantId, data.stream).catch(async (error: unknown) => {
      await deps.status.recordError(data.tenantId, data.stream, errorCode(error), now()).catch(() => undefined);
      throw error;
    });
    if (!('token' in acquired)) {
      log.info({ heldForMs: acquired.heldForMs }, 'stream lease held elsewhere; delaying');
      await delay(job, token, now() + acquired.heldForMs + LEASE_RETRY_SLACK_MS);
    }
    const lease = acquired as HeldLease;
    const startedAt = now();
    let lost = false;
    // Shutdown and lease loss reach the running sync as this signal (src/ingest/sync-stream.ts).
    const cancel = new AbortController();
    const onShutdown = () => cancel.abort(new StopRequested());
    deps.shutdown.addEventListener('abort', onShutdown, { once: true });
    if (deps.shutdown.aborted) onShutdown();
    const renewal = setInterval(() => {
      lease.renew().catch(() => {
        lost = true;
        cancel.abort(new LeaseLostError(`${data.tenantId}:${data.stream}`));
      });
    }, Math.max(250, Math.floor(deps.config.jobs.leaseMs / 3)));
    let outcome = 'failed';
    try {
      const results = await runTenantSync({
        ports: deps.sync,
        database: deps.database,
        keyring: deps.keyring,
        tenant,
        streams: [data.stream],
        budgetMaxWaitMs: deps.config.jobs.budgetMaxWaitMs,
        onRateLimited: () => void deps.status.recordRateLimited(data.tenantId, now()).catch(() => undefined),
        checkpointFence: async () => {
          if (lost) throw new LeaseLostError(`${data.tenantId}:${data.stream}`);
          await lease.renew();
          return lease.token;
        },
        signal: cancel.signal,
      });
      const result = results.find((counts) => counts.stream === data.stream) ?? emptyCounts(data.stream);
      outcome = result.status;
      if (result.status === 'auth_failed') {
        await deps.status.recordError(data.tenantId, data.stream, 'auth_failed', now(), 'auth_failed');
        log.warn('Zendesk refused the credentials (401); the tenant stops until they are replaced');
        throw new UnrecoverableError(`tenant ${data.tenantId} is auth_failed: Zendesk refused its credentials`);
      }
      await deps.status.recordSuccess(data.tenantId, data.stream, result.status, startedAt, now(), result.status === 'done');
      return summary(result);
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      if (error instanceof StopRequested || (error instanceof ZendeskError && error.code === 'ZD_BUDGET_WAIT')) {
        // The last page is checkpointed; its buckets are recomputed now rather than on the next run.
        await flushStaleBuckets({ tenant, database: deps.database, locks: deps.sync.locks, now: () => new Date(now()) });
        const waitMs = error instanceof ZendeskError ? (error.retryAfterMs ?? 1_000) : 0;
        outcome = error instanceof StopRequested ? 'stopped' : 'delayed';
        log.info({ waitMs, outcome }, 'checkpointed; handing the job back');
        await delay(job, token, now() + waitMs);
      }
      const code = errorCode(error);
      outcome = 'failed';
      await deps.status.recordError(data.tenantId, data.stream, code, now());
      log.warn({ code, attempt: job.attemptsMade + 1 }, 'sync failed; it retries with backoff');
      throw error;
    } finally {
      clearInterval(renewal);
      deps.shutdown.removeEventListener('abort', onShutdown);
      await lease.release().catch(() => undefined);
      await deps.status
        .recordRun(data.tenantId, data.stream, { fence: lease.token, pid: process.pid, startedAt, endedAt: now(), outcome })
        .catch(() => undefined);
    }
  };
}

/** Moves the job back to delayed and tells BullMQ so (no attempt is spent). */
async function delay(job: Job, token: string | undefined, until: number): Promise<never> {
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}

function errorCode(error: unknown): string {
  if (error instanceof DelayedError) return 'delayed';
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return 'INTERNAL';
}

function summary(counts: StreamCounts): SyncJobResult {
  const { status, pages, read, stored, buckets, requests, rateLimited } = counts;
  return { status, pages, read, stored, buckets, requests, rateLimited };
}

function emptyCounts(stream: SyncJobData['stream']): StreamCounts {
  return { stream, status: 'done', pages: 0, read: 0, stored: 0, quarantined: 0, duplicates: 0, buckets: 0, reached: null, requests: 0, rateLimited: 0, budgetWaitMs: 0 };
}
