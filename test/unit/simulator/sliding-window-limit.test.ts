import { describe, expect, it } from 'vitest';
import { SlidingWindowLimit } from '../../../src/simulator/sliding-window-limit.js';

describe('SlidingWindowLimit', () => {
  it('admits up to the limit within a window, then refuses with the time until a slot frees', () => {
    const limit = new SlidingWindowLimit(3, 60_000);
    expect([0, 10_000, 20_000].map((t) => limit.take(t).admitted)).toEqual([true, true, true]);
    const refused = limit.take(30_000);
    expect(refused).toEqual({ admitted: false, remaining: 0, resetMs: 30_000 });
  });

  it('admits again once the oldest request leaves the window', () => {
    const limit = new SlidingWindowLimit(2, 1_000);
    limit.take(0);
    limit.take(500);
    expect(limit.take(999).admitted).toBe(false);
    expect(limit.take(1_000)).toEqual({ admitted: true, remaining: 0, resetMs: 500 });
  });

  it('does not count refused requests', () => {
    const limit = new SlidingWindowLimit(1, 1_000);
    limit.take(0);
    for (let t = 1; t < 1_000; t += 100) limit.take(t);
    expect(limit.remaining(1_000)).toBe(1);
  });

  it('reports the remaining count', () => {
    const limit = new SlidingWindowLimit(700, 60_000);
    expect(limit.take(0).remaining).toBe(699);
    expect(limit.remaining(1)).toBe(699);
  });
});
