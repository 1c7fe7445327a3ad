// Issue 15 item 7: a quarantine entry holds the record's numeric id (or a keyed hash of
// an id that is not one), the stream, the time and schema paths made only of tally's
// own field names: never text taken from the record. Genuine simulator pages with
// hostile records put in on the way (test/helpers/tampering-proxy.ts), then every
// document of both regions is scanned for the canary. Real simulator, FerretDB, Redis.
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredQuarantine } from '../../schemas/records.js';
import { STREAM_ORDER, syncTenant } from '../../src/ingest/sync-tenant.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { CANARY } from '../../src/simulator/world.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { tamperingProxy, type TamperingProxy } from '../helpers/tampering-proxy.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const SMALL = { account: 'acme', seed: 5, agents: 5, days: 2, ticketsPerDay: 25, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
/** Customer text where an id or a key should be. */
const HOSTILE = `${CANARY}-jane.doe@customer.example`;

type Row = Record<string, unknown>;
const recordsOf = (body: Row, key: string) => (Array.isArray(body[key]) ? (body[key] as Row[]) : []);

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let proxy: TamperingProxy;
const redises: { quit(): Promise<unknown> }[] = [];
/** Original ids of the records made hostile, chosen on first sight. */
const chosen: { idEvent?: number; keyEvent?: number; idUser?: number; keyTicket?: number; bigRating?: number } = {};

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [SMALL], now: () => NOW });
  await simulator.listen(0);
  proxy = tamperingProxy(simulator, (path, body) => {
    if (path === 'incremental/ticket_events') {
      const events = recordsOf(body, 'ticket_events');
      chosen.idEvent ??= events[0]?.['id'] as number;
      chosen.keyEvent ??= events[1]?.['id'] as number;
      for (const event of events) {
        if (event['id'] === chosen.idEvent) event['id'] = HOSTILE;
        // A custom field keyed by customer text, with a value of the wrong type.
        if (event['id'] === chosen.keyEvent) {
          (event['child_events'] as Row[]).push({ id: 1, event_type: 'Change', custom_ticket_fields: { [HOSTILE]: { [HOSTILE]: HOSTILE } } });
        }
      }
    }
    if (path === 'incremental/users/cursor') {
      const users = recordsOf(body, 'users');
      chosen.idUser ??= users[0]?.['id'] as number;
      for (const user of users) if (user['id'] === chosen.idUser) user['id'] = HOSTILE;
    }
    if (path === 'incremental/tickets/cursor') {
      const tickets = recordsOf(body, 'tickets');
      chosen.keyTicket ??= tickets[0]?.['id'] as number;
      for (const ticket of tickets) if (ticket['id'] === chosen.keyTicket) ticket['status'] = { [HOSTILE]: HOSTILE };
    }
    if (path === 'satisfaction_ratings') {
      const ratings = recordsOf(body, 'satisfaction_ratings');
      chosen.bigRating ??= ratings[0]?.['id'] as number;
      // Not a safe integer: as text it would be 1e+22, as a number not the record's id.
      for (const rating of ratings) if (rating['id'] === chosen.bigRating) rating['id'] = 1e22;
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

/** Every document of both regions whose BSON contains one of the needles, as `region.collection:_id`. */
async function documentsContaining(needles: readonly string[]): Promise<{ found: string[]; scanned: number }> {
  const found: string[] = [];
  let scanned = 0;
  for (const region of ['us', 'eu'] as const) {
    const db = regions.router.region(region).db;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      for await (const doc of db.collection(name).find({})) {
        scanned++;
        const bytes = Buffer.from(BSON.serialize(doc));
        if (needles.some((needle) => bytes.includes(Buffer.from(needle)))) found.push(`${region}.${name}:${String(doc['_id'])}`);
      }
    }
  }
  return { found, scanned };
}

/** The path segments tally's Zendesk schemas declare (schemas/zendesk.ts), or array indexes, or '*'. */
const OUR_SEGMENT = /^(\d+|\*|\(record\)|id|ticket_id|timestamp|updater_id|child_events|event_type|previous_value|status|assignee_id|custom_ticket_fields|author_id|public|name|email|role|active|suspended|updated_at|group_id|generated_timestamp|instance_id|metric|type|time|calendar|business|deleted|score|created_at)$/;

describe('quarantine entries (issue 15 item 7)', { timeout: 120_000 }, () => {
  it('keep no text of the record: ids are numeric or keyed hashes, paths are our field names; nothing in the database holds the canary', async () => {
    const { context, redis } = await tenantForSimulator(regions, proxy.simulator, { id: 'hostile', region: 'us' });
    redises.push(redis);
    const reports = await syncTenant(await context());
    expect(reports.map((report) => [report.stream, report.status])).toEqual(STREAM_ORDER.map((stream) => [stream, 'done']));

    const quarantine = await regions.router.region('us').db.collection<StoredQuarantine>('quarantine').find({ tenantId: 'hostile' }).toArray();
    const byStream = (stream: string) => quarantine.filter((entry) => entry.stream === stream);
    expect(byStream('ticket_events')).toHaveLength(2);
    expect(byStream('users')).toHaveLength(1);
    expect(byStream('tickets')).toHaveLength(1);
    expect(byStream('satisfaction_ratings')).toHaveLength(1);
    for (const entry of quarantine) {
      expect(Object.keys(entry).sort()).toEqual(['_id', 'at', 'errors', 'recordId', 'stream', 'tenantId']);
      expect(entry.recordId).toMatch(/^(\d{1,16}|hash-[0-9a-f]{64})$/);
      expect(entry._id).toBe(`hostile:${entry.stream}:${entry.recordId}`);
      for (const error of entry.errors) for (const segment of error.path.split('.')) expect(segment, error.path).toMatch(OUR_SEGMENT);
    }
    // The record whose id was customer text, and the one whose id was no safe integer, are named by hash.
    expect(byStream('users')[0]?.recordId).toMatch(/^hash-/);
    expect(byStream('satisfaction_ratings')[0]?.recordId).toMatch(/^hash-/);
    expect(byStream('ticket_events').map((entry) => entry.recordId)).toContain(String(chosen.keyEvent));
    expect(byStream('ticket_events').some((entry) => entry.recordId.startsWith('hash-'))).toBe(true);

    const { found, scanned } = await documentsContaining([CANARY, CANARY.toLowerCase(), 'jane.doe', 'customer.example', '1e+22']);
    expect(found).toEqual([]);
    expect(scanned).toBeGreaterThan(300);

    // A replay from the start is served the same records and finds the same entries (same ids).
    await regions.router.region('us').db.collection('cursors').deleteMany({ tenantId: 'hostile' });
    await syncTenant(await context());
    const again = await regions.router.region('us').db.collection<StoredQuarantine>('quarantine').find({ tenantId: 'hostile' }).toArray();
    expect(again.map((entry) => entry._id).sort()).toEqual(quarantine.map((entry) => entry._id).sort());
  });
});
