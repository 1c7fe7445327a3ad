/**
 * Time to purge one agent with many facts (request, suppress, count, delete,
 * shred, verify, audit) on FerretDB, with other agents of the tenant around it.
 * Usage: scripts/run tsx bench/purge.ts [--facts 100000] [--runs 3] [--others 5] [--host 127.0.0.1:27017] [--json]
 * --json ends with one JSON line of the durations, for `npm run bench` (bench/cases/purge.ts).
 */
import { parseArgs } from 'node:util';
import { requestPurge } from '../src/privacy/request-purge.js';
import { purgeDepsOf, runPurge } from '../src/privacy/run-purge.js';
import { seedAgent, seedTenant } from '../test/helpers/seed-agent.js';
import { benchRegion, median, seconds } from './privacy-bench.js';

const { values } = parseArgs({
  options: {
    facts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    others: { type: 'string', default: '5' },
    host: { type: 'string', default: '127.0.0.1:27017' },
    json: { type: 'boolean', default: false },
  },
});
const facts = Number(values.facts);
const region = await benchRegion(values.host);
const database = region.router.region('us');
const durations: number[] = [];
const seedings: number[] = [];
try {
  for (let run = 0; run < Number(values.runs); run++) {
    const tenant = await seedTenant(database, region.keyring, `bench-purge-${run}`);
    const seedStarted = performance.now();
    // About 1,400 facts a local day over ~70 days; one in fifty a rating (one per solved ticket or so).
    await seedAgent(database, region.keyring, tenant, 360_000_100_000, { facts, tickets: 200, spacingMs: 60_000, ratingEvery: 50 });
    for (let other = 1; other <= Number(values.others); other++) {
      await seedAgent(database, region.keyring, tenant, 360_000_100_000 + other, { facts: 2_000, tickets: 20, spacingMs: 60_000, ratingEvery: 50 });
    }
    const seeded = performance.now() - seedStarted;
    seedings.push(seeded);
    const started = performance.now();
    const request = await requestPurge({ router: region.router, keyring: () => region.keyring, now: () => new Date(), actor: 'bench' }, { tenant: tenant._id, agent: '360000100000' });
    const steps: string[] = [];
    let last = performance.now();
    const onStep = (point: string) => {
      const now = performance.now();
      steps.push(`${point} +${Math.round(now - last)}ms`);
      last = now;
    };
    const receipt = await runPurge(purgeDepsOf(database, region.keyring, { now: () => new Date(), actor: 'bench', onStep }), request._id);
    const took = performance.now() - started;
    durations.push(took);
    console.log(
      `run ${run + 1}: purged ${facts} facts in ${seconds(took)} s (${Math.round(facts / (took / 1000))} facts/s); seeding took ${seconds(seeded)} s; verified ${String(receipt.verification?.ok)}; counts ${JSON.stringify(receipt.counts)}`,
    );
    console.log(`  step times (since the previous point): ${steps.join(', ')}`);
  }
  const middle = median(durations);
  console.log(`median purge of an agent with ${facts} facts: ${seconds(middle)} s over ${durations.length} runs (${Math.round(facts / (middle / 1000))} facts/s)`);
  if (values.json) console.log(JSON.stringify({ facts, others: Number(values.others), purgeMs: durations, seedMs: seedings }));
} finally {
  await region.close();
}
