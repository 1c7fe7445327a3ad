/**
 * Every error tally raises on purpose carries a stable `code` that tests, logs and
 * exit paths match on, and says whether trying again can help. Messages never
 * contain secrets or personal data.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
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
  | 'KMS_REQUEST_INVALID';

export class CryptoError extends AppError {
  declare readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(code, message, options);
  }
}
