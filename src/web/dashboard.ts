/**
 * The dashboard in `tally serve` (docs/dashboard.md): pages under /app/{tenant}/ and their
 * assets under /assets/, in a Fastify context of their own (sessions, forms, CSRF and HTML
 * errors apply here only; the API keeps its keys and problem bodies). Pages call the same
 * use cases as the CLI and the API, bound to the actor `person:<id>`.
 *
 * Sessions live in Redis (session-store.ts); a session names its person and the person's
 * epoch, and is checked against the stored person on every request, so a disable, reset or
 * role change ends it at once. Every POST carries the session's CSRF token.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { ApiRole } from '../../schemas/records.js';
import { roleAllows } from '../access/api-keys.js';
import { sessionPerson } from '../access/people.js';
import { AuthLockout } from '../http/auth-lockout.js';
import type { HttpServerDeps } from '../http/server.js';
import { AppError, InputError } from '../shared/errors.js';
import type { Html } from './html.js';
import { agentPage } from './pages/agent.js';
import { agentsPage, AGENT_COLUMNS } from './pages/agents.js';
import { errorPage, type Viewer } from './pages/layout.js';
import { recoveryCodesPage, setupPage, signInPage } from './pages/sign-in.js';
import { peoplePage } from './pages/people.js';
import { privacyPage, purgeConfirmPage, type PurgeDraft, receiptPage } from './pages/privacy.js';
import { syncPage } from './pages/sync.js';
import { PRESETS, type Preset, presetRange } from './range-presets.js';
import { RedisSessionStore, SESSION_IDLE_MS, SESSION_MAX_MS } from './session-store.js';
import { comparisonCsv } from '../metrics/csv-report.js';
import { purgeReceipt } from '../privacy/plan-purge.js';
import { packageRoot } from '../shared/package-root.js';

declare module 'fastify' {
  interface Session {
    tenant?: string;
    personId?: string;
    epoch?: number;
    signedInAt?: number;
    seenAt?: number;
  }
}

const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
const SIGN_IN_FAILED_TEXT = 'Sign-in failed: check the email, password and code. After 5 failed tries in a row, sign-in is locked for 15 minutes.';

export async function registerDashboard(app: FastifyInstance, deps: HttpServerDeps): Promise<void> {
  const root = packageRoot();
  const secure = Boolean(deps.config.http.tls) || deps.config.http.trustedProxy !== undefined;
  const lockout = new AuthLockout(deps.redis, `${deps.config.queuePrefix}:web`);

  await app.register(fastifyStatic, { root: join(root, 'src/web/assets'), prefix: '/assets/', index: false, list: false, maxAge: '1h' });
  await app.register(fastifyStatic, { root: join(root, 'node_modules/uplot/dist'), prefix: '/assets/vendor/', decorateReply: false, index: false, list: false, allowedPath: (path) => /^\/uPlot\.(iife\.min\.js|min\.css)$/.test(path), maxAge: '1h' });

  await app.register(async (web) => {
    await web.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
    await web.register(fastifyCookie);
    await web.register(fastifySession, {
      secret: deps.config.http.sessionSecret ?? randomBytes(48).toString('base64url'),
      // __Host- cookies are refused unless Secure, on /, without Domain: set only under TLS.
      cookieName: secure ? '__Host-tally-session' : 'tally-session',
      cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: SESSION_MAX_MS },
      saveUninitialized: false,
      rolling: false,
      store: new RedisSessionStore(deps.redis, deps.config.queuePrefix),
    });
    await web.register(fastifyCsrf, { sessionPlugin: '@fastify/session', getToken: (request: FastifyRequest) => (request.body as { _csrf?: string } | undefined)?._csrf ?? (request.headers['x-csrf-token'] as string | undefined) });

    const checkCsrf = web.csrfProtection.bind(web);
    const sendPage = (reply: FastifyReply, status: number, body: Html) =>
      reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body.value);
    const csrfOf = (reply: FastifyReply) => reply.generateCsrf();

    web.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
        return sendPage(reply, 403, errorPage(403, 'This form had no valid CSRF token (CSRF_INVALID): reload the page and send it again.'));
      }
      // A path that is no tenant, agent, request or person id: as if it did not exist.
      if (hasZodFastifySchemaValidationErrors(error)) return sendPage(reply, 404, errorPage(404, 'No such page.'));
      if (error instanceof InputError) return sendPage(reply, 400, errorPage(400, error.message));
      if (error.statusCode === 413) return sendPage(reply, 413, errorPage(400, 'The form is larger than 16 KiB.'));
      deps.logger.error({ code: error instanceof AppError ? error.code : 'UNEXPECTED', route: request.routeOptions.url ?? null }, 'page failed');
      return sendPage(reply, 500, errorPage(500, 'The page could not be made. Try again; if it keeps failing, an operator can look at tally serve’s log.'));
    });

    const tenantOf = (request: FastifyRequest) => (request.params as { tenant: string }).tenant;

    /** The signed-in person as a Viewer, or null after answering (sign-in redirect, or the 403 page). */
    async function viewer(request: FastifyRequest, reply: FastifyReply, role: ApiRole): Promise<Viewer | null> {
      const tenant = tenantOf(request);
      const session = request.session;
      const now = deps.now().getTime();
      const toSignIn = async (reason?: 'expired') => {
        if (session.personId !== undefined && session.tenant !== undefined && reason) await deps.useCasesFor(`person:${session.personId}`).people.signOut(session.tenant, session.personId, reason).catch(() => undefined);
        // Only an ended session is destroyed: a person of another tenant keeps theirs.
        if (reason && session.personId !== undefined) await session.destroy();
        await reply.code(303).header('location', `/app/${TENANT_PATTERN.test(tenant) ? tenant : ''}/sign-in${reason ? '?ended=1' : ''}`).send();
        return null;
      };
      if (session.personId === undefined || session.tenant !== tenant || session.epoch === undefined || session.signedInAt === undefined || session.seenAt === undefined) return toSignIn();
      if (now - session.seenAt > SESSION_IDLE_MS || now - session.signedInAt > SESSION_MAX_MS) return toSignIn('expired');
      const person = await sessionPerson(deps.router, tenant, session.personId, session.epoch);
      if (!person) {
        await session.destroy();
        await reply.code(303).header('location', `/app/${tenant}/sign-in?ended=1`).send();
        return null;
      }
      session.seenAt = now;
      const found: Viewer = { tenant, personId: person._id, role: person.role, csrf: csrfOf(reply) };
      if (!roleAllows(person.role, role)) {
        await sendPage(reply, 403, errorPage(403, `This page needs the ${role} role; you are ${person.role}.`, found));
        return null;
      }
      return found;
    }
    const casesFor = (viewerOf: Viewer) => deps.useCasesFor(`person:${viewerOf.personId}`);

    const tenantId = z.string().regex(TENANT_PATTERN);
    const tenantParams = z.object({ tenant: tenantId });
    web.get('/app/:tenant', { schema: { hide: true, params: tenantParams } }, async (request, reply) => reply.code(303).header('location', `/app/${tenantOf(request)}/agents`).send());

    web.get('/app/:tenant/sign-in', { schema: { hide: true, params: tenantParams } }, async (request, reply) => {
      const ended = (request.query as { ended?: string }).ended === '1';
      return sendPage(reply, 200, signInPage({ tenant: tenantOf(request), csrf: csrfOf(reply), notice: ended ? 'Your session ended. Sign in again.' : undefined }));
    });

    web.post('/app/:tenant/sign-in', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const tenant = tenantOf(request);
      const blocked = await lockout.blockedFor(request.ip);
      const body = (request.body ?? {}) as { email?: string; password?: string; code?: string };
      if (blocked > 0) return sendPage(reply.header('retry-after', String(Math.ceil(blocked / 1000))), 429, signInPage({ tenant, csrf: csrfOf(reply), failed: 'Too many failed sign-ins from this address: wait 15 minutes.' }));
      try {
        const person = await deps.useCasesFor(`web:${request.ip}`).people.signIn(tenant, body);
        // A new session id at sign-in: an id planted before it is worth nothing after.
        await request.session.regenerate();
        const now = deps.now().getTime();
        Object.assign(request.session, { tenant, personId: person._id, epoch: person.epoch, signedInAt: now, seenAt: now });
        return reply.code(303).header('location', `/app/${tenant}/agents`).send();
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'SIGN_IN_FAILED' && error.code !== 'SIGN_IN_LOCKED')) throw error;
        if (await lockout.recordFailure(request.ip, deps.now().getTime())) deps.logger.warn({ address: request.ip }, 'address blocked after failed sign-ins');
        return sendPage(reply, 401, signInPage({ tenant, csrf: csrfOf(reply), failed: SIGN_IN_FAILED_TEXT }));
      }
    });

    web.post('/app/:tenant/sign-out', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const { personId, tenant } = request.session;
      if (personId !== undefined && tenant !== undefined) await deps.useCasesFor(`person:${personId}`).people.signOut(tenant, personId, 'signed_out');
      await request.session.destroy();
      return reply.code(303).header('location', `/app/${tenantOf(request)}/sign-in`).send();
    });

    web.get('/app/:tenant/setup', { schema: { hide: true, params: tenantParams } }, async (request, reply) => sendPage(reply, 200, setupPage({ tenant: tenantOf(request), csrf: csrfOf(reply) })));

    web.post('/app/:tenant/setup/start', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      try {
        const start = await deps.useCasesFor('web:setup').people.startSetup(tenantOf(request), (request.body as { token?: string } | undefined)?.token);
        const qrSvg = await QRCode.toString(start.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        return reply.header('cache-control', 'no-store').send({ email: start.email, secret: start.secret, qrSvg });
      } catch (error) {
        if (error instanceof AppError && error.code === 'SETUP_LINK_INVALID') return reply.code(404).header('cache-control', 'no-store').send({ code: error.code });
        throw error;
      }
    });

    web.post('/app/:tenant/setup', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const tenant = tenantOf(request);
      try {
        const done = await deps.useCasesFor('web:setup').people.completeSetup(tenant, request.body ?? {});
        return sendPage(reply, 200, recoveryCodesPage({ tenant, codes: done.recoveryCodes }));
      } catch (error) {
        if (error instanceof InputError) return sendPage(reply, 400, setupPage({ tenant, csrf: csrfOf(reply), error: error.message }));
        if (error instanceof AppError && error.code === 'SETUP_LINK_INVALID') return sendPage(reply, 404, errorPage(404, 'This setup link is expired, used or wrong: ask an admin for a new one (tally users reset).'));
        throw error;
      }
    });

    /** The range a page asks for: a preset on the tenant's today, or custom days. */
    async function rangeOf(request: FastifyRequest, tenant: string) {
      const query = request.query as Record<string, string | undefined>;
      const preset: Preset = (PRESETS as readonly string[]).includes(query['preset'] ?? '') ? (query['preset'] as Preset) : query['from'] || query['to'] ? 'custom' : 'last30';
      const timeZone = (await deps.useCasesFor('web').tenants.show(tenant)).timeZone;
      const range = presetRange(preset, timeZone, deps.now(), { from: query['from'] || undefined, to: query['to'] || undefined });
      const id = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
      return { preset, ...range, group: id(query['group']), brand: id(query['brand']) };
    }

    web.get('/app/:tenant/agents', { schema: { hide: true, params: tenantParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'viewer');
      if (!who) return reply;
      const range = await rangeOf(request, who.tenant);
      const query = request.query as { sort?: string; dir?: string };
      const sort = query.sort === 'name' || AGENT_COLUMNS.some((column) => column.key === query.sort) ? (query.sort as string) : 'solves';
      const cases = casesFor(who);
      const [comparison, dimensions] = await Promise.all([
        cases.compareMetrics({ tenant: who.tenant, from: range.from, to: range.to, group: range.group, brand: range.brand }),
        cases.dimensions(who.tenant),
      ]);
      return sendPage(
        reply,
        200,
        agentsPage({
          viewer: who,
          comparison,
          preset: range.preset,
          groups: dimensions.groups,
          brands: dimensions.brands,
          groupId: comparison.group?.id,
          brandId: comparison.brand?.id,
          sort,
          dir: query.dir === 'asc' ? 'asc' : 'desc',
        }),
      );
    });

    web.get('/app/:tenant/agents.csv', { schema: { hide: true, params: tenantParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'viewer');
      if (!who) return reply;
      const range = await rangeOf(request, who.tenant);
      const comparison = await casesFor(who).compareMetrics({ tenant: who.tenant, from: range.from, to: range.to, group: range.group, brand: range.brand });
      return reply.header('cache-control', 'no-store').type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="metrics-${range.from}-${range.to}.csv"`).send(comparisonCsv(comparison));
    });

    web.get('/app/:tenant/agents/:agentId', { schema: { hide: true, params: z.object({ tenant: tenantId, agentId: z.string().regex(/^[1-9]\d{0,15}$/) }) } }, async (request, reply) => {
      const who = await viewer(request, reply, 'viewer');
      if (!who) return reply;
      const range = await rangeOf(request, who.tenant);
      const series = await casesFor(who).readDailySeries({ tenant: who.tenant, agent: (request.params as { agentId: string }).agentId, from: range.from, to: range.to });
      return sendPage(reply, 200, agentPage({ viewer: who, series }));
    });

    /** The Privacy page with the tenant's requests, its audit log and the chain's check. */
    async function showPrivacy(reply: FastifyReply, who: Viewer, status: number, extra: { draft?: PurgeDraft; error?: string; exportError?: string } = {}) {
      const cases = casesFor(who);
      const [requests, entries, chain] = await Promise.all([cases.purge.list(who.tenant), cases.audit.entries(who.tenant), cases.audit.verify(who.tenant)]);
      const receipts = requests.map(({ pending, reason, ...receipt }) => (void pending, void reason, receipt));
      return sendPage(reply, status, privacyPage({ viewer: who, receipts, entries, chain, ...extra }));
    }

    const draftOf = (request: FastifyRequest): PurgeDraft => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
      return { email: text(body['email']), agentId: text(body['agentId']), reason: text(body['reason']) };
    };
    /** The checks of a purge's input, before the confirmation step, in the words of the form. */
    const draftProblem = (draft: PurgeDraft): string | undefined => {
      if ((draft.email === '') === (draft.agentId === '')) return 'Give the email or the Zendesk user id (one of them, not both).';
      if (draft.agentId !== '' && !/^[1-9]\d{0,15}$/.test(draft.agentId)) return 'The Zendesk user id is a whole number, e.g. 360001234567.';
      if (draft.reason === '') return 'A reason is required: say why the agent is purged, e.g. "erasure request of 2026-03-10".';
      if (draft.reason.length > 500) return 'The reason is longer than 500 characters: shorten it.';
      return undefined;
    };

    web.get('/app/:tenant/privacy', { schema: { hide: true, params: tenantParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'privacy');
      if (!who) return reply;
      return showPrivacy(reply, who, 200);
    });

    web.post('/app/:tenant/privacy/purges/confirm', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const who = await viewer(request, reply, 'privacy');
      if (!who) return reply;
      const draft = draftOf(request);
      const problem = draftProblem(draft);
      if (problem) return showPrivacy(reply, who, 400, { draft, error: problem });
      return sendPage(reply, 200, purgeConfirmPage({ viewer: who, draft }));
    });

    web.post('/app/:tenant/privacy/purges', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const who = await viewer(request, reply, 'privacy');
      if (!who) return reply;
      const draft = draftOf(request);
      const problem = draftProblem(draft) ?? ((request.body as { confirmed?: string } | undefined)?.confirmed === 'yes' ? undefined : 'Review the purge and confirm it first.');
      if (problem) return showPrivacy(reply, who, 400, { draft, error: problem });
      const cases = casesFor(who);
      try {
        const filed = await cases.purge.request({ tenant: who.tenant, ...(draft.email ? { email: draft.email } : { agent: draft.agentId }), reason: draft.reason });
        // Without Redis the request stays filed; the worker's purge reconciler runs it.
        await cases.purge.enqueue(filed).catch(() => undefined);
        return reply.code(303).header('location', `/app/${who.tenant}/privacy/purges/${filed._id}`).send();
      } catch (error) {
        if (error instanceof InputError) return showPrivacy(reply, who, 400, { draft, error: error.message });
        throw error;
      }
    });

    const purgeParams = z.object({ tenant: tenantId, id: z.string().regex(/^[0-9a-f-]{36}$/) });
    const receiptOf = async (who: Viewer, id: string) => {
      const region = await deps.router.regionOf(who.tenant);
      const found = region === null ? null : await casesFor(who).purge.find({ _id: id, region });
      return found && found.tenantId === who.tenant ? purgeReceipt(found) : null;
    };
    web.get('/app/:tenant/privacy/purges/:id', { schema: { hide: true, params: purgeParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'privacy');
      if (!who) return reply;
      const receipt = await receiptOf(who, (request.params as { id: string }).id);
      if (!receipt) return sendPage(reply, 404, errorPage(404, 'No such purge request for this tenant.', who));
      return sendPage(reply, 200, receiptPage({ viewer: who, receipt }));
    });
    web.get('/app/:tenant/privacy/purges/:id/receipt.json', { schema: { hide: true, params: purgeParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'privacy');
      if (!who) return reply;
      const receipt = await receiptOf(who, (request.params as { id: string }).id);
      if (!receipt) return sendPage(reply, 404, errorPage(404, 'No such purge request for this tenant.', who));
      return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="purge-${receipt.requestId}.json"`).type('application/json').send(JSON.stringify(receipt, null, 2));
    });

    web.post('/app/:tenant/privacy/exports', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const who = await viewer(request, reply, 'privacy');
      if (!who) return reply;
      const draft = draftOf(request);
      if ((draft.email === '') === (draft.agentId === '')) return showPrivacy(reply, who, 400, { exportError: 'Give the email or the Zendesk user id (one of them, not both).' });
      try {
        const exported = await casesFor(who).exportAgent({ tenant: who.tenant, ...(draft.email ? { email: draft.email } : { agent: draft.agentId }) });
        return reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="agent-export.json"').type('application/json').send(JSON.stringify(exported, null, 2));
      } catch (error) {
        if (error instanceof InputError) return showPrivacy(reply, who, 400, { exportError: error.message });
        throw error;
      }
    });

    async function showPeople(reply: FastifyReply, who: Viewer, status: number, extra: Omit<Parameters<typeof peoplePage>[0], 'viewer' | 'people' | 'now'> = {}) {
      return sendPage(reply, status, peoplePage({ viewer: who, people: await casesFor(who).people.list(who.tenant), now: deps.now(), ...extra }));
    }
    web.get('/app/:tenant/people', { schema: { hide: true, params: tenantParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'admin');
      if (!who) return reply;
      return showPeople(reply, who, 200);
    });
    web.post('/app/:tenant/people/invite', { schema: { hide: true, params: tenantParams }, preHandler: checkCsrf }, async (request, reply) => {
      const who = await viewer(request, reply, 'admin');
      if (!who) return reply;
      const body = (request.body ?? {}) as { email?: string; role?: string };
      try {
        const invited = await casesFor(who).people.add({ tenant: who.tenant, email: body.email, role: body.role });
        return showPeople(reply, who, 200, { invited: { email: invited.person.email, link: invited.link, expiresAt: invited.expiresAt } });
      } catch (error) {
        if (error instanceof InputError || (error instanceof AppError && error.code === 'PERSON_EXISTS')) return showPeople(reply, who, 400, { error: error.message.replaceAll('--email', 'The email').replaceAll('--role', 'The role') });
        throw error;
      }
    });
    const personParams = z.object({ tenant: tenantId, id: z.string().regex(/^[0-9a-f]{16}$/) });
    web.post('/app/:tenant/people/:id/role', { schema: { hide: true, params: personParams }, preHandler: checkCsrf }, async (request, reply) => {
      const who = await viewer(request, reply, 'admin');
      if (!who) return reply;
      const changed = await casesFor(who).people.setRole(who.tenant, (request.params as { id: string }).id, (request.body as { role?: string } | undefined)?.role);
      if (changed.id === who.personId) return reply.code(303).header('location', `/app/${who.tenant}/sign-in?ended=1`).send();
      return showPeople(reply, who, 200, { notice: `${changed.email} is now ${changed.role}; their sessions ended.` });
    });
    web.post('/app/:tenant/people/:id/disable', { schema: { hide: true, params: personParams }, preHandler: checkCsrf }, async (request, reply) => {
      const who = await viewer(request, reply, 'admin');
      if (!who) return reply;
      const id = (request.params as { id: string }).id;
      if (id === who.personId) return showPeople(reply, who, 400, { error: 'You cannot disable yourself: ask another admin.' });
      const disabled = await casesFor(who).people.disable(who.tenant, id);
      return showPeople(reply, who, 200, { notice: `${disabled.email} is disabled; their sessions ended.` });
    });

    web.get('/app/:tenant/sync', { schema: { hide: true, params: tenantParams } }, async (request, reply) => {
      const who = await viewer(request, reply, 'viewer');
      if (!who) return reply;
      const view = await casesFor(who).status();
      return sendPage(reply, 200, syncPage({ viewer: who, streams: view.streams.filter((row) => row.tenantId === who.tenant), now: deps.now() }));
    });
  });
}
