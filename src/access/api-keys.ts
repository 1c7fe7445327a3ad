/**
 * API keys (docs/api.md#keys): made, listed and revoked by an admin on the CLI, checked
 * by `tally serve` on every request. A key is `tally_<keyId>_<secret>`; only a salted
 * SHA-256 of the secret is stored, in the tenant's region, and the key is shown once.
 * Each key serves one tenant with one role; roles are cumulative (viewer ⊂ privacy ⊂ admin).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_ROLES, type ApiRole, type StoredApiKey, TenantIdSchema } from '../../schemas/records.js';
import { InputError } from '../shared/errors.js';
import type { Regions, RegionStores } from '../store/ports.js';

const ROLE_RANK: Readonly<Record<ApiRole, number>> = { viewer: 0, privacy: 1, admin: 2 };

/** Whether a key of role `have` may do what needs `need`. */
export const roleAllows = (have: ApiRole, need: ApiRole): boolean => ROLE_RANK[have] >= ROLE_RANK[need];

const KEY_PATTERN = /^tally_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The key id and secret of a key as presented, or null for anything that is not a key's shape. */
export function parseApiKey(token: string): { keyId: string; secret: string } | null {
  const match = KEY_PATTERN.exec(token);
  return match ? { keyId: match[1] as string, secret: match[2] as string } : null;
}

export function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(`${salt}|${secret}`).digest('hex');
}

/** The public part of a key: what `api-keys list` shows and the audit log names. */
export type ApiKeyView = Pick<StoredApiKey, 'tenantId' | 'role' | 'label' | 'createdAt' | 'expiresAt' | 'revokedAt' | 'lastUsedAt'> & { id: string };

export const viewOf = (key: StoredApiKey): ApiKeyView => ({
  id: key._id,
  tenantId: key.tenantId,
  role: key.role,
  label: key.label,
  createdAt: key.createdAt,
  expiresAt: key.expiresAt,
  revokedAt: key.revokedAt,
  lastUsedAt: key.lastUsedAt,
});

export interface ApiKeyDeps {
  readonly router: Regions;
  readonly now: () => Date;
  /** Who the audit log names. */
  readonly actor: string;
}

async function tenantStores(router: Regions, tenant: string | undefined): Promise<{ tenantId: string; database: RegionStores }> {
  if (tenant === undefined || !TenantIdSchema.safeParse(tenant).success) throw new InputError('--tenant', '--tenant is required: the id of a tenant (see tally tenants list)');
  const region = await router.regionOf(tenant);
  const database = region === null ? null : router.region(region);
  if (!database || !(await database.tenants.find(tenant))) throw new InputError('--tenant', `--tenant ${tenant} is not a tenant: see tally tenants list`);
  return { tenantId: tenant, database };
}

export interface CreateApiKeyInput {
  readonly tenant?: string | undefined;
  readonly role?: string | undefined;
  readonly label?: string | undefined;
  readonly expiresDays?: string | undefined;
}

/** Makes a key; the token it returns is shown once and stored nowhere. */
export async function createApiKey(deps: ApiKeyDeps, input: CreateApiKeyInput): Promise<{ key: ApiKeyView; token: string }> {
  const { tenantId, database } = await tenantStores(deps.router, input.tenant);
  if (!(API_ROLES as readonly string[]).includes(input.role ?? '')) throw new InputError('--role', `--role must be one of ${API_ROLES.join(', ')}`);
  const label = input.label?.trim() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (label.length < 1 || label.length > 100 || /[\u0000-\u001f\u007f-\u009f]/.test(label)) {
    throw new InputError('--label', '--label is required: 1 to 100 printable characters that say what the key is for, e.g. "BI export"');
  }
  let expiresAt: Date | null = null;
  if (input.expiresDays !== undefined) {
    if (!/^\d{1,4}$/.test(input.expiresDays) || Number(input.expiresDays) < 1 || Number(input.expiresDays) > 3650) {
      throw new InputError('--expires-days', '--expires-days must be a whole number of days from 1 to 3650');
    }
    expiresAt = new Date(deps.now().getTime() + Number(input.expiresDays) * 86_400_000);
  }
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  const stored: StoredApiKey = {
    _id: keyId,
    tenantId,
    role: input.role as ApiRole,
    label,
    salt,
    hash: hashSecret(salt, secret),
    createdAt: deps.now(),
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
  };
  await database.apiKeys.insert(stored);
  await database.audit.append({ tenantId, actor: deps.actor, action: 'api_key.created', details: { keyId, role: stored.role } }, deps.now());
  return { key: viewOf(stored), token: `tally_${keyId}_${secret}` };
}

export async function listApiKeys(deps: ApiKeyDeps, tenant: string | undefined): Promise<ApiKeyView[]> {
  const { tenantId, database } = await tenantStores(deps.router, tenant);
  return (await database.apiKeys.list(tenantId)).map(viewOf);
}

export async function revokeApiKey(deps: ApiKeyDeps, tenant: string | undefined, keyId: string | undefined): Promise<ApiKeyView> {
  const { tenantId, database } = await tenantStores(deps.router, tenant);
  if (keyId === undefined || !/^[0-9a-f]{16}$/.test(keyId)) throw new InputError('--id', '--id must be a key id: 16 hex digits, as tally api-keys list shows');
  if (!(await database.apiKeys.revoke(tenantId, keyId, deps.now()))) throw new InputError('--id', `--id ${keyId} is not a key of tenant ${tenantId}: see tally api-keys list`);
  await database.audit.append({ tenantId, actor: deps.actor, action: 'api_key.revoked', details: { keyId } }, deps.now());
  return viewOf((await database.apiKeys.find(keyId)) as StoredApiKey);
}

/**
 * The key a request presents, if it is one that works now: well formed, stored in some
 * region, its secret's hash equal (compared in constant time), not revoked, not expired.
 * Anything else is null, with no hint of which check failed.
 */
export async function authenticateApiKey(router: Regions, token: string, now: Date): Promise<{ key: StoredApiKey; database: RegionStores } | null> {
  const parsed = parseApiKey(token);
  if (!parsed) return null;
  // Every region at once: a key id is random, so at most one region has it.
  const found = await Promise.all(router.regionIds.map(async (region) => ({ database: router.region(region), key: await router.region(region).apiKeys.find(parsed.keyId) })));
  for (const { database, key } of found) {
    if (!key) continue;
    const expected = Buffer.from(key.hash, 'hex');
    const given = Buffer.from(hashSecret(key.salt, parsed.secret), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    if (key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime())) return null;
    return { key, database };
  }
  return null;
}
