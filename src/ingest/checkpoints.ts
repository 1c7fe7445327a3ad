/**
 * The checkpoint formats of the streams (docs/architecture.md#checkpoints), pure: a
 * checkpoint is the `position` string a stream saves after each stored page.
 *
 * - `cursor:<after_cursor>`: the cursor exports (users, tickets);
 * - `partial:<seconds>`: a satisfaction ratings run that has not reached the end;
 * - `<seconds>`: Unix seconds, every other time-resumed position.
 */
import { DateTime } from 'luxon';
import type { Stream, StoredTenant } from '../../schemas/records.js';

/** Ratings re-read this far back on every run, to catch re-ratings of older records. */
export const RATING_LOOKBACK_S = 7 * 24 * 3600;

const CURSOR = 'cursor:';
const PARTIAL = 'partial:';

export type Checkpoint =
  | { readonly kind: 'cursor'; readonly cursor: string }
  | { readonly kind: 'partial'; readonly seconds: number }
  | { readonly kind: 'seconds'; readonly seconds: number };

/** Reads a stored position; anything that is neither a cursor nor `partial:` is plain seconds. */
export function parseCheckpoint(position: string): Checkpoint {
  if (position.startsWith(CURSOR)) return { kind: 'cursor', cursor: position.slice(CURSOR.length) };
  if (position.startsWith(PARTIAL)) return { kind: 'partial', seconds: Number(position.slice(PARTIAL.length)) };
  return { kind: 'seconds', seconds: Number(position) };
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  switch (checkpoint.kind) {
    case 'cursor':
      return `${CURSOR}${checkpoint.cursor}`;
    case 'partial':
      return `${PARTIAL}${checkpoint.seconds}`;
    case 'seconds':
      return String(checkpoint.seconds);
  }
}

/** How far a checkpoint has reached, as an ISO time; null for a cursor (or anything not whole seconds). */
export function reachedOf(position: string): string | null {
  const seconds = position.startsWith(PARTIAL) ? position.slice(PARTIAL.length) : position;
  return /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000).toISOString() : null;
}

/** The start of `syncStart`'s day in the tenant's zone, in Unix seconds. */
export function syncStartSeconds(tenant: Pick<StoredTenant, 'syncStart' | 'timeZone'>): number {
  return Math.floor(DateTime.fromISO(tenant.syncStart, { zone: tenant.timeZone }).startOf('day').toSeconds());
}

/** Where a stream without a checkpoint starts: agents from the beginning (their records predate any sync start), the rest at the sync start. */
export function initialPosition(stream: Stream, tenant: Pick<StoredTenant, 'syncStart' | 'timeZone'>): string {
  return stream === 'users' ? '0' : String(syncStartSeconds(tenant));
}

/**
 * The rating lookback rule: a run after a finished one (plain seconds T) starts
 * RATING_LOOKBACK_S before T, never before the sync start, to see re-ratings; a run
 * resumed from `partial:T` continues at T, so it always progresses. `reached` is what
 * the run never ends below.
 */
export function ratingRunStart(position: string, syncStartS: number): { start: number; reached: number } {
  const checkpoint = parseCheckpoint(position);
  const reached = checkpoint.kind === 'cursor' ? Number.NaN : checkpoint.seconds;
  const start = checkpoint.kind === 'partial' ? reached : Math.max(syncStartS, reached - RATING_LOOKBACK_S);
  return { start, reached };
}

/** A rating page's checkpoint: what it reached, never less than where the last run ended; plain seconds once at the end. */
export function ratingCheckpoint(pageSeconds: number, reached: number, endOfStream: boolean): string {
  const at = Math.max(pageSeconds, reached);
  return formatCheckpoint(endOfStream ? { kind: 'seconds', seconds: at } : { kind: 'partial', seconds: at });
}
