import { TenantIdSchema } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { InputError } from '../shared/errors.js';
import { type TenantView, viewTenant } from './view-tenant.js';
import type { Regions } from '../store/ports.js';

export interface ReplaceCredentialsDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly verify: (rootUrl: string, email: string, token: string) => Promise<unknown>;
  readonly now: () => Date;
}

/**
 * New Zendesk credentials for a tenant, checked against Zendesk before they are
 * stored; a tenant stopped by a 401 becomes active again.
 */
export async function replaceCredentials(
  deps: ReplaceCredentialsDeps,
  input: { id?: string | undefined; zendeskEmail?: string | undefined; zendeskToken?: string | undefined; verify: boolean },
): Promise<TenantView> {
  const { id, zendeskEmail, zendeskToken } = input;
  if (id === undefined || !TenantIdSchema.safeParse(id).success) throw new InputError('--id', '--id is required: the tenant (see tally tenants list)');
  if (!zendeskEmail || !/^[^@\s]+@[^@\s]+$/.test(zendeskEmail)) throw new InputError('--zendesk-email', "--zendesk-email is required: an admin's email");
  if (!zendeskToken) throw new InputError('--zendesk-token', '--zendesk-token is required: a Zendesk API token');
  const region = await deps.router.regionOf(id);
  if (region === null) throw new InputError('--id', `--id ${id} is not a tenant: see tally tenants list`);
  const database = deps.router.region(region);
  const tenant = await database.tenants.find(id);
  if (!tenant) throw new InputError('--id', `--id ${id} is not a tenant: see tally tenants list`);
  if (input.verify) await deps.verify(tenant.zendeskUrl, zendeskEmail, zendeskToken);
  const keyring = deps.keyring(region);
  const credentials = {
    email: await keyring.sealCredential(id, 'email', zendeskEmail),
    token: await keyring.sealCredential(id, 'token', zendeskToken),
  };
  const now = deps.now();
  await database.tenants.update(id, { credentials, status: 'active' }, now);
  return viewTenant({ ...tenant, credentials, status: 'active', updatedAt: now });
}
