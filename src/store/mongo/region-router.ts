import { MongoClient } from 'mongodb';
import type { RegionId } from '../../../schemas/config.js';
import type { Config } from '../../config/load-config.js';
import { StoreError } from '../../shared/errors.js';
import { RegionDatabase } from './region-database.js';
import { detectServerTraits } from './server-traits.js';

const SERVER_SELECTION_TIMEOUT_MS = 10_000;

/**
 * Owns one MongoDB client per configured region and hands out that region's
 * database: the only way any code reaches stored data (design.md §3).
 */
export class RegionRouter {
  private readonly tenantRegions = new Map<string, RegionId>();

  private constructor(
    private readonly clients: ReadonlyMap<RegionId, MongoClient>,
    private readonly databases: ReadonlyMap<RegionId, RegionDatabase>,
  ) {}

  /** Connects to every configured region and creates the indexes (idempotent). */
  static async connect(config: Config): Promise<RegionRouter> {
    const clients = new Map<RegionId, MongoClient>();
    const databases = new Map<RegionId, RegionDatabase>();
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
        const database = new RegionDatabase(id, client.db(), await detectServerTraits(client.db()));
        await database.ensureIndexes();
        databases.set(id, database);
      }
    } catch (error) {
      await Promise.allSettled([...clients.values()].map((client) => client.close()));
      if (error instanceof StoreError) throw error;
      throw new StoreError('STORE_UNAVAILABLE', `could not connect to a region's MongoDB (check TALLY_<REGION>_MONGODB_URI)`, {
        retryable: true,
        cause: error,
      });
    }
    return new RegionRouter(clients, databases);
  }

  get regionIds(): RegionId[] {
    return [...this.databases.keys()];
  }

  region(id: RegionId): RegionDatabase {
    const database = this.databases.get(id);
    if (!database) throw new StoreError('REGION_UNKNOWN', `region ${id} is not configured (TALLY_REGIONS)`);
    return database;
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
    const region = await this.regionOf(tenantId);
    if (!region) throw new StoreError('TENANT_UNKNOWN', `no tenant ${tenantId} in any configured region`);
    return this.region(region);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.clients.values()].map((client) => client.close()));
  }
}
