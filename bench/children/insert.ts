/**
 * Ceiling (b): the database inserting the documents a backfill stored (agents,
 * tickets, facts, daily buckets), pre-built, with unordered bulk inserts of 1,000
 * into a fresh database with the same indexes. The documents are read from the
 * backfill's database in batches; only the inserts are timed.
 * Usage: tsx bench/children/insert.ts --source MONGODB_URI --target MONGODB_URI
 */
import { parseArgs } from 'node:util';
import { type Document, MongoClient } from 'mongodb';
import { report } from '../lib/child.js';

const { values } = parseArgs({ options: { source: { type: 'string' }, target: { type: 'string' }, batch: { type: 'string', default: '1000' } } });
const batchSize = Number(values.batch);
const client = await new MongoClient(values.source ?? '').connect();
const targetClient = await new MongoClient(values.target ?? '').connect();
try {
  const source = client.db();
  const target = targetClient.db();
  let seconds = 0;
  const documents: Record<string, number> = {};
  for (const name of ['agents', 'tickets', 'facts', 'daily']) {
    for (const index of await source.collection(name).listIndexes().toArray()) {
      const { key, name: indexName } = index as { key: Document; name: string };
      if (indexName !== '_id_') await target.collection(name).createIndex(key, { name: indexName });
    }
    documents[name] = 0;
    let batch: Document[] = [];
    const flush = async () => {
      const started = performance.now();
      await target.collection(name).insertMany(batch, { ordered: false });
      seconds += (performance.now() - started) / 1000;
      documents[name] = (documents[name] ?? 0) + batch.length;
      batch = [];
    };
    for await (const document of source.collection(name).find({}).batchSize(batchSize)) {
      batch.push(document);
      if (batch.length === batchSize) await flush();
    }
    if (batch.length > 0) await flush();
  }
  report({ seconds, documents });
} finally {
  await client.close();
  await targetClient.close();
}
