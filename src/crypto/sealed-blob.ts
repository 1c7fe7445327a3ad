/**
 * The one format for data sealed at rest (agent names and emails, Zendesk
 * credentials, wrapped agent keys): AES-256-GCM under a 256-bit data key.
 *
 *   offset   size  field
 *   0        1     format version, 1
 *   1        1     key id length L, 1..255
 *   2        L     key id, UTF-8: names the data key that sealed it (not secret)
 *   2+L      12    nonce, random per blob
 *   14+L     n     ciphertext
 *   end-16   16    GCM tag
 *
 * Authenticated but not stored: the context (e.g. `tenant|agent|field`) and the
 * header bytes, so a blob cannot move to another record, field or key id unnoticed.
 * Pure: no I/O, no clock.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoError } from '../shared/errors.js';

export const SEALED_BLOB_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export function seal(key: Uint8Array, keyId: string, plaintext: Uint8Array, context: string): Buffer {
  requireKey(key);
  const id = Buffer.from(keyId, 'utf8');
  if (id.length < 1 || id.length > 255) throw new Error('a key id is 1 to 255 bytes of UTF-8');
  const header = Buffer.concat([Buffer.from([SEALED_BLOB_VERSION, id.length]), id]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.concat([header, Buffer.from(context, 'utf8')]));
  return Buffer.concat([header, nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The key id a blob names, read without opening it. */
export function sealedKeyId(blob: Uint8Array): string {
  return parse(blob).keyId;
}

export function open(key: Uint8Array, blob: Uint8Array, context: string): Buffer {
  requireKey(key);
  const { header, keyId, nonce, ciphertext, tag } = parse(blob);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.concat([header, Buffer.from(context, 'utf8')]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new CryptoError(
      'CRYPTO_TAMPERED',
      `a sealed value under key ${keyId} failed authentication: it was altered, or belongs to another record or field`,
      { cause: error },
    );
  }
}

function parse(blob: Uint8Array) {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const formatError = (why: string) => new CryptoError('CRYPTO_FORMAT', `not a sealed value this version reads: ${why}`);
  if (bytes.length < 2) throw formatError('too short');
  if (bytes[0] !== SEALED_BLOB_VERSION) throw formatError(`format version ${bytes[0]}`);
  const idLength = bytes[1] as number;
  const bodyStart = 2 + idLength + NONCE_BYTES;
  if (idLength === 0 || bytes.length < bodyStart + TAG_BYTES) throw formatError('truncated');
  return {
    header: bytes.subarray(0, 2 + idLength),
    keyId: bytes.subarray(2, 2 + idLength).toString('utf8'),
    nonce: bytes.subarray(2 + idLength, bodyStart),
    ciphertext: bytes.subarray(bodyStart, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}

function requireKey(key: Uint8Array): void {
  if (key.length !== DATA_KEY_BYTES) throw new Error(`a data key is ${DATA_KEY_BYTES} bytes`);
}
