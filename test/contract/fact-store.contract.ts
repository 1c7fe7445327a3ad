import { describe, expect, it } from 'vitest';
import { fact, type MakeStores, newTenantId } from './fixtures.js';

/** FactStore (src/store/ports.ts): replays never double count; ratings are replaced. */
export function describeFactStore(make: MakeStores): void {
  describe('FactStore contract', () => {
    it('inserts a fact once and counts a replay as duplicates', async () => {
      const { facts } = await make();
      const tenantId = newTenantId();
      const [a, b] = [fact(tenantId, 'a'), fact(tenantId, 'b', { day: '2026-03-02', at: new Date('2026-03-02T09:00:00Z') })];
      expect(await facts.insertMany([a])).toEqual({ written: 1, duplicates: 0 });
      expect(await facts.insertMany([a, b])).toEqual({ written: 1, duplicates: 1 });
      expect(await facts.insertMany([])).toEqual({ written: 0, duplicates: 0 });
      expect(await facts.onDay(tenantId, '2026-03-01')).toEqual([a]);
      expect([...(await facts.days(tenantId))].sort()).toEqual(['2026-03-01', '2026-03-02']);
    });

    it('replaces ratings, the latest state winning, and finds them by ticket', async () => {
      const { facts } = await make();
      const tenantId = newTenantId();
      await facts.replaceMany([fact(tenantId, 'r1', { kind: 'rating', ticketId: 5, detail: 'good' })]);
      await facts.replaceMany([fact(tenantId, 'r1', { kind: 'rating', ticketId: 5, detail: 'bad' })]);
      await facts.insertMany([fact(tenantId, 's1', { ticketId: 5 })]);
      const ratings = await facts.ratingsOf(tenantId, [5, 6]);
      expect(ratings.map((rating) => rating.detail)).toEqual(['bad']);
      expect(await facts.ratingsOf(newTenantId(), [5])).toEqual([]);
    });

    it('lists every rating of a tenant, and says whether it has any', async () => {
      const { facts } = await make();
      const tenantId = newTenantId();
      expect(await facts.hasRatings(tenantId)).toBe(false);
      await facts.insertMany([fact(tenantId, 's1', { ticketId: 5 })]);
      expect(await facts.hasRatings(tenantId)).toBe(false);
      await facts.replaceMany([fact(tenantId, 'r1', { kind: 'rating', ticketId: 5 }), fact(tenantId, 'r2', { kind: 'rating', ticketId: 6 })]);
      expect(await facts.hasRatings(tenantId)).toBe(true);
      expect((await facts.ratings(tenantId)).map((rating) => rating.ticketId).sort()).toEqual([5, 6]);
      expect(await facts.ratings(newTenantId())).toEqual([]);
    });
  });
}
