// Agents without an email (issue 15, item 4): a missing email has no blind index, so
// purging one such agent never suppresses or erases another, and a purge by email
// never matches one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAgent } from '../../schemas/records.js';
import { syncTenant } from '../../src/ingest/sync-tenant.js';
import { requestPurge } from '../../src/privacy/request-purge.js';
import { purgeDepsOf, runPurge } from '../../src/privacy/run-purge.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { tracesOf } from '../helpers/privacy-scan.js';
import { factsOf, tenantForSimulator } from '../helpers/sync-harness.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const ACCOUNT = { account: 'acme', seed: 31, agents: 8, days: 2, ticketsPerDay: 40, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
const TENANT = 'no-email';
let regions: TwoRegions;
let simulator: ZendeskSimulator;
let sync: () => Promise<void>;
let first: number;
let second: number;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [ACCOUNT], now: () => NOW });
  await simulator.listen(0);
  // Two active agents whose Zendesk profile has no email (Zendesk's users.email is nullable).
  const world = simulator.world('acme');
  const agents = world.users.filter((user) => user.role === 'agent' && user.active && !user.suspended && user.id !== world.credentialUserId);
  const [a, b] = agents;
  if (!a || !b) throw new Error('the simulated account has fewer than two active agents');
  for (const user of [a, b]) (user as { email: string | null }).email = null;
  [first, second] = [a.id, b.id];
  const harness = await tenantForSimulator(regions, simulator, { id: TENANT, region: 'eu' });
  redises.push(harness.redis);
  sync = async () => void (await syncTenant(await harness.context()));
  await sync();
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  await simulator?.close();
  await regions?.close();
});

const database = () => regions.router.region('eu');
const factIdsOf = async (agentId: number) => (await factsOf(regions, 'eu', TENANT)).filter((fact) => fact.agentId === agentId).map((fact) => fact._id).sort();
const purgeDeps = () => ({ router: regions.router, keyring: (r: string) => regions.keyring(r as 'us' | 'eu'), now: () => new Date(), actor: 'test:privacy' });

describe('agents without an email', { timeout: 180_000 }, () => {
  it('are stored without a blind index: two of them share nothing a purge could match', async () => {
    const stored: (StoredAgent | null)[] = await Promise.all([first, second].map((id) => database().agents.find(TENANT, id)));
    expect(stored.map((agent) => agent?.zendeskUserId)).toEqual([first, second]);
    expect(stored.map((agent) => agent?.emailIndex)).toEqual([undefined, undefined]);
    expect(await regions.keyring('eu').openAgentField(TENANT, first, 'email', (stored[0] as StoredAgent).email)).toBe('');
  });

  it('purging one leaves the other with its record and every fact, also after the next sync from the start', async () => {
    const secondFacts = await factIdsOf(second);
    expect(secondFacts.length).toBeGreaterThan(0);
    expect((await factIdsOf(first)).length).toBeGreaterThan(0);

    const request = await requestPurge(purgeDeps(), { tenant: TENANT, agent: String(first) });
    const receipt = await runPurge(purgeDepsOf(database(), regions.keyring('eu'), { now: () => new Date(), actor: 'test' }), request._id);
    expect(await database().agents.find(TENANT, second)).not.toBeNull();
    expect(await factIdsOf(second)).toEqual(secondFacts);

    await database().db.collection('cursors').deleteMany({ tenantId: TENANT });
    await sync();
    expect(await tracesOf(regions, first, undefined, { tenantId: TENANT })).toEqual([]);
    expect(await database().agents.find(TENANT, second), 'the other agent without an email is still stored').not.toBeNull();
    expect(await factIdsOf(second)).toEqual(secondFacts);
    expect((await database().suppressions.list(TENANT)).map((entry) => entry.zendeskUserId)).toEqual([first]);
    const suppression = await database().suppressions.find(`${TENANT}:${request._id}`);
    expect(suppression?.zendeskUserId).toBe(first);
    expect(suppression?.emailIndex).toBeUndefined();
    expect(receipt).toMatchObject({ state: 'done', found: true, verification: { ok: true } });
  });

  it('an index stored for one before (that of the empty email) is removed when the users stream meets the agent again', async () => {
    await database().db.collection('agents').updateOne({ tenantId: TENANT, zendeskUserId: second }, { $set: { emailIndex: 'e'.repeat(64) } });
    await database().db.collection('cursors').deleteMany({ tenantId: TENANT, stream: 'users' });
    await sync();
    const stored = await database().agents.find(TENANT, second);
    expect(stored).not.toBeNull();
    expect(stored?.emailIndex).toBeUndefined();
    expect(await database().agents.findByEmailIndex(TENANT, 'e'.repeat(64))).toBeNull();
  });

  it('a purge by id of an agent still carrying the index older versions shared does not record or verify by it', async () => {
    // Two agents stored by an older version: one index (the empty email's) for both, not yet rewritten by a sync.
    const shared = 'd'.repeat(64);
    const [victim] = (await database().agents.ids(TENANT)).filter((id) => id !== first && id !== second && id !== simulator.world('acme').credentialUserId);
    if (victim === undefined) throw new Error('no third agent');
    for (const id of [second, victim]) await database().db.collection('agents').updateOne({ tenantId: TENANT, zendeskUserId: id }, { $set: { emailIndex: shared } });
    const request = await requestPurge(purgeDeps(), { tenant: TENANT, agent: String(victim) });
    const receipt = await runPurge(purgeDepsOf(database(), regions.keyring('eu'), { now: () => new Date(), actor: 'test' }), request._id);
    expect((await database().suppressions.find(`${TENANT}:${request._id}`))?.emailIndex).toBeUndefined();
    expect(receipt).toMatchObject({ state: 'done', found: true, verification: { ok: true } });
    expect(await database().agents.find(TENANT, second)).not.toBeNull();
  });

  it('a purge by email never matches one, and an empty email is refused naming --email', async () => {
    for (const email of ['', '   ']) {
      await expect(requestPurge(purgeDeps(), { tenant: TENANT, email })).rejects.toMatchObject({ code: 'INPUT_INVALID', field: '--email' });
    }
    await expect(regions.keyring('eu').emailIndex(TENANT, ' ')).rejects.toMatchObject({ code: 'INPUT_INVALID', field: '--email' });
    const request = await requestPurge(purgeDeps(), { tenant: TENANT, email: 'nobody@nowhere.example' });
    const receipt = await runPurge(purgeDepsOf(database(), regions.keyring('eu'), { now: () => new Date(), actor: 'test' }), request._id);
    expect(receipt).toMatchObject({ state: 'done', found: false, verification: { ok: true } });
    expect(await database().agents.find(TENANT, second)).not.toBeNull();
  });
});
