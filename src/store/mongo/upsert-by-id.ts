/**
 * Upserts by `_id`, inserting first. FerretDB v1 answers a batch insert without
 * reading, but runs each update (upserts included) as a lookup, a rewrite in Go and a
 * write, one document at a time (the lookup is indexed locally only through
 * scripts/lib/ferretdb-gin-indexes.sql; before it, it scanned the collection). A backfill's
 * documents are mostly new: they are inserted in one batch, and only those that
 * exist (duplicate `_id`) are updated, as before. The result is the same as the
 * upsert's, on MongoDB too: a new document is the `_id` with the update's
 * `$setOnInsert` and `$set` fields.
 */
import { type AnyBulkWriteOperation, type Collection, type Document, type Filter, MongoBulkWriteError, type OptionalUnlessRequiredId } from 'mongodb';
import type { WriteCounts } from '../ports.js';
import { DUPLICATE_KEY } from './duplicate-key.js';
import { storeCall, translate } from './store-call.js';

/** One document's upsert: `$set` always, `$setOnInsert` when it is new. */
export interface IdUpsert<T extends { _id: string }> {
  readonly _id: string;
  readonly set: Partial<T>;
  readonly setOnInsert?: Partial<T>;
  /**
   * When the document exists, `$set` applies only if it also matches this (else it is
   * left as it is). For writes that must never move a document back (ticket states).
   */
  readonly onlyIf?: Filter<T>;
}

/** Upserts whole documents by `_id` (replays rewrite the same values). */
export function upsertById<T extends { _id: string }>(collection: Collection<T>, documents: readonly T[], what: string): Promise<WriteCounts> {
  return insertThenUpdate(
    collection,
    documents.map(({ _id, ...fields }) => ({ _id, set: fields as Partial<T> })),
    `upsert ${what}`,
  );
}

export async function insertThenUpdate<T extends { _id: string }>(collection: Collection<T>, upserts: readonly IdUpsert<T>[], what: string): Promise<WriteCounts> {
  if (upserts.length === 0) return { written: 0, duplicates: 0 };
  const documents = upserts.map(({ _id, set, setOnInsert }) => ({ ...setOnInsert, ...set, _id }) as unknown as OptionalUnlessRequiredId<T>);
  let existing: readonly IdUpsert<T>[] = [];
  try {
    await collection.insertMany(documents, { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw translate(what, error);
    const writeErrors = [error.writeErrors].flat();
    if (!writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY)) throw translate(what, error);
    // In the given order, so that of two upserts of one document the later still wins.
    const duplicates = new Set(writeErrors.map((writeError) => writeError.index));
    existing = upserts.filter((_, index) => duplicates.has(index));
  }
  const updated = await bulkUpdate(
    collection,
    existing.map(({ _id, set, setOnInsert, onlyIf }) => ({
      updateOne: onlyIf
        ? // It exists (its insert was a duplicate): an upsert whose condition fails would insert a second one.
          { filter: { ...onlyIf, _id }, update: { $set: set } }
        : { filter: { _id } as Filter<T>, update: { $set: set, ...(setOnInsert ? { $setOnInsert: setOnInsert } : {}) }, upsert: true },
    })),
    what,
  );
  return { written: upserts.length - existing.length + updated.written, duplicates: 0 };
}

/**
 * Updates go in chunks of this size. FerretDB v1.24.2 held a pool connection for every
 * update of a command until the whole command was done, so a command of a hundred
 * updates could wait forever for a connection (scripts/lib/ferretdb-*.patch fixes that
 * here); chunks of 20 stay well inside any pool.
 */
const UPDATE_BATCH = 20;

/**
 * Chunks in flight at once. FerretDB applies a command's updates one at a time, each
 * its own PostgreSQL transaction, so one command keeps one core busy at most; several
 * side by side use the others. Each update holds at most two of FerretDB's
 * connections, so a process's updates hold at most eight.
 */
const UPDATE_LANES = 4;

/**
 * Applies the updates in chunks, several chunks at once. Every update of one `_id` goes
 * to the same lane, in the given order, so that of two updates of one document the
 * later still wins; an update whose filter names no plain `_id` makes the whole call
 * one lane, in order.
 */
export async function bulkUpdate<T extends { _id: string }>(collection: Collection<T>, operations: AnyBulkWriteOperation<T>[], what: string): Promise<WriteCounts> {
  const lanes = lanesOf(operations);
  // Settled, not all: a failed lane's error is thrown once every other lane has stopped writing.
  const settled = await Promise.allSettled(
    lanes.map(async (lane) => {
      let count = 0;
      for (let start = 0; start < lane.length; start += UPDATE_BATCH) {
        const result = await storeCall(what, () => collection.bulkWrite(lane.slice(start, start + UPDATE_BATCH), { ordered: true }));
        count += result.upsertedCount + result.modifiedCount;
      }
      return count;
    }),
  );
  let written = 0;
  for (const lane of settled) {
    if (lane.status === 'rejected') throw lane.reason;
    written += lane.value;
  }
  return { written, duplicates: 0 };
}

function lanesOf<T extends Document>(operations: AnyBulkWriteOperation<T>[]): AnyBulkWriteOperation<T>[][] {
  if (operations.length <= UPDATE_BATCH) return [operations];
  const lanes: AnyBulkWriteOperation<T>[][] = Array.from({ length: UPDATE_LANES }, () => []);
  for (const operation of operations) {
    const id = idOf(operation);
    if (id === null) return [operations];
    (lanes[laneOf(id)] as AnyBulkWriteOperation<T>[]).push(operation);
  }
  return lanes.filter((lane) => lane.length > 0);
}

function idOf<T extends Document>(operation: AnyBulkWriteOperation<T>): string | null {
  const filter = 'updateOne' in operation ? operation.updateOne.filter : 'replaceOne' in operation ? operation.replaceOne.filter : undefined;
  const id = (filter as { _id?: unknown } | undefined)?._id;
  return typeof id === 'string' ? id : null;
}

function laneOf(id: string): number {
  let hash = 0;
  for (let index = 0; index < id.length; index++) hash = (Math.imul(hash, 31) + id.charCodeAt(index)) | 0;
  return (hash >>> 0) % UPDATE_LANES;
}
