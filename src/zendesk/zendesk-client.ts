/**
 * Zendesk reads, one absolute URL per request, through node-zendesk's transporter
 * with our own transportFn: node-zendesk's list and incremental helpers are never
 * used (they buffer every page, stop after the first incremental page and turn
 * 429s into silently truncated results: measured by bench/children/naive.ts, docs/benchmarks.md).
 *
 * The transportFn puts a timeout on every request, draws from the account's shared
 * request budget, retries network errors and 5xx with jittered backoff (p-retry),
 * honours Retry-After on 429 and 503 by blocking the budget for every process,
 * halves per_page on a 504 from the ticket events export, and turns HTML or
 * malformed bodies into typed errors, never a silent `{}`. It never follows a
 * redirect (Zendesk's API does not redirect reads, and a redirected body is not
 * the page asked for: ZD_REDIRECT) and never holds more than `maxBodyBytes` of a
 * body (ZD_TOO_LARGE, read by src/zendesk/read-capped-body.ts).
 */
import zendesk from 'node-zendesk';
import pRetry, { AbortError } from 'p-retry';
import { readCappedBody } from './read-capped-body.js';
import type { BudgetKind, RequestBudget } from './request-budget.js';
import { ZendeskError } from './zendesk-error.js';

export interface ZendeskClientOptions {
  /** Account root without /api/v2, e.g. https://acme.zendesk.com. */
  readonly rootUrl: string;
  readonly email: string;
  readonly token: string;
  readonly budget: RequestBudget;
  readonly timeoutMs?: number;
  /** Retries for network errors, 5xx and malformed bodies; waits for 429 do not count. */
  readonly retries?: number;
  readonly minRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Gives up when one request has been retried or rate-limited for this long. */
  readonly maxRetryTimeMs?: number;
  /** Largest body read, in bytes (TALLY_ZENDESK_MAX_BODY_MB); a larger one is ZD_TOO_LARGE. */
  readonly maxBodyBytes?: number;
  readonly onEvent?: (event: ZendeskClientEvent) => void;
  /**
   * Cancellation of the sync this client serves (SIGTERM, lease loss): once aborted, budget
   * waits, retry delays and requests in flight end at once, rejecting with the signal's
   * reason, and no request starts (docs/architecture.md#cancellation).
   */
  readonly signal?: AbortSignal;
}

export type ZendeskClientEvent =
  | { type: 'response'; status: number; path: string }
  | { type: 'rate_limited'; retryAfterMs: number; path: string }
  | { type: 'budget_wait'; waitedMs: number }
  | { type: 'retry'; code: string; attempt: number; path: string };

const DEFAULT_TIMEOUT_MS = 30_000;
/** A page of 1,000 ticket events with comments is a few MB; the config's default (schemas/config.ts). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const TICKET_EVENTS_PER_PAGE = 1000;

interface Transported {
  status: number;
  headers: Headers;
  body: unknown;
}

export class ZendeskClient {
  readonly apiBase: string;
  private readonly transporter: { request(method: string, uri: string): Promise<{ result: unknown }> };

  constructor(private readonly options: ZendeskClientOptions) {
    this.apiBase = `${options.rootUrl.replace(/\/+$/, '')}/api/v2`;
    const client = zendesk.createClient({
      username: options.email,
      token: options.token,
      endpointUri: this.apiBase,
      transportConfig: {
        transportFn: (uri: string, request: { headers: Record<string, string> }) => this.transport(uri, request.headers),
        responseAdapter: (response: Transported) => ({
          json: () => Promise.resolve(response.body),
          status: response.status,
          statusText: String(response.status),
          headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : response.headers.get(name)) },
        }),
      },
    });
    this.transporter = client.users.transporter;
  }

  /** GETs one absolute URL under this account's /api/v2 and returns its parsed JSON body. */
  async get(url: string): Promise<unknown> {
    if (!url.startsWith(`${this.apiBase}/`)) {
      // Never send the credentials anywhere but the tenant's own account.
      throw new ZendeskError('ZD_BAD_REQUEST', `refusing a URL outside the account's API: ${safePath(url)}`, null, { retryable: false });
    }
    const { result } = await this.transporter.request('GET', url);
    return result;
  }

  /** An URL for a path and query under /api/v2. */
  url(path: string, query: Record<string, string | number> = {}): string {
    const search = new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]));
    const text = search.toString();
    return `${this.apiBase}/${path}.json${text ? `?${text}` : ''}`;
  }

  private async transport(uri: string, headers: Record<string, string>): Promise<Transported> {
    let current = uri;
    const kind = budgetKind(current);
    return pRetry(
      async (attempt) => {
        const waited = await this.options.budget.acquire(kind, this.options.signal);
        if (waited > 0) this.options.onEvent?.({ type: 'budget_wait', waitedMs: waited });
        try {
          return await this.attempt(current, headers, kind);
        } catch (error) {
          if (error instanceof ZendeskError && error.status === 504 && isTicketEvents(current)) current = halvePerPage(current);
          // A ticket events page over the body cap (long comments) comes again in halves, as on a 504;
          // only a single event over the cap stops the stream.
          if (error instanceof ZendeskError && error.code === 'ZD_TOO_LARGE' && isTicketEvents(current) && perPageOf(current) > 1) {
            current = halvePerPage(current);
            throw new ZendeskError(error.code, error.message, error.status, { retryable: true });
          }
          if (error instanceof ZendeskError && !error.retryable) throw new AbortError(error);
          if (error instanceof ZendeskError && error.code !== 'ZD_RATE_LIMITED') {
            this.options.onEvent?.({ type: 'retry', code: error.code, attempt, path: safePath(current) });
          }
          throw error;
        }
      },
      {
        retries: this.options.retries ?? 6,
        minTimeout: this.options.minRetryDelayMs ?? 500,
        maxTimeout: this.options.maxRetryDelayMs ?? 30_000,
        randomize: true,
        maxRetryTime: this.options.maxRetryTimeMs ?? 15 * 60_000,
        // A 429 waits in the budget (blocked for Retry-After), not in p-retry's backoff.
        shouldConsumeRetry: ({ error }) => !(error instanceof ZendeskError && error.code === 'ZD_RATE_LIMITED'),
        shouldRetry: ({ error }) => !(error instanceof ZendeskError) || error.retryable,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      },
    );
  }

  private async attempt(uri: string, headers: Record<string, string>, kind: BudgetKind): Promise<Transported> {
    const path = safePath(uri);
    const maxBodyBytes = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const dropped = new AbortController();
    let response: Response;
    let body: Awaited<ReturnType<typeof readCappedBody>> | null = null;
    try {
      response = await fetch(uri, {
        method: 'GET',
        headers: { authorization: headers['Authorization'] ?? '', accept: 'application/json', 'user-agent': headers['User-Agent'] ?? 'tally' },
        // A redirect is answered as itself, never followed: the credentials stay with this URL.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS), dropped.signal, ...(this.options.signal ? [this.options.signal] : [])]),
      });
      if (!isRedirect(response.status)) body = await readCappedBody(response, maxBodyBytes);
    } catch (error) {
      // Cancelled, not failed: the sync stops with the signal's reason.
      this.options.signal?.throwIfAborted();
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ZendeskError(timedOut ? 'ZD_TIMEOUT' : 'ZD_NETWORK', `${timedOut ? 'timed out' : 'network error'} on ${path}`, null, {
        retryable: true,
        cause: error,
      });
    }
    this.options.onEvent?.({ type: 'response', status: response.status, path });
    const status = response.status;
    if (body === null) {
      dropped.abort();
      // The Location is not repeated: it is the server's text, not ours.
      throw new ZendeskError(
        'ZD_REDIRECT',
        `Zendesk answered ${status} (a redirect) on ${path}; tally never follows redirects (Zendesk's API does not redirect reads): check the tenant's Zendesk URL (tally tenants show)`,
        status,
        { retryable: false },
      );
    }
    if (!body.ok) {
      dropped.abort();
      throw new ZendeskError(
        'ZD_TOO_LARGE',
        `Zendesk's answer on ${path} is larger than ${maxBodyBytes} bytes; tally stopped reading it: raise TALLY_ZENDESK_MAX_BODY_MB if such pages are expected`,
        status,
        { retryable: false },
      );
    }
    const text = body.text;
    if (status === 200) {
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('json')) throw malformed(path, `content-type ${type || 'missing'}`);
      try {
        return { status, headers: response.headers, body: JSON.parse(text) as unknown };
      } catch (error) {
        throw malformed(path, 'the body is not complete JSON', error);
      }
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (status === 429 || (status === 503 && retryAfterMs !== null)) {
      const waitMs = retryAfterMs ?? 1_000;
      const exportLimit = /incremental export/i.test(text);
      await this.options.budget.block(exportLimit ? kind : 'account', waitMs);
      this.options.onEvent?.({ type: 'rate_limited', retryAfterMs: waitMs, path });
      throw new ZendeskError('ZD_RATE_LIMITED', `Zendesk rate limit on ${path}; retrying after ${waitMs} ms`, status, { retryable: true, retryAfterMs: waitMs });
    }
    if (status === 401) {
      throw new ZendeskError('ZD_AUTH', `Zendesk refused the tenant's credentials (401) on ${path}`, status, { retryable: false });
    }
    if (status === 403 || status === 404) {
      throw new ZendeskError('ZD_FORBIDDEN', `Zendesk answered ${status} on ${path}: the plan or the user's role lacks it`, status, { retryable: false });
    }
    if (status >= 500) throw new ZendeskError('ZD_SERVER', `Zendesk answered ${status} on ${path}`, status, { retryable: true });
    throw new ZendeskError('ZD_BAD_REQUEST', `Zendesk answered ${status} on ${path}`, status, { retryable: false });
  }
}

const isRedirect = (status: number) => status >= 300 && status < 400;

function malformed(path: string, why: string, cause?: unknown): ZendeskError {
  return new ZendeskError('ZD_MALFORMED', `Zendesk sent a malformed body on ${path}: ${why}`, 200, { retryable: true, cause });
}

/** Seconds, or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Path only: queries hold cursors, never secrets, but paths are enough for messages. */
const safePath = (uri: string) => {
  try {
    return new URL(uri).pathname;
  } catch {
    return '(unparsable URL)';
  }
};

const isTicketEvents = (uri: string) => /\/incremental\/ticket_events(\.json)?$/.test(new URL(uri).pathname);

function budgetKind(uri: string): BudgetKind {
  const path = new URL(uri).pathname;
  if (path.includes('/incremental/users/')) return 'users_export';
  return path.includes('/incremental/') ? 'export' : 'default';
}

function perPageOf(uri: string): number {
  return Number(new URL(uri).searchParams.get('per_page') ?? TICKET_EVENTS_PER_PAGE);
}

/** The same URL with per_page halved (never below 1), for a 504 from the ticket events export. */
export function halvePerPage(uri: string): string {
  const url = new URL(uri);
  const current = Number(url.searchParams.get('per_page') ?? TICKET_EVENTS_PER_PAGE);
  url.searchParams.set('per_page', String(Math.max(1, Math.floor(current / 2))));
  return url.toString();
}
