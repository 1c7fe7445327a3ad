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
import { clearAgentIdentities } from '../src/metrics/agent-identities.js';
import { clearDecodedRollups } from '../src/metrics/range-totals.js';
import { readDailySeries, readMetrics } from '../src/metrics/read-metrics.js';
import { FIRST_AGENT, seedMetricsTenant } from './metrics-seed.js';
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
const to = '2026-11-30';
const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);

const region = await benchRegion(values.host);
try {
  const seedStarted = performance.now();
  const tenant = await seedMetricsTenant(region, 'bench-metrics', agents, from, days);
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
  const repeats: number[] = [];
  for (let run = 1; run <= Number(values.runs); run++) {
    // A process's first read of the range (its rollups and agents from the database), then the same read again (from the process's caches).
    clearDecodedRollups();
    clearAgentIdentities();
    reads.push(await timed(() => readMetrics(deps, { tenant: tenant._id, from, to })));
    repeats.push(await timed(() => readMetrics(deps, { tenant: tenant._id, from, to })));
    series.push(await timed(() => readDailySeries(deps, { tenant: tenant._id, from, to, agent })));
    commands.push(await timed(() => tallyCommand(['metrics', '--tenant', tenant._id, '--from', from, '--to', to, '--format', 'json'], region.env)));
    console.log(`run ${run}: whole range ${reads.at(-1)?.toFixed(0)} ms (repeated in the process: ${repeats.at(-1)?.toFixed(0)} ms); one agent's daily series ${series.at(-1)?.toFixed(0)} ms; \`tally metrics\` command ${commands.at(-1)?.toFixed(0)} ms`);
  }
  console.log(
    `medians over ${reads.length} runs, ${agents} agents × ${days} days: whole range ${median(reads).toFixed(0)} ms in-process (${median(repeats).toFixed(0)} ms repeated), ${median(commands).toFixed(0)} ms as a command (node dist/, after npm run build); one agent's daily series ${median(series).toFixed(0)} ms`,
  );
  if (values.json) console.log(JSON.stringify({ agents, days, coldMs: cold, readMs: reads, seriesMs: series, commandMs: commands }));
} finally {
  await region.close();
}
