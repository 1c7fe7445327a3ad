import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from '../config/load-config.js';
import { createKeyWrapper } from '../crypto/create-key-wrapper.js';
import { createKmsClient } from '../crypto/create-kms-client.js';
import { TenantKeyring } from '../crypto/tenant-keyring.js';
import { RegionRouter } from '../store/mongo/region-router.js';

/** What CLI commands work with; built once per command by the CLI root. */
export interface AppContext {
  readonly config: Config;
  readonly router: RegionRouter;
  readonly keyring: (region: string) => TenantKeyring;
  /** Opened on first use. */
  readonly redis: () => Redis;
}

/** Builds the adapters, runs `use`, and always closes what it opened. */
export async function withAppContext<T>(use: (context: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const router = await RegionRouter.connect(config);
  let kms: KeyManagementServiceClient | undefined;
  const kmsClient = () => (kms ??= createKmsClient(config.kmsEndpoint));
  const keyrings = new Map<string, TenantKeyring>();
  let redis: Redis | undefined;
  const context: AppContext = {
    config,
    router,
    keyring: (region) => {
      let keyring = keyrings.get(region);
      if (!keyring) {
        const regionConfig = config.regions[region];
        if (!regionConfig) throw new Error(`region ${region} is not configured`);
        keyring = new TenantKeyring(router.region(region).keys, createKeyWrapper(regionConfig.kmsKey, kmsClient));
        keyrings.set(region, keyring);
      }
      return keyring;
    },
    redis: () => (redis ??= new Redis(config.redisUrl, { maxRetriesPerRequest: 3 })),
  };
  try {
    return await use(context);
  } finally {
    await router.close();
    await kms?.close();
    await redis?.quit();
  }
}
