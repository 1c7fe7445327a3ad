/**
 * How long reading metrics takes in-process (issue 17's speed targets): a tenant with
 * `--agents` agents, each with a daily bucket on every day of `--days` days, read whole
 * by readMetrics (buckets, batched identity lookup and decryption, the audit entry),
 * `--runs` times; the median is what counts. A bench database of its own, dropped after.
 * Usage: npm run bench:metrics -- --agents 200 --days 90 --runs 3 [--host 127.0.0.1:27017]
 */
import { parseArgs } from 'node:util';
import type { StoredDaily } from '../schemas/records.js';
import { storedIds } from '../schemas/records.js';
import { histogramOf } from '../src/metrics/minute-histogram.js';
import { readMetrics } from '../src/metrics/read-metrics.js';
import { seedTenant } from '../test/helpers/seed-agent.js';
import { benchRegion, median } from './privacy-bench.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '3' },
    host: { type: 'string', default: '127.0.0.1:27017' },
    json: { type: 'boolean', default: false },
  },
});
const agents = Number(values.agents);
const days = Number(values.days);
const FIRST_AGENT = 360_000_200_000;
const to = '2026-11-30';
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);

const region = await benchRegion(values.host);
const database = region.router.region('us');
try {
  const tenant = await seedTenant(database, region.keyring, 'bench-metrics');
  const seedStarted = performance.now();
  for (let at = 0; at < agents; at += 100) {
    const batch = [];
    for (let agentId = FIRST_AGENT + at; agentId < FIRST_AGENT + Math.min(agents, at + 100); agentId++) {
      const name = await region.keyring.sealAgentField(tenant._id, agentId, 'name', `Agent ${agentId}`);
      const email = await region.keyring.sealAgentField(tenant._id, agentId, 'email', `agent-${agentId}@support.example`);
      batch.push({
        _id: storedIds.agent(tenant._id, agentId),
        tenantId: tenant._id,
        zendeskUserId: agentId,
        name: name.blob,
        email: email.blob,
        emailIndex: await region.keyring.emailIndex(tenant._id, `agent-${agentId}@support.example`),
        role: 'agent' as const,
        active: true,
        suspended: false,
        updatedAt: new Date('2026-01-01T00:00:00Z'),
        keyId: name.keyId,
      });
    }
    await database.agents.upsertMany(batch);
  }
  const daily = database.db.collection<StoredDaily>('daily');
  let batch: StoredDaily[] = [];
  for (let offset = 0; offset < days; offset++) {
    const day = new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    for (let index = 0; index < agents; index++) {
      const agentId = FIRST_AGENT + index;
      const n = (offset * 7 + index) % 11;
      batch.push({
        _id: storedIds.daily(tenant._id, agentId, day),
        tenantId: tenant._id,
        agentId,
        day,
        solves: n,
        reopens: n % 3,
        publicReplies: 2 * n,
        ticketsTouched: n + 1,
        handleTimeSeconds: 300 * n,
        ticketsWithHandleTime: n,
        csatGood: n % 4,
        csatBad: n % 2,
        firstReplyMinutes: histogramOf(Array.from({ length: n }, (_, i) => 5 + i * 13)),
        fullResolutionMinutes: histogramOf(Array.from({ length: n }, (_, i) => 60 + i * 97)),
        requesterWaitMinutes: histogramOf(Array.from({ length: n }, (_, i) => 30 + i * 41)),
        agentWorkMinutes: histogramOf(Array.from({ length: n }, (_, i) => 10 + i * 7)),
        updatedAt: new Date(),
      });
      if (batch.length === 1000) {
        await daily.insertMany(batch, { ordered: false });
        batch = [];
      }
    }
  }
  if (batch.length > 0) await daily.insertMany(batch, { ordered: false });
  const seeded = performance.now() - seedStarted;
  console.log(`seeded ${agents} agents × ${days} days (${agents * days} daily buckets) in ${(seeded / 1000).toFixed(1)} s`);

  const deps = { router: region.router, keyring: () => region.keyring, now: () => new Date(), actor: 'bench' };
  const reads: number[] = [];
  for (let run = 1; run <= Number(values.runs); run++) {
    const started = performance.now();
    const report = await readMetrics(deps, { tenant: tenant._id, from, to });
    const took = performance.now() - started;
    reads.push(took);
    console.log(`run ${run}: ${report.agents.length} agents, ${from} to ${to}, in ${took.toFixed(0)} ms`);
  }
  console.log(`median whole-range read of ${agents} agents × ${days} days: ${median(reads).toFixed(0)} ms over ${reads.length} runs`);
  if (values.json) console.log(JSON.stringify({ agents, days, readMs: reads }));
} finally {
  await region.close();
}
