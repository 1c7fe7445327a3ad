/**
 * `tally metrics`: one tenant's agent metrics over local days `from`..`to`, compared
 * with the period before, or one agent's day by day (docs/metrics.md#output). Names and
 * emails are decrypted only for this output, and each such read is appended to the
 * tenant's audit log (who, how many agents, which days; never the PII itself).
 */
import { DateTime } from 'luxon';
import { type StoredAgent, type StoredTenant, TenantIdSchema } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { InputError } from '../shared/errors.js';
import type { RegionStores, Regions } from '../store/ports.js';
import {
  type AgentTotals,
  compareReports,
  type DailySeries,
  dailySeries,
  type MetricsComparison,
  metricsReport,
  type MetricsReport,
  previousPeriod,
} from './metrics-report.js';
import { type AgentIdentity, agentIdentities } from './agent-identities.js';
import { type DimensionFilter, filteredTotals } from './measure-totals.js';
import { rangeTotals } from './range-totals.js';
import { agentDays } from './series-totals.js';

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
  /** Zendesk group and brand ids: only what fell in them counts (docs/metrics.md#dimensions). */
  readonly group?: string | undefined;
  readonly brand?: string | undefined;
}

/** Longer ranges are refused: retention keeps buckets 760 days by default. */
const MAX_RANGE_DAYS = 3660;

/** A request checked against the stored tenant (and agent): what every read starts from. */
interface CheckedRead {
  readonly tenantId: string;
  readonly region: string;
  readonly database: RegionStores;
  readonly tenant: StoredTenant;
  readonly from: string;
  readonly to: string;
  readonly agent: StoredAgent | undefined;
  readonly filter: DimensionFilter;
}

async function checkRead(deps: ReadMetricsDeps, input: ReadMetricsInput): Promise<CheckedRead> {
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
  const filter: DimensionFilter = { groupId: zendeskId('--group', 'group', input.group), brandId: zendeskId('--brand', 'brand', input.brand) };

  const region = await deps.router.regionOf(tenantId);
  if (region === null) throw new InputError('--tenant', `--tenant ${tenantId} is not a tenant: see tally tenants list`);
  const database = deps.router.region(region);
  const tenant = await database.tenants.find(tenantId);
  if (!tenant) throw new InputError('--tenant', `--tenant ${tenantId} is not a tenant: see tally tenants list`);
  const agent = agentId === undefined ? undefined : ((await database.agents.find(tenantId, agentId)) ?? undefined);
  if (agentId !== undefined && !agent) {
    throw new InputError('--agent', `--agent ${agentId} is not an agent of tenant ${tenantId}: give the Zendesk user id of an agent or admin`);
  }
  return { tenantId, region, database, tenant, from, to, agent, filter };
}

function zendeskId(flag: string, what: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InputError(flag, `${flag} must be a Zendesk ${what} id (a whole number), e.g. ${flag} 360000100001`);
  return Number(value);
}

const filtered = (filter: DimensionFilter) => filter.groupId !== undefined || filter.brandId !== undefined;

/** Each agent's totals over from..to: the sum of the daily buckets, through the rollups (range-totals.ts). */
async function totalsOver(deps: ReadMetricsDeps, read: CheckedRead, from: string, to: string): Promise<Map<number, AgentTotals>> {
  // A read racing an offboarding saves no rollup once the tenant record is gone.
  const mayCache = async () => (await read.database.tenants.find(read.tenantId)) !== null;
  const slices = filtered(read.filter);
  const all = await rangeTotals({ daily: read.database.daily, rollups: read.database.rollups, now: deps.now, mayCache }, read.tenantId, from, to, undefined, { slices });
  const totals = new Map<number, AgentTotals>();
  for (const agent of all.values()) {
    if (read.agent !== undefined && agent.agentId !== read.agent.zendeskUserId) continue;
    const selected = slices ? filteredTotals(agent, read.filter) : agent;
    if (selected) totals.set(agent.agentId, selected);
  }
  return totals;
}

/** The group and brand a filtered report names, decrypted for its header (audited with the read). */
async function filterHeader(deps: ReadMetricsDeps, read: CheckedRead): Promise<Pick<MetricsReport, 'group' | 'brand'>> {
  const header: Pick<MetricsReport, 'group' | 'brand'> = {};
  for (const [kind, id] of [['group', read.filter.groupId], ['brand', read.filter.brandId]] as const) {
    if (id === undefined) continue;
    const stored = await read.database.dimensions.find(read.tenantId, kind, id);
    // A group or brand the groups/brands streams have not read (yet) has no name: the filter still applies.
    header[kind] = { id, name: stored ? await deps.keyring(read.region).openDimensionName(read.tenantId, kind, id, stored.name) : '' };
  }
  return header;
}

function filterDetails(read: CheckedRead): Record<string, number> {
  return { ...(read.filter.groupId === undefined ? {} : { group: read.filter.groupId }), ...(read.filter.brandId === undefined ? {} : { brand: read.filter.brandId }) };
}

/** Names and emails of these agents, in one batch; facts only credit stored agents, and a purged agent's buckets are gone with it. */
function identitiesOf(deps: ReadMetricsDeps, read: CheckedRead, agentIds: Iterable<number>): Promise<Map<number, AgentIdentity>> {
  return agentIdentities(read.database.agents, deps.keyring(read.region), read.region, read.tenantId, agentIds);
}

async function audited(deps: ReadMetricsDeps, read: CheckedRead, details: Record<string, string | number>): Promise<void> {
  await read.database.audit.append({ tenantId: read.tenantId, actor: deps.actor, action: 'metrics.read', details }, deps.now());
}

export async function readMetrics(deps: ReadMetricsDeps, input: ReadMetricsInput): Promise<MetricsReport> {
  const read = await checkRead(deps, input);
  const { tenantId, region, tenant, from, to } = read;
  const [totals] = await Promise.all([totalsOver(deps, read, from, to), deps.keyring(region).prepareTenantKey(tenantId)]);
  const identities = await identitiesOf(deps, read, totals.keys());
  const names = await filterHeader(deps, read);
  await audited(deps, read, { agents: identities.size, from, to, ...filterDetails(read) });
  return metricsReport({ tenant: tenantId, region, timeZone: tenant.timeZone, from, to, ...names }, totals.values(), identities);
}

/** `--compare previous`: the range and the period of the same length just before it, side by side with deltas. */
export async function compareMetrics(deps: ReadMetricsDeps, input: ReadMetricsInput): Promise<MetricsComparison> {
  const read = await checkRead(deps, input);
  const { tenantId, region, tenant, from, to } = read;
  const before = previousPeriod(from, to);
  const [currentTotals, previousTotals] = await Promise.all([totalsOver(deps, read, from, to), totalsOver(deps, read, before.from, before.to), deps.keyring(region).prepareTenantKey(tenantId)]);
  const identities = await identitiesOf(deps, read, new Set([...currentTotals.keys(), ...previousTotals.keys()]));
  const names = await filterHeader(deps, read);
  await audited(deps, read, { agents: identities.size, from: before.from, to, ...filterDetails(read) });
  const header = { tenant: tenantId, region, timeZone: tenant.timeZone, ...names };
  return compareReports(
    metricsReport({ ...header, from, to }, currentTotals.values(), identities),
    metricsReport({ ...header, ...before }, previousTotals.values(), identities),
  );
}

/** `--agent ID --daily`: the agent's measures for every day of the range, for charts. */
export async function readDailySeries(deps: ReadMetricsDeps, input: ReadMetricsInput): Promise<DailySeries> {
  if (input.agent === undefined) throw new InputError('--agent', '--daily needs --agent: the Zendesk user id of the agent whose days to show');
  if (input.group !== undefined || input.brand !== undefined) {
    throw new InputError(input.group !== undefined ? '--group' : '--brand', '--daily shows all of the agent\'s work: leave out --group and --brand');
  }
  const read = await checkRead(deps, input);
  const agent = read.agent as StoredAgent;
  const { tenantId, region, tenant, from, to } = read;
  const mayCache = async () => (await read.database.tenants.find(tenantId)) !== null;
  const buckets = await agentDays({ daily: read.database.daily, rollups: read.database.rollups, now: deps.now, mayCache }, tenantId, agent.zendeskUserId, from, to);
  // The agent was just read (checkRead): its two fields are opened directly.
  const identity = (await deps.keyring(region).openAgentIdentities(tenantId, [agent])).get(agent.zendeskUserId) ?? { name: '', email: '' };
  await audited(deps, read, { agents: 1, from, to });
  return dailySeries({ tenant: tenantId, region, timeZone: tenant.timeZone, from, to, agent: { agentId: agent.zendeskUserId, ...identity } }, buckets.values());
}

function day(flag: string, value: string | undefined): string {
  if (value === undefined) throw new InputError(flag, `${flag} is required: a day YYYY-MM-DD`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value).isValid) {
    throw new InputError(flag, `${flag} ${value} is not a day: use YYYY-MM-DD, e.g. 2026-11-01`);
  }
  return value;
}

/** The tenant's groups and brands with their names, for the dashboard's filters (names opened for output, so the read is audited). */
export async function listDimensions(deps: ReadMetricsDeps, tenant: string | undefined): Promise<{ groups: { id: number; name: string }[]; brands: { id: number; name: string }[] }> {
  if (tenant === undefined || !TenantIdSchema.safeParse(tenant).success) throw new InputError('--tenant', '--tenant is required: the id of a tenant (see tally tenants list)');
  const region = await deps.router.regionOf(tenant);
  if (region === null) throw new InputError('--tenant', `--tenant ${tenant} is not a tenant: see tally tenants list`);
  const database = deps.router.region(region);
  const stored = await database.dimensions.list(tenant);
  const keyring = deps.keyring(region);
  const named = await Promise.all(stored.map(async (record) => ({ kind: record.kind, id: record.zendeskId, name: await keyring.openDimensionName(tenant, record.kind, record.zendeskId, record.name) })));
  await database.audit.append({ tenantId: tenant, actor: deps.actor, action: 'dimensions.read', details: { groups: named.filter((d) => d.kind === 'group').length, brands: named.filter((d) => d.kind === 'brand').length } }, deps.now());
  const byName = (a: { name: string; id: number }, b: { name: string; id: number }) => a.name.localeCompare(b.name) || a.id - b.id;
  return {
    groups: named.filter((d) => d.kind === 'group').map(({ id, name }) => ({ id, name })).sort(byName),
    brands: named.filter((d) => d.kind === 'brand').map(({ id, name }) => ({ id, name })).sort(byName),
  };
}
