/**
 * One backup of a region (docs/backup.md#backup): every collection of BACKUP_COLLECTIONS,
 * streamed from the database cursor through BSON, gzip and sealing into one resumable
 * upload to the region's own bucket, with a fresh data key wrapped by the region's KMS
 * key. The manifest goes last: until it exists the backup is incomplete and is never
 * restored. Then the oldest complete backups beyond `keep` go, and the ledger entries
 * no kept backup needs.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { BACKUP_FORMAT, type BackupManifest, BackupManifestSchema, BackupStartedSchema } from '../../schemas/backup.js';
import type { CollectionCounts } from '../../schemas/records.js';
import type { KeyWrapper } from '../crypto/key-wrapper.js';
import { DATA_KEY_BYTES } from '../crypto/sealed-blob.js';
import { StoreError } from '../shared/errors.js';
import { BACKUP_COLLECTIONS, backupObjects, newBackupId, LEDGER_SKEW_MS } from './backup-plan.js';
import { backupKeyAad, CHUNK_RAW_BYTES, encodeFrame, encodeHeader, manifestMac, sha256 } from './backup-format.js';
import type { BackupBucket, PurgeLedger, RegionDump } from './backup-ports.js';
import { applyBackupRetention } from './list-backups.js';

const compress = promisify(gzip);

export interface BackupDeps {
  readonly region: string;
  readonly bucket: BackupBucket;
  readonly dump: RegionDump;
  readonly wrapper: KeyWrapper;
  readonly ledger: Pick<PurgeLedger, 'prune'>;
  /** Complete backups kept (TALLY_BACKUP_KEEP). */
  readonly keep: number;
  readonly now: () => Date;
  readonly tallyVersion: string;
  /** Aborted (a worker shutting down): the backup stops at its next chunk and stays incomplete. */
  readonly signal?: AbortSignal;
}

export interface BackupReceipt {
  backupId: string;
  region: string;
  startedAt: string;
  completedAt: string;
  collections: CollectionCounts;
  chunks: number;
  /** Bytes of the data object (compressed and sealed). */
  dataBytes: number;
  /** Bytes of the documents as BSON. */
  rawBytes: number;
  /** Backups the retention removed (oldest complete beyond keep, and day-old incomplete ones). */
  removed: string[];
  ledgerEntriesPruned: number;
}

export async function runBackup(deps: BackupDeps): Promise<BackupReceipt> {
  const startedAt = deps.now();
  const backupId = newBackupId(startedAt);
  const objects = backupObjects(backupId);
  const started = BackupStartedSchema.parse({ format: BACKUP_FORMAT, backupId, region: deps.region, startedAt: startedAt.toISOString(), tallyVersion: deps.tallyVersion });
  // First, so a backup cut short shows as incomplete (and the bucket is made, against an emulator).
  await deps.bucket.write(objects.started, Buffer.from(JSON.stringify(started)), 'application/json');

  const dataKey = randomBytes(DATA_KEY_BYTES);
  const wrapped = await deps.wrapper.wrap(dataKey, backupKeyAad(deps.region, backupId));
  const header = {
    format: BACKUP_FORMAT,
    backupId,
    region: deps.region,
    startedAt: started.startedAt,
    wrappedKey: Buffer.from(wrapped.ciphertext).toString('base64'),
    keyVersion: wrapped.keyVersion,
  } as const;
  const headerBytes = encodeHeader(header);
  const upload = deps.bucket.upload(objects.data);
  // An upload failing while nothing is written is reported by the next write or the finish.
  upload.on('error', () => undefined);
  const chunks: BackupManifest['chunks'] = [];
  const collections: CollectionCounts = {};
  let dataBytes = headerBytes.length;
  let rawBytes = 0;
  try {
    await write(upload, headerBytes);
    const emit = async (collection: string, raw: Buffer, count: number, end = false) => {
      if (deps.signal?.aborted) throw new StoreError('BACKUP_INTERRUPTED', 'the process is stopping');
      const meta = { i: chunks.length, c: collection, n: count, end };
      const frame = encodeFrame(dataKey, header, meta, end ? Buffer.alloc(0) : await compress(raw));
      await write(upload, frame);
      chunks.push({ index: meta.i, collection, documents: count, bytes: frame.length, sha256: sha256(frame) });
      dataBytes += frame.length;
      rawBytes += raw.length;
    };
    // One buffer, reused for every chunk: documents are copied in as they arrive, so
    // nothing of the driver's replies stays alive and memory is the same for any size.
    const chunk = Buffer.allocUnsafe(CHUNK_RAW_BYTES);
    for (const { name, ...rest } of BACKUP_COLLECTIONS) {
      const filter = 'filter' in rest ? rest.filter : undefined;
      collections[name] = 0;
      let used = 0;
      let count = 0;
      for await (const batch of deps.dump.documents(name, filter)) {
        for (const document of batch) {
          if (used > 0 && used + document.length > chunk.length) {
            await emit(name, chunk.subarray(0, used), count);
            used = 0;
            count = 0;
          }
          collections[name]++;
          if (document.length > chunk.length) {
            // A document larger than a chunk (none is, in practice) goes alone.
            await emit(name, Buffer.from(document), 1);
            continue;
          }
          chunk.set(document, used);
          used += document.length;
          count++;
        }
      }
      if (count > 0) await emit(name, chunk.subarray(0, used), count);
    }
    await emit('', Buffer.alloc(0), 0, true);
    upload.end();
    await finished(upload);
  } catch (error) {
    upload.destroy();
    throw new StoreError(error instanceof StoreError ? error.code : 'BACKUP_BUCKET_UNAVAILABLE', `backup ${backupId} of region ${deps.region} failed and stays incomplete: ${messageOf(error)}`, {
      retryable: true,
      cause: error,
    });
  }

  const completedAt = deps.now();
  const unsigned: Omit<BackupManifest, 'mac'> = {
    format: BACKUP_FORMAT,
    backupId,
    region: deps.region,
    tallyVersion: deps.tallyVersion,
    startedAt: started.startedAt,
    completedAt: completedAt.toISOString(),
    collections,
    chunks,
    headerSha256: sha256(headerBytes),
    dataBytes,
    rawBytes,
  };
  const manifest = BackupManifestSchema.parse({ ...unsigned, mac: manifestMac(dataKey, unsigned) });
  dataKey.fill(0);
  await deps.bucket.write(objects.manifest, Buffer.from(JSON.stringify(manifest, null, 1)), 'application/json');

  const retention = await applyBackupRetention(deps.bucket, deps.keep, completedAt);
  const ledgerEntriesPruned = retention.oldestKept === null ? 0 : await deps.ledger.prune(new Date(retention.oldestKept.getTime() - LEDGER_SKEW_MS));
  return {
    backupId,
    region: deps.region,
    startedAt: started.startedAt,
    completedAt: manifest.completedAt,
    collections,
    chunks: chunks.length,
    dataBytes,
    rawBytes,
    removed: retention.removed,
    ledgerEntriesPruned,
  };
}

/** Writes with the upload's backpressure: memory holds at most a chunk or two in flight. */
async function write(upload: Writable, bytes: Buffer): Promise<void> {
  if (!upload.write(bytes)) await once(upload, 'drain');
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
