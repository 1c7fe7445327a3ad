import { describe, expect, it } from 'vitest';
import { storedIds, type StoredAgent } from '../../schemas/records.js';
import { type MakeStores, newTenantId } from './fixtures.js';

const agent = (tenantId: string, id: number, fields: Partial<StoredAgent> = {}): StoredAgent => ({
  _id: storedIds.agent(tenantId, id),
  tenantId,
  zendeskUserId: id,
  name: Buffer.from([1]),
  email: Buffer.from([2]),
  emailIndex: String(id % 10).repeat(64),
  role: 'agent',
  active: true,
  suspended: false,
  updatedAt: new Date('2026-03-01T10:00:00Z'),
  keyId: 'k',
  ...fields,
});

/** AgentStore (src/store/ports.ts): upserts; an agent stored without an email loses its blind index. */
export function describeAgentStore(make: MakeStores): void {
  describe('AgentStore contract', () => {
    it('upserts idempotently and finds by id and by email index', async () => {
      const { agents } = await make();
      const tenantId = newTenantId();
      expect((await agents.upsertMany([agent(tenantId, 7), agent(tenantId, 8)])).written).toBe(2);
      expect((await agents.upsertMany([agent(tenantId, 7)])).written).toBe(0);
      expect((await agents.upsertMany([agent(tenantId, 7, { active: false })])).written).toBe(1);
      expect(await agents.find(tenantId, 7)).toEqual(agent(tenantId, 7, { active: false }));
      expect((await agents.findByEmailIndex(tenantId, '8'.repeat(64)))?.zendeskUserId).toBe(8);
      expect([...(await agents.ids(tenantId))].sort()).toEqual([7, 8]);
      expect(await agents.find(newTenantId(), 7)).toBeNull();
    });

    it('finds many by id in one call: only the tenant\'s, only those stored, each once', async () => {
      const { agents } = await make();
      const tenantId = newTenantId();
      const other = newTenantId();
      await agents.upsertMany([agent(tenantId, 7), agent(tenantId, 8), agent(tenantId, 9), agent(other, 10)]);
      const found = await agents.findMany(tenantId, [9, 7, 7, 10, 11]);
      expect(found.map((one) => one.zendeskUserId).sort((a, b) => a - b)).toEqual([7, 9]);
      expect(found.find((one) => one.zendeskUserId === 9)).toEqual(agent(tenantId, 9));
      expect(await agents.findMany(tenantId, [])).toEqual([]);
      // Many at once (a report's agents) answer the same.
      await agents.upsertMany(Array.from({ length: 12 }, (_, index) => agent(tenantId, 100 + index)));
      const many = await agents.findMany(tenantId, [...Array.from({ length: 12 }, (_, index) => 100 + index), 7, 10, 11]);
      expect(many.map((one) => one.zendeskUserId).sort((a, b) => a - b)).toEqual([7, ...Array.from({ length: 12 }, (_, index) => 100 + index)]);
    });

    it("changes the agents' version after every write and every erasure of them, per tenant", async () => {
      const stores = await make();
      const { agents } = stores;
      const tenantId = newTenantId();
      const other = newTenantId();
      expect(await agents.directoryVersion(tenantId)).toBe('');
      await agents.upsertMany([agent(tenantId, 7), agent(tenantId, 8)]);
      const first = await agents.directoryVersion(tenantId);
      expect(first).not.toBe('');
      expect(await agents.directoryVersion(tenantId)).toBe(first);
      await agents.upsertMany([agent(tenantId, 7, { name: Buffer.from([9]) })]);
      const renamed = await agents.directoryVersion(tenantId);
      expect(renamed).not.toBe(first);
      await agents.upsertMany([agent(other, 7)]);
      expect(await agents.directoryVersion(tenantId)).toBe(renamed);
      await stores.agentData.erase(tenantId, 7);
      expect(await agents.directoryVersion(tenantId)).not.toBe(renamed);
      // Offboarding removes it with the rest of the tenant's data.
      expect(stores.tenantData.collections).toContain('agent_directory');
      await stores.tenantData.deleteAll(other, 'agent_directory');
      expect(await agents.directoryVersion(other)).toBe('');
    });

    it('drops the blind index of an agent stored again without an email', async () => {
      const { agents } = await make();
      const tenantId = newTenantId();
      await agents.upsertMany([agent(tenantId, 7)]);
      await agents.upsertMany([agent(tenantId, 7, { emailIndex: undefined })]);
      expect((await agents.find(tenantId, 7))?.emailIndex).toBeUndefined();
      expect(await agents.findByEmailIndex(tenantId, '7'.repeat(64))).toBeNull();
    });
  });
}
