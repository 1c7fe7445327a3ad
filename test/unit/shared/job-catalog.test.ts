// The job catalog (jobs/catalog.ts): every queue has its jobs listed, and bad job data fails at once.
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { JOBS, parseJobData } from '../../../jobs/catalog.js';
import { QUEUE } from '../../../jobs/queues.js';

describe('the job catalog', () => {
  it('lists a job for every queue, and only queues that have one', () => {
    expect(Object.values(JOBS).map((job) => job.queue).sort()).toEqual(Object.values(QUEUE).sort());
  });

  it('keeps the attempts, backoff and retention of every job', () => {
    expect(JOBS.syncTick.options).toEqual({ attempts: 3, removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } });
    expect(JOBS.syncStream.options).toEqual({ attempts: 6, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } });
    expect(JOBS.purge.options).toEqual({ attempts: 8, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 604_800 }, removeOnFail: false });
    expect(JOBS.retention.options).toEqual({ attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 30, removeOnFail: 100 });
    expect(JOBS.retention.everyMs).toBe(86_400_000);
  });

  it('parses good job data', () => {
    expect(parseJobData(JOBS.syncStream.schema, { tenantId: 'acme', stream: 'tickets' }, JOBS.syncStream.name)).toEqual({ tenantId: 'acme', stream: 'tickets' });
  });

  it('fails bad job data without retries, naming the fields and not their values', () => {
    const bad = () => parseJobData(JOBS.syncStream.schema, { tenantId: 'acme', stream: 'secret-stream-value' }, JOBS.syncStream.name);
    expect(bad).toThrow(UnrecoverableError);
    expect(bad).toThrow(/^JOB_DATA_INVALID: job ingest\.syncStream has invalid data: stream$/);
    expect(bad).not.toThrow(/secret-stream-value/);
  });
});
