import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, type StoredTenant } from '../../schemas/records.js';
import { type MakeStores, newTenantId } from './fixtures.js';

export const tenant = (tenantId: string): StoredTenant => ({
  _id: tenantId,
  region: 'eu',
  zendeskUrl: 'https://example.zendesk.com',
  credentials: { email: Buffer.from([1]), token: Buffer.from([2]) },
  timeZone: 'Europe/Berlin',
  syncStart: '2026-01-01',
  retention: { ...DEFAULT_RETENTION },
  timeTrackingFields: { total: null, last: null, source: null },
  status: 'active',
  unavailableStreams: [],
  createdAt: new Date('2026-03-01T10:00:00Z'),
  updatedAt: new Date('2026-03-01T10:00:00Z'),
});

/** TenantStore (src/store/ports.ts): one record per tenant id; updates never touch id or region. */
export function describeTenantStore(make: MakeStores): void {
  describe('TenantStore contract', () => {
    it('inserts once (TENANT_EXISTS after), updates the patchable fields and lists by id', async () => {
      const { tenants } = await make();
      const tenantId = newTenantId();
      await tenants.insert(tenant(tenantId));
      await expect(tenants.insert(tenant(tenantId))).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
      const at = new Date('2026-03-02T10:00:00Z');
      await tenants.update(tenantId, { status: 'auth_failed', retention: { factDays: 30, bucketDays: 60 } }, at);
      expect(await tenants.find(tenantId)).toEqual({ ...tenant(tenantId), status: 'auth_failed', retention: { factDays: 30, bucketDays: 60 }, updatedAt: at });
      await expect(tenants.update(newTenantId(), { status: 'active' }, at)).rejects.toMatchObject({ code: 'TENANT_UNKNOWN' });
      const ids = (await tenants.list()).map((one) => one._id);
      expect(ids).toContain(tenantId);
      expect(ids).toEqual([...ids].sort());
    });
  });
}
