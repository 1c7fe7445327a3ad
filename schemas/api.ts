/**
 * The HTTP API's request and response shapes (docs/api.md): the same zod schemas validate
 * every request, check every response before it is sent, and generate the OpenAPI
 * document at /openapi.json. Query objects are strict: an unknown parameter is a 400.
 */
import { z } from 'zod';
import { DAILY_COUNTERS as COUNTERS, DAILY_MINUTES as MINUTE_METRICS, StreamSchema } from './records.js';

const Day = z.string().meta({ description: 'a local day, YYYY-MM-DD', example: '2026-11-01' });
const ZendeskId = z.string().meta({ description: 'a Zendesk id (digits)', example: '360000100001' });

export const TenantParams = z.strictObject({ tenant: z.string().meta({ description: 'the tenant id', example: 'acme' }) });
export const AgentParams = TenantParams.extend({ agentId: ZendeskId });
export const PurgeParams = TenantParams.extend({ id: z.string().meta({ description: 'the purge request id (a UUID)' }) });

export const MetricsQuery = z.strictObject({
  from: Day,
  to: Day,
  agent: ZendeskId.optional(),
  group: ZendeskId.optional(),
  brand: ZendeskId.optional(),
  compare: z.enum(['previous']).optional().meta({ description: 'previous: also the period of the same length just before, with deltas' }),
});
export const RangeQuery = z.strictObject({ from: Day, to: Day });
/** Routes that take no query parameter refuse any. */
export const NoQuery = z.strictObject({});

const Summary = z.strictObject({ count: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() });
const measureShape = Object.fromEntries([
  ...COUNTERS.map((counter) => [counter, z.number()]),
  ['csatScore', z.number().nullable()],
  ...MINUTE_METRICS.map((metric) => [metric, Summary]),
]) as Record<string, z.ZodType>;
const Measures = z.strictObject(measureShape);
const Identity = { agentId: z.number().int(), name: z.string(), email: z.string() };
const Named = z.strictObject({ id: z.number().int(), name: z.string() });
const Header = {
  tenant: z.string(),
  region: z.string(),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  group: Named.optional(),
  brand: Named.optional(),
};

export const MetricsReportSchema = z.strictObject({ ...Header, agents: z.array(z.strictObject({ ...Identity, ...measureShape })) }).meta({ id: 'MetricsReport' });
export const MetricsComparisonSchema = z
  .strictObject({
    ...Header,
    previous: z.strictObject({ from: z.string(), to: z.string() }),
    agents: z.array(z.strictObject({ ...Identity, current: Measures.nullable(), previous: Measures.nullable(), delta: Measures })),
  })
  .meta({ id: 'MetricsComparison' });
export const DailySeriesSchema = z
  .strictObject({
    tenant: z.string(),
    region: z.string(),
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    agent: z.strictObject(Identity),
    days: z.array(z.strictObject({ day: z.string(), ...measureShape })),
  })
  .meta({ id: 'DailySeries' });

export const ProblemSchema = z
  .strictObject({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string(), parameter: z.string().optional() })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; `code` is from docs/errors.md' });

const Counts = z.record(z.string(), z.number().int());
export const PurgeReceiptSchema = z
  .strictObject({
    requestId: z.string(),
    tenant: z.string(),
    region: z.string(),
    state: z.string(),
    requestedAt: z.string(),
    completedAt: z.string().nullable(),
    found: z.boolean().nullable(),
    counts: Counts.nullable(),
    verification: z.strictObject({ ok: z.boolean(), remaining: Counts }).nullable(),
    suppressionHash: z.string().nullable(),
  })
  .meta({ id: 'PurgeReceipt' });

/** A purge names its agent by email or by Zendesk user id, never both; the reason is required. */
export const PurgeBody = z
  .strictObject({
    email: z.string().max(320).optional(),
    agentId: ZendeskId.optional(),
    reason: z.string().min(1).max(500).meta({ description: 'why (1 to 500 characters), kept sealed until the purge is done' }),
  })
  .meta({ id: 'PurgeRequest' });
export const ExportBody = z.strictObject({ email: z.string().max(320).optional(), agentId: ZendeskId.optional() }).meta({ id: 'ExportRequest' });

export const AgentExportSchema = z
  .looseObject({ tenant: z.string(), region: z.string(), exportedAt: z.string(), agent: z.looseObject({ zendeskUserId: z.number().int() }), facts: z.array(z.looseObject({})), daily: z.array(z.looseObject({})) })
  .meta({ id: 'AgentExport' });

export const AuditEntriesSchema = z
  .array(
    z.strictObject({
      seq: z.number().int(),
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
      hash: z.string(),
    }),
  )
  .meta({ id: 'AuditEntries' });
export const ChainCheckSchema = z.looseObject({ ok: z.boolean(), entries: z.number().int(), brokenAt: z.number().int().nullable(), reason: z.string().nullable() }).meta({ id: 'ChainCheck' });
export const StreamStatusSchema = z
  .strictObject({
    region: z.string(),
    tenantId: z.string(),
    stream: StreamSchema,
    tenantStatus: z.enum(['active', 'auth_failed']),
    lagSeconds: z.number().nullable().meta({ description: 'seconds the stream is behind now; null before its first sync' }),
    lastSuccessAt: z.number().nullable().meta({ description: 'when the last sync of the stream succeeded (ms since the epoch)' }),
    lastErrorCode: z.string().nullable().meta({ description: 'the error code of its last failed sync (docs/errors.md)' }),
    rateLimitedLastHour: z.number().int().nonnegative(),
    unavailable: z.boolean().meta({ description: "true when the tenant's plan does not offer the stream" }),
  })
  .meta({ id: 'StreamStatus' });
export const TenantStatusSchema = z.strictObject({ tenant: z.string(), region: z.string(), streams: z.array(StreamStatusSchema) }).meta({ id: 'TenantStatus' });
