// Lookups by many keys: `$in` where the server indexes it (MongoDB), a lookup per key
// where it does not (FerretDB v1). Both must return the same documents; and the local
// FerretDB must answer equality filters from an index (scripts/lib/ferretdb-gin-indexes.sql).
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoredDaily, type StoredFact, type StoredKey, type StoredTicket, storedIds } from '../../schemas/records.js';
import { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { detectServerTraits, MONGODB_TRAITS } from '../../src/store/mongo/server-traits.js';
import { bucket as dailyBucket, ticket as ticketRecord } from '../contract/fixtures.js';
import { localConfig, requireService, uniqueName } from '../helpers/local-services.js';

let client: MongoClient;
let db: Db;
const AT = new Date('2026-05-04T10:00:00Z');

beforeAll(async () => {
  const uri = localConfig().regions['us']?.mongodbUri ?? '';
  await requireService('FerretDB (MongoDB)', uri.replace(/^mongodb:/, 'http:'));
  client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, promoteBuffers: true });
  await client.connect();
  db = client.db(uniqueName('tally_test'));
  await new RegionDatabase('us', db).ensureIndexes();
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

const ticket = (tenantId: string, ticketId: number): StoredTicket => ticketRecord(tenantId, ticketId, { assigneeId: 7, updatedAt: AT });

const rating = (tenantId: string, ticketId: number, n: number): StoredFact => ({
  _id: `${tenantId}:rating:${ticketId * 10 + n}:0`,
  tenantId,
  kind: 'rating',
  ticketId,
  agentId: 7,
  at: AT,
  day: '2026-05-04',
  value: n % 2,
  detail: `2026-05-0${n + 1}T00:00:00Z`,
});

const key = (tenantId: string, agentId: number): StoredKey => ({
  _id: `agent:${tenantId}:${agentId}`,
  kind: 'agent',
  tenantId,
  agentId,
  wrappedKey: Buffer.from([agentId % 256, 1, 2]),
  createdAt: AT,
});

const bucket = (tenantId: string, agentId: number): StoredDaily => dailyBucket(tenantId, agentId, '2026-05-04', { updatedAt: AT });

describe('lookups by many keys', () => {
  it('knows FerretDB does not index $in, and MongoDB traits are the default', async () => {
    expect(await detectServerTraits(db)).toEqual({ indexedIn: false });
    expect(MONGODB_TRAITS).toEqual({ indexedIn: true });
  });

  it('returns the same tickets, ratings and keys with $in as with a lookup per key, never another tenant’s', async () => {
    const perKey = new RegionDatabase('us', db, await detectServerTraits(db));
    const batched = new RegionDatabase('us', db, MONGODB_TRAITS);
    for (const tenantId of ['lookup-a', 'lookup-b']) {
      await perKey.tickets.upsertMany(Array.from({ length: 60 }, (_, i) => ticket(tenantId, i + 1)));
      await perKey.facts.insertMany(Array.from({ length: 30 }, (_, i) => [rating(tenantId, i + 1, 0), rating(tenantId, i + 1, 1)]).flat());
      await perKey.keys.insertMany(Array.from({ length: 20 }, (_, i) => key(tenantId, i + 1)));
    }
    const ticketIds = [3, 1, 3, 59, 60, 61, 1000];
    const sortById = <T extends { _id: string }>(documents: T[]) => [...documents].sort((a, b) => a._id.localeCompare(b._id));

    const tickets = sortById(await perKey.tickets.findMany('lookup-a', ticketIds));
    expect(tickets.map((found) => found.ticketId)).toEqual([1, 3, 59, 60]);
    expect(sortById(await batched.tickets.findMany('lookup-a', ticketIds))).toEqual(tickets);

    const ratings = sortById(await perKey.facts.ratingsOf('lookup-b', [2, 30, 31, 2]));
    expect(ratings.map((found) => found._id)).toEqual(['lookup-b:rating:20:0', 'lookup-b:rating:21:0', 'lookup-b:rating:300:0', 'lookup-b:rating:301:0']);
    expect(sortById(await batched.facts.ratingsOf('lookup-b', [2, 30, 31, 2]))).toEqual(ratings);

    const keyIds = ['agent:lookup-a:4', 'agent:lookup-a:20', 'agent:lookup-b:5', 'agent:lookup-a:99'];
    const keys = sortById(await perKey.keys.findMany('lookup-a', keyIds));
    expect(keys.map((found) => found._id)).toEqual(['agent:lookup-a:20', 'agent:lookup-a:4']);
    expect(sortById(await batched.keys.findMany('lookup-a', keyIds))).toEqual(keys);
  });

  it('deletes emptied buckets either way', async () => {
    for (const [name, traits] of [['per-key', await detectServerTraits(db)], ['batched', MONGODB_TRAITS]] as const) {
      const database = new RegionDatabase('us', db, traits);
      const tenantId = `empty-${name}`;
      await database.daily.replace([bucket(tenantId, 1), bucket(tenantId, 2), bucket(tenantId, 3)], []);
      await database.daily.replace([bucket(tenantId, 2)], [storedIds.daily(tenantId, 1, '2026-05-04'), storedIds.daily(tenantId, 3, '2026-05-04')]);
      expect(await database.daily.agentsOn(tenantId, '2026-05-04')).toEqual([2]);
    }
  });

  it('answers an equality filter on an indexed field from an index on the local FerretDB', async () => {
    const facts = db.collection<StoredFact>('facts');
    await facts.insertMany(
      Array.from({ length: 3_000 }, (_, i) => ({ ...rating('scan', i + 1, 0), _id: `scan:${i}`, kind: 'public_reply' as const, day: `2026-04-${String((i % 28) + 1).padStart(2, '0')}` })),
    );
    // FerretDB's explain carries PostgreSQL's plan: a btree over `_jsonb -> 'day'` cannot serve its `@>`, the GIN twin does.
    const plan = JSON.stringify(await facts.find({ tenantId: 'scan', day: '2026-04-07' }).explain());
    expect(plan).toMatch(/Bitmap Index Scan/);
    expect(plan).toMatch(/tally_gin_/);
    const byId = JSON.stringify(await facts.find({ _id: 'scan:17' }).explain());
    expect(byId).toMatch(/tally_gin_/);
  });
});
