// The audit chain's head object in the region's bucket (fake-gcs-server here):
// moved after each append, never backwards under concurrent appenders, behind by at
// most the entries whose head write did not happen, and gone with the tenant.
import type { Bucket } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAudit } from '../../schemas/records.js';
import { auditHeadObjectName, auditHeadPrefix } from '../../src/audit/audit-chain.js';
import type { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { createGcsStorage, QUICK_RETRIES } from '../../src/storage/create-gcs-storage.js';
import { GcsAuditHeads } from '../../src/storage/gcs-audit-heads.js';
import { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { RegionRouter } from '../../src/store/mongo/region-router.js';
import { requireService } from '../helpers/local-services.js';
import { seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;
let database: RegionDatabase;
let keyring: TenantKeyring;
let bucket: Bucket;

beforeAll(async () => {
  regions = await startTwoRegions();
  await requireService('fake-gcs-server', regions.config.gcsEndpoint ?? '');
  database = regions.router.region('us');
  keyring = regions.keyring('us');
  bucket = createGcsStorage(regions.config.gcsEndpoint).bucket(regions.config.regions['us']?.bucket ?? '');
});
afterAll(async () => {
  await regions?.close();
});

const probe = (tenantId: string, n: number) => ({ tenantId, actor: 'test', action: 'probe', details: { n } });
const stored = (tenantId: string) => database.db.collection<StoredAudit>('audit').find({ tenantId }).sort({ seq: 1 }).toArray();

async function headOf(tenantId: string): Promise<{ seq: number; mac: string } | null> {
  const file = bucket.file(auditHeadObjectName(tenantId, await keyring.auditChainKey(tenantId)));
  const [exists] = await file.exists();
  return exists ? (JSON.parse((await file.download())[0].toString('utf8')) as { seq: number; mac: string }) : null;
}

async function verify(tenantId: string): Promise<{ code: number | null; check: Record<string, unknown> }> {
  const result = await runTally(['audit', 'verify', '--tenant', tenantId], regions.env);
  return { code: result.code, check: JSON.parse(result.stdout) as Record<string, unknown> };
}

describe('the audit chain head', { timeout: 120_000 }, () => {
  it('ends at the last entry when two processes append at once (a generation precondition on every write)', async () => {
    await seedTenant(database, keyring, 'head-race');
    const other = await RegionRouter.connect(regions.config);
    try {
      const writers = [database, other.region('us')];
      await Promise.all(writers.map(async (writer, w) => {
        for (let n = 0; n < 8; n++) await writer.audit.append(probe('head-race', w * 100 + n), new Date());
      }));
    } finally {
      await other.close();
    }
    const entries = await stored('head-race');
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(await headOf('head-race')).toMatchObject({ seq: 16, mac: entries[15]?.hash });
    expect((await verify('head-race')).check).toMatchObject({ ok: true, entries: 16, headSeq: 16, unanchored: 0 });
  });

  it('commits 40 concurrent appends of one process in groups: every entry once, in one chain, the head at the last', async () => {
    await seedTenant(database, keyring, 'head-group');
    const other = await RegionRouter.connect(regions.config);
    try {
      // 40 at once in this process, and 10 more from another process meanwhile.
      await Promise.all([
        ...Array.from({ length: 40 }, (_, n) => database.audit.append(probe('head-group', n), new Date())),
        (async () => {
          for (let n = 0; n < 10; n++) await other.region('us').audit.append(probe('head-group', 1000 + n), new Date());
        })(),
      ]);
    } finally {
      await other.close();
    }
    const entries = await stored('head-group');
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(entries.map((entry) => entry.details['n'])).size).toBe(50);
    expect(await headOf('head-group')).toMatchObject({ seq: 50, mac: entries[49]?.hash });
    expect((await verify('head-group')).check).toMatchObject({ ok: true, entries: 50, headSeq: 50, unanchored: 0 });
  });

  it('lags behind an entry whose head write failed, verifies that entry by its MAC, and catches up at the next append', async () => {
    await seedTenant(database, keyring, 'head-crash');
    for (let n = 0; n < 2; n++) await database.audit.append(probe('head-crash', n), new Date());
    // The same database, with its heads in a Cloud Storage nobody answers at: the entry is stored, the head write fails.
    const unreachable = new GcsAuditHeads(createGcsStorage('http://127.0.0.1:9', QUICK_RETRIES).bucket(bucket.name), { createMissingBucket: false, bucketVariable: 'TALLY_US_BUCKET' });
    const cutOff = new RegionDatabase('us', database.db, undefined, () => ({ chainKey: (tenantId) => keyring.auditChainKey(tenantId), heads: unreachable }));
    await expect(cutOff.audit.append(probe('head-crash', 2), new Date())).rejects.toMatchObject({ code: 'AUDIT_HEAD_UNAVAILABLE', retryable: true });
    expect((await stored('head-crash')).map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(await headOf('head-crash')).toMatchObject({ seq: 2 });

    const lagging = await verify('head-crash');
    expect(lagging.code).toBe(0);
    expect(lagging.check).toMatchObject({ ok: true, entries: 3, headSeq: 2, unanchored: 1 });

    // The entry past the head is still covered by its MAC.
    const collection = database.db.collection<StoredAudit>('audit');
    await collection.updateOne({ tenantId: 'head-crash', seq: 3 }, { $set: { 'details.n': 99 } });
    expect((await verify('head-crash')).check).toMatchObject({ ok: false, brokenAt: 3, reason: 'its contents were changed' });
    await collection.updateOne({ tenantId: 'head-crash', seq: 3 }, { $set: { 'details.n': 2 } });

    await database.audit.append(probe('head-crash', 3), new Date());
    expect(await headOf('head-crash')).toMatchObject({ seq: 4 });
    expect((await verify('head-crash')).check).toMatchObject({ ok: true, entries: 4, headSeq: 4, unanchored: 0 });
  });

  it('names the bucket variable when the bucket does not exist outside an emulator (nothing creates it)', async () => {
    await seedTenant(database, keyring, 'head-nobucket');
    const storage = createGcsStorage(regions.config.gcsEndpoint, QUICK_RETRIES);
    const missing = storage.bucket(`tally-missing-${Date.now()}`);
    const heads = new GcsAuditHeads(missing, { createMissingBucket: false, bucketVariable: 'TALLY_US_BUCKET' });
    const withoutBucket = new RegionDatabase('us', database.db, undefined, () => ({ chainKey: (tenantId) => keyring.auditChainKey(tenantId), heads }));
    const refusal = { code: 'AUDIT_BUCKET_MISSING', message: expect.stringContaining(`bucket ${missing.name} does not exist: create it, or set TALLY_US_BUCKET`) as unknown };
    await expect(withoutBucket.audit.append(probe('head-nobucket', 0), new Date())).rejects.toMatchObject(refusal);
    await expect(withoutBucket.audit.verify('head-nobucket')).rejects.toMatchObject(refusal);
    expect((await missing.exists())[0]).toBe(false);
  });

  it('reports a head object that is not a head, and keeps it', async () => {
    await seedTenant(database, keyring, 'head-garbage');
    await database.audit.append(probe('head-garbage', 0), new Date());
    const name = auditHeadObjectName('head-garbage', await keyring.auditChainKey('head-garbage'));
    await bucket.file(name).save('{"format":"tally-audit-head/1","seq":"one"}', { resumable: false });
    const { code, check } = await verify('head-garbage');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, reason: 'the head object is not a valid head' });
    await expect(database.audit.append(probe('head-garbage', 1), new Date())).rejects.toMatchObject({ code: 'AUDIT_HEAD_INVALID' });
    expect((await bucket.file(name).download())[0].toString('utf8')).toBe('{"format":"tally-audit-head/1","seq":"one"}');
  });

  it('removes every head of a tenant (offboarding), and no other tenant’s', async () => {
    await seedTenant(database, keyring, 'head-gone');
    await seedTenant(database, keyring, 'head-gone-2');
    await database.audit.append(probe('head-gone', 0), new Date());
    await database.audit.append(probe('head-gone-2', 0), new Date());
    await database.audit.removeHeads('head-gone');
    expect((await bucket.getFiles({ prefix: auditHeadPrefix('head-gone') }))[0]).toHaveLength(0);
    expect(await headOf('head-gone-2')).toMatchObject({ seq: 1 });
  });
});
