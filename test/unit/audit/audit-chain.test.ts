// The keyed audit chain's checks, pure: links and MACs, version-1 entries at the
// start only, and the head (README "Privacy operations", audit log).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_HEAD_FORMAT, type AuditHead } from '../../../schemas/audit-head.js';
import { type StoredAudit, storedIds } from '../../../schemas/records.js';
import { auditHash, auditHeadObjectName, auditMac, GENESIS_HASH, verifyAuditChain } from '../../../src/audit/audit-chain.js';

const KEY = randomBytes(32);
const TENANT = 'acme';

/** A chain of `count` entries, the first `legacy` of them version 1. */
function chain(count: number, legacy = 0, key: Uint8Array = KEY): StoredAudit[] {
  const entries: StoredAudit[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = { tenantId: TENANT, seq, at: new Date(Date.UTC(2026, 10, seq)), actor: 'cli:ops', action: 'probe', details: { n: seq, z: 'x', a: true } };
    const keyed = seq > legacy;
    const hash = keyed ? auditMac(key, fields, prev) : auditHash(fields, prev);
    entries.push({ _id: storedIds.audit(TENANT, seq), ...(keyed ? { version: 2 as const } : {}), ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return entries;
}

const headAt = (entries: StoredAudit[], seq: number): AuditHead => ({ format: AUDIT_HEAD_FORMAT, tenantId: TENANT, seq, mac: entries[seq - 1]?.hash ?? '' });
const check = (entries: unknown[], head: AuditHead | null, key: Uint8Array = KEY) => verifyAuditChain(entries, { tenantId: TENANT, key, head });

describe('verifyAuditChain', () => {
  it('accepts a keyed chain whose head is its last entry', () => {
    const entries = chain(4);
    expect(check(entries, headAt(entries, 4))).toEqual({ ok: true, entries: 4, brokenAt: null, reason: null, legacy: 0, headSeq: 4, unanchored: 0 });
  });

  it('accepts version-1 entries before the keyed ones, and counts them', () => {
    const entries = chain(5, 2);
    expect(check(entries, headAt(entries, 5))).toMatchObject({ ok: true, entries: 5, legacy: 2, unanchored: 0 });
    expect(check(chain(2, 2), null)).toMatchObject({ ok: true, entries: 2, legacy: 2, headSeq: null, unanchored: 0 });
  });

  it('refuses a chain made with another key', () => {
    const entries = chain(3, 0, randomBytes(32));
    expect(check(entries, null)).toMatchObject({ ok: false, brokenAt: 1, reason: 'its contents were changed' });
  });

  it('refuses keyed entries turned into version-1 ones and rechained (a downgrade)', () => {
    const entries = chain(4);
    let prev = entries[1]?.hash ?? '';
    for (const entry of entries.slice(2)) {
      delete entry.version;
      entry.prevHash = prev;
      entry.hash = auditHash(entry, prev);
      prev = entry.hash;
    }
    expect(check(entries, null)).toMatchObject({ ok: false, brokenAt: 3, reason: 'an unkeyed entry follows keyed ones' });
  });

  it('allows the head to lag behind entries appended after it, and counts them', () => {
    const entries = chain(5);
    expect(check(entries, headAt(entries, 3))).toMatchObject({ ok: true, entries: 5, headSeq: 3, unanchored: 2 });
    expect(check(entries, null)).toMatchObject({ ok: true, headSeq: null, unanchored: 5 });
  });

  it('refuses a log shorter than its head, down to an empty one', () => {
    const entries = chain(5);
    const head = headAt(entries, 5);
    expect(check(entries.slice(0, 3), head)).toMatchObject({ ok: false, entries: 3, brokenAt: 4, reason: 'entries after 3 were removed: the head object records 5' });
    expect(check([], head)).toMatchObject({ ok: false, entries: 0, brokenAt: 1, reason: 'entries after 0 were removed: the head object records 5' });
  });

  it('refuses a log whose entry at the head is not the one the head recorded', () => {
    const entries = chain(4);
    const forked = chain(4, 0, randomBytes(32))[2]?.hash ?? '';
    expect(check(entries, { ...headAt(entries, 3), mac: forked })).toMatchObject({ ok: false, entries: 3, brokenAt: 3, reason: 'it does not match the head object' });
  });

  it('refuses a head of another tenant, an entry of another tenant and an entry that is not one', () => {
    const entries = chain(2);
    expect(check(entries, { ...headAt(entries, 2), tenantId: 'globex' })).toMatchObject({ ok: false, reason: 'the head object names another tenant' });
    const moved = chain(2).map((entry, i) => (i === 1 ? { ...entry, tenantId: 'globex' } : entry));
    expect(check(moved, null)).toMatchObject({ ok: false, brokenAt: 2, reason: 'it belongs to another tenant' });
    const broken = chain(2).map((entry, i) => (i === 1 ? { ...entry, details: undefined } : entry));
    expect(check(broken, null)).toMatchObject({ ok: false, brokenAt: 2, reason: 'it is not a valid audit entry' });
  });
});

describe('auditHeadObjectName', () => {
  it('files heads under the tenant, named by a fingerprint of the key that reveals no key bytes', () => {
    const name = auditHeadObjectName(TENANT, KEY);
    expect(name).toMatch(/^audit-heads\/acme\/[0-9a-f]{32}\.json$/);
    expect(name).not.toContain(KEY.toString('hex').slice(0, 8));
    expect(auditHeadObjectName(TENANT, randomBytes(32))).not.toBe(name);
  });
});
