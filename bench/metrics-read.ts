/**
 * How long reading metrics takes in-process (issue 17's speed targets): a tenant with
 * `--agents` agents, each with a daily bucket on every day of `--days` days, read whole
 * by readMetrics (buckets through the rollups, batched identity lookup and decryption,
 * the audit entry): once cold (building the rollups), then `--runs` times warm, with one
 * agent's daily series and the `tally metrics` command (from dist/: run `npm run build`
 * first); the medians are what count. A bench database of its own, dropped after.
 * Usage: npm run bench:metrics -- --agents 200 --days 90 --runs 3 [--host 127.0.0.1:27017]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { StoredDaily } from '../schemas/records.js';
import { storedIds } from '../schemas/records.js';
import { histogramOf } from '../src/metrics/minute-histogram.js';
import { encodeSlices } from '../src/metrics/rollup-codec.js';
import { readDailySeries, readMetrics } from '../src/metrics/read-metrics.js';
import { sealedAgent, seedTenant } from '../test/helpers/seed-agent.js';
import { benchRegion, median } from './privacy-bench.js';

/** `tally <args>` from the build, as the package's bin runs it. */
function tallyCommand(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const profile = values['profile-command'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', values['profile-command']];
    const child = spawn(process.execPath, [...profile, 'dist/src/cli/main.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`tally ${args.join(' ')} exited with ${code}: ${stderr}`))));
  });
}

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    runs: { type: 'string', default: '3' },
    host: { type: 'string', default: '127.0.0.1:27017' },
    json: { type: 'boolean', default: false },
    /** A folder: each `tally metrics` command writes a CPU profile there (node --cpu-prof). */
    'profile-command': { type: 'string' },
  },
});
const agents = Number(values.agents);
const days = Number(values.days);
/** The groups and brand of the seeded slices. */
const GROUPS = [360_000_100_001, 360_000_100_002, 360_000_100_003];
const BRAND = 360_000_200_001;
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
      batch.push(await sealedAgent(region.keyring, tenant._id, agentId, `Agent ${agentId}`, `agent-${agentId}@support.example`));
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
      const measures = {
        solves: n,
        reopens: n % 3,
        publicReplies: 2 * n,
        ticketsTouched: n + 1,
        handleTimeSeconds: 300 * n,
        ticketsWithHandleTime: n,
        csatGood: n % 4,
        csatBad: n % 2,
        oneTouchTickets: n % 5,
        firstReplyMinutes: histogramOf(Array.from({ length: n }, (_, i) => 5 + i * 13)),
        fullResolutionMinutes: histogramOf(Array.from({ length: n }, (_, i) => 60 + i * 97)),
        requesterWaitMinutes: histogramOf(Array.from({ length: n }, (_, i) => 30 + i * 41)),
        agentWorkMinutes: histogramOf(Array.from({ length: n }, (_, i) => 10 + i * 7)),
        firstReplyBusinessMinutes: histogramOf(Array.from({ length: n }, (_, i) => 2 + i * 5)),
        fullResolutionBusinessMinutes: histogramOf(Array.from({ length: n }, (_, i) => 20 + i * 31)),
        requesterWaitBusinessMinutes: histogramOf(Array.from({ length: n }, (_, i) => 10 + i * 17)),
        agentWorkBusinessMinutes: histogramOf(Array.from({ length: n }, (_, i) => 4 + i * 3)),
      };
      // Most agent-days fall in one group and brand; the slice is the day's measures.
      const slices = encodeSlices([{ agentId, groupId: GROUPS[index % GROUPS.length] as number, brandId: BRAND, ...measures }]);
      batch.push({ _id: storedIds.daily(tenant._id, agentId, day), tenantId: tenant._id, agentId, day, ...measures, slices, updatedAt: new Date() });
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
  const timed = async (what: () => Promise<unknown>) => {
    const started = performance.now();
    await what();
    return performance.now() - started;
  };
  // The first read after the buckets were written builds the rollups (a sync does it after its run: src/metrics/warm-rollups.ts).
  const cold = await timed(() => readMetrics(deps, { tenant: tenant._id, from, to }));
  console.log(`cold read (builds the rollups): ${cold.toFixed(0)} ms`);
  const reads: number[] = [];
  const series: number[] = [];
  const commands: number[] = [];
  const agent = String(FIRST_AGENT + 1);
  for (let run = 1; run <= Number(values.runs); run++) {
    reads.push(await timed(() => readMetrics(deps, { tenant: tenant._id, from, to })));
    series.push(await timed(() => readDailySeries(deps, { tenant: tenant._id, from, to, agent })));
    commands.push(await timed(() => tallyCommand(['metrics', '--tenant', tenant._id, '--from', from, '--to', to, '--format', 'json'], region.env)));
    console.log(`run ${run}: whole range ${reads.at(-1)?.toFixed(0)} ms; one agent's daily series ${series.at(-1)?.toFixed(0)} ms; \`tally metrics\` command ${commands.at(-1)?.toFixed(0)} ms`);
  }
  console.log(
    `medians over ${reads.length} runs, ${agents} agents × ${days} days: whole range ${median(reads).toFixed(0)} ms in-process, ${median(commands).toFixed(0)} ms as a command (node dist/, after npm run build); one agent's daily series ${median(series).toFixed(0)} ms`,
  );
  if (values.json) console.log(JSON.stringify({ agents, days, coldMs: cold, readMs: reads, seriesMs: series, commandMs: commands }));
} finally {
  await region.close();
}
