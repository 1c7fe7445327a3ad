/**
 * How far behind Zendesk a stream is. Time-based checkpoints (`end_time`, or the
 * ratings' `partial:T`) say directly what they have reached; cursor checkpoints are
 * opaque, so for those the start of the last run that reached the export's end
 * stands in (everything before it was read).
 */
export function checkpointReachedMs(position: string | null, caughtUpAt: number | null): number | null {
  if (position !== null) {
    const seconds = position.startsWith('partial:') ? position.slice('partial:'.length) : position;
    // A bare small number is the users export's start (0), not a time reached.
    if (/^\d{9,}$/.test(seconds)) return Number(seconds) * 1000;
  }
  return caughtUpAt;
}

export function lagSeconds(reachedMs: number | null, now: number): number | null {
  return reachedMs === null ? null : Math.max(0, Math.round((now - reachedMs) / 1000));
}
