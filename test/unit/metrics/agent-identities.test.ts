/**
 * agentIdentities (src/metrics/agent-identities.ts) on the memory stores: decrypted names
 * are kept per version of the tenant's agents, and a rename or an erasure is seen by the
 * next read (docs/metrics.md#in-process-caches).
 */
import { describe, expect, it } from 'vitest';
import { agentIdentities } from '../../../src/metrics/agent-identities.js';
import type { AgentStore } from '../../../src/store/ports.js';
import { memoryRegion } from '../store/memory-region.js';

/** The agent store, counting the agents it returns. */
function counted(agents: AgentStore, version?: string) {
  const seen = { agentsRead: 0 };
  return {
    seen,
    store: {
      directoryVersion: (tenantId: string) => (version === undefined ? agents.directoryVersion(tenantId) : Promise.resolve(version)),
      findMany: async (tenantId: string, ids: readonly number[]) => {
        const found = await agents.findMany(tenantId, ids);
        seen.agentsRead += found.length;
        return found;
      },
    },
  };
}

describe('agentIdentities', () => {
  it('decrypts each agent once per version of the agents, and reads only those it has not yet', async () => {
    const region = memoryRegion();
    await region.addTenant('ident-a');
    await region.addAgent('ident-a', 7, 'Ada', 'ada@support.example');
    await region.addAgent('ident-a', 8, 'Ben', 'ben@support.example');
    const { seen, store } = counted(region.stores.agents);

    const first = await agentIdentities(store, region.keyring, 'eu', 'ident-a', [7]);
    expect([...first]).toEqual([[7, { name: 'Ada', email: 'ada@support.example' }]]);
    expect(seen.agentsRead).toBe(1);
    const second = await agentIdentities(store, region.keyring, 'eu', 'ident-a', [7, 8, 9]);
    expect([...second]).toEqual([
      [7, { name: 'Ada', email: 'ada@support.example' }],
      [8, { name: 'Ben', email: 'ben@support.example' }],
    ]);
    // Only 8 was read; 9 is not an agent, and is not asked for again under this version.
    expect(seen.agentsRead).toBe(2);
    await agentIdentities(store, region.keyring, 'eu', 'ident-a', [7, 8, 9]);
    expect(seen.agentsRead).toBe(2);
  });

  it('shows a renamed agent by the new name on the next read', async () => {
    const region = memoryRegion();
    await region.addTenant('ident-b');
    await region.addAgent('ident-b', 7, 'Ada', 'ada@support.example');
    expect((await agentIdentities(region.stores.agents, region.keyring, 'eu', 'ident-b', [7])).get(7)?.name).toBe('Ada');
    await region.addAgent('ident-b', 7, 'Ada Lovelace', 'ada@support.example');
    expect((await agentIdentities(region.stores.agents, region.keyring, 'eu', 'ident-b', [7])).get(7)).toEqual({ name: 'Ada Lovelace', email: 'ada@support.example' });
  });

  it('never shows an agent whose erasure has ended', async () => {
    const region = memoryRegion();
    await region.addTenant('ident-c');
    await region.addAgent('ident-c', 7, 'Ada', 'ada@support.example');
    await region.addAgent('ident-c', 8, 'Ben', 'ben@support.example');
    expect((await agentIdentities(region.stores.agents, region.keyring, 'eu', 'ident-c', [7, 8])).size).toBe(2);
    await region.stores.agentData.erase('ident-c', 7);
    const after = await agentIdentities(region.stores.agents, region.keyring, 'eu', 'ident-c', [7, 8]);
    expect([...after.keys()]).toEqual([8]);
  });

  it('keeps nothing for agents whose version is not known (never written through the store)', async () => {
    const region = memoryRegion();
    await region.addTenant('ident-d');
    await region.addAgent('ident-d', 7, 'Ada', 'ada@support.example');
    const { seen, store } = counted(region.stores.agents, '');
    await agentIdentities(store, region.keyring, 'eu', 'ident-d', [7]);
    await agentIdentities(store, region.keyring, 'eu', 'ident-d', [7]);
    expect(seen.agentsRead).toBe(2);
  });
});
