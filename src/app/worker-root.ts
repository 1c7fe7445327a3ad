/**
 * The worker's composition root: the adapters of the regions in
 * TALLY_WORKER_REGIONS (src/app/adapters.ts), BullMQ's own connection, and per
 * region its queues, keyring, sync leases and status store. `jobs/worker.ts`
 * registers processors and reconcilers over it; no other worker code builds an
 * adapter (docs/architecture.md#regions).
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RegionId } from '../../schemas/config.js';
import { QUEUE, type QueueName, regionQueuePrefix } from '../../jobs/queues.js';
import { StreamLeases } from '../../jobs/stream-lease.js';
import { SyncStatusStore } from '../../jobs/sync-status.js';
import type { Config } from '../config/load-config.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import type { TenantSyncPorts } from '../ingest/run-tenant-sync.js';
import type { RegionDatabase } from '../store/mongo/region-database.js';
import type { RegionRouter } from '../store/mongo/region-router.js';
import { type Adapters, createAdapters } from './adapters.js';

/** One region's side of the worker. */
export interface WorkerRegion {
  readonly region: RegionId;
  readonly prefix: string;
  readonly database: RegionDatabase;
  readonly keyring: TenantKeyring;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  readonly leases: StreamLeases;
  readonly status: SyncStatusStore;
}

export interface WorkerRoot {
  readonly config: Config;
  readonly adapters: Adapters;
  readonly router: RegionRouter;
  /** For budgets, leases and status (not BullMQ's blocking connections). */
  readonly redis: Redis;
  /** BullMQ's connection: waits out Redis outages rather than failing commands. */
  readonly bullConnection: Redis;
  readonly sync: TenantSyncPorts;
  readonly regions: readonly WorkerRegion[];
  /** Every queue of every region, for closing. */
  readonly queues: readonly Queue[];
  /** Closes the queues (before the metrics endpoint goes). */
  closeQueues(): Promise<void>;
  /** Then the databases, KMS and both Redis connections. */
  closeAdapters(): Promise<void>;
}

export async function createWorkerRoot(config: Config): Promise<WorkerRoot> {
  const adapters = await createAdapters(config, { regionIds: config.workerRegions });
  const redis = adapters.redis();
  const bullConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const regions: WorkerRegion[] = [];
  const queues: Queue[] = [];
  for (const region of config.workerRegions) {
    if (!config.regions[region]) throw new Error(`region ${region} has no configuration`);
    const prefix = regionQueuePrefix(region, config.jobs.queuePrefix);
    const regionQueues = Object.fromEntries(Object.values(QUEUE).map((name) => [name, new Queue(name, { connection: bullConnection, prefix })])) as Record<QueueName, Queue>;
    queues.push(...Object.values(regionQueues));
    const database = adapters.router.region(region);
    regions.push({
      region,
      prefix,
      database,
      keyring: adapters.keyring(region),
      queues: regionQueues,
      leases: new StreamLeases(redis, prefix, config.jobs.leaseMs, database.checkpoints),
      status: new SyncStatusStore(redis, prefix),
    });
  }
  return {
    config,
    adapters,
    router: adapters.router,
    redis,
    bullConnection,
    sync: adapters.sync(),
    regions,
    queues,
    closeQueues: async () => {
      await Promise.allSettled(queues.map((queue) => queue.close()));
    },
    closeAdapters: async () => {
      await Promise.allSettled([adapters.close(), bullConnection.quit()]);
    },
  };
}
