/**
 * Rollups of daily buckets and the versions of the days under them, in MongoDB
 * (docs/metrics.md#rollups). `markBucketDays` is what every writer of daily buckets
 * calls around its write (region-database.ts replace, privacy-stores.ts erasure and
 * retention): a new version marked `writing` before, another marked written after,
 * so a rollup built meanwhile or before never matches the day again.
 */
import { WHOLE_RESULT } from './whole-result.js';
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { type StoredBucketDay, StoredBucketDaySchema, type StoredRollup, StoredRollupSchema } from '../../../schemas/records.js';
import { rollupsCovering } from '../../metrics/rollup-plan.js';
import type { DayVersion, RollupStore } from '../ports.js';
import { storeCall } from './store-call.js';
import { bulkUpdate } from './upsert-by-id.js';

export class MongoRollupStore implements RollupStore {
  constructor(private readonly db: Db) {}

  async dayVersions(tenantId: string, months: readonly string[]): Promise<Map<string, DayVersion>> {
    const versions = new Map<string, DayVersion>();
    for (const month of new Set(months)) {
      const days = await storeCall('read bucket day versions', () => bucketDays(this.db).find({ tenantId, month }, WHOLE_RESULT).toArray());
      for (const day of days) versions.set(day.day, { version: day.version, writing: day.writing });
    }
    return versions;
  }

  async find(tenantId: string, ids: readonly string[]): Promise<StoredRollup[]> {
    // By id, a few at a time: FerretDB does not push `$in` down, and ids are a few dozen. By _id
    // alone: FerretDB uses its _id index only for that filter, and with `tenantId` beside it
    // reads every rollup of the collection, payloads and all (22 ms instead of 1.4 ms each,
    // measured); the tenant is checked here instead.
    const found: StoredRollup[] = [];
    const unique = [...new Set(ids)];
    for (let at = 0; at < unique.length; at += 8) {
      const batch = await Promise.all(unique.slice(at, at + 8).map((_id) => storeCall('read a rollup', () => rollups(this.db).findOne({ _id }))));
      for (const rollup of batch) if (rollup?.tenantId === tenantId) found.push(rollup);
    }
    return found;
  }

  async save(rollup: StoredRollup): Promise<void> {
    const { _id, ...fields } = StoredRollupSchema.parse(rollup);
    await storeCall('save a rollup', () => rollups(this.db).replaceOne({ _id }, fields, { upsert: true }));
  }
}

/** Gives the days a new version, marked as being written (before a write) or written (after it). */
export async function markBucketDays(db: Db, tenantId: string, days: Iterable<string>, writing: boolean, now: Date): Promise<void> {
  const operations = [...new Set(days)].map((day) => {
    const { _id, ...fields } = StoredBucketDaySchema.parse({ _id: `${tenantId}:${day}`, tenantId, day, month: day.slice(0, 7), version: randomUUID(), writing, updatedAt: now });
    return { updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } };
  });
  if (operations.length > 0) await bulkUpdate(bucketDays(db), operations, 'mark bucket days');
}

/** The day's rollups (its day, block and month, and every agent's series of its month) deleted: after a day's buckets are deleted for good. */
export async function deleteRollupsCovering(db: Db, tenantId: string, dayList: Iterable<string>): Promise<void> {
  const days = [...new Set(dayList)];
  for (const day of days) {
    for (const _id of rollupsCovering(tenantId, day)) await storeCall('delete a rollup', () => rollups(db).deleteOne({ _id, tenantId }));
  }
  for (const month of new Set(days.map((day) => day.slice(0, 7)))) {
    await storeCall('delete series rollups', () => rollups(db).deleteMany({ tenantId, level: 'series', start: `${month}-01` }));
  }
}

/** Every rollup of the tenant deleted: after an agent's erasure, none may hold the agent's numbers. */
export async function deleteTenantRollups(db: Db, tenantId: string): Promise<number> {
  return (await storeCall('delete rollups', () => rollups(db).deleteMany({ tenantId }))).deletedCount;
}

const bucketDays = (db: Db): Collection<StoredBucketDay> => db.collection<StoredBucketDay>('bucket_days');
const rollups = (db: Db): Collection<StoredRollup> => db.collection<StoredRollup>('rollups');
