import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type { Storage } from '@google-cloud/storage';
import { MongoClient } from 'mongodb';
import { type RegionId, regionVariableName } from '../../../schemas/config.js';
import type { AuditChainDeps } from '../../audit/keyed-audit-log.js';
import type { Config, RegionConfig } from '../../config/load-config.js';
import { createKeyWrapper } from '../../crypto/create-key-wrapper.js';
import type { KeyWrapper } from '../../crypto/key-wrapper.js';
import { createKmsClient } from '../../crypto/create-kms-client.js';
import { TenantKeyring } from '../../crypto/tenant-keyring.js';
import { GcsAuditHeads } from '../../storage/gcs-audit-heads.js';
import { GcsBackupBucket } from '../../storage/gcs-backup-bucket.js';
import { SealedPurgeLedger } from '../../backup/purge-ledger.js';
import type { PurgeLedger } from '../../backup/backup-ports.js';
import { createGcsStorage, QUICK_RETRIES } from '../../storage/create-gcs-storage.js';
import type { KeyStore, Regions } from '../ports.js';
import { StoreError } from '../../shared/errors.js';
import { foundRegion, regionIn } from '../region-lookup.js';
import { RegionDatabase } from './region-database.js';
import { detectServerTraits } from './server-traits.js';

const SERVER_SELECTION_TIMEOUT_MS = 10_000;

/**
 * Owns one MongoDB client per configured region and hands out that region's
 * database: the only way any code reaches stored data (docs/architecture.md#regions).
 */
export class RegionRouter implements Regions {
  private readonly tenantRegions = new Map<string, RegionId>();

  private constructor(
    private readonly clients: ReadonlyMap<RegionId, MongoClient>,
    private readonly databases: ReadonlyMap<RegionId, RegionDatabase>,
    private readonly closeKms: () => Promise<void>,
  ) {}

  /** Connects to every configured region and creates the indexes (idempotent). */
  static async connect(config: Config, options: { readonly kmsClient?: () => KeyManagementServiceClient } = {}): Promise<RegionRouter> {
    const clients = new Map<RegionId, MongoClient>();
    const databases = new Map<RegionId, RegionDatabase>();
    // The audit chain's keys and heads (src/audit/keyed-audit-log.ts); KMS is reached on the first append or verify.
    // A KMS client passed in (the process's one, src/app/adapters.ts) is its owner's to close.
    let kms: KeyManagementServiceClient | undefined;
    const kmsClient = options.kmsClient ?? (() => (kms ??= createKmsClient(config.kmsEndpoint)));
    const storage = createGcsStorage(config.gcsEndpoint, QUICK_RETRIES);
    const closeKms = async () => {
      await kms?.close();
    };
    try {
      for (const id of config.regionIds) {
        const region = config.regions[id];
        if (!region) throw new Error(`region ${id} has no configuration`);
        const client = new MongoClient(region.mongodbUri, {
          serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
          // Binary values come back as Buffers, which the record schemas accept.
          promoteBuffers: true,
        });
        clients.set(id, client);
        await client.connect();
        const database = new RegionDatabase(id, client.db(), await detectServerTraits(client.db()), auditChainOf(config, region, kmsClient, storage), purgeLedgerOf(config, region, kmsClient, storage));
        await database.ensureIndexes();
        databases.set(id, database);
      }
    } catch (error) {
      await Promise.allSettled([...clients.values()].map((client) => client.close()));
      await closeKms();
      if (error instanceof StoreError) throw error;
      throw new StoreError('STORE_UNAVAILABLE', `could not connect to a region's MongoDB (check TALLY_<REGION>_MONGODB_URI)`, {
        retryable: true,
        cause: error,
      });
    }
    return new RegionRouter(clients, databases, closeKms);
  }

  get regionIds(): RegionId[] {
    return [...this.databases.keys()];
  }

  region(id: RegionId): RegionDatabase {
    return regionIn(this.databases, id);
  }

  /** The region a tenant lives in, or null if no region has it. */
  async regionOf(tenantId: string): Promise<RegionId | null> {
    const known = this.tenantRegions.get(tenantId);
    if (known) return known;
    for (const database of this.databases.values()) {
      const tenant = await database.tenants.find(tenantId);
      if (tenant) {
        this.tenantRegions.set(tenantId, database.region);
        return database.region;
      }
    }
    return null;
  }

  /** The database of the tenant's region; every tenant read and write starts here. */
  async for(tenantId: string): Promise<RegionDatabase> {
    return this.region(foundRegion(tenantId, await this.regionOf(tenantId)));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.clients.values()].map((client) => client.close()));
    await this.closeKms();
  }
}

/**
 * A region's audit chain: MACs under the tenant's audit-chain subkey (its own
 * keyring over the region's KMS key, cached like every keyring), heads in the
 * region's bucket (README "Privacy operations", audit log).
 */
function auditChainOf(
  config: Config,
  region: RegionConfig,
  kmsClient: () => KeyManagementServiceClient,
  storage: Storage,
): (keys: KeyStore) => AuditChainDeps {
  const heads = new GcsAuditHeads(storage.bucket(region.bucket), {
    // Only an emulator's bucket is made on first use; production's exists beforehand.
    createMissingBucket: config.gcsEndpoint !== undefined && config.nodeEnv !== 'production',
    bucketVariable: regionVariableName(region.id, 'BUCKET'),
  });
  return (keys) => {
    const keyring = new TenantKeyring(keys, createKeyWrapper(region.kmsKey, kmsClient));
    return { chainKey: (tenantId) => keyring.auditChainKey(tenantId), heads };
  };
}

/** The region's bucket for backups and the purge ledger: an emulator's is made on first use, production's exists beforehand. */
export function regionBucketOf(config: Config, region: RegionConfig, storage: Storage): GcsBackupBucket {
  return new GcsBackupBucket(storage.bucket(region.bucket), {
    createMissingBucket: config.gcsEndpoint !== undefined && config.nodeEnv !== 'production',
    variable: regionVariableName(region.id, 'BUCKET'),
  });
}

/** The region's purge ledger: in its own bucket, sealed under its own KMS key (docs/backup.md#purge-ledger). */
function purgeLedgerOf(config: Config, region: RegionConfig, kmsClient: () => KeyManagementServiceClient, storage: Storage): PurgeLedger {
  let wrapper: KeyWrapper | undefined;
  return new SealedPurgeLedger(regionBucketOf(config, region, storage), () => (wrapper ??= createKeyWrapper(region.kmsKey, kmsClient)), region.id);
}
