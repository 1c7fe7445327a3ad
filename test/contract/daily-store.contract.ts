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

    it('tells, when asked, the days it left holding only the given rows, with the versions it gave them', async () => {
      const { daily, rollups } = await make();
      const tenantId = newTenantId();
      // Agent 9's bucket on 03-02 is not in the next write: that day is not whole.
      await daily.replace([bucket(tenantId, 9, '2026-03-02'), bucket(tenantId, 7, '2026-03-03')], []);
      const whole = await daily.replace(
        [bucket(tenantId, 7, '2026-03-01'), bucket(tenantId, 8, '2026-03-01'), bucket(tenantId, 7, '2026-03-02'), bucket(tenantId, 7, '2026-03-03', { solves: 5 })],
        [bucket(tenantId, 8, '2026-03-04')._id],
        { wholeDays: true },
      );
      const versions = await rollups.dayVersions(tenantId, ['2026-03']);
      const versionOf = (day: string) => versions.get(day)?.version;
      // 03-03's only bucket was rewritten, and 03-04 is emptied: both whole.
      expect(new Map([...whole].map(([id, version]) => [id.slice(tenantId.length + 1), version]))).toEqual(
        new Map([
          ['2026-03-01', versionOf('2026-03-01')],
          ['2026-03-03', versionOf('2026-03-03')],
          ['2026-03-04', versionOf('2026-03-04')],
        ]),
      );
      expect([...whole.keys()].every((id) => id.startsWith(`${tenantId}:`))).toBe(true);
      expect([...versions.values()].every((state) => !state.writing)).toBe(true);
      // Not asked: nothing told.
      expect((await daily.replace([bucket(tenantId, 7, '2026-03-05')], [])).size).toBe(0);
    });
  });
}
