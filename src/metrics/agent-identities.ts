/**
 * The names and emails a metrics read prints, decrypted once per version of the tenant's
 * agents (AgentStore.directoryVersion, docs/metrics.md#speed): the version is read before
 * the agents, and it changes after every write and every purge of them, so a read never
 * prints an identity that a purge finished erasing, nor one older than the stored agent.
 * A dashboard asking again skips reading 200 agents and 400 decryptions; every read is
 * still audited by its use case. Bounded in count and time, and per process only.
 */
import { LRUCache } from 'lru-cache';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import type { AgentStore } from '../store/ports.js';

export interface AgentIdentity {
  readonly name: string;
  readonly email: string;
}

interface DirectoryEntry {
  readonly identities: Map<number, AgentIdentity>;
  /** Ids asked for and not stored under this version (nothing the facts credit, in practice). */
  readonly absent: Set<number>;
}

/** By region, tenant and version. Ten minutes, like the keyring's data keys. */
const DIRECTORIES = new LRUCache<string, DirectoryEntry>({ max: 500, ttl: 10 * 60_000 });

/** Forgets every decrypted identity of this process (benchmarks measure a first read with it). */
export function clearAgentIdentities(): void {
  DIRECTORIES.clear();
}

export async function agentIdentities(
  agents: Pick<AgentStore, 'findMany' | 'directoryVersion'>,
  keyring: TenantKeyring,
  region: string,
  tenantId: string,
  agentIds: Iterable<number>,
): Promise<Map<number, AgentIdentity>> {
  const wanted = [...new Set(agentIds)];
  // First the version, then the agents: what is kept under a version is never older than it.
  const version = await agents.directoryVersion(tenantId);
  const key = `${region}|${tenantId}|${version}`;
  let entry = version === '' ? undefined : DIRECTORIES.get(key);
  if (!entry) {
    entry = { identities: new Map(), absent: new Set() };
    if (version !== '') DIRECTORIES.set(key, entry);
  }
  const missing = wanted.filter((id) => !entry.identities.has(id) && !entry.absent.has(id));
  if (missing.length > 0) {
    const opened = await keyring.openAgentIdentities(tenantId, await agents.findMany(tenantId, missing));
    for (const id of missing) {
      const identity = opened.get(id);
      if (identity) entry.identities.set(id, identity);
      else entry.absent.add(id);
    }
  }
  const found = new Map<number, AgentIdentity>();
  for (const id of wanted) {
    const identity = entry.identities.get(id);
    if (identity) found.set(id, identity);
  }
  return found;
}
