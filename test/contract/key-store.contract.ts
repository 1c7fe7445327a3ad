import { describe, expect, it } from 'vitest';
import { storedIds, type StoredKey } from '../../schemas/records.js';
import { collect, type MakeStores, newTenantId } from './fixtures.js';

const created = new Date('2026-03-01T10:00:00Z');
const tenantKey = (tenantId: string): StoredKey => ({ _id: storedIds.tenantKey(tenantId), kind: 'tenant', tenantId, wrappedKey: Buffer.from([1, 2]), kekVersion: '1', createdAt: created });
const agentKey = (tenantId: string, agentId: number): StoredKey => ({ _id: storedIds.agentKey(tenantId, agentId), kind: 'agent', tenantId, agentId, wrappedKey: Buffer.from([agentId]), createdAt: created });

/** KeyStore (src/store/ports.ts): keys are inserted once, never overwritten by a racing insert. */
export function describeKeyStore(make: MakeStores): void {
  describe('KeyStore contract', () => {
    it('inserts a key once and says when it existed', async () => {
      const { keys } = await make();
      const tenantId = newTenantId();
      expect(await keys.insert(tenantKey(tenantId))).toBe('inserted');
      expect(await keys.insert({ ...tenantKey(tenantId), wrappedKey: Buffer.from([9]) })).toBe('exists');
      expect(Buffer.from((await keys.find(storedIds.tenantKey(tenantId)))?.wrappedKey ?? [])).toEqual(Buffer.from([1, 2]));
      expect(await keys.find(storedIds.tenantKey(newTenantId()))).toBeNull();
    });

    it('inserts many, returning the ids that existed, and finds only the tenant\'s', async () => {
      const { keys } = await make();
      const [tenantId, other] = [newTenantId(), newTenantId()];
      expect(await keys.insertMany([agentKey(tenantId, 1)])).toEqual([]);
      expect(await keys.insertMany([agentKey(tenantId, 1), agentKey(tenantId, 2)])).toEqual([agentKey(tenantId, 1)._id]);
      const found = await keys.findMany(tenantId, [agentKey(tenantId, 1)._id, agentKey(tenantId, 2)._id, agentKey(tenantId, 3)._id]);
      expect(found.map((key) => key._id).sort()).toEqual([agentKey(tenantId, 1)._id, agentKey(tenantId, 2)._id]);
      expect(await keys.findMany(other, [agentKey(tenantId, 1)._id])).toEqual([]);
    });

    it("finds many keys at once (a report's agents): only those asked for, only the tenant's", async () => {
      const { keys } = await make();
      const [tenantId, other] = [newTenantId(), newTenantId()];
      await keys.insertMany(Array.from({ length: 50 }, (_, index) => agentKey(tenantId, index + 1)));
      await keys.insert(tenantKey(tenantId));
      await keys.insertMany([agentKey(other, 1)]);
      const asked = Array.from({ length: 45 }, (_, index) => agentKey(tenantId, index + 3)._id);
      const found = await keys.findMany(tenantId, [...asked, agentKey(other, 1)._id, storedIds.agentKey(tenantId, 999)]);
      expect(found.map((key) => key._id).sort()).toEqual([...asked].sort());
    });

    it('rewraps, lists tenant keys and deletes', async () => {
      const { keys } = await make();
      const tenantId = newTenantId();
      await keys.insert(tenantKey(tenantId));
      await keys.insert(agentKey(tenantId, 1));
      await keys.replaceWrapped(storedIds.tenantKey(tenantId), Buffer.from([7]), '2', created);
      expect(await keys.find(storedIds.tenantKey(tenantId))).toMatchObject({ kekVersion: '2', rewrappedAt: created });
      const listed = (await collect(keys.tenantKeys())).filter((key) => key.tenantId === tenantId);
      expect(listed.map((key) => key._id)).toEqual([storedIds.tenantKey(tenantId)]);
      expect(await keys.delete(storedIds.tenantKey(tenantId))).toBe(true);
      expect(await keys.delete(storedIds.tenantKey(tenantId))).toBe(false);
    });
  });
}
