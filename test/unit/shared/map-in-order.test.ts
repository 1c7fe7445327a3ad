import { describe, expect, it } from 'vitest';
import { mapInOrder } from '../../../src/shared/map-in-order.js';

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('mapInOrder', () => {
  it('returns results in the inputs order, whatever order the calls end in', async () => {
    expect(await mapInOrder([30, 5, 20, 1, 10], 3, (ms, index) => later(`${index}:${ms}`, ms))).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
  });

  it('never has more than the limit in flight, and uses it', async () => {
    let inFlight = 0;
    let most = 0;
    await mapInOrder(Array.from({ length: 12 }, (_, index) => index), 4, async (index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await later(null, 2 + (index % 3));
      inFlight--;
    });
    expect(most).toBe(4);
  });

  it('starts nothing after a failure, and throws it once the calls in flight have settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const result = mapInOrder([0, 1, 2, 3, 4, 5], 2, async (index) => {
      started.push(index);
      if (index === 1) throw new Error('call 1 failed');
      await later(null, 10);
      settled++;
    });
    await expect(result).rejects.toThrow('call 1 failed');
    expect(settled).toBe(started.length - 1);
    expect(started.length).toBeLessThan(6);
  });

  it('maps nothing to nothing', async () => {
    expect(await mapInOrder([], 3, () => Promise.resolve(1))).toEqual([]);
  });
});
