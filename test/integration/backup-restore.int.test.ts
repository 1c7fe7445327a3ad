// Backups and restores of a region (docs/backup.md), through the CLI, on FerretDB,
// fake-gcs-server and the KMS double: a restore keeps every purge and offboarding done
// after its backup, refuses every kind of damage with its own code and leaves the
// target empty, never offers a backup cut short by kill -9, and each region's backups
// stay in its own bucket with no name, email or canary in any object.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../schemas/backup.js';
import type { StoredFact } from '../../schemas/records.js';
import { createAdapters } from '../../src/app/adapters.js';
import { createUseCases } from '../../src/app/use-cases.js';
import { readFrames } from '../../src/backup/backup-format.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createGcsStorage } from '../../src/storage/create-gcs-storage.js';
import type { MetricsReport } from '../../src/metrics/metrics-report.js';
import { localDay } from '../../src/metrics/stored-daily.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { CANARY } from '../../src/simulator/world.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { seedTenant } from '../helpers/seed-agent.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { runTally } from '../helpers/tally-cli.js';
import { tallyArgs } from '../helpers/tally-command.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';
import { startFleet } from '../helpers/worker-fleet.js';
import { Queue } from 'bullmq';
import { JOBS } from '../../jobs/catalog.js';
import { QUEUE, regionQueuePrefix } from '../../jobs/queues.js';

const NOW = Date.now() - 120_000;
const ACCOUNT = { account: 'acme', seed: 41, agents: 6, days: 2, ticketsPerDay: 25, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
const MONGO_HOST = process.env['TALLY_TEST_MONGODB_HOST'] ?? '127.0.0.1:27017';
const GCS = localConfig().gcsEndpoint ?? 'http://127.0.0.1:4443';

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let env: Record<string, string>;
const storage = createGcsStorage(GCS);
const admin = new MongoClient(`mongodb://${MONGO_HOST}/?directConnection=true`);
const databases: string[] = [];
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [ACCOUNT], now: () => NOW });
  await simulator.listen(0);
  await admin.connect();
  env = {
    ...regions.env,
    TALLY_GCS_ENDPOINT: GCS,
    TALLY_US_BUCKET: uniqueName('tally-us-bk').replaceAll('_', '-'),
    TALLY_EU_BUCKET: uniqueName('tally-eu-bk').replaceAll('_', '-'),
    TALLY_QUEUE_PREFIX: uniqueName('tally-backup'),
    TALLY_ZENDESK_RATE_LIMIT: '100000',
    TALLY_ZENDESK_EXPORT_RATE_LIMIT: '100000',
    TALLY_ZENDESK_USERS_EXPORT_RATE_LIMIT: '100000',
  };
});
afterAll(async () => {
  for (const name of databases) await admin.db(name).dropDatabase();
  await admin.close();
  for (const redis of redises) await redis.quit();
  await simulator?.close();
  await regions?.close();
});

/** A new, empty database's name and URI on the test server. */
function freshDatabase(): { name: string; uri: string } {
  const name = uniqueName('tally_restored');
  databases.push(name);
  return { name, uri: `mongodb://${MONGO_HOST}/${name}?directConnection=true&maxPoolSize=2` };
}

async function tally(args: string[], extra: Record<string, string> = {}) {
  const result = await runTally(args, { ...env, ...extra });
  return { ...result, json: () => JSON.parse(result.stdout) as Record<string, unknown> };
}

/** The app's use cases in this process, over the given environment (another database for a restored region). */
async function app(extra: Record<string, string> = {}) {
  const adapters = await createAdapters(loadConfig({ ...env, ...extra }));
  const useCases = createUseCases({ ...adapters, syncDatabase: (region) => adapters.router.region(region) }, { actor: 'test:backup' });
  return { adapters, useCases, close: () => adapters.close() };
}

const RANGE = { from: new Date(NOW - 4 * 86_400_000).toISOString().slice(0, 10), to: new Date(NOW + 86_400_000).toISOString().slice(0, 10) };
const metrics = (useCases: Awaited<ReturnType<typeof app>>['useCases'], tenant: string): Promise<MetricsReport> => useCases.readMetrics({ tenant, ...RANGE });
/** The numbers only: names and emails are absent until a sync after the restore reads them again. */
const numbers = (report: MetricsReport) => report.agents.map(({ name: _name, email: _email, ...rest }) => rest);

async function documentsIn(name: string): Promise<number> {
  let count = 0;
  for (const { name: collection } of await admin.db(name).listCollections({}, { nameOnly: true }).toArray()) count += await admin.db(name).collection(collection).countDocuments({});
  return count;
}

async function objectsOf(bucket: string) {
  const [exists] = await storage.bucket(bucket).exists();
  if (!exists) return [];
  const [files] = await storage.bucket(bucket).getFiles({ prefix: '' });
  return files;
}

describe('backup and restore', { timeout: 300_000 }, () => {
  let usBackup = '';

  it('restores into a fresh database with every later purge and offboarding applied again; a sync brings names back for all but the purged agent', async () => {
    for (const [id, region] of [['alpha', 'us'], ['beta', 'us'], ['gamma', 'us'], ['delta', 'eu']] as const) {
      const harness = await tenantForSimulator(regions, simulator, { id, region });
      redises.push(harness.redis);
      const { syncTenant } = await import('../../src/ingest/sync-tenant.js');
      await syncTenant(await harness.context());
    }
    const live = await app();
    const before = new Map<string, MetricsReport>();
    try {
      for (const id of ['alpha', 'gamma']) before.set(id, await metrics(live.useCases, id));
    } finally {
      await live.close();
    }
    const alphaBefore = before.get('alpha') as MetricsReport;
    const purged = [...alphaBefore.agents].sort((a, b) => b.solves - a.solves).find((agent) => agent.agentId !== simulator.world('acme').credentialUserId);
    if (!purged) throw new Error('no agent to purge');
    expect(alphaBefore.agents.length).toBeGreaterThan(2);

    const us = await tally(['backup', 'run', '--region', 'us']);
    expect(us.stderr).toBe('');
    expect(us.code).toBe(0);
    usBackup = String(us.json()['backupId']);
    expect(us.json()['collections']).toMatchObject({ tenants: 3, keys: 3 });
    expect((us.json()['collections'] as Record<string, number>)['facts']).toBeGreaterThan(100);
    const eu = await tally(['backup', 'run', '--region', 'eu']);
    expect(eu.code).toBe(0);

    // After the backup: a purge in alpha and the offboarding of beta.
    const purge = await tally(['purge', '--tenant', 'alpha', '--agent', String(purged.agentId), '--wait']);
    expect(purge.code).toBe(0);
    expect(purge.json()).toMatchObject({ state: 'done', found: true });
    const removal = await tally(['tenants', 'remove', '--id', 'beta', '--confirm', 'beta']);
    expect(removal.code).toBe(0);

    const list = await tally(['backup', 'list', '--region', 'us', '--format', 'json']);
    const listed = JSON.parse(list.stdout) as { backupId: string; complete: boolean; region: string; collections: Record<string, number> }[];
    expect(listed).toEqual([expect.objectContaining({ backupId: usBackup, complete: true, region: 'us' })]);

    const target = freshDatabase();
    const restore = await tally(['backup', 'restore', '--region', 'us', '--backup', usBackup, '--into', target.uri]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const receipt = restore.json();
    expect(receipt).toMatchObject({ backupId: usBackup, region: 'us', into: target.name, reapplied: { purges: 1, offboardings: 1 }, usersCursorsReset: 3 });
    expect(restore.stdout).not.toContain('mongodb://');

    const db = admin.db(target.name);
    // beta: nothing but its offboarding record; its key gone.
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (name === 'offboardings') continue;
      expect(await db.collection<{ _id: string }>(name).countDocuments(name === 'tenants' ? { _id: 'beta' } : { tenantId: 'beta' }), name).toBe(0);
    }
    expect(await db.collection('offboardings').find({ tenantId: 'beta' }).toArray()).toEqual([expect.objectContaining({ state: 'done', tenantKeyDeleted: true })]);
    // alpha: the purged agent suppressed, its facts and buckets gone, the receipt done; no agent keys at all.
    expect(await db.collection('suppressions').find({ tenantId: 'alpha', zendeskUserId: purged.agentId }).toArray()).toHaveLength(1);
    expect(await db.collection('facts').countDocuments({ tenantId: 'alpha', agentId: purged.agentId })).toBe(0);
    expect(await db.collection('daily').countDocuments({ tenantId: 'alpha', agentId: purged.agentId })).toBe(0);
    expect(await db.collection('purges').find({ tenantId: 'alpha' }).toArray()).toEqual([expect.objectContaining({ state: 'done', found: true })]);
    expect(await db.collection('keys').countDocuments({ kind: 'agent' })).toBe(0);
    expect(await db.collection('agents').countDocuments({})).toBe(0);
    // gamma's purged agent is another tenant's: untouched.
    expect(await db.collection('facts').countDocuments({ tenantId: 'gamma', agentId: purged.agentId })).toBeGreaterThan(0);

    const restored = await app({ TALLY_US_MONGODB_URI: target.uri });
    try {
      // Before a sync the numbers are those of the backup, without names.
      const gammaNow = await metrics(restored.useCases, 'gamma');
      expect(numbers(gammaNow)).toEqual(numbers(before.get('gamma') as MetricsReport));
      expect(gammaNow.agents.every((agent) => agent.name === null || agent.name === undefined || agent.name === '')).toBe(true);

      for (const id of ['alpha', 'gamma']) await restored.useCases.syncTenant(id);
      expect(await metrics(restored.useCases, 'gamma')).toEqual(before.get('gamma'));
      const alphaAfter = await metrics(restored.useCases, 'alpha');
      expect(alphaAfter.agents).toEqual(alphaBefore.agents.filter((agent) => agent.agentId !== purged.agentId));
      expect(await db.collection('agents').countDocuments({ tenantId: 'alpha', zendeskUserId: purged.agentId })).toBe(0);
      await expect(restored.useCases.syncTenant('beta')).rejects.toMatchObject({ code: 'INPUT_INVALID' });

      // Syncing again re-reads nothing new and changes nothing.
      const facts = await db.collection<StoredFact>('facts').countDocuments({});
      for (const id of ['alpha', 'gamma']) await restored.useCases.syncTenant(id);
      expect(await db.collection<StoredFact>('facts').countDocuments({})).toBe(facts);
      expect(await metrics(restored.useCases, 'gamma')).toEqual(before.get('gamma'));
    } finally {
      await restored.close();
    }

    // A restore into that database again is refused: it is not empty.
    const again = await tally(['backup', 'restore', '--region', 'us', '--backup', usBackup, '--into', target.uri]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('BACKUP_TARGET_NOT_EMPTY');
  });

  it('keeps each region in its own bucket, with no name, email or canary in any object; another region cannot restore it', async () => {
    const us = await objectsOf(env['TALLY_US_BUCKET'] as string);
    const eu = await objectsOf(env['TALLY_EU_BUCKET'] as string);
    const manifests = async (files: typeof us) =>
      Promise.all(files.filter((file) => file.name.endsWith('manifest.json')).map(async (file) => JSON.parse((await file.download())[0].toString('utf8')) as BackupManifest));
    expect((await manifests(us)).map((manifest) => manifest.region)).toEqual(['us']);
    expect((await manifests(eu)).map((manifest) => manifest.region)).toEqual(['eu']);
    expect(us.some((file) => file.name.startsWith('purge-ledger/'))).toBe(true);
    expect(eu.some((file) => file.name.startsWith('purge-ledger/'))).toBe(false);

    const secrets = simulator.world('acme').users.flatMap((user) => [user.name, user.email, user.email.toLowerCase()]).filter((text) => text.length > 3);
    for (const file of [...us, ...eu]) {
      const [bytes] = await file.download();
      const text = bytes.toString('latin1');
      for (const secret of [...secrets, CANARY, CANARY.toLowerCase()]) expect(text.includes(secret), `${file.name} holds ${secret}`).toBe(false);
    }

    // The us backup copied into the eu bucket: eu's configuration will not open it.
    for (const file of us.filter((candidate) => candidate.name.startsWith(`backups/${usBackup}/`))) await file.copy(storage.bucket(env['TALLY_EU_BUCKET'] as string).file(file.name));
    const target = freshDatabase();
    const crossed = await tally(['backup', 'restore', '--region', 'eu', '--backup', usBackup, '--into', target.uri]);
    expect(crossed.code).toBe(2);
    expect(crossed.stderr).toContain('BACKUP_REGION_MISMATCH');
    expect(await documentsIn(target.name)).toBe(0);
    // And no restore goes into another region's configured database.
    const intoEu = await tally(['backup', 'restore', '--region', 'us', '--backup', usBackup, '--into', env['TALLY_EU_MONGODB_URI'] as string]);
    expect(intoEu.code).toBe(2);
    expect(intoEu.stderr).toContain('--into');
  });

  it('refuses a flipped byte, a dropped chunk, a truncated object and a swapped manifest, each with its own code, and leaves the target empty', async () => {
    const second = await tally(['backup', 'run', '--region', 'us']);
    expect(second.code).toBe(0);
    const id = String(second.json()['backupId']);
    const bucket = storage.bucket(env['TALLY_US_BUCKET'] as string);
    const data = bucket.file(`backups/${id}/data.tbk`);
    const manifest = bucket.file(`backups/${id}/manifest.json`);
    const [original] = await data.download();
    const [originalManifest] = await manifest.download();
    const frames: { start: number; bytes: number }[] = [];
    let offset = 0;
    for await (const frame of readFrames(Readable.from([original]))) {
      frames.push({ start: offset, bytes: frame.bytes });
      offset += frame.bytes;
    }
    expect(frames.length).toBeGreaterThan(4);

    const third = frames[3] as { start: number; bytes: number };
    const flipped = Buffer.from(original);
    const at = third.start + Math.floor(third.bytes / 2);
    flipped.writeUInt8(flipped.readUInt8(at) ^ 0x01, at);
    const dropped = Buffer.concat([original.subarray(0, third.start), original.subarray(third.start + third.bytes)]);
    const cases: [string, () => Promise<void>, string][] = [
      ['flipped byte', () => data.save(flipped, { resumable: false }), 'BACKUP_TAMPERED'],
      ['dropped chunk', () => data.save(dropped, { resumable: false }), 'BACKUP_CHUNK_MISSING'],
      ['truncated object', () => data.save(original.subarray(0, Math.floor(original.length * 0.7)), { resumable: false }), 'BACKUP_TRUNCATED'],
      ['swapped manifest', async () => manifest.save((await bucket.file(`backups/${usBackup}/manifest.json`).download())[0], { resumable: false }), 'BACKUP_MANIFEST_MISMATCH'],
    ];
    for (const [what, damage, code] of cases) {
      await damage();
      const target = freshDatabase();
      const result = await tally(['backup', 'restore', '--region', 'us', '--backup', id, '--into', target.uri]);
      expect(result.code, what).toBe(2);
      expect(result.stderr, what).toContain(code);
      expect(await documentsIn(target.name), what).toBe(0);
      await data.save(original, { resumable: false });
      await manifest.save(originalManifest, { resumable: false });
    }
    // Undamaged, it restores.
    const target = freshDatabase();
    const result = await tally(['backup', 'restore', '--region', 'us', '--backup', id, '--into', target.uri]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('a backup killed part way', { timeout: 300_000 }, () => {
  it('has no manifest and is listed as incomplete; the next run completes', async () => {
    const database = regions.router.region('eu');
    const tenant = await seedTenant(database, regions.keyring('eu'), 'bulky');
    const facts: StoredFact[] = [];
    for (let i = 0; i < 80_000; i++) {
      const at = new Date(Date.parse('2026-06-01T08:00:00Z') + i * 60_000);
      facts.push({ _id: `bulky:public_reply:${i}:0`, tenantId: 'bulky', kind: 'public_reply', ticketId: 1 + Math.floor(i / 5), agentId: 360_000_000_900 + (i % 50), at, day: localDay(at, tenant.timeZone) });
    }
    for (let i = 0; i < facts.length; i += 5_000) await database.db.collection<StoredFact>('facts').insertMany(facts.slice(i, i + 5_000), { ordered: false });
    const bucket = env['TALLY_EU_BUCKET'] as string;
    const known = new Set((await objectsOf(bucket)).map((file) => file.name));

    const child = spawn(process.execPath, tallyArgs('backup', 'run', '--region', 'eu'), { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let started: string | undefined;
    for (let tries = 0; tries < 600 && started === undefined; tries++) {
      started = (await objectsOf(bucket)).map((file) => file.name).find((name) => !known.has(name) && name.endsWith('/started.json'));
      if (started === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(started).toBeDefined();
    child.kill('SIGKILL');
    await exited;
    const killedId = (started as string).split('/')[1] as string;
    expect((await objectsOf(bucket)).map((file) => file.name).filter((name) => name.startsWith(`backups/${killedId}/`))).not.toContain(`backups/${killedId}/manifest.json`);

    const list = await tally(['backup', 'list', '--region', 'eu', '--format', 'json']);
    const views = JSON.parse(list.stdout) as { backupId: string; complete: boolean }[];
    expect(views.find((view) => view.backupId === killedId)).toMatchObject({ complete: false });
    const target = freshDatabase();
    const refused = await tally(['backup', 'restore', '--region', 'eu', '--backup', killedId, '--into', target.uri]);
    expect(refused.stderr).toContain('BACKUP_INCOMPLETE');

    const next = await tally(['backup', 'run', '--region', 'eu']);
    expect(next.code).toBe(0);
    expect((next.json()['collections'] as Record<string, number>)['facts']).toBe(await database.db.collection('facts').countDocuments({}));
    const after = JSON.parse((await tally(['backup', 'list', '--region', 'eu', '--format', 'json'])).stdout) as { backupId: string; complete: boolean }[];
    expect(after.find((view) => view.backupId === next.json()['backupId'])).toMatchObject({ complete: true });
    expect(after.find((view) => view.backupId === killedId)).toMatchObject({ complete: false });
  });
});

describe('the worker', { timeout: 180_000 }, () => {
  it("keeps one backup scheduler per region on TALLY_BACKUP_CRON and runs the job into the region's own bucket; SIGTERM stops it", async () => {
    // The fleet's own queue prefix, not the other tests'.
    const backupEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'TALLY_QUEUE_PREFIX'));
    const fleet = startFleet(regions, { ...backupEnv, TALLY_BACKUP_CRON: '15 3 * * *', TALLY_BACKUP_KEEP: '2' });
    const queues = (['us', 'eu'] as const).map((region) => new Queue(QUEUE.backup, { connection: fleet.redis, prefix: regionQueuePrefix(region, fleet.queueBase) }));
    try {
      const worker = await fleet.start('backups');
      for (const [index, region] of (['us', 'eu'] as const).entries()) {
        const schedulers = await (queues[index] as Queue).getJobSchedulers(0, -1);
        expect(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern, scheduler.tz])).toEqual([[`backup:${region}`, '15 3 * * *', 'UTC']]);
      }
      const manifests = async (bucket: string) => (await objectsOf(bucket)).filter((file) => file.name.endsWith('/manifest.json')).map((file) => file.name);
      const euBefore = await manifests(env['TALLY_EU_BUCKET'] as string);
      const usBefore = await manifests(env['TALLY_US_BUCKET'] as string);
      await (queues[0] as Queue).add(JOBS.backup.name, { region: 'us' }, JOBS.backup.options);
      let usAfter = usBefore;
      // Until the job is through: its manifest is written first, the older ones removed after.
      const through = (names: string[]) => names.some((name) => !usBefore.includes(name)) && names.length <= Math.min(2, usBefore.length + 1);
      for (let waited = 0; waited < 60_000 && !through(usAfter); waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        usAfter = await manifests(env['TALLY_US_BUCKET'] as string);
      }
      expect(usAfter.some((name) => !usBefore.includes(name))).toBe(true);
      // TALLY_BACKUP_KEEP=2: the run removed the older complete ones.
      expect(usAfter).toHaveLength(Math.min(2, usBefore.length + 1));
      expect(await manifests(env['TALLY_EU_BUCKET'] as string)).toEqual(euBefore);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
    } finally {
      for (const queue of queues) await queue.close();
      await fleet.close();
    }
  });
});
