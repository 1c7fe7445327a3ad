// An offboarding that failed after it removed the tenant record (Redis or the database
// unreachable) still owns the tenant id until it is finished: adding a tenant under that
// id, in any region, would make the resumed removal erase the new tenant and leave the
// old one's data and key behind for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardTenant } from '../../src/privacy/offboard-tenant.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { addTenant } from '../../src/tenants/add-tenant.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { uniqueName } from '../helpers/local-services.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;
let simulator: ZendeskSimulator;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [{ account: 'acme', seed: 3, agents: 4, days: 2, ticketsPerDay: 4 }] });
  await simulator.listen(0);
});
afterAll(async () => {
  for (const close of closers) await close();
  await simulator?.close();
  await regions?.close();
});

describe('a tenant id whose offboarding failed half-way', { timeout: 60_000 }, () => {
  it('cannot be added again, in any region, until the same remove command finishes the offboarding', async () => {
    const id = uniqueName('leaving').replaceAll('_', '-').slice(0, 40);
    const { redis } = await tenantForSimulator(regions, simulator, { id, region: 'us' });
    closers.push(() => redis.quit());
    const us = regions.router.region('us');
    // What a run cut short after its first step leaves: the record started, the tenant record gone.
    const startedAt = new Date();
    await us.purges.saveOffboarding({ _id: `offboard:${id}:${startedAt.getTime()}`, tenantId: id, region: 'us', state: 'started', requestedBy: 'cli:test', startedAt, counts: {} });
    await us.tenantData.deleteAll(id, 'tenants');

    const account = simulator.accounts.get('acme');
    if (!account) throw new Error('no account');
    const add = (region: 'us' | 'eu') =>
      addTenant(
        { router: regions.router, keyring: (name) => regions.keyring(name as 'us' | 'eu'), verify: verifyZendeskCredentials, now: () => new Date() },
        { id, region, timeZone: 'Europe/Berlin', zendeskUrl: simulator.rootUrl('acme'), zendeskEmail: account.email, zendeskToken: account.token, verify: false },
      );
    for (const region of ['eu', 'us'] as const) {
      const refused = await add(region).catch((error: unknown) => error);
      expect(refused, region).toMatchObject({ code: 'TENANT_EXISTS' });
      expect((refused as Error).message).toContain(`is still being removed (in region us): finish it with tally tenants remove --id ${id} --confirm ${id}`);
    }
    expect(await regions.router.region('eu').tenants.find(id)).toBeNull();

    const receipt = await offboardTenant(
      { router: regions.router, keyring: (name) => regions.keyring(name as 'us' | 'eu'), removeJobs: () => Promise.resolve({ schedulers: 0, jobs: 0 }), now: () => new Date(), actor: 'cli:test' },
      { id, confirm: id },
    );
    expect(receipt.region).toBe('us');
    expect(receipt.tenantKeyDeleted).toBe(true);
    expect(Object.values(receipt.remaining).every((count) => count === 0)).toBe(true);

    // Finished: the id is free again, in either region.
    const view = await add('eu');
    expect(view).toMatchObject({ id, region: 'eu' });
  });
});
