import { DEFAULT_RETENTION, RetentionSchema } from '../../schemas/records.js';
import { InputError } from '../shared/errors.js';
import { tenantDatabase } from './request-purge.js';
import type { Regions } from '../store/ports.js';

/** Sets a tenant's retention within the schema's bounds; buckets never expire before their facts. */
export async function setRetention(
  deps: { readonly router: Regions; readonly now: () => Date; readonly actor: string },
  input: { id?: string | undefined; factDays?: string | undefined; bucketDays?: string | undefined },
): Promise<{ factDays: number; bucketDays: number }> {
  const database = await tenantDatabase(deps.router, input.id, '--id');
  const tenantId = input.id as string;
  const tenant = await database.tenants.find(tenantId);
  if (!tenant) throw new InputError('--id', `--id ${tenantId} is not a tenant: see tally tenants list`);
  const current = tenant.retention ?? DEFAULT_RETENTION;
  const days = (flag: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!/^\d{1,5}$/.test(value)) throw new InputError(flag, `${flag} must be a whole number of days`);
    return Number(value);
  };
  const parsed = RetentionSchema.safeParse({
    factDays: days('--fact-days', input.factDays, current.factDays),
    bucketDays: days('--bucket-days', input.bucketDays, current.bucketDays),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = issue?.path[0] === 'bucketDays' ? '--bucket-days' : '--fact-days';
    throw new InputError(flag, `${flag} ${issue?.message ?? 'is invalid'}: give 30 to 3650 days (defaults: facts ${DEFAULT_RETENTION.factDays}, buckets ${DEFAULT_RETENTION.bucketDays})`);
  }
  if (parsed.data.bucketDays < parsed.data.factDays) {
    throw new InputError('--bucket-days', `--bucket-days ${parsed.data.bucketDays} is shorter than the fact retention (${parsed.data.factDays}): buckets are computed from facts, so keep them at least as long`);
  }
  await database.tenants.update(tenantId, { retention: parsed.data }, deps.now());
  await database.audit.append({ tenantId, actor: deps.actor, action: 'retention.set', details: { ...parsed.data } }, deps.now());
  return parsed.data;
}
