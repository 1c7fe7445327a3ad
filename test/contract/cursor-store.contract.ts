import { describe, expect, it } from 'vitest';
import { type MakeStores, newTenantId } from './fixtures.js';

const at = new Date('2026-03-01T10:00:00Z');
const fence = (n: number) => String(n).padStart(16, '0');

/** CursorStore (src/store/ports.ts): checkpoints, fenced by the sync lease's fence. */
export function describeCursorStore(make: MakeStores): void {
  describe('CursorStore contract', () => {
    it('has no position until the first save, then the last one saved', async () => {
      const { checkpoints } = await make();
      const tenantId = newTenantId();
      expect(await checkpoints.position(tenantId, 'tickets')).toBeNull();
      await checkpoints.save(tenantId, 'tickets', 'cursor:a', at);
      await checkpoints.save(tenantId, 'tickets', 'cursor:b', at);
      expect(await checkpoints.position(tenantId, 'tickets')).toBe('cursor:b');
      expect(await checkpoints.position(tenantId, 'users')).toBeNull();
    });

    it('refuses a save under a fence older than one drawn since', async () => {
      const { checkpoints } = await make();
      const tenantId = newTenantId();
      await checkpoints.save(tenantId, 'users', '100', at, fence(1));
      await checkpoints.recordFence(tenantId, 'users', 2);
      await expect(checkpoints.save(tenantId, 'users', '200', at, fence(1))).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
      expect(await checkpoints.position(tenantId, 'users')).toBe('100');
      await checkpoints.save(tenantId, 'users', '300', at, fence(2));
      expect(await checkpoints.position(tenantId, 'users')).toBe('300');
    });

    it('refuses a save under a fence older than the last one written', async () => {
      const { checkpoints } = await make();
      const tenantId = newTenantId();
      await checkpoints.save(tenantId, 'users', '100', at, fence(5));
      await expect(checkpoints.save(tenantId, 'users', '50', at, fence(4))).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
      await expect(checkpoints.save(tenantId, 'users', '50', at, 'not-a-fence')).rejects.toMatchObject({ code: 'CHECKPOINT_FENCED' });
      expect(await checkpoints.position(tenantId, 'users')).toBe('100');
    });

    it('keeps the highest fence recorded or written, never lowering it', async () => {
      const { checkpoints } = await make();
      const tenantId = newTenantId();
      expect(await checkpoints.highestFence(tenantId, 'tickets')).toBe(0);
      await checkpoints.recordFence(tenantId, 'tickets', 7);
      await checkpoints.recordFence(tenantId, 'tickets', 3);
      expect(await checkpoints.highestFence(tenantId, 'tickets')).toBe(7);
      await checkpoints.save(tenantId, 'tickets', 'cursor:x', at, fence(9));
      expect(await checkpoints.highestFence(tenantId, 'tickets')).toBe(9);
    });
  });
}
