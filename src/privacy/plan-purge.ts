/**
 * The pure parts of a purge (docs/architecture.md#purge): the suppression it adds, that entry's
 * hash, the step after each state, and the receipt. The receipt names no person:
 * ids of tally's own records, counts, times and hashes only.
 */
import { createHash } from 'node:crypto';
import {
  type CollectionCounts,
  PURGE_STATES,
  type PurgeState,
  type StoredPurge,
  type StoredSuppression,
} from '../../schemas/records.js';

export function purgeSuppression(request: Pick<StoredPurge, '_id' | 'tenantId' | 'requestedAt'>, target: { zendeskUserId?: number | undefined; emailIndex?: string | undefined }): StoredSuppression {
  return {
    _id: `${request.tenantId}:${request._id}`,
    tenantId: request.tenantId,
    requestId: request._id,
    ...(target.zendeskUserId === undefined ? {} : { zendeskUserId: target.zendeskUserId }),
    ...(target.emailIndex === undefined ? {} : { emailIndex: target.emailIndex }),
    // The request's time, not the clock's, so a retried purge files the same entry.
    createdAt: request.requestedAt,
  };
}

/** SHA-256 over a canonical encoding: proves which entry stands without showing it. */
export function suppressionHash(entry: StoredSuppression): string {
  const canonical = JSON.stringify([entry._id, entry.tenantId, entry.requestId, entry.zendeskUserId ?? null, entry.emailIndex ?? null, entry.createdAt.toISOString()]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function isBefore(state: PurgeState, than: PurgeState): boolean {
  return PURGE_STATES.indexOf(state) < PURGE_STATES.indexOf(than);
}

export function hasAnything(counts: CollectionCounts): boolean {
  return Object.values(counts).some((count) => count > 0);
}

export interface PurgeReceipt {
  requestId: string;
  tenant: string;
  region: string;
  state: PurgeState;
  requestedAt: string;
  completedAt: string | null;
  /** Whether a stored agent matched; false for an unknown email or id (the suppression still stands). */
  found: boolean | null;
  /** Documents found per collection when the purge began, all of which it removed. */
  counts: CollectionCounts | null;
  verification: { ok: boolean; remaining: CollectionCounts } | null;
  suppressionHash: string | null;
}

export function purgeReceipt(request: StoredPurge): PurgeReceipt {
  return {
    requestId: request._id,
    tenant: request.tenantId,
    region: request.region,
    state: request.state,
    requestedAt: request.requestedAt.toISOString(),
    completedAt: request.completedAt?.toISOString() ?? null,
    found: request.found ?? null,
    counts: request.counts ?? null,
    verification: request.verification ?? null,
    suppressionHash: request.suppressionHash ?? null,
  };
}
