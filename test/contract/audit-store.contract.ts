import { describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/store/ports.js';
import { collect, newTenantId } from './fixtures.js';

/** A keyed audit log, and a way to give a new tenant the key its chain is MACed under. */
export type MakeAudited = () => Promise<{ audit: AuditStore; prepare: (tenantId: string) => Promise<void> }>;

const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, second));

/** AuditStore (src/store/ports.ts): a keyed chain, in order, safe against concurrent appenders. */
export function describeAuditStore(make: MakeAudited): void {
  describe('AuditStore contract', () => {
    it('appends entries in chain order and verifies them', async () => {
      const { audit, prepare } = await make();
      const tenantId = newTenantId();
      await prepare(tenantId);
      for (let n = 1; n <= 3; n++) await audit.append({ tenantId, actor: 'test', action: 'probe', details: { n } }, at(n));
      const entries = await collect(audit.entries(tenantId));
      expect(entries.map((entry) => [entry.seq, entry.details['n']])).toEqual([[1, 1], [2, 2], [3, 3]]);
      expect(await audit.verify(tenantId)).toMatchObject({ ok: true, entries: 3, brokenAt: null });
      expect(await collect(audit.entries(newTenantId()))).toEqual([]);
    });

    it('gives concurrent appenders one seq each', async () => {
      const { audit, prepare } = await make();
      const tenantId = newTenantId();
      await prepare(tenantId);
      await Promise.all([1, 2, 3, 4].map((n) => audit.append({ tenantId, actor: 'test', action: 'probe', details: { n } }, at(n))));
      const entries = await collect(audit.entries(tenantId));
      expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);
      expect(entries.map((entry) => entry.details['n']).sort()).toEqual([1, 2, 3, 4]);
      expect(await audit.verify(tenantId)).toMatchObject({ ok: true, entries: 4 });
    });
  });
}
