/**
 * The adapters every process kind shares, each made once per process: the region
 * router, one keyring per region over one lazily opened KMS client, Redis, the
 * Zendesk client factory (credentials opened through the tenant's keyring, the
 * request budget shared per Zendesk account in Redis) and the sync locks
 * (docs/architecture.md#parts). The CLI root (`cli-root.ts`) and the worker root
 * (`worker-root.ts`) build on it; nothing below src/app constructs these.
 */
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { Redis } from 'ioredis';
import type { RegionId } from '../../schemas/config.js';
import type { StoredTenant } from '../../schemas/records.js';
import type { Config } from '../config/load-config.js';
import { createKeyWrapper } from '../crypto/create-key-wrapper.js';
import { createKmsClient } from '../crypto/create-kms-client.js';
import { TenantKeyring } from '../crypto/tenant-keyring.js';
import type { OpenTenantZendesk, TenantSyncPorts } from '../ingest/run-tenant-sync.js';
import { StaffDirectory } from '../ingest/staff-directory.js';
import { redisSyncLocks } from '../ingest/tenant-lock.js';
import { RegionRouter } from '../store/mongo/region-router.js';
import { RequestBudget, ZENDESK_LIMITS } from '../zendesk/request-budget.js';
import { ZendeskClient } from '../zendesk/zendesk-client.js';
import type { UseCasePorts } from './use-cases.js';
import { backupPortsFactory } from './backup-adapters.js';
import { TicketStateCache } from '../ingest/ticket-state-cache.js';

/** The use cases' ports (src/app/use-cases.ts) over the real adapters, and how to close them. */
export interface Adapters extends Omit<UseCasePorts, 'router' | 'syncDatabase'> {
  readonly router: RegionRouter;
  /** Closes what was opened: databases, KMS, Redis. */
  close(): Promise<void>;
}

export interface AdapterOptions {
  /** Only these regions' databases (a worker opens TALLY_WORKER_REGIONS); default every configured one. */
  readonly regionIds?: readonly RegionId[];
  /**
   * The process will decrypt (a metrics read, an export, `tally serve`): the KMS client is
   * made while the databases connect, not on the first read. Without it, it is made on
   * first use, so commands that never decrypt never load the Cloud KMS library.
   */
  readonly decrypts?: boolean;
}

export async function createAdapters(config: Config, options: AdapterOptions = {}): Promise<Adapters> {
  // One KMS client per process, for the keyrings and the audit chain alike.
  let kms: KeyManagementServiceClient | undefined;
  const kmsClient = () => (kms ??= createKmsClient(config.kmsEndpoint));
  const connecting = RegionRouter.connect(options.regionIds ? { ...config, regionIds: options.regionIds } : config, { kmsClient });
  const usesKms = (options.regionIds ?? config.regionIds).some((id) => config.regions[id]?.kmsKey.kind === 'gcp');
  // Loading the library takes the CPU while the connections wait on the network.
  if (options.decrypts === true && usesKms) {
    try {
      // Its stubs too (the service's descriptors are parsed on the first call otherwise).
      void kmsClient()
        .initialize()
        .catch(() => undefined);
    } catch {
      // Reported with its code by the first use, like without `decrypts`.
    }
  }
  const router = await connecting;
  const keyrings = new Map<string, TenantKeyring>();
  let redis: Redis | undefined;
  const redisOf = () => {
    if (!redis) {
      redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
      // Without a listener ioredis prints every failed connection attempt, with a stack, to
      // stderr; the commands that need Redis fail on their own with a code (REDIS_UNAVAILABLE …).
      redis.on('error', () => undefined);
    }
    return redis;
  };
  let sync: TenantSyncPorts | undefined;
  const now = () => new Date();
  return {
    config,
    router,
    keyring: (region) => {
      let keyring = keyrings.get(region);
      if (!keyring) {
        const regionConfig = config.regions[region];
        if (!regionConfig) throw new Error(`region ${region} is not configured`);
        keyring = new TenantKeyring(router.region(region).keys, createKeyWrapper(regionConfig.kmsKey, kmsClient));
        keyrings.set(region, keyring);
      }
      return keyring;
    },
    redis: redisOf,
    backups: backupPortsFactory(config, router, kmsClient),
    sync: () => (sync ??= tenantSyncPorts(config, redisOf(), now)),
    now,
    close: async () => {
      await router.close();
      await kms?.close();
      await redis?.quit();
    },
  };
}

/** The sync's ports over one Redis: the Zendesk factory and the cross-process locks. */
export function tenantSyncPorts(config: Config, redis: Redis, now: () => Date = () => new Date()): TenantSyncPorts {
  return { openZendesk: zendeskClientFactory(config, redis), locks: redisSyncLocks(redis, config.queuePrefix), now, ticketStates: new TicketStateCache() };
}

/** Opens a tenant's Zendesk client and staff directory; tenants of one Zendesk account share its budget. */
export function zendeskClientFactory(config: Config, redis: Redis): OpenTenantZendesk {
  return async (tenant: StoredTenant, { keyring, database, budgetMaxWaitMs, onEvent, signal }) => {
    const client = new ZendeskClient({
      rootUrl: tenant.zendeskUrl,
      email: await keyring.openCredential(tenant._id, 'email', tenant.credentials.email),
      token: await keyring.openCredential(tenant._id, 'token', tenant.credentials.token),
      maxBodyBytes: config.zendeskMaxBodyBytes,
      // Tenants of one Zendesk account share its limits, so the budget is keyed by the account.
      budget: new RequestBudget(redis, accountKey(tenant.zendeskUrl), { ...ZENDESK_LIMITS, ...config.zendeskLimits }, undefined, budgetMaxWaitMs),
      onEvent,
      ...(signal ? { signal } : {}),
    });
    const storedStaff = await database.agents.ids(tenant._id);
    return { client, staff: new StaffDirectory(client, storedStaff) };
  };
}

/** The account's host and path: never a credential. */
function accountKey(zendeskUrl: string): string {
  const url = new URL(zendeskUrl);
  return `${url.host}${url.pathname}`.replace(/\/+$/, '');
}
