/**
 * Time to offboard a tenant with many facts (every document in its region, its
 * queues' schedulers and jobs, its key) on FerretDB, next to another tenant.
 * Usage: scripts/run tsx bench/offboard.ts [--facts 1000000] [--agents 50] [--runs 3] [--host 127.0.0.1:27017]
 */
import { parseArgs } from 'node:util';
import { removeTenantJobs } from '../jobs/tenant-jobs.js';
import { type StoredDaily, type StoredFact, storedIds } from '../schemas/records.js';
import { localDay } from '../src/metrics/stored-daily.js';
import { offboardTenant } from '../src/privacy/offboard-tenant.js';
import { seedAgent, seedTenant } from '../test/helpers/seed-agent.js';
import { benchRegion, median, seconds } from './privacy-bench.js';

const { values } = parseArgs({
  options: {
    facts: { type: 'string', default: '1000000' },
    agents: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    host: { type: 'string', default: '127.0.0.1:27017' },
  },
});
const facts = Number(values.facts);
const agents = Number(values.agents);
const region = await benchRegion(values.host);
const database = region.router.region('us');
const queueBase = `tally-bench-${Date.now().toString(36)}`;
const CHUNK = 5_000;
const empty = { sum: 0, count: 0, bins: [], counts: [] };

/** Facts written straight to the store (no bucket recomputation), and one bucket per agent and day. */
async function seedFacts(tenantId: string, timeZone: string): Promise<void> {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const perAgent = Math.ceil(facts / agents);
  const buckets = new Map<string, StoredDaily>();
  let batch: StoredFact[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < facts; i++) {
    const agentId = 360_000_200_000 + Math.floor(i / perAgent);
    const at = new Date(start + (i % perAgent) * 60_000);
    const day = localDay(at, timeZone);
    batch.push({ _id: `${tenantId}:public_reply:${i}:0`, tenantId, kind: 'public_reply', ticketId: 1 + (i % 50_000), agentId, at, day });
    const id = storedIds.daily(tenantId, agentId, day);
    const bucket = buckets.get(id);
    if (bucket) bucket.publicReplies++;
    else
      buckets.set(id, {
        _id: id, tenantId, agentId, day, solves: 0, reopens: 0, publicReplies: 1, ticketsTouched: 0, handleTimeSeconds: 0, ticketsWithHandleTime: 0,
        csatGood: 0, csatBad: 0, oneTouchTickets: 0, firstReplyMinutes: empty, fullResolutionMinutes: empty, requesterWaitMinutes: empty, agentWorkMinutes: empty,
        firstReplyBusinessMinutes: empty, fullResolutionBusinessMinutes: empty, requesterWaitBusinessMinutes: empty, agentWorkBusinessMinutes: empty, slices: '[]', updatedAt: at,
      });
    if (batch.length === CHUNK) {
      pending.push(database.facts.insertMany(batch));
      batch = [];
      // Two inserts in flight keep FerretDB busy without queueing the whole set in memory.
      if (pending.length >= 2) await pending.shift();
    }
  }
  pending.push(database.facts.insertMany(batch));
  await Promise.all(pending);
  await database.daily.replace([...buckets.values()], []);
}

const durations: number[] = [];
try {
  const neighbour = await seedTenant(database, region.keyring, 'bench-neighbour');
  await seedAgent(database, region.keyring, neighbour, 360_000_299_999, { facts: 1_000 });
  for (let run = 0; run < Number(values.runs); run++) {
    const tenantId = `bench-offboard-${run}`;
    const tenant = await seedTenant(database, region.keyring, tenantId);
    const seedStarted = performance.now();
    for (let agent = 0; agent < 10; agent++) await seedAgent(database, region.keyring, tenant, 360_000_300_000 + agent, { facts: 10, tickets: 100 });
    await seedFacts(tenantId, tenant.timeZone);
    const seeded = performance.now() - seedStarted;
    const started = performance.now();
    const receipt = await offboardTenant(
      {
        router: region.router,
        keyring: () => region.keyring,
        removeJobs: (id, tenant) => removeTenantJobs({ redisUrl: region.redisUrl, queueBase }, id, tenant),
        now: () => new Date(),
        actor: 'bench',
      },
      { id: tenantId, confirm: tenantId },
    );
    const took = performance.now() - started;
    durations.push(took);
    const left = Object.values(receipt.remaining).reduce((sum, count) => sum + count, 0);
    console.log(`run ${run + 1}: offboarded ${receipt.counts['facts']} facts in ${seconds(took)} s (${Math.round(facts / (took / 1000))} facts/s); seeding took ${seconds(seeded)} s; left ${left}; counts ${JSON.stringify(receipt.counts)}`);
  }
  const middle = median(durations);
  console.log(`median offboarding of a tenant with ${facts} facts: ${seconds(middle)} s over ${durations.length} runs (${Math.round(facts / (middle / 1000))} facts/s)`);
  const neighbourFacts = await database.db.collection('facts').countDocuments({ tenantId: 'bench-neighbour' });
  console.log(`neighbour tenant kept its ${neighbourFacts} facts`);
} finally {
  await region.close();
}
