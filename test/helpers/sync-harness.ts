import { Redis } from 'ioredis';
import type { StoredFact, StoredTenant } from '../../schemas/records.js';
import { StaffDirectory } from '../../src/ingest/staff-directory.js';
import { redisSyncLocks } from '../../src/ingest/tenant-lock.js';
import type { SyncContext } from '../../src/ingest/sync-stream.js';
import type { ZendeskSimulator } from '../../src/simulator/server.js';
import { addTenant } from '../../src/tenants/add-tenant.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { RequestBudget, ZENDESK_LIMITS } from '../../src/zendesk/request-budget.js';
import { ZendeskClient } from '../../src/zendesk/zendesk-client.js';
import { localConfig, uniqueName } from './local-services.js';
import type { TwoRegions } from './two-regions.js';

/** Adds a tenant for a simulated account and builds what a sync of it needs. */
export async function tenantForSimulator(
  regions: TwoRegions,
  simulator: ZendeskSimulator,
  options: { id: string; region: 'us' | 'eu'; account?: string; timeZone?: string },
): Promise<{ tenant: StoredTenant; context: (extra?: Partial<SyncContext>) => Promise<SyncContext>; redis: Redis }> {
  const account = simulator.accounts.get(options.account ?? 'acme');
  if (!account) throw new Error('no simulated account');
  await addTenant(
    { router: regions.router, keyring: (region) => regions.keyring(region as 'us' | 'eu'), verify: verifyZendeskCredentials, now: () => new Date() },
    {
      id: options.id,
      region: options.region,
      timeZone: options.timeZone ?? 'Europe/Berlin',
      zendeskUrl: simulator.rootUrl(account.name),
      zendeskEmail: account.email,
      zendeskToken: account.token,
      verify: true,
    },
  );
  const database = regions.router.region(options.region);
  const redis = new Redis(localConfig().redisUrl);
  const budgetKey = uniqueName('budget');
  const lockPrefix = uniqueName('locks');
  const keyring = regions.keyring(options.region);
  const context = async (extra: Partial<SyncContext> = {}): Promise<SyncContext> => {
    const tenant = (await database.tenants.find(options.id)) as StoredTenant;
    const client = new ZendeskClient({
      rootUrl: tenant.zendeskUrl,
      email: await keyring.openCredential(tenant._id, 'email', tenant.credentials.email),
      token: await keyring.openCredential(tenant._id, 'token', tenant.credentials.token),
      budget: new RequestBudget(redis, budgetKey, { ...ZENDESK_LIMITS, accountPerMinute: 1_000_000, exportPerMinute: 1_000_000, usersExportPerMinute: 1_000_000 }),
      minRetryDelayMs: 5,
      maxRetryDelayMs: 50,
    });
    const storedStaff = await database.db.collection('agents').find({ tenantId: tenant._id }).project<{ zendeskUserId: number }>({ zendeskUserId: 1 }).toArray();
    return {
      tenant,
      database,
      keyring,
      client,
      staff: new StaffDirectory(client, storedStaff.map((agent) => agent.zendeskUserId)),
      locks: redisSyncLocks(redis, lockPrefix),
      now: () => new Date(),
      ...extra,
    };
  };
  return { tenant: (await database.tenants.find(options.id)) as StoredTenant, context, redis };
}

export async function factsOf(regions: TwoRegions, region: 'us' | 'eu', tenantId: string): Promise<StoredFact[]> {
  return regions.router.region(region).db.collection<StoredFact>('facts').find({ tenantId }).toArray();
}

/** Rows with their minute lists sorted, so two computations compare equal regardless of order. */
export function comparable<T extends Record<string, unknown>>(rows: T[]): T[] {
  const sortedValue = (value: unknown): unknown => {
    if (!Array.isArray(value)) return value;
    // Minute lists in order of size; slices (objects) each made comparable, in their own order.
    if (value.every((item) => typeof item === 'number')) return [...(value)].sort((a, b) => a - b);
    return comparable(value as Record<string, unknown>[]);
  };
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, sortedValue(value)])) as T);
}
