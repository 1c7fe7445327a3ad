import { describe, expect, it } from 'vitest';
import { storedIds } from '../../schemas/records.js';
import { bucket, fact, type MakeStores, newTenantId, ticket } from './fixtures.js';

const EMAIL_INDEX = 'a'.repeat(64);

/** AgentDataStore (src/store/ports.ts): what a purge counts, erases and verifies for one agent. */
export function describeAgentDataStore(make: MakeStores): void {
  describe('AgentDataStore contract', () => {
    it('counts, erases idempotently (ratings kept crediting nobody, tickets scrubbed) and leaves other agents alone', async () => {
      const stores = await make();
      const tenantId = newTenantId();
      const at = new Date('2026-03-01T10:00:00Z');
      await stores.agents.upsertMany([
        { _id: storedIds.agent(tenantId, 7), tenantId, zendeskUserId: 7, name: Buffer.from([1]), email: Buffer.from([2]), emailIndex: EMAIL_INDEX, role: 'agent', active: true, suspended: false, updatedAt: at, keyId: 'k' },
      ]);
      await stores.facts.insertMany([fact(tenantId, 's7', { agentId: 7 }), fact(tenantId, 's8', { agentId: 8 })]);
      await stores.facts.replaceMany([fact(tenantId, 'r7', { agentId: 7, kind: 'rating', detail: 'good' })]);
      await stores.daily.replace([bucket(tenantId, 7, '2026-03-01'), bucket(tenantId, 8, '2026-03-01')], []);
      await stores.staleBuckets.mark([{ _id: storedIds.daily(tenantId, 7, '2026-03-01'), tenantId, agentId: 7, day: '2026-03-01' }]);
      await stores.tickets.upsertMany([ticket(tenantId, 1, { assigneeId: 7, lastSolverId: 8, assignments: [{ at, agentId: 7 }, { at, agentId: 8 }] }), ticket(tenantId, 2, { assigneeId: 8 })]);

      const expected = { agents: 1, facts: 1, ratings: 1, daily: 1, staleBuckets: 1, tickets: 1, quarantine: 0 };
      expect(await stores.agentData.count(tenantId, 7)).toEqual(expected);
      expect(await stores.agentData.countEmailIndex(tenantId, EMAIL_INDEX)).toBe(1);
      expect((await stores.agentData.facts(tenantId, 7)).map((one) => one._id).sort()).toEqual([`${tenantId}:r7`, `${tenantId}:s7`]);
      expect((await stores.agentData.buckets(tenantId, 7)).map((one) => one.day)).toEqual(['2026-03-01']);

      expect(await stores.agentData.erase(tenantId, 7)).toEqual(expected);
      expect(await stores.agentData.count(tenantId, 7)).toEqual({ ...expected, agents: 0, facts: 0, ratings: 0, daily: 0, staleBuckets: 0, tickets: 0 });
      expect(await stores.agentData.countEmailIndex(tenantId, EMAIL_INDEX)).toBe(0);
      expect((await stores.facts.ratingsOf(tenantId, [1])).map((one) => one.agentId)).toEqual([0]);
      const [scrubbed] = await stores.tickets.findMany(tenantId, [1]);
      expect(scrubbed).toMatchObject({ assigneeId: null, lastSolverId: 8, assignments: [{ at, agentId: null }, { at, agentId: 8 }] });
      expect(await stores.agentData.count(tenantId, 8)).toMatchObject({ facts: 1, daily: 1, tickets: 2 });
      const again = await stores.agentData.erase(tenantId, 7);
      expect(again).toMatchObject({ agents: 0, facts: 0, ratings: 0, daily: 0, tickets: 0 });
    });
  });
}
