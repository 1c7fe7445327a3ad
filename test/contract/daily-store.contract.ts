import { describe, expect, it } from 'vitest';
import { bucket, collect, type MakeStores, newTenantId } from './fixtures.js';

/** DailyStore (src/store/ports.ts): recomputed days written, emptied days deleted, read by range. */
export function describeDailyStore(make: MakeStores): void {
  describe('DailyStore contract', () => {
    it('reads days from..to inclusive, of all agents or one, in day order', async () => {
      const { daily } = await make();
      const tenantId = newTenantId();
      await daily.replace([bucket(tenantId, 7, '2026-03-03'), bucket(tenantId, 7, '2026-03-01'), bucket(tenantId, 8, '2026-03-02'), bucket(tenantId, 7, '2026-03-05')], []);
      expect((await collect(daily.range(tenantId, '2026-03-01', '2026-03-03'))).map((row) => `${row.agentId}@${row.day}`)).toEqual(['7@2026-03-01', '8@2026-03-02', '7@2026-03-03']);
      expect((await collect(daily.range(tenantId, '2026-03-01', '2026-03-05', 8))).map((row) => row.day)).toEqual(['2026-03-02']);
      expect([...(await daily.days(tenantId))].sort()).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-05']);
      expect(await daily.agentsOn(tenantId, '2026-03-02')).toEqual([8]);
    });

    it('replaces a recomputed day and deletes emptied ones', async () => {
      const { daily } = await make();
      const tenantId = newTenantId();
      await daily.replace([bucket(tenantId, 7, '2026-03-01'), bucket(tenantId, 7, '2026-03-02')], []);
      await daily.replace([bucket(tenantId, 7, '2026-03-01', { solves: 4 })], [bucket(tenantId, 7, '2026-03-02')._id]);
      const rows = await collect(daily.range(tenantId, '2026-03-01', '2026-03-02'));
      expect(rows.map((row) => [row.day, row.solves])).toEqual([['2026-03-01', 4]]);
    });
  });
}
