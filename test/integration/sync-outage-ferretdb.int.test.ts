// `tally worker` through a FerretDB outage: this file's own FerretDB over its own
// PostgreSQL database (test/helpers/outage-servers.ts), killed mid-sync and started
// again. The worker must stay up and the facts and buckets must equal an undisturbed run's.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeOutage, expectSettledLikeReference, type OutageScenario, restart, SETTLE_MS, startOutageScenario, until } from '../helpers/outage-scenario.js';
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

afterAll(() => closeOutage(mongoServer, scenario, regions), 300_000);

describe('tally worker through a FerretDB outage', { timeout: SETTLE_MS + 200_000 }, () => {
  it('FerretDB killed mid-sync and started again: the worker stays up and the results equal an undisturbed run', async () => {
    await scenario.addTenant('storm');
    await until('a ticket events backfill of storm mid-way', () => scenario.midBackfill('storm'), 180_000, 100);
    const restartedAt = await restart(mongoServer as OwnServer, 3_000);

    await expectSettledLikeReference(scenario, 'storm', restartedAt);
  });
});
