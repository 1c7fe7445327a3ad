/**
 * The objects a region's backups and purge ledger keep in that region's bucket
 * (docs/backup.md): the started marker, the data object's header and chunk frames,
 * the manifest written last, and the ledger's sealed entries.
 */
import { z } from 'zod';
import { RegionIdSchema } from './config.js';
import { CollectionCountsSchema, TenantIdSchema } from './records.js';

export const BACKUP_FORMAT = 1;

/** `20261203T081500123Z-1a2b3c4d`: sortable by time, unique per run. */
export const BackupIdSchema = z.string().regex(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/, 'must be a backup id as tally backup list shows it, e.g. 20261203T081500123Z-1a2b3c4d');
export type BackupId = z.infer<typeof BackupIdSchema>;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

/** Written first: a backup with this and no manifest is incomplete (cut short, or still running). */
export const BackupStartedSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  backupId: BackupIdSchema,
  region: RegionIdSchema,
  startedAt: z.iso.datetime(),
  tallyVersion: z.string().min(1),
});
export type BackupStarted = z.infer<typeof BackupStartedSchema>;

/** The data object's header (in its first frame, unencrypted): what opens the chunks. */
export const BackupHeaderSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  backupId: BackupIdSchema,
  region: RegionIdSchema,
  startedAt: z.iso.datetime(),
  /** The backup's data key, wrapped by the region's KMS key (base64). */
  wrappedKey: z.string().min(1),
  keyVersion: z.string().min(1),
});
export type BackupHeader = z.infer<typeof BackupHeaderSchema>;

/** What each chunk frame says of itself; authenticated with the chunk. */
export const ChunkMetaSchema = z.strictObject({
  /** 0, 1, 2 … in the order written. */
  i: z.number().int().nonnegative(),
  /** The collection, or '' on the end frame. */
  c: z.string().max(64),
  /** Documents in the chunk. */
  n: z.number().int().nonnegative(),
  /** The end frame: no documents, closes the object. */
  end: z.boolean(),
});
export type ChunkMeta = z.infer<typeof ChunkMetaSchema>;

export const BackupChunkSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  collection: z.string().max(64),
  documents: z.number().int().nonnegative(),
  /** Bytes of the frame in the data object. */
  bytes: z.number().int().positive(),
  sha256: Sha256Schema,
});

export const BackupManifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  backupId: BackupIdSchema,
  region: RegionIdSchema,
  tallyVersion: z.string().min(1),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  /** Documents per collection. */
  collections: CollectionCountsSchema,
  /** Every frame of the data object after the header, in order; the last is the end frame. */
  chunks: z.array(BackupChunkSchema).min(1),
  headerSha256: Sha256Schema,
  dataBytes: z.number().int().positive(),
  /** Bytes before compression (documents as BSON). */
  rawBytes: z.number().int().nonnegative(),
  /** HMAC-SHA256 of every other field under the backup's manifest subkey (src/backup/backup-format.ts). */
  mac: Sha256Schema,
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

/**
 * One purge ledger entry (docs/backup.md#purge-ledger): ids only, what a restore needs to
 * do the purge or offboarding again. Sealed in the bucket, one object each.
 */
export const LedgerEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('purge'),
    region: RegionIdSchema,
    tenantId: TenantIdSchema,
    requestId: z.uuid(),
    completedAt: z.iso.datetime(),
    /** The suppression the purge filed, as stored. */
    suppression: z.strictObject({
      _id: z.string().min(1),
      zendeskUserId: z.number().int().positive().optional(),
      emailIndex: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      createdAt: z.iso.datetime(),
    }),
    /** The receipt as the purge stored it when done. */
    receipt: z.strictObject({
      requestedAt: z.iso.datetime(),
      requestedBy: z.string().min(1),
      found: z.boolean(),
      counts: CollectionCountsSchema,
      suppressionHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      verification: z.strictObject({ ok: z.boolean(), remaining: CollectionCountsSchema }).optional(),
    }),
  }),
  z.strictObject({
    kind: z.literal('offboarding'),
    region: RegionIdSchema,
    tenantId: TenantIdSchema,
    offboardingId: z.string().min(1),
    completedAt: z.iso.datetime(),
    requestedBy: z.string().min(1),
    startedAt: z.iso.datetime(),
    counts: CollectionCountsSchema,
  }),
]);
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** A sealed ledger object: its own data key, wrapped by the region's KMS key. */
export const SealedLedgerObjectSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  wrappedKey: z.string().min(1),
  keyVersion: z.string().min(1),
  /** The entry as a sealed blob (src/crypto/sealed-blob.ts), base64. */
  sealed: z.string().min(1),
});
