/**
 * The scenario of the outage tests (test/integration/sync-outage-*.int.test.ts): one
 * `tally worker` over a simulated account; a first tenant synced undisturbed is the
 * reference; a second tenant of the same account is synced through an outage, and
 * must end with the same facts and daily buckets (and the simulator's ground truth).
 * Every wait is bounded, each poll included (a poll on a server that is down or
 * wedged counts as "not yet" after CHECK_TIMEOUT_MS).
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { type StoredDaily, type StoredFact, STREAMS } from '../../schemas/records.js';
import { storedDaily } from '../../src/metrics/stored-daily.js';
import { createZendeskSimulator, type SimulatedAccountOptions, type ZendeskSimulator } from '../../src/simulator/server.js';
import type { TwoRegions } from './two-regions.js';
import { addSimulatedTenant, type Fleet, startFleet, type WorkerProcess } from './worker-fleet.js';

const SPEED = 20;
export const REGION = 'eu';
const TIME_ZONE = 'Europe/Berlin';
// Several pages of ticket events (1,000 a page): a backfill long enough to be interrupted.
// Limits high enough that the three streams of export never wait on each other's budget.
const ACCOUNT: SimulatedAccountOptions = { account: 'outage', seed: 61, agents: 4, days: 3, ticketsPerDay: 100, exportRateLimit: 200, rateLimit: 2_000 };
export const SETTLE_MS = 240_000;
const CHECK_TIMEOUT_MS = 20_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects after ms: no single call may hang a test. */
export function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls until check returns a value; a check that throws or hangs counts as not yet. */
export async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    const value = await within(what, CHECK_TIMEOUT_MS, check()).catch((error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error);
      return null;
    });
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await sleep(everyMs);
  }
}

type Row = Record<string, unknown> & { _id: string };
export interface TenantState {
  readonly facts: Row[];
  readonly daily: Row[];
}

function withoutTenant(tenantId: string, rows: { _id: string; tenantId: string; updatedAt?: Date }[]): Row[] {
  return rows
    .map(({ _id, tenantId: owner, updatedAt, ...rest }) => {
      void updatedAt;
      if (owner !== tenantId || !_id.startsWith(`${tenantId}:`)) throw new Error(`a row of ${owner} (${_id}) among ${tenantId}'s`);
      return { _id: _id.slice(tenantId.length + 1), ...rest };
    })
    .sort((a, b) => a._id.localeCompare(b._id));
}

export interface OutageScenario {
  readonly regions: TwoRegions;
  readonly simulator: ZendeskSimulator;
  readonly fleet: Fleet;
  readonly worker: WorkerProcess;
  /** The undisturbed tenant ('calm'), settled. */
  readonly reference: TenantState;
  addTenant(id: string): Promise<void>;
  snapshot(tenantId: string): Promise<TenantState>;
  /** Every stream caught up by a run started after `since`, and the buckets equal the ground truth. */
  settled(tenantId: string, since: number): Promise<TenantState | null>;
  /** A ticket events backfill of the tenant running, past its first page with pages to go: its position. */
  midBackfill(tenantId: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Regions must already point where the test wants (TALLY_TEST_MONGODB_HOST); `redisUrl` is the worker's Redis. */
export async function startOutageScenario(regions: TwoRegions, redisUrl: string): Promise<OutageScenario> {
  const simulator = createZendeskSimulator({ accounts: [ACCOUNT], speed: SPEED });
  await simulator.listen(0);
  const fleet = startFleet(regions, {
    REDIS_URL: redisUrl,
    TALLY_WORKER_REGIONS: REGION,
    TALLY_ZENDESK_MINUTE_MS: String(60_000 / SPEED),
    TALLY_ZENDESK_RATE_LIMIT: String(ACCOUNT.rateLimit),
    TALLY_ZENDESK_EXPORT_RATE_LIMIT: String(ACCOUNT.exportRateLimit),
    TALLY_SYNC_INTERVAL_MS: '2000',
    TALLY_RECONCILE_INTERVAL_MS: '1000',
    TALLY_LEASE_MS: '6000',
    TALLY_BUDGET_MAX_WAIT_MS: '2000',
    TALLY_WORKER_CONCURRENCY: '3',
    TALLY_LOG_LEVEL: 'info',
  });
  const database = () => regions.router.region(REGION);
  const snapshot = async (tenantId: string): Promise<TenantState> => {
    const [facts, daily] = await Promise.all([
      database().db.collection<StoredFact>('facts').find({ tenantId }).toArray(),
      database().db.collection<StoredDaily>('daily').find({ tenantId }).toArray(),
    ]);
    return { facts: withoutTenant(tenantId, facts), daily: withoutTenant(tenantId, daily) };
  };
  const groundTruth = (tenantId: string) => withoutTenant(tenantId, simulator.groundTruth(ACCOUNT.account, TIME_ZONE).map((row) => storedDaily(row, tenantId, new Date(0))));
  const settled = async (tenantId: string, since: number) => {
    for (const stream of STREAMS) {
      const status = await fleet.status(REGION).read(tenantId, stream);
      if (status.caughtUpAt === null || status.caughtUpAt < since) return null;
    }
    const state = await snapshot(tenantId);
    // Deep equality: FerretDB may return a document's keys in another order.
    return isDeepStrictEqual(state.daily, groundTruth(tenantId)) ? state : null;
  };
  const addTenant = (id: string) => addSimulatedTenant(regions, simulator, { id, region: REGION, account: ACCOUNT.account, timeZone: TIME_ZONE });
  let worker: WorkerProcess | undefined;
  const close = async () => {
    for (const step of [() => fleet.close(), () => simulator.close()]) {
      await within('closing the outage scenario', 60_000, step()).catch((error: unknown) => console.error('cleanup step failed:', error));
    }
  };
  try {
    await addTenant('calm');
    worker = await fleet.start('outages');
    const reference = await until('the undisturbed tenant to settle', () => settled('calm', 0), SETTLE_MS, 1_000);
    if (reference.facts.length === 0) throw new Error('the reference tenant has no facts');
    return {
      regions,
      simulator,
      fleet,
      worker,
      reference,
      addTenant,
      snapshot,
      settled,
      midBackfill: async (tenantId) => {
        const active = await fleet.syncQueue(REGION).getActive();
        if (!active.some((job) => job.data.tenantId === tenantId && job.data.stream === 'ticket_events')) return null;
        const position = await database().checkpoints.position(tenantId, 'ticket_events');
        return position !== null && Number(position) * 1000 < Date.now() - 6 * 3_600_000 ? position : null;
      },
      close,
    };
  } catch (error) {
    if (worker) console.error(`worker stderr (tail):\n${worker.stderr().slice(-4_000)}`);
    await close();
    throw error;
  }
}

/** A server of the test's own that the scenario takes down and brings back. */
interface Restartable {
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Kills the server, leaves it down for downMs, starts it again: when it was back. */
export async function restart(server: Restartable, downMs: number): Promise<number> {
  await server.kill();
  await sleep(downMs);
  await server.start();
  return Date.now();
}

/**
 * Cleanup for an outage test: the server back up (so the worker can stop cleanly), then
 * the scenario, the regions and the server closed, each step bounded and on its own, so
 * a failed one leaves no process or database behind.
 */
export async function closeOutage(server: Restartable | undefined, scenario: OutageScenario | undefined, regions: TwoRegions | undefined): Promise<void> {
  const steps = [() => server?.start().catch(() => undefined), () => scenario?.close(), () => regions?.close(), () => server?.close()];
  for (const step of steps) await within('cleanup', 60_000, Promise.resolve(step())).catch((error: unknown) => console.error('cleanup step failed:', error));
}

/** Waits for the tenant to settle after the restart, and checks the worker stayed up and the tenant's results equal the reference's. */
export async function expectSettledLikeReference(scenario: OutageScenario, tenantId: string, restartedAt: number): Promise<void> {
  const { worker, reference } = scenario;
  const state = await until(`${tenantId} to settle after the outage`, () => scenario.settled(tenantId, restartedAt), SETTLE_MS, 1_000).catch((error: unknown) => {
    throw new Error(`${String(error)}\nworker stderr (tail):\n${worker.stderr().slice(-6_000)}`);
  });
  expect(worker.child.exitCode, worker.stderr().slice(-4_000)).toBeNull();
  expect(worker.child.signalCode).toBeNull();
  expect(state.daily).toEqual(reference.daily);
  expect(state.facts).toEqual(reference.facts);
}
