// BullMQ on the local Redis: a job goes in, a worker processes it, the result comes back.
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localConfig, requireService, uniqueName } from '../helpers/local-services.js';

const redisUrl = localConfig().redisUrl;
const prefix = uniqueName('tally-test');
const queueName = 'ingest';
const connection = () => new Redis(redisUrl, { maxRetriesPerRequest: null });

beforeAll(() => requireService('Redis', redisUrl.replace(/^redis:/, 'http:')));

let cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('BullMQ on Redis', () => {
  it('adds a job and a worker processes it, ids only in the payload', async () => {
    const queue = new Queue(queueName, { connection: connection(), prefix });
    const events = new QueueEvents(queueName, { connection: connection(), prefix });
    const seen: unknown[] = [];
    const worker = new Worker<{ tenantId: string; stream: string }>(
      queueName,
      (job) => {
        seen.push(job.data);
        return Promise.resolve({ synced: `${job.data.tenantId}:${job.data.stream}` });
      },
      { connection: connection(), prefix },
    );
    cleanup.push(
      () => worker.close(),
      () => events.close(),
      async () => {
        await queue.obliterate({ force: true });
        await queue.close();
      },
    );
    await events.waitUntilReady();

    const job = await queue.add('ingest.syncStream', { tenantId: 'acme', stream: 'users' });
    const result: unknown = await job.waitUntilFinished(events, 15_000);

    expect(result).toEqual({ synced: 'acme:users' });
    expect(seen).toEqual([{ tenantId: 'acme', stream: 'users' }]);
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });
  });
});
