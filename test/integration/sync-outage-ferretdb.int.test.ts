// `tally worker` through a FerretDB outage: this file's own FerretDB over its own
// PostgreSQL database (test/helpers/outage-servers.ts), killed mid-sync and started
// again. The worker must stay up and the facts and buckets must equal an undisturbed run's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OutageScenario, SETTLE_MS, sleep, startOutageScenario, until, within } from '../helpers/outage-scenario.js';
import { type OwnServer, startOwnFerretdb } from '../helpers/outage-servers.js';
import { localConfig } from '../helpers/local-services.js';
import type { TwoRegions } from '../helpers/two-regions.js';

let mongoServer: OwnServer | undefined;
let regions: TwoRegions | undefined;
let scenario: OutageScenario;

beforeAll(async () => {
  mongoServer = await startOwnFerretdb();
  // The regions' databases live on this file's FerretDB (read when the helper loads).
  process.env['TALLY_TEST_MONGODB_HOST'] = mongoServer.url.replace('mongodb://', '');
  const { startTwoRegions } = await import('../helpers/two-regions.js');
  regions = await startTwoRegions();
  scenario = await startOutageScenario(regions, localConfig().redisUrl);
}, SETTLE_MS + 120_000);

afterAll(async () => {
  const steps = [
    () => mongoServer?.start().catch(() => undefined),
    () => scenario?.close(),
    () => regions?.close(),
    () => mongoServer?.close(),
  ];
  for (const step of steps) await within('cleanup', 60_000, Promise.resolve(step())).catch((error: unknown) => console.error('cleanup step failed:', error));
}, 300_000);

describe('tally worker through a FerretDB outage', { timeout: SETTLE_MS + 200_000 }, () => {
  it('FerretDB killed mid-sync and started again: the worker stays up and the results equal an undisturbed run', async () => {
    const { worker, reference } = scenario;
    await scenario.addTenant('storm');
    await until('a ticket events backfill of storm mid-way', () => scenario.midBackfill('storm'), 180_000, 100);
    const server = mongoServer as OwnServer;
    await server.kill();
    await sleep(3_000);
    await server.start();
    const restartedAt = Date.now();

    const state = await until('storm to settle after the outage', () => scenario.settled('storm', restartedAt), SETTLE_MS, 1_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nworker stderr (tail):\n${worker.stderr().slice(-6_000)}`);
    });
    expect(worker.child.exitCode, worker.stderr().slice(-4_000)).toBeNull();
    expect(worker.child.signalCode).toBeNull();
    expect(state.daily).toEqual(reference.daily);
    expect(state.facts).toEqual(reference.facts);
  });
});
