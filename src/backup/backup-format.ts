/**
 * The backup data object's format (docs/backup.md#format). Pure: bytes in, bytes out.
 *
 *   "TALLYBK1"                          8 bytes
 *   u32 header length, header JSON      BackupHeader: the wrapped data key, unencrypted
 *   frames, each:
 *     u32 length of what follows
 *     u16 meta length, meta JSON        ChunkMeta {i, c, n, end}
 *     sealed blob                        src/crypto/sealed-blob.ts: gzip of the chunk's
 *                                        documents as BSON, one after the other
 *
 * Each chunk is sealed under the backup's own data key with the region, the backup id
 * and the meta bytes as its context, so a chunk moved to another place, another backup
 * or another region fails authentication; the meta's index catches a chunk dropped or
 * moved within the object, the end frame a cut at a frame boundary, and the manifest
 * (written last) lists every frame's SHA-256 under a MAC of the same key.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { BSON, type Document } from 'mongodb';
import { type BackupHeader, BackupHeaderSchema, type BackupManifest, type ChunkMeta, ChunkMetaSchema } from '../../schemas/backup.js';
import { CryptoError, StoreError } from '../shared/errors.js';
import { open, seal } from '../crypto/sealed-blob.js';

export const MAGIC = Buffer.from('TALLYBK1', 'ascii');
/** Raw BSON gathered before a chunk is compressed and sealed. */
export const CHUNK_RAW_BYTES = 1024 * 1024;
/** A frame larger than this is not one tally wrote (a chunk is at most one large document over CHUNK_RAW_BYTES). */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

export const backupKeyId = (backupId: string): string => `backup:${backupId}`;
/** The KMS additional data of a backup's data key: it unwraps only for this region and backup. */
export const backupKeyAad = (region: string, backupId: string): Buffer => Buffer.from(`tally/v1|backup-key|${region}|${backupId}`);
const chunkContext = (header: Pick<BackupHeader, 'region' | 'backupId'>, meta: Buffer) => `backup|${header.region}|${header.backupId}|${meta.toString('utf8')}`;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function encodeHeader(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(BackupHeaderSchema.parse(header)), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, length, json]);
}

/** One frame: `compressed` is the gzip of the chunk's BSON documents (empty for the end frame). */
export function encodeFrame(dataKey: Uint8Array, header: Pick<BackupHeader, 'region' | 'backupId'>, meta: ChunkMeta, compressed: Uint8Array): Buffer {
  const metaBytes = Buffer.from(JSON.stringify(ChunkMetaSchema.parse(meta)), 'utf8');
  const blob = seal(dataKey, backupKeyId(header.backupId), compressed, chunkContext(header, metaBytes));
  const prefix = Buffer.alloc(6);
  prefix.writeUInt32BE(2 + metaBytes.length + blob.length, 0);
  prefix.writeUInt16BE(metaBytes.length, 4);
  return Buffer.concat([prefix, metaBytes, blob]);
}

/** The documents of a chunk's payload, as stored: Binary as Buffers, the way the store's reads promote them. */
export function deserialiseDocuments(payload: Buffer): Document[] {
  const documents: Document[] = [];
  for (let offset = 0; offset < payload.length; ) {
    if (offset + 4 > payload.length) throw tampered('a chunk ends inside a document');
    const length = payload.readInt32LE(offset);
    if (length < 5 || offset + length > payload.length) throw tampered('a chunk holds a document of impossible length');
    documents.push(BSON.deserialize(payload.subarray(offset, offset + length), { promoteBuffers: true }));
    offset += length;
  }
  return documents;
}

export type Frame =
  | { readonly kind: 'header'; readonly header: BackupHeader; readonly sha256: string; readonly bytes: number }
  | { readonly kind: 'chunk'; readonly meta: ChunkMeta; readonly metaBytes: Buffer; readonly blob: Buffer; readonly sha256: string; readonly bytes: number };

/**
 * The frames of a data object as its bytes arrive, the header first. Memory holds at most
 * one frame. An object that ends inside a frame, or before its end frame, is BACKUP_TRUNCATED.
 */
export async function* readFrames(source: AsyncIterable<Uint8Array>): AsyncGenerator<Frame> {
  const reader = new ByteReader(source);
  const magic = await reader.take(MAGIC.length);
  if (magic === null) throw truncated('the data object is empty');
  if (!magic.equals(MAGIC)) throw tampered('the data object does not start as a tally backup');
  const headerLength = await reader.take(4);
  if (headerLength === null) throw truncated('the data object ends inside its header');
  const length = headerLength.readUInt32BE(0);
  if (length > MAX_HEADER_BYTES) throw tampered('the header is longer than any tally writes');
  const json = await reader.take(length);
  if (json === null) throw truncated('the data object ends inside its header');
  let header: BackupHeader;
  try {
    header = BackupHeaderSchema.parse(JSON.parse(json.toString('utf8')));
  } catch (error) {
    throw tampered('the header is not one tally writes', error);
  }
  yield { kind: 'header', header, sha256: sha256(Buffer.concat([magic, headerLength, json])), bytes: MAGIC.length + 4 + length };
  let ended = false;
  for (;;) {
    const prefix = await reader.take(4);
    if (prefix === null) break;
    if (ended) throw tampered('the data object goes on after its end frame');
    const frameLength = prefix.readUInt32BE(0);
    if (frameLength < 2 || frameLength > MAX_FRAME_BYTES) throw tampered('a frame has a length no tally frame has');
    const body = await reader.take(frameLength);
    if (body === null) throw truncated('the data object ends inside a chunk');
    const metaLength = body.readUInt16BE(0);
    if (2 + metaLength > body.length) throw tampered('a frame has a meta length beyond the frame');
    const metaBytes = body.subarray(2, 2 + metaLength);
    let meta: ChunkMeta;
    try {
      meta = ChunkMetaSchema.parse(JSON.parse(metaBytes.toString('utf8')));
    } catch (error) {
      throw tampered('a chunk’s description is not one tally writes', error);
    }
    ended = meta.end;
    yield { kind: 'chunk', meta, metaBytes, blob: body.subarray(2 + metaLength), sha256: sha256(Buffer.concat([prefix, body])), bytes: 4 + frameLength };
  }
  if (!ended) throw truncated('the data object ends before its end frame');
}

/** Opens a chunk's sealed blob (its gzip payload); a blob altered or moved is BACKUP_TAMPERED. */
export function openFrame(dataKey: Uint8Array, header: BackupHeader, frame: Extract<Frame, { kind: 'chunk' }>): Buffer {
  try {
    return open(dataKey, frame.blob, chunkContext(header, frame.metaBytes));
  } catch (error) {
    if (error instanceof CryptoError) throw tampered(`chunk ${frame.meta.i} failed authentication`, error);
    throw error;
  }
}

/** The manifest's MAC key: HKDF of the data key, so only the one who could unwrap the key can forge it. */
function manifestKey(dataKey: Uint8Array, backupId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from('tally/v1'), Buffer.from(`backup-manifest|${backupId}`), 32));
}

export function manifestMac(dataKey: Uint8Array, manifest: Omit<BackupManifest, 'mac'>): string {
  return createHmac('sha256', manifestKey(dataKey, manifest.backupId)).update(canonicalJson(manifest)).digest('hex');
}

/** JSON with object keys sorted at every level: the same fields give the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const tampered = (why: string, cause?: unknown) =>
  new StoreError('BACKUP_TAMPERED', `the backup was altered or damaged: ${why}; nothing was restored`, cause === undefined ? {} : { cause });
export const truncated = (why: string) => new StoreError('BACKUP_TRUNCATED', `the backup is cut short: ${why}; nothing was restored`);
export const chunkMissing = (expected: number, found: number) =>
  new StoreError('BACKUP_CHUNK_MISSING', `chunk ${expected} of the backup is missing or out of order (found chunk ${found} in its place); nothing was restored`);

/** Takes exact byte counts from a stream of buffers, holding no more than the frame asked for. */
class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private parts: Buffer[] = [];
  private buffered = 0;
  private done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** `count` bytes, or null at a clean end; an end inside them is BACKUP_TRUNCATED. */
  async take(count: number): Promise<Buffer | null> {
    while (this.buffered < count && !this.done) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const part = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.parts.push(part);
      this.buffered += part.length;
    }
    if (this.buffered === 0 && this.done) return null;
    if (this.buffered < count) throw truncated('the data object ends inside a frame');
    const all = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.parts = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    // A copy: the rest of a large read would otherwise stay alive with it.
    return Buffer.from(taken);
  }
}
