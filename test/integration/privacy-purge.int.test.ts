// Purge of one agent end to end: through the CLI and the region's purge queue,
// crashed at every step, and racing a sync of the same tenant.
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenant } from '../../src/ingest/sync-tenant.js';
import { suppressionGuardOf, type SyncContext } from '../../src/ingest/sync-stream.js';
import { suppressionHash } from '../../src/privacy/plan-purge.js';
import { requestPurge } from '../../src/privacy/request-purge.js';
import { purgeDepsOf, runPurge } from '../../src/privacy/run-purge.js';
import type { SuppressionGuard } from '../../src/privacy/suppression-guard.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import type { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { uniqueName } from '../helpers/local-services.js';
import { tracesOf } from '../helpers/privacy-scan.js';
import { seedAgent, seedTenant } from '../helpers/seed-agent.js';
import { factsOf, tenantForSimulator } from '../helpers/sync-harness.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.now() - 120_000;
const ACCOUNT = { account: 'acme', seed: 29, agents: 5, days: 2, ticketsPerDay: 30, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
const QUEUE_BASE = uniqueName('tally-purge');
let regions: TwoRegions;
let simulator: ZendeskSimulator;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [ACCOUNT], now: () => NOW });
  await simulator.listen(0);
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  await simulator?.close();
  await regions?.close();
});

const purgeDeps = () => ({ router: regions.router, keyring: (r: string) => regions.keyring(r as 'us' | 'eu'), now: () => new Date(), actor: 'test:privacy' });

/** The simulated agent with the most facts in a synced tenant (never the admin whose token syncs). */
async function busiestAgent(region: 'us' | 'eu', tenantId: string): Promise<number> {
  const perAgent = new Map<number, number>();
  for (const fact of await factsOf(regions, region, tenantId)) if (fact.agentId > 0) perAgent.set(fact.agentId, (perAgent.get(fact.agentId) ?? 0) + 1);
  const admin = simulator.world('acme').credentialUserId;
  const [agentId] = [...perAgent.entries()].filter(([id]) => id !== admin).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (agentId === undefined) throw new Error('no agent with facts');
  return agentId;
}

async function synced(id: string, region: 'us' | 'eu') {
  const harness = await tenantForSimulator(regions, simulator, { id, region });
  redises.push(harness.redis);
  await syncTenant(await harness.context());
  return harness;
}

/** Forgets every checkpoint, so the next sync reads the account's whole history again. */
const replayFromStart = (database: RegionDatabase, tenantId: string) => database.db.collection('cursors').deleteMany({ tenantId });

describe('purge of one agent', { timeout: 180_000 }, () => {
  it('leaves nothing of the agent but its suppression, shreds its key, and the next sync does not bring it back', async () => {
    const { context } = await synced('purged', 'eu');
    const database = regions.router.region('eu');
    const agentId = await busiestAgent('eu', 'purged');
    const user = simulator.world('acme').users.find((candidate) => candidate.id === agentId);
    const stored = await database.agents.find('purged', agentId);
    if (!user || !stored) throw new Error('the agent was not synced');
    const backupOfName = Buffer.from(stored.name);
    const factsBefore = await factsOf(regions, 'eu', 'purged');
    const agentFacts = factsBefore.filter((fact) => fact.agentId === agentId);
    const othersBefore = factsBefore.filter((fact) => fact.agentId !== agentId && fact.agentId !== 0).map((fact) => fact._id).sort();
    expect(agentFacts.length).toBeGreaterThan(20);
    expect(await tracesOf(regions, agentId, stored.emailIndex)).not.toEqual([]);

    // The email as an operator might type it: case and spaces do not matter.
    const result = await runTally(['purge', '--tenant', 'purged', '--email', ` ${user.email.toUpperCase()} `, '--reason', 'erasure request', '--wait'], {
      ...regions.env,
      TALLY_QUEUE_PREFIX: QUEUE_BASE,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const receipt = JSON.parse(result.stdout) as Record<string, unknown> & { counts: Record<string, number>; suppressionHash: string };
    expect(receipt).toMatchObject({ tenant: 'purged', region: 'eu', state: 'done', found: true, verification: { ok: true } });
    expect((receipt.counts['facts'] ?? 0) + (receipt.counts['ratings'] ?? 0)).toBe(agentFacts.length);
    expect(receipt.counts).toMatchObject({ agents: 1, keys: 1 });
    expect(receipt.counts.daily).toBeGreaterThan(0);
    for (const secret of [String(agentId), user.email, user.email.toLowerCase(), user.name, stored.emailIndex]) expect(result.stdout).not.toContain(secret);

    const suppressions = await database.suppressions.list('purged');
    expect(suppressions).toHaveLength(1);
    expect(suppressions[0]).toMatchObject({ zendeskUserId: agentId, emailIndex: stored.emailIndex });
    expect(suppressionHash(suppressions[0] as (typeof suppressions)[number])).toBe(receipt.suppressionHash);

    expect(await tracesOf(regions, agentId, stored.emailIndex)).toEqual([]);
    // A backup taken before the purge still holds the sealed name; without the agent's key it is noise.
    await expect(regions.keyring('eu').openAgentField('purged', agentId, 'name', backupOfName)).rejects.toMatchObject({ code: 'CRYPTO_KEY_MISSING' });

    await replayFromStart(database, 'purged');
    await syncTenant(await context());
    expect(await tracesOf(regions, agentId, stored.emailIndex)).toEqual([]);
    const othersAfter = (await factsOf(regions, 'eu', 'purged')).filter((fact) => fact.agentId !== 0).map((fact) => fact._id).sort();
    expect(othersAfter).toEqual(othersBefore);

    const audit = [];
    for await (const entry of database.audit.entries('purged')) audit.push(entry);
    const purgeEntry = audit.find((entry) => entry.action === 'agent.purge');
    expect(purgeEntry?.details).toMatchObject({ requestId: receipt['requestId'], found: true, verified: true, agents: 1 });
  });

  it('completes for an unknown email: the suppression stands and the receipt says nothing was found; --list shows both', async () => {
    const database = regions.router.region('eu');
    const request = await requestPurge(purgeDeps(), { tenant: 'purged', email: 'nobody@nowhere.example' });
    const receipt = await runPurge(purgeDepsOf(database, regions.keyring('eu'), { now: () => new Date(), actor: 'test' }), request._id);
    expect(receipt).toMatchObject({ state: 'done', found: false, verification: { ok: true } });
    expect(Object.values(receipt.counts ?? { none: 1 }).every((count) => count === 0)).toBe(true);
    const entry = await database.suppressions.find(`purged:${request._id}`);
    expect(entry?.emailIndex).toBe(await regions.keyring('eu').emailIndex('purged', 'NOBODY@nowhere.example'));
    expect(entry?.zendeskUserId).toBeUndefined();

    const listed = await runTally(['purge', '--list', '--tenant', 'purged', '--format', 'json'], regions.env);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { requestId: string; state: string; found: boolean }[];
    expect(rows.map((row) => [row.state, row.found])).toEqual([
      ['done', true],
      ['done', false],
    ]);
    expect(rows[1]?.requestId).toBe(request._id);
  });

  it('refuses bad input, naming the flag, and files nothing', async () => {
    const database = regions.router.region('eu');
    const before = (await database.purges.list('purged')).length;
    const both = await runTally(['purge', '--tenant', 'purged', '--email', 'a@b.example', '--agent', '1'], regions.env);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--email');
    const badEmail = await runTally(['purge', '--tenant', 'purged', '--email', 'not-an-address'], regions.env);
    expect(badEmail.stderr).toContain('--email is not an email address');
    expect(badEmail.stderr).not.toContain('not-an-address');
    const unknown = await runTally(['purge', '--tenant', 'nobody-here', '--agent', '5'], regions.env);
    expect(unknown.stderr).toContain('--tenant nobody-here is not a tenant');
    expect((await database.purges.list('purged')).length).toBe(before);
  });

  it('crashed at any step, completes on retry with the same receipt counts', async () => {
    const database = regions.router.region('us');
    const keyring = regions.keyring('us');
    const tenant = await seedTenant(database, keyring, 'crashy');
    const run = (requestId: string, crashAt: readonly string[]) => {
      const crashes = new Set(crashAt);
      return runPurge(
        purgeDepsOf(database, keyring, {
          now: () => new Date(),
          actor: 'test',
          onStep: (point) => {
            if (crashes.delete(point)) throw new Error(`simulated crash at ${point}`);
          },
        }),
        requestId,
      );
    };
    const purgeOf = async (agentId: number, crashAt: readonly string[]) => {
      await seedAgent(database, keyring, tenant, agentId, { facts: 60, tickets: 4 });
      const request = await requestPurge(purgeDeps(), { tenant: 'crashy', agent: String(agentId) });
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          const receipt = await run(request._id, crashAt.slice(attempts - 1, attempts));
          return { receipt, attempts };
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith('simulated crash')) throw error;
        }
      }
    };
    const purgeEntries = async (requestId: string) => {
      let found = 0;
      for await (const entry of database.audit.entries('crashy')) if (entry.action === 'agent.purge' && entry.details['requestId'] === requestId) found++;
      return found;
    };
    const reference = await purgeOf(7001, []);
    expect(reference.receipt.counts).toEqual({ agents: 1, facts: 54, ratings: 6, daily: expect.any(Number) as number, staleBuckets: 0, tickets: 4, quarantine: 0, keys: 1 });

    const points = ['suppress', 'suppress:saving', 'count', 'count:saving', 'delete', 'delete:saving', 'shred', 'shred:saving', 'verify', 'verify:saving', 'audit', 'audit:saving'];
    let agentId = 7002;
    for (const point of points) {
      const { receipt, attempts } = await purgeOf(agentId, [point]);
      expect(attempts, point).toBe(2);
      expect(receipt.counts, point).toEqual(reference.receipt.counts);
      expect(receipt.verification, point).toEqual({ ok: true, remaining: expect.any(Object) as object });
      expect(await database.agentData.count('crashy', agentId)).toEqual({ agents: 0, facts: 0, ratings: 0, daily: 0, staleBuckets: 0, tickets: 0, quarantine: 0 });
      expect(await purgeEntries(receipt.requestId), point).toBe(1);
      agentId++;
    }
    // Several crashes in one purge, one per attempt.
    const { receipt, attempts } = await purgeOf(agentId, ['count:saving', 'delete', 'shred:saving', 'audit']);
    expect(attempts).toBe(5);
    expect(receipt.counts).toEqual(reference.receipt.counts);
    await expect(keyring.openAgentField('crashy', agentId, 'name', Buffer.alloc(0))).rejects.toThrow();
  });
});

describe('a purge racing a sync of the same tenant', { timeout: 180_000 }, () => {
  /**
   * A guard that runs `between` once, right after its `at`-th check has read the
   * suppressions: the sync's next page is then written with a view that misses
   * whatever `between` suppresses, the worst moment for a purge to land.
   */
  function guardWithPause(context: SyncContext, at: number, between: () => Promise<void>): SuppressionGuard {
    let checks = 0;
    const guard = suppressionGuardOf(context);
    const check = guard.check.bind(guard);
    guard.check = async () => {
      await check();
      checks++;
      if (checks === at) await between();
    };
    return guard;
  }

  const raceTenant = async (id: string) => {
    const harness = await tenantForSimulator(regions, simulator, { id, region: 'us' });
    redises.push(harness.redis);
    return harness;
  };

  // Checks 1-3 belong to the users stream (start, after its page, end); 4 starts the ticket events.
  it.each([
    ['the whole purge runs after the sync checked, before it writes the first ticket events page', 4, 'all'],
    ['the whole purge runs after the sync checked, before it writes the second ticket events page', 5, 'all'],
    ['the purge only suppresses before the sync writes; it counts and deletes after the sync rechecked', 4, 'suppress-only'],
    ['the whole purge runs before the users page is written', 1, 'all'],
  ])('%s: nothing of the agent stays', async (_title, at, mode) => {
    const id = uniqueName('race').replaceAll('_', '-');
    const { context } = await raceTenant(id);
    const database = regions.router.region('us');
    const keyring = regions.keyring('us');
    // The agent is chosen from the simulator's own truth: the tenant has stored nothing yet.
    const truth = simulator.groundTruth('acme', 'UTC');
    const admin = simulator.world('acme').credentialUserId;
    const byAgent = new Map<number, number>();
    for (const row of truth) if (row.agentId !== admin) byAgent.set(row.agentId, (byAgent.get(row.agentId) ?? 0) + row.publicReplies + row.solves);
    const agentId = [...byAgent.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as number;
    const request = await requestPurge(purgeDeps(), { tenant: id, agent: String(agentId) });
    const deps = purgeDepsOf(database, keyring, { now: () => new Date(), actor: 'test' });
    const base = await context();
    const between =
      mode === 'all'
        ? async () => {
            await runPurge(deps, request._id);
          }
        : async () => {
            // Only the suppression lands now; the rest of the purge runs after this check.
            const pauseAtCount = (point: string) => {
              if (point === 'count') throw new Error('paused');
            };
            await runPurge({ ...deps, onStep: pauseAtCount }, request._id).catch(() => undefined);
            expect((await database.purges.find(request._id))?.state).toBe('suppressed');
          };
    await syncTenant({ ...base, guard: guardWithPause(base, at, between) });
    const receipt = await runPurge(deps, request._id);
    expect(receipt.verification?.ok).toBe(true);
    expect(await tracesOf(regions, agentId, undefined, { tenantId: id })).toEqual([]);
    // The sync itself went through: the other agents are stored.
    expect((await database.agents.ids(id)).length).toBeGreaterThanOrEqual(3);
    expect((await factsOf(regions, 'us', id)).length).toBeGreaterThan(100);
  });

  it('running at the same moment, repeatedly, ends with nothing of the agent stored', async () => {
    const database = regions.router.region('us');
    const keyring = regions.keyring('us');
    for (const delayMs of [0, 150, 400]) {
      const id = uniqueName('concurrent').replaceAll('_', '-');
      const { context } = await raceTenant(id);
      const first = await context();
      await syncTenant({ ...first, maxPages: 1 });
      const agentId = (await database.agents.ids(id)).find((candidate) => candidate !== simulator.world('acme').credentialUserId) as number;
      const emailIndex = (await database.agents.find(id, agentId))?.emailIndex;
      const request = await requestPurge(purgeDeps(), { tenant: id, agent: String(agentId) });
      await replayFromStart(database, id);
      const sync = syncTenant(await context());
      const purge = new Promise((resolve) => setTimeout(resolve, delayMs)).then(() =>
        runPurge(purgeDepsOf(database, keyring, { now: () => new Date(), actor: 'test' }), request._id),
      );
      const [synced, purged] = await Promise.allSettled([sync, purge]);
      expect(synced.status).toBe('fulfilled');
      if (purged.status === 'rejected') throw purged.reason;
      const receipt = purged.value;
      expect(receipt.verification?.ok).toBe(true);
      expect(await tracesOf(regions, agentId, emailIndex, { tenantId: id }), `delay ${delayMs}`).toEqual([]);
    }
  });
});

describe('the reason of a purge', { timeout: 120_000 }, () => {
  /** Every document of both regions whose BSON holds `text` anywhere, as `region.collection:_id`. */
  async function documentsHolding(text: string): Promise<string[]> {
    const found: string[] = [];
    for (const region of ['us', 'eu'] as const) {
      const db = regions.router.region(region).db;
      for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        for await (const doc of db.collection(name).find({})) if (Buffer.from(BSON.serialize(doc)).includes(text)) found.push(`${region}.${name}:${String(doc['_id'])}`);
      }
    }
    return found;
  }

  it('is sealed under the tenant key, shown only by purge --list while the request is pending, and erased when it is done', async () => {
    const database = regions.router.region('us');
    const keyring = regions.keyring('us');
    const tenant = await seedTenant(database, keyring, 'reasoned');
    await seedAgent(database, keyring, tenant, 7201, { facts: 10 });
    // Free text, as privacy staff type it: it may name the person.
    const reason = 'ZZREASON erasure ticket 4711 from jane.doe@customer.example';

    const filed = await runTally(['purge', '--tenant', 'reasoned', '--agent', '7201', '--reason', reason], { ...regions.env, TALLY_QUEUE_PREFIX: QUEUE_BASE });
    expect(filed.code, filed.stderr).toBe(0);
    expect(filed.stdout + filed.stderr).not.toContain('ZZREASON');
    const [request] = await database.purges.list('reasoned');
    if (!request) throw new Error('no request filed');
    expect(await documentsHolding('ZZREASON')).toEqual([]);
    expect(await documentsHolding('jane.doe')).toEqual([]);
    expect(request.reason).toBeInstanceOf(Uint8Array);
    // Sealed for this request: the blob does not open as another request's.
    await expect(keyring.openPurgeReason('reasoned', request._id, request.reason as Uint8Array)).resolves.toBe(reason);
    await expect(keyring.openPurgeReason('reasoned', '00000000-0000-4000-8000-000000000000', request.reason as Uint8Array)).rejects.toMatchObject({ code: 'CRYPTO_TAMPERED' });

    // Privacy staff read it where they read the request.
    const listed = await runTally(['purge', '--list', '--tenant', 'reasoned', '--format', 'json'], regions.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ requestId: request._id, state: 'requested', pending: true, reason }]);
    const table = await runTally(['purge', '--list', '--tenant', 'reasoned'], regions.env);
    expect(table.stdout).toContain('ZZREASON erasure');

    const receipt = await runPurge(purgeDepsOf(database, keyring, { now: () => new Date(), actor: 'test' }), request._id);
    expect(JSON.stringify(receipt)).not.toContain('ZZREASON');
    // Done: the reason goes with the target; the receipt and the audit entry stand without it.
    const raw = await database.db.collection('purges').findOne({ _id: request._id as never });
    expect(raw).not.toBeNull();
    expect(raw).not.toHaveProperty('reason');
    const after = await runTally(['purge', '--list', '--tenant', 'reasoned', '--format', 'json'], regions.env);
    expect(JSON.parse(after.stdout)).toMatchObject([{ requestId: request._id, state: 'done', pending: false, reason: null }]);
    expect(after.stdout).not.toContain('ZZREASON');
  });
});
