/**
 * Audit chain heads as small JSON objects in the region's Cloud Storage bucket
 * (README "Privacy operations", audit log). A head is replaced only with a
 * generation precondition on the object that was read, so two appenders racing
 * cannot move it backwards: the loser rereads and decides again.
 */
import type { Bucket } from '@google-cloud/storage';
import { type AuditHead, AuditHeadSchema } from '../../schemas/audit-head.js';
import { StoreError } from '../shared/errors.js';
import { gcsStatusOf } from './create-gcs-storage.js';
import type { AuditHeadStore } from '../store/ports.js';

const ADVANCE_ATTEMPTS = 20;

export interface GcsAuditHeadsOptions {
  /** Create the bucket when it is missing: only against an emulator (fake-gcs-server), never in production. */
  readonly createMissingBucket: boolean;
  /** The variable that names the bucket, for error messages, e.g. TALLY_US_BUCKET. */
  readonly bucketVariable: string;
}

export class GcsAuditHeads implements AuditHeadStore {
  constructor(
    private readonly bucket: Bucket,
    private readonly options: GcsAuditHeadsOptions,
  ) {}

  async read(name: string): Promise<AuditHead | null> {
    return (await this.readWithGeneration(name))?.head ?? null;
  }

  async advance(name: string, next: AuditHead, accept: (current: AuditHead | null) => Promise<boolean>): Promise<boolean> {
    const body = JSON.stringify(AuditHeadSchema.parse(next));
    for (let attempt = 0; attempt < ADVANCE_ATTEMPTS; attempt++) {
      const current = await this.readWithGeneration(name);
      if (!(await accept(current?.head ?? null))) return false;
      try {
        await this.bucket.file(name).save(body, {
          resumable: false,
          contentType: 'application/json',
          // 0: only if no object exists yet.
          preconditionOpts: { ifGenerationMatch: current?.generation ?? 0 },
        });
        return true;
      } catch (error) {
        const status = gcsStatusOf(error);
        if (status === 412) continue; // another appender wrote it since we read it
        if (status === 404) {
          // An upload answers 404 only for a missing bucket.
          if (!this.options.createMissingBucket) throw this.bucketMissing();
          await this.createBucket();
          continue;
        }
        throw this.failure('write', status, error);
      }
    }
    throw new StoreError('AUDIT_CONTENDED', 'could not move the audit chain head: too many concurrent appends; try again', { retryable: true });
  }

  async removeAll(prefix: string): Promise<void> {
    try {
      await this.bucket.deleteFiles({ prefix, force: true });
    } catch (error) {
      const status = gcsStatusOf(error);
      if (status === 404) return;
      throw this.failure('delete', status, error);
    }
  }

  /**
   * The generation is read before the contents: contents newer than that
   * generation only make the conditional write fail and retry, never succeed
   * over a head it did not see.
   */
  private async readWithGeneration(name: string): Promise<{ head: AuditHead; generation: number } | null> {
    const file = this.bucket.file(name);
    let generation: number;
    let contents: Buffer;
    try {
      const [metadata] = await file.getMetadata();
      generation = Number(metadata.generation);
      [contents] = await file.download();
    } catch (error) {
      const status = gcsStatusOf(error);
      if (status === 404) {
        await this.requireBucket();
        return null;
      }
      throw this.failure('read', status, error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(contents.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const head = AuditHeadSchema.safeParse(parsed);
    if (!head.success || !Number.isSafeInteger(generation)) {
      throw new StoreError('AUDIT_HEAD_INVALID', `the audit chain head ${name} in bucket ${this.bucket.name} is not a valid head object (format ${AuditHeadSchema.shape.format.value})`);
    }
    return { head: head.data, generation };
  }

  /** A missing object is "no head yet" only if the bucket exists: a missing bucket is a configuration error. */
  private async requireBucket(): Promise<void> {
    if (this.options.createMissingBucket) return;
    let exists: boolean;
    try {
      [exists] = await this.bucket.exists();
    } catch (error) {
      throw this.failure('read', gcsStatusOf(error), error);
    }
    if (!exists) throw this.bucketMissing();
  }

  private bucketMissing(): StoreError {
    return new StoreError('AUDIT_BUCKET_MISSING', `bucket ${this.bucket.name} does not exist: create it, or set ${this.options.bucketVariable} to the region's bucket`);
  }

  private async createBucket(): Promise<void> {
    try {
      await this.bucket.create();
    } catch (error) {
      if (gcsStatusOf(error) !== 409) throw this.failure('write', gcsStatusOf(error), error); // 409: another process made it
    }
  }

  private failure(action: 'read' | 'write' | 'delete', status: number | undefined, cause: unknown): StoreError {
    const what = status === undefined ? 'unreachable' : `HTTP ${status}`;
    return new StoreError('AUDIT_HEAD_UNAVAILABLE', `could not ${action} the audit chain head in bucket ${this.bucket.name} (${what}): check Cloud Storage and ${this.options.bucketVariable}`, {
      retryable: status === undefined || status === 429 || status >= 500,
      cause,
    });
  }
}

