/**
 * The audit log's hash chain (design.md §7): each entry's hash is SHA-256 over a
 * canonical encoding of its fields and the previous entry's hash, so editing,
 * reordering or removing an entry breaks every hash after it. Pure.
 */
import { createHash } from 'node:crypto';
import type { StoredAudit } from '../../schemas/records.js';

/** The hash that stands before a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditFields = Pick<StoredAudit, 'tenantId' | 'seq' | 'at' | 'actor' | 'action' | 'details'>;

export function auditHash(fields: AuditFields, prevHash: string): string {
  // Sorted keys: the same entry always encodes the same way, whatever built it.
  const details = Object.fromEntries(Object.entries(fields.details).sort(([a], [b]) => a.localeCompare(b)));
  const canonical = JSON.stringify([fields.tenantId, fields.seq, fields.at.toISOString(), fields.actor, fields.action, details, prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ChainCheck {
  ok: boolean;
  entries: number;
  /** The first entry whose link or hash is wrong. */
  brokenAt: number | null;
  reason: string | null;
}

/** Walks a tenant's entries in seq order and checks every link. */
export function verifyAuditChain(entries: Iterable<StoredAudit>): ChainCheck {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const entry of entries) {
    count++;
    if (entry.seq !== expectedSeq) return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${expectedSeq} is missing` };
    if (entry.prevHash !== prev) return { ok: false, entries: count, brokenAt: entry.seq, reason: 'its link to the previous entry does not match' };
    if (auditHash(entry, prev) !== entry.hash) return { ok: false, entries: count, brokenAt: entry.seq, reason: 'its contents were changed' };
    prev = entry.hash;
    expectedSeq++;
  }
  return { ok: true, entries: count, brokenAt: null, reason: null };
}
