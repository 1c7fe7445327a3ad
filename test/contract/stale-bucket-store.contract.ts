import { describe, expect, it } from 'vitest';
import { storedIds } from '../../schemas/records.js';
import { type MakeStores, newTenantId } from './fixtures.js';

/** StaleBucketStore (src/store/ports.ts): a flush clears the marks it listed, never a later one. */
export function describeStaleBucketStore(make: MakeStores): void {
  describe('StaleBucketStore contract', () => {
    it('lists each bucket once with its marks, and clearing keeps a mark made since', async () => {
      const { staleBuckets } = await make();
      const tenantId = newTenantId();
      const stale = { _id: storedIds.daily(tenantId, 7, '2026-03-01'), tenantId, agentId: 7, day: '2026-03-01' };
      await staleBuckets.mark([stale, stale]);
      await staleBuckets.mark([stale]);
      const listed = await staleBuckets.list(tenantId);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ _id: stale._id, agentId: 7, day: '2026-03-01' });
      expect(listed[0]?.markIds).toHaveLength(2);
      await staleBuckets.mark([stale]);
      await staleBuckets.clear(listed);
      const left = await staleBuckets.list(tenantId);
      expect(left.map((bucket) => bucket.markIds.length)).toEqual([1]);
      await staleBuckets.clear(left);
      expect(await staleBuckets.list(tenantId)).toEqual([]);
    });
  });
}
