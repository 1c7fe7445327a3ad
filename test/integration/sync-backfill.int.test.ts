// A full backfill from the simulator into both regions' FerretDB, compared with the
// simulator's ground truth, and the properties the sync promises.
import { BSON, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/simulator/random.js';
import { STREAM_ORDER, syncTenant } from '../../src/ingest/sync-tenant.js';
import { dailyRows } from '../../src/metrics/daily-rows.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { CANARY } from '../../src/simulator/world.js';
import { comparable, factsOf, tenantForSimulator } from '../helpers/sync-harness.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const ACCOUNT = { account: 'acme', seed: 11, agents: 7, days: 4, ticketsPerDay: 50, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
// Kill-and-resume runs many short syncs: a smaller account keeps them quick.
const SMALL = { ...ACCOUNT, account: 'small', seed: 5, agents: 5, days: 2, ticketsPerDay: 25 };
let regions: TwoRegions;
let simulator: ZendeskSimulator;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [ACCOUNT, SMALL], now: () => NOW });
  await simulator.listen(0);
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  await simulator?.close();
  await regions?.close();
});

const ticketsOf = async (tenantId: string) =>
  withoutTenant(await regions.router.region('us').db.collection<{ _id: string; tenantId: string }>('tickets').find({ tenantId }).toArray());

const withoutTenant = (facts: { _id: string; tenantId: string }[]) =>
  facts.map(({ _id, tenantId, ...rest }) => ({ id: _id.slice(tenantId.length + 1), ...rest })).sort((a, b) => a.id.localeCompare(b.id));

describe('sync backfill', { timeout: 120_000 }, () => {
  it('stores exactly the facts the ground truth implies, in every time zone', async () => {
    const { context, redis } = await tenantForSimulator(regions, simulator, { id: 'full', region: 'eu' });
    redises.push(redis);
    const reports = await syncTenant(await context());
    expect(reports.map((report) => [report.stream, report.status])).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));
    expect(reports.reduce((sum, report) => sum + report.quarantined, 0)).toBe(0);
    const facts = await factsOf(regions, 'eu', 'full');
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata']) {
      expect(comparable(dailyRows(facts, zone) as unknown as Record<string, unknown>[])).toEqual(
        comparable(simulator.groundTruth('acme', zone) as unknown as Record<string, unknown>[]),
      );
    }
  });

  it('a second run finds nothing new and changes nothing', async () => {
    const { context, redis } = await tenantForSimulator(regions, simulator, { id: 'rerun', region: 'us' });
    redises.push(redis);
    await syncTenant(await context());
    const before = withoutTenant(await factsOf(regions, 'us', 'rerun'));
    const again = await syncTenant(await context());
    expect(again.filter((report) => report.stream !== 'satisfaction_ratings').every((report) => report.stored === 0)).toBe(true);
    expect(withoutTenant(await factsOf(regions, 'us', 'rerun'))).toEqual(before);
  });

  it.each([3, 17, 41])('killed at random pages (seed %i) and resumed, ends with the same store as an uninterrupted run', async (seed) => {
    const straight = await tenantForSimulator(regions, simulator, { id: `straight-${seed}`, region: 'us', account: 'small' });
    const halting = await tenantForSimulator(regions, simulator, { id: `halting-${seed}`, region: 'us', account: 'small' });
    redises.push(straight.redis, halting.redis);
    await syncTenant(await straight.context());
    const random = new Random(seed);
    let stops = 0;
    for (let run = 0; run < 400; run++) {
      // Each run is a fresh process's worth of state: new client, new staff directory.
      const reports = await syncTenant(await halting.context({ maxPages: 1 + Math.floor(random.next() * 3) }));
      if (reports.every((report) => report.status === 'done')) break;
      stops++;
    }
    expect(stops).toBeGreaterThanOrEqual(3);
    expect(withoutTenant(await factsOf(regions, 'us', `halting-${seed}`))).toEqual(withoutTenant(await factsOf(regions, 'us', `straight-${seed}`)));
    expect(await ticketsOf(`halting-${seed}`)).toEqual(await ticketsOf(`straight-${seed}`));
  });

  it('keeps no customer canary anywhere in either region', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:27017/?directConnection=true');
    await client.connect();
    try {
      let documents = 0;
      for (const region of ['us', 'eu'] as const) {
        const db = client.db(regions.router.region(region).db.databaseName);
        for (const { name } of await db.listCollections().toArray()) {
          for (const doc of await db.collection(name).find({}).toArray()) {
            documents++;
            const bytes = Buffer.from(BSON.serialize(doc));
            expect(bytes.includes(Buffer.from(CANARY)) || bytes.includes(Buffer.from(CANARY.toLowerCase())), `canary in ${region}.${name}`).toBe(false);
          }
        }
      }
      expect(documents).toBeGreaterThan(1000);
    } finally {
      await client.close();
    }
  });
});
