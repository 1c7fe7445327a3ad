/**
 * One region on the memory fakes (src/store/memory/) with a real keyring over a
 * local key file and a keyed audit chain: what unit tests of use cases run on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storedIds, type StoredAgent, type StoredTenant } from '../../../schemas/records.js';
import { LocalKeyWrapper } from '../../../src/crypto/local-key-wrapper.js';
import { TenantKeyring } from '../../../src/crypto/tenant-keyring.js';
import { MemoryAuditHeads, MemoryRegions, memoryRegionStores } from '../../../src/store/memory/index.js';
import type { KeyStore, RegionStores } from '../../../src/store/ports.js';
import { tenant as tenantRecord } from '../../contract/tenant-store.contract.js';

export interface MemoryRegion {
  readonly stores: RegionStores;
  readonly regions: MemoryRegions;
  readonly keyring: TenantKeyring;
  /** Stores a tenant with its key. */
  addTenant(tenantId: string): Promise<StoredTenant>;
  /** Stores an agent with sealed name and email and their blind index. */
  addAgent(tenantId: string, agentId: number, name: string, email: string): Promise<StoredAgent>;
}

export function memoryRegion(now: () => Date = () => new Date('2026-03-10T12:00:00Z')): MemoryRegion {
  const wrapper = new LocalKeyWrapper(join(mkdtempSync(join(tmpdir(), 'tally-unit-')), 'kek'));
  let keyring: TenantKeyring | undefined;
  const keyringOf = (keys: KeyStore) => (keyring ??= new TenantKeyring(keys, wrapper, now));
  const heads = new MemoryAuditHeads();
  const stores = memoryRegionStores('eu', (keys) => ({ chainKey: (tenantId) => keyringOf(keys).auditChainKey(tenantId), heads }));
  const ring = keyringOf(stores.keys);
  return {
    stores,
    regions: new MemoryRegions([stores, memoryRegionStores('us')]),
    keyring: ring,
    async addTenant(tenantId) {
      const at = now();
      const tenant: StoredTenant = { ...tenantRecord(tenantId), createdAt: at, updatedAt: at };
      await stores.tenants.insert(tenant);
      await ring.createTenantKey(tenantId);
      return tenant;
    },
    async addAgent(tenantId, agentId, name, email) {
      const sealedName = await ring.sealAgentField(tenantId, agentId, 'name', name);
      const sealedEmail = await ring.sealAgentField(tenantId, agentId, 'email', email);
      const agent: StoredAgent = {
        _id: storedIds.agent(tenantId, agentId),
        tenantId,
        zendeskUserId: agentId,
        name: sealedName.blob,
        email: sealedEmail.blob,
        emailIndex: await ring.emailIndex(tenantId, email),
        role: 'agent',
        active: true,
        suspended: false,
        updatedAt: now(),
        keyId: sealedName.keyId,
      };
      await stores.agents.upsertMany([agent]);
      return agent;
    },
  };
}
