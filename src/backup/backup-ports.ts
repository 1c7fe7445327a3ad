/** What backups, restores and the purge ledger need from the region's bucket and databases (docs/backup.md). */
import type { Writable } from 'node:stream';
import type { Document } from 'mongodb';
import type { LedgerEntry } from '../../schemas/backup.js';

export interface BucketObject {
  readonly name: string;
  readonly size: number;
  /** The object's generation: a read pinned to it never sees a later write. */
  readonly generation: string;
}

/** One region's bucket (src/storage/gcs-backup-bucket.ts). */
export interface BackupBucket {
  /** The variable naming it, for messages (e.g. TALLY_EU_BUCKET). */
  readonly variable: string;
  list(prefix: string): Promise<BucketObject[]>;
  /** A small object whole, or null when there is none. */
  read(name: string): Promise<Buffer | null>;
  /** A large object as it arrives, pinned to one generation. */
  stream(object: BucketObject): AsyncIterable<Uint8Array>;
  write(name: string, body: Uint8Array, contentType: string): Promise<void>;
  /** A resumable upload: the object exists only once the stream has finished. */
  upload(name: string): Writable;
  delete(name: string): Promise<void>;
}

/** The documents of one region's database, as stored (src/store/mongo/region-dump.ts). */
export interface RegionDump {
  /** Every document of the collection matching the filter, as stored (BSON bytes), in batches. */
  documents(collection: string, filter: Record<string, string> | undefined): AsyncIterable<Uint8Array[]>;
}

/** An empty database a backup is restored into (src/store/mongo/region-dump.ts). */
export interface RestoreTarget {
  /** The collections that hold documents: a restore goes only into a database without any. */
  nonEmptyCollections(): Promise<string[]>;
  insert(collection: string, documents: readonly Document[]): Promise<void>;
  /** Resets the users stream's position of every tenant, keeping its fence (docs/backup.md#restore). */
  resetUsersCursors(): Promise<number>;
  /** Creates the region's indexes, once the documents are in. */
  ensureIndexes(): Promise<void>;
  /** Drops every collection (a restore that failed part way leaves nothing). */
  clear(): Promise<void>;
}

/** The region's purge ledger (docs/backup.md#purge-ledger): outside the backups, never rewritten by them. */
export interface PurgeLedger {
  append(entry: LedgerEntry): Promise<void>;
  /** Every entry, oldest first. */
  entries(): Promise<LedgerEntry[]>;
  /** Removes the entries completed before `before` (no kept backup needs them). */
  prune(before: Date): Promise<number>;
}
