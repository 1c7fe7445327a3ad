/**
 * Keys derived from a tenant key with HKDF-SHA256, one per purpose, so that no key
 * serves two jobs. Pure.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export type SubkeyPurpose = 'agent-key-wrap' | 'audit-chain' | 'credentials' | 'dimension-name' | 'email-index' | 'person' | 'person-email-index' | 'purge-reason' | 'record-id';

export function deriveSubkey(tenantKey: Uint8Array, tenantId: string, purpose: SubkeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', tenantKey, Buffer.from('tally/v1'), Buffer.from(`${purpose}|${tenantId}`), 32));
}

/** Emails are compared trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** A record id that is not a Zendesk id, as quarantine entries name it: HMAC-SHA256 under the tenant's record-id key, hex. */
export function recordIdHash(recordIdKey: Uint8Array, rawId: string): string {
  return createHmac('sha256', recordIdKey).update(rawId, 'utf8').digest('hex');
}

/** The email blind index: HMAC-SHA256 of the normalised email under the tenant's index key, hex. */
export function emailBlindIndex(indexKey: Uint8Array, email: string): string {
  return createHmac('sha256', indexKey).update(normaliseEmail(email), 'utf8').digest('hex');
}
