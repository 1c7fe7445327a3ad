/**
 * Keeps every unfinished purge request of a region running (README "Privacy
 * operations"): a request is filed in MongoDB before its job goes to Redis, so a
 * request whose job never reached the queue (Redis was down), was lost with
 * Redis's data, or gave up after its attempts would otherwise never finish. Every
 * worker runs this with the schedulers' reconciler: a request without a job gets
 * one (job id = request id, so concurrent workers add it once); a job that ended
 * while its request is not done is retried with its attempts reset, at most once
 * per `retryFinishedAfterMs` after it ended, so a purge that keeps failing is
 * retried at a bounded rate rather than in a loop.
 */
import type { Queue } from 'bullmq';
import type { PurgeStore } from '../src/store/ports.js';
import { PURGE_JOB_NAME, PURGE_JOB_OPTIONS, purgeJobData } from './purge-job.js';

/** How long a purge job that ended without finishing its request rests before it is retried. */
export const PURGE_RETRY_AFTER_MS = 10 * 60_000;

export type PurgeJobAction = 'add' | 'retry' | 'rest' | 'none';

/**
 * What to do for an unfinished request given its job: its BullMQ state
 * (`unknown` when there is none) and, for an ended job, when it ended. Pure.
 */
export function purgeJobAction(job: { state: string; finishedOn?: number | undefined }, now: number, retryFinishedAfterMs: number): PurgeJobAction {
  if (job.state === 'unknown') return 'add';
  if (job.state !== 'failed' && job.state !== 'completed') return 'none';
  return now - (job.finishedOn ?? 0) >= retryFinishedAfterMs ? 'retry' : 'rest';
}

export interface PurgeReconcileResult {
  /** Requests whose job was missing and was added. */
  readonly added: number;
  /** Ended jobs of unfinished requests moved back to waiting. */
  readonly retried: number;
  /** Ended jobs still resting before their next retry. */
  readonly resting: number;
  /** Requests whose job is waiting, delayed or running. */
  readonly queued: number;
}

export async function reconcilePurges(
  purges: Pick<PurgeStore, 'unfinished'>,
  purgeQueue: Queue,
  options: { readonly now: () => number; readonly retryFinishedAfterMs: number },
): Promise<PurgeReconcileResult> {
  const counts = { added: 0, retried: 0, resting: 0, queued: 0 };
  for (const request of await purges.unfinished()) {
    const job = await purgeQueue.getJob(request._id);
    const state = job ? await job.getState() : 'unknown';
    const action = purgeJobAction({ state, finishedOn: job?.finishedOn }, options.now(), options.retryFinishedAfterMs);
    if (action === 'add') {
      await purgeQueue.add(PURGE_JOB_NAME, purgeJobData(request), { ...PURGE_JOB_OPTIONS, jobId: request._id });
      counts.added++;
    } else if (action === 'retry' && job) {
      // Another worker's reconciler may have retried it a moment ago: then it is queued.
      const retried = await job.retry(state as 'failed' | 'completed', { resetAttemptsMade: true, resetAttemptsStarted: true }).then(
        () => true,
        () => false,
      );
      if (retried) counts.retried++;
      else counts.queued++;
    } else if (action === 'rest') counts.resting++;
    else counts.queued++;
  }
  return counts;
}
