/**
 * Runs one purge request to its end (docs/architecture.md#purge). Each step is idempotent and
 * its result is saved before the next begins, so a crash at any point resumes at
 * the step it interrupted and ends with the same receipt: counts are taken before
 * anything is deleted, the suppression's time is the request's, and a done
 * request only returns its receipt.
 */
import { type CollectionCounts, storedIds, type StoredPurge } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { StoreError } from '../shared/errors.js';
import type { AgentDataStore, AgentStore, AuditStore, KeyStore, PurgePatch, PurgeStore, RegionStores, SuppressionStore } from '../store/ports.js';
import { eraseAgent } from './erase-agent.js';
import type { LedgerEntry } from '../../schemas/backup.js';
import type { PurgeLedger } from '../backup/backup-ports.js';
import { hasAnything, purgeReceipt, type PurgeReceipt, purgeSuppression, suppressionHash } from './plan-purge.js';

export interface PurgeDeps {
  readonly purges: PurgeStore;
  readonly suppressions: SuppressionStore;
  readonly agents: Pick<AgentStore, 'find' | 'findByEmailIndex'>;
  readonly agentData: AgentDataStore;
  readonly keys: Pick<KeyStore, 'find' | 'delete'>;
  readonly audit: Pick<AuditStore, 'append' | 'entries'>;
  readonly forgetKey: (tenantId: string, agentId: number) => void;
  /** Where a done purge is recorded for restores (docs/backup.md#purge-ledger). */
  readonly ledger: Pick<PurgeLedger, 'append'>;
  readonly now: () => Date;
  /** Who runs it, for the audit log, e.g. `worker:host` or `cli:alice`. */
  readonly actor: string;
  /** Called at every step boundary; tests throw here to crash the purge there. */
  readonly onStep?: (point: string) => void | Promise<void>;
}

/** Passes of delete-and-recount before a verification fails (a racing sync page, at most). */
const VERIFY_ROUNDS = 3;

export async function runPurge(deps: PurgeDeps, requestId: string): Promise<PurgeReceipt> {
  let request = await deps.purges.find(requestId);
  if (!request) throw new StoreError('PURGE_UNKNOWN', `no purge request ${requestId} in this region`);
  const save = async (patch: PurgePatch, options?: { unsetTarget?: boolean }) => {
    await deps.purges.update(requestId, { ...patch, updatedAt: deps.now() }, options);
    const reread = await deps.purges.find(requestId);
    if (!reread) throw new StoreError('PURGE_UNKNOWN', `purge request ${requestId} disappeared while it ran`);
    request = reread;
  };
  const step = async (point: string) => deps.onStep?.(point);
  const { tenantId } = request;

  if (request.state === 'requested') {
    await step('suppress');
    const target = await resolveTarget(deps, request);
    // A retried step finds the entry it filed before and keeps that one.
    const filed = purgeSuppression(request, target.ids);
    await deps.suppressions.add(filed);
    const entry = (await deps.suppressions.find(filed._id)) ?? filed;
    await step('suppress:saving');
    await save({ state: 'suppressed', found: target.found, target: { ...target.ids }, suppressionHash: suppressionHash(entry) });
  }
  const agentId = request.target?.zendeskUserId;

  if (request.state === 'suppressed') {
    await step('count');
    const counts = agentId === undefined ? emptyCounts() : await countAgent(deps, tenantId, agentId);
    await step('count:saving');
    await save({ state: 'counted', counts });
  }
  if (request.state === 'counted') {
    await step('delete');
    if (agentId !== undefined) await deps.agentData.erase(tenantId, agentId);
    await step('delete:saving');
    await save({ state: 'deleted' });
  }
  if (request.state === 'deleted') {
    await step('shred');
    if (agentId !== undefined) {
      await deps.keys.delete(storedIds.agentKey(tenantId, agentId));
      deps.forgetKey(tenantId, agentId);
    }
    await step('shred:saving');
    await save({ state: 'shredded' });
  }
  if (request.state === 'shredded') {
    await step('verify');
    const remaining = await verify(deps, request);
    await step('verify:saving');
    await save({ state: 'verified', verification: { ok: !hasAnything(remaining), remaining } });
  }
  if (request.state === 'verified') {
    await step('audit');
    const counts = request.counts ?? {};
    // A crash between the append and the state's save must not log the purge twice.
    if (!(await hasPurgeEntry(deps, tenantId, requestId))) await deps.audit.append(
      {
        tenantId,
        actor: deps.actor,
        action: 'agent.purge',
        details: {
          requestId,
          found: request.found ?? false,
          verified: request.verification?.ok ?? false,
          ...counts,
        },
      },
      deps.now(),
    );
    await step('audit:saving');
    // Before the request is done: a restore of an older backup must find it in the ledger.
    const completedAt = deps.now();
    await deps.ledger.append(await ledgerEntryOf(deps, request, completedAt));
    await step('ledger:saving');
    // From here only the suppression carries the agent's id or blind index; the sealed
    // reason, which may name the person, goes too (README "Privacy operations").
    await save({ state: 'done', completedAt }, { unsetTarget: true });
  }
  return purgeReceipt(request);
}

/** The ledger's copy of a purge: its suppression as stored and its receipt (ids, counts, times). */
async function ledgerEntryOf(deps: PurgeDeps, request: StoredPurge, completedAt: Date): Promise<LedgerEntry> {
  const filed = purgeSuppression(request, request.target ?? {});
  const suppression = (await deps.suppressions.find(filed._id)) ?? filed;
  return {
    kind: 'purge',
    region: request.region,
    tenantId: request.tenantId,
    requestId: request._id,
    completedAt: completedAt.toISOString(),
    suppression: {
      _id: suppression._id,
      ...(suppression.zendeskUserId === undefined ? {} : { zendeskUserId: suppression.zendeskUserId }),
      ...(suppression.emailIndex === undefined ? {} : { emailIndex: suppression.emailIndex }),
      createdAt: suppression.createdAt.toISOString(),
    },
    receipt: {
      requestedAt: request.requestedAt.toISOString(),
      requestedBy: request.requestedBy,
      found: request.found ?? false,
      counts: request.counts ?? {},
      ...(request.suppressionHash === undefined ? {} : { suppressionHash: request.suppressionHash }),
      ...(request.verification === undefined ? {} : { verification: request.verification }),
    },
  };
}

async function hasPurgeEntry(deps: PurgeDeps, tenantId: string, requestId: string): Promise<boolean> {
  for await (const entry of deps.audit.entries(tenantId)) if (entry.action === 'agent.purge' && entry.details['requestId'] === requestId) return true;
  return false;
}

async function resolveTarget(deps: PurgeDeps, request: StoredPurge) {
  const given = request.target ?? {};
  const agent =
    given.zendeskUserId !== undefined
      ? await deps.agents.find(request.tenantId, given.zendeskUserId)
      : given.emailIndex !== undefined
        ? await deps.agents.findByEmailIndex(request.tenantId, given.emailIndex)
        : null;
  const zendeskUserId = given.zendeskUserId ?? agent?.zendeskUserId;
  // Emails are unique in a Zendesk account: an index two agents share is the empty email's,
  // stored by older versions for every agent without one, and names none of them.
  const agentIndex =
    agent?.emailIndex !== undefined && (await deps.agentData.countEmailIndex(request.tenantId, agent.emailIndex)) === 1 ? agent.emailIndex : undefined;
  const emailIndex = given.emailIndex ?? agentIndex;
  return {
    found: agent !== null,
    ids: { ...(zendeskUserId === undefined ? {} : { zendeskUserId }), ...(emailIndex === undefined ? {} : { emailIndex }) },
  };
}

async function countAgent(deps: PurgeDeps, tenantId: string, agentId: number): Promise<CollectionCounts> {
  const counts = await deps.agentData.count(tenantId, agentId);
  return { ...counts, keys: (await deps.keys.find(storedIds.agentKey(tenantId, agentId))) ? 1 : 0 };
}

/**
 * Looks again, by every key that names the agent, for anything left; a sync page
 * that raced the delete is removed and looked for again.
 */
async function verify(deps: PurgeDeps, request: StoredPurge): Promise<CollectionCounts> {
  const { tenantId } = request;
  const agentId = request.target?.zendeskUserId;
  const emailIndex = request.target?.emailIndex;
  let remaining = emptyCounts();
  for (let round = 0; round < VERIFY_ROUNDS; round++) {
    remaining = {
      ...(agentId === undefined ? {} : await countAgent(deps, tenantId, agentId)),
      agentsByEmail: emailIndex === undefined ? 0 : await deps.agentData.countEmailIndex(tenantId, emailIndex),
    };
    // Ratings stay, crediting nobody; one still crediting the agent is left over.
    if (!hasAnything(remaining)) return remaining;
    if (agentId !== undefined) await eraseAgent(deps, tenantId, agentId);
  }
  return remaining;
}

function emptyCounts(): CollectionCounts {
  return { agents: 0, facts: 0, ratings: 0, daily: 0, staleBuckets: 0, tickets: 0, quarantine: 0, keys: 0 };
}

/** A purge's ports from the tenant region's database and keyring. */
export function purgeDepsOf(
  database: RegionStores,
  keyring: Pick<TenantKeyring, 'forget'>,
  options: { now: () => Date; actor: string; onStep?: PurgeDeps['onStep'] },
): PurgeDeps {
  return {
    purges: database.purges,
    suppressions: database.suppressions,
    agents: database.agents,
    agentData: database.agentData,
    keys: database.keys,
    audit: database.audit,
    forgetKey: (tenantId, agentId) => keyring.forget(tenantId, agentId),
    ledger: database.purgeLedger,
    now: options.now,
    actor: options.actor,
    ...(options.onStep ? { onStep: options.onStep } : {}),
  };
}
