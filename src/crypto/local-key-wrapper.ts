import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CryptoError } from '../shared/errors.js';
import type { KeyWrapper, WrappedKey } from './key-wrapper.js';
import { DATA_KEY_BYTES, open, seal } from './sealed-blob.js';

/**
 * Development only (config refuses it in production): the key-encryption key is a
 * file holding 32 random bytes in base64, created with mode 0600 on first use.
 */
export class LocalKeyWrapper implements KeyWrapper {
  private readonly key: Buffer;
  private readonly version: string;

  constructor(file: string) {
    this.key = loadOrCreate(file);
    this.version = `local:${file}`;
  }

  wrap(plaintext: Uint8Array, aad: Uint8Array): Promise<WrappedKey> {
    return Promise.resolve({ ciphertext: seal(this.key, 'local-kek', plaintext, context(aad)), keyVersion: this.version });
  }

  unwrap(ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(open(this.key, ciphertext, context(aad)));
  }
}

const context = (aad: Uint8Array) => `local-kek|${Buffer.from(aad).toString('base64')}`;

function loadOrCreate(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CryptoError('CRYPTO_LOCAL_KEY', `cannot read the local key file ${file}`, { cause: error });
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    text = randomBytes(DATA_KEY_BYTES).toString('base64');
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== DATA_KEY_BYTES) {
    throw new CryptoError('CRYPTO_LOCAL_KEY', `the local key file ${file} must hold ${DATA_KEY_BYTES} bytes in base64`);
  }
  return key;
}
