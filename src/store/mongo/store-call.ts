import { StoreError } from '../../shared/errors.js';

export async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translate(what, error);
  }
}

/** Driver errors stop here: callers see StoreError with a stable code, never a MongoServerError. */
export function translate(what: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
  return new StoreError('STORE_FAILED', `could not ${what} (database error ${code})`, { retryable: true, cause: error });
}
