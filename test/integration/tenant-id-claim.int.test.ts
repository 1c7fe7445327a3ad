// Region pinning under concurrent adds (issue 15, item 8): two `tenants add` of one id
// in two regions, as two processes would run them (each its own MongoDB and Redis
// connections), never both succeed.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcpKmsKeyWrapper } from '../../src/crypto/gcp-kms-key-wrapper.js';
import { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { RegionRouter } from '../../src/store/mongo/region-router.js';
import { addTenant, type AddTenantDeps } from '../../src/tenants/add-tenant.js';
import { redisTenantIdClaims } from '../../src/tenants/tenant-id-claim.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { EU_KEY, startTwoRegions, type TwoRegions, US_KEY } from '../helpers/two-regions.js';

let regions: TwoRegions;
let simulator: ZendeskSimulator;
const closers: (() => Promise<unknown>)[] = [];
const PREFIX = uniqueName('tally-claims');

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [{ account: 'acme', seed: 3, agents: 4, days: 1, ticketsPerDay: 2 }] });
  await simulator.listen(0);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await simulator?.close();
  await regions?.close();
});

/** What one `tally` process builds: its own router, keyrings and Redis connection. */
async function processDeps(): Promise<AddTenantDeps> {
  const router = await RegionRouter.connect(regions.config);
  const redis = new Redis(localConfig().redisUrl);
  closers.push(() => router.close(), () => redis.quit());
  const keys = { us: US_KEY, eu: EU_KEY } as Record<string, string>;
  const keyrings = new Map<string, TenantKeyring>();
  return {
    router,
    keyring: (region) => {
      let keyring = keyrings.get(region);
      if (!keyring) keyrings.set(region, (keyring = new TenantKeyring(router.region(region).keys, new GcpKmsKeyWrapper(regions.kmsClient, keys[region] ?? ''))));
      return keyring;
    },
    verify: verifyZendeskCredentials,
    now: () => new Date(),
    claims: redisTenantIdClaims(redis, PREFIX),
  };
}

function input(id: string, region: 'us' | 'eu') {
  const account = simulator.accounts.get('acme');
  return { id, region, timeZone: 'Europe/Berlin', zendeskUrl: simulator.rootUrl('acme'), zendeskEmail: account?.email, zendeskToken: account?.token, verify: true };
}

async function regionsHolding(id: string): Promise<{ tenants: string[]; keys: string[] }> {
  const tenants: string[] = [];
  const keys: string[] = [];
  for (const region of ['us', 'eu'] as const) {
    const db = regions.router.region(region).db;
    if ((await db.collection('tenants').countDocuments({ _id: id as never })) > 0) tenants.push(region);
    if ((await db.collection('keys').countDocuments({ tenantId: id })) > 0) keys.push(region);
  }
  return { tenants, keys };
}

describe('tenants add of one id in two regions at once', { timeout: 120_000 }, () => {
  it('lets exactly one win; the other gets TENANT_EXISTS and leaves nothing behind', async () => {
    const [first, second] = [await processDeps(), await processDeps()];
    for (let attempt = 0; attempt < 6; attempt++) {
      const id = `race-${attempt}`;
      // Alternate which process asks for which region, and which starts first.
      const [a, b] = attempt % 2 === 0 ? [first, second] : [second, first];
      const outcomes = await Promise.allSettled([addTenant(a, input(id, 'us')), addTenant(b, input(id, 'eu'))]);
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as { code?: string; message?: string }] : []));
      expect(won, `attempt ${attempt}: ${lost.map((error) => error.message).join('; ')}`).toHaveLength(1);
      expect(lost.map((error) => error.code)).toEqual(['TENANT_EXISTS']);
      expect(lost[0]?.message).toContain('--id');
      const held = await regionsHolding(id);
      expect(held.tenants).toHaveLength(1);
      expect(held.keys).toEqual(held.tenants);
    }
  });

  it('still refuses the id once the winner has finished and released its claim', async () => {
    const deps = await processDeps();
    await addTenant(deps, input('settled', 'eu'));
    const late = await processDeps();
    const refused = await addTenant(late, input('settled', 'us')).then(() => null, (error: unknown) => error as { code?: string; message?: string });
    expect(refused?.code).toBe('TENANT_EXISTS');
    expect(refused?.message).toContain('a tenant settled already exists (in region eu)');
    expect(await regionsHolding('settled')).toEqual({ tenants: ['eu'], keys: ['eu'] });
  });
});
