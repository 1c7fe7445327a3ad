// Issue 15 item 6: one out-of-range record must not stop a stream. Genuine simulator
// pages, with one record per stream made out of range on its way (test/helpers/
// tampering-proxy.ts), every time it is served: the record is quarantined and counted,
// the stream's checkpoint moves past it exactly as in an untampered run, and every
// other record is stored as in that run. Real simulator, FerretDB and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCursor, StoredFact, StoredQuarantine } from '../../schemas/records.js';
import { STREAM_ORDER, syncTenant } from '../../src/ingest/sync-tenant.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { factsOf, tenantForSimulator } from '../helpers/sync-harness.js';
import { tamperingProxy, type TamperingProxy } from '../helpers/tampering-proxy.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const SMALL = { account: 'acme', seed: 5, agents: 5, days: 2, ticketsPerDay: 25, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };

type Row = Record<string, unknown>;
const recordsOf = (body: Row, key: string) => (Array.isArray(body[key]) ? (body[key] as Row[]) : []);

/** The records made out of range, chosen on first sight and broken every time they are served. */
const chosen: {
  farEvent?: number;
  farEventTicket?: number;
  fractionalEvent?: number;
  fractionalEventTicket?: number;
  farTicket?: number;
  farMetric?: number;
  negativeMetric?: number;
  negativeMetricTicket?: number;
  farRating?: number;
  longUser?: number;
} = {};

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let proxy: TamperingProxy;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [SMALL], now: () => NOW });
  await simulator.listen(0);
  const totalField = String(simulator.world('acme').timeFields.total);
  proxy = tamperingProxy(simulator, (path, body) => {
    switch (path) {
      case 'incremental/ticket_events': {
        const events = recordsOf(body, 'ticket_events');
        chosen.farEvent ??= events[0]?.['id'] as number;
        chosen.farEventTicket ??= events[0]?.['ticket_id'] as number;
        const timed = events.find(
          (event) =>
            event['id'] !== chosen.farEvent &&
            event['ticket_id'] !== chosen.farEventTicket &&
            (event['child_events'] as Row[]).some((child) => totalField in ((child['custom_ticket_fields'] as Row | undefined) ?? {})),
        );
        if (timed && chosen.fractionalEvent === undefined) {
          chosen.fractionalEvent = timed['id'] as number;
          chosen.fractionalEventTicket = timed['ticket_id'] as number;
        }
        for (const event of events) {
          // Unix seconds in the year 5138: a Date of it is Invalid Date.
          if (event['id'] === chosen.farEvent) event['timestamp'] = 99999999999999;
          if (event['id'] === chosen.fractionalEvent) {
            for (const child of event['child_events'] as Row[]) {
              const fields = child['custom_ticket_fields'] as Row | undefined;
              if (fields && totalField in fields) fields[totalField] = '600.5';
            }
          }
        }
        return;
      }
      case 'incremental/tickets/cursor': {
        const tickets = recordsOf(body, 'tickets');
        chosen.farTicket ??= tickets[0]?.['id'] as number;
        for (const ticket of tickets) if (ticket['id'] === chosen.farTicket) ticket['generated_timestamp'] = 99999999999999;
        return;
      }
      case 'incremental/ticket_metric_events': {
        const events = recordsOf(body, 'ticket_metric_events');
        chosen.farMetric ??= events[0]?.['id'] as number;
        const measured = events.find((event) => event['id'] !== chosen.farMetric && event['type'] === 'update_status' && event['status'] !== undefined);
        if (measured && chosen.negativeMetric === undefined) {
          chosen.negativeMetric = measured['id'] as number;
          chosen.negativeMetricTicket = measured['ticket_id'] as number;
        }
        for (const event of events) {
          if (event['id'] === chosen.farMetric) event['time'] = '9999-12-31T23:59:59Z';
          if (event['id'] === chosen.negativeMetric) event['status'] = { calendar: -5, business: -5 };
        }
        return;
      }
      case 'satisfaction_ratings': {
        const ratings = recordsOf(body, 'satisfaction_ratings');
        chosen.farRating ??= ratings[0]?.['id'] as number;
        for (const rating of ratings) if (rating['id'] === chosen.farRating) rating['created_at'] = '9999-12-31T23:59:59Z';
        return;
      }
      case 'incremental/users/cursor': {
        const users = recordsOf(body, 'users');
        chosen.longUser ??= users.find((user) => user['role'] === 'agent')?.['id'] as number;
        for (const user of users) if (user['id'] === chosen.longUser) user['name'] = 'N'.repeat(5_000);
        return;
      }
    }
  });
  await proxy.listen();
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  await proxy?.close();
  await simulator?.close();
  await regions?.close();
});

const database = () => regions.router.region('us');
const cursorsOf = async (tenantId: string) =>
  Object.fromEntries(
    (await database().db.collection<StoredCursor>('cursors').find({ tenantId }).toArray()).map((cursor) => [cursor.stream, cursor.position]),
  );
const quarantineOf = (tenantId: string) => database().db.collection<StoredQuarantine>('quarantine').find({ tenantId }).toArray();

/** Facts by id without the tenant, leaving out the tickets whose records were broken and the broken records' own facts. */
function unaffected(facts: StoredFact[], tenantId: string): Row[] {
  const tickets = new Set([chosen.farEventTicket, chosen.fractionalEventTicket, chosen.farTicket, chosen.negativeMetricTicket]);
  const sources = new Set([chosen.farMetric, chosen.negativeMetric, chosen.farRating].map(String));
  return facts
    .filter((fact) => !tickets.has(fact.ticketId) && !sources.has(fact._id.split(':')[2] as string))
    .map(({ _id, tenantId: _tenant, ...rest }) => ({ id: _id.slice(tenantId.length + 1), ...rest }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe('an out-of-range record (issue 15 item 6)', { timeout: 120_000 }, () => {
  it('is quarantined and counted, the checkpoint moves past it, and the other records are stored', async () => {
    const clean = await tenantForSimulator(regions, simulator, { id: 'bounds-clean', region: 'us' });
    const broken = await tenantForSimulator(regions, proxy.simulator, { id: 'bounds-broken', region: 'us' });
    redises.push(clean.redis, broken.redis);
    await syncTenant(await clean.context());
    const reports = await syncTenant(await broken.context());

    expect(reports.map((report) => [report.stream, report.status])).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));
    const quarantine = await quarantineOf('bounds-broken');
    const quarantinedIds = (stream: string) => quarantine.filter((entry) => entry.stream === stream).map((entry) => Number(entry.recordId)).sort();
    expect(quarantinedIds('ticket_events')).toEqual([chosen.farEvent, chosen.fractionalEvent].sort());
    expect(quarantinedIds('tickets')).toEqual([chosen.farTicket]);
    expect(quarantinedIds('ticket_metric_events')).toEqual([chosen.farMetric, chosen.negativeMetric].sort());
    expect(quarantinedIds('satisfaction_ratings')).toEqual([chosen.farRating]);
    expect(quarantinedIds('users')).toEqual([chosen.longUser]);
    for (const report of reports) expect(report.quarantined, report.stream).toBe(quarantinedIds(report.stream).length);

    // Every checkpoint is where the untampered run's is.
    expect(await cursorsOf('bounds-broken')).toEqual(await cursorsOf('bounds-clean'));
    const cleanFacts = await factsOf(regions, 'us', 'bounds-clean');
    expect(unaffected(await factsOf(regions, 'us', 'bounds-broken'), 'bounds-broken')).toEqual(unaffected(cleanFacts, 'bounds-clean'));
    expect(unaffected(cleanFacts, 'bounds-clean').length).toBeGreaterThan(100);
    const agentIds = async (tenantId: string) => (await database().agents.ids(tenantId)).sort();
    expect(await agentIds('bounds-broken')).toEqual((await agentIds('bounds-clean')).filter((id) => id !== chosen.longUser));

    // The next run, served the same broken records, still completes.
    const again = await syncTenant(await broken.context());
    expect(again.map((report) => [report.stream, report.status])).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));
    expect(await cursorsOf('bounds-broken')).toEqual(await cursorsOf('bounds-clean'));
  });
});
