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
import { type StoredBucketDay, StoredBucketDaySchema, type StoredRollup, StoredRollupSchema, storedIds } from '../../../schemas/records.js';
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

function bucketDay(tenantId: string, day: string, version: string, writing: boolean, now: Date): StoredBucketDay {
  return StoredBucketDaySchema.parse({ _id: storedIds.bucketDay(tenantId, day), tenantId, day, month: day.slice(0, 7), version, writing, updatedAt: now });
}

/**
 * Gives the days a new version, marked as being written (before a write) or written
 * (after it), and returns the versions by day.
 */
export async function markBucketDays(db: Db, tenantId: string, days: Iterable<string>, writing: boolean, now: Date): Promise<Map<string, string>> {
  const versions = new Map([...new Set(days)].map((day) => [day, randomUUID()]));
  const operations = [...versions].map(([day, version]) => {
    const { _id, ...fields } = bucketDay(tenantId, day, version, writing, now);
    return { updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } };
  });
  if (operations.length > 0) await bulkUpdate(bucketDays(db), operations, 'mark bucket days');
  return versions;
}

/**
 * Marks the days written after a write that marked them `writing` with these versions,
 * and returns the new versions if the write was alone: every day still had the version
 * this write gave it, so no other writer marked it in between. Otherwise every day is
 * marked written again with a fresh version, as `markBucketDays` would (a rollup built
 * meanwhile never matches), and the answer is null.
 */
export async function finishBucketDays(db: Db, tenantId: string, writingVersions: ReadonlyMap<string, string>, now: Date): Promise<Map<string, string> | null> {
  const versions = new Map([...writingVersions.keys()].map((day) => [day, randomUUID()]));
  const operations = [...versions].map(([day, version]) => {
    const { _id, ...fields } = bucketDay(tenantId, day, version, false, now);
    return { updateOne: { filter: { _id, version: writingVersions.get(day) as string }, update: { $set: fields } } };
  });
  if (operations.length === 0) return versions;
  const { written } = await bulkUpdate(bucketDays(db), operations, 'mark bucket days written');
  if (written === operations.length) return versions;
  await markBucketDays(db, tenantId, versions.keys(), false, now);
  return null;
}

/**
 * A new version for every day of the tenant not in `except`, each left writing or not
 * as it was: after a delete that may have reached buckets on days it did not mark. An
 * erasure deletes all of an agent's buckets, also one a flush wrote after the erasure
 * listed the agent's days; that day's rollups, and buckets a sync holds for its
 * warm-up (docs/metrics.md#handed-buckets), must not match it again.
 */
export async function bumpTenantDays(db: Db, tenantId: string, except: Iterable<string>, now: Date): Promise<void> {
  const skip = new Set(except);
  const days = await storeCall('read bucket days', () => bucketDays(db).find({ tenantId }, WHOLE_RESULT).project<{ _id: string; day: string }>({ _id: 1, day: 1 }).toArray());
  const operations = days
    .filter(({ day }) => !skip.has(day))
    .map(({ _id }) => ({ updateOne: { filter: { _id }, update: { $set: { version: randomUUID(), updatedAt: now } } } }));
  if (operations.length > 0) await bulkUpdate(bucketDays(db), operations, 'bump bucket day versions');
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
