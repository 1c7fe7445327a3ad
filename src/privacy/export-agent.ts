/**
 * An access request (docs/architecture.md#export): everything stored about one agent, with the
 * name and email decrypted for this output only. The export is appended to the
 * tenant's audit log (who, counts; never the agent's id or data) before it is
 * handed out.
 */
import type { StoredDaily, StoredFact } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { InputError } from '../shared/errors.js';
import { agentSelector, tenantDatabase } from './request-purge.js';
import type { Regions } from '../store/ports.js';

export interface ExportAgentDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly now: () => Date;
  readonly actor: string;
}

export interface AgentExport {
  tenant: string;
  region: string;
  exportedAt: string;
  agent: { zendeskUserId: number; name: string; email: string; role: string; active: boolean; suspended: boolean; updatedAt: string };
  facts: Omit<StoredFact, '_id' | 'tenantId'>[];
  daily: Omit<StoredDaily, '_id' | 'tenantId'>[];
}

export async function exportAgent(deps: ExportAgentDeps, input: { tenant?: string | undefined; email?: string | undefined; agent?: string | undefined }): Promise<AgentExport> {
  const selector = agentSelector(input);
  const database = await tenantDatabase(deps.router, input.tenant, '--tenant');
  const tenantId = input.tenant as string;
  const keyring = deps.keyring(database.region);
  const agent =
    'agentId' in selector
      ? await database.agents.find(tenantId, selector.agentId)
      : await database.agents.findByEmailIndex(tenantId, await keyring.emailIndex(tenantId, selector.email));
  if (!agent) {
    const flag = 'agentId' in selector ? '--agent' : '--email';
    throw new InputError(flag, `no agent of tenant ${tenantId} matches ${flag}: check it, or see whether the agent was purged (tally purge --list)`);
  }
  const id = agent.zendeskUserId;
  const facts = await database.agentData.facts(tenantId, id);
  const daily = await database.agentData.buckets(tenantId, id);
  const name = await keyring.openAgentField(tenantId, id, 'name', agent.name);
  const email = await keyring.openAgentField(tenantId, id, 'email', agent.email);
  const now = deps.now();
  await database.audit.append(
    { tenantId, actor: deps.actor, action: 'agent.export', details: { agents: 1, facts: facts.length, daily: daily.length } },
    now,
  );
  return {
    tenant: tenantId,
    region: database.region,
    exportedAt: now.toISOString(),
    agent: { zendeskUserId: id, name, email, role: agent.role, active: agent.active, suspended: agent.suspended, updatedAt: agent.updatedAt.toISOString() },
    facts: facts.map(({ _id, tenantId: _tenant, ...fact }) => fact),
    daily: daily.map(({ _id, tenantId: _tenant, ...bucket }) => bucket),
  };
}
