/** A region's backups as its bucket holds them, and their retention (docs/backup.md#list-and-retention). */
import { type BackupManifest, BackupManifestSchema, type BackupStarted, BackupStartedSchema } from '../../schemas/backup.js';
import type { CollectionCounts } from '../../schemas/records.js';
import { BACKUPS_PREFIX, backupIdOf, type BackupListing, backupsToRemove } from './backup-plan.js';
import type { BackupBucket } from './backup-ports.js';

/** What `tally backup list` shows of one backup. */
export interface BackupView {
  backupId: string;
  region: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** Bytes of all its objects. */
  bytes: number;
  complete: boolean;
  /** Documents per collection (complete backups only). */
  collections: CollectionCounts | null;
}

export async function listBackups(bucket: BackupBucket): Promise<BackupListing[]> {
  const byId = new Map<string, { bytes: number; names: Set<string> }>();
  for (const object of await bucket.list(BACKUPS_PREFIX)) {
    const id = backupIdOf(object.name);
    if (id === null) continue;
    const entry = byId.get(id) ?? { bytes: 0, names: new Set<string>() };
    entry.bytes += object.size;
    entry.names.add(object.name.slice(`${BACKUPS_PREFIX}${id}/`.length));
    byId.set(id, entry);
  }
  const listings: BackupListing[] = [];
  for (const [backupId, { bytes, names }] of [...byId].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const read = names.has('manifest.json') ? parsed(BackupManifestSchema, await bucket.read(`${BACKUPS_PREFIX}${backupId}/manifest.json`)) : null;
    // A manifest of another backup is not this one's: it stays incomplete (and a restore says why).
    const manifest = read?.backupId === backupId ? read : null;
    // The start is in the manifest; only an incomplete backup needs its marker read.
    const started = manifest === null && names.has('started.json') ? parsed(BackupStartedSchema, await bucket.read(`${BACKUPS_PREFIX}${backupId}/started.json`)) : null;
    listings.push({ backupId, objects: [...names].map((name) => `${BACKUPS_PREFIX}${backupId}/${name}`), started, manifest, bytes });
  }
  return listings;
}

export function viewOf(listing: BackupListing): BackupView {
  const manifest: BackupManifest | null = listing.manifest;
  const started: BackupStarted | null = listing.started;
  return {
    backupId: listing.backupId,
    region: manifest?.region ?? started?.region ?? null,
    startedAt: manifest?.startedAt ?? started?.startedAt ?? null,
    completedAt: manifest?.completedAt ?? null,
    bytes: listing.bytes,
    complete: manifest !== null,
    collections: manifest?.collections ?? null,
  };
}

/** Removes what backupsToRemove names; returns them and the start of the oldest complete backup kept. */
export async function applyBackupRetention(bucket: BackupBucket, keep: number, now: Date): Promise<{ removed: string[]; oldestKept: Date | null }> {
  const listings = await listBackups(bucket);
  const removed = backupsToRemove(listings, keep, now);
  for (const listing of listings.filter((candidate) => removed.includes(candidate.backupId))) {
    // The manifest first: a removal cut short leaves an incomplete backup, never a complete one missing data.
    const names = [...listing.objects].sort((a, b) => (a.endsWith('manifest.json') ? -1 : b.endsWith('manifest.json') ? 1 : 0));
    for (const name of names) await bucket.delete(name);
  }
  const kept = listings.filter((listing) => listing.manifest !== null && !removed.includes(listing.backupId));
  const oldest = kept.map((listing) => Date.parse((listing.manifest as BackupManifest).startedAt)).sort((a, b) => a - b)[0];
  return { removed, oldestKept: oldest === undefined ? null : new Date(oldest) };
}

function parsed<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, body: Buffer | null): T | null {
  if (body === null) return null;
  try {
    const result = schema.safeParse(JSON.parse(body.toString('utf8')));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
