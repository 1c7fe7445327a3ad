import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { CryptoError } from '../shared/errors.js';
import { crc32c } from './crc32c.js';
import type { KeyWrapper, WrappedKey } from './key-wrapper.js';

/** Integrity mismatches are transient corruption in transit; Google advises a few retries. */
const INTEGRITY_ATTEMPTS = 3;
const KMS_CALL_TIMEOUT_MS = 10_000;
/** The client retries UNAVAILABLE itself; bounded so an outage surfaces as KMS_UNAVAILABLE quickly. */
const KMS_MAX_RETRIES = 2;

// gRPC status codes, which the client reports for REST and gRPC alike.
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_FAILED_PRECONDITION = 9;

type Crc = { value?: string | number | { toString(): string } | null } | null | undefined;

/**
 * Wraps tenant keys with a Cloud KMS symmetric key through `@google-cloud/kms`,
 * verifying the CRC32C integrity fields on every call in both directions.
 */
export class GcpKmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly client: KeyManagementServiceClient,
    private readonly keyName: string,
  ) {}

  async wrap(plaintext: Uint8Array, aad: Uint8Array): Promise<WrappedKey> {
    for (let attempt = 1; ; attempt++) {
      const [response] = await this.call('encrypt', () =>
        this.client.encrypt(
          {
            name: this.keyName,
            plaintext,
            additionalAuthenticatedData: aad,
            plaintextCrc32c: { value: crc32c(plaintext) },
            additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
          },
          { timeout: KMS_CALL_TIMEOUT_MS, maxRetries: KMS_MAX_RETRIES },
        ),
      );
      const ciphertext = toBytes(response.ciphertext);
      const intact =
        response.verifiedPlaintextCrc32c === true &&
        response.verifiedAdditionalAuthenticatedDataCrc32c === true &&
        typeof response.name === 'string' &&
        response.name.startsWith(`${this.keyName}/cryptoKeyVersions/`) &&
        sameCrc(response.ciphertextCrc32c, ciphertext);
      if (intact) return { ciphertext, keyVersion: response.name as string };
      if (attempt >= INTEGRITY_ATTEMPTS) {
        throw new CryptoError('KMS_INTEGRITY', `Cloud KMS encrypt with ${this.keyName} failed its CRC32C checks`, {
          retryable: true,
        });
      }
    }
  }

  async unwrap(ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      const [response] = await this.call('decrypt', () =>
        this.client.decrypt(
          {
            name: this.keyName,
            ciphertext,
            additionalAuthenticatedData: aad,
            ciphertextCrc32c: { value: crc32c(ciphertext) },
            additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
          },
          { timeout: KMS_CALL_TIMEOUT_MS, maxRetries: KMS_MAX_RETRIES },
        ),
      );
      const plaintext = toBytes(response.plaintext);
      if (sameCrc(response.plaintextCrc32c, plaintext)) return plaintext;
      if (attempt >= INTEGRITY_ATTEMPTS) {
        throw new CryptoError('KMS_INTEGRITY', `Cloud KMS decrypt with ${this.keyName} failed its CRC32C check`, {
          retryable: true,
        });
      }
    }
  }

  private async call<T>(operation: 'encrypt' | 'decrypt', request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.translate(operation, error);
    }
  }

  private translate(operation: 'encrypt' | 'decrypt', error: unknown): CryptoError {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    const detail = error instanceof Error ? error.message : String(error);
    if (code === GRPC_NOT_FOUND || code === GRPC_PERMISSION_DENIED) {
      return new CryptoError(
        'KMS_KEY_NOT_FOUND',
        `Cloud KMS key ${this.keyName} does not exist or this service may not use it; check the region's TALLY_<REGION>_KMS_KEY (${detail})`,
        { cause: error },
      );
    }
    if (operation === 'decrypt' && code === GRPC_INVALID_ARGUMENT && /decryption failed/i.test(detail)) {
      return new CryptoError(
        'KMS_DECRYPT_FAILED',
        `Cloud KMS could not decrypt with ${this.keyName}: the ciphertext was altered, or was sealed under another key or context`,
        { cause: error },
      );
    }
    if (code === GRPC_INVALID_ARGUMENT || code === GRPC_FAILED_PRECONDITION) {
      return new CryptoError('KMS_REQUEST_INVALID', `Cloud KMS refused the ${operation} request: ${detail}`, {
        cause: error,
      });
    }
    return new CryptoError('KMS_UNAVAILABLE', `Cloud KMS ${operation} with ${this.keyName} failed: ${detail}`, {
      retryable: true,
      cause: error,
    });
  }
}

function toBytes(value: Uint8Array | string | null | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  return new Uint8Array(0);
}

function sameCrc(reported: Crc, data: Uint8Array): boolean {
  const value = reported?.value;
  return value !== undefined && value !== null && Number(value.toString()) === crc32c(data);
}
