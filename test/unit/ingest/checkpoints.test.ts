import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  initialPosition,
  parseCheckpoint,
  RATING_LOOKBACK_S,
  ratingCheckpoint,
  ratingRunStart,
  reachedOf,
  syncStartSeconds,
} from '../../../src/ingest/checkpoints.js';

describe('checkpoint formats', () => {
  it('parses the three formats and formats them back unchanged', () => {
    expect(parseCheckpoint('cursor:abc:def')).toEqual({ kind: 'cursor', cursor: 'abc:def' });
    expect(parseCheckpoint('partial:1700000000')).toEqual({ kind: 'partial', seconds: 1700000000 });
    expect(parseCheckpoint('1700000000')).toEqual({ kind: 'seconds', seconds: 1700000000 });
    for (const position of ['cursor:abc:def', 'partial:1700000000', '1700000000', '0']) {
      expect(formatCheckpoint(parseCheckpoint(position))).toBe(position);
    }
  });

  it('says how far seconds and partial checkpoints reached, and nothing for a cursor', () => {
    expect(reachedOf('1700000000')).toBe('2023-11-14T22:13:20.000Z');
    expect(reachedOf('partial:1700000000')).toBe('2023-11-14T22:13:20.000Z');
    expect(reachedOf('cursor:1700000000')).toBeNull();
    expect(reachedOf('-5')).toBeNull();
    expect(reachedOf('partial:')).toBeNull();
  });

  it('starts users from the beginning and every other stream at the start of the sync start day in the tenant zone', () => {
    const tenant = { syncStart: '2024-03-10', timeZone: 'Europe/Berlin' };
    // Midnight in Berlin (UTC+1 in March before the switch) is 23:00 UTC the day before.
    expect(syncStartSeconds(tenant)).toBe(Date.parse('2024-03-09T23:00:00Z') / 1000);
    expect(initialPosition('users', tenant)).toBe('0');
    expect(initialPosition('tickets', tenant)).toBe(String(syncStartSeconds(tenant)));
    expect(initialPosition('satisfaction_ratings', tenant)).toBe(String(syncStartSeconds(tenant)));
  });
});

describe('the rating lookback rule', () => {
  const syncStartS = 1_000_000;

  it('looks back RATING_LOOKBACK_S after a finished run, never before the sync start', () => {
    const finished = syncStartS + 30 * 24 * 3600;
    expect(ratingRunStart(String(finished), syncStartS)).toEqual({ start: finished - RATING_LOOKBACK_S, reached: finished });
    expect(ratingRunStart(String(syncStartS + 60), syncStartS)).toEqual({ start: syncStartS, reached: syncStartS + 60 });
  });

  it('continues a partial run where it stopped, without looking back again', () => {
    const stopped = syncStartS + 30 * 24 * 3600;
    expect(ratingRunStart(`partial:${stopped}`, syncStartS)).toEqual({ start: stopped, reached: stopped });
  });

  it('checkpoints partial until the end, and never below where the last run ended', () => {
    expect(ratingCheckpoint(2_000_000, 1_500_000, false)).toBe('partial:2000000');
    expect(ratingCheckpoint(1_200_000, 1_500_000, false)).toBe('partial:1500000');
    expect(ratingCheckpoint(1_200_000, 1_500_000, true)).toBe('1500000');
    expect(ratingCheckpoint(2_000_000, 1_500_000, true)).toBe('2000000');
  });
});
