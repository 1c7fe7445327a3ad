/**
 * The worker service (docs/architecture.md#jobs): for each region in TALLY_WORKER_REGIONS, the
 * queues under that region's prefix, a Worker per queue with a registered
 * processor, the reconcilers of schedulers and of unfinished purge requests, and
 * the Prometheus endpoint. Queues of other regions are never opened, so their
 * jobs are never taken.
 *
 * SIGTERM/SIGINT: stop taking jobs; running syncs stop after their current page's
 * checkpoint and hand their job back; connections close; exit 0 within
 * TALLY_SHUTDOWN_TIMEOUT_MS.
 */
import { hostname } from 'node:os';
import { type Processor, type Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RegionId } from '../schemas/config.js';
import { createWorkerRoot } from '../src/app/worker-root.js';
import { type Config, loadConfig } from '../src/config/load-config.js';
import type { TenantKeyring } from '../src/crypto/tenant-keyring.js';
import type { TenantSyncPorts } from '../src/ingest/run-tenant-sync.js';
import { createLogger, type Logger } from '../src/shared/logger.js';
import type { RegionStores, Regions } from '../src/store/ports.js';
import { readOperationsView, type RegionView } from './operations-view.js';
import { createMetricsRegistry, serveMetrics } from './prom-metrics.js';
import { QUEUE, type QueueName } from './queues.js';
import { reconcileSchedulers } from './schedulers.js';
import type { StreamLeases } from './stream-lease.js';
import { createPurgeProcessor } from './purge-job.js';
import { PURGE_RETRY_AFTER_MS, reconcilePurges } from './purge-reconciler.js';
import { createRetentionProcessor, scheduleRetention } from './retention-job.js';
import { createBackupProcessor, scheduleBackup } from './backup-job.js';
import type { RegionBackupPorts } from '../src/app/backup-adapters.js';
import { createSyncProcessor } from './sync-job.js';
import type { SyncStatusStore } from './sync-status.js';
import { createTickProcessor } from './tick-job.js';

/** What a processor of one region's queue may use. */
export interface RegionWorkerContext {
  readonly config: Config;
  readonly region: RegionId;
  readonly router: Regions;
  readonly database: RegionStores;
  readonly keyring: TenantKeyring;
  /** The region's bucket, dump, KMS key and ledger, for its backups. */
  readonly backups: RegionBackupPorts;
  /** For budgets, leases and status (not BullMQ's blocking connections). */
  readonly redis: Redis;
  /** The Zendesk client factory and locks a sync runs on (src/app/adapters.ts). */
  readonly sync: TenantSyncPorts;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  readonly leases: StreamLeases;
  readonly status: SyncStatusStore;
  readonly logger: Logger;
  /** True once shutdown began: long jobs stop at their next safe point. */
  readonly stopping: () => boolean;
  /** Aborted when shutdown begins: running syncs stop after their current page's checkpoint. */
  readonly shutdown: AbortSignal;
}

export interface ProcessorRegistration {
  readonly create: (context: RegionWorkerContext) => Processor;
  readonly concurrency: (config: Config) => number;
}

/** The processor of each queue this worker runs; another queue's jobs are one line here. */
export const PROCESSORS: Partial<Record<QueueName, ProcessorRegistration>> = {
  [QUEUE.syncTick]: { create: (c) => createTickProcessor({ database: c.database, syncQueue: c.queues.sync }), concurrency: () => 4 },
  [QUEUE.sync]: { create: (c) => createSyncProcessor(c), concurrency: (config) => config.jobs.concurrency },
  // Purges of one region run one at a time: each is long, and the sync-side guard covers races.
  [QUEUE.purge]: {
    create: (c) => createPurgeProcessor({ router: c.router, keyring: () => c.keyring, now: () => new Date(), actor: WORKER_ACTOR }, c.region),
    concurrency: () => 1,
  },
  [QUEUE.retention]: {
    create: (c) => createRetentionProcessor({ router: c.router, now: () => new Date(), actor: WORKER_ACTOR }, c.region),
    concurrency: () => 1,
  },
  // One backup of a region at a time.
  [QUEUE.backup]: {
    create: (c) => createBackupProcessor({ backups: c.backups, keep: c.config.backup.keep, now: () => new Date(), shutdown: c.shutdown }, c.region),
    concurrency: () => 1,
  },
};

/** Who the audit log names for what the worker does on its own. */
const WORKER_ACTOR = 'tally-worker';

export interface RunningWorker {
  readonly metricsPort: number;
  readonly regions: readonly RegionId[];
  /** Graceful stop; resolves when everything is closed (or the timeout forced it). */
  stop(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger = createLogger(config.logLevel, 'tally-worker')): Promise<RunningWorker> {
  const regions = config.workerRegions;
  const regionViews: RegionView[] = [];
  // Bound first: a port another worker on this host holds stops the start before anything runs.
  const metrics = await serveMetrics(
    createMetricsRegistry(() => readOperationsView(regionViews, Date.now())),
    config.jobs.metricsPort,
  );
  // The adapters, made once for this process (src/app/worker-root.ts).
  const root = await createWorkerRoot(config);
  const { router, redis, bullConnection } = root;
  let stopping = false;
  const shutdown = new AbortController();
  const workers: Worker[] = [];
  const reconcilers: (() => Promise<void>)[] = [];

  for (const { region, prefix, database, keyring, queues, leases, status } of root.regions) {
    const context: RegionWorkerContext = {
      config,
      region,
      router,
      database,
      keyring,
      backups: root.adapters.backups(region),
      redis,
      sync: root.sync,
      queues,
      leases,
      status,
      logger: logger.child({ region }),
      stopping: () => stopping,
      shutdown: shutdown.signal,
    };
    regionViews.push({ region, database, status, queues: Object.values(queues) });
    for (const [name, registration] of Object.entries(PROCESSORS) as [QueueName, ProcessorRegistration][]) {
      const worker = new Worker(name, registration.create(context), {
        connection: bullConnection,
        prefix,
        // Shown as the job's processedBy: which process ran it.
        name: `${hostname()}:${process.pid}`,
        concurrency: registration.concurrency(config),
        lockDuration: config.jobs.leaseMs,
        stalledInterval: config.jobs.leaseMs,
        maxStalledCount: 2,
      });
      worker.on('error', (error) => context.logger.error({ queue: name, code: codeOf(error) }, 'worker error'));
      workers.push(worker);
    }
    // Idempotent: every worker upserts the same daily scheduler of its region.
    await scheduleRetention(queues[QUEUE.retention], region);
    await scheduleBackup(queues[QUEUE.backup], region, config.backup.schedule);
    // Done requests filed before reasons were erased at completion lose theirs now (README "Privacy operations").
    const erasedReasons = await database.purges.eraseDoneReasons();
    if (erasedReasons > 0) context.logger.info({ erasedReasons }, 'reasons of done purge requests erased');
    reconcilers.push(async () => {
      const result = await reconcileSchedulers(database.tenants, queues[QUEUE.syncTick], config.jobs.syncIntervalMs);
      if (result.added + result.removed > 0) context.logger.info(result, 'schedulers reconciled');
    });
    // Purge requests filed while Redis was down, or whose job gave up, run from here (jobs/purge-reconciler.ts).
    reconcilers.push(async () => {
      const result = await reconcilePurges(database.purges, queues[QUEUE.purge], { now: Date.now, retryFinishedAfterMs: PURGE_RETRY_AFTER_MS });
      if (result.added + result.retried > 0) context.logger.info(result, 'purge requests reconciled');
    });
  }

  let reconciling = false;
  const reconcileAll = async () => {
    // While Redis is down a run waits for it; the next ticks skip rather than pile up behind it.
    if (reconciling) return;
    reconciling = true;
    try {
      for (const reconcile of reconcilers) {
        if (stopping) return;
        await reconcile().catch((error: unknown) => logger.error({ code: codeOf(error) }, 'reconciliation failed'));
      }
    } finally {
      reconciling = false;
    }
  };
  await reconcileAll();
  const reconcileTimer = setInterval(() => void reconcileAll(), config.jobs.reconcileIntervalMs);

  logger.info({ regions, metricsPort: metrics.port, queuePrefix: config.jobs.queuePrefix }, 'worker started');

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      shutdown.abort();
      clearInterval(reconcileTimer);
      logger.info('stopping: no new jobs; running syncs stop after their current page');
      const closing = Promise.all(workers.map((worker) => worker.close()));
      const timedOut = await withinMs(closing.then(() => false), config.jobs.shutdownTimeoutMs, true);
      if (timedOut) {
        // BullMQ's close waits for running jobs even when forced later; their locks lapse
        // and another worker resumes them from the last checkpoint (the lease keeps them apart).
        logger.warn('shutdown timeout: leaving running jobs to be resumed elsewhere');
      }
      const closeAll = async () => {
        await root.closeQueues();
        await new Promise<void>((resolve) => metrics.server.close(() => resolve()));
        await root.closeAdapters();
      };
      await withinMs(closeAll(), timedOut ? 2_000 : config.jobs.shutdownTimeoutMs, undefined);
      logger.info('stopped');
    })());

  return { metricsPort: metrics.port, regions, stop };
}

/** `tally worker`: runs until SIGTERM or SIGINT, then stops gracefully and exits 0. */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'tally-worker');
  const worker = await startWorker(config, logger);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  await worker.stop();
  logger.flush();
  process.exit(0);
}

/** The promise's value, or `fallback` once `ms` have passed. */
async function withinMs<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) return String(error.code);
  return error instanceof Error ? error.name : 'unknown';
}
