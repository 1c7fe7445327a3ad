// ZendeskClient against the simulator, with its request budget in the real Redis.
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FaultOptions } from '../../src/simulator/faults.js';
import { createZendeskSimulator, type SimulatedAccountOptions, type ZendeskSimulator } from '../../src/simulator/server.js';
import { type BudgetLimits, RequestBudget, ZENDESK_LIMITS } from '../../src/zendesk/request-budget.js';
import { ZendeskClient, type ZendeskClientEvent } from '../../src/zendesk/zendesk-client.js';
import { ZendeskError } from '../../src/zendesk/zendesk-error.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';

const ACCOUNT: SimulatedAccountOptions = { account: 'acme', seed: 3, agents: 6, days: 3, ticketsPerDay: 60 };
const redis = new Redis(localConfig().redisUrl, { maxRetriesPerRequest: 3 });
const simulators: ZendeskSimulator[] = [];

afterEach(async () => {
  while (simulators.length > 0) await simulators.pop()?.close();
});
afterAll(() => redis.quit());

async function simulate(account: Partial<SimulatedAccountOptions> = {}, extra: { speed?: number; faults?: FaultOptions } = {}) {
  const sim = createZendeskSimulator({ accounts: [{ ...ACCOUNT, ...account }], ...extra });
  simulators.push(sim);
  await sim.listen(0);
  return sim;
}

function clientFor(
  sim: ZendeskSimulator,
  options: { limits?: BudgetLimits; budgetKey?: string; token?: string; retries?: number; events?: ZendeskClientEvent[]; signal?: AbortSignal; retryDelayMs?: number } = {},
) {
  const account = sim.accounts.get('acme');
  return new ZendeskClient({
    rootUrl: sim.rootUrl('acme'),
    email: account?.email ?? '',
    token: options.token ?? account?.token ?? '',
    budget: new RequestBudget(redis, options.budgetKey ?? uniqueName('budget'), options.limits ?? { ...ZENDESK_LIMITS, accountPerMinute: 100_000, exportPerMinute: 100_000 }),
    retries: options.retries ?? 8,
    minRetryDelayMs: options.retryDelayMs ?? 10,
    maxRetryDelayMs: Math.max(50, options.retryDelayMs ?? 50),
    onEvent: (event) => options.events?.push(event),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

const errorOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (error instanceof ZendeskError) return error;
  throw new Error(`expected a ZendeskError, got ${String(error)}`);
};

describe('ZendeskClient', () => {
  it('reads one absolute URL and returns the parsed body', async () => {
    const sim = await simulate();
    const client = clientFor(sim);
    const body = (await client.get(client.url('users/me'))) as { user: { role: string } };
    expect(body.user.role).toBe('admin');
  });

  it('refuses URLs outside the account API, so credentials never leave it', async () => {
    const sim = await simulate();
    const error = await errorOf(clientFor(sim).get('http://127.0.0.1:1/elsewhere/api/v2/users/me.json'));
    expect(error.code).toBe('ZD_BAD_REQUEST');
    expect(sim.requestLog).toHaveLength(0);
  });

  it('gives ZD_AUTH on 401 without retrying, and never puts the token in the message', async () => {
    const sim = await simulate();
    const error = await errorOf(clientFor(sim, { token: 'revoked-token-value' }).get(clientFor(sim).url('users/me')));
    expect(error.code).toBe('ZD_AUTH');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('revoked-token-value');
    expect(sim.requestLog).toHaveLength(1);
  });

  it('gives ZD_FORBIDDEN on a plan-gated stream', async () => {
    const sim = await simulate({ disabledEndpoints: ['satisfaction_ratings'] });
    const client = clientFor(sim);
    expect((await errorOf(client.get(client.url('satisfaction_ratings')))).code).toBe('ZD_FORBIDDEN');
  });

  it('retries 5xx, dropped connections, truncated and malformed bodies until it gets a good page', async () => {
    const sim = await simulate({}, { faults: { probability: 0.6, kinds: ['server_error', 'bad_gateway', 'dropped', 'truncated', 'malformed', 'unavailable'] } });
    const events: ZendeskClientEvent[] = [];
    const client = clientFor(sim, { events });
    for (let i = 0; i < 5; i++) {
      const body = (await client.get(client.url('incremental/ticket_events', { start_time: 0, per_page: 10 }))) as { ticket_events: unknown[] };
      expect(body.ticket_events).toHaveLength(10);
    }
    expect(sim.requestLog.filter((entry) => entry.fault).length).toBeGreaterThan(2);
    expect(events.filter((event) => event.type === 'retry').length).toBeGreaterThan(0);
  });

  it('turns an HTML or malformed body into ZD_MALFORMED, never an empty result', async () => {
    const sim = await simulate({}, { faults: { probability: 1, kinds: ['malformed'] } });
    const error = await errorOf(clientFor(sim, { retries: 1 }).get(clientFor(sim).url('users/me')));
    expect(error.code).toBe('ZD_MALFORMED');
    expect(sim.requestLog).toHaveLength(2);
  });

  it('halves per_page when the ticket events export answers 504', async () => {
    const sim = await simulate({}, { faults: { probability: 1, kinds: ['gateway_timeout'] } });
    const client = clientFor(sim, { retries: 3 });
    const error = await errorOf(client.get(client.url('incremental/ticket_events', { start_time: 0, per_page: 1000 })));
    expect(error.code).toBe('ZD_SERVER');
    expect(sim.requestLog.map((entry) => new URL(entry.path, 'http://x').searchParams.get('per_page'))).toEqual(['1000', '500', '250', '125']);
  });

  it('under a 429 storm, sends nothing to the account before Retry-After has passed', async () => {
    const sim = await simulate({ rateLimit: 4 }, { speed: 60 });
    // A budget that believes the limit is far higher, so the simulator's 429s happen.
    const client = clientFor(sim, { limits: { ...ZENDESK_LIMITS, accountPerMinute: 10_000, windowMs: 1_000 } });
    for (let i = 0; i < 12; i++) await client.get(client.url('users/me'));
    const log = sim.requestLog;
    const limited = log.filter((entry) => entry.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const refusal of limited) {
      const next = log.find((entry) => entry.seq > refusal.seq);
      if (next) expect(next.startedAt).toBeGreaterThanOrEqual(refusal.startedAt + 1_000);
    }
    expect(log.filter((entry) => entry.status === 200)).toHaveLength(12);
  });

  it('shares one budget between two processes of one account: no 429 at the real limits', async () => {
    const sim = await simulate({ rateLimit: 30, exportRateLimit: 10 }, { speed: 60 });
    const limits: BudgetLimits = { accountPerMinute: 30, exportPerMinute: 10, usersExportPerMinute: 20, windowMs: 1_000, share: ZENDESK_LIMITS.share };
    const budgetKey = uniqueName('shared');
    const secondRedis = new Redis(localConfig().redisUrl);
    try {
      const first = clientFor(sim, { limits, budgetKey });
      const account = sim.accounts.get('acme');
      const second = new ZendeskClient({
        rootUrl: sim.rootUrl('acme'),
        email: account?.email ?? '',
        token: account?.token ?? '',
        budget: new RequestBudget(secondRedis, budgetKey, limits),
      });
      const run = async (client: ZendeskClient) => {
        for (let i = 0; i < 12; i++) await client.get(client.url('incremental/ticket_events', { start_time: 0, per_page: 5 }));
      };
      await Promise.all([run(first), run(second)]);
      expect(sim.requestLog.filter((entry) => entry.status === 429)).toEqual([]);
      expect(sim.requestLog.filter((entry) => entry.status === 200)).toHaveLength(24);
    } finally {
      await secondRedis.quit();
    }
  });

  describe('cancelled by its signal (SIGTERM, lease loss)', () => {
    /** The reason a sync is cancelled with; the client must reject with this very error. */
    class Cancelled extends Error {}
    const cancelledSoon = () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Cancelled('stop')), 300);
      return controller.signal;
    };

    it('ends a budget wait at once, rejecting with the reason, and sends nothing more', async () => {
      const sim = await simulate();
      // One request a minute: the second waits about a minute in the budget.
      const client = clientFor(sim, { limits: { ...ZENDESK_LIMITS, accountPerMinute: 1 }, signal: cancelledSoon() });
      await client.get(client.url('users/me'));
      await expect(client.get(client.url('users/me'))).rejects.toBeInstanceOf(Cancelled);
      expect(sim.requestLog).toHaveLength(1);
    });

    it('ends a retry delay at once, rejecting with the reason', async () => {
      const sim = await simulate({}, { faults: { probability: 1, kinds: ['server_error'] } });
      const client = clientFor(sim, { retryDelayMs: 120_000, signal: cancelledSoon() });
      await expect(client.get(client.url('users/me'))).rejects.toBeInstanceOf(Cancelled);
      expect(sim.requestLog).toHaveLength(1);
    });

    it('drops a request in flight, rejecting with the reason rather than ZD_TIMEOUT or ZD_NETWORK', async () => {
      const sim = await simulate({}, { faults: { probability: 1, kinds: ['slow'], slowMs: 20_000 } });
      const client = clientFor(sim, { signal: cancelledSoon() });
      await expect(client.get(client.url('users/me'))).rejects.toBeInstanceOf(Cancelled);
    });

    it('starts no request once aborted', async () => {
      const sim = await simulate();
      const controller = new AbortController();
      controller.abort(new Cancelled('stop'));
      const client = clientFor(sim, { signal: controller.signal });
      await expect(client.get(client.url('users/me'))).rejects.toBeInstanceOf(Cancelled);
      expect(sim.requestLog).toHaveLength(0);
    });
  });
});
