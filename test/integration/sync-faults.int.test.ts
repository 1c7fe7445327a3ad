// The sync against a misbehaving Zendesk: transient faults, records it must
// quarantine, plan-gated streams and revoked credentials. Real simulator, FerretDB
// and Redis throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredQuarantine, StoredTenant } from '../../schemas/records.js';
import { STREAM_ORDER, syncTenant } from '../../src/ingest/sync-tenant.js';
import { dailyRows } from '../../src/metrics/daily-rows.js';
import { createZendeskSimulator, type SimulatedAccountOptions, type ZendeskSimulator } from '../../src/simulator/server.js';
import { comparable, factsOf, tenantForSimulator } from '../helpers/sync-harness.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const SMALL = { account: 'acme', seed: 5, agents: 5, days: 2, ticketsPerDay: 25, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
const GATED: SimulatedAccountOptions = { ...SMALL, account: 'gated', seed: 6, disabledEndpoints: ['satisfaction_ratings'] };
const REVOKED = { ...SMALL, account: 'revoked', seed: 7 };
const QUARANTINE_KEYS = ['_id', 'tenantId', 'stream', 'recordId', 'errors', 'at'];

let regions: TwoRegions;
let clean: ZendeskSimulator;
let faulty: ZendeskSimulator;
let invalid: ZendeskSimulator;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  clean = createZendeskSimulator({ accounts: [SMALL, GATED, REVOKED], now: () => NOW });
  // Fault draws follow the request order: these seeds put faults of several kinds
  // (drift included), and invalid records on several streams, into these small syncs.
  // Short slow answers keep the file quick.
  faulty = createZendeskSimulator({ accounts: [SMALL], now: () => NOW, faults: { probability: 0.05, slowMs: 100 }, faultSeed: 2395 });
  invalid = createZendeskSimulator({ accounts: [SMALL], now: () => NOW, faults: { probability: 0.2, kinds: ['invalid'] }, faultSeed: 75 });
  for (const simulator of [clean, faulty, invalid]) await simulator.listen(0);
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  for (const simulator of [clean, faulty, invalid]) await simulator?.close();
  await regions?.close();
});

async function tenant(simulator: ZendeskSimulator, id: string, account = 'acme') {
  const harness = await tenantForSimulator(regions, simulator, { id, region: 'us', account });
  redises.push(harness.redis);
  return harness;
}

const storedTenant = async (id: string) => (await regions.router.region('us').tenants.find(id)) as StoredTenant;

const withoutTenant = (documents: { _id: string; tenantId: string }[]) =>
  documents.map(({ _id, tenantId, ...rest }) => ({ id: _id.slice(tenantId.length + 1), ...rest })).sort((a, b) => a.id.localeCompare(b.id));

const ticketsOf = async (tenantId: string) =>
  withoutTenant(await regions.router.region('us').db.collection<{ _id: string; tenantId: string }>('tickets').find({ tenantId }).toArray());

const statuses = (reports: { stream: string; status: string }[]) => reports.map((report) => [report.stream, report.status]);

describe('sync under faults', { timeout: 60_000 }, () => {
  it('with 5% faults of every survivable kind ends with the same store as without faults', async () => {
    const calm = await tenant(clean, 'calm');
    const stormy = await tenant(faulty, 'stormy');
    const calmReports = await syncTenant(await calm.context());
    const stormyReports = await syncTenant(await stormy.context());

    expect(statuses(calmReports)).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));
    expect(statuses(stormyReports)).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));
    // Drift only touches fields tally does not read: nothing is quarantined.
    expect(stormyReports.reduce((sum, report) => sum + report.quarantined, 0)).toBe(0);
    expect(faulty.requestLog.filter((entry) => entry.status !== 200).length).toBeGreaterThan(0);
    expect(new Set(faulty.requestLog.flatMap((entry) => entry.fault ?? [])).size).toBeGreaterThan(1);

    const facts = await factsOf(regions, 'us', 'stormy');
    expect(withoutTenant(facts)).toEqual(withoutTenant(await factsOf(regions, 'us', 'calm')));
    expect(await ticketsOf('stormy')).toEqual(await ticketsOf('calm'));
    for (const zone of ['UTC', 'Europe/Berlin']) {
      expect(comparable(dailyRows(facts, zone) as unknown as Record<string, unknown>[])).toEqual(
        comparable(faulty.groundTruth('acme', zone) as unknown as Record<string, unknown>[]),
      );
    }
  });

  it('quarantines records invalid on fields it reads, by id and error paths only, counts them and carries on', async () => {
    const { context } = await tenant(invalid, 'invalid');
    const reports = await syncTenant(await context());

    expect(statuses(reports)).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));
    const quarantine = await regions.router.region('us').db.collection<StoredQuarantine>('quarantine').find({ tenantId: 'invalid' }).toArray();
    expect(new Set(quarantine.map((entry) => entry.stream)).size).toBeGreaterThan(1);
    for (const entry of quarantine) {
      expect(Object.keys(entry).filter((key) => !QUARANTINE_KEYS.includes(key))).toEqual([]);
      expect(entry.recordId).toMatch(/^\d+$/);
      expect(entry.errors.length).toBeGreaterThan(0);
      // The simulator breaks the first of these that a record has.
      for (const error of entry.errors) expect(['ticket_id', 'generated_timestamp', 'updated_at']).toContain(error.path);
    }
    for (const report of reports) {
      expect(report.quarantined, report.stream).toBe(quarantine.filter((entry) => entry.stream === report.stream).length);
    }
    expect(reports.find((report) => report.stream === 'ticket_events')?.stored).toBeGreaterThan(0);
    expect((await factsOf(regions, 'us', 'invalid')).length).toBeGreaterThan(0);
  });

  it('marks a stream that answers 403 unavailable for the tenant, syncs the others, and skips it next time', async () => {
    const { context } = await tenant(clean, 'gated', 'gated');
    const reports = await syncTenant(await context());

    expect(statuses(reports)).toEqual(STREAM_ORDER.map((stream) => [stream, stream === 'satisfaction_ratings' ? 'unavailable' : 'done']));
    expect((await storedTenant('gated')).unavailableStreams).toContain('satisfaction_ratings');
    const ratingRequests = () => clean.requestLog.filter((entry) => entry.account === 'gated' && entry.endpoint === 'satisfaction_ratings').length;
    const before = ratingRequests();
    const again = await syncTenant(await context());
    expect(again.find((report) => report.stream === 'satisfaction_ratings')?.status).toBe('unavailable');
    expect(ratingRequests()).toBe(before);
  });

  it('marks the tenant auth_failed on a 401 and sends no request until its credentials change', async () => {
    const { context } = await tenant(clean, 'revoked', 'revoked');
    clean.revokeCredentials('revoked');
    const reports = await syncTenant(await context());

    expect(reports[0]).toMatchObject({ stream: STREAM_ORDER[0], status: 'auth_failed' });
    expect(clean.requestLog.some((entry) => entry.account === 'revoked' && entry.status === 401)).toBe(true);
    expect((await storedTenant('revoked')).status).toBe('auth_failed');
    const requests = clean.requestLog.length;
    const again = await syncTenant(await context());
    expect(statuses(again)).toEqual(STREAM_ORDER.map((stream) => [stream, 'auth_failed']));
    expect(clean.requestLog.length).toBe(requests);
  });
});
