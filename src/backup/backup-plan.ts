/**
 * What a backup holds and what a restore and the backup retention do (docs/backup.md). Pure.
 */
import { randomBytes } from 'node:crypto';
import type { BackupManifest, BackupStarted } from '../../schemas/backup.js';

/**
 * The collections a backup copies, in the order it reads them, and what it leaves out.
 * Cursors come first: every other collection is read after them, so a sync after a
 * restore re-reads at least what was written while the backup ran, and its idempotent
 * writes and bucket recomputes (docs/architecture.md#daily-buckets) make the rest agree.
 *
 * Left out, and why (docs/backup.md#what-a-backup-holds):
 * - `agents` and every agent data key: names and emails come back from Zendesk's users
 *   stream, whose cursor a restore resets; a purge's shredded key is then in no backup.
 * - `agent_directory`: the version of the agents just left out.
 * - `rollups` and `bucket_days`: caches of the daily buckets, rebuilt on the first read.
 */
export const BACKUP_COLLECTIONS = [
  { name: 'cursors' },
  { name: 'tenants' },
  { name: 'keys', filter: { kind: 'tenant' } },
  { name: 'tickets' },
  { name: 'dimensions' },
  { name: 'api_keys' },
  { name: 'people' },
  { name: 'facts' },
  { name: 'stale_buckets' },
  { name: 'daily' },
  { name: 'quarantine' },
  { name: 'audit' },
  { name: 'suppressions' },
  { name: 'purges' },
  { name: 'offboardings' },
] as const satisfies readonly { name: string; filter?: Record<string, string> }[];

export type BackupCollection = (typeof BACKUP_COLLECTIONS)[number]['name'];

export const LEFT_OUT = ['agents', 'agent_directory', 'rollups', 'bucket_days'] as const;

/** Object names under the region's bucket. */
export const backupObjects = (backupId: string) => ({
  prefix: `backups/${backupId}/`,
  started: `backups/${backupId}/started.json`,
  data: `backups/${backupId}/data.tbk`,
  manifest: `backups/${backupId}/manifest.json`,
});

export const BACKUPS_PREFIX = 'backups/';

/** The backup id of an object under backups/, or null. */
export function backupIdOf(objectName: string): string | null {
  const match = /^backups\/([^/]+)\//.exec(objectName);
  return match?.[1] ?? null;
}

/** A time as ids and object names carry it: `20261203T020000123Z`, sortable as text. */
export function compactTime(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/** The time (ms) at the start of `text` in compactTime's form, or NaN. */
export function parseCompactTime(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(text);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s, ms] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
}

export function newBackupId(at: Date): string {
  return `${compactTime(at)}-${randomBytes(4).toString('hex')}`;
}

/** One backup as the bucket shows it. */
export interface BackupListing {
  readonly backupId: string;
  /** Its objects' names. */
  readonly objects: readonly string[];
  readonly started: BackupStarted | null;
  readonly manifest: BackupManifest | null;
  /** Bytes of every object of the backup. */
  readonly bytes: number;
}

/** Incomplete backups older than this are removed by the retention (no run takes a day). */
export const INCOMPLETE_AFTER_MS = 24 * 3600 * 1000;

/**
 * Which backups the retention removes: complete ones beyond the newest `keep`, and
 * incomplete ones (no manifest: cut short) started a day ago or more. The newest
 * complete backups are never removed, however old.
 */
export function backupsToRemove(listings: readonly BackupListing[], keep: number, now: Date): string[] {
  const complete = listings.filter((listing) => listing.manifest !== null).sort((a, b) => (a.backupId < b.backupId ? 1 : -1));
  const remove = complete.slice(keep).map((listing) => listing.backupId);
  for (const listing of listings) {
    if (listing.manifest !== null) continue;
    const started = Date.parse(listing.started?.startedAt ?? '') || startedAtOfId(listing.backupId);
    if (now.getTime() - started >= INCOMPLETE_AFTER_MS) remove.push(listing.backupId);
  }
  return remove;
}

/** The start time an id carries (its first part), in ms. */
export const startedAtOfId = (backupId: string): number => parseCompactTime(backupId);

/**
 * Clocks of the processes that purge and the one that backs up may differ: entries
 * completed up to this long before a backup started are re-applied too (doing a purge
 * again changes nothing when it is already in the backup).
 */
export const LEDGER_SKEW_MS = 10 * 60 * 1000;

/** Whether a ledger entry completed at `completedAt` must be re-applied onto a backup started at `startedAt`. */
export function reappliesOnto(completedAt: Date, backupStartedAt: Date): boolean {
  return completedAt.getTime() >= backupStartedAt.getTime() - LEDGER_SKEW_MS;
}
