import { describe, expect, it } from 'vitest';
import type { StoredQuarantine } from '../../schemas/records.js';
import { type MakeStores, newTenantId } from './fixtures.js';

const entry = (tenantId: string, id: number, code: string): StoredQuarantine => ({
  _id: `${tenantId}:users:${id}`,
  tenantId,
  stream: 'users',
  recordId: String(id),
  errors: [{ path: 'email', code }],
  at: new Date('2026-03-01T10:00:00Z'),
});

/** QuarantineStore (src/store/ports.ts): one entry per record, a re-quarantined record replacing its entry. */
export function describeQuarantineStore(make: MakeStores): void {
  describe('QuarantineStore contract', () => {
    it('adds entries once per record and says how many it was given', async () => {
      const { quarantined, tenantData } = await make();
      const tenantId = newTenantId();
      expect(await quarantined.add([])).toBe(0);
      expect(await quarantined.add([entry(tenantId, 7, 'invalid_type'), entry(tenantId, 8, 'invalid_type')])).toBe(2);
      expect(await quarantined.add([entry(tenantId, 7, 'too_big')])).toBe(1);
      expect(await tenantData.count(tenantId, 'quarantine')).toBe(2);
    });

    it('rejects an entry whose shape is not a quarantine entry', async () => {
      const { quarantined } = await make();
      await expect(quarantined.add([{ ...entry(newTenantId(), 7, 'x'), recordId: 'not an id' }])).rejects.toThrow();
    });
  });
}
