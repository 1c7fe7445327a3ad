/**
 * Real `tally worker` processes against the simulator, FerretDB and Redis, each
 * with its own queue prefix base so test files stay apart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';
import type { SyncJobData } from '../../jobs/catalog.js';
import { SyncStatusStore } from '../../jobs/sync-status.js';
import type { ZendeskSimulator } from '../../src/simulator/server.js';
import { addTenant } from '../../src/tenants/add-tenant.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { localConfig, uniqueName } from './local-services.js';
import type { TwoRegions } from './two-regions.js';
import { tallyArgs } from './tally-command.js';

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export interface Fleet {
  readonly queueBase: string;
  readonly env: Record<string, string>;
  readonly redis: Redis;
  start(name: string, extraEnv?: Record<string, string>): Promise<WorkerProcess>;
  status(region: 'us' | 'eu'): SyncStatusStore;
  syncQueue(region: 'us' | 'eu'): Queue<SyncJobData>;
  tickQueue(region: 'us' | 'eu'): Queue;
  close(): Promise<void>;
}

export function startFleet(regions: TwoRegions, env: Record<string, string>): Fleet {
  const queueBase = uniqueName('tq');
  const redis = new Redis(localConfig().redisUrl);
  const workers: WorkerProcess[] = [];
  const queues = new Map<string, Queue<SyncJobData>>();
  const fullEnv = { ...regions.env, TALLY_QUEUE_PREFIX: queueBase, TALLY_METRICS_PORT: '0', ...env };
  const queue = (region: 'us' | 'eu', name: string) => {
    const key = `${region}:${name}`;
    let found = queues.get(key);
    if (!found) {
      found = new Queue<SyncJobData>(name, { connection: redis, prefix: regionQueuePrefix(region, queueBase) });
      queues.set(key, found);
    }
    return found;
  };
  return {
    queueBase,
    env: fullEnv,
    redis,
    start: async (name, extraEnv = {}) => {
      const child = spawn(process.execPath, tallyArgs('worker'), {
        env: { ...process.env, ...fullEnv, ...extraEnv },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const worker: WorkerProcess = { child, pid: child.pid as number, name, exited, stderr: () => stderr };
      workers.push(worker);
      // Started once it logged so (schedulers reconciled, metrics served).
      for (let waited = 0; !stderr.includes('worker started'); waited += 100) {
        if (child.exitCode !== null || waited > 60_000) throw new Error(`worker ${name} did not start:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return worker;
    },
    status: (region) => new SyncStatusStore(redis, regionQueuePrefix(region, queueBase)),
    syncQueue: (region) => queue(region, QUEUE.sync),
    tickQueue: (region) => queue(region, QUEUE.syncTick),
    close: async () => {
      for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((worker) => worker.exited));
      for (const found of queues.values()) await found.close();
      const keys = await redis.keys(`${queueBase}:*`);
      for (let start = 0; start < keys.length; start += 500) await redis.del(...keys.slice(start, start + 500));
      await redis.quit();
    },
  };
}

/** Adds a tenant for a simulated account through the real use case (credentials checked). */
export async function addSimulatedTenant(
  regions: TwoRegions,
  simulator: ZendeskSimulator,
  options: { id: string; region: 'us' | 'eu'; account: string; timeZone: string },
): Promise<void> {
  const account = simulator.accounts.get(options.account);
  if (!account) throw new Error(`no simulated account ${options.account}`);
  await addTenant(
    { router: regions.router, keyring: (region) => regions.keyring(region as 'us' | 'eu'), verify: verifyZendeskCredentials, now: () => new Date() },
    {
      id: options.id,
      region: options.region,
      timeZone: options.timeZone,
      zendeskUrl: simulator.rootUrl(account.name),
      zendeskEmail: account.email,
      zendeskToken: account.token,
      // The simulator runs with faults; these credentials are known to be good.
      verify: false,
    },
  );
}
