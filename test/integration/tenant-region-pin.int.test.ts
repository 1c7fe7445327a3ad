// A tenant read from one region's database but pinned to another is never synced
// (issue 15, item 8): not by `runTenantSync` (the CLI's and the worker's entry), not
// by a real `tally worker`, which logs the refusal without personal data.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredTenant } from '../../schemas/records.js';
import { tenantSyncPorts } from '../../src/app/adapters.js';
import { runTenantSync } from '../../src/ingest/run-tenant-sync.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { localConfig } from '../helpers/local-services.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';
import { addSimulatedTenant, type Fleet, startFleet } from '../helpers/worker-fleet.js';

const ACCOUNT = { account: 'acme', seed: 5, agents: 4, days: 1, ticketsPerDay: 5, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
let regions: TwoRegions;
let simulator: ZendeskSimulator;
let redis: Redis;
let fleet: Fleet | undefined;

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [ACCOUNT] });
  await simulator.listen(0);
  redis = new Redis(localConfig().redisUrl);
});
afterAll(async () => {
  await fleet?.close();
  await redis?.quit();
  await simulator?.close();
  await regions?.close();
});

/** A working tenant of region us (its key and credentials there) whose record says eu: a misplaced document. */
async function misplacedTenant(id: string): Promise<StoredTenant> {
  await addSimulatedTenant(regions, simulator, { id, region: 'us', account: 'acme', timeZone: 'Europe/Berlin' });
  const database = regions.router.region('us');
  await database.db.collection('tenants').updateOne({ _id: id as never }, { $set: { region: 'eu' } });
  return (await database.tenants.find(id)) as StoredTenant;
}

async function storedOf(id: string): Promise<Record<string, number>> {
  const db = regions.router.region('us').db;
  const counts: Record<string, number> = {};
  for (const name of ['agents', 'facts', 'tickets', 'cursors']) counts[name] = await db.collection(name).countDocuments({ tenantId: id });
  return counts;
}

const nothing = { agents: 0, facts: 0, tickets: 0, cursors: 0 };

describe('a tenant whose stored region is not its database region', { timeout: 120_000 }, () => {
  it('is refused by runTenantSync with TENANT_REGION_MISMATCH before any Zendesk request, and nothing is stored', async () => {
    const tenant = await misplacedTenant('misplaced-a');
    const requestsBefore = simulator.requestLog.length;
    const outcome = await runTenantSync({
      ports: tenantSyncPorts(regions.config, redis),
      database: regions.router.region('us'),
      keyring: regions.keyring('us'),
      tenant,
    }).then(
      (): { code?: string; message?: string } => ({ code: 'synced' }),
      (error: unknown) => error as { code?: string; message?: string },
    );
    expect(outcome.code).toBe('TENANT_REGION_MISMATCH');
    expect(outcome.message).toContain('misplaced-a is pinned to region eu but was read from region us');
    expect(simulator.requestLog.length).toBe(requestsBefore);
    expect(await storedOf('misplaced-a')).toEqual(nothing);
  });

  it('is refused by tally sync --once, exit 2 naming the code', async () => {
    await misplacedTenant('misplaced-b');
    const result = await runTally(['sync', '--tenant', 'misplaced-b', '--once'], regions.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[TENANT_REGION_MISMATCH]');
    expect(await storedOf('misplaced-b')).toEqual(nothing);
  });

  it('is refused by a worker: its sync job fails once, unretried, logged with the code and no personal data; nothing is stored', async () => {
    await misplacedTenant('misplaced-c');
    const credentials = simulator.accounts.get('acme');
    fleet = startFleet(regions, { TALLY_WORKER_REGIONS: 'us', TALLY_SYNC_INTERVAL_MS: '1000', TALLY_RECONCILE_INTERVAL_MS: '500', TALLY_LOG_LEVEL: 'info' });
    const worker = await fleet.start('pin');
    const queue = fleet.syncQueue('us');
    const jobsOf = async (state: 'failed' | 'completed') => (await queue.getJobs([state])).filter((job) => job.data.tenantId === 'misplaced-c');
    for (let waited = 0; waited < 40_000 && (await jobsOf('failed')).length + (await jobsOf('completed')).length === 0; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await jobsOf('completed')).map((job) => job.data.stream)).toEqual([]);
    const failed = await jobsOf('failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const job of failed) {
      expect(job.failedReason).toContain('TENANT_REGION_MISMATCH');
      expect(job.attemptsMade).toBe(1);
    }
    expect(worker.stderr()).toContain('TENANT_REGION_MISMATCH');
    for (const secret of [credentials?.email ?? '-', credentials?.token ?? '-', ...simulator.world('acme').users.map((user) => user.email)]) {
      expect(worker.stderr()).not.toContain(secret);
    }
    expect((await fleet.status('us').read('misplaced-c', failed[0]?.data.stream ?? 'users')).lastErrorCode).toBe('TENANT_REGION_MISMATCH');
    expect(await storedOf('misplaced-c')).toEqual(nothing);
  });
});
