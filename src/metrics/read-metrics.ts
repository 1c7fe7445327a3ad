/**
 * `tally metrics`: one tenant's agent metrics over local days `from`..`to`. Names and
 * emails are decrypted only for this output, and each such read is appended to the
 * tenant's audit log (who, how many agents; never the PII itself).
 */
import { DateTime } from 'luxon';
import { TenantIdSchema } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { InputError } from '../shared/errors.js';
import { addDay, type AgentTotals, metricsReport, type MetricsReport } from './metrics-report.js';
import type { Regions } from '../store/ports.js';

export interface ReadMetricsDeps {
  readonly router: Regions;
  readonly keyring: (region: string) => TenantKeyring;
  readonly now: () => Date;
  /** Who asks, for the audit log, e.g. `cli:alice`. */
  readonly actor: string;
}

export interface ReadMetricsInput {
  readonly tenant?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly agent?: string | undefined;
}

/** Longer ranges are refused: retention keeps buckets 760 days by default. */
const MAX_RANGE_DAYS = 3660;

export async function readMetrics(deps: ReadMetricsDeps, input: ReadMetricsInput): Promise<MetricsReport> {
  const tenantId = input.tenant;
  if (tenantId === undefined || !TenantIdSchema.safeParse(tenantId).success) {
    throw new InputError('--tenant', '--tenant is required: the id of a tenant (see tally tenants list)');
  }
  const from = day('--from', input.from);
  const to = day('--to', input.to);
  if (from > to) throw new InputError('--from', `--from ${from} is after --to ${to}: give the earlier day first`);
  if (DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days >= MAX_RANGE_DAYS) {
    throw new InputError('--to', `the range is longer than ${MAX_RANGE_DAYS} days: ask for a shorter one`);
  }
  let agentId: number | undefined;
  if (input.agent !== undefined) {
    if (!/^[1-9]\d{0,15}$/.test(input.agent)) throw new InputError('--agent', '--agent must be a Zendesk user id (a whole number)');
    agentId = Number(input.agent);
  }

  const region = await deps.router.regionOf(tenantId);
  if (region === null) throw new InputError('--tenant', `--tenant ${tenantId} is not a tenant: see tally tenants list`);
  const database = deps.router.region(region);
  const tenant = await database.tenants.find(tenantId);
  if (!tenant) throw new InputError('--tenant', `--tenant ${tenantId} is not a tenant: see tally tenants list`);
  if (agentId !== undefined && !(await database.agents.find(tenantId, agentId))) {
    throw new InputError('--agent', `--agent ${agentId} is not an agent of tenant ${tenantId}: give the Zendesk user id of an agent or admin`);
  }

  const totals = new Map<number, AgentTotals>();
  for await (const bucket of database.daily.range(tenantId, from, to, agentId)) addDay(totals, bucket);

  const keyring = deps.keyring(region);
  const identities = new Map<number, { name: string; email: string }>();
  for (const id of totals.keys()) {
    const agent = await database.agents.find(tenantId, id);
    // Facts only credit stored agents; a purged agent's buckets are gone with it.
    if (!agent) continue;
    identities.set(id, {
      name: await keyring.openAgentField(tenantId, id, 'name', agent.name),
      email: await keyring.openAgentField(tenantId, id, 'email', agent.email),
    });
  }
  await database.audit.append(
    { tenantId, actor: deps.actor, action: 'metrics.read', details: { agents: identities.size, from, to } },
    deps.now(),
  );
  return metricsReport({ tenant: tenantId, region, timeZone: tenant.timeZone, from, to }, totals.values(), identities);
}

function day(flag: string, value: string | undefined): string {
  if (value === undefined) throw new InputError(flag, `${flag} is required: a day YYYY-MM-DD`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) {
    throw new InputError(flag, `${flag} ${value} is not a day: use YYYY-MM-DD, e.g. 2026-11-01`);
  }
  return value;
}
