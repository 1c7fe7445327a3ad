/** The store contracts (test/contract/) against the Mongo adapters on FerretDB, as the memory fakes pass them. */
import { afterAll, beforeAll } from 'vitest';
import { describeRegionStores } from '../contract/index.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;

beforeAll(async () => {
  regions = await startTwoRegions();
});

afterAll(async () => {
  await regions.close();
});

describeRegionStores(() => regions.router.region('eu'));
