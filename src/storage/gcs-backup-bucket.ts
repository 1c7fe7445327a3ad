/**
 * A region's Cloud Storage bucket as backups and the purge ledger use it (docs/backup.md):
 * small objects whole, the data object as a resumable upload and a read pinned to one
 * generation. Only the region's own bucket is ever handed to its backups.
 */
import type { Writable } from 'node:stream';
import type { Bucket } from '@google-cloud/storage';
import { StoreError } from '../shared/errors.js';
import { gcsStatusOf } from './create-gcs-storage.js';
import type { BackupBucket, BucketObject } from '../backup/backup-ports.js';

export interface GcsBackupBucketOptions {
  /** Create the bucket when it is missing: only against an emulator (fake-gcs-server), never in production. */
  readonly createMissingBucket: boolean;
  /** The variable that names the bucket, e.g. TALLY_EU_BUCKET. */
  readonly variable: string;
}

export class GcsBackupBucket implements BackupBucket {
  constructor(
    private readonly bucket: Bucket,
    private readonly options: GcsBackupBucketOptions,
  ) {}

  get variable(): string {
    return this.options.variable;
  }

  async list(prefix: string): Promise<BucketObject[]> {
    try {
      const [files] = await this.bucket.getFiles({ prefix, autoPaginate: true });
      return files.map((file) => ({ name: file.name, size: Number(file.metadata.size ?? 0), generation: String(file.metadata.generation ?? '') }));
    } catch (error) {
      if (gcsStatusOf(error) === 404) return [];
      throw this.failure('list', error);
    }
  }

  async read(name: string): Promise<Buffer | null> {
    try {
      const [contents] = await this.bucket.file(name).download();
      return contents;
    } catch (error) {
      if (gcsStatusOf(error) === 404) return null;
      throw this.failure('read', error);
    }
  }

  async *stream(object: BucketObject): AsyncIterable<Uint8Array> {
    const file = this.bucket.file(object.name, object.generation === '' ? {} : { generation: Number(object.generation) });
    // The checksum is ours (each frame's SHA-256 in the manifest), checked as frames arrive.
    const stream = file.createReadStream({ validation: false });
    try {
      for await (const part of stream) yield part as Uint8Array;
    } catch (error) {
      throw this.failure('read', error);
    }
  }

  async write(name: string, body: Uint8Array, contentType: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.bucket.file(name).save(Buffer.from(body), { resumable: false, contentType });
        return;
      } catch (error) {
        if (gcsStatusOf(error) === 404 && attempt === 0) {
          if (!this.options.createMissingBucket) throw this.missing();
          await this.create();
          continue;
        }
        throw this.failure('write', error);
      }
    }
  }

  upload(name: string): Writable {
    return this.bucket.file(name).createWriteStream({ resumable: true, contentType: 'application/octet-stream', validation: false });
  }

  async delete(name: string): Promise<void> {
    try {
      await this.bucket.file(name).delete({ ignoreNotFound: true });
    } catch (error) {
      throw this.failure('delete', error);
    }
  }

  private missing(): StoreError {
    return new StoreError('BACKUP_BUCKET_MISSING', `bucket ${this.bucket.name} does not exist: create it in the region, or set ${this.options.variable} to the region's bucket`);
  }

  private async create(): Promise<void> {
    try {
      await this.bucket.create();
    } catch (error) {
      if (gcsStatusOf(error) !== 409) throw this.failure('write', error); // 409: another process made it
    }
  }

  private failure(action: string, cause: unknown): StoreError {
    const status = gcsStatusOf(cause);
    const what = status === undefined ? 'unreachable' : `HTTP ${status}`;
    return new StoreError('BACKUP_BUCKET_UNAVAILABLE', `could not ${action} in bucket ${this.bucket.name} (${what}): check Cloud Storage and ${this.options.variable}`, {
      retryable: status === undefined || status === 429 || status >= 500,
      cause,
    });
  }
}

