/**
 * A region's database as a backup reads it and as a restore fills an empty one
 * (docs/backup.md). Documents go through as stored: a backup is a copy, not a
 * re-encoding, and the restore writes them back byte for byte.
 */
import type { Db, Document } from 'mongodb';
import type { RegionId } from '../../../schemas/config.js';
import type { RegionDump, RestoreTarget } from '../../backup/backup-ports.js';
import { COLLECTIONS, RegionDatabase } from './region-database.js';
import { detectServerTraits } from './server-traits.js';
import { storeCall } from './store-call.js';

/** Documents per batch read from a cursor: a few hundred KB, so memory stays flat. */
const READ_BATCH = 1_000;
/** Documents per insert: well under FerretDB's one PostgreSQL parameter per document limit (65,535). */
const WRITE_BATCH = 1_000;

export class MongoRegionDump implements RegionDump {
  constructor(private readonly db: Db) {}

  async *documents(collection: string, filter: Record<string, string> | undefined): AsyncIterable<Uint8Array[]> {
    // Raw: each document as the BSON the server sent, never turned into objects and back.
    const cursor = this.db.collection(collection).find(filter ?? {}, { batchSize: READ_BATCH, raw: true });
    try {
      let batch: Uint8Array[] = [];
      for await (const document of cursor) {
        batch.push(document as unknown as Uint8Array);
        if (batch.length >= READ_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      await cursor.close();
    }
  }
}

export class MongoRestoreTarget implements RestoreTarget {
  constructor(
    private readonly db: Db,
    private readonly region: RegionId,
  ) {}

  async nonEmptyCollections(): Promise<string[]> {
    const names = (await storeCall('list collections', () => this.db.listCollections({}, { nameOnly: true }).toArray())).map((c) => c.name);
    const found: string[] = [];
    for (const name of names.sort()) {
      if ((await storeCall(`look into ${name}`, () => this.db.collection(name).findOne({}, { projection: { _id: 1 } }))) !== null) found.push(name);
    }
    return found;
  }

  async insert(collection: string, documents: readonly Document[]): Promise<void> {
    for (let start = 0; start < documents.length; start += WRITE_BATCH) {
      const batch = documents.slice(start, start + WRITE_BATCH);
      await storeCall(`restore ${collection}`, () => this.db.collection(collection).insertMany(batch, { ordered: false }));
    }
  }

  async resetUsersCursors(): Promise<number> {
    const result = await storeCall('reset the users cursors', () => this.db.collection('cursors').updateMany({ stream: 'users' }, { $unset: { position: '' } }));
    return result.modifiedCount;
  }

  async ensureIndexes(): Promise<void> {
    await new RegionDatabase(this.region, this.db, await detectServerTraits(this.db)).ensureIndexes();
  }

  async clear(): Promise<void> {
    const names = new Set((await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of COLLECTIONS) if (names.has(name)) await storeCall(`drop ${name}`, () => this.db.collection(name).drop());
  }
}
