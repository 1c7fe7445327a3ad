/**
 * Rollups and bucket day versions in memory, with store/mongo/rollup-store.ts's semantics.
 * Memory writes are not interleaved, so a write only changes the days' versions (never
 * leaves one marked `writing`).
 */
import { randomUUID } from 'node:crypto';
import type { StoredBucketDay, StoredRollup } from '../../../schemas/records.js';
import { StoredRollupSchema, storedIds } from '../../../schemas/records.js';
import { rollupsCovering } from '../../metrics/rollup-plan.js';
import type * as ports from '../ports.js';
import { copy, deleteWhere, type MemoryTables } from './tables.js';

export class MemoryRollupStore implements ports.RollupStore {
  constructor(private readonly tables: MemoryTables) {}

  async dayVersions(tenantId: string, months: readonly string[]): Promise<Map<string, ports.DayVersion>> {
    const wanted = new Set(months);
    const versions = new Map<string, ports.DayVersion>();
    for (const day of this.tables.table<StoredBucketDay>('bucket_days').values()) {
      if (day.tenantId === tenantId && wanted.has(day.month)) versions.set(day.day, { version: day.version, writing: day.writing });
    }
    return Promise.resolve(versions);
  }

  async find(tenantId: string, ids: readonly string[]): Promise<StoredRollup[]> {
    const table = this.tables.table<StoredRollup>('rollups');
    return Promise.resolve([...new Set(ids)].flatMap((id) => {
      const found = table.get(id);
      return found && found.tenantId === tenantId ? [copy(found)] : [];
    }));
  }

  async save(rollup: StoredRollup): Promise<void> {
    const document = StoredRollupSchema.parse(rollup);
    this.tables.table<StoredRollup>('rollups').set(document._id, copy(document));
    return Promise.resolve();
  }
}

/** New versions for the days, by day: what every write of their buckets does (in one step here, so every write is alone). */
export function bumpBucketDays(tables: MemoryTables, tenantId: string, days: Iterable<string>): Map<string, string> {
  const table = tables.table<StoredBucketDay>('bucket_days');
  const versions = new Map<string, string>();
  for (const day of new Set(days)) {
    const version = randomUUID();
    versions.set(day, version);
    table.set(storedIds.bucketDay(tenantId, day), { _id: storedIds.bucketDay(tenantId, day), tenantId, day, month: day.slice(0, 7), version, writing: false, updatedAt: new Date() });
  }
  return versions;
}

export function deleteRollupsCovering(tables: MemoryTables, tenantId: string, day: string): void {
  const table = tables.table<StoredRollup>('rollups');
  for (const id of rollupsCovering(tenantId, day)) table.delete(id);
  // Every agent's series of the day's month: a day deleted for good leaves no copy in any of them.
  const monthStart = `${day.slice(0, 7)}-01`;
  deleteWhere(table, (rollup) => rollup.tenantId === tenantId && rollup.level === 'series' && rollup.start === monthStart);
}

export function deleteTenantRollups(tables: MemoryTables, tenantId: string): number {
  return deleteWhere(tables.table<StoredRollup>('rollups'), (rollup) => rollup.tenantId === tenantId);
}
