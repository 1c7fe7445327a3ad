// The Zendesk simulator as a client sees it: a real HTTP server on loopback, a fixed clock.
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultKind } from '../../src/simulator/faults.js';
import { renderTicketEvent } from '../../src/simulator/render.js';
import { createZendeskSimulator, type SimulatorOptions, type ZendeskSimulator } from '../../src/simulator/server.js';
import { CANARY, type SimTicket } from '../../src/simulator/world.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const ACCOUNT = { account: 'acme', seed: 42, agents: 8, days: 5, ticketsPerDay: 40 };
const running: ZendeskSimulator[] = [];

afterEach(async () => {
  while (running.length > 0) await running.pop()?.close();
});

interface Harness {
  sim: ZendeskSimulator;
  api: string;
  clock: { now: number };
  get: (path: string, init?: { auth?: string | null; method?: string }) => Promise<Response>;
  json: <T = Record<string, unknown>>(path: string) => Promise<T>;
}

async function start(overrides: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const clock = { now: NOW };
  const sim = createZendeskSimulator({ accounts: [ACCOUNT], now: () => clock.now, ...overrides });
  running.push(sim);
  await sim.listen(0);
  const account = sim.accounts.get('acme');
  if (!account) throw new Error('no account');
  const basic = () => `Basic ${Buffer.from(`${account.email}/token:${account.token}`).toString('base64')}`;
  const api = `${sim.rootUrl('acme')}/api/v2`;
  const get = (path: string, init: { auth?: string | null; method?: string } = {}) => {
    const auth = init.auth === undefined ? basic() : init.auth;
    return fetch(path.startsWith('http') ? path : `${api}/${path}`, {
      method: init.method ?? 'GET',
      headers: auth === null ? {} : { authorization: auth },
    });
  };
  const json = async <T,>(path: string): Promise<T> => {
    const response = await get(path);
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return { sim, api, clock, get, json };
}

interface TimePage {
  ticket_events: { id: number; timestamp: number; child_events: Record<string, unknown>[]; comment_present?: boolean }[];
  next_page: string;
  end_time: number;
  count: number;
  end_of_stream: boolean;
}

describe('Zendesk simulator: authentication', () => {
  it('accepts Basic email/token:TOKEN and Bearer, with or without .json', async () => {
    const { sim, get } = await start();
    expect((await get('users/me.json')).status).toBe(200);
    expect((await get('users/me')).status).toBe(200);
    const oauth = sim.accounts.get('acme')?.oauthToken ?? '';
    expect((await get('users/me', { auth: `Bearer ${oauth}` })).status).toBe(200);
  });

  it("answers anything else with 401 and Zendesk's body", async () => {
    const { get } = await start();
    for (const auth of [null, 'Basic bm9ib2R5', 'Bearer wrong', `Basic ${Buffer.from('ada@x/password').toString('base64')}`]) {
      const response = await get('users/me', { auth });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "Couldn't authenticate you" });
    }
  });

  it('refuses revoked credentials and accepts the new ones', async () => {
    const { sim, get } = await start();
    const account = sim.accounts.get('acme');
    const old = `Basic ${Buffer.from(`${account?.email}/token:${account?.token}`).toString('base64')}`;
    sim.revokeCredentials('acme');
    expect((await get('users/me', { auth: old })).status).toBe(401);
    expect((await get('users/me')).status).toBe(200);
  });

  it('is read-only: writes get 405, unknown paths and accounts 404', async () => {
    const { sim, get } = await start();
    expect((await get('tickets/1.json', { method: 'PUT' })).status).toBe(405);
    expect((await get('tickets.json', { method: 'POST' })).status).toBe(405);
    expect((await get('macros.json')).status).toBe(404);
    expect((await fetch(`${sim.rootUrl('nobody')}/api/v2/users/me`)).status).toBe(404);
  });
});

describe('Zendesk simulator: ticket events (time-based export)', () => {
  it('pages the whole history: every event once after de-duplication, boundary events repeated', async () => {
    const { sim, json } = await start({ accounts: [{ ...ACCOUNT, exportRateLimit: 10_000 }] });
    const seen = new Set<number>();
    let fetched = 0;
    let pages = 0;
    let url = `incremental/ticket_events.json?start_time=0&per_page=50`;
    for (;;) {
      const page = await json<TimePage>(url);
      pages++;
      fetched += page.ticket_events.length;
      for (const event of page.ticket_events) seen.add(event.id);
      expect(page.count).toBe(page.ticket_events.length);
      expect(new URL(page.next_page).searchParams.get('start_time')).toBe(String(page.end_time));
      if (page.end_of_stream) break;
      url = page.next_page;
    }
    expect(seen.size).toBe(sim.world('acme').updates.length);
    expect(fetched - seen.size).toBeGreaterThanOrEqual(pages - 1); // the boundary second repeats
  });

  it('serves the exact JSON of the rendered events, on first reads and on later ones from its cache', async () => {
    const { sim, get } = await start({ accounts: [{ ...ACCOUNT, exportRateLimit: 10_000 }] });
    const world = sim.world('acme');
    // Other page sizes on the second pass, so pages mix events first served on different pages.
    for (const [include, perPage] of [['&include=comment_events', 37], ['', 37], ['&include=comment_events', 50], ['', 1000]] as const) {
      let url = `incremental/ticket_events.json?start_time=0&per_page=${perPage}${include}`;
      for (;;) {
        const response = await get(url);
        const text = await response.text();
        const page = JSON.parse(text) as TimePage;
        const first = world.updates.findIndex((update) => update.id === page.ticket_events[0]?.id);
        const events = world.updates
          .slice(first, first + page.count)
          .map((update) => renderTicketEvent(update, world.tickets[update.ticketId - 1] as SimTicket, world, include !== ''));
        const { next_page, count, end_time, end_of_stream } = page;
        expect(text).toBe(JSON.stringify({ ticket_events: events, next_page, count, end_time, end_of_stream }));
        expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        if (page.end_of_stream) break;
        url = page.next_page;
      }
    }
  });

  it('sideloads comments with include=comment_events, and only flags them without', async () => {
    const { json } = await start();
    const start_time = Math.floor((NOW - 5 * 86_400_000) / 1000);
    const withComments = await json<TimePage>(`incremental/ticket_events?start_time=${start_time}&include=comment_events&per_page=5`);
    const comment = withComments.ticket_events[0]?.child_events.find((child) => child['event_type'] === 'Comment');
    expect(comment).toMatchObject({ public: true, audit_id: withComments.ticket_events[0]?.id });
    expect(String(comment?.['body'])).toContain(CANARY);
    const bare = await json<TimePage>(`incremental/ticket_events?start_time=${start_time}&per_page=5`);
    expect(bare.ticket_events[0]?.comment_present).toBe(true);
    expect(bare.ticket_events[0]?.child_events.some((child) => child['event_type'] === 'Comment')).toBe(false);
  });

  it('renders changes as key-based children with previous_value, Time Tracking as strings', async () => {
    const { sim, json } = await start();
    const world = sim.world('acme');
    const timed = world.updates.find((u) => u.timeSpent && u.timeSpent.previousTotal !== null);
    if (!timed) throw new Error('no time entry in the world');
    const page = await json<TimePage>(`incremental/ticket_events?start_time=${timed.at / 1000}&per_page=1`);
    const event = page.ticket_events.find((e) => e.id === timed.id);
    expect(event?.child_events).toContainEqual(
      expect.objectContaining({
        event_type: 'Change',
        custom_ticket_fields: { [String(world.timeFields.total)]: String(timed.timeSpent?.total) },
        previous_value: String(timed.timeSpent?.previousTotal),
      }),
    );
  });

  it('refuses a start_time less than a minute ago, and a missing one', async () => {
    const { get } = await start();
    const recent = await get(`incremental/ticket_events?start_time=${NOW / 1000 - 30}`);
    expect(recent.status).toBe(400);
    expect(await recent.json()).toMatchObject({ error: 'InvalidValue', description: 'Too recent start_time. Use a start_time older than 1 minute' });
    expect((await get('incremental/ticket_events')).status).toBe(400);
  });

  it('never returns events of the last minute', async () => {
    const { sim, clock, json } = await start({ live: { tickMs: 10_000 } });
    const generator = sim.accounts.get('acme')?.generator;
    clock.now = NOW + 3_600_000;
    generator?.advanceTo(clock.now);
    const latest = Math.max(...(sim.world('acme').updates.map((u) => u.at)));
    expect(latest).toBeGreaterThan(clock.now - 60_000 - 3_600_000);
    const page = await json<TimePage>(`incremental/ticket_events?start_time=${Math.floor((clock.now - 600_000) / 1000)}&per_page=1000`);
    expect(page.ticket_events.every((event) => event.timestamp * 1000 <= clock.now - 60_000)).toBe(true);
  });
});

describe('Zendesk simulator: cursor exports', () => {
  it('exports every ticket once through the tickets cursor, deleted ones as status deleted', async () => {
    const { sim, json } = await start();
    const seen: { id: number; status: string }[] = [];
    let url = 'incremental/tickets/cursor.json?start_time=0&per_page=100';
    let last: { after_url: string; after_cursor: string; end_of_stream: boolean } | undefined;
    for (;;) {
      const page = await json<{ tickets: { id: number; status: string }[]; after_url: string; after_cursor: string; end_of_stream: boolean }>(url);
      seen.push(...page.tickets);
      last = page;
      if (page.end_of_stream) break;
      url = page.after_url;
    }
    const world = sim.world('acme');
    expect(seen.map((t) => t.id).sort((a, b) => a - b)).toEqual(world.tickets.map((t) => t.id));
    expect(seen.filter((t) => t.status === 'deleted')).toHaveLength(world.tickets.filter((t) => t.deletedAt !== null).length);
    // The last cursor starts the next run: nothing new yet.
    const again = await json<{ tickets: unknown[]; end_of_stream: boolean }>(last?.after_url ?? '');
    expect(again).toMatchObject({ tickets: [], end_of_stream: true });
    const live = await json<{ tickets: { status: string }[] }>('incremental/tickets/cursor?start_time=0&exclude_deleted=true&per_page=1000');
    expect(live.tickets.some((t) => t.status === 'deleted')).toBe(false);
  });

  it('pages ticket metric events by cursor until has_more is false, marking withdrawn events deleted', async () => {
    const { sim, json } = await start({ accounts: [{ ...ACCOUNT, exportRateLimit: 10_000 }] });
    type Page = { ticket_metric_events: { id: number; deleted?: boolean }[]; meta: { has_more: boolean }; links: { next: string | null } };
    const ids: number[] = [];
    let deleted = 0;
    let url: string | null = 'incremental/ticket_metric_events.json?start_time=0&page[size]=100';
    while (url) {
      const page: Page = await json<Page>(url);
      expect(page.ticket_metric_events.length).toBeLessThanOrEqual(100);
      ids.push(...page.ticket_metric_events.map((e) => e.id));
      deleted += page.ticket_metric_events.filter((e) => e.deleted).length;
      url = page.meta.has_more ? page.links.next : null;
    }
    expect(ids).toEqual(sim.world('acme').metricEvents.map((e) => e.id));
    expect(deleted).toBeGreaterThan(0);
    const excluded = await json<Page>('incremental/ticket_metric_events?start_time=0&page[size]=100&exclude_deleted=true');
    expect(excluded.ticket_metric_events.some((e) => e.deleted)).toBe(false);
  });

  it('serves ticket metric events time-based without page[size]', async () => {
    const { json } = await start();
    const page = await json<{ ticket_metric_events: unknown[]; end_time: number; next_page: string; end_of_stream: boolean }>(
      'incremental/ticket_metric_events?start_time=0',
    );
    expect(page.ticket_metric_events.length).toBeGreaterThanOrEqual(1000);
    expect(page.end_of_stream).toBe(false);
    expect(page.next_page).toContain(`start_time=${page.end_time}`);
  });

  it('filters satisfaction ratings on created_at and pages them by cursor', async () => {
    const { sim, json } = await start();
    const ratings = sim.world('acme').ratings;
    const from = Math.floor((ratings[10]?.createdAt ?? 0) / 1000);
    const to = Math.floor((ratings[40]?.createdAt ?? 0) / 1000);
    type Page = { satisfaction_ratings: { id: number; created_at: string; score: string }[]; meta: { has_more: boolean }; links: { next: string | null } };
    const got: Page['satisfaction_ratings'] = [];
    let url: string | null = `satisfaction_ratings.json?start_time=${from}&end_time=${to}&sort=created_at&page[size]=7`;
    while (url) {
      const page: Page = await json<Page>(url);
      got.push(...page.satisfaction_ratings);
      url = page.meta.has_more ? page.links.next : null;
    }
    const expected = ratings.filter((r) => r.createdAt >= from * 1000 && r.createdAt <= to * 1000 + 999);
    expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    const all = ratings.map((r) => r.score);
    expect(new Set(all)).toEqual(new Set(['good', 'bad', 'offered', 'unoffered']));
  });

  it('lists groups and brands by cursor pages, and moves tickets between them mid-life', async () => {
    const { sim, json } = await start();
    const world = sim.world('acme');
    for (const [path, expected] of [
      ['groups', world.groups],
      ['brands', world.brands],
    ] as const) {
      type ListPage = Record<string, { id: number; name: string }[]> & { meta: { has_more: boolean; after_cursor: string }; links: { next: string | null } };
      const got: { id: number; name: string }[] = [];
      let url: string | null = `${path}.json?page[size]=2`;
      while (url) {
        const page: ListPage = await json<ListPage>(url);
        got.push(...(page[path] ?? []));
        url = page.meta.has_more ? page.links.next : null;
      }
      expect(got.map(({ id, name }) => ({ id, name }))).toEqual(expected.map(({ id, name }) => ({ id, name })));
      expect(got.every((record) => record.name.includes(CANARY))).toBe(true);
    }
    // Some tickets changed group after creation (a reassignment), some brand; the export shows the current ones.
    expect(world.updates.some((update) => !update.create && update.group !== undefined)).toBe(true);
    expect(world.updates.some((update) => !update.create && update.brand !== undefined)).toBe(true);
    type TicketsPage = { tickets: { id: number; group_id: number | null; brand_id: number | null }[] };
    const exported = await json<TicketsPage>('incremental/tickets/cursor.json?start_time=0&per_page=1000');
    const byId = new Map(world.tickets.map((ticket) => [ticket.id, ticket]));
    for (const ticket of exported.tickets) expect([ticket.group_id, ticket.brand_id]).toEqual([byId.get(ticket.id)?.groupId, byId.get(ticket.id)?.brandId]);
  });

  it('lists agents and admins by role filter, looks users up, and exports every role incrementally', async () => {
    const { sim, json } = await start();
    const world = sim.world('acme');
    type UsersPage = { users: { id: number; role: string; active: boolean; suspended: boolean }[]; meta: { has_more: boolean }; links: { next: string | null } };
    const staff: UsersPage['users'] = [];
    let url: string | null = 'users.json?role[]=agent&role[]=admin&page[size]=3';
    while (url) {
      const page: UsersPage = await json<UsersPage>(url);
      staff.push(...page.users);
      url = page.meta.has_more ? page.links.next : null;
    }
    expect(staff).toHaveLength(8);
    expect(staff.every((u) => u.role === 'agent' || u.role === 'admin')).toBe(true);
    expect(staff.some((u) => !u.active) && staff.some((u) => u.suspended)).toBe(true);
    const some = await json<{ users: { id: number }[] }>(`users/show_many.json?ids=${staff[0]?.id},${staff[1]?.id},999`);
    expect(some.users.map((u) => u.id)).toEqual([staff[0]?.id, staff[1]?.id]);
    const everyone = await json<{ users: { role: string }[]; end_of_stream: boolean }>('incremental/users/cursor.json?start_time=0');
    expect(everyone.users).toHaveLength(world.users.length);
    expect(everyone.users.some((u) => u.role === 'end-user')).toBe(true);
    const me = await json<{ user: { role: string } }>('users/me');
    expect(me.user.role).toBe('admin');
  });

  it('lists the two Time Tracking fields with their real titles', async () => {
    const { json } = await start();
    const fields = await json<{ ticket_fields: { id: number; title: string; raw_title: string; type: string }[] }>('ticket_fields.json?page[size]=100');
    expect(fields.ticket_fields.filter((f) => f.title.endsWith('(sec)')).map((f) => f.raw_title)).toEqual([
      'Total time spent (sec)',
      'Time spent last update (sec)',
    ]);
  });

  it('refuses incremental exports to a non-admin credential and plan-gated streams with 403', async () => {
    const { get } = await start({ accounts: [{ ...ACCOUNT, credentialRole: 'agent', disabledEndpoints: ['satisfaction_ratings'] }] });
    expect((await get('incremental/ticket_events?start_time=0')).status).toBe(403);
    expect((await get('satisfaction_ratings')).status).toBe(403);
    expect((await get('users/me')).status).toBe(200);
  });
});

describe('Zendesk simulator: rate limits', () => {
  it('enforces the account-wide limit with 429, Retry-After and rate headers', async () => {
    const { clock, get } = await start({ accounts: [{ ...ACCOUNT, rateLimit: 3 }] });
    const first = await get('users/me');
    expect(first.headers.get('x-rate-limit')).toBe('3');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    await get('users/me');
    clock.now += 20_000;
    await get('ticket_fields');
    const limited = await get('users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(await limited.json()).toEqual({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' });
    clock.now += 40_000;
    expect((await get('users/me')).status).toBe(200);
  });

  it('enforces the incremental-export limit separately, with its own header and body', async () => {
    const { sim, get } = await start({ accounts: [{ ...ACCOUNT, exportRateLimit: 2 }] });
    const first = await get('incremental/ticket_events?start_time=0&per_page=1');
    expect(first.headers.get('zendesk-ratelimit-incremental-exports')).toBe('total=2; remaining=1; resets=60');
    await get('incremental/tickets/cursor?start_time=0&per_page=1');
    const limited = await get('incremental/ticket_metric_events?start_time=0&page[size]=1');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: 'APIRateLimitExceeded',
      description: 'Number of allowed incremental export API requests per minute exceeded',
    });
    expect((await get('users/me')).status).toBe(200); // other endpoints still answer
    expect(sim.requestLog.filter((entry) => entry.status === 429).map((entry) => entry.limitedBy)).toEqual(['export']);
  });

  it('gives the users cursor export its own limit', async () => {
    const { get } = await start({ accounts: [{ ...ACCOUNT, exportRateLimit: 1, usersExportRateLimit: 2 }] });
    expect((await get('incremental/users/cursor?start_time=0')).status).toBe(200);
    expect((await get('incremental/users/cursor?start_time=0')).status).toBe(200);
    const limited = await get('incremental/users/cursor?start_time=0');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('zendesk-ratelimit-incremental-exports-cursor')).toMatch(/^total=2; remaining=0; resets=\d+$/);
    expect((await get('incremental/ticket_events?start_time=0&per_page=1')).status).toBe(200);
  });

  it('runs minutes of limits in seconds with the speed factor', async () => {
    const { clock, get } = await start({ accounts: [{ ...ACCOUNT, rateLimit: 2 }], speed: 60 });
    await get('users/me');
    await get('users/me');
    const limited = await get('users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    clock.now += 1_000;
    expect((await get('users/me')).status).toBe(200);
  });
});

describe('Zendesk simulator: faults', () => {
  const faulty = (kind: FaultKind) => start({ faults: { probability: 1, kinds: [kind], slowMs: 200 } });
  const path = 'incremental/ticket_events?start_time=0&per_page=5';

  it('answers 500 with a JSON body', async () => {
    const response = await (await faulty('server_error')).get(path);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'InternalServerError' });
  });

  it('answers 502 and 504 with HTML bodies', async () => {
    for (const [kind, status] of [['bad_gateway', 502], ['gateway_timeout', 504]] as const) {
      const response = await (await faulty(kind)).get(path);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('text/html');
      expect(await response.text()).toContain(`<h1>${status}`);
    }
  });

  it('answers 503 with Retry-After', async () => {
    const response = await (await faulty('unavailable')).get(path);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('answers slowly', async () => {
    const { sim, get } = await faulty('slow');
    const started = performance.now();
    expect((await get(path)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.requestLog.at(-1)?.fault).toBe('slow');
  });

  it('drops the connection without an answer', async () => {
    const { get } = await faulty('dropped');
    await expect(get(path)).rejects.toThrow();
  });

  it('sends truncated and malformed JSON with status 200', async () => {
    for (const kind of ['truncated', 'malformed'] as const) {
      const response = await (await faulty(kind)).get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      const text = await response.text();
      expect(() => JSON.parse(text) as unknown).toThrow();
    }
  });

  it('drifts the schema: unknown fields, missing optional fields, wrong types on unused fields', async () => {
    const page = await (await faulty('drift')).json<{ ticket_events: Record<string, unknown>[] }>(path);
    const event = page.ticket_events[0] ?? {};
    expect(Object.keys(event).some((key) => key.startsWith('zz_new_field'))).toBe(true);
    expect(event['metadata']).toBeUndefined();
    expect(typeof event['via']).toBe('number');
    expect(typeof event['id']).toBe('number');
    expect(typeof event['timestamp']).toBe('number');
  });

  it('draws the same faults for the same seed', async () => {
    const draw = async () => {
      const { get } = await start({ faults: { probability: 0.5, kinds: ['server_error', 'unavailable'] }, faultSeed: 9 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await get('users/me')).status);
      return statuses;
    };
    const first = await draw();
    expect(await draw()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });
});

describe('Zendesk simulator: live mode, ground truth and tools', () => {
  it('keeps new activity arriving, visible to incremental exports and in the ground truth', async () => {
    const { sim, clock, json } = await start({ live: { ticketsPerMinute: 20, compression: 60, tickMs: 10 } });
    const before = sim.world('acme').updates.length;
    const truthBefore = sim.groundTruth('acme', 'UTC').reduce((sum, row) => sum + row.ticketsTouched, 0);
    clock.now += 30 * 60_000;
    await new Promise((resolve) => setTimeout(resolve, 60));
    const after = sim.world('acme').updates.length;
    expect(after).toBeGreaterThan(before + 100);
    const page = await json<TimePage>(`incremental/ticket_events?start_time=${Math.floor((NOW - 60_000) / 1000)}&per_page=1000`);
    expect(page.ticket_events.length).toBeGreaterThan(50);
    expect(sim.groundTruth('acme', 'UTC').reduce((sum, row) => sum + row.ticketsTouched, 0)).toBeGreaterThan(truthBefore);
  });

  it('serves the same data for the same seed', async () => {
    const a = await start();
    const b = await start();
    const path = 'incremental/ticket_events?start_time=0&per_page=200&include=comment_events';
    const events = async (harness: Harness) => JSON.stringify((await harness.json<TimePage>(path)).ticket_events);
    expect(await events(a)).toBe(await events(b));
  });

  it('serves the request log and the ground truth on /_sim/', async () => {
    const { sim, get } = await start();
    await get('users/me');
    await get('users/me', { auth: null });
    const base = sim.rootUrl('acme').replace(/\/acme$/, '');
    const log = (await (await fetch(`${base}/_sim/requests?account=acme`)).json()) as { requests: { status: number; path: string; method: string }[] };
    expect(log.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/acme/api/v2/users/me', 200],
      ['GET', '/acme/api/v2/users/me', 401],
    ]);
    const truth = (await (await fetch(`${base}/_sim/ground-truth?account=acme&timeZone=Asia/Kolkata`)).json()) as { agents: unknown[] };
    expect(truth.agents).toEqual(sim.groundTruth('acme', 'Asia/Kolkata'));
  });
});
