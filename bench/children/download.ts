/**
 * Ceiling (a): the simulator serving the same pages as a backfill to a client that
 * only downloads and parses them: the same streams, start and page sizes as tally's
 * pagers, plain fetch and JSON.parse, nothing stored.
 * Usage: tsx bench/children/download.ts --url U --email E --token T --start UNIX_S
 */
import { parseArgs } from 'node:util';
import { report } from '../lib/child.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, email: { type: 'string' }, token: { type: 'string' }, start: { type: 'string' } } });
const api = `${values.url ?? ''}/api/v2`;
const start = Number(values.start);
const authorization = `Basic ${Buffer.from(`${values.email ?? ''}/token:${values.token ?? ''}`).toString('base64')}`;

async function get(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { authorization } });
  if (response.status !== 200) throw new Error(`HTTP ${response.status} on ${url}`);
  return JSON.parse(await response.text()) as Record<string, unknown>;
}

interface Counted {
  records: number;
  requests: number;
}

/** Follows one export to its end; `next` reads the next URL off a page, or null. */
async function follow(first: string, key: string, next: (page: Record<string, unknown>) => string | null): Promise<Counted> {
  const counted = { records: 0, requests: 0 };
  let url: string | null = first;
  while (url) {
    const page = await get(url);
    counted.requests++;
    counted.records += (page[key] as unknown[]).length;
    url = next(page);
  }
  return counted;
}

const cursorExport = (page: Record<string, unknown>) => (page.end_of_stream ? null : (page.after_url as string));
const linksNext = (page: Record<string, unknown>) => ((page.meta as { has_more: boolean }).has_more ? (page.links as { next: string }).next : null);

const started = performance.now();
const streams = {
  users: await follow(`${api}/incremental/users/cursor.json?start_time=0&per_page=1000`, 'users', cursorExport),
  ticket_events: await follow(
    `${api}/incremental/ticket_events.json?start_time=${start}&include=comment_events&per_page=1000`,
    'ticket_events',
    (page) => (page.end_of_stream ? null : (page.next_page as string)),
  ),
  tickets: await follow(`${api}/incremental/tickets/cursor.json?start_time=${start}&per_page=1000`, 'tickets', cursorExport),
  ticket_metric_events: await follow(`${api}/incremental/ticket_metric_events.json?start_time=${start}&page%5Bsize%5D=100`, 'ticket_metric_events', linksNext),
  satisfaction_ratings: await follow(`${api}/satisfaction_ratings.json?start_time=${start}&page%5Bsize%5D=100&sort=created_at`, 'satisfaction_ratings', linksNext),
};
report({ seconds: (performance.now() - started) / 1000, streams });
