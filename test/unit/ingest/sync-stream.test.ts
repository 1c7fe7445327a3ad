/** syncStream (src/ingest/sync-stream.ts) on the memory stores, with a ZendeskClient-shaped fake: fast, no services. */
import { describe, expect, it } from 'vitest';
import { StaffDirectory } from '../../../src/ingest/staff-directory.js';
import { syncStream, type SyncContext } from '../../../src/ingest/sync-stream.js';
import type { SyncLocks, TenantLock } from '../../../src/ingest/tenant-lock.js';
import type { ZendeskClient } from '../../../src/zendesk/zendesk-client.js';
import { memoryRegion } from '../store/memory-region.js';

const now = () => new Date('2026-03-10T12:00:00Z');
const seconds = (iso: string) => Date.parse(iso) / 1000;
const T0 = seconds('2026-03-01T09:00:00Z');
const T1 = seconds('2026-03-02T09:00:00Z');
const BASE = 'https://example.zendesk.com/api/v2/';

/** Two ticket events pages (an update by agent 7 assigning ticket 1 to them, then an empty last page) and one metric events page. */
function fakeZendesk(metricTimes: readonly number[]): ZendeskClient {
  const url = (path: string, query: Record<string, string | number> = {}) =>
    `${BASE}${path}?${new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
  const serve = (path: string, query: URLSearchParams): unknown => {
    if (path === 'incremental/ticket_events') {
      if (Number(query.get('start_time')) < T1) {
        const event = { id: 100, ticket_id: 1, timestamp: T0, updater_id: 7, child_events: [{ id: 101, event_type: 'Change', assignee_id: 7, previous_value: null }] };
        return { ticket_events: [event], end_time: T1, end_of_stream: false, next_page: url(path, { start_time: T1 }) };
      }
      return { ticket_events: [], end_time: T1, end_of_stream: true, next_page: null };
    }
    if (path === 'incremental/ticket_metric_events') {
      const events = metricTimes.map((time, index) => ({
        id: 200 + index,
        ticket_id: 1,
        instance_id: 1,
        metric: 'agent_work_time',
        type: 'update_status',
        time: new Date(time * 1000).toISOString(),
        status: { calendar: 30 + index, business: 0 },
      }));
      return { ticket_metric_events: events, meta: { has_more: false }, links: { next: null } };
    }
    if (path === 'users/show_many') return { users: [] };
    throw new Error(`the fake Zendesk serves no ${path}`);
  };
  return {
    url,
    get: (target: string) => {
      const parsed = new URL(target);
      return Promise.resolve(serve(parsed.pathname.slice(new URL(BASE).pathname.length), parsed.searchParams));
    },
  } as unknown as ZendeskClient;
}

const unlocked: TenantLock = { hold: (_tenantId, work) => work(() => Promise.resolve(true)) };
const locks: SyncLocks = { buckets: unlocked, tickets: unlocked };

async function setup(metricTimes: readonly number[] = []) {
  const region = memoryRegion(now);
  const tenant = await region.addTenant('acme');
  await region.addAgent('acme', 7, 'Ada Agent', 'ada@example.test');
  const client = fakeZendesk(metricTimes);
  const context = (extra: Partial<SyncContext> = {}): SyncContext => ({
    tenant,
    database: region.stores,
    keyring: region.keyring,
    client,
    staff: new StaffDirectory(client, [7]),
    locks,
    now,
    ...extra,
  });
  return { region, stores: region.stores, context };
}

async function snapshot(stores: Awaited<ReturnType<typeof setup>>['stores']) {
  return {
    counts: await stores.agentData.count('acme', 7),
    tickets: await stores.tickets.findMany('acme', [1]),
    stale: await stores.staleBuckets.list('acme'),
  };
}

describe('syncStream on the memory stores', () => {
  it('stores a page: its fact, its ticket state and bucket, and checkpoints at its end_time', async () => {
    const { stores, context } = await setup();
    const pages: number[] = [];
    const report = await syncStream(context({ onPage: (page) => pages.push(page.pages) }), 'ticket_events');
    expect(report).toMatchObject({ status: 'done', pages: 2, read: 1, stored: 1, quarantined: 0, duplicates: 0, reached: new Date(T1 * 1000).toISOString() });
    expect(report.buckets).toBeGreaterThan(0);
    expect(pages).toEqual([1, 2]);
    expect(await stores.checkpoints.position('acme', 'ticket_events')).toBe(String(T1));
    const { counts, tickets, stale } = await snapshot(stores);
    expect(counts).toMatchObject({ facts: 1, tickets: 1 });
    expect(counts.daily).toBeGreaterThan(0);
    expect(tickets[0]).toMatchObject({ ticketId: 1, assigneeId: 7 });
    expect(stale).toEqual([]);
  });

  it('a replay of the same pages stores nothing and changes nothing', async () => {
    const { stores, context } = await setup();
    await syncStream(context(), 'ticket_events');
    const before = await snapshot(stores);
    await stores.checkpoints.save('acme', 'ticket_events', String(seconds('2025-12-31T23:00:00Z')), now());
    const replay = await syncStream(context(), 'ticket_events');
    expect(replay).toMatchObject({ status: 'done', pages: 2, read: 1, stored: 0 });
    expect(await snapshot(stores)).toEqual(before);
    expect(await stores.checkpoints.position('acme', 'ticket_events')).toBe(String(T1));
  });

  it('metric events stop at what ticket events reached, and checkpoint there', async () => {
    const { stores, context } = await setup([T1 - 3600, T1 + 3600]);
    await syncStream(context(), 'ticket_events');
    const report = await syncStream(context(), 'ticket_metric_events');
    // The event ticket events reached: its calendar and its business-hours fact.
    expect(report).toMatchObject({ status: 'done', pages: 1, read: 2, stored: 2 });
    expect(await stores.checkpoints.position('acme', 'ticket_metric_events')).toBe(String(T1));
    expect((await stores.agentData.count('acme', 7)).facts).toBe(3);
  });

  it('without ticket events stored, metric events store nothing and stay at 0', async () => {
    const { stores, context } = await setup([T1 - 3600]);
    const report = await syncStream(context(), 'ticket_metric_events');
    expect(report).toMatchObject({ pages: 1, read: 1, stored: 0 });
    expect(await stores.checkpoints.position('acme', 'ticket_metric_events')).toBe('0');
  });

  it('an aborted signal stops the sync after the checkpoint of the page in progress, with its reason', async () => {
    const { stores, context } = await setup();
    const cancel = new AbortController();
    const reason = new Error('shutting down');
    const run = syncStream(context({ signal: cancel.signal, onPage: () => cancel.abort(reason) }), 'ticket_events');
    await expect(run).rejects.toBe(reason);
    expect(await stores.checkpoints.position('acme', 'ticket_events')).toBe(String(T1));
    expect((await stores.agentData.count('acme', 7)).facts).toBe(1);
  });

  it('a signal aborted without an Error stops with SYNC_ABORTED', async () => {
    const { context } = await setup();
    const cancel = new AbortController();
    cancel.abort('no error');
    await expect(syncStream(context({ signal: cancel.signal }), 'ticket_events')).rejects.toMatchObject({ code: 'SYNC_ABORTED' });
  });
});
