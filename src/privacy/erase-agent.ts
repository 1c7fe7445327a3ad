import { type CollectionCounts, storedIds } from '../../schemas/records.js';
import type { AgentDataStore, KeyStore } from '../store/ports.js';

export interface EraseAgentDeps {
  readonly agentData: AgentDataStore;
  readonly keys: Pick<KeyStore, 'delete'>;
  /** Drops cached copies of the agent's data key (TenantKeyring.forget). */
  readonly forgetKey: (tenantId: string, agentId: number) => void;
}

/**
 * Removes everything stored about one agent and shreds its data key, so any copy
 * of its sealed name and email (backups included) no longer opens. Idempotent.
 */
export async function eraseAgent(deps: EraseAgentDeps, tenantId: string, agentId: number): Promise<CollectionCounts> {
  const counts = await deps.agentData.erase(tenantId, agentId);
  const keys = (await deps.keys.delete(storedIds.agentKey(tenantId, agentId))) ? 1 : 0;
  deps.forgetKey(tenantId, agentId);
  return { ...counts, keys };
}
