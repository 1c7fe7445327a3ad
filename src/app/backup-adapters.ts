/**
 * The adapters of backups and restores (docs/backup.md), made once per process: each
 * region's own bucket, database dump, KMS key and purge ledger, and an empty database
 * to restore into. A region's backup ports never reach another region's bucket or key.
 */
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type { Storage } from '@google-cloud/storage';
import { MongoClient } from 'mongodb';
import type { RegionId } from '../../schemas/config.js';
import { regionVariableName } from '../../schemas/config.js';
import type { BackupBucket, PurgeLedger, RegionDump, RestoreTarget } from '../backup/backup-ports.js';
import type { ReapplyStores } from '../backup/reapply-ledger.js';
import type { Config } from '../config/load-config.js';
import { mongoDatabaseIdentity, sameMongoDatabase } from '../config/mongodb-database-identity.js';
import { createKeyWrapper } from '../crypto/create-key-wrapper.js';
import type { KeyWrapper } from '../crypto/key-wrapper.js';
import { InputError, StoreError } from '../shared/errors.js';
import { createGcsStorage } from '../storage/create-gcs-storage.js';
import { RegionDatabase } from '../store/mongo/region-database.js';
import { MongoRegionDump, MongoRestoreTarget } from '../store/mongo/region-dump.js';
import { regionBucketOf, type RegionRouter } from '../store/mongo/region-router.js';
import { detectServerTraits } from '../store/mongo/server-traits.js';

export interface RegionBackupPorts {
  readonly bucket: BackupBucket;
  readonly dump: RegionDump;
  readonly wrapper: KeyWrapper;
  readonly ledger: PurgeLedger;
  /** An empty database to restore into, and its stores; closed by the caller. */
  openTarget(uri: string | undefined): Promise<{ target: RestoreTarget; stores: ReapplyStores; database: string; close(): Promise<void> }>;
}

export function backupPortsFactory(config: Config, router: RegionRouter, kmsClient: () => KeyManagementServiceClient): (region: RegionId) => RegionBackupPorts {
  let storage: Storage | undefined;
  const made = new Map<RegionId, RegionBackupPorts>();
  return (region) => {
    const known = made.get(region);
    if (known) return known;
    const regionConfig = config.regions[region];
    if (!regionConfig || !router.regionIds.includes(region)) {
      throw new InputError('--region', `--region ${region} is not configured: use one of ${router.regionIds.join(', ')}`);
    }
    // The client's own retries (up to 600 s in all): a backup upload outlasts a short outage.
    storage ??= createGcsStorage(config.gcsEndpoint);
    const database = router.region(region);
    const ports: RegionBackupPorts = {
      bucket: regionBucketOf(config, regionConfig, storage),
      dump: new MongoRegionDump(database.db),
      wrapper: createKeyWrapper(regionConfig.kmsKey, kmsClient),
      ledger: database.purgeLedger,
      openTarget: (uri) => openRestoreTarget(config, region, uri),
    };
    made.set(region, ports);
    return ports;
  };
}

async function openRestoreTarget(config: Config, region: RegionId, uri: string | undefined) {
  if (uri === undefined || !/^mongodb(\+srv)?:\/\/\S+$/.test(uri)) {
    throw new InputError('--into', '--into must be the mongodb:// URI of a new, empty database (with the database name in the path) in the region');
  }
  const identity = mongoDatabaseIdentity(uri);
  if (identity === undefined || !/^mongodb(\+srv)?:\/\/[^/?]+\/[^/?]+/.test(uri)) throw new InputError('--into', '--into must name the database in its path, e.g. mongodb://host/tally_eu_restored');
  for (const other of config.regionIds) {
    const configured = config.regions[other];
    const otherIdentity = configured ? mongoDatabaseIdentity(configured.mongodbUri) : null;
    if (other !== region && otherIdentity && sameMongoDatabase(identity, otherIdentity)) {
      throw new InputError('--into', `--into names region ${other}'s database (${regionVariableName(other, 'MONGODB_URI')}): a backup of ${region} is restored only into a database of ${region}`);
    }
  }
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, promoteBuffers: true });
  try {
    await client.connect();
  } catch (error) {
    await client.close();
    throw new StoreError('STORE_UNAVAILABLE', 'could not connect to the --into database: check the URI and that the server answers', { retryable: true, cause: error });
  }
  const db = client.db();
  return {
    target: new MongoRestoreTarget(db, region),
    stores: new RegionDatabase(region, db, await detectServerTraits(db)),
    database: db.databaseName,
    close: () => client.close(),
  };
}
