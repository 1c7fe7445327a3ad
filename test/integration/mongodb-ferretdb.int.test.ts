// The MongoDB driver against the local FerretDB: the operations the store relies on.
import { Binary, MongoBulkWriteError, MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localConfig, requireService, uniqueName } from '../helpers/local-services.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  const uri = localConfig().regions['us']?.mongodbUri ?? '';
  await requireService('FerretDB (MongoDB)', uri.replace(/^mongodb:/, 'http:'));
  client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  db = client.db(uniqueName('tally_test'));
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

describe('MongoDB driver on FerretDB', () => {
  it('inserts and finds documents with dates, binaries and 64-bit numbers', async () => {
    const agents = db.collection<{ _id: string; sealedName: Binary; updatedAt: Date; zendeskId: number }>('agents');
    const sealed = Buffer.from([1, 2, 3, 250]);
    const at = new Date('2026-03-29T00:30:00.000Z');
    await agents.insertOne({ _id: 'acme:42', sealedName: new Binary(sealed), updatedAt: at, zendeskId: 9_007_199_254 });
    const found = await agents.findOne({ _id: 'acme:42' });
    expect(found?.updatedAt).toEqual(at);
    expect(Buffer.from(found?.sealedName.buffer ?? [])).toEqual(sealed);
    expect(found?.zendeskId).toBe(9_007_199_254);
  });

  it('upserts: inserts once, then updates the same document', async () => {
    const tickets = db.collection('tickets');
    const filter = { tenantId: 'acme', ticketId: 7 };
    const first = await tickets.updateOne(filter, { $set: { status: 'open' } }, { upsert: true });
    const second = await tickets.updateOne(filter, { $set: { status: 'solved' } }, { upsert: true });
    expect(first.upsertedCount).toBe(1);
    expect(second.matchedCount).toBe(1);
    expect(await tickets.find(filter).toArray()).toMatchObject([{ status: 'solved' }]);
  });

  it('enforces a unique compound index with duplicate-key code 11000', async () => {
    const facts = db.collection('facts');
    await facts.createIndex({ tenantId: 1, sourceId: 1 }, { unique: true, name: 'tenant_source_unique' });
    await facts.insertOne({ tenantId: 'acme', sourceId: 'e1' });
    const error = await facts.insertOne({ tenantId: 'acme', sourceId: 'e1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
    const indexes = (await facts.listIndexes().toArray()) as { name: string; unique?: boolean }[];
    expect(indexes.find((index) => index.name === 'tenant_source_unique')).toMatchObject({ unique: true });
  });

  it('creates the same index twice without error (idempotent start-up)', async () => {
    const cursors = db.collection('cursors');
    await cursors.createIndex({ tenantId: 1, stream: 1 }, { unique: true });
    await expect(cursors.createIndex({ tenantId: 1, stream: 1 }, { unique: true })).resolves.toBeTypeOf('string');
  });

  it('bulk-inserts unordered: duplicates are reported and every other document lands', async () => {
    const events = db.collection('events');
    await events.createIndex({ sourceId: 1 }, { unique: true });
    await events.insertOne({ sourceId: 'dup' });
    const docs = ['a', 'dup', 'b', 'c'].map((sourceId) => ({ sourceId }));
    const error = await events.insertMany(docs, { ordered: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const writeErrors: { code: number }[] = [(error as MongoBulkWriteError).writeErrors].flat();
    expect(writeErrors.map((writeError) => writeError.code)).toEqual([11000]);
    const stored = await events.find<{ sourceId: string }>({}).toArray();
    expect(stored.map((doc) => doc.sourceId).sort()).toEqual(['a', 'b', 'c', 'dup']);
  });

  it('runs a mixed bulkWrite of upserts, updates and deletes', async () => {
    const daily = db.collection('daily');
    await daily.insertMany([{ key: 'd1', solves: 1 }, { key: 'd2', solves: 5 }]);
    const result = await daily.bulkWrite([
      { updateOne: { filter: { key: 'd1' }, update: { $inc: { solves: 2 } } } },
      { updateOne: { filter: { key: 'd3' }, update: { $set: { solves: 4 } }, upsert: true } },
      { deleteOne: { filter: { key: 'd2' } } },
    ]);
    expect(result.modifiedCount).toBe(1);
    expect(result.upsertedCount).toBe(1);
    expect(result.deletedCount).toBe(1);
    const rows = await daily.find({}, { projection: { _id: 0 } }).sort({ key: 1 }).toArray();
    expect(rows).toEqual([{ key: 'd1', solves: 3 }, { key: 'd3', solves: 4 }]);
  });
});
