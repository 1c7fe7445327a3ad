/**
 * The use cases a surface calls (the CLI today; `tally serve` next), bound once to
 * the process's adapters. Each is the one implementation of its read or privacy
 * operation; a surface only parses its input and shows the result
 * (docs/architecture.md#parts).
 */
import type { Queue } from 'bullmq';
import type { StoredAudit, StoredPurge } from '../../schemas/records.js';
import { readOperationsView, type OperationsView, type RegionView } from '../../jobs/operations-view.js';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';
import { SyncStatusStore } from '../../jobs/sync-status.js';
import { type ApiKeyView, createApiKey, type CreateApiKeyInput, listApiKeys, revokeApiKey } from '../access/api-keys.js';
import {
  addPerson,
  type AddPersonInput,
  completeSetup,
  type CompleteSetupInput,
  disablePerson,
  listPeople,
  recordSignOut,
  resetPerson,
  setPersonRole,
  signIn,
  type SignInInput,
  startSetup,
} from '../access/people.js';
import type { ChainCheck } from '../audit/audit-chain.js';
import { runTenantSync, type StreamCounts } from '../ingest/run-tenant-sync.js';
import type { DailySeries, MetricsComparison, MetricsReport } from '../metrics/metrics-report.js';
import { compareMetrics, listDimensions, readDailySeries, readMetrics, type ReadMetricsInput } from '../metrics/read-metrics.js';
import { enforceRetention } from '../privacy/enforce-retention.js';
import { type AgentExport, exportAgent } from '../privacy/export-agent.js';
import { offboardTenant } from '../privacy/offboard-tenant.js';
import { type PurgeReceipt, purgeReceipt } from '../privacy/plan-purge.js';
import { readPurgeReason } from '../privacy/purge-reason.js';
import { type PurgeInput, requestPurge, tenantDatabase } from '../privacy/request-purge.js';
import { setRetention } from '../privacy/set-retention.js';
import { InputError } from '../shared/errors.js';
import { addTenant } from '../tenants/add-tenant.js';
import { replaceCredentials } from '../tenants/replace-credentials.js';
import { redisTenantIdClaims } from '../tenants/tenant-id-claim.js';
import { viewTenant } from '../tenants/view-tenant.js';
import { verifyZendeskCredentials } from '../zendesk/verify-credentials.js';
import type { RegionId } from '../../schemas/config.js';
import type { Config } from '../config/load-config.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import type { TenantSyncPorts } from '../ingest/run-tenant-sync.js';
import type { RegionStores, Regions } from '../store/ports.js';
import type { Redis } from 'ioredis';
import type { RegionBackupPorts } from './backup-adapters.js';
import { runBackup, type BackupReceipt } from '../backup/run-backup.js';
import { listBackups, type BackupView, viewOf } from '../backup/list-backups.js';
import { restoreBackup, type RestoreReceipt } from '../backup/restore-backup.js';
import { tallyVersion } from '../shared/package-root.js';

/** What the use cases run on: the process's adapters (src/app/adapters.ts), or fakes of these ports in unit tests. */
export interface UseCasePorts {
  readonly config: Config;
  readonly router: Regions;
  /** The region's keyring, made on first use and kept. */
  readonly keyring: (region: string) => TenantKeyring;
  /** For budgets, leases, claims and status; opened on first use. */
  readonly redis: () => Redis;
  /** What a tenant sync runs on (src/ingest/run-tenant-sync.ts). */
  readonly sync: () => TenantSyncPorts;
  /** The region's database as the sync writes it. */
  readonly syncDatabase: (region: RegionId) => RegionStores;
  /** The region's bucket, dump, KMS key and ledger for backups (src/app/backup-adapters.ts). */
  readonly backups: (region: RegionId) => RegionBackupPorts;
  readonly now: () => Date;
}

export interface UseCaseOptions {
  /** Who the audit log names for what this process does. */
  readonly actor: string;
}

export type UseCases = ReturnType<typeof createUseCases>;

export function createUseCases(adapters: UseCasePorts, options: UseCaseOptions) {
  const { router, keyring, config } = adapters;
  const now = adapters.now;
  const actor = options.actor;
  const purgeDeps = { router, keyring, now, actor };
  const peopleDeps = { router, keyring, now, actor, publicUrl: config.http.publicUrl };
  const purgeQueue = { redisUrl: config.redisUrl, queueBase: config.queuePrefix };
  // The job modules load BullMQ; only the commands that queue or inspect jobs load them,
  // so `tally metrics` and the HTTP reads start without it.
  const purgeJobs = () => import('../../jobs/purge-job.js');

  return {
    /** Every stream of one tenant until caught up (`tally sync --once`). */
    async syncTenant(tenantId: string, onProgress?: (counts: StreamCounts) => void): Promise<StreamCounts[]> {
      // regionOf answers null for an unknown tenant; a store failure still surfaces as itself.
      const region = await router.regionOf(tenantId);
      const database = region === null ? null : adapters.syncDatabase(region);
      const tenant = database ? await database.tenants.find(tenantId) : null;
      if (!database || !tenant) throw new InputError('--tenant', `--tenant ${tenantId} is not a tenant: see tally tenants list`);
      if (tenant.status === 'auth_failed') {
        throw new InputError('--tenant', `tenant ${tenantId} is stopped: Zendesk refused its credentials (401); set new ones with tally tenants credentials`);
      }
      return runTenantSync({ ports: adapters.sync(), database, keyring: keyring(tenant.region), tenant, ...(onProgress ? { onProgress } : {}) });
    },

    readMetrics: (input: ReadMetricsInput): Promise<MetricsReport> => readMetrics({ router, keyring, now, actor }, input),
    compareMetrics: (input: ReadMetricsInput): Promise<MetricsComparison> => compareMetrics({ router, keyring, now, actor }, input),
    readDailySeries: (input: ReadMetricsInput): Promise<DailySeries> => readDailySeries({ router, keyring, now, actor }, input),
    /** The tenant's groups and brands with their names (the dashboard's filters). */
    dimensions: (tenant: string | undefined) => listDimensions({ router, keyring, now, actor }, tenant),

    exportAgent: (input: Parameters<typeof exportAgent>[1]): Promise<AgentExport> => exportAgent({ router, keyring, now, actor }, input),

    purge: {
      /** Files the request (state `requested`). */
      request: (input: PurgeInput): Promise<StoredPurge> => requestPurge(purgeDeps, input),
      /** Adds its job; REDIS_UNAVAILABLE leaves it for the worker's purge reconciler. */
      enqueue: async (request: StoredPurge): Promise<void> => (await purgeJobs()).enqueuePurge(purgeQueue, request),
      /** Serves the region's purge queue in this process until the request's job is done. */
      runUntilDone: async (request: StoredPurge, timeoutMs: number): Promise<unknown> => (await purgeJobs()).servePurgeQueueUntilDone({ ...purgeQueue, timeoutMs }, purgeDeps, request),
      find: (request: Pick<StoredPurge, '_id' | 'region'>): Promise<StoredPurge | null> => router.region(request.region).purges.find(request._id),
      /** The tenant's requests; reasons opened only while pending (README "Privacy operations"). */
      async list(tenant: string | undefined): Promise<(PurgeReceipt & { pending: boolean; reason: string | null })[]> {
        const database = await tenantDatabase(router, tenant, '--tenant');
        const requests = await database.purges.list(tenant as string);
        return Promise.all(
          requests.map(async (request) => ({
            ...purgeReceipt(request),
            pending: request.state !== 'done',
            reason: await readPurgeReason(keyring(database.region), request),
          })),
        );
      },
    },

    retention: {
      /** Every tenant of the region, or of every configured region. */
      async run(region: string | undefined) {
        if (region !== undefined && !router.regionIds.includes(region)) {
          throw new InputError('--region', `--region ${region} is not configured: use one of ${router.regionIds.join(', ')}`);
        }
        const regions = region === undefined ? router.regionIds : [region];
        const all = [];
        for (const id of regions) {
          const database = router.region(id);
          const run = await enforceRetention({ tenants: database.tenants, retention: database.retention, audit: database.audit, now, actor });
          all.push(...run.map((result) => ({ region: id, ...result })));
        }
        return all;
      },
    },

    /** Lag, last outcomes and queue depths of every configured region. */
    async status(): Promise<OperationsView> {
      const regions: RegionView[] = [];
      const queues: Queue[] = [];
      try {
        for (const region of config.regionIds) {
          const prefix = regionQueuePrefix(region, config.jobs.queuePrefix);
          const { Queue } = await import('bullmq');
          const regionQueues = Object.values(QUEUE).map((name) => new Queue(name, { connection: adapters.redis(), prefix }));
          queues.push(...regionQueues);
          regions.push({ region, database: router.region(region), status: new SyncStatusStore(adapters.redis(), prefix), queues: regionQueues });
        }
        return await readOperationsView(regions, Date.now());
      } finally {
        await Promise.allSettled(queues.map((queue) => queue.close()));
      }
    },

    tenants: {
      add: (raw: Record<string, unknown>) =>
        addTenant(
          {
            router,
            keyring,
            verify: verifyZendeskCredentials,
            now,
            // Every process of the deployment shares this Redis: two adds of one id never both pass.
            claims: redisTenantIdClaims(adapters.redis(), config.queuePrefix),
          },
          raw,
        ),
      credentials: (input: Parameters<typeof replaceCredentials>[1]) => replaceCredentials({ router, keyring, verify: verifyZendeskCredentials, now }, input),
      list: async () => (await Promise.all(router.regionIds.map((region) => router.region(region).tenants.list()))).flat().map(viewTenant),
      async show(id: string) {
        const tenant = await (await router.for(id)).tenants.find(id);
        if (!tenant) throw new InputError('--id', `--id ${id} is not a tenant: see tally tenants list`);
        return viewTenant(tenant);
      },
      retention: (input: Parameters<typeof setRetention>[1]) => setRetention({ router, now, actor }, input),
      /** Offboarding: every document of the tenant, its schedulers and jobs, then its key. */
      remove: (input: Parameters<typeof offboardTenant>[1]) =>
        offboardTenant({ router, keyring, removeJobs: async (region, tenantId) => (await import('../../jobs/tenant-jobs.js')).removeTenantJobs(purgeQueue, region, tenantId), now, actor }, input),
    },

    /** Backups of a region and restores into an empty database (docs/backup.md). */
    backup: {
      run: (region: string | undefined): Promise<BackupReceipt> => {
        const checked = requireRegion(router, region);
        const ports = adapters.backups(checked);
        return runBackup({ region: checked, bucket: ports.bucket, dump: ports.dump, wrapper: ports.wrapper, ledger: ports.ledger, keep: config.backup.keep, now, tallyVersion: tallyVersion() });
      },
      list: async (region: string | undefined): Promise<BackupView[]> => (await listBackups(adapters.backups(requireRegion(router, region)).bucket)).map(viewOf),
      async restore(region: string | undefined, backupId: string | undefined, into: string | undefined): Promise<RestoreReceipt & { into: string }> {
        const checked = requireRegion(router, region);
        const ports = adapters.backups(checked);
        const opened = await ports.openTarget(into);
        try {
          const receipt = await restoreBackup(
            { region: checked, bucket: ports.bucket, wrapper: ports.wrapper, ledger: ports.ledger, target: opened.target, targetStores: opened.stores, now },
            { backupId },
          );
          // The database's name only: a URI can carry a password.
          return { ...receipt, into: opened.database };
        } finally {
          await opened.close();
        }
      },
    },

    keys: {
      async rewrap(region: string | undefined) {
        if (!region || !router.regionIds.includes(region)) {
          throw new InputError('--region', `--region must be one of ${router.regionIds.join(', ')}`);
        }
        return keyring(region).rewrapTenantKeys();
      },
    },

    audit: {
      async entries(tenant: string | undefined): Promise<StoredAudit[]> {
        const database = await tenantDatabase(router, tenant, '--tenant');
        const entries: StoredAudit[] = [];
        for await (const entry of database.audit.entries(tenant as string)) entries.push(entry);
        return entries;
      },
      verify: async (tenant: string | undefined): Promise<ChainCheck> => (await tenantDatabase(router, tenant, '--tenant')).audit.verify(tenant as string),
    },

    /** The dashboard's people (docs/dashboard.md#people): `tally users` and the sign-in pages. */
    people: {
      add: (input: AddPersonInput) => addPerson(peopleDeps, input),
      list: (tenant: string | undefined) => listPeople(peopleDeps, tenant),
      disable: (tenant: string | undefined, id: string | undefined) => disablePerson(peopleDeps, tenant, id),
      reset: (tenant: string | undefined, id: string | undefined) => resetPerson(peopleDeps, tenant, id),
      setRole: (tenant: string | undefined, id: string | undefined, role: string | undefined) => setPersonRole(peopleDeps, tenant, id, role),
      startSetup: (tenant: string, token: string | undefined) => startSetup(peopleDeps, tenant, token),
      completeSetup: (tenant: string, input: CompleteSetupInput) => completeSetup(peopleDeps, tenant, input),
      signIn: (tenant: string, input: SignInInput) => signIn(peopleDeps, tenant, input),
      signOut: (tenant: string, personId: string, reason: 'signed_out' | 'expired') => recordSignOut(peopleDeps, tenant, personId, reason),
    },

    /** API keys of `tally serve` (docs/api.md#keys). */
    apiKeys: {
      create: (input: CreateApiKeyInput) => createApiKey({ router, now, actor }, input),
      list: (tenant: string | undefined): Promise<ApiKeyView[]> => listApiKeys({ router, now, actor }, tenant),
      revoke: (tenant: string | undefined, keyId: string | undefined): Promise<ApiKeyView> => revokeApiKey({ router, now, actor }, tenant, keyId),
    },
  };
}

/** A --region that is configured here. */
function requireRegion(router: Regions, region: string | undefined): RegionId {
  if (region === undefined || !router.regionIds.includes(region)) {
    throw new InputError('--region', `--region ${region === undefined ? 'is required' : `${region} is not configured`}: use one of ${router.regionIds.join(', ')}`);
  }
  return region;
}
