/**
 * `tally serve`'s HTTP surface (docs/api.md): Fastify 5 with zod schemas on every route,
 * API-key authentication with roles and a Redis-shared lockout, per-key rate limits,
 * security headers, RFC 9457 errors, OpenAPI 3.1 at /openapi.json and its reference at
 * /docs (assets served from the package, no CDN). Every route calls the same use cases
 * as the CLI (src/app/use-cases.ts), bound to an actor naming the key.
 */
import { readFileSync } from 'node:fs';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { ApiRole, StoredApiKey } from '../../schemas/records.js';
import { authenticateApiKey, roleAllows } from '../access/api-keys.js';
import type { UseCases } from '../app/use-cases.js';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../shared/logger.js';
import type { Regions } from '../store/ports.js';
import { AuthLockout } from './auth-lockout.js';
import { type Problem, problemFromError, problemOf } from './problem.js';
import { registerDashboard } from '../web/dashboard.js';
import { registerRoutes } from './routes.js';

export interface HttpServerDeps {
  readonly config: Config;
  readonly router: Regions;
  readonly redis: () => Redis;
  readonly now: () => Date;
  /** The use cases bound to an actor (`api:<keyId>`): one implementation for every surface. */
  readonly useCasesFor: (actor: string) => UseCases;
  /** Redis and every region's MongoDB answer. */
  readonly ready: () => Promise<boolean>;
  readonly logger: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: StoredApiKey | null;
  }
  interface FastifyContextConfig {
    /** The role a route needs; routes without one need no key. */
    role?: ApiRole;
  }
}

export const BODY_LIMIT_BYTES = 16 * 1024;

export async function buildHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const tls = config.http.tls;
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.http.trustedProxy ? config.http.trustedProxy.split(',').map((entry) => entry.trim()) : false,
    // Query strings are read as given: no arrays, no nested objects.
    routerOptions: { ignoreTrailingSlash: false },
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), minVersion: 'TLSv1.2' as const } } : {}),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('apiKey', null);

  const lockout = new AuthLockout(deps.redis, config.queuePrefix);
  /** When this process last recorded each key's use. */
  const touched = new Map<string, number>();
  const sendProblem = (reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}) =>
    reply.code(problem.status).headers(headers).type('application/problem+json').send(problem);

  await app.register(fastifyHelmet, {
    // HSTS only means something over TLS; the reference page needs its own scripts (self only).
    hsts: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] } },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0];
      const where = error.validationContext ?? 'request';
      const path = issue?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
      const unknown = issue?.keyword === 'unrecognized_keys' ? (issue.params as { keys?: string[] }).keys?.[0] : undefined;
      const parameter = unknown ?? (path || where);
      const detail = unknown
        ? `${unknown} is not a parameter of this route: remove it (see /openapi.json)`
        : `${parameter} ${issue?.message ?? 'is invalid'}: fix the ${where} parameter ${parameter}`;
      return sendProblem(reply, problemOf('INPUT_INVALID', detail, parameter));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, problemOf('API_BODY_TOO_LARGE', `the body is larger than ${BODY_LIMIT_BYTES} bytes: send at most 16 KiB`));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, problemOf('API_MEDIA_TYPE', 'the body must be application/json'));
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      return sendProblem(reply, problemOf('INPUT_INVALID', 'the body is not a JSON object: send one, e.g. {"email": "…", "reason": "…"}', 'body'));
    }
    if (error.statusCode === 429) return sendProblem(reply, problemOf('API_RATE_LIMITED', 'this key made more requests than its limit per minute: wait for Retry-After'));
    const problem = problemFromError(error);
    if (problem.status >= 500) deps.logger.error({ code: problem.code, route: request.routeOptions.url ?? null }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, problemOf('API_NOT_FOUND', 'no such route: see /openapi.json')));

  // Authentication before anything else of a /v1 route, so a locked-out address learns nothing.
  app.addHook('onRequest', async (request, reply) => {
    const role = request.routeOptions.config.role;
    if (role === undefined) return;
    const address = request.ip;
    const blocked = await lockout.blockedFor(address);
    if (blocked > 0) return sendProblem(reply, problemOf('API_LOCKED_OUT', 'too many failed authentications from this address: wait for Retry-After'), { 'retry-after': String(Math.ceil(blocked / 1000)) });
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const found = token ? await authenticateApiKey(deps.router, token, deps.now()) : null;
    if (!found) {
      if (await lockout.recordFailure(address, deps.now().getTime())) deps.logger.warn({ address, keyId: token ? keyIdOf(token) : null }, 'address blocked after failed authentications');
      return sendProblem(reply, token ? problemOf('API_KEY_INVALID', 'the key is unknown, revoked or expired') : problemOf('API_KEY_REQUIRED', 'send Authorization: Bearer <key>'));
    }
    const params = request.params as { tenant?: string };
    // Another tenant's path answers exactly as a tenant that does not exist.
    if (params.tenant !== found.key.tenantId) return sendProblem(reply, problemOf('API_NOT_FOUND', 'no such tenant for this key'));
    if (!roleAllows(found.key.role, role)) return sendProblem(reply, problemOf('API_ROLE_TOO_LOW', `this route needs a ${role} key; this key is ${found.key.role}`));
    request.apiKey = found.key;
    // "Last used" to the minute is enough (ApiKeyStore.touch): not a write on every request.
    const nowMs = deps.now().getTime();
    if (nowMs - (touched.get(found.key._id) ?? 0) >= 60_000) {
      touched.set(found.key._id, nowMs);
      void found.database.apiKeys.touch(found.key._id, new Date(nowMs)).catch(() => undefined);
    }
  });

  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler',
    max: config.http.keyRatePerMinute,
    timeWindow: 60_000,
    redis: deps.redis(),
    nameSpace: `${config.queuePrefix}:http:rate:`,
    allowList: (request: FastifyRequest) => request.apiKey === null,
    keyGenerator: (request: FastifyRequest) => request.apiKey?._id ?? request.ip,
    errorResponseBuilder: (_request, context) => Object.assign(new Error('rate limited'), { statusCode: 429, retryAfter: context.after }),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'tally', version: '1', description: 'Agent metrics and privacy operations of tally (docs/api.md). Authenticate with Authorization: Bearer <key>.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: false } });

  app.get('/healthz', { schema: { hide: true } }, () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = await deps.ready().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ ok });
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  registerRoutes(app, deps);
  await registerDashboard(app, deps);

  app.addHook('onResponse', async (request, reply) => {
    // Route patterns only: a raw URL can carry what a caller should not have put there.
    deps.logger.info({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime), keyId: request.apiKey?._id ?? null }, 'request');
  });
  return app;
}

function keyIdOf(token: string): string | null {
  return /^tally_([0-9a-f]{16})_/.exec(token)?.[1] ?? null;
}
