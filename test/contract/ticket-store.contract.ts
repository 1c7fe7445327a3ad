import { describe, expect, it } from 'vitest';
import { type MakeStores, newTenantId, ticket } from './fixtures.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));

/** TicketStore (src/store/ports.ts): a ticket's state never moves back to an older event. */
export function describeTicketStore(make: MakeStores): void {
  describe('TicketStore contract', () => {
    it('stores a ticket once: a replay writes nothing', async () => {
      const { tickets } = await make();
      const tenantId = newTenantId();
      const one = ticket(tenantId, 1, { status: 'solved', lastSolverId: 7, lastEventAt: at(1), lastEventId: 10 });
      expect((await tickets.applyEvents([one])).written).toBe(1);
      expect((await tickets.applyEvents([one])).written).toBe(0);
      expect(await tickets.findMany(tenantId, [1, 1, 2])).toEqual([one]);
    });

    it('applies a later event over an earlier one, never an earlier over a later', async () => {
      const { tickets } = await make();
      const tenantId = newTenantId();
      await tickets.applyEvents([ticket(tenantId, 1, { lastSolverId: 7, lastEventAt: at(5), lastEventId: 50 })]);
      expect((await tickets.applyEvents([ticket(tenantId, 1, { lastSolverId: 8, lastEventAt: at(2), lastEventId: 20 })])).written).toBe(0);
      expect((await tickets.applyEvents([ticket(tenantId, 1, { lastSolverId: 8, lastEventAt: at(5), lastEventId: 40 })])).written).toBe(0);
      expect((await tickets.findMany(tenantId, [1]))[0]?.lastSolverId).toBe(7);
      expect((await tickets.applyEvents([ticket(tenantId, 1, { lastSolverId: 9, lastEventAt: at(5), lastEventId: 60 })])).written).toBe(1);
      expect((await tickets.findMany(tenantId, [1]))[0]?.lastSolverId).toBe(9);
    });

    it('reconcile sets the current state and keeps what events derived', async () => {
      const { tickets } = await make();
      const tenantId = newTenantId();
      await tickets.applyEvents([ticket(tenantId, 1, { lastSolverId: 7, lastEventAt: at(5), lastEventId: 50 })]);
      const state = { _id: ticket(tenantId, 1)._id, tenantId, ticketId: 1, assigneeId: 3, groupId: 4, status: 'pending' as const, updatedAt: at(9) };
      expect((await tickets.reconcile([state, { ...state, _id: ticket(tenantId, 2)._id, ticketId: 2 }])).written).toBe(2);
      const [first, second] = await tickets.findMany(tenantId, [1, 2]);
      expect(first).toMatchObject({ assigneeId: 3, groupId: 4, status: 'pending', lastSolverId: 7, lastEventId: 50 });
      expect(second).toMatchObject({ ticketId: 2, status: 'pending', lastSolverId: null, assignments: [], lastEventAt: null, lastEventId: null });
    });

    it('finds only the tenant\'s own tickets', async () => {
      const { tickets } = await make();
      const [mine, theirs] = [newTenantId(), newTenantId()];
      await tickets.upsertMany([ticket(theirs, 1)]);
      expect(await tickets.findMany(mine, [1])).toEqual([]);
    });
  });
}
