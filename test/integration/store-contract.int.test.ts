/** The store contracts (test/contract/) against the Mongo adapters on FerretDB, as the memory fakes pass them. */
import { afterAll, beforeAll } from 'vitest';
import { describeAuditStore } from '../contract/audit-store.contract.js';
import { describeRegionStores } from '../contract/index.js';
import { seedTenant } from '../helpers/seed-agent.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;

beforeAll(async () => {
  regions = await startTwoRegions();
});

afterAll(async () => {
  await regions.close();
});

describeRegionStores(() => regions.router.region('eu'));

describeAuditStore(() => {
  const database = regions.router.region('eu');
  const keyring = regions.keyring('eu');
  return Promise.resolve({ audit: database.audit, prepare: async (tenantId: string) => void (await seedTenant(database, keyring, tenantId)) });
});
