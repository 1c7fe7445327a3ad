/**
 * The Zendesk simulator: a real HTTP server for the read endpoints tally uses, with
 * Zendesk's authentication, pagination, rate limits and (optionally) faults, over
 * seeded worlds. Base URL of an account: http://HOST:PORT/<account>/api/v2.
 * Internal endpoints for tests and tools live under /_sim/ (no auth, loopback only).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AccountSpec, HISTORY_END_MARGIN_MS, WorldGenerator } from './generate-world.js';
import { drawFault, driftRecord, type FaultKind, type FaultOptions, HTML_BODIES, invalidateRecord } from './faults.js';
import { type AgentDayTruth, groundTruth, type SliceTruth } from './ground-truth.js';
import { bodyChunks, JsonList, parsedBody } from './json-body.js';
import { cursorPage, type CursorPosition, decodeCursor, encodeCursor, lowerBound, timeBasedPage } from './pages.js';
import { Random } from './random.js';
import {
  renderBrand,
  renderGroup,
  renderMetricEvent,
  renderRating,
  renderTicket,
  renderTicketField,
  renderUser,
} from './render.js';
import { SlidingWindowLimit } from './sliding-window-limit.js';
import { TicketEventCache } from './ticket-event-cache.js';
import type { SimTicket, SimUser, World } from './world.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface SimulatedAccountOptions extends AccountSpec {
  /** Account-wide requests per minute (Zendesk Enterprise: 700). */
  readonly rateLimit?: number;
  /** Incremental exports per minute (10). */
  readonly exportRateLimit?: number;
  /** The users cursor export's own limit per minute (20). */
  readonly usersExportRateLimit?: number;
  /** Streams the account's plan lacks: they answer 403. */
  readonly disabledEndpoints?: readonly Endpoint[];
  /** Role of the credential owner; an agent may not use incremental exports (403). */
  readonly credentialRole?: 'admin' | 'agent';
}

export interface SimulatorOptions {
  readonly accounts: readonly SimulatedAccountOptions[];
  /** Time runs this many times faster for rate-limit windows, Retry-After and the exports' one-minute lag. */
  readonly speed?: number;
  readonly faults?: FaultOptions;
  readonly faultSeed?: number;
  /** New activity keeps arriving while the server runs. */
  readonly live?: { readonly ticketsPerMinute?: number; readonly compression?: number; readonly tickMs?: number };
  /** The present; tests pass a fixed clock. */
  readonly now?: () => number;
}

export type Endpoint =
  | 'ticket_events'
  | 'tickets_cursor'
  | 'ticket_metric_events'
  | 'satisfaction_ratings'
  | 'users'
  | 'users_show_many'
  | 'users_me'
  | 'users_cursor'
  | 'ticket_fields'
  | 'groups'
  | 'brands';

export interface RequestLogEntry {
  readonly seq: number;
  account: string | null;
  readonly method: string;
  /** Path and query as requested. */
  readonly path: string;
  endpoint: Endpoint | null;
  /** 0 when the connection closed with no answer. */
  status: number;
  readonly startedAt: number;
  finishedAt: number;
  fault?: FaultKind;
  /** Which limit refused it, for 429s. */
  limitedBy?: 'account' | 'export' | 'users_export';
}

export interface SimulatedAccount {
  readonly name: string;
  readonly generator: WorldGenerator;
  readonly email: string;
  token: string;
  oauthToken: string;
  readonly limits: { account: SlidingWindowLimit; export: SlidingWindowLimit; usersExport: SlidingWindowLimit };
  readonly options: SimulatedAccountOptions;
  readonly ticketEvents: TicketEventCache;
}

export interface ZendeskSimulator {
  readonly accounts: ReadonlyMap<string, SimulatedAccount>;
  readonly requestLog: RequestLogEntry[];
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** `http://HOST:PORT/<account>`: what `tally tenants add --zendesk-url` takes. */
  rootUrl(account: string): string;
  world(account: string): World;
  /** The expected rows, optionally only what fell in a group and/or brand (ground-truth.ts). */
  groundTruth(account: string, timeZone: string, filter?: { groupId?: number; brandId?: number }): (AgentDayTruth & { slices: SliceTruth[] })[];
  /** Issues new credentials: the old token and OAuth token now get 401. */
  revokeCredentials(account: string): void;
  /** Live mode stops generating: the world stays as it is, so a sync can catch up with it. */
  stopLive(): void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const FORBIDDEN_BODY = {
  error: 'Forbidden',
  description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.',
};

export function createZendeskSimulator(options: SimulatorOptions): ZendeskSimulator {
  const now = options.now ?? Date.now;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be positive');
  const windowMs = MINUTE_MS / speed;
  const exportLagMs = MINUTE_MS / speed;
  const faultRandom = new Random(options.faultSeed ?? 1);
  const requestLog: RequestLogEntry[] = [];
  let seq = 0;
  let baseUrl = '';

  const accounts = new Map<string, SimulatedAccount>();
  for (const spec of options.accounts) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(spec.account)) throw new Error(`account name ${spec.account} is not a Zendesk subdomain`);
    if (accounts.has(spec.account)) throw new Error(`account ${spec.account} is given twice`);
    const start = now() - spec.days * DAY_MS;
    const generator = new WorldGenerator(spec, start);
    generator.advanceTo(now() - HISTORY_END_MARGIN_MS);
    const credentialUser = generator.world.users.find((user) => user.id === generator.world.credentialUserId) as SimUser;
    accounts.set(spec.account, {
      name: spec.account,
      generator,
      email: credentialUser.email,
      token: secret(spec, 'token', 0),
      oauthToken: secret(spec, 'oauth', 0),
      limits: {
        account: new SlidingWindowLimit(spec.rateLimit ?? 700, windowMs),
        export: new SlidingWindowLimit(spec.exportRateLimit ?? 10, windowMs),
        usersExport: new SlidingWindowLimit(spec.usersExportRateLimit ?? 20, windowMs),
      },
      options: spec,
      ticketEvents: new TicketEventCache(generator.world),
    });
  }

  let liveTimer: NodeJS.Timeout | undefined;
  if (options.live) {
    const { ticketsPerMinute = 30, compression = 60, tickMs = 1000 } = options.live;
    for (const account of accounts.values()) {
      // The static history ends a few minutes ago; those minutes pass at the static pace, live starts now.
      account.generator.advanceTo(now());
      account.generator.setLivePace(ticketsPerMinute, compression);
    }
    liveTimer = setInterval(() => {
      for (const account of accounts.values()) account.generator.advanceTo(now());
    }, tickMs);
    liveTimer.unref();
  }

  // The tickets export is ordered by generated time, which changes as tickets change.
  const ticketOrder = new Map<string, { version: string; tickets: SimTicket[] }>();
  const ticketsByGeneratedTime = (account: SimulatedAccount): SimTicket[] => {
    const world = account.generator.world;
    const version = `${account.generator.now}:${world.updates.length}:${world.tickets.length}`;
    const cached = ticketOrder.get(account.name);
    if (cached?.version === version) return cached.tickets;
    const tickets = [...world.tickets].sort((a, b) => a.generatedAt - b.generatedAt || a.id - b.id);
    ticketOrder.set(account.name, { version, tickets });
    return tickets;
  };

  const server = createServer((req, res) => {
    const entry: RequestLogEntry = {
      seq: seq++,
      account: null,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      endpoint: null,
      status: 0,
      startedAt: now(),
      finishedAt: 0,
    };
    requestLog.push(entry);
    res.on('close', () => {
      entry.finishedAt = now();
    });
    handle(req, res, entry).catch((error: unknown) => {
      if (error instanceof HttpError) return send(res, entry, error.status, error.body, error.headers);
      send(res, entry, 500, { error: 'InternalServerError', description: 'Simulator failure' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    if (url.pathname.startsWith('/_sim/')) return internal(url, res, entry);
    const match = /^\/([^/]+)\/api\/v2\/(.+?)(?:\.json)?$/.exec(url.pathname);
    const account = match ? accounts.get(match[1] as string) : undefined;
    if (!match || !account) throw new HttpError(404, { error: 'InvalidEndpoint', description: 'Not found' });
    entry.account = account.name;
    const endpoint = routeOf(match[2] as string);
    entry.endpoint = endpoint;
    if (req.method !== 'GET') {
      throw new HttpError(405, { error: 'MethodNotAllowed', description: 'The simulator is read-only, like tally.' });
    }
    authenticate(req, account);
    if (!endpoint) throw new HttpError(404, { error: 'InvalidEndpoint', description: 'Not found' });
    const rateHeaders = admit(account, endpoint, entry);
    if (account.options.disabledEndpoints?.includes(endpoint)) throw new HttpError(403, FORBIDDEN_BODY, rateHeaders);
    if (isExport(endpoint) && (account.options.credentialRole ?? 'admin') !== 'admin') {
      throw new HttpError(403, FORBIDDEN_BODY, rateHeaders);
    }

    const fault = drawFault(faultRandom, options.faults);
    if (fault) entry.fault = fault;
    if (fault === 'dropped') {
      req.socket.destroy();
      return;
    }
    if (fault === 'server_error') throw new HttpError(500, { error: 'InternalServerError', description: 'Internal error' });
    if (fault === 'bad_gateway' || fault === 'gateway_timeout') {
      const status = fault === 'bad_gateway' ? 502 : 504;
      return sendRaw(res, entry, status, HTML_BODIES[status] as string, 'text/html');
    }
    if (fault === 'unavailable') {
      return sendRaw(res, entry, 503, HTML_BODIES[503] as string, 'text/html', { 'Retry-After': '1' });
    }
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, options.faults?.slowMs ?? 1500));

    const root = `${baseUrl}/${account.name}`;
    let body = respond(account, endpoint, url.searchParams, `${root}/api/v2`, root);
    if (fault === 'drift' || fault === 'invalid') body = parsedBody(body);
    if (fault === 'drift') driftBody(body);
    if (fault === 'invalid') invalidateBody(body, faultRandom);
    const chunks = bodyChunks(body);
    if (fault === 'truncated' || fault === 'malformed') {
      const text = Buffer.concat(chunks).toString('utf8');
      if (fault === 'truncated') return sendRaw(res, entry, 200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), 'application/json', rateHeaders);
      return sendRaw(res, entry, 200, `${text.slice(0, 40)}<!-- upstream error -->`, 'application/json', rateHeaders);
    }
    sendRaw(res, entry, 200, chunks, 'application/json; charset=utf-8', rateHeaders);
  }

  function authenticate(req: IncomingMessage, account: SimulatedAccount): void {
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ', 2);
    if (scheme === 'Basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      if (decoded === `${account.email}/token:${account.token}`) return;
    } else if (scheme === 'Bearer' && value === account.oauthToken) {
      return;
    }
    throw new HttpError(401, { error: "Couldn't authenticate you" });
  }

  function admit(account: SimulatedAccount, endpoint: Endpoint, entry: RequestLogEntry): Record<string, string> {
    const at = now();
    const accountLimit = account.limits.account;
    const endpointLimit =
      endpoint === 'users_cursor' ? account.limits.usersExport : isExport(endpoint) ? account.limits.export : undefined;
    const endpointHeader = endpoint === 'users_cursor' ? 'zendesk-ratelimit-incremental-exports-cursor' : 'zendesk-ratelimit-incremental-exports';
    const retryAfter = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
    const accountRemaining = accountLimit.remaining(at);
    if (accountRemaining === 0) {
      const taken = accountLimit.take(at);
      entry.limitedBy = 'account';
      throw new HttpError(
        429,
        { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' },
        { 'Retry-After': retryAfter(taken.resetMs), ...accountHeaders(accountLimit.limit, 0, taken.resetMs) },
      );
    }
    if (endpointLimit && endpointLimit.remaining(at) === 0) {
      const taken = endpointLimit.take(at);
      entry.limitedBy = endpoint === 'users_cursor' ? 'users_export' : 'export';
      throw new HttpError(
        429,
        {
          error: 'APIRateLimitExceeded',
          description: 'Number of allowed incremental export API requests per minute exceeded',
        },
        {
          'Retry-After': retryAfter(taken.resetMs),
          ...accountHeaders(accountLimit.limit, accountRemaining, 0),
          [endpointHeader]: `total=${endpointLimit.limit}; remaining=0; resets=${Math.ceil(taken.resetMs / 1000)}`,
        },
      );
    }
    const taken = accountLimit.take(at);
    const headers = accountHeaders(accountLimit.limit, taken.remaining, taken.resetMs);
    if (endpointLimit) {
      const endpointTaken = endpointLimit.take(at);
      headers[endpointHeader] =
        `total=${endpointLimit.limit}; remaining=${endpointTaken.remaining}; resets=${Math.ceil(endpointTaken.resetMs / 1000)}`;
    }
    return headers;
  }

  function respond(account: SimulatedAccount, endpoint: Endpoint, query: URLSearchParams, api: string, root: string): Record<string, unknown> {
    const world = account.generator.world;
    const horizon = now() - exportLagMs;
    switch (endpoint) {
      case 'ticket_events': {
        const startTime = requireStartTime(query);
        const perPage = clampInt(query.get('per_page'), 1000, 1, 1000, 'per_page');
        const withComments = (query.get('include') ?? '').split(',').includes('comment_events');
        const page = timeBasedPage(world.updates, (update) => update.at, startTime, perPage, horizon);
        const next = new URLSearchParams(query);
        next.set('start_time', String(page.endTime));
        return {
          ticket_events: new JsonList(account.ticketEvents.list(page.first, page.items.length, withComments)),
          next_page: `${api}/incremental/ticket_events.json?${next.toString()}`,
          count: page.items.length,
          end_time: page.endTime,
          end_of_stream: page.endOfStream,
        };
      }
      case 'tickets_cursor': {
        const perPage = clampInt(query.get('per_page'), 1000, 1, 1000, 'per_page');
        const after = startPosition(query, 'cursor');
        const sorted = ticketsByGeneratedTime(account);
        const end = lowerBound(sorted, horizon + 1, (ticket) => ticket.generatedAt);
        const excludeDeleted = query.get('exclude_deleted') === 'true';
        const page = cursorPage(sorted, ticketPosition, after, perPage, end, (ticket) => !excludeDeleted || ticket.deletedAt === null);
        const afterCursor = encodeCursor(page.last);
        const next = new URLSearchParams({ cursor: afterCursor, per_page: String(perPage) });
        if (excludeDeleted) next.set('exclude_deleted', 'true');
        const first = page.items[0];
        return {
          tickets: page.items.map((ticket) => renderTicket(ticket, world, root)),
          after_cursor: afterCursor,
          after_url: `${api}/incremental/tickets/cursor.json?${next.toString()}`,
          before_cursor: first ? encodeCursor(ticketPosition(first)) : null,
          before_url: null,
          end_of_stream: !page.hasMore,
        };
      }
      case 'ticket_metric_events': {
        const startTime = requireStartTime(query);
        const excludeDeleted = query.get('exclude_deleted') === 'true';
        const keep = (event: (typeof world.metricEvents)[number]) => !excludeDeleted || !event.deleted;
        if (!query.has('page[size]')) {
          const page = timeBasedPage(world.metricEvents.filter(keep), (event) => event.time, startTime, 1000, horizon);
          const next = new URLSearchParams(query);
          next.set('start_time', String(page.endTime));
          return {
            ticket_metric_events: page.items.map(renderMetricEvent),
            next_page: `${api}/incremental/ticket_metric_events.json?${next.toString()}`,
            count: page.items.length,
            end_time: page.endTime,
            end_of_stream: page.endOfStream,
          };
        }
        const size = clampInt(query.get('page[size]'), 100, 1, 100, 'page[size]');
        const after = query.get('page[after]') ? readCursor(query.get('page[after]') as string) : { t: startTime * 1000 - 1, id: Number.MAX_SAFE_INTEGER };
        const end = lowerBound(world.metricEvents, horizon + 1, (event) => event.time);
        const page = cursorPage(world.metricEvents, (event) => ({ t: event.time, id: event.id }), after, size, end, keep);
        return cursorEnvelope('ticket_metric_events', page.items.map(renderMetricEvent), page, query, `${api}/incremental/ticket_metric_events.json`);
      }
      case 'satisfaction_ratings': {
        const sort = query.get('sort') ?? 'created_at';
        if (sort !== 'created_at') throw invalid('sort', 'only created_at is supported');
        const startTime = optionalInt(query.get('start_time'), 'start_time');
        const endTime = optionalInt(query.get('end_time'), 'end_time');
        const size = clampInt(query.get('page[size]'), 100, 1, 100, 'page[size]');
        const after = query.get('page[after]')
          ? readCursor(query.get('page[after]') as string)
          : { t: (startTime ?? 0) * 1000 - 1, id: Number.MAX_SAFE_INTEGER };
        const end = lowerBound(world.ratings, endTime === undefined ? now() + 1 : endTime * 1000 + 1, (rating) => rating.createdAt);
        const page = cursorPage(world.ratings, (rating) => ({ t: rating.createdAt, id: rating.id }), after, size, end);
        return cursorEnvelope('satisfaction_ratings', page.items.map((rating) => renderRating(rating, root)), page, query, `${api}/satisfaction_ratings.json`);
      }
      case 'users': {
        const roles = [...query.getAll('role[]'), ...query.getAll('role')].flatMap((role) => role.split(','));
        const size = clampInt(query.get('page[size]'), 100, 1, 100, 'page[size]');
        const after = query.get('page[after]') ? readCursor(query.get('page[after]') as string) : { t: 0, id: -1 };
        const users = world.users.filter((user) => roles.length === 0 || roles.includes(user.role));
        const page = cursorPage(users, (user) => ({ t: 0, id: user.id }), after, size);
        return cursorEnvelope('users', page.items.map((user) => renderUser(user, root)), page, query, `${api}/users.json`);
      }
      case 'users_show_many': {
        const ids = (query.get('ids') ?? '').split(',').filter((id) => id !== '');
        if (ids.length === 0 || ids.length > 100 || ids.some((id) => !/^\d+$/.test(id))) {
          throw invalid('ids', 'give 1 to 100 comma-separated user ids');
        }
        const byId = new Map(world.users.map((user) => [user.id, user]));
        return { users: ids.flatMap((id) => byId.get(Number(id)) ?? []).map((user) => renderUser(user, root)) };
      }
      case 'users_me':
        return { user: renderUser(world.users.find((user) => user.id === world.credentialUserId) as SimUser, root) };
      case 'users_cursor': {
        const perPage = clampInt(query.get('per_page'), 1000, 1, 1000, 'per_page');
        const after = startPosition(query, 'cursor');
        const users = [...world.users].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
        const page = cursorPage(users, (user) => ({ t: user.updatedAt, id: user.id }), after, perPage);
        const afterCursor = encodeCursor(page.last);
        return {
          users: page.items.map((user) => renderUser(user, root)),
          after_cursor: afterCursor,
          after_url: `${api}/incremental/users/cursor.json?${new URLSearchParams({ cursor: afterCursor, per_page: String(perPage) }).toString()}`,
          before_cursor: null,
          before_url: null,
          end_of_stream: !page.hasMore,
        };
      }
      case 'groups':
      case 'brands': {
        // Cursor-paged as Zendesk's list endpoints are (page[size] ≤ 100, links.next).
        const size = clampInt(query.get('page[size]'), 100, 1, 100, 'page[size]');
        const after = query.get('page[after]') ? readCursor(query.get('page[after]') as string) : { t: 0, id: -1 };
        const records = endpoint === 'groups' ? world.groups : world.brands;
        const page = cursorPage(records, (record) => ({ t: 0, id: record.id }), after, size);
        const render = endpoint === 'groups' ? renderGroup : renderBrand;
        return cursorEnvelope(endpoint, page.items.map((record) => render(record, root)), page, query, `${api}/${endpoint}.json`);
      }
      case 'ticket_fields':
        return {
          ticket_fields: world.ticketFields.map((field) => renderTicketField(field, root)),
          meta: { has_more: false, after_cursor: null, before_cursor: null },
          links: { prev: null, next: null },
        };
    }
  }

  function requireStartTime(query: URLSearchParams): number {
    const startTime = optionalInt(query.get('start_time'), 'start_time');
    if (startTime === undefined) throw invalid('start_time', 'start_time is required');
    if (startTime * 1000 > now() - exportLagMs) {
      throw invalid('start_time', 'Too recent start_time. Use a start_time older than 1 minute');
    }
    return startTime;
  }

  function startPosition(query: URLSearchParams, cursorParam: string): CursorPosition {
    const cursor = query.get(cursorParam);
    if (cursor) return readCursor(cursor);
    return { t: requireStartTime(query) * 1000 - 1, id: Number.MAX_SAFE_INTEGER };
  }

  function internal(url: URL, res: ServerResponse, entry: RequestLogEntry): void {
    const account = url.searchParams.get('account');
    if (url.pathname === '/_sim/requests') {
      const since = Number(url.searchParams.get('since') ?? '0');
      return send(res, entry, 200, {
        requests: requestLog.filter((logged) => logged.seq >= since && (!account || logged.account === account)),
      });
    }
    if (url.pathname === '/_sim/ground-truth' && account && accounts.has(account)) {
      const idOf = (name: string) => (url.searchParams.get(name) === null ? {} : { [`${name}Id`]: Number(url.searchParams.get(name)) });
      const filter = { ...idOf('group'), ...idOf('brand') };
      return send(res, entry, 200, { account, agents: simulator.groundTruth(account, url.searchParams.get('timeZone') ?? 'UTC', filter) });
    }
    send(res, entry, 404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  function send(res: ServerResponse, entry: RequestLogEntry, status: number, body: unknown, headers: Record<string, string> = {}): void {
    sendRaw(res, entry, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
  }

  /** `body` may come in chunks (views into cached bytes), written as they are. */
  function sendRaw(res: ServerResponse, entry: RequestLogEntry, status: number, body: string | readonly Buffer[], type: string, headers: Record<string, string> = {}): void {
    entry.status = status;
    if (res.headersSent || res.destroyed) return;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.reduce((sum, chunk) => sum + chunk.length, 0);
    res.writeHead(status, { 'content-type': type, 'content-length': length, ...headers });
    if (typeof body === 'string') return void res.end(body);
    // One writev for all chunks rather than a send each.
    res.cork();
    for (const chunk of body) res.write(chunk);
    res.uncork();
    res.end();
  }

  const simulator: ZendeskSimulator = {
    accounts,
    requestLog,
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          const bound = typeof address === 'object' && address ? address.port : port;
          baseUrl = `http://${host}:${bound}`;
          resolve(baseUrl);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (liveTimer) clearInterval(liveTimer);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    rootUrl: (account) => `${baseUrl}/${account}`,
    world: (account) => requireAccount(account).generator.world,
    groundTruth: (account, timeZone, filter = {}) => groundTruth(requireAccount(account).generator.world, timeZone, filter),
    stopLive: () => {
      if (liveTimer) clearInterval(liveTimer);
      liveTimer = undefined;
    },
    revokeCredentials: (account) => {
      const found = requireAccount(account);
      const generation = Number(found.token.split('-').at(-1) ?? '0') + 1;
      found.token = secret(found.options, 'token', generation);
      found.oauthToken = secret(found.options, 'oauth', generation);
    },
  };

  function requireAccount(name: string): SimulatedAccount {
    const account = accounts.get(name);
    if (!account) throw new Error(`no simulated account ${name}`);
    return account;
  }

  return simulator;
}

const EXPORTS = new Set<Endpoint>(['ticket_events', 'tickets_cursor', 'ticket_metric_events']);
const isExport = (endpoint: Endpoint) => EXPORTS.has(endpoint) || endpoint === 'users_cursor';

function routeOf(path: string): Endpoint | null {
  switch (path) {
    case 'incremental/ticket_events':
      return 'ticket_events';
    case 'incremental/tickets/cursor':
      return 'tickets_cursor';
    case 'incremental/ticket_metric_events':
      return 'ticket_metric_events';
    case 'satisfaction_ratings':
      return 'satisfaction_ratings';
    case 'users':
      return 'users';
    case 'users/show_many':
      return 'users_show_many';
    case 'users/me':
      return 'users_me';
    case 'incremental/users/cursor':
      return 'users_cursor';
    case 'ticket_fields':
      return 'ticket_fields';
    case 'groups':
      return 'groups';
    case 'brands':
      return 'brands';
    default:
      return null;
  }
}

const ticketPosition = (ticket: SimTicket): CursorPosition => ({ t: ticket.generatedAt, id: ticket.id });

function accountHeaders(limit: number, remaining: number, resetMs: number): Record<string, string> {
  const reset = String(Math.ceil(resetMs / 1000));
  return {
    'X-Rate-Limit': String(limit),
    'X-Rate-Limit-Remaining': String(remaining),
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': reset,
    'zendesk-ratelimit-account': `total=${limit}; remaining=${remaining}; resets=${reset}`,
  };
}

function cursorEnvelope(
  key: string,
  items: unknown[],
  page: { hasMore: boolean; last: CursorPosition; items: unknown[] },
  query: URLSearchParams,
  endpointUrl: string,
): Record<string, unknown> {
  const afterCursor = encodeCursor(page.last);
  const next = new URLSearchParams(query);
  next.set('page[after]', afterCursor);
  return {
    [key]: items,
    meta: { has_more: page.hasMore, after_cursor: afterCursor, before_cursor: null },
    links: { prev: null, next: page.hasMore ? `${endpointUrl}?${next.toString()}` : null },
  };
}

function driftBody(body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) body[key] = value.map((record, index) => driftRecord(record as Record<string, unknown>, index));
  }
}

/** One record of each list in the body, picked by the seeded fault generator. */
function invalidateBody(body: Record<string, unknown>, random: Random): void {
  for (const [key, value] of Object.entries(body)) {
    if (!Array.isArray(value) || value.length === 0) continue;
    const index = random.int(0, value.length - 1);
    body[key] = (value as unknown[]).map((record, at) => (at === index ? invalidateRecord(record as Record<string, unknown>) : record));
  }
}

function invalid(field: string, description: string): HttpError {
  return new HttpError(400, { error: 'InvalidValue', description, details: { [field]: [{ description }] } });
}

function optionalInt(value: string | null, field: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw invalid(field, `${field} must be a whole number of seconds`);
  return Number(value);
}

function clampInt(value: string | null, fallback: number, min: number, max: number, field: string): number {
  const parsed = optionalInt(value, field);
  return parsed === undefined ? fallback : Math.min(max, Math.max(min, parsed));
}

function readCursor(cursor: string): CursorPosition {
  const position = decodeCursor(cursor);
  if (!position) throw invalid('cursor', 'The cursor is invalid or expired');
  return position;
}

function secret(spec: AccountSpec, kind: string, generation: number): string {
  const digest = createHash('sha256').update(`${spec.account}:${spec.seed}:${kind}:${generation}`).digest('hex').slice(0, 32);
  return `${kind}-${digest}-${generation}`;
}
