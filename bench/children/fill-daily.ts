/**
 * Prepares the metrics case's database: every stored agent gets a daily bucket on
 * every day of the range (200 agents × 90 days), each a copy of a bucket the backfill
 * computed, re-keyed to that agent and day. Buckets that exist are kept.
 * Usage: tsx bench/children/fill-daily.ts --uri MONGODB_URI --tenant bench --from YYYY-MM-DD --days 90
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import type { StoredDaily } from '../../schemas/records.js';
import { report } from '../lib/child.js';

const { values } = parseArgs({ options: { uri: { type: 'string' }, tenant: { type: 'string' }, from: { type: 'string' }, days: { type: 'string' } } });
const tenantId = values.tenant ?? 'bench';
const client = await new MongoClient(values.uri ?? '').connect();
try {
  const db = client.db();
  const agents = (await db.collection('agents').find({ tenantId }).project<{ zendeskUserId: number }>({ zendeskUserId: 1 }).toArray()).map((agent) => agent.zendeskUserId);
  const daily = db.collection<StoredDaily>('daily');
  const existing = await daily.find({ tenantId }).toArray();
  if (existing.length === 0) throw new Error('the backfill computed no daily buckets to copy');
  const have = new Set(existing.map((bucket) => bucket._id));
  const start = Date.parse(`${values.from ?? ''}T00:00:00Z`);
  const added: StoredDaily[] = [];
  for (let offset = 0; offset < Number(values.days); offset++) {
    const day = new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
    for (const agentId of agents) {
      const _id = `${tenantId}:${agentId}:${day}`;
      if (have.has(_id)) continue;
      const template = existing[added.length % existing.length] as StoredDaily;
      added.push({ ...template, _id, agentId, day });
    }
  }
  for (let at = 0; at < added.length; at += 1000) await daily.insertMany(added.slice(at, at + 1000), { ordered: false });
  report({ agents: agents.length, kept: existing.length, added: added.length });
} finally {
  await client.close();
}
