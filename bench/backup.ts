/**
 * Backup and restore of one region (docs/backup.md) on FerretDB and fake-gcs-server: a
 * tenant with `--facts` facts (plus agents, tickets and daily buckets), backed up
 * `--runs` times and restored `--runs` times into fresh databases, each in its own
 * process (bench/children/backup.ts, restore.ts) so its peak RSS is its own.
 * Usage: scripts/run tsx bench/backup.ts [--facts 1000000,10000] [--runs 3] [--host 127.0.0.1:27017] [--gcs http://127.0.0.1:4443] [--json]
 * --json ends with one JSON line of every figure, for `npm run bench` (bench/cases/backup.ts).
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { storedIds, type StoredFact } from '../schemas/records.js';
import { localDay } from '../src/metrics/stored-daily.js';
import { seedAgent, seedTenant } from '../test/helpers/seed-agent.js';
import { runChild } from './lib/child.js';
import { benchRegion, median, seconds } from './privacy-bench.js';

const { values } = parseArgs({
  options: {
    facts: { type: 'string', default: '1000000,10000' },
    runs: { type: 'string', default: '3' },
    host: { type: 'string', default: '127.0.0.1:27017' },
    gcs: { type: 'string', default: 'http://127.0.0.1:4443' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const log = (message: string) => console.error(`[bench backup ${new Date().toISOString().slice(11, 19)}] ${message}`);

export interface BackupFigures {
  facts: number;
  seedSeconds: number;
  backup: { seconds: number[]; dataBytes: number; rawBytes: number; maxRssBytes: number[] };
  restore: { seconds: number[]; maxRssBytes: number[] };
}

const figures: BackupFigures[] = [];
for (const facts of values.facts.split(',').map(Number)) {
  const region = await benchRegion(values.host);
  const bucket = `tally-bench-${Date.now().toString(36)}`;
  const env = { ...region.env, TALLY_WORKER_REGIONS: 'us', TALLY_GCS_ENDPOINT: values.gcs, TALLY_US_BUCKET: bucket };
  const admin = await new MongoClient(`mongodb://${values.host}/?directConnection=true`).connect();
  try {
    const seedStarted = performance.now();
    await seed(region, facts);
    const stored = await region.router.region('us').db.collection('facts').countDocuments({});
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`${facts} facts seeded in ${seconds(seedSeconds * 1000)} s`);
    const backup: BackupFigures['backup'] = { seconds: [], dataBytes: 0, rawBytes: 0, maxRssBytes: [] };
    const restore: BackupFigures['restore'] = { seconds: [], maxRssBytes: [] };
    let lastId = '';
    for (let run = 0; run < runs; run++) {
      const result = await runChild<{ seconds: number; backupId: string; dataBytes: number; rawBytes: number; facts: number; maxRssBytes: number }>('bench/children/backup.ts', [], env);
      if (result.facts !== stored) throw new Error(`the backup holds ${result.facts} facts, not ${stored}`);
      backup.seconds.push(result.seconds);
      backup.maxRssBytes.push(result.maxRssBytes);
      backup.dataBytes = result.dataBytes;
      backup.rawBytes = result.rawBytes;
      lastId = result.backupId;
      log(`backup ${run + 1}: ${result.seconds.toFixed(1)} s, ${(result.dataBytes / 1e6).toFixed(1)} MB (${(result.rawBytes / 1e6).toFixed(1)} MB as BSON), peak RSS ${(result.maxRssBytes / 1e6).toFixed(0)} MB`);
    }
    for (let run = 0; run < runs; run++) {
      const name = `tally_bench_restored_${Date.now().toString(36)}`;
      try {
        const result = await runChild<{ seconds: number; facts: number; maxRssBytes: number }>('bench/children/restore.ts', ['--backup', lastId, '--into', `mongodb://${values.host}/${name}?directConnection=true`], env);
        if (result.facts !== stored) throw new Error(`the restore wrote ${result.facts} facts, not ${stored}`);
        restore.seconds.push(result.seconds);
        restore.maxRssBytes.push(result.maxRssBytes);
        log(`restore ${run + 1}: ${result.seconds.toFixed(1)} s, peak RSS ${(result.maxRssBytes / 1e6).toFixed(0)} MB`);
      } finally {
        await admin.db(name).dropDatabase();
      }
    }
    figures.push({ facts, seedSeconds, backup, restore });
    log(`${facts} facts: backup median ${median(backup.seconds).toFixed(1)} s, restore median ${median(restore.seconds).toFixed(1)} s`);
  } finally {
    await admin.close();
    await region.close();
  }
}
if (values.json) console.log(JSON.stringify({ figures }));

/**
 * A tenant of 200 agents: 20 with agent records, tickets and buckets (seedAgent), and the
 * facts, spread over 90 local days, inserted straight into the collection in batches.
 */
async function seed(region: Awaited<ReturnType<typeof benchRegion>>, facts: number): Promise<void> {
  const database = region.router.region('us');
  const tenant = await seedTenant(database, region.keyring, 'bench-backup');
  for (let agent = 1; agent <= 20; agent++) await seedAgent(database, region.keyring, tenant, 360_000_200_000 + agent, { facts: 50, tickets: 10 });
  const collection = database.db.collection<StoredFact>('facts');
  const start = Date.parse('2026-06-01T08:00:00Z');
  const spacing = Math.max(1, Math.floor((90 * 86_400_000) / facts));
  const BATCH = 5_000;
  for (let first = 0; first < facts; first += BATCH) {
    const batch: StoredFact[] = [];
    for (let i = first; i < Math.min(facts, first + BATCH); i++) {
      const at = new Date(start + i * spacing);
      const agentId = 360_000_300_000 + (i % 200);
      const kind = i % 10 === 9 ? 'handle_time' : 'public_reply';
      batch.push({
        _id: `${tenant._id}:${kind}:${i}:0`,
        tenantId: tenant._id,
        kind,
        ticketId: 1_000_000 + Math.floor(i / 8),
        agentId,
        at,
        day: localDay(at, tenant.timeZone),
        ...(kind === 'handle_time' ? { value: 60 + (i % 900) } : {}),
      });
    }
    await collection.insertMany(batch, { ordered: false });
  }
  await database.checkpoints.save(tenant._id, 'users', '1764000000', new Date());
  void storedIds;
}
