/**
 * A purge request's reason as privacy staff read it (`tally purge --list`): free
 * text that may name the person, so it is sealed under the tenant key when filed
 * (src/privacy/request-purge.ts) and removed when the request is done
 * (src/privacy/run-purge.ts). Nothing else opens it.
 */
import type { StoredPurge } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';

/** The reason, or null when there is none (never given, or erased with the done request). */
export async function readPurgeReason(
  keyring: Pick<TenantKeyring, 'openPurgeReason'>,
  request: Pick<StoredPurge, '_id' | 'tenantId' | 'reason'>,
): Promise<string | null> {
  const stored: unknown = request.reason;
  if (stored === undefined || stored === null) return null;
  // Filed by a version before reasons were sealed: shown as stored, erased like the others when done.
  if (typeof stored === 'string') return stored;
  return keyring.openPurgeReason(request.tenantId, request._id, stored as Uint8Array);
}
