/**
 * Where a backfill's time goes: one tiny backfill in this process, against the
 * benchmark's own FerretDB and a simulator, counting the database round trips per
 * stream by command and collection (driver command monitoring) with their time.
 * Usage: scripts/run tsx bench/profile-backfill.ts [--tickets-per-day 1]
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import type { StoredTenant } from '../schemas/records.js';
import { withCliRoot } from '../src/app/cli-root.js';
import { runTenantSync } from '../src/ingest/run-tenant-sync.js';
import { addTenant } from '../src/tenants/add-tenant.js';
import { verifyZendeskCredentials } from '../src/zendesk/verify-credentials.js';
import { LIMITS_OFF } from './cases/backfill.js';
import { startFerretdb } from './lib/ferretdb.js';
import { startSimulator } from './lib/simulator.js';

const { values } = parseArgs({ options: { 'tickets-per-day': { type: 'string', default: '1' } } });
const world = { agents: 200, days: 90, ticketsPerDay: Number(values['tickets-per-day']) };

let stream = 'setup';
const calls = new Map<string, { count: number; ms: number }>();
const started = new Map<number, { key: string; at: number }>();
// Every client the sync opens reports its commands (the router builds its own).
// eslint-disable-next-line @typescript-eslint/unbound-method
const connect = MongoClient.prototype.connect;
MongoClient.prototype.connect = function (this: MongoClient) {
  this.options.monitorCommands = true;
  this.on('commandStarted', (event) => {
    const collection = (event.command as Record<string, unknown>)[event.commandName];
    started.set(event.requestId, { key: `${stream} ${event.commandName} ${typeof collection === 'string' ? collection : ''}`, at: performance.now() });
  });
  const finish = (event: { requestId: number }) => {
    const begun = started.get(event.requestId);
    if (!begun) return;
    started.delete(event.requestId);
    const found = calls.get(begun.key) ?? { count: 0, ms: 0 };
    found.count++;
    found.ms += performance.now() - begun.at;
    calls.set(begun.key, found);
  };
  this.on('commandSucceeded', finish);
  this.on('commandFailed', finish);
  return connect.call(this);
};

const ferretdb = await startFerretdb();
const simulator = await startSimulator(world);
const database = `tally_bench_profile_${Date.now()}`;
Object.assign(process.env, LIMITS_OFF, {
  TALLY_REGIONS: 'us',
  TALLY_WORKER_REGIONS: 'us',
  TALLY_US_MONGODB_URI: `${ferretdb.url}/${database}?directConnection=true`,
});
const streamMs = new Map<string, number>();
try {
  await withCliRoot({ actor: 'bench' }, async ({ adapters: context }) => {
    const syncStart = new Date(Date.now() - (world.days + 1) * 86_400_000).toISOString().slice(0, 10);
    await addTenant(
      { router: context.router, keyring: context.keyring, verify: verifyZendeskCredentials, now: () => new Date() },
      { id: 'bench', region: 'us', timeZone: 'UTC', zendeskUrl: simulator.url, zendeskEmail: simulator.email, zendeskToken: simulator.token, syncStart, verify: true },
    );
    const region = context.router.region('us');
    const tenant = (await region.tenants.find('bench')) as StoredTenant;
    let at = performance.now();
    const total = performance.now();
    await runTenantSync({
      ports: context.sync(),
      database: region,
      keyring: context.keyring('us'),
      tenant,
      onProgress: (counts) => {
        if (counts.stream === stream) return;
        streamMs.set(stream, (streamMs.get(stream) ?? 0) + performance.now() - at);
        stream = counts.stream;
        at = performance.now();
      },
    });
    streamMs.set(stream, (streamMs.get(stream) ?? 0) + performance.now() - at);
    streamMs.set('total', performance.now() - total);
    await region.db.dropDatabase();
  });
} finally {
  await simulator.stop();
  await ferretdb.stop();
}
const rows = [...calls.entries()].sort(([a], [b]) => a.localeCompare(b));
for (const [name, ms] of streamMs) {
  console.log(`\n${name}: ${(ms / 1000).toFixed(2)} s`);
  for (const [key, { count, ms: callMs }] of rows) {
    if (key.startsWith(`${name} `)) console.log(`  ${key.slice(name.length + 1).padEnd(36)} ${String(count).padStart(6)} calls ${(callMs / 1000).toFixed(2).padStart(7)} s`);
  }
}
