/** runPurge (src/privacy/run-purge.ts) on the memory stores: fast, no services. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storedIds, type StoredPurge } from '../../../schemas/records.js';
import { purgeDepsOf, runPurge } from '../../../src/privacy/run-purge.js';
import { bucket, collect, fact, ticket } from '../../contract/fixtures.js';
import { memoryRegion } from '../store/memory-region.js';

const now = () => new Date('2026-03-10T12:00:00Z');
const STEPS = ['suppress', 'count', 'delete', 'shred', 'verify', 'audit'].flatMap((step) => [step, `${step}:saving`]);

async function seeded() {
  const region = memoryRegion(now);
  const { stores } = region;
  await region.addTenant('acme');
  await region.addAgent('acme', 7, 'Ada Agent', 'ada@example.test');
  await region.addAgent('acme', 8, 'Bo Agent', 'bo@example.test');
  await stores.facts.insertMany([fact('acme', 's7', { agentId: 7 }), fact('acme', 's8', { agentId: 8 })]);
  await stores.daily.replace([bucket('acme', 7, '2026-03-01'), bucket('acme', 8, '2026-03-01')], []);
  await stores.tickets.upsertMany([ticket('acme', 1, { assigneeId: 7, lastSolverId: 7 })]);
  const request: StoredPurge = {
    _id: randomUUID(),
    tenantId: 'acme',
    region: 'eu',
    state: 'requested',
    requestedAt: now(),
    requestedBy: 'cli:privacy',
    reason: Buffer.from([1]),
    target: { zendeskUserId: 7 },
    updatedAt: now(),
  };
  await stores.purges.insert(request);
  return { region, stores, request };
}

describe('runPurge', () => {
  it('erases the agent, shreds its key, suppresses it, audits once and keeps a receipt without the target', async () => {
    const { region, stores, request } = await seeded();
    const receipt = await runPurge(purgeDepsOf(stores, region.keyring, { now, actor: 'worker:test' }), request._id);
    expect(receipt).toMatchObject({ requestId: request._id, state: 'done', found: true, verification: { ok: true } });
    expect(receipt.counts).toMatchObject({ agents: 1, facts: 1, daily: 1, tickets: 1, keys: 1 });
    expect(await stores.agentData.count('acme', 7)).toMatchObject({ agents: 0, facts: 0, daily: 0, tickets: 0 });
    expect(await stores.keys.find(storedIds.agentKey('acme', 7))).toBeNull();
    expect(await stores.agentData.count('acme', 8)).toMatchObject({ agents: 1, facts: 1, daily: 1 });
    const suppressions = await stores.suppressions.list('acme');
    expect(suppressions.map((entry) => entry.zendeskUserId)).toEqual([7]);
    expect(suppressions[0]?.emailIndex).toBe(await region.keyring.emailIndex('acme', 'ada@example.test'));
    const done = await stores.purges.find(request._id);
    expect(done?.target).toBeUndefined();
    expect(done?.reason).toBeUndefined();
    const audit = (await collect(stores.audit.entries('acme'))).filter((entry) => entry.action === 'agent.purge');
    expect(audit.map((entry) => entry.details['requestId'])).toEqual([request._id]);
    expect(await stores.audit.verify('acme')).toMatchObject({ ok: true });
  });

  it('a done request only returns its receipt', async () => {
    const { region, stores, request } = await seeded();
    const deps = purgeDepsOf(stores, region.keyring, { now, actor: 'worker:test' });
    const first = await runPurge(deps, request._id);
    expect(await runPurge(deps, request._id)).toEqual(first);
    expect((await collect(stores.audit.entries('acme'))).filter((entry) => entry.action === 'agent.purge')).toHaveLength(1);
  });

  it.each(STEPS)('resumes after a crash at %s with the same receipt', async (crashAt) => {
    const clean = await seeded();
    const expected = await runPurge(purgeDepsOf(clean.stores, clean.region.keyring, { now, actor: 'worker:test' }), clean.request._id);

    const { region, stores, request } = await seeded();
    let crashed = false;
    const onStep = (point: string) => {
      if (point === crashAt && !crashed) {
        crashed = true;
        throw new Error(`crash at ${point}`);
      }
    };
    const deps = purgeDepsOf(stores, region.keyring, { now, actor: 'worker:test', onStep });
    await expect(runPurge(deps, request._id)).rejects.toThrow(`crash at ${crashAt}`);
    const receipt = await runPurge(deps, request._id);
    expect({ ...receipt, requestId: null, suppressionHash: null }).toEqual({ ...expected, requestId: null, suppressionHash: null });
    expect((await collect(stores.audit.entries('acme'))).filter((entry) => entry.action === 'agent.purge')).toHaveLength(1);
  });

  it('an unknown request is PURGE_UNKNOWN', async () => {
    const { region, stores } = await seeded();
    await expect(runPurge(purgeDepsOf(stores, region.keyring, { now, actor: 'worker:test' }), randomUUID())).rejects.toMatchObject({ code: 'PURGE_UNKNOWN' });
  });
});
