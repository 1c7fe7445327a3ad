/**
 * Offboarding (docs/architecture.md#offboarding): every document of a tenant in its region, its job
 * schedulers and queued jobs, and finally its tenant key. The tenant record goes
 * first, so a sync still running stops at its next page (SuppressionGuard) and no
 * worker's reconciler schedules the tenant again; then its jobs; then the rest,
 * in passes, the later ones removing what such a page wrote. A failed offboarding
 * (Redis or the database unreachable, a crash) is saved as `started` and resumes
 * from that record when `tally tenants remove` runs again; the error says so. Its
 * record (counts, times) is the one document that outlives the tenant, as the
 * evidence (README "Privacy operations").
 */
import { type CollectionCounts, storedIds, type StoredOffboarding } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { AppError, InputError } from '../shared/errors.js';
import type { RegionStores, Regions } from '../store/ports.js';

export interface OffboardDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  /** Removes the tenant's job schedulers and waiting or delayed jobs in its region's queues. */
  readonly removeJobs: (region: string, tenantId: string) => Promise<{ schedulers: number; jobs: number }>;
  readonly now: () => Date;
  readonly actor: string;
}

export interface OffboardReceipt {
  tenant: string;
  region: string;
  startedAt: string;
  completedAt: string;
  /** Documents deleted per collection. */
  counts: CollectionCounts;
  schedulers: number;
  jobs: number;
  tenantKeyDeleted: boolean;
  /** Documents of the tenant found after the last pass (0 everywhere when complete). */
  remaining: CollectionCounts;
}

/** Passes over every collection: the second removes what a sync page in flight wrote. */
const PASSES = 3;

export async function offboardTenant(deps: OffboardDeps, input: { id?: string | undefined; confirm?: string | undefined }): Promise<OffboardReceipt> {
  const tenantId = input.id;
  if (tenantId === undefined) throw new InputError('--id', '--id is required: the tenant to remove (see tally tenants list)');
  if (input.confirm !== tenantId) {
    throw new InputError('--confirm', `--confirm must repeat the tenant id (--confirm ${tenantId}): removing a tenant deletes all of its data and cannot be undone`);
  }
  const { database, record } = await startOrResume(deps, tenantId);
  try {
    return await offboard(deps, database, record);
  } catch (error) {
    const again = `tally tenants remove --id ${tenantId} --confirm ${tenantId}`;
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError(error instanceof AppError ? error.code : 'OFFBOARD_INCOMPLETE', `${why}; the offboarding of ${tenantId} is saved as started: run ${again} again to finish it`, {
      retryable: true,
      cause: error,
    });
  }
}

async function offboard(deps: OffboardDeps, database: RegionStores, record: StoredOffboarding): Promise<OffboardReceipt> {
  const { tenantId } = record;
  const counts: CollectionCounts = { ...record.counts };
  const save = (patch: Partial<StoredOffboarding>) => database.purges.saveOffboarding({ ...record, ...patch, counts: { ...counts } });
  // The tenant record first: from here no reconciler or tick schedules the tenant.
  counts['tenants'] = (counts['tenants'] ?? 0) + (await database.tenantData.deleteAll(tenantId, 'tenants'));
  await save({});
  const removed = await deps.removeJobs(database.region, tenantId);
  // A resumed offboarding adds what this run removed to what the failed one had.
  const jobs = { schedulers: (record.jobs?.schedulers ?? 0) + removed.schedulers, jobs: (record.jobs?.jobs ?? 0) + removed.jobs };
  await save({ jobs });

  for (let pass = 0; pass < PASSES; pass++) {
    for (const collection of database.tenantData.collections) {
      counts[collection] = (counts[collection] ?? 0) + (await database.tenantData.deleteAll(tenantId, collection));
      await save({ jobs });
    }
    const found = await remainingOf(database, tenantId);
    // The tenant key stays until the end: it is the one document allowed to remain here.
    const left = Object.entries(found).reduce((sum, [collection, count]) => sum + (collection === 'keys' ? Math.max(0, count - 1) : count), 0);
    if (left === 0) break;
  }
  // The audit chain's head objects in the region's bucket go with its entries.
  await database.audit.removeHeads(tenantId);
  const keyring = deps.keyring(database.region);
  const hadKey = (await database.keys.find(storedIds.tenantKey(tenantId))) !== null;
  await keyring.destroyTenantKey(tenantId);
  counts['keys'] = (counts['keys'] ?? 0) + (hadKey ? 1 : 0);
  const remaining = await remainingOf(database, tenantId);
  const completedAt = deps.now();
  // Before the record says done: a restore of an older backup must find it in the ledger (docs/backup.md#purge-ledger).
  await database.purgeLedger.append({
    kind: 'offboarding',
    region: database.region,
    tenantId,
    offboardingId: record._id,
    completedAt: completedAt.toISOString(),
    requestedBy: record.requestedBy,
    startedAt: record.startedAt.toISOString(),
    counts,
  });
  await save({ jobs, state: 'done', completedAt, tenantKeyDeleted: true });
  return {
    tenant: tenantId,
    region: database.region,
    startedAt: record.startedAt.toISOString(),
    completedAt: completedAt.toISOString(),
    counts,
    schedulers: jobs.schedulers,
    jobs: jobs.jobs,
    tenantKeyDeleted: (await database.keys.find(storedIds.tenantKey(tenantId))) === null,
    remaining,
  };
}

async function startOrResume(deps: OffboardDeps, tenantId: string): Promise<{ database: RegionStores; record: StoredOffboarding }> {
  const region = await deps.router.regionOf(tenantId);
  if (region !== null) {
    const database = deps.router.region(region);
    // One that failed before it removed the tenant record goes on under its own record.
    const unfinished = (await database.purges.offboardings(tenantId)).find((record) => record.state === 'started');
    if (unfinished) return { database, record: unfinished };
    const startedAt = deps.now();
    const record: StoredOffboarding = {
      _id: `offboard:${tenantId}:${startedAt.getTime()}`,
      tenantId,
      region,
      state: 'started',
      requestedBy: deps.actor,
      startedAt,
      counts: {},
    };
    await database.purges.saveOffboarding(record);
    return { database, record };
  }
  // The tenant record is the first to go: an unfinished offboarding is found by its own record.
  for (const id of deps.router.regionIds) {
    const database = deps.router.region(id);
    const unfinished = (await database.purges.offboardings(tenantId)).find((record) => record.state === 'started');
    if (unfinished) return { database, record: unfinished };
  }
  throw new InputError('--id', `--id ${tenantId} is not a tenant: see tally tenants list`);
}

async function remainingOf(database: RegionStores, tenantId: string): Promise<CollectionCounts> {
  const remaining: CollectionCounts = {};
  for (const collection of database.tenantData.collections) remaining[collection] = await database.tenantData.count(tenantId, collection);
  return remaining;
}
