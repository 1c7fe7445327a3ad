import { EventEmitter } from 'node:events';
import { Storage, type StorageOptions } from '@google-cloud/storage';

type RetryOptions = NonNullable<StorageOptions['retryOptions']>;

/**
 * The real Cloud Storage client. With an emulator endpoint (fake-gcs-server) it is
 * pointed there through `apiEndpoint`, which also skips authentication; the
 * STORAGE_EMULATOR_HOST variable is deliberately not used (it drops the /storage/v1 base).
 * `retryOptions` overrides the client's retries (by default up to 600 s in total).
 */
export function createGcsStorage(endpoint: string | undefined, retryOptions?: RetryOptions): Storage {
  // The client's HTTP layer puts 11 listeners on every download's body stream, one over
  // Node's default limit, and each download then prints a MaxListenersExceededWarning
  // (docs/backup.md#known-limits). The limit is raised just past that, for every emitter.
  if (EventEmitter.defaultMaxListeners < GCS_DOWNLOAD_LISTENERS) EventEmitter.defaultMaxListeners = GCS_DOWNLOAD_LISTENERS;
  const retries = retryOptions === undefined ? {} : { retryOptions };
  if (endpoint === undefined) return new Storage(retries);
  return new Storage({ apiEndpoint: endpoint, projectId: 'tally-local', ...retries });
}

const GCS_DOWNLOAD_LISTENERS = 16;

/** The HTTP status a Cloud Storage call failed with, or undefined when it got no answer. */
export function gcsStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Retries for small objects written on a request's path (audit chain heads): a few
 * quick ones, so an unreachable Cloud Storage fails the call in seconds, not minutes.
 */
export const QUICK_RETRIES: RetryOptions = { maxRetries: 2, maxRetryDelay: 2, totalTimeout: 10 };
