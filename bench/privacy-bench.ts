/** What the privacy benchmarks share: a fresh region database on a local key, and a few statistics. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../src/config/load-config.js';
import { LocalKeyWrapper } from '../src/crypto/local-key-wrapper.js';
import { TenantKeyring } from '../src/crypto/tenant-keyring.js';
import { RegionRouter } from '../src/store/mongo/region-router.js';

export interface BenchRegion {
  readonly router: RegionRouter;
  readonly keyring: TenantKeyring;
  readonly redisUrl: string;
  /** The environment a `tally` command needs to reach this region (its database and key). */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** Region `us` in a new database of the server at `host` (FerretDB by default), keys wrapped by a local file. */
export async function benchRegion(host: string): Promise<BenchRegion> {
  const name = `tally_bench_${Date.now().toString(36)}`;
  const uri = `mongodb://${host}/${name}?directConnection=true`;
  const keyFile = join(mkdtempSync(join(tmpdir(), 'tally-bench-')), 'kek');
  const env = { NODE_ENV: 'development', TALLY_REGIONS: 'us', TALLY_US_MONGODB_URI: uri, TALLY_US_KMS_KEY: `local:${keyFile}`, TALLY_LOG_LEVEL: 'silent' };
  const config = loadConfig(env);
  const router = await RegionRouter.connect(config);
  const keyring = new TenantKeyring(router.region('us').keys, new LocalKeyWrapper(keyFile));
  return {
    router,
    keyring,
    redisUrl: config.redisUrl,
    env,
    close: async () => {
      await router.close();
      const admin = new MongoClient(`mongodb://${host}/?directConnection=true`);
      await admin.connect();
      await admin.db(name).dropDatabase();
      await admin.close();
    },
  };
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export const seconds = (ms: number): string => (ms / 1000).toFixed(1);
