import { DateTime, IANAZone } from 'luxon';
import { DEFAULT_RETENTION, type StoredTenant } from '../../schemas/records.js';
import { type TenantInput, TenantInputSchema } from '../../schemas/tenant-input.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { AppError, InputError, StoreError } from '../shared/errors.js';
import { processTenantIdClaims, type TenantIdClaim, type TenantIdClaims } from './tenant-id-claim.js';
import { type TenantView, viewTenant } from './view-tenant.js';
import type { Regions } from '../store/ports.js';

export interface AddTenantDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly verify: (rootUrl: string, email: string, token: string) => Promise<unknown>;
  readonly now: () => Date;
  /** Serialises adds of one id across processes (the CLI claims in Redis); default: this process only. */
  readonly claims?: TenantIdClaims;
}

const PROCESS_CLAIMS = processTenantIdClaims();

const FLAGS: Record<string, string> = {
  id: '--id',
  region: '--region',
  timeZone: '--time-zone',
  zendeskUrl: '--zendesk-url',
  subdomain: '--subdomain',
  zendeskEmail: '--zendesk-email',
  zendeskToken: '--zendesk-token',
  syncStart: '--sync-start',
  timeTrackingTotalField: '--time-tracking-total-field',
  timeTrackingLastField: '--time-tracking-last-field',
};

const DEFAULT_SYNC_DAYS = 90;

/**
 * Adds a tenant pinned to one region: every check happens before the first write,
 * and a failure after it removes what was written. The id is claimed (src/tenants/tenant-id-claim.ts)
 * and every region's tenants table read again before the writes, so of two adds of
 * one id, in one region or two, exactly one succeeds; the other gets TENANT_EXISTS.
 */
export async function addTenant(deps: AddTenantDeps, raw: Record<string, unknown>): Promise<TenantView> {
  const parsed = TenantInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = FLAGS[String(issue?.path[0] ?? '')] ?? String(issue?.path[0] ?? 'input');
    const problems = parsed.error.issues.map((i) => `${FLAGS[String(i.path[0])] ?? String(i.path[0])} ${i.message}`);
    throw new InputError(field, problems.join('; '));
  }
  const input: TenantInput = parsed.data;
  if (!deps.router.regionIds.includes(input.region)) {
    throw new InputError('--region', `--region ${input.region} is not configured: use one of ${deps.router.regionIds.join(', ')} (TALLY_REGIONS)`);
  }
  if (!IANAZone.isValidZone(input.timeZone)) {
    throw new InputError('--time-zone', `--time-zone ${input.timeZone} is not an IANA time zone: use a name such as Europe/Berlin or America/New_York`);
  }
  const zendeskUrl = accountRoot(input);
  const now = deps.now();
  const today = DateTime.fromJSDate(now, { zone: input.timeZone }).toISODate() as string;
  const syncStart = input.syncStart ?? (DateTime.fromJSDate(now).minus({ days: DEFAULT_SYNC_DAYS }).toISODate() as string);
  if (syncStart > today) throw new InputError('--sync-start', `--sync-start ${syncStart} is in the future: give a past date YYYY-MM-DD`);

  const existing = await deps.router.regionOf(input.id);
  if (existing) throw alreadyExists(input.id, existing);
  if (input.verify) await deps.verify(zendeskUrl, input.zendeskEmail, input.zendeskToken);

  const claim = await claimId(deps.claims ?? PROCESS_CLAIMS, input.id);
  try {
    // Read again under the claim: an add that finished meanwhile, in any region, wins.
    const added = await regionHolding(deps.router, input.id);
    if (added) throw alreadyExists(input.id, added);
    // An offboarding that failed after it removed the tenant record still owns the id: a
    // new tenant under it would be the one a resumed removal erased, and the old data would stay.
    const leaving = await regionOffboarding(deps.router, input.id);
    if (leaving) {
      throw new StoreError(
        'TENANT_EXISTS',
        `tenant ${input.id} is still being removed (in region ${leaving}): finish it with tally tenants remove --id ${input.id} --confirm ${input.id}, then add it again`,
      );
    }
    return await writeTenant(deps, input, zendeskUrl, syncStart, now, claim);
  } finally {
    await claim.release().catch(() => undefined);
  }
}

async function writeTenant(deps: AddTenantDeps, input: TenantInput, zendeskUrl: string, syncStart: string, now: Date, claim: TenantIdClaim): Promise<TenantView> {
  const keyring = deps.keyring(input.region);
  const database = deps.router.region(input.region);
  await keyring.createTenantKey(input.id);
  try {
    const tenant: StoredTenant = {
      _id: input.id,
      region: input.region,
      zendeskUrl,
      credentials: {
        email: await keyring.sealCredential(input.id, 'email', input.zendeskEmail),
        token: await keyring.sealCredential(input.id, 'token', input.zendeskToken),
      },
      timeZone: input.timeZone,
      syncStart,
      retention: { ...DEFAULT_RETENTION },
      timeTrackingFields:
        input.timeTrackingTotalField !== undefined && input.timeTrackingLastField !== undefined
          ? { total: input.timeTrackingTotalField, last: input.timeTrackingLastField, source: 'flag' }
          : { total: null, last: null, source: null },
      status: 'active',
      unavailableStreams: [],
      createdAt: now,
      updatedAt: now,
    };
    if (!(await claim.held())) {
      throw new StoreError('TENANT_CLAIM_LOST', `the claim on --id ${input.id} lapsed before the tenant was written (a very slow add): run the command again`, { retryable: true });
    }
    await database.tenants.insert(tenant);
    return viewTenant(tenant);
  } catch (error) {
    await keyring.destroyTenantKey(input.id);
    throw error;
  }
}

const alreadyExists = (id: string, region: string) =>
  new StoreError('TENANT_EXISTS', `a tenant ${id} already exists (in region ${region}): choose another --id; a tenant's region never changes`);

async function claimId(claims: TenantIdClaims, id: string): Promise<TenantIdClaim> {
  let claim: TenantIdClaim | null;
  try {
    claim = await claims.claim(id);
  } catch (error) {
    throw new AppError('REDIS_UNAVAILABLE', 'tenants add claims the --id in Redis so that no other region takes it at the same time, and Redis did not answer: check REDIS_URL, then run the command again', {
      retryable: true,
      cause: error,
    });
  }
  if (!claim) throw new StoreError('TENANT_EXISTS', `a tenant ${id} is being added right now by another tenants add: choose another --id, or see tally tenants show --id ${id} once it is done`);
  return claim;
}

/** The region whose tenants table holds the id, read from every region (no cache). */
async function regionHolding(router: Regions, id: string): Promise<string | null> {
  for (const region of router.regionIds) if (await router.region(region).tenants.find(id)) return region;
  return null;
}

async function regionOffboarding(router: Regions, id: string): Promise<string | null> {
  for (const region of router.regionIds) {
    if ((await router.region(region).purges.offboardings(id)).some((record) => record.state === 'started')) return region;
  }
  return null;
}

function accountRoot(input: TenantInput): string {
  if (input.subdomain !== undefined) return `https://${input.subdomain}.zendesk.com`;
  const url = new URL(input.zendeskUrl as string);
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/api\/v2$/.test(path)) {
    throw new InputError('--zendesk-url', '--zendesk-url is the account root without /api/v2, e.g. https://acme.zendesk.com');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new InputError('--zendesk-url', '--zendesk-url takes no query, fragment or credentials: give the account root, e.g. https://acme.zendesk.com');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new InputError('--zendesk-url', '--zendesk-url must use https (plain http only for a local simulator)');
  }
  return `${url.origin}${path}`;
}
