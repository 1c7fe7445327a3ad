/**
 * Every error tally raises on purpose carries a stable `code` that tests, logs and
 * exit paths match on, and says whether trying again can help. Messages never
 * contain secrets or personal data. Codes are listed once, with what a caller does
 * about each, in src/shared/error-codes.ts (docs/errors.md).
 */
import type { ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

export type CryptoErrorCode =
  | 'KMS_UNAVAILABLE'
  | 'KMS_KEY_NOT_FOUND'
  | 'KMS_DECRYPT_FAILED'
  | 'KMS_INTEGRITY'
  | 'KMS_REQUEST_INVALID'
  /** The tenant already has a data key: creating another is refused. */
  | 'CRYPTO_KEY_EXISTS'
  /** A sealed blob failed authentication: altered, or opened with the wrong AAD. */
  | 'CRYPTO_TAMPERED'
  /** A sealed blob is not in a format this version reads. */
  | 'CRYPTO_FORMAT'
  /** A blob of one tenant presented as another's. */
  | 'CRYPTO_WRONG_TENANT'
  /** The data key is gone: shredded, or never created. */
  | 'CRYPTO_KEY_MISSING'
  /** The local development key file cannot be used. */
  | 'CRYPTO_LOCAL_KEY';

export class CryptoError extends AppError {
  declare readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

export class StoreError extends AppError {}

/** Bad input from a person: the message names the field and how to fix it. */
export class InputError extends AppError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('INPUT_INVALID', message);
  }
}
