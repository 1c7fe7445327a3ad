import { describe, expect, it } from 'vitest';
import { scheduleOffsetMs } from '../../../jobs/schedule-offset.js';

describe('scheduleOffsetMs', () => {
  it('stays inside the interval', () => {
    for (const tenant of ['acme', 'globex', 'initech', 'a1']) {
      for (let stream = 0; stream < 5; stream++) {
        const offset = scheduleOffsetMs(tenant, stream, 60_000, 5);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(60_000);
      }
    }
  });

  it('is the same for the same tenant and stream, in every process', () => {
    expect(scheduleOffsetMs('acme', 2, 300_000, 5)).toBe(scheduleOffsetMs('acme', 2, 300_000, 5));
  });

  it("spreads one tenant's streams a fifth of the interval apart", () => {
    const offsets = [0, 1, 2, 3, 4].map((stream) => scheduleOffsetMs('acme', stream, 100_000, 5));
    const gaps = offsets.slice(1).map((offset, index) => (offset - (offsets[index] as number) + 100_000) % 100_000);
    expect(gaps).toEqual([20_000, 20_000, 20_000, 20_000]);
  });

  it('spreads many tenants over the interval rather than firing them together', () => {
    const offsets = Array.from({ length: 200 }, (_, index) => scheduleOffsetMs(`tenant-${index}`, 0, 60_000, 5));
    const buckets = new Set(offsets.map((offset) => Math.floor(offset / 6_000)));
    expect(buckets.size).toBe(10);
  });
});
