// Access requests (tally export) and the audit log's commands: what an export
// contains, that it is audited without personal data, and that tampering shows.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAudit } from '../../schemas/records.js';
import { seedAgent, seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const AGENT = 360_000_000_777;
let regions: TwoRegions;
let dir: string;
let person: { email: string; name: string };

beforeAll(async () => {
  regions = await startTwoRegions();
  dir = await mkdtemp(join(tmpdir(), 'tally-export-'));
  const database = regions.router.region('us');
  const keyring = regions.keyring('us');
  const tenant = await seedTenant(database, keyring, 'asker');
  person = await seedAgent(database, keyring, tenant, AGENT, { facts: 30 });
  await seedAgent(database, keyring, tenant, 360_000_000_778, { facts: 10 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await regions?.close();
});

const auditOf = async (tenantId: string) => {
  const entries: StoredAudit[] = [];
  for await (const entry of regions.router.region('us').audit.entries(tenantId)) entries.push(entry);
  return entries;
};

describe('tally export', { timeout: 120_000 }, () => {
  it('writes everything stored about the agent, decrypted, to a new owner-only file, and audits it without the agent', async () => {
    const out = join(dir, 'agent.json');
    const result = await runTally(['export', '--tenant', 'asker', '--email', person.email.toUpperCase(), '--out', out], regions.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const exported = JSON.parse(await readFile(out, 'utf8')) as {
      tenant: string;
      region: string;
      agent: { zendeskUserId: number; name: string; email: string };
      facts: { agentId: number; kind: string }[];
      daily: { agentId: number; day: string }[];
    };
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(exported).toMatchObject({ tenant: 'asker', region: 'us', agent: { zendeskUserId: AGENT, name: person.name, email: person.email } });
    const database = regions.router.region('us');
    expect(exported.facts).toHaveLength(30);
    expect(exported.facts.every((fact) => fact.agentId === AGENT)).toBe(true);
    expect(exported.facts.filter((fact) => fact.kind === 'rating')).toHaveLength(3);
    const stored = await database.db.collection('daily').find({ tenantId: 'asker', agentId: AGENT }).sort({ day: 1 }).toArray();
    expect(exported.daily.map((bucket) => bucket.day)).toEqual(stored.map((bucket) => bucket['day'] as string));
    expect(JSON.stringify(exported)).not.toContain('360000000778');

    const entries = await auditOf('asker');
    expect(entries.map((entry) => [entry.action, entry.details])).toEqual([['agent.export', { agents: 1, facts: 30, daily: stored.length }]]);
    const text = JSON.stringify(entries);
    for (const secret of [String(AGENT), person.email, person.name]) expect(text).not.toContain(secret);

    const again = await runTally(['export', '--tenant', 'asker', '--agent', String(AGENT), '--out', out], regions.env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('an existing file is never overwritten');
  });

  it('names the flag for an unknown agent and exports nothing', async () => {
    const result = await runTally(['export', '--tenant', 'asker', '--agent', '999'], regions.env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no agent of tenant asker matches --agent');
    expect(result.stdout).toBe('');
    expect((await auditOf('asker')).map((entry) => entry.action)).toEqual(['agent.export']);
  });
});

describe('tally audit', { timeout: 120_000 }, () => {
  it('lists entries without personal data and verifies the chain', async () => {
    const list = await runTally(['audit', 'list', '--tenant', 'asker', '--format', 'json'], regions.env);
    expect(list.code).toBe(0);
    const entries = JSON.parse(list.stdout) as { seq: number; actor: string; action: string; details: Record<string, unknown> }[];
    expect(entries.map((entry) => [entry.seq, entry.action])).toEqual([[1, 'agent.export']]);
    expect(entries[0]?.actor).toMatch(/^cli:/);
    expect(list.stdout).not.toContain(person.email);

    const verify = await runTally(['audit', 'verify', '--tenant', 'asker'], regions.env);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: 1, brokenAt: null });
  });

  it('detects an edited entry and a removed one', async () => {
    const collection = regions.router.region('us').db.collection<StoredAudit>('audit');
    for (let i = 0; i < 3; i++) await regions.router.region('us').audit.append({ tenantId: 'asker', actor: 'test', action: 'probe', details: { n: i } }, new Date());
    expect(await regions.router.region('us').audit.verify('asker')).toMatchObject({ ok: true, entries: 4 });

    await collection.updateOne({ tenantId: 'asker', seq: 2 }, { $set: { 'details.n': 7 } });
    const edited = await runTally(['audit', 'verify', '--tenant', 'asker'], regions.env);
    expect(edited.code).toBe(5);
    expect(JSON.parse(edited.stdout)).toMatchObject({ ok: false, brokenAt: 2, reason: 'its contents were changed' });

    await collection.updateOne({ tenantId: 'asker', seq: 2 }, { $set: { 'details.n': 0 } });
    await collection.deleteOne({ tenantId: 'asker', seq: 3 });
    expect(await regions.router.region('us').audit.verify('asker')).toMatchObject({ ok: false, brokenAt: 4, reason: 'entry 3 is missing' });
  });
});
