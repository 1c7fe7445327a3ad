import { MongoClient } from 'mongodb';
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { createKmsClient } from '../../src/crypto/create-kms-client.js';
import { GcpKmsKeyWrapper } from '../../src/crypto/gcp-kms-key-wrapper.js';
import { type KeyringLimits, DEFAULT_KEYRING_LIMITS, TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { RegionRouter } from '../../src/store/mongo/region-router.js';
import { createKmsDouble, type KmsDouble } from '../support/kms-double/kms-double.js';
import { requireService, uniqueName } from './local-services.js';

export const US_KEY = 'projects/tally-test/locations/us/keyRings/tally/cryptoKeys/tenant-keys';
export const EU_KEY = 'projects/tally-test/locations/europe-west3/keyRings/tally/cryptoKeys/tenant-keys';

/** Both regions on FerretDB (fresh databases) with a KMS double of their own: real connections throughout. */
export interface TwoRegions {
  readonly config: Config;
  readonly env: Record<string, string>;
  readonly router: RegionRouter;
  readonly kms: KmsDouble;
  readonly kmsClient: KeyManagementServiceClient;
  keyring(region: 'us' | 'eu', limits?: KeyringLimits, now?: () => Date): TenantKeyring;
  close(): Promise<void>;
}

/** host:port of the MongoDB-compatible server tests use; another FerretDB can stand in, e.g. while the shared one is busy. */
const MONGO_HOST = process.env['TALLY_TEST_MONGODB_HOST'] ?? '127.0.0.1:27017';
/**
 * Connections per region client. FerretDB deadlocks once every connection of its
 * PostgreSQL pool is held by an update waiting for a second one; small client pools
 * keep the operations in flight, across test files and worker processes, well under
 * half of its pool (scripts/services).
 */
const POOL = 2;

export async function startTwoRegions(): Promise<TwoRegions> {
  await requireService('FerretDB (MongoDB)', `http://${MONGO_HOST}`);
  const kms = createKmsDouble({ keys: [US_KEY, EU_KEY] });
  const endpoint = `http://127.0.0.1:${await kms.listen(0)}`;
  const prefix = uniqueName('tally_test');
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    TALLY_REGIONS: 'us,eu',
    TALLY_US_MONGODB_URI: `mongodb://${MONGO_HOST}/${prefix}_us?directConnection=true&maxPoolSize=${POOL}`,
    TALLY_EU_MONGODB_URI: `mongodb://${MONGO_HOST}/${prefix}_eu?directConnection=true&maxPoolSize=${POOL}`,
    TALLY_US_KMS_KEY: US_KEY,
    TALLY_EU_KMS_KEY: EU_KEY,
    TALLY_KMS_ENDPOINT: endpoint,
    // Buckets of their own: audit heads and purge ledger entries sealed under this file's KMS double stay here.
    TALLY_US_BUCKET: `${prefix}-us`.replaceAll('_', '-'),
    TALLY_EU_BUCKET: `${prefix}-eu`.replaceAll('_', '-'),
  };
  const config = loadConfig(env);
  const router = await RegionRouter.connect(config);
  const kmsClient = createKmsClient(endpoint);
  const keyNames = { us: US_KEY, eu: EU_KEY };
  return {
    config,
    env,
    router,
    kms,
    kmsClient,
    keyring: (region, limits = DEFAULT_KEYRING_LIMITS, now = () => new Date()) =>
      new TenantKeyring(router.region(region).keys, new GcpKmsKeyWrapper(kmsClient, keyNames[region]), now, limits),
    close: async () => {
      const admin = new MongoClient(`mongodb://${MONGO_HOST}/?directConnection=true`);
      await admin.connect();
      await admin.db(`${prefix}_us`).dropDatabase();
      await admin.db(`${prefix}_eu`).dropDatabase();
      await admin.close();
      await router.close();
      await kmsClient.close();
      await kms.close();
    },
  };
}
