import { describe, expect, it } from 'vitest';
import { checkpointReachedMs, lagSeconds } from '../../../jobs/stream-lag.js';

const NOW = Date.parse('2026-11-03T12:00:00Z');

describe('checkpointReachedMs', () => {
  it('reads a time-based checkpoint as the time it reached', () => {
    expect(checkpointReachedMs('1793707200', null)).toBe(1_793_707_200_000);
  });

  it("reads the ratings' partial checkpoint too", () => {
    expect(checkpointReachedMs('partial:1793707200', 5)).toBe(1_793_707_200_000);
  });

  it('falls back to the last caught-up run for opaque cursors', () => {
    expect(checkpointReachedMs('eyJ0IjoxNzkzNzA3MjAwMDAwfQ', NOW - 30_000)).toBe(NOW - 30_000);
  });

  it("treats the users export's start (0) as nothing reached yet", () => {
    expect(checkpointReachedMs('0', null)).toBeNull();
  });
});

describe('lagSeconds', () => {
  it('is now minus what was reached, in whole seconds', () => {
    expect(lagSeconds(NOW - 90_400, NOW)).toBe(90);
  });

  it('is unknown before anything was reached', () => {
    expect(lagSeconds(null, NOW)).toBeNull();
  });
});
