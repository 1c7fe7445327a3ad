/** readMetrics (src/metrics/read-metrics.ts) on the memory stores: fast, no services. */
import { describe, expect, it } from 'vitest';
import { compareMetrics, readDailySeries, readMetrics } from '../../../src/metrics/read-metrics.js';
import { bucket, collect } from '../../contract/fixtures.js';
import { memoryRegion } from '../store/memory-region.js';

const now = () => new Date('2026-03-10T12:00:00Z');

async function seeded() {
  const region = memoryRegion(now);
  await region.addTenant('acme');
  await region.addAgent('acme', 7, 'Ada Agent', 'ada@example.test');
  await region.addAgent('acme', 8, 'Bo Agent', 'bo@example.test');
  await region.stores.daily.replace(
    [
      bucket('acme', 7, '2026-03-01', { solves: 2 }),
      bucket('acme', 7, '2026-03-02', { solves: 3, csatGood: 1 }),
      bucket('acme', 8, '2026-03-02', { solves: 1 }),
      bucket('acme', 7, '2026-03-05', { solves: 10 }),
    ],
    [],
  );
  const deps = { router: region.regions, keyring: () => region.keyring, now, actor: 'cli:test' };
  return { region, deps };
}

describe('readMetrics', () => {
  it('sums each agent\'s days in the range, names them, and audits the read without PII', async () => {
    const { region, deps } = await seeded();
    const report = await readMetrics(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-02' });
    expect(report).toMatchObject({ tenant: 'acme', region: 'eu', timeZone: 'Europe/Berlin', from: '2026-03-01', to: '2026-03-02' });
    const byAgent = new Map(report.agents.map((agent) => [agent.agentId, agent]));
    expect(byAgent.get(7)).toMatchObject({ name: 'Ada Agent', email: 'ada@example.test', solves: 5, csatGood: 1 });
    expect(byAgent.get(8)).toMatchObject({ name: 'Bo Agent', solves: 1 });
    const entries = await collect(region.stores.audit.entries('acme'));
    expect(entries.map((entry) => [entry.action, entry.actor, entry.details])).toEqual([
      ['metrics.read', 'cli:test', { agents: 2, from: '2026-03-01', to: '2026-03-02' }],
    ]);
    expect(JSON.stringify(entries)).not.toContain('ada@example.test');
  });

  it('reads one agent when asked', async () => {
    const { deps } = await seeded();
    const report = await readMetrics(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-31', agent: '7' });
    expect(report.agents.map((agent) => [agent.agentId, agent.solves])).toEqual([[7, 15]]);
  });

  it('names the flag that is wrong', async () => {
    const { deps } = await seeded();
    await expect(readMetrics(deps, { from: '2026-03-01', to: '2026-03-02' })).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('--tenant') as unknown });
    await expect(readMetrics(deps, { tenant: 'acme', from: '2026-03-03', to: '2026-03-02' })).rejects.toThrow('--from 2026-03-03 is after --to 2026-03-02');
    await expect(readMetrics(deps, { tenant: 'acme', from: '2026-02-30', to: '2026-03-02' })).rejects.toThrow('--from 2026-02-30 is not a day');
    await expect(readMetrics(deps, { tenant: 'nobody', from: '2026-03-01', to: '2026-03-02' })).rejects.toThrow('--tenant nobody is not a tenant');
    await expect(readMetrics(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-02', agent: '9' })).rejects.toThrow('--agent 9 is not an agent of tenant acme');
    await expect(readMetrics(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-02', agent: 'x' })).rejects.toThrow('--agent must be a Zendesk user id');
  });
});

describe('compareMetrics', () => {
  it('reads the range and the one before it, names agents of either, and audits one read over both', async () => {
    const { region, deps } = await seeded();
    const comparison = await compareMetrics(deps, { tenant: 'acme', from: '2026-03-03', to: '2026-03-05' });
    expect(comparison.previous).toEqual({ from: '2026-02-28', to: '2026-03-02' });
    // Ada: 10 solves now (03-05) against 2 + 3 before; Bo only before (1).
    expect(comparison.agents.map((agent) => [agent.agentId, agent.name, agent.current?.solves ?? null, agent.previous?.solves ?? null, agent.delta.solves])).toEqual([
      [7, 'Ada Agent', 10, 5, 5],
      [8, 'Bo Agent', null, 1, -1],
    ]);
    const entries = await collect(region.stores.audit.entries('acme'));
    expect(entries.map((entry) => entry.details)).toEqual([{ agents: 2, from: '2026-02-28', to: '2026-03-05' }]);
  });
});

describe('readDailySeries', () => {
  it('gives the agent every day of the range and audits the read', async () => {
    const { region, deps } = await seeded();
    const series = await readDailySeries(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-05', agent: '7' });
    expect(series.agent).toEqual({ agentId: 7, name: 'Ada Agent', email: 'ada@example.test' });
    expect(series.days.map((day) => day.solves)).toEqual([2, 3, 0, 0, 10]);
    const entries = await collect(region.stores.audit.entries('acme'));
    expect(entries.map((entry) => entry.details)).toEqual([{ agents: 1, from: '2026-03-01', to: '2026-03-05' }]);
  });

  it('needs --agent, and a stored one', async () => {
    const { deps } = await seeded();
    await expect(readDailySeries(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-05' })).rejects.toThrow('--daily needs --agent');
    await expect(readDailySeries(deps, { tenant: 'acme', from: '2026-03-01', to: '2026-03-05', agent: '9' })).rejects.toThrow('--agent 9 is not an agent of tenant acme');
  });
});

