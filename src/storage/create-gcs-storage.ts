import { Storage, type StorageOptions } from '@google-cloud/storage';

type RetryOptions = NonNullable<StorageOptions['retryOptions']>;

/**
 * The real Cloud Storage client. With an emulator endpoint (fake-gcs-server) it is
 * pointed there through `apiEndpoint`, which also skips authentication; the
 * STORAGE_EMULATOR_HOST variable is deliberately not used (it drops the /storage/v1 base).
 * `retryOptions` overrides the client's retries (by default up to 600 s in total).
 */
export function createGcsStorage(endpoint: string | undefined, retryOptions?: RetryOptions): Storage {
  const retries = retryOptions === undefined ? {} : { retryOptions };
  if (endpoint === undefined) return new Storage(retries);
  return new Storage({ apiEndpoint: endpoint, projectId: 'tally-local', ...retries });
}

/**
 * Retries for small objects written on a request's path (audit chain heads): a few
 * quick ones, so an unreachable Cloud Storage fails the call in seconds, not minutes.
 */
export const QUICK_RETRIES: RetryOptions = { maxRetries: 2, maxRetryDelay: 2, totalTimeout: 10 };
