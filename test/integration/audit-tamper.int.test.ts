// The audit log against someone who can write the tenant's database but holds
// neither the tenant key nor the region's bucket (README, Privacy operations: the
// audit log): every kind of tampering makes `tally audit verify` exit 5, even when
// the tamperer recomputes every hash the database shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoredAudit, storedIds } from '../../schemas/records.js';
import { auditHash, GENESIS_HASH } from '../../src/audit/audit-chain.js';
import type { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import type { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;
let database: RegionDatabase;
let keyring: TenantKeyring;

beforeAll(async () => {
  regions = await startTwoRegions();
  database = regions.router.region('us');
  keyring = regions.keyring('us');
});
afterAll(async () => {
  await regions?.close();
});

const BASE = Date.parse('2026-11-20T09:00:00Z');
const collection = () => database.db.collection<StoredAudit>('audit');
const stored = (tenantId: string) => collection().find({ tenantId }).sort({ seq: 1 }).toArray();

async function tenantWithEntries(tenantId: string, count: number): Promise<void> {
  await seedTenant(database, keyring, tenantId);
  await appendProbes(tenantId, 0, count);
}

async function appendProbes(tenantId: string, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    await database.audit.append({ tenantId, actor: 'test', action: 'probe', details: { n } }, new Date(BASE + n * 1_000));
  }
}

interface Check {
  ok: boolean;
  entries: number;
  brokenAt: number | null;
  reason: string | null;
}

async function verify(tenantId: string): Promise<{ code: number | null; check: Check }> {
  const result = await runTally(['audit', 'verify', '--tenant', tenantId], regions.env);
  return { code: result.code, check: JSON.parse(result.stdout) as Check };
}

/**
 * What a tamperer without the key can do best: recompute the SHA-256 chain the
 * stored entries show (the only algorithm visible in the database) from `fromSeq` on.
 */
async function rechain(tenantId: string, fromSeq: number): Promise<void> {
  const entries = await stored(tenantId);
  let prev = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.seq >= fromSeq) {
      const hash = auditHash(entry, prev);
      await collection().updateOne({ _id: entry._id }, { $set: { prevHash: prev, hash } });
      prev = hash;
    } else {
      prev = entry.hash;
    }
  }
}

describe('tally audit verify against tampering', { timeout: 120_000 }, () => {
  it('keeps entries written before the chain was keyed verifiable, and protects them once a keyed entry follows', async () => {
    await seedTenant(database, keyring, 'tamper-legacy');
    // Two entries as tally wrote them before the chain was keyed: unkeyed SHA-256, no version field.
    let prev = GENESIS_HASH;
    for (const seq of [1, 2]) {
      const fields = { tenantId: 'tamper-legacy', seq, at: new Date(BASE + seq * 1_000), actor: 'cli:old', action: 'metrics.read', details: { agents: seq } };
      const hash = auditHash(fields, prev);
      await collection().insertOne({ _id: storedIds.audit('tamper-legacy', seq), ...fields, prevHash: prev, hash });
      prev = hash;
    }
    expect((await verify('tamper-legacy')).check).toMatchObject({ ok: true, entries: 2 });
    await appendProbes('tamper-legacy', 3, 2);
    expect((await verify('tamper-legacy')).check).toMatchObject({ ok: true, entries: 4 });

    await collection().updateOne({ tenantId: 'tamper-legacy', seq: 1 }, { $set: { 'details.agents': 9 } });
    await rechain('tamper-legacy', 1);
    const { code, check } = await verify('tamper-legacy');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, brokenAt: 3, reason: 'its contents were changed' });
  });

  it('detects a changed entry whose chain was recomputed', async () => {
    await tenantWithEntries('tamper-edit', 3);
    expect((await verify('tamper-edit')).check).toMatchObject({ ok: true, entries: 3 });

    await collection().updateOne({ tenantId: 'tamper-edit', seq: 2 }, { $set: { 'details.n': 41 } });
    await rechain('tamper-edit', 2);
    const { code, check } = await verify('tamper-edit');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, brokenAt: 2, reason: 'its contents were changed' });
  });

  it('detects an entry removed from the middle, the rest renumbered and rechained', async () => {
    await tenantWithEntries('tamper-remove', 4);
    expect((await verify('tamper-remove')).check).toMatchObject({ ok: true, entries: 4 });

    await collection().deleteOne({ tenantId: 'tamper-remove', seq: 2 });
    for (const seq of [3, 4]) {
      const entry = await collection().findOne({ tenantId: 'tamper-remove', seq });
      if (!entry) throw new Error(`entry ${seq} is gone`);
      await collection().deleteOne({ _id: entry._id });
      await collection().insertOne({ ...entry, _id: storedIds.audit('tamper-remove', seq - 1), seq: seq - 1 });
    }
    await rechain('tamper-remove', 2);
    const { code, check } = await verify('tamper-remove');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, brokenAt: 2, reason: 'its contents were changed' });
  });

  it('detects two entries swapped and rechained', async () => {
    await tenantWithEntries('tamper-swap', 3);
    expect((await verify('tamper-swap')).check).toMatchObject({ ok: true, entries: 3 });

    const [, second, third] = await stored('tamper-swap');
    if (!second || !third) throw new Error('entries are missing');
    const contents = ({ at, actor, action, details }: StoredAudit) => ({ at, actor, action, details });
    await collection().updateOne({ _id: second._id }, { $set: contents(third) });
    await collection().updateOne({ _id: third._id }, { $set: contents(second) });
    await rechain('tamper-swap', 2);
    const { code, check } = await verify('tamper-swap');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, brokenAt: 2, reason: 'its contents were changed' });
  });

  it('detects an entry appended by hand', async () => {
    await tenantWithEntries('tamper-append', 3);
    expect((await verify('tamper-append')).check).toMatchObject({ ok: true, entries: 3 });

    const [, , last] = await stored('tamper-append');
    if (!last) throw new Error('entry 3 is missing');
    const forged = { ...last, _id: storedIds.audit('tamper-append', 4), seq: 4, at: new Date(BASE + 10_000), action: 'retention.set', details: { factDays: 30 } };
    await collection().insertOne({ ...forged, prevHash: last.hash, hash: auditHash(forged, last.hash) });
    const { code, check } = await verify('tamper-append');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, brokenAt: 4, reason: 'its contents were changed' });
  });

  it('detects the last entry deleted (the log truncated)', async () => {
    await tenantWithEntries('tamper-tail', 3);
    expect((await verify('tamper-tail')).check).toMatchObject({ ok: true, entries: 3 });

    await collection().deleteOne({ tenantId: 'tamper-tail', seq: 3 });
    const { code, check } = await verify('tamper-tail');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, entries: 2, brokenAt: 3 });
    expect(check.reason).toMatch(/^entries after 2 were removed: the head object records 3$/);
  });

  it('detects a log restored from an older copy and appended to since (it no longer matches its head)', async () => {
    await tenantWithEntries('tamper-restore', 3);
    const backup = await stored('tamper-restore');
    await appendProbes('tamper-restore', 3, 2);
    expect((await verify('tamper-restore')).check).toMatchObject({ ok: true, entries: 5 });

    await collection().deleteMany({ tenantId: 'tamper-restore' });
    await collection().insertMany(backup);
    await appendProbes('tamper-restore', 10, 3);
    const { code, check } = await verify('tamper-restore');
    expect(code).toBe(5);
    expect(check).toMatchObject({ ok: false, entries: 5, brokenAt: 5, reason: 'it does not match the head object' });
  });
});
