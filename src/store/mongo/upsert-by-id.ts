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
import { type AnyBulkWriteOperation, type Collection, type Filter, MongoBulkWriteError, type OptionalUnlessRequiredId } from 'mongodb';
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
 * FerretDB v1.24.2 (SQLite) stops answering some update batches of a hundred or
 * more upserts, and keeps that database locked afterwards; batches of 20 have
 * always gone through, so updates are sent in chunks of that size.
 */
const UPDATE_BATCH = 20;

export async function bulkUpdate<T extends { _id: string }>(collection: Collection<T>, operations: AnyBulkWriteOperation<T>[], what: string): Promise<WriteCounts> {
  let written = 0;
  for (let start = 0; start < operations.length; start += UPDATE_BATCH) {
    const result = await storeCall(what, () => collection.bulkWrite(operations.slice(start, start + UPDATE_BATCH), { ordered: true }));
    written += result.upsertedCount + result.modifiedCount;
  }
  return { written, duplicates: 0 };
}
