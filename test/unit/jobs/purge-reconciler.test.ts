import { describe, expect, it } from 'vitest';
import { purgeJobAction } from '../../../jobs/purge-reconciler.js';

describe('purgeJobAction (an unfinished purge request and its job)', () => {
  const NOW = 1_800_000_000_000;
  const REST = 600_000;

  it('adds the job of a request that has none (filed while Redis was down, or lost with its data)', () => {
    expect(purgeJobAction({ state: 'unknown' }, NOW, REST)).toBe('add');
  });

  it('leaves a job that is waiting, delayed, prioritised or running alone', () => {
    for (const state of ['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']) expect(purgeJobAction({ state }, NOW, REST), state).toBe('none');
  });

  it('retries a job that ended without finishing its request, but not before it rested', () => {
    for (const state of ['failed', 'completed']) {
      expect(purgeJobAction({ state, finishedOn: NOW - REST + 1 }, NOW, REST), state).toBe('rest');
      expect(purgeJobAction({ state, finishedOn: NOW - REST }, NOW, REST), state).toBe('retry');
      expect(purgeJobAction({ state, finishedOn: NOW - 10 * REST }, NOW, REST), state).toBe('retry');
    }
  });
});
