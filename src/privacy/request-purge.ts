/**
 * Files a purge request in the tenant's region: the email only as its blind
 * index, the reason sealed under the tenant key. Every check happens before the
 * one write; running it is the purge job's.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type StoredPurge, TenantIdSchema } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { InputError } from '../shared/errors.js';
import type { RegionStores, Regions } from '../store/ports.js';

export interface PurgeInput {
  readonly tenant?: string | undefined;
  readonly email?: string | undefined;
  readonly agent?: string | undefined;
  readonly reason?: string | undefined;
}

export interface RequestPurgeDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly now: () => Date;
  readonly actor: string;
}

const MAX_REASON = 500;

/** The tenant's region database, or an InputError naming `flag`. */
export async function tenantDatabase(router: Regions, tenantId: string | undefined, flag: string): Promise<RegionStores> {
  if (tenantId === undefined || !TenantIdSchema.safeParse(tenantId).success) {
    throw new InputError(flag, `${flag} is required: the id of a tenant (see tally tenants list)`);
  }
  const region = await router.regionOf(tenantId);
  if (region === null) throw new InputError(flag, `${flag} ${tenantId} is not a tenant: see tally tenants list`);
  return router.region(region);
}

/** Exactly one of --email or --agent, checked; the email is returned as given (the caller indexes it). */
export function agentSelector(input: { email?: string | undefined; agent?: string | undefined }): { email: string } | { agentId: number } {
  if ((input.email === undefined) === (input.agent === undefined)) {
    throw new InputError('--email', 'give exactly one of --email E or --agent ZENDESK_USER_ID');
  }
  if (input.agent !== undefined) {
    if (!/^[1-9]\d{0,15}$/.test(input.agent)) throw new InputError('--agent', '--agent must be a Zendesk user id (a whole number)');
    return { agentId: Number(input.agent) };
  }
  const email = input.email ?? '';
  // The address is never echoed: it is the personal data being erased.
  if (!z.email().safeParse(email.trim()).success) throw new InputError('--email', '--email is not an email address: give the agent’s address, e.g. name@example.com');
  return { email };
}

export async function requestPurge(deps: RequestPurgeDeps, input: PurgeInput): Promise<StoredPurge> {
  const selector = agentSelector(input);
  if (input.reason !== undefined && (input.reason.trim() === '' || input.reason.length > MAX_REASON)) {
    throw new InputError('--reason', `--reason must be 1 to ${MAX_REASON} characters`);
  }
  const database = await tenantDatabase(deps.router, input.tenant, '--tenant');
  const tenantId = input.tenant as string;
  const keyring = deps.keyring(database.region);
  const target = 'agentId' in selector ? { zendeskUserId: selector.agentId } : { emailIndex: await keyring.emailIndex(tenantId, selector.email) };
  const now = deps.now();
  const _id = randomUUID();
  const request: StoredPurge = {
    _id,
    tenantId,
    region: database.region,
    state: 'requested',
    requestedAt: now,
    requestedBy: deps.actor,
    // Free text that may name the person: sealed, and removed once the purge is done.
    ...(input.reason === undefined ? {} : { reason: await keyring.sealPurgeReason(tenantId, _id, input.reason) }),
    target,
    updatedAt: now,
  };
  await database.purges.insert(request);
  return request;
}
