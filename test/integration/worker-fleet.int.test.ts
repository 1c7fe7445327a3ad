// `tally worker` as a service: several worker processes, tenants in both regions,
// the simulator live with faults and Zendesk's limits (sped up 20x). One scenario,
// in order: SIGTERM mid-sync and resume, three workers, kill -9 mid-sync and a
// replacement, tenants added, removed and revoked while running; then the live
// stream stops and the metrics must converge to the simulator's ground truth.
// The steady phase polls the daily buckets `tally metrics` sums (freshness is not
// asserted yet: too few counted events fell in the window; see the report).
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDaily } from '../../schemas/records.js';
import { STREAMS } from '../../schemas/records.js';
import { syncSchedulerId } from '../../jobs/catalog.js';
import type { SyncRun } from '../../jobs/sync-status.js';
import { storedDaily } from '../../src/metrics/stored-daily.js';
import { EXPORT_MIN_AGE_S } from '../../src/zendesk/pagers.js';
import { createZendeskSimulator, type Endpoint, type SimulatedAccountOptions, type ZendeskSimulator } from '../../src/simulator/server.js';
import { addSimulatedTenant, type Fleet, startFleet, type WorkerProcess } from '../helpers/worker-fleet.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const SPEED = 20;
const WINDOW_MS = 60_000 / SPEED;
const STEADY_MS = 30_000;
const CONVERGE_MS = 150_000;

const small = (account: string, seed: number): SimulatedAccountOptions => ({ account, seed, agents: 4, days: 1, ticketsPerDay: 12 });
// Several pages of ticket events: a sync long enough to be interrupted.
const BULK: SimulatedAccountOptions = { account: 'bulk', seed: 40, agents: 4, days: 3, ticketsPerDay: 120 };
const ACCOUNTS = [small('a1', 41), small('a2', 42), small('b1', 44), small('late', 46), small('revoked', 47), small('gone', 48), BULK];

const TENANTS = [
  { id: 'a1', region: 'us', account: 'a1', timeZone: 'America/New_York' },
  { id: 'a2', region: 'us', account: 'a2', timeZone: 'UTC' },
  { id: 'b1', region: 'eu', account: 'b1', timeZone: 'Europe/Berlin' },
  { id: 'revoked', region: 'us', account: 'revoked', timeZone: 'UTC' },
  { id: 'gone', region: 'eu', account: 'gone', timeZone: 'UTC' },
  { id: 'bulk', region: 'eu', account: 'bulk', timeZone: 'Europe/Berlin' },
] as const;
const LATE = { id: 'late', region: 'us', account: 'late', timeZone: 'Asia/Kolkata' } as const;
/** Tenants whose metrics must equal ground truth at the end. */
const CHECKED = [...TENANTS.filter((tenant) => !['revoked', 'gone', 'bulk'].includes(tenant.id)), LATE];
/** Small, live tenants present from the start: freshness is measured on these. */
const FRESHNESS = TENANTS.filter((tenant) => ['a1', 'a2', 'b1'].includes(tenant.id));

const STREAM_ENDPOINTS = new Set<Endpoint>(['users_cursor', 'ticket_events', 'tickets_cursor', 'ticket_metric_events', 'satisfaction_ratings']);

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let fleet: Fleet;

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({
    accounts: ACCOUNTS,
    speed: SPEED,
    live: { ticketsPerMinute: 10, compression: 240, tickMs: 500 },
    faults: { probability: 0.03, slowMs: 200 },
    faultSeed: 17,
  });
  await simulator.listen(0);
  fleet = startFleet(regions, {
    TALLY_ZENDESK_MINUTE_MS: String(WINDOW_MS),
    TALLY_SYNC_INTERVAL_MS: '2000',
    TALLY_RECONCILE_INTERVAL_MS: '1000',
    TALLY_LEASE_MS: '8000',
    TALLY_BUDGET_MAX_WAIT_MS: '2000',
    TALLY_SHUTDOWN_TIMEOUT_MS: '60000',
    TALLY_WORKER_CONCURRENCY: '2',
    TALLY_LOG_LEVEL: 'info',
  });
});
afterAll(async () => {
  await fleet?.close();
  await simulator?.close();
  await regions?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** An active sync job run by this worker process (its BullMQ worker name ends in its pid). */
async function activeSyncOf(worker: WorkerProcess, region: 'us' | 'eu', tenantId?: string) {
  const active = await fleet.syncQueue(region).getActive();
  return active.find((job) => job.processedBy?.endsWith(`:${worker.pid}`) && (tenantId === undefined || job.data.tenantId === tenantId));
}

const dailyOf = async (tenant: { id: string; region: string }) =>
  regions.router.region(tenant.region).db.collection<StoredDaily>('daily').find({ tenantId: tenant.id }).toArray();

const withoutTimes = (rows: StoredDaily[]) =>
  rows
    .map(({ updatedAt, ...rest }) => (void updatedAt, { ...rest }))
    .sort((a, b) => a._id.localeCompare(b._id));

const expectedDaily = (tenant: { id: string; account: string; timeZone: string }) =>
  withoutTimes(simulator.groundTruth(tenant.account, tenant.timeZone).map((row) => storedDaily(row, tenant.id, new Date(0))));

/** The buckets that differ, field by field: what a failed convergence prints. */
function bucketDiff(tenantId: string, actual: Omit<StoredDaily, 'updatedAt'>[], expected: Omit<StoredDaily, 'updatedAt'>[]): string {
  const byId = (rows: Omit<StoredDaily, 'updatedAt'>[]) => new Map(rows.map((row) => [row._id, row as Record<string, unknown>]));
  const [got, want] = [byId(actual), byId(expected)];
  const lines: string[] = [];
  for (const id of new Set([...got.keys(), ...want.keys()])) {
    const [a, b] = [got.get(id), want.get(id)];
    if (!a || !b) {
      lines.push(`  ${id}: ${a ? 'extra' : 'missing'} ${JSON.stringify(a ?? b)}`);
      continue;
    }
    const fields = Object.keys(b).filter((key) => !isDeepStrictEqual(a[key], b[key]));
    if (fields.length > 0) lines.push(`  ${id}: ${fields.map((key) => `${key} ${JSON.stringify(a[key])} want ${JSON.stringify(b[key])}`).join('; ')}`);
  }
  return `${tenantId} (${lines.length} buckets differ):\n${lines.slice(0, 20).join('\n')}`;
}

/** What freshness counts: solves and public replies, summed over every bucket. */
const counted = (rows: { solves: number; publicReplies: number }[]) => rows.reduce((sum, row) => sum + row.solves + row.publicReplies, 0);

async function runsOf(region: 'us' | 'eu', tenantId: string): Promise<{ stream: string; runs: SyncRun[] }[]> {
  return Promise.all(STREAMS.map(async (stream) => ({ stream, runs: await fleet.status(region).runs(tenantId, stream) })));
}


describe('tally worker fleet', { timeout: 420_000 }, () => {
  const workers: Record<string, WorkerProcess> = {};
  const polls = new Map<string, { at: number; count: number }[]>();
  let steadyFrom = 0;

  it('SIGTERM during a sync exits 0 after the page checkpoint, and the next worker resumes from it', async () => {
    for (const tenant of TENANTS) await addSimulatedTenant(regions, simulator, tenant);
    workers['w1'] = await fleet.start('w1');
    const job = await until('a ticket events sync of bulk on w1 past its first page', async () => {
      const found = await activeSyncOf(workers['w1'] as WorkerProcess, 'eu', 'bulk');
      if (found?.data.stream !== 'ticket_events') return null;
      // Mid-backfill: checkpointed, with days of events still to page through.
      const position = await regions.router.region('eu').checkpoints.position('bulk', 'ticket_events');
      return position !== null && Number(position) * 1000 < Date.now() - 3_600_000 ? found : null;
    }, 180_000);
    expect(job.data).toEqual({ tenantId: 'bulk', stream: 'ticket_events' });
    (workers['w1']).child.kill('SIGTERM');
    const exit = await (workers['w1']).exited;
    expect(exit, (workers['w1']).stderr()).toEqual({ code: 0, signal: null });
    const stoppedAt = await regions.router.region('eu').checkpoints.position('bulk', 'ticket_events');
    const stopped = (await fleet.status('eu').runs('bulk', 'ticket_events')).filter((run) => run.pid === workers['w1']?.pid);
    // Stopped after its page; unless that page outlasted TALLY_SHUTDOWN_TIMEOUT_MS, when the
    // process exits anyway and the job resumes once its lock lapses (no run is recorded then).
    for (const run of stopped) expect(run.outcome).toBe('stopped');
    const requestsBefore = simulator.requestLog.length;

    [workers['w2'], workers['w3'], workers['w4']] = await Promise.all([
      fleet.start('w2'),
      fleet.start('w3', { TALLY_WORKER_REGIONS: 'eu' }),
      fleet.start('w4'),
    ]);
    // The next run starts at the checkpoint the stopped one left, not at the beginning.
    const resumed = await until(
      'the bulk ticket events sync to resume elsewhere',
      () => Promise.resolve(simulator.requestLog.slice(requestsBefore).find((entry) => entry.account === 'bulk' && entry.endpoint === 'ticket_events')),
      180_000,
    );
    // Zendesk refuses a start_time under a minute old, so a checkpoint that recent resumes
    // EXPORT_MIN_AGE_S before the resuming sync began (the stopped run may have reached the end).
    const startTime = Number(new URL(resumed.path, 'http://x').searchParams.get('start_time'));
    const requestS = Math.floor(resumed.startedAt / 1000);
    if (Number(stoppedAt) < requestS - EXPORT_MIN_AGE_S - 30) expect(startTime).toBe(Number(stoppedAt));
    else {
      expect(startTime).toBeLessThanOrEqual(Number(stoppedAt));
      expect(startTime).toBeGreaterThanOrEqual(requestS - EXPORT_MIN_AGE_S - 30);
    }
    // Its backfill has served its purpose; removed, it stops taking slots from the live tenants.
    await regions.router.region('eu').db.collection<{ _id: string }>('tenants').deleteOne({ _id: 'bulk' });
  });

  it('kill -9 of a worker mid-sync: a new worker takes over', async () => {
    const victim = workers['w2'] as WorkerProcess;
    await until('an active sync on w2', async () => (await activeSyncOf(victim, 'us')) ?? (await activeSyncOf(victim, 'eu')));
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    workers['w5'] = await fleet.start('w5');
  });

  it('keeps every tenant fresh while tenants are added, removed and revoked', async () => {
    await until(
      'every tenant caught up once',
      async () => {
        for (const tenant of FRESHNESS) {
          const status = await fleet.status(tenant.region).read(tenant.id, 'ticket_events');
          if (status.caughtUpAt === null) return false;
        }
        return true;
      },
      180_000,
    );
    steadyFrom = Date.now();
    await addSimulatedTenant(regions, simulator, LATE);
    await regions.router.region('eu').db.collection<{ _id: string }>('tenants').deleteOne({ _id: 'gone' });
    simulator.revokeCredentials('revoked');
    while (Date.now() - steadyFrom < STEADY_MS) {
      for (const tenant of FRESHNESS) {
        const list = polls.get(tenant.id) ?? [];
        list.push({ at: Date.now(), count: counted(await dailyOf(tenant)) });
        polls.set(tenant.id, list);
      }
      await sleep(500);
    }

    const usSchedulers = (await fleet.tickQueue('us').getJobSchedulers(0, -1)).map((scheduler) => scheduler.key);
    const euSchedulers = (await fleet.tickQueue('eu').getJobSchedulers(0, -1)).map((scheduler) => scheduler.key);
    expect(usSchedulers).toContain(syncSchedulerId('late', 'ticket_events'));
    expect(euSchedulers.filter((id) => id.includes(':gone:'))).toEqual([]);
    expect(usSchedulers.filter((id) => id.includes(':revoked:'))).toEqual([]);
    expect((await regions.router.region('us').tenants.find('revoked'))?.status).toBe('auth_failed');
  });

  it('a revoked tenant stops retrying and shows auth_failed; the others keep syncing', async () => {
    const revokedRequests = () => simulator.requestLog.filter((entry) => entry.account === 'revoked').length;
    const before = revokedRequests();
    const othersBefore = simulator.requestLog.filter((entry) => entry.account === 'a1').length;
    await until('a1 to keep syncing', () => Promise.resolve(simulator.requestLog.filter((entry) => entry.account === 'a1').length > othersBefore + 5), 120_000);
    expect(revokedRequests()).toBe(before);
    const failedOn401 = simulator.requestLog.filter((entry) => entry.account === 'revoked' && entry.status === 401).length;
    // One 401 per stream in flight at most: no retries.
    expect(failedOn401).toBeGreaterThan(0);
    expect(failedOn401).toBeLessThanOrEqual(STREAMS.length);

    const status = await runTally(['status', '--format', 'json'], fleet.env);
    expect(status.code, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout) as { streams: { tenantId: string; stream: string; tenantStatus: string; lagSeconds: number | null }[]; queues: { queue: string }[] };
    expect(view.streams.filter((row) => row.tenantId === 'revoked').every((row) => row.tenantStatus === 'auth_failed')).toBe(true);
    const a1Events = view.streams.find((row) => row.tenantId === 'a1' && row.stream === 'ticket_events');
    expect(a1Events?.tenantStatus).toBe('active');
    expect(a1Events?.lagSeconds).not.toBeNull();
    expect(view.queues.map((queue) => queue.queue)).toContain('sync');
    const table = await runTally(['status'], fleet.env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/revoked\s+ticket_events\s+.*auth_failed/);

    // The worker's Prometheus endpoint serves the same view.
    const started = /"metricsPort":(\d+)/.exec((workers['w3'] as WorkerProcess).stderr());
    const metrics = await (await fetch(`http://127.0.0.1:${started?.[1]}/metrics`)).text();
    expect(metrics).toMatch(/tally_sync_lag_seconds\{region="eu",tenant="b1",stream="ticket_events"\} \d+/);
    expect(metrics).toContain('tally_queue_jobs{region="eu",queue="sync"');
    expect(metrics).not.toContain('tenant="a1"');
  });

  it('after the live stream stops, every tenant converges to the ground truth', async () => {
    simulator.stopLive();
    let pending: string[] = [];
    await until(
      'metrics equal to ground truth',
      async () => {
        pending = [];
        for (const tenant of CHECKED) {
          const rows = await dailyOf(tenant);
          const list = polls.get(tenant.id);
          if (list) list.push({ at: Date.now(), count: counted(rows) });
          // Deep equality: FerretDB may return a document's keys in another order.
          if (!isDeepStrictEqual(withoutTimes(rows), expectedDaily(tenant))) pending.push(tenant.id);
        }
        return pending.length === 0;
      },
      CONVERGE_MS,
    ).catch(async (error: unknown) => {
      const diffs = await Promise.all(
        CHECKED.filter((tenant) => pending.includes(tenant.id)).map(async (tenant) => {
          const streams = await Promise.all(
            STREAMS.map(async (stream) => {
              const position = await regions.router.region(tenant.region).checkpoints.position(tenant.id, stream);
              const runs = await fleet.status(tenant.region).runs(tenant.id, stream);
              return `  ${stream}: checkpoint ${position}, ${JSON.stringify(await fleet.status(tenant.region).read(tenant.id, stream))}, last runs ${JSON.stringify(runs.slice(-3).map((run) => run.outcome))}`;
            }),
          );
          return `${bucketDiff(tenant.id, withoutTimes(await dailyOf(tenant)), expectedDaily(tenant))}\n${streams.join('\n')}`;
        }),
      );
      throw new Error(`${String(error)}; not converged: ${pending.join(', ')}\n${diffs.join('\n')}`);
    });
    for (const tenant of CHECKED) expect(withoutTimes(await dailyOf(tenant))).toEqual(expectedDaily(tenant));
  });

  it('no two syncs of one (tenant, stream) overlapped, by the simulator log and the lease runs', async () => {
    const byStream = new Map<string, { startedAt: number; finishedAt: number }[]>();
    for (const entry of simulator.requestLog) {
      if (!entry.account || !entry.endpoint || !STREAM_ENDPOINTS.has(entry.endpoint)) continue;
      const key = `${entry.account}:${entry.endpoint}`;
      byStream.set(key, [...(byStream.get(key) ?? []), { startedAt: entry.startedAt, finishedAt: entry.finishedAt }]);
    }
    expect(byStream.size).toBeGreaterThanOrEqual(CHECKED.length * 4);
    for (const [key, requests] of byStream) {
      requests.sort((a, b) => a.startedAt - b.startedAt);
      for (let index = 1; index < requests.length; index++) {
        expect(requests[index]?.startedAt, key).toBeGreaterThanOrEqual(requests[index - 1]?.finishedAt as number);
      }
    }
    for (const tenant of CHECKED) {
      for (const { stream, runs } of await runsOf(tenant.region, tenant.id)) {
        expect(runs.length, `${tenant.id}:${stream}`).toBeGreaterThan(0);
        const ordered = [...runs].sort((a, b) => a.startedAt - b.startedAt);
        for (let index = 1; index < ordered.length; index++) {
          const [previous, current] = [ordered[index - 1] as SyncRun, ordered[index] as SyncRun];
          expect(current.startedAt, `${tenant.id}:${stream}`).toBeGreaterThanOrEqual(previous.endedAt);
          expect(current.fence > previous.fence, `${tenant.id}:${stream} fences grow`).toBe(true);
        }
      }
    }
    // The eu-only worker never ran a us job.
    for (const tenant of CHECKED.filter((candidate) => candidate.region === 'us')) {
      for (const { runs } of await runsOf('us', tenant.id)) expect(runs.some((run) => run.pid === workers['w3']?.pid)).toBe(false);
    }
    expect((await runsOf('eu', 'b1')).some(({ runs }) => runs.some((run) => run.pid === workers['w3']?.pid))).toBe(true);
  });

  it("no account's limits were exceeded beyond a small tolerance", () => {
    const limits = { account: 700, export: 10, users_export: 20 };
    const kindOf = (endpoint: Endpoint | null) =>
      endpoint === 'users_cursor' ? 'users_export' : endpoint && ['ticket_events', 'tickets_cursor', 'ticket_metric_events'].includes(endpoint) ? 'export' : null;
    let worst = 0;
    for (const account of ACCOUNTS.map((spec) => spec.account)) {
      const entries = simulator.requestLog.filter((entry) => entry.account === account);
      for (const kind of ['account', 'export', 'users_export'] as const) {
        const times = entries.filter((entry) => kind === 'account' || kindOf(entry.endpoint) === kind).map((entry) => entry.startedAt).sort((a, b) => a - b);
        let start = 0;
        for (let end = 0; end < times.length; end++) {
          while ((times[end] as number) - (times[start] as number) >= WINDOW_MS) start++;
          worst = Math.max(worst, (end - start + 1) / limits[kind]);
          expect(end - start + 1, `${account} ${kind}`).toBeLessThanOrEqual(Math.ceil(limits[kind] * 1.2));
        }
      }
    }
    expect(worst).toBeGreaterThan(0);
  });
});
