// Issue 15 item 12: the ticket events export's end_time becomes the stream's
// checkpoint, so one that goes backwards (before the page's start_time, negative
// included) or lies in the future beyond clock skew is refused with a typed error and
// the checkpoint stays where it was. Genuine simulator pages with end_time changed on
// the way (test/helpers/tampering-proxy.ts). Real simulator, FerretDB and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncStream } from '../../src/ingest/sync-stream.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { ZendeskError } from '../../src/zendesk/zendesk-error.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { tamperingProxy, type TamperingProxy } from '../helpers/tampering-proxy.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const SMALL = { account: 'acme', seed: 5, agents: 5, days: 2, ticketsPerDay: 25, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };

/** What the next ticket events page's end_time becomes, from the request's start_time; undefined leaves it. */
let endTimeOf: ((startTime: number) => number) | undefined;

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let proxy: TamperingProxy;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [SMALL], now: () => NOW });
  await simulator.listen(0);
  proxy = tamperingProxy(simulator, (path, body, _request, query) => {
    if (path === 'incremental/ticket_events' && endTimeOf) body['end_time'] = endTimeOf(Number(query.get('start_time')));
  });
  await proxy.listen();
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  await proxy?.close();
  await simulator?.close();
  await regions?.close();
});

const nowS = () => Math.floor(Date.now() / 1000);

describe('a ticket events end_time (issue 15 item 12)', { timeout: 60_000 }, () => {
  it.each([
    ['negative', 'end-negative', () => -5],
    ['before the page’s start_time', 'end-before', (start: number) => start - 3600],
    ['in the year 2100', 'end-2100', () => 4102444800],
    ['a day in the future', 'end-tomorrow', () => nowS() + 86_400],
  ] as const)('%s is refused with ZD_END_TIME_INVALID and the checkpoint does not move', async (_name, id, endTime) => {
    const { context, redis } = await tenantForSimulator(regions, proxy.simulator, { id, region: 'us' });
    redises.push(redis);
    const checkpoints = regions.router.region('us').checkpoints;

    // A first run through untampered pages leaves a checkpoint; the next one is sent the bad end_time.
    endTimeOf = undefined;
    expect((await syncStream(await context(), 'ticket_events')).status).toBe('done');
    const before = await checkpoints.position(id, 'ticket_events');
    expect(Number(before)).toBeGreaterThan(0);

    endTimeOf = endTime;
    const error = await syncStream(await context(), 'ticket_events').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    endTimeOf = undefined;
    expect(error).toBeInstanceOf(ZendeskError);
    expect((error as ZendeskError).code).toBe('ZD_END_TIME_INVALID');
    expect((error as ZendeskError).message).toMatch(/end_time/);
    expect(await checkpoints.position(id, 'ticket_events')).toBe(before);
  });

  it('accepts an end_time equal to the start_time (an empty page) and one within clock skew ahead', async () => {
    const { context, redis } = await tenantForSimulator(regions, proxy.simulator, { id: 'end-fine', region: 'us' });
    redises.push(redis);
    endTimeOf = (start) => start;
    expect((await syncStream(await context(), 'ticket_events')).status).toBe('done');
    const ahead = nowS() + 60;
    endTimeOf = () => ahead;
    expect((await syncStream(await context(), 'ticket_events')).status).toBe('done');
    endTimeOf = undefined;
    expect(Number(await regions.router.region('us').checkpoints.position('end-fine', 'ticket_events'))).toBe(ahead);
  });
});
