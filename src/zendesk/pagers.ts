/**
 * One async generator per stream: each holds one page in memory and yields its raw
 * records with the checkpoint to store once they are written. Record validation is
 * the sync's job; envelopes are checked here.
 */
import type { z } from 'zod';
import {
  CursorExportEnvelopeSchema,
  CursorPageEnvelopeSchema,
  TimeBasedEnvelopeSchema,
} from '../../schemas/zendesk.js';
import type { ZendeskClient } from './zendesk-client.js';
import { ZendeskError } from './zendesk-error.js';

export interface RawPage {
  readonly records: unknown[];
  /** Where the next run resumes once this page is stored. */
  readonly checkpoint: string;
  readonly endOfStream: boolean;
}

/** Exports never return the last minute, and refuse a start_time within it. */
export const EXPORT_MIN_AGE_S = 70;

/** How far ahead of this machine's clock a time from Zendesk may be: clock skew, not data. */
export const END_TIME_CLOCK_SKEW_S = 300;

/**
 * A time-based page's end_time becomes the checkpoint, so it must not go back before
 * the page's own start_time (a negative one included) nor lie in the future beyond
 * clock skew: either would skip or replay the export for good (README "Sync and
 * metrics"). Throws ZD_END_TIME_INVALID; the page is not yielded, so nothing of it is
 * stored and the checkpoint stays. Pure.
 */
export function checkEndTime(endTime: number, startTime: number, nowS: number, path: string): void {
  const at = (seconds: number) => (Math.abs(seconds) < 8.64e12 ? new Date(seconds * 1000).toISOString() : 'out of range');
  if (endTime < startTime) {
    throw new ZendeskError(
      'ZD_END_TIME_INVALID',
      `Zendesk sent end_time ${endTime} (${at(endTime)}) on ${path}, before the page's start_time ${startTime}: the checkpoint stays where it was`,
      200,
      { retryable: true },
    );
  }
  if (endTime > nowS + END_TIME_CLOCK_SKEW_S) {
    throw new ZendeskError(
      'ZD_END_TIME_INVALID',
      `Zendesk sent end_time ${endTime} (${at(endTime)}) on ${path}, more than ${END_TIME_CLOCK_SKEW_S} s ahead of this machine's clock: the checkpoint stays where it was`,
      200,
      { retryable: true },
    );
  }
}

type Envelope<S extends z.ZodType> = z.infer<S> & { records: unknown[] };

function envelope<T>(schema: z.ZodType<T>, body: unknown, key: string, path: string): T & { records: unknown[] } {
  const parsed = schema.safeParse(body);
  const records = (body as Record<string, unknown> | null)?.[key];
  if (!parsed.success || !Array.isArray(records)) {
    throw new ZendeskError('ZD_MALFORMED', `Zendesk sent a page without the expected ${key} envelope on ${path}`, 200, { retryable: false });
  }
  return { ...parsed.data, records };
}

/** Unix seconds now, read again for every page: a backfill runs for hours. */
export type ClockS = () => number;
const wallClockS: ClockS = () => Math.floor(Date.now() / 1000);

/** Time-based ticket events with comment events, resuming at `startTime` (Unix s, inclusive). */
export async function* ticketEventPages(
  client: ZendeskClient,
  startTime: number,
  nowS: number,
  perPage = 1000,
  clockS: ClockS = wallClockS,
): AsyncGenerator<RawPage> {
  let pageStart = Math.min(startTime, nowS - EXPORT_MIN_AGE_S);
  let url: string | null = client.url('incremental/ticket_events', {
    start_time: pageStart,
    include: 'comment_events',
    per_page: perPage,
  });
  while (url) {
    const page: Envelope<typeof TimeBasedEnvelopeSchema> = envelope(TimeBasedEnvelopeSchema, await client.get(url), 'ticket_events', 'incremental/ticket_events');
    checkEndTime(page.end_time, pageStart, clockS(), 'incremental/ticket_events');
    // The next page starts at this end_time (next_page's start_time).
    pageStart = page.end_time;
    yield { records: page.records, checkpoint: String(page.end_time), endOfStream: page.end_of_stream };
    url = page.end_of_stream ? null : page.next_page;
  }
}

/** The cursor exports (tickets, users): the first call by start_time, then after_url. */
export async function* cursorExportPages(
  client: ZendeskClient,
  path: 'incremental/tickets/cursor' | 'incremental/users/cursor',
  key: 'tickets' | 'users',
  position: string,
  nowS: number,
): AsyncGenerator<RawPage> {
  let url: string | null = position.startsWith('cursor:')
    ? client.url(path, { cursor: position.slice('cursor:'.length), per_page: 1000 })
    : client.url(path, { start_time: Math.min(Number(position), nowS - EXPORT_MIN_AGE_S), per_page: 1000 });
  let checkpoint = position;
  while (url) {
    const page: Envelope<typeof CursorExportEnvelopeSchema> = envelope(CursorExportEnvelopeSchema, await client.get(url), key, path);
    if (page.after_cursor) checkpoint = `cursor:${page.after_cursor}`;
    yield { records: page.records, checkpoint, endOfStream: page.end_of_stream };
    url = page.end_of_stream ? null : page.after_url;
  }
}

/** A finished read of a list (groups, brands): the next run reads the whole list again. */
export const LIST_DONE = 'list:done';
const LIST_AFTER = 'list:after:';

/**
 * Lists that have no incremental export (groups, brands): cursor pages of `page[size]=100`
 * from the start, resuming within a list at its stored `page[after]` cursor; the last
 * page checkpoints LIST_DONE, so every run re-reads the list (renames included).
 */
export async function* listPages(client: ZendeskClient, path: 'groups' | 'brands', position: string): AsyncGenerator<RawPage> {
  const after = position.startsWith(LIST_AFTER) ? position.slice(LIST_AFTER.length) : undefined;
  let url: string | null = client.url(path, { 'page[size]': 100, ...(after === undefined ? {} : { 'page[after]': after }) });
  let checkpoint = after === undefined ? LIST_DONE : position;
  while (url) {
    const page: Envelope<typeof CursorPageEnvelopeSchema> = envelope(CursorPageEnvelopeSchema, await client.get(url), path, path);
    const more = page.meta.has_more && page.links.next !== null;
    if (!more) checkpoint = LIST_DONE;
    else if (page.meta.after_cursor) checkpoint = `${LIST_AFTER}${page.meta.after_cursor}`;
    yield { records: page.records, checkpoint, endOfStream: !more };
    url = more ? page.links.next : null;
  }
}

/**
 * Cursor-paged streams that resume by time (metric events, ratings): the checkpoint
 * is the latest record time seen, in Unix s; the next run starts there (inclusive)
 * and duplicates are absorbed by the facts' ids. A record time ahead of the clock by
 * more than clock skew is not believed (the record itself is quarantined or stored
 * by the sync, on its own merits), so one bad record cannot move the checkpoint into
 * the future and skip everything after it.
 */
export async function* timeResumedPages(
  client: ZendeskClient,
  path: 'incremental/ticket_metric_events' | 'satisfaction_ratings',
  key: 'ticket_metric_events' | 'satisfaction_ratings',
  startTime: number,
  timeOf: (record: unknown) => number | undefined,
  clockS: ClockS = wallClockS,
): AsyncGenerator<RawPage> {
  let url: string | null = client.url(path, {
    start_time: startTime,
    'page[size]': 100,
    ...(key === 'satisfaction_ratings' ? { sort: 'created_at' } : {}),
  });
  let checkpoint = startTime;
  while (url) {
    const page: Envelope<typeof CursorPageEnvelopeSchema> = envelope(CursorPageEnvelopeSchema, await client.get(url), key, path);
    const latest = clockS() + END_TIME_CLOCK_SKEW_S;
    for (const record of page.records) {
      const time = timeOf(record);
      if (time !== undefined && time <= latest) checkpoint = Math.max(checkpoint, time);
    }
    yield { records: page.records, checkpoint: String(checkpoint), endOfStream: !page.meta.has_more };
    url = page.meta.has_more ? page.links.next : null;
  }
}

/**
 * Asks for the next page while the caller stores the current one, so that the rate
 * budget rather than the store sets the pace of a sync. The pagers still hold one page
 * each; with this the sync holds two: the one being stored and the one arriving. A
 * failed request surfaces when its page is due, after the current page is stored and
 * checkpointed. A caller that stops early waits for the request in flight, then closes
 * the pager.
 */
export async function* fetchingAhead<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = settledLater(pages.next());
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = settledLater(pages.next());
      yield result.value;
    }
  } finally {
    await next.catch(() => undefined);
    await pages.return(undefined);
  }
}

/** The same promise, marked as handled until it is awaited (a prefetch may fail while nobody waits yet). */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
