/**
 * The audit log's chain (README "Privacy operations", audit log). Each
 * entry's `hash` covers a canonical encoding of its fields and the previous entry's
 * hash, so editing, reordering or removing an entry breaks every hash after it.
 *
 * - Version 2 (every entry written now): `hash` is HMAC-SHA256 under the tenant's
 *   audit-chain subkey, so nobody without the tenant key can recompute the chain.
 *   A head (seq and MAC of the last entry) kept outside the database catches
 *   entries cut off the end.
 * - Version 1 (entries written before the chain was keyed): unkeyed SHA-256. They
 *   may only open a chain; the first version-2 entry's MAC covers the last one's
 *   hash, and so every version-1 entry before it.
 *
 * Pure.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditHead } from '../../schemas/audit-head.js';
import { type StoredAudit, StoredAuditSchema } from '../../schemas/records.js';

/** The hash that stands before a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The version new entries are written in. */
export const AUDIT_CHAIN_VERSION = 2;

export type AuditFields = Pick<StoredAudit, 'tenantId' | 'seq' | 'at' | 'actor' | 'action' | 'details'>;

function canonical(fields: AuditFields, prevHash: string, domain: string[]): string {
  // Sorted keys: the same entry always encodes the same way, whatever built it.
  const details = Object.fromEntries(Object.entries(fields.details).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([...domain, fields.tenantId, fields.seq, fields.at.toISOString(), fields.actor, fields.action, details, prevHash]);
}

/** Version 1: unkeyed SHA-256. Only checked, never written any more. */
export function auditHash(fields: AuditFields, prevHash: string): string {
  return createHash('sha256').update(canonical(fields, prevHash, [])).digest('hex');
}

/** Version 2: HMAC-SHA256 under the tenant's audit-chain subkey. */
export function auditMac(key: Uint8Array, fields: AuditFields, prevHash: string): string {
  return createHmac('sha256', key).update(canonical(fields, prevHash, ['tally/audit/v2'])).digest('hex');
}

/**
 * Where a chain's head object lives in the region's bucket: under the tenant id
 * (so offboarding can remove every head of a tenant by prefix) and a fingerprint
 * of the chain key, so a tenant id reused after offboarding (a new tenant key)
 * starts a head of its own. The fingerprint reveals nothing about the key.
 */
export function auditHeadObjectName(tenantId: string, key: Uint8Array): string {
  const fingerprint = createHmac('sha256', key).update('tally/audit/head-object').digest('hex').slice(0, 32);
  return `${auditHeadPrefix(tenantId)}${fingerprint}.json`;
}

export const auditHeadPrefix = (tenantId: string): string => `audit-heads/${tenantId}/`;

export const sameMac = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface ChainCheck {
  ok: boolean;
  /** Entries read up to the first broken one (all of them when ok). */
  entries: number;
  /** The first entry whose link or MAC is wrong, or that the head says is missing. */
  brokenAt: number | null;
  reason: string | null;
  /** Version-1 entries at the start of the chain. */
  legacy: number;
  /** The seq the head object records; null when there is none yet. */
  headSeq: number | null;
  /**
   * Keyed entries after the head: appended, but the head write after them did not
   * happen (a crash, or the bucket was unreachable). Each is verified by its MAC;
   * the next append moves the head past them.
   */
  unanchored: number;
}

export interface ChainContext {
  readonly tenantId: string;
  /** The tenant's audit-chain subkey. */
  readonly key: Uint8Array;
  /** The head object as read from the bucket, or null when there is none. */
  readonly head: AuditHead | null;
}

/** Walks a tenant's entries in seq order, checks every link and MAC, then the head. */
export function verifyAuditChain(entries: Iterable<unknown>, chain: ChainContext): ChainCheck {
  const { head } = chain;
  let prev = GENESIS_HASH;
  let count = 0;
  let legacy = 0;
  const broken = (brokenAt: number, reason: string): ChainCheck => ({ ok: false, entries: count, brokenAt, reason, legacy, headSeq: head?.seq ?? null, unanchored: 0 });
  if (head !== null && head.tenantId !== chain.tenantId) return broken(head.seq, 'the head object names another tenant');
  for (const raw of entries) {
    count++;
    const parsed = StoredAuditSchema.safeParse(raw);
    if (!parsed.success) return broken(count, 'it is not a valid audit entry');
    const entry = parsed.data;
    if (entry.seq !== count) return broken(entry.seq, `entry ${count} is missing`);
    if (entry.tenantId !== chain.tenantId) return broken(count, 'it belongs to another tenant');
    if (entry.prevHash !== prev) return broken(count, 'its link to the previous entry does not match');
    if (entry.version === undefined) {
      if (legacy !== count - 1) return broken(count, 'an unkeyed entry follows keyed ones');
      if (auditHash(entry, prev) !== entry.hash) return broken(count, 'its contents were changed');
      legacy++;
    } else if (!sameMac(auditMac(chain.key, entry, prev), entry.hash)) {
      return broken(count, 'its contents were changed');
    }
    if (head !== null && entry.seq === head.seq && !sameMac(entry.hash, head.mac)) return broken(count, 'it does not match the head object');
    prev = entry.hash;
  }
  if (head !== null && head.seq > count) return broken(count + 1, `entries after ${count} were removed: the head object records ${head.seq}`);
  return { ok: true, entries: count, brokenAt: null, reason: null, legacy, headSeq: head?.seq ?? null, unanchored: count - Math.max(head?.seq ?? 0, legacy) };
}
