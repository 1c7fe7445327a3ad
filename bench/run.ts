/**
 * `npm run bench`: every benchmark case in one run, on this machine, against the real
 * local services, then bench/results/latest.json and docs/benchmarks.md.
 * Usage: scripts/run tsx bench/run.ts [--size tiny|default|large|full] [--runs 3] [--cases backfill,naive,...] [--mongo-url URL]
 *        scripts/run tsx bench/run.ts --render bench/results/latest.json   (the docs again, from a results file)
 *   default: about 0.7k and 7k ticket events (about 33 minutes on a 2-core machine, the tenants case included);
 *   large: 10k and 100k; full: 100k and 1M (on a 2-core machine the 1M backfill stores tickets about 3.4 times slower
 *   than the 100k one, so it takes well over an hour: README.md#benchmarks); tiny: 0.7k only, a smoke test.
 *   Labels are the ticket events aimed at; the docs give the exact counts.
 * Results of a tiny run, or of some cases only, go to bench/results/<size>[-cases].json; the docs are written for
 * a complete run and for every large or full one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { backfillCase } from './cases/backfill.js';
import { backupCase } from './cases/backup.js';
import { downloadCeilingCase } from './cases/download-ceiling.js';
import { insertCeilingCase } from './cases/insert-ceiling.js';
import { metricsQueryCase } from './cases/metrics-query.js';
import { naiveCase } from './cases/naive.js';
import { purgeCase } from './cases/purge.js';
import { rateLimitCase } from './cases/rate-limits.js';
import { tenantsCase } from './cases/tenants.js';
import type { BackfillRun, BenchCase, BenchContext, Measurement, SizeSpec } from './lib/context.js';
import { startFerretdb } from './lib/ferretdb.js';
import { describeMachine } from './lib/machine.js';
import { renderMarkdown, type Results } from './lib/render.js';
import { type RunningSimulator, startSimulator } from './lib/simulator.js';

/** In run order: the ceilings and the metrics query use the backfills' databases. */
const CASES: readonly BenchCase[] = [backfillCase, downloadCeilingCase, insertCeilingCase, metricsQueryCase, purgeCase, backupCase, naiveCase, rateLimitCase, tenantsCase];

/** 200 agents over 90 days throughout (the metrics case asks for both); about 7.6 ticket events per ticket. */
const SIZES: Record<string, readonly SizeSpec[]> = {
  tiny: [{ label: '0.7k', world: { agents: 200, days: 90, ticketsPerDay: 1 } }],
  default: [
    { label: '0.7k', world: { agents: 200, days: 90, ticketsPerDay: 1 } },
    { label: '7k', world: { agents: 200, days: 90, ticketsPerDay: 10 } },
  ],
  large: [
    { label: '10k', world: { agents: 200, days: 90, ticketsPerDay: 15 } },
    { label: '100k', world: { agents: 200, days: 90, ticketsPerDay: 146 } },
  ],
  full: [
    { label: '100k', world: { agents: 200, days: 90, ticketsPerDay: 146 } },
    { label: '1M', world: { agents: 200, days: 90, ticketsPerDay: 1462 } },
  ],
};

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    runs: { type: 'string', default: '3' },
    cases: { type: 'string' },
    'mongo-url': { type: 'string' },
    render: { type: 'string' },
  },
});

const docsFile = (size: string) => (size === 'default' ? 'docs/benchmarks.md' : `docs/benchmarks-${size}.md`);
if (values.render) {
  // Regenerates the docs from a results file, e.g. after a change to the template.
  const results = JSON.parse(readFileSync(values.render, 'utf8')) as Results;
  mkdirSync('docs', { recursive: true });
  writeFileSync(docsFile(results.size), renderMarkdown(results));
  process.exit(0);
}
const sizes = SIZES[values.size];
if (!sizes) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
const selected = values.cases ? values.cases.split(',') : CASES.map((c) => c.name);
const unknown = selected.filter((name) => !CASES.some((c) => c.name === name));
if (unknown.length > 0) throw new Error(`unknown cases ${unknown.join(', ')}; known: ${CASES.map((c) => c.name).join(', ')}`);

const ferretdb = values['mongo-url'] ? null : await startFerretdb();
const mongoUrl = values['mongo-url'] ?? (ferretdb as { url: string }).url;
const PREFIX = 'tally_bench_';
const mongo = await new MongoClient(`${mongoUrl}/?directConnection=true`).connect();
const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const dropDatabase = async (name: string) => {
  await mongo.db(name).dropDatabase();
};
// Left over from an interrupted run.
for (const { name } of (await mongo.db('admin').admin().listDatabases()).databases) if (name.startsWith(PREFIX)) await dropDatabase(name);

const simulators = new Map<SizeSpec, Promise<RunningSimulator>>();
const handedOut = new Set<string>();
const backfills: BackfillRun[] = [];
const nameOf = (uri: string) => new URL(uri).pathname.slice(1);
const context: BenchContext = {
  sizes,
  runs,
  mongoUrl,
  freshDatabase: (tag) => {
    const uri = `${mongoUrl}/${PREFIX}${tag.toLowerCase().replace(/[^a-z0-9_]/g, '_')}?directConnection=true`;
    handedOut.add(uri);
    return uri;
  },
  drop: async (uri) => {
    await dropDatabase(nameOf(uri));
    handedOut.delete(uri);
  },
  simulator: (size) => {
    let found = simulators.get(size);
    if (!found) {
      log(`starting the simulator for ${size.label} (${JSON.stringify(size.world)})`);
      found = startSimulator(size.world);
      simulators.set(size, found);
    }
    return found;
  },
  syncStart: (size) => new Date(Date.now() - (size.world.days + 1) * 86_400_000).toISOString().slice(0, 10),
  backfills,
  log,
};

const started = performance.now();
// Read before the cases run: the commit and versions measured, not those at the end.
const machine = await describeMachine(mongo);
const measurements: Measurement[] = [];
try {
  for (const benchCase of CASES) {
    if (!selected.includes(benchCase.name)) continue;
    log(`case ${benchCase.name}`);
    measurements.push(...(await benchCase.run(context)));
  }
  const ticketEvents = new Map<SizeSpec, number>();
  for (const [size, simulator] of simulators) ticketEvents.set(size, (await simulator).ticketEvents);
  const results: Results = {
    machine,
    size: values.size,
    cases: selected,
    sizes: sizes.map((size) => ({ label: size.label, ...size.world, ...(ticketEvents.has(size) ? { ticketEvents: ticketEvents.get(size) } : {}) })),
    runs,
    wallSeconds: (performance.now() - started) / 1000,
    measurements,
  };
  const complete = values.size !== 'tiny' && !values.cases;
  // The larger sizes are slow enough that their docs may come from some cases only (those that grow with the size).
  const documented = complete || values.size === 'large' || values.size === 'full';
  mkdirSync('bench/results', { recursive: true });
  const file = complete ? `bench/results/${values.size === 'default' ? 'latest' : values.size}.json` : `bench/results/${values.size}${values.cases ? `-${selected.join('-')}` : ''}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  if (documented) {
    mkdirSync('docs', { recursive: true });
    writeFileSync(docsFile(values.size), markdown);
  }
  console.log(markdown.slice(markdown.indexOf('## Results'), markdown.indexOf('## How it is measured')).trim());
  log(`wrote ${file}${documented ? ` and ${docsFile(values.size)}` : ''} in ${Math.round(results.wallSeconds)} s`);
} finally {
  for (const simulator of simulators.values()) await (await simulator).stop();
  for (const uri of handedOut) await dropDatabase(nameOf(uri));
  await mongo.close();
  await ferretdb?.stop();
}
