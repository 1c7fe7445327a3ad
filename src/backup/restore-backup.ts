/**
 * Restoring a region's backup into an empty database (docs/backup.md#restore). The whole
 * data object is read and checked first (header, manifest MAC, every frame's hash,
 * index and authentication, every count) before anything is written; then it is read
 * again, pinned to the same object generation, and written. Then the users streams'
 * positions are reset (names and emails come back from Zendesk), the indexes made, and
 * every purge ledger entry completed since the backup began is applied again. Anything
 * failing after the first write drops what was written: the target is left empty.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Document } from 'mongodb';
import { type BackupHeader, BackupIdSchema, type BackupManifest, BackupManifestSchema } from '../../schemas/backup.js';
import type { CollectionCounts } from '../../schemas/records.js';
import type { KeyWrapper } from '../crypto/key-wrapper.js';
import { AppError, InputError, StoreError } from '../shared/errors.js';
import { backupObjects, reappliesOnto } from './backup-plan.js';
import { backupKeyAad, chunkMissing, deserialiseDocuments, type Frame, manifestMac, openFrame, readFrames, tampered, truncated } from './backup-format.js';
import type { BackupBucket, BucketObject, PurgeLedger, RestoreTarget } from './backup-ports.js';
import { reapplyLedgerEntry, type ReapplyStores } from './reapply-ledger.js';
import { sameMac as sameHex } from '../audit/audit-chain.js';

const decompress = promisify(gunzip);

export interface RestoreDeps {
  readonly region: string;
  readonly bucket: BackupBucket;
  readonly wrapper: KeyWrapper;
  /** The region's ledger, in its bucket. */
  readonly ledger: Pick<PurgeLedger, 'entries'>;
  readonly target: RestoreTarget;
  /** The target's stores, for re-applying the ledger. */
  readonly targetStores: ReapplyStores;
  readonly now: () => Date;
}

export interface RestoreReceipt {
  backupId: string;
  region: string;
  backupStartedAt: string;
  restoredAt: string;
  /** Documents written per collection. */
  collections: CollectionCounts;
  /** Ledger entries applied again: purges and offboardings completed since the backup began. */
  reapplied: { purges: number; offboardings: number };
  /** Tenants whose users stream starts over (names and emails come back with the next sync). */
  usersCursorsReset: number;
}

export async function restoreBackup(deps: RestoreDeps, input: { backupId?: string | undefined }): Promise<RestoreReceipt> {
  const id = BackupIdSchema.safeParse(input.backupId);
  if (!id.success) throw new InputError('--backup', `--backup ${input.backupId === undefined ? 'is required' : 'is not a backup id'}: give an id from tally backup list --region ${deps.region}`);
  const backupId = id.data;
  const { manifest, data } = await locate(deps.bucket, deps.region, backupId);
  const nonEmpty = await deps.target.nonEmptyCollections();
  if (nonEmpty.length > 0) {
    throw new StoreError('BACKUP_TARGET_NOT_EMPTY', `the --into database is not empty (${nonEmpty.join(', ')} hold documents): restore only into a new, empty database`);
  }

  // The first pass writes nothing: every check, end to end.
  const dataKey = await verify(deps, manifest, data, () => undefined);
  const collections: CollectionCounts = {};
  try {
    await verify(deps, manifest, data, async (collection, documents) => {
      await deps.target.insert(collection, documents);
      collections[collection] = (collections[collection] ?? 0) + documents.length;
    }, dataKey);
    const usersCursorsReset = await deps.target.resetUsersCursors();
    await deps.target.ensureIndexes();
    const startedAt = new Date(manifest.startedAt);
    const reapplied = { purges: 0, offboardings: 0 };
    for (const entry of await deps.ledger.entries()) {
      if (entry.region !== deps.region || !reappliesOnto(new Date(entry.completedAt), startedAt)) continue;
      await reapplyLedgerEntry(deps.targetStores, entry);
      if (entry.kind === 'purge') reapplied.purges++;
      else reapplied.offboardings++;
    }
    for (const name of Object.keys(manifest.collections)) collections[name] ??= 0;
    return { backupId, region: deps.region, backupStartedAt: manifest.startedAt, restoredAt: deps.now().toISOString(), collections, reapplied, usersCursorsReset };
  } catch (error) {
    await deps.target.clear();
    if (error instanceof AppError) throw error;
    throw new StoreError('STORE_FAILED', `the restore of ${backupId} failed and what it wrote was removed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    dataKey.fill(0);
  }
}

/** The manifest and data object of a complete backup of this region. */
async function locate(bucket: BackupBucket, region: string, backupId: string): Promise<{ manifest: BackupManifest; data: BucketObject }> {
  const objects = backupObjects(backupId);
  const present = await bucket.list(objects.prefix);
  const data = present.find((object) => object.name === objects.data);
  const manifestBody = present.some((object) => object.name === objects.manifest) ? await bucket.read(objects.manifest) : null;
  if (present.length === 0) throw new StoreError('BACKUP_UNKNOWN', `no backup ${backupId} in region ${region}'s bucket: see tally backup list --region ${region}`);
  if (manifestBody === null) throw new StoreError('BACKUP_INCOMPLETE', `backup ${backupId} has no manifest: it was cut short (or is still running) and is never restored; restore a complete one`);
  if (data === undefined) throw truncated('the data object is missing');
  let manifest: BackupManifest;
  try {
    manifest = BackupManifestSchema.parse(JSON.parse(manifestBody.toString('utf8')));
  } catch (error) {
    throw new StoreError('BACKUP_MANIFEST_MISMATCH', `the manifest of ${backupId} is not one tally writes; nothing was restored`, { cause: error });
  }
  if (manifest.backupId !== backupId) {
    throw new StoreError('BACKUP_MANIFEST_MISMATCH', `the manifest stored for ${backupId} is another backup's; nothing was restored`);
  }
  if (manifest.region !== region) {
    throw new StoreError('BACKUP_REGION_MISMATCH', `backup ${backupId} was taken in region ${manifest.region}, not ${region}: restore it with its own region's configuration`);
  }
  return { manifest, data };
}

type Sink = (collection: string, documents: Document[]) => void | Promise<void>;

/**
 * Reads the data object frame by frame against the manifest; returns the data key. Every
 * chunk is opened and its documents counted; `sink` gets them (the second pass writes them).
 */
async function verify(deps: RestoreDeps, manifest: BackupManifest, data: BucketObject, sink: Sink, knownKey?: Buffer): Promise<Buffer> {
  let header: BackupHeader | undefined;
  let dataKey = knownKey;
  let index = 0;
  const counts: CollectionCounts = {};
  for await (const frame of readFrames(deps.bucket.stream(data))) {
    if (frame.kind === 'header') {
      header = frame.header;
      if (!sameHex(frame.sha256, manifest.headerSha256)) {
        throw new StoreError('BACKUP_MANIFEST_MISMATCH', `the manifest of ${manifest.backupId} does not describe its data object's header; nothing was restored`);
      }
      if (header.backupId !== manifest.backupId) throw new StoreError('BACKUP_MANIFEST_MISMATCH', `the data object of ${manifest.backupId} is another backup's; nothing was restored`);
      if (header.region !== deps.region) throw new StoreError('BACKUP_REGION_MISMATCH', `the data object was written in region ${header.region}, not ${deps.region}; nothing was restored`);
      dataKey ??= await unwrapKey(deps, header);
      const { mac, ...unsigned } = manifest;
      if (!sameHex(manifestMac(dataKey, unsigned), mac)) {
        throw new StoreError('BACKUP_MANIFEST_MISMATCH', `the manifest of ${manifest.backupId} was altered, or is not this backup's; nothing was restored`);
      }
      continue;
    }
    if (header === undefined || dataKey === undefined) throw tampered('a chunk came before the header');
    checkChunk(manifest, frame, index);
    if (frame.meta.end) {
      // Read on: anything after the end frame is refused by readFrames.
      index++;
      continue;
    }
    const payload = await decompressed(openFrame(dataKey, header, frame), frame.meta.i);
    const documents = deserialiseDocuments(payload);
    if (documents.length !== frame.meta.n) throw tampered(`chunk ${frame.meta.i} holds ${documents.length} documents, not ${frame.meta.n}`);
    counts[frame.meta.c] = (counts[frame.meta.c] ?? 0) + documents.length;
    await sink(frame.meta.c, documents);
    index++;
  }
  if (index !== manifest.chunks.length) throw truncated(`it has ${index} of the manifest's ${manifest.chunks.length} chunks`);
  for (const [collection, count] of Object.entries(manifest.collections)) {
    if ((counts[collection] ?? 0) !== count) throw tampered(`${collection} has ${counts[collection] ?? 0} documents, the manifest says ${count}`);
  }
  if (dataKey === undefined) throw truncated('the data object has no header');
  return dataKey;
}

function checkChunk(manifest: BackupManifest, frame: Extract<Frame, { kind: 'chunk' }>, index: number): void {
  if (frame.meta.i !== index) throw chunkMissing(index, frame.meta.i);
  const listed = manifest.chunks[index];
  if (listed === undefined) throw tampered(`chunk ${index} is not in the manifest`);
  if (!sameHex(listed.sha256, frame.sha256) || listed.bytes !== frame.bytes) throw tampered(`chunk ${index} does not match the manifest's hash`);
  if (listed.collection !== frame.meta.c || listed.documents !== frame.meta.n) throw tampered(`chunk ${index} is not the one the manifest lists`);
}

async function unwrapKey(deps: RestoreDeps, header: BackupHeader): Promise<Buffer> {
  try {
    return Buffer.from(await deps.wrapper.unwrap(Buffer.from(header.wrappedKey, 'base64'), backupKeyAad(deps.region, header.backupId)));
  } catch (error) {
    if (error instanceof AppError && error.retryable) throw error;
    throw new StoreError('BACKUP_REGION_MISMATCH', `the region's KMS key does not open backup ${header.backupId}'s data key: it was taken with another region's key, or its header was altered; nothing was restored`, {
      cause: error,
    });
  }
}

async function decompressed(compressed: Buffer, index: number): Promise<Buffer> {
  try {
    return await decompress(compressed);
  } catch (error) {
    throw tampered(`chunk ${index} does not decompress`, error);
  }
}
