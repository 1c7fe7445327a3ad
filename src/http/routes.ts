/**
 * The routes of docs/api.md#routes, under /v1/tenants/{tenant}: each parses its input with
 * the schemas of schemas/api.ts and calls one use case, bound to the key as actor. Bodies
 * are exactly what the CLI prints for the same question (`tally metrics --format json`, …).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AgentExportSchema,
  AgentParams,
  AuditEntriesSchema,
  ChainCheckSchema,
  DailySeriesSchema,
  ExportBody,
  MetricsComparisonSchema,
  MetricsQuery,
  NoQuery,
  MetricsReportSchema,
  ProblemSchema,
  PurgeBody,
  PurgeParams,
  PurgeReceiptSchema,
  RangeQuery,
  TenantParams,
  TenantStatusSchema,
} from '../../schemas/api.js';
import { comparisonCsv, metricsCsv } from '../metrics/csv-report.js';
import { purgeReceipt } from '../privacy/plan-purge.js';
import { problemOf } from './problem.js';
import type { HttpServerDeps } from './server.js';

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema };
const secured = [{ apiKey: [] }];
/** The actor the audit log names for a request: the key's id and label, never the key. */
const actorOf = (request: FastifyRequest) => `api:${request.apiKey?._id ?? 'none'}:${request.apiKey?.label ?? ''}`;

export function registerRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const base = '/v1/tenants/:tenant';
  const useCases = (request: FastifyRequest) => deps.useCasesFor(actorOf(request));

  app.get(
    `${base}/metrics`,
    {
      config: { role: 'viewer' },
      schema: { summary: 'Agent metrics over local days (tally metrics --format json)', tags: ['metrics'], security: secured, params: TenantParams, querystring: MetricsQuery, response: { 200: z.union([MetricsReportSchema, MetricsComparisonSchema]), ...errors } },
    },
    async (request) => {
      const { compare, ...range } = request.query;
      const input = { tenant: request.params.tenant, ...range };
      return compare === 'previous' ? useCases(request).compareMetrics(input) : useCases(request).readMetrics(input);
    },
  );

  app.get(
    `${base}/metrics.csv`,
    {
      config: { role: 'viewer' },
      schema: { summary: 'The same as CSV (tally metrics --format csv)', tags: ['metrics'], security: secured, params: TenantParams, querystring: MetricsQuery, produces: ['text/csv'], response: { 200: z.string(), ...errors } },
    },
    async (request, reply) => {
      const { compare, ...range } = request.query;
      const input = { tenant: request.params.tenant, ...range };
      const csv = compare === 'previous' ? comparisonCsv(await useCases(request).compareMetrics(input)) : metricsCsv(await useCases(request).readMetrics(input));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="metrics-${input.from}-${input.to}.csv"`).send(csv);
    },
  );

  app.get(
    `${base}/agents/:agentId/daily`,
    {
      config: { role: 'viewer' },
      schema: { summary: "One agent's measures day by day (tally metrics --agent ID --daily --format json)", tags: ['metrics'], security: secured, params: AgentParams, querystring: RangeQuery, response: { 200: DailySeriesSchema, ...errors } },
    },
    async (request) => useCases(request).readDailySeries({ tenant: request.params.tenant, agent: request.params.agentId, ...request.query }),
  );

  app.get(
    `${base}/status`,
    { config: { role: 'viewer' }, schema: { summary: "The tenant's streams: lag, last success, last error, 429s (tally status)", tags: ['status'], security: secured, params: TenantParams, querystring: NoQuery, response: { 200: TenantStatusSchema, ...errors } } },
    async (request) => {
      const view = await useCases(request).status();
      const streams = view.streams.filter((row) => row.tenantId === request.params.tenant);
      return { tenant: request.params.tenant, region: streams[0]?.region ?? '', streams };
    },
  );

  app.post(
    `${base}/purges`,
    {
      config: { role: 'privacy' },
      schema: { summary: 'File a purge (erasure) of an agent; it runs in the worker', tags: ['privacy'], security: secured, params: TenantParams, body: PurgeBody, response: { 202: PurgeReceiptSchema, ...errors, 413: ProblemSchema, 415: ProblemSchema } },
    },
    async (request, reply) => {
      const { email, agentId, reason } = request.body;
      const cases = useCases(request);
      const filed = await cases.purge.request({ tenant: request.params.tenant, email, agent: agentId, reason });
      // Without Redis the request stays filed; the worker's purge reconciler runs it.
      await cases.purge.enqueue(filed).catch(() => undefined);
      return reply.code(202).header('location', `/v1/tenants/${request.params.tenant}/purges/${filed._id}`).send(purgeReceipt(filed));
    },
  );

  app.get(
    `${base}/purges`,
    { config: { role: 'privacy' }, schema: { summary: "The tenant's purge requests with their states and receipts", tags: ['privacy'], security: secured, params: TenantParams, querystring: NoQuery, response: { 200: z.array(PurgeReceiptSchema), ...errors } } },
    async (request) => (await useCases(request).purge.list(request.params.tenant)).map(({ pending, reason, ...receipt }) => (void pending, void reason, receipt)),
  );

  app.get(
    `${base}/purges/:id`,
    { config: { role: 'privacy' }, schema: { summary: 'One purge request and, once done, its receipt', tags: ['privacy'], security: secured, params: PurgeParams, querystring: NoQuery, response: { 200: PurgeReceiptSchema, ...errors } } },
    async (request, reply) => {
      const region = await deps.router.regionOf(request.params.tenant);
      const found = region === null || !/^[0-9a-f-]{36}$/.test(request.params.id) ? null : await useCases(request).purge.find({ _id: request.params.id, region });
      if (!found || found.tenantId !== request.params.tenant) return reply.code(404).type('application/problem+json').send(problemOf('API_NOT_FOUND', 'no such purge request for this tenant'));
      return purgeReceipt(found);
    },
  );

  app.post(
    `${base}/exports`,
    {
      config: { role: 'privacy' },
      schema: { summary: "An agent's access-request export (tally export)", tags: ['privacy'], security: secured, params: TenantParams, body: ExportBody, response: { 200: AgentExportSchema, ...errors, 413: ProblemSchema, 415: ProblemSchema } },
    },
    async (request) => JSON.parse(JSON.stringify(await useCases(request).exportAgent({ tenant: request.params.tenant, email: request.body.email, agent: request.body.agentId }))) as z.infer<typeof AgentExportSchema>,
  );

  app.get(
    `${base}/audit`,
    { config: { role: 'privacy' }, schema: { summary: "The tenant's audit log (never personal data)", tags: ['privacy'], security: secured, params: TenantParams, querystring: NoQuery, response: { 200: AuditEntriesSchema, ...errors } } },
    async (request) => (await useCases(request).audit.entries(request.params.tenant)).map(({ seq, at, actor, action, details, hash }) => ({ seq, at: at.toISOString(), actor, action, details, hash })),
  );

  app.get(
    `${base}/audit/verify`,
    { config: { role: 'privacy' }, schema: { summary: "The audit chain's verification", tags: ['privacy'], security: secured, params: TenantParams, querystring: NoQuery, response: { 200: ChainCheckSchema, ...errors } } },
    async (request) => ({ ...(await useCases(request).audit.verify(request.params.tenant)) }),
  );
}
