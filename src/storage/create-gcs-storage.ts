import { Storage } from '@google-cloud/storage';

/**
 * The real Cloud Storage client. With an emulator endpoint (fake-gcs-server) it is
 * pointed there through `apiEndpoint`, which also skips authentication; the
 * STORAGE_EMULATOR_HOST variable is deliberately not used (it drops the /storage/v1 base).
 */
export function createGcsStorage(endpoint: string | undefined): Storage {
  if (endpoint === undefined) return new Storage();
  return new Storage({ apiEndpoint: endpoint, projectId: 'tally-local' });
}
