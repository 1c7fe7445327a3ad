// Updates in lanes (src/store/mongo/upsert-by-id.ts): chunks run side by side, yet two
// updates of one document keep their order, and an update command holds FerretDB's
// pool only while it runs (scripts/lib/ferretdb-*.patch): many concurrent commands of
// many updates each finish instead of waiting for good.
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkUpdate, insertThenUpdate } from '../../src/store/mongo/upsert-by-id.js';
import { scratchDatabase } from '../helpers/local-services.js';

interface Doc {
  _id: string;
  value: number;
  history?: number[];
}

let db: Db;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ db, close } = await scratchDatabase());
});

afterAll(async () => {
  await close?.();
});

describe('updates in lanes', () => {
  it('applies every update, and of two updates of one document the later wins', async () => {
    const collection = db.collection<Doc>('ordered');
    await collection.insertMany(Array.from({ length: 100 }, (_, index) => ({ _id: `d${index}`, value: -1 })));
    // Each document three times, far apart: in different chunks of its lane.
    const operations = [0, 1, 2].flatMap((round) =>
      Array.from({ length: 100 }, (_, index) => ({ updateOne: { filter: { _id: `d${index}` }, update: { $set: { value: round }, $push: { history: round } } } })),
    );
    const written = await bulkUpdate(collection, operations, 'test updates');
    expect(written.written).toBe(300);
    const stored = await collection.find({}).sort({ _id: 1 }).toArray();
    expect(stored).toHaveLength(100);
    for (const doc of stored) {
      expect(doc.value).toBe(2);
      expect(doc.history).toEqual([0, 1, 2]);
    }
  });

  it('keeps the given order when an update names no plain _id', async () => {
    const collection = db.collection<Doc>('unkeyed');
    await collection.insertMany(Array.from({ length: 30 }, (_, index) => ({ _id: `u${index}`, value: index })));
    const operations = [
      ...Array.from({ length: 30 }, (_, index) => ({ updateOne: { filter: { _id: `u${index}` }, update: { $set: { value: 100 } } } })),
      { updateOne: { filter: { value: 100, _id: { $in: ['u3'] } }, update: { $set: { value: 7 } } } },
    ];
    await bulkUpdate(collection, operations, 'test updates');
    expect((await collection.findOne({ _id: 'u3' }))?.value).toBe(7);
  });

  it('throws a failed lane after the others have stopped, and writes what it could', async () => {
    const collection = db.collection<Doc>('failing');
    await collection.insertMany(Array.from({ length: 80 }, (_, index) => ({ _id: `f${index}`, value: index })));
    const operations = Array.from({ length: 80 }, (_, index) => ({
      // `$inc` of a string fails on the server: one bad update among many.
      updateOne: { filter: { _id: `f${index}` }, update: index === 41 ? { $inc: { value: 'x' as unknown as number } } : { $set: { value: 1000 + index } } },
    }));
    await expect(bulkUpdate(collection, operations, 'test updates')).rejects.toThrow();
    // Nothing is in flight once it has thrown: a read now sees the final state, twice the same.
    const first = await collection.find({}).sort({ _id: 1 }).toArray();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await collection.find({}).sort({ _id: 1 }).toArray()).toEqual(first);
    expect(first.find((doc) => doc._id === 'f41')?.value).toBe(41);
  });

  it('finishes twenty concurrent commands of a hundred updates each (FerretDB held a connection per update until the command ended)', async () => {
    const collection = db.collection<Doc>('pool');
    const ids = Array.from({ length: 2000 }, (_, index) => `p${index}`);
    await insertThenUpdate(collection, ids.map((_id) => ({ _id, set: { value: 0 } })), 'seed');
    const commands = Array.from({ length: 20 }, (_, command) =>
      collection.bulkWrite(
        ids.slice(command * 100, command * 100 + 100).map((_id) => ({ updateOne: { filter: { _id }, update: { $set: { value: command + 1 } } } })),
        { ordered: true },
      ),
    );
    const results = await Promise.all(commands);
    expect(results.reduce((sum, result) => sum + result.modifiedCount, 0)).toBe(2000);
    expect(await collection.countDocuments({ value: 0 })).toBe(0);
  }, 120_000);
});
