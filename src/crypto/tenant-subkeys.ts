/**
 * Keys derived from a tenant key with HKDF-SHA256, one per purpose, so that no key
 * serves two jobs. Pure.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export type SubkeyPurpose = 'agent-key-wrap' | 'credentials' | 'email-index' | 'purge-reason';

export function deriveSubkey(tenantKey: Uint8Array, tenantId: string, purpose: SubkeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', tenantKey, Buffer.from('tally/v1'), Buffer.from(`${purpose}|${tenantId}`), 32));
}

/** Emails are compared trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** The email blind index: HMAC-SHA256 of the normalised email under the tenant's index key, hex. */
export function emailBlindIndex(indexKey: Uint8Array, email: string): string {
  return createHmac('sha256', indexKey).update(normaliseEmail(email), 'utf8').digest('hex');
}
