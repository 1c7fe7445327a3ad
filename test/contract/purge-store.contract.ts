import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredPurge } from '../../schemas/records.js';
import { type MakeStores, newTenantId } from './fixtures.js';

const request = (tenantId: string, minute: number, fields: Partial<StoredPurge> = {}): StoredPurge => ({
  _id: randomUUID(),
  tenantId,
  region: 'eu',
  state: 'requested',
  requestedAt: new Date(Date.UTC(2026, 2, 1, 10, minute)),
  requestedBy: 'privacy@example.test',
  reason: Buffer.from([1, 2, 3]),
  target: { zendeskUserId: 7 },
  updatedAt: new Date(Date.UTC(2026, 2, 1, 10, minute)),
  ...fields,
});

/** PurgeStore (src/store/ports.ts): requests, their states, and offboarding records. */
export function describePurgeStore(make: MakeStores): void {
  describe('PurgeStore contract', () => {
    it('updates a request, removing target and reason once done; an unknown one is PURGE_UNKNOWN', async () => {
      const { purges } = await make();
      const tenantId = newTenantId();
      const filed = request(tenantId, 1);
      await purges.insert(filed);
      await purges.update(filed._id, { state: 'counted', counts: { agents: 1 } });
      expect(await purges.find(filed._id)).toMatchObject({ state: 'counted', counts: { agents: 1 }, target: { zendeskUserId: 7 } });
      await purges.update(filed._id, { state: 'done' }, { unsetTarget: true });
      const done = await purges.find(filed._id);
      expect(done?.state).toBe('done');
      expect(done?.target).toBeUndefined();
      expect(done?.reason).toBeUndefined();
      await expect(purges.update(randomUUID(), { state: 'done' })).rejects.toMatchObject({ code: 'PURGE_UNKNOWN' });
    });

    it('lists oldest first, unfinished ones too, and erases reasons left on done requests', async () => {
      const { purges } = await make();
      const tenantId = newTenantId();
      const [later, earlier, finished] = [request(tenantId, 5), request(tenantId, 2), request(tenantId, 3, { state: 'done' })];
      for (const one of [later, earlier, finished]) await purges.insert(one);
      expect((await purges.list(tenantId)).map((one) => one._id)).toEqual([earlier._id, finished._id, later._id]);
      const unfinished = (await purges.unfinished()).filter((one) => one.tenantId === tenantId);
      expect(unfinished.map((one) => one._id)).toEqual([earlier._id, later._id]);
      expect(await purges.eraseDoneReasons()).toBeGreaterThanOrEqual(1);
      expect((await purges.find(finished._id))?.reason).toBeUndefined();
      expect((await purges.find(later._id))?.reason).toBeDefined();
    });

    it('saves an offboarding record over its earlier state', async () => {
      const { purges } = await make();
      const tenantId = newTenantId();
      const record = { _id: `${tenantId}:off`, tenantId, region: 'eu' as const, state: 'started' as const, requestedBy: 'ops', startedAt: new Date('2026-03-01T10:00:00Z') };
      await purges.saveOffboarding(record);
      await purges.saveOffboarding({ ...record, state: 'done', tenantKeyDeleted: true });
      expect(await purges.offboardings(tenantId)).toEqual([{ ...record, state: 'done', tenantKeyDeleted: true }]);
    });
  });
}
