/**
 * What `tally status` prints and the worker's /metrics serves: per tenant and
 * stream the lag, last success, last error code and 429s in the last hour, and the
 * depth of every queue. Ids, codes and numbers only.
 */
import type { Queue } from 'bullmq';
import { STREAMS, type Stream, type StoredTenant } from '../schemas/records.js';
import { checkpointReachedMs, lagSeconds } from './stream-lag.js';
import type { SyncStatusStore } from './sync-status.js';
import type { RegionStores } from '../src/store/ports.js';

export interface StreamRow {
  region: string;
  tenantId: string;
  stream: Stream;
  tenantStatus: StoredTenant['status'];
  lagSeconds: number | null;
  lastSuccessAt: number | null;
  lastErrorCode: string | null;
  rateLimitedLastHour: number;
  unavailable: boolean;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

export interface QueueDepth {
  region: string;
  queue: string;
  counts: Record<(typeof QUEUE_STATES)[number], number>;
}

export interface RegionView {
  readonly region: string;
  readonly database: RegionStores;
  readonly status: SyncStatusStore;
  readonly queues: readonly Queue[];
}

export interface OperationsView {
  streams: StreamRow[];
  queues: QueueDepth[];
}

export async function readOperationsView(regions: readonly RegionView[], now: number): Promise<OperationsView> {
  const streams: StreamRow[] = [];
  const queues: QueueDepth[] = [];
  for (const { region, database, status, queues: regionQueues } of regions) {
    for (const tenant of await database.tenants.list()) {
      const rateLimitedLastHour = await status.rateLimitedLastHour(tenant._id, now);
      for (const stream of STREAMS) {
        const [position, state] = await Promise.all([database.checkpoints.position(tenant._id, stream), status.read(tenant._id, stream)]);
        streams.push({
          region,
          tenantId: tenant._id,
          stream,
          tenantStatus: tenant.status,
          lagSeconds: lagSeconds(checkpointReachedMs(position, state.caughtUpAt), now),
          lastSuccessAt: state.lastSuccessAt,
          lastErrorCode: state.lastErrorCode,
          rateLimitedLastHour,
          unavailable: tenant.unavailableStreams.includes(stream),
        });
      }
    }
    for (const queue of regionQueues) {
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      queues.push({ region, queue: queue.name, counts: Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state] ?? 0])) as QueueDepth['counts'] });
    }
  }
  return { streams, queues };
}
