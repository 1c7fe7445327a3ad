/**
 * The `purge` queue's job (docs/architecture.md, Jobs): runs one purge request in the tenant's
 * region. Job id = request id and data = ids only; the job is idempotent, so a
 * `tally worker` and a `tally purge --wait` may both serve the queue.
 */
import { type Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { RegionId } from '../schemas/config.js';
import type { PurgeJobData } from '../schemas/privacy-jobs.js';
import type { StoredPurge } from '../schemas/records.js';
import type { TenantKeyring } from '../src/crypto/tenant-keyring.js';
import type { PurgeReceipt } from '../src/privacy/plan-purge.js';
import { type PurgeDeps, purgeDepsOf, runPurge } from '../src/privacy/run-purge.js';
import { AppError } from '../src/shared/errors.js';
import { JOBS } from './catalog.js';
import { withCliQueueConnection } from './cli-queue-connection.js';
import { QUEUE, regionQueuePrefix } from './queues.js';
import type { Regions } from '../src/store/ports.js';

export const PURGE_JOB_NAME = JOBS.purge.name;

/** The purge job's attempts, backoff and retention, from the job catalog (jobs/catalog.ts). */
export const PURGE_JOB_OPTIONS = JOBS.purge.options;

/** A purge job's data: ids only (schemas/privacy-jobs.ts). */
export const purgeJobData = (request: Pick<StoredPurge, '_id' | 'tenantId'>): PurgeJobData => ({ tenantId: request.tenantId, requestId: request._id });

export interface PrivacyJobDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly now: () => Date;
  readonly actor: string;
  /** Tests crash the purge at chosen steps through this. */
  readonly onStep?: PurgeDeps['onStep'];
}

/** The processor for one region's purge queue: register it as `new Worker(QUEUE.purge, createPurgeProcessor(deps, region), …)`. */
export function createPurgeProcessor(deps: PrivacyJobDeps, region: RegionId): (job: Job) => Promise<PurgeReceipt> {
  return async (job) => {
    const parsed = JOBS.purge.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('PURGE_JOB_INVALID: a purge job carries {tenantId, requestId}');
    const { tenantId, requestId } = parsed.data;
    const database = deps.router.region(region);
    const request = await database.purges.find(requestId);
    if (!request || request.tenantId !== tenantId) {
      throw new UnrecoverableError(`PURGE_UNKNOWN: no purge request ${requestId} of tenant ${tenantId} in region ${region}`);
    }
    try {
      return await runPurge(purgeDepsOf(database, deps.keyring(region), deps), requestId);
    } catch (error) {
      if (error instanceof AppError && !error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  };
}

export interface PurgeQueueOptions {
  readonly redisUrl: string;
  /** TALLY_QUEUE_PREFIX. */
  readonly queueBase: string;
}

/**
 * Enqueues the request's job on its region's purge queue; adding it twice adds it
 * once. Redis unreachable: REDIS_UNAVAILABLE within seconds, saying that the filed
 * request runs once Redis is back (the worker's purge reconciler enqueues it).
 */
export async function enqueuePurge(options: PurgeQueueOptions, request: Pick<StoredPurge, '_id' | 'tenantId' | 'region'>): Promise<void> {
  const what =
    `the job of purge request ${request._id} could not be enqueued. The request is filed and pending: ` +
    `a tally worker serving region ${request.region} runs it once Redis is back (tally purge --list --tenant ${request.tenantId} shows it)`;
  await withCliQueueConnection(options.redisUrl, what, async (connection) => {
    const queue = new Queue(QUEUE.purge, { connection, prefix: regionQueuePrefix(request.region, options.queueBase) });
    try {
      await queue.add(PURGE_JOB_NAME, purgeJobData(request), { ...PURGE_JOB_OPTIONS, jobId: request._id });
    } finally {
      await queue.close();
    }
  });
}

/**
 * Serves the region's purge queue in this process until the request's job has
 * finished (`tally purge --wait`); other purge jobs it takes meanwhile run too.
 */
export async function servePurgeQueueUntilDone(
  options: PurgeQueueOptions & { readonly timeoutMs: number },
  deps: PrivacyJobDeps,
  request: Pick<StoredPurge, '_id' | 'region'>,
): Promise<void> {
  const prefix = regionQueuePrefix(request.region, options.queueBase);
  const connections = [bullConnection(options.redisUrl), bullConnection(options.redisUrl), bullConnection(options.redisUrl)] as const;
  const queue = new Queue(QUEUE.purge, { connection: connections[0], prefix });
  const events = new QueueEvents(QUEUE.purge, { connection: connections[1], prefix });
  let worker: Worker | undefined;
  try {
    await events.waitUntilReady();
    worker = new Worker(QUEUE.purge, createPurgeProcessor(deps, request.region), { connection: connections[2], prefix, concurrency: 1 });
    const job = await queue.getJob(request._id);
    if (!job) throw new AppError('PURGE_JOB_MISSING', `the job of purge request ${request._id} is not on region ${request.region}'s queue`);
    await job.waitUntilFinished(events, options.timeoutMs);
  } finally {
    await worker?.close();
    await events.close();
    await queue.close();
    for (const connection of connections) await connection.quit();
  }
}

/** BullMQ's workers block on Redis, so their connections must not give up on a request. */
export const bullConnection = (redisUrl: string): Redis => new Redis(redisUrl, { maxRetriesPerRequest: null });
