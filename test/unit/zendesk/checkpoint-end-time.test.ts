// Issue 15 item 12: checkEndTime (src/zendesk/pagers.ts) refuses a time-based page's
// end_time that would move the checkpoint backwards or into the future.
import { describe, expect, it } from 'vitest';
import { checkEndTime, END_TIME_CLOCK_SKEW_S } from '../../../src/zendesk/pagers.js';
import { ZendeskError } from '../../../src/zendesk/zendesk-error.js';

const NOW_S = 1_763_632_800;
const START_S = NOW_S - 86_400;
const refusal = (endTime: number): ZendeskError | undefined => {
  try {
    checkEndTime(endTime, START_S, NOW_S, 'incremental/ticket_events');
    return undefined;
  } catch (error) {
    return error as ZendeskError;
  }
};

describe('checkEndTime', () => {
  it('accepts an end_time from the page’s start_time up to clock skew ahead of now', () => {
    for (const endTime of [START_S, START_S + 1, NOW_S - 60, NOW_S, NOW_S + END_TIME_CLOCK_SKEW_S]) expect(refusal(endTime), String(endTime)).toBeUndefined();
  });

  it.each([
    ['negative', -5, /before the page's start_time/],
    ['a second before the start_time', START_S - 1, /before the page's start_time/],
    ['just beyond clock skew', NOW_S + END_TIME_CLOCK_SKEW_S + 1, /ahead of this machine's clock/],
    ['in the year 2100', 4_102_444_800, /2100-01-01T00:00:00.000Z.*ahead of this machine's clock/],
    ['beyond any Date', 99_999_999_999_999, /out of range/],
  ])('refuses one %s with ZD_END_TIME_INVALID, saying what and where', (_name, endTime, message) => {
    const error = refusal(endTime);
    expect(error).toBeInstanceOf(ZendeskError);
    expect(error?.code).toBe('ZD_END_TIME_INVALID');
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain('incremental/ticket_events');
    expect(error?.retryable).toBe(true);
  });
});
