// `tally serve` over real HTTP against FerretDB and Redis (docs/api.md): every route's
// 401/404/403/400 answers and its success body equal to the CLI's for the same question,
// revocation, lockout shared by two server processes through Redis, bad bodies, OpenAPI,
// production without TLS, SIGTERM, a scan of the server's log for secrets and PII, and
// every response of the suite checked against the OpenAPI document.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import type { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { histogramOf } from '../../src/metrics/minute-histogram.js';
import { encodeSlices } from '../../src/metrics/rollup-codec.js';
import type { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { bucket } from '../contract/fixtures.js';
import { sealedAgent, seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { tallyArgs } from '../helpers/tally-command.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const ACME = `api-acme-${randomUUID().slice(0, 6)}`;
const GLOBEX = `api-globex-${randomUUID().slice(0, 6)}`;
const AGENTS = new Map([
  [7, { name: 'Ada Lovelace ZZCANARY', email: 'ada.zzcanary@acme.example' }],
  [8, { name: '=cmd|calc ZZCANARY', email: 'bo.zzcanary@acme.example' }],
]);

let regions: TwoRegions;
let eu: RegionDatabase;
let euKeyring: TenantKeyring;
const keys: Record<'viewer' | 'privacy' | 'admin' | 'globex', string> = { viewer: '', privacy: '', admin: '', globex: '' };
const servers: { child: ChildProcess; url: string; output: () => string }[] = [];
const prefix = `http-${randomUUID().slice(0, 8)}`;

async function startServer(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, tallyArgs('serve'), {
    env: { ...process.env, ...regions.env, TALLY_HTTP_PORT: '0', TALLY_QUEUE_PREFIX: prefix, TALLY_HTTP_TRUSTED_PROXY: '127.0.0.1', TALLY_LOG_LEVEL: 'info', ...extraEnv },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tally serve did not start: ${output}`)), 30_000);
    const check = () => {
      const match = /listening on (https?:\/\/[^ ]+) /.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stderr?.on('data', check);
    child.on('exit', (code) => reject(new Error(`tally serve exited ${String(code)}: ${output}`)));
  });
  const server = { child, url, output: () => output };
  servers.push(server);
  return server;
}

beforeAll(async () => {
  regions = await startTwoRegions();
  eu = regions.router.region('eu');
  euKeyring = regions.keyring('eu');
  await seedTenant(eu, euKeyring, ACME);
  await seedTenant(regions.router.region('us'), regions.keyring('us'), GLOBEX);
  for (const [agentId, { name, email }] of AGENTS) await eu.agents.upsertMany([await sealedAgent(euKeyring, ACME, agentId, name, email)]);
  await eu.daily.replace(
    [
      bucket(ACME, 7, '2026-03-09', { solves: 5, csatGood: 3, csatBad: 1, oneTouchTickets: 2, firstReplyMinutes: histogramOf([12, 40]), slices: encodeSlices([{ ...bucket(ACME, 7, '2026-03-09', { solves: 5 }), groupId: 501, brandId: 0 }]) }),
      bucket(ACME, 8, '2026-03-10', { solves: 2, handleTimeSeconds: -30 }),
      bucket(ACME, 7, '2026-03-02', { solves: 1 }),
    ],
    [],
  );
  const deps = { router: regions.router, now: () => new Date(), actor: 'test' };
  for (const role of ['viewer', 'privacy', 'admin'] as const) keys[role] = (await createApiKey(deps, { tenant: ACME, role, label: `${role} key` })).token;
  keys.globex = (await createApiKey(deps, { tenant: GLOBEX, role: 'admin', label: 'globex admin' })).token;
}, 120_000);

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await regions?.close();
});

/** Every response of the suite, checked against the OpenAPI document by the last test. */
interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  type: string;
  body: string;
}
const recorded: Promise<RecordedResponse>[] = [];
let openApiDocument: OpenApiDocument | undefined;

async function call(server: { url: string }, path: string, init: { key?: string; method?: string; body?: string; type?: string; from?: string } = {}): Promise<Response> {
  const response = await send(server, path, init);
  const method = init.method ?? 'GET';
  recorded.push(response.clone().text().then((body) => ({ method, path, status: response.status, type: response.headers.get('content-type') ?? '', body })));
  return response;
}

const send = (server: { url: string }, path: string, init: { key?: string; method?: string; body?: string; type?: string; from?: string }) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}),
      // Each test speaks from its own address, so that the lockout test blocks nobody else.
      'x-forwarded-for': init.from ?? '198.51.100.1',
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });

interface RouteCase {
  method: 'GET' | 'POST';
  path: string;
  role: 'viewer' | 'privacy';
  body?: object;
  bad: { path: string; body?: object; parameter: string };
}

const ROUTES: RouteCase[] = [
  { method: 'GET', path: `/v1/tenants/${ACME}/metrics?from=2026-03-08&to=2026-03-14`, role: 'viewer', bad: { path: `/v1/tenants/${ACME}/metrics?from=2026-13-01&to=2026-03-14`, parameter: 'from' } },
  { method: 'GET', path: `/v1/tenants/${ACME}/metrics.csv?from=2026-03-08&to=2026-03-14`, role: 'viewer', bad: { path: `/v1/tenants/${ACME}/metrics.csv?from=2026-03-08`, parameter: 'to' } },
  { method: 'GET', path: `/v1/tenants/${ACME}/agents/7/daily?from=2026-03-08&to=2026-03-10`, role: 'viewer', bad: { path: `/v1/tenants/${ACME}/agents/abc/daily?from=2026-03-08&to=2026-03-10`, parameter: 'agent' } },
  { method: 'GET', path: `/v1/tenants/${ACME}/status`, role: 'viewer', bad: { path: `/v1/tenants/${ACME}/status?verbose=1`, parameter: 'verbose' } },
  { method: 'POST', path: `/v1/tenants/${ACME}/exports`, role: 'privacy', body: { agentId: '7' }, bad: { path: `/v1/tenants/${ACME}/exports`, body: { agentId: '7', name: 'x' }, parameter: 'name' } },
  { method: 'GET', path: `/v1/tenants/${ACME}/purges`, role: 'privacy', bad: { path: `/v1/tenants/${ACME}/purges?state=done`, parameter: 'state' } },
  { method: 'GET', path: `/v1/tenants/${ACME}/audit`, role: 'privacy', bad: { path: `/v1/tenants/${ACME}/audit?limit=5`, parameter: 'limit' } },
  { method: 'GET', path: `/v1/tenants/${ACME}/audit/verify`, role: 'privacy', bad: { path: `/v1/tenants/${ACME}/audit/verify?x=1`, parameter: 'x' } },
  { method: 'POST', path: `/v1/tenants/${ACME}/purges`, role: 'privacy', body: { agentId: '8', reason: 'erasure request 42' }, bad: { path: `/v1/tenants/${ACME}/purges`, body: { agentId: '8' }, parameter: 'reason' } },
];

describe('tally serve', { timeout: 120_000 }, () => {
  it('answers /healthz and /readyz without a key, with security headers on every response', async () => {
    const server = await startServer();
    const health = await call(server, '/healthz');
    expect(health.status).toBe(200);
    expect(await (await call(server, '/readyz')).json()).toEqual({ ok: true });
    for (const response of [health, await call(server, `/v1/tenants/${ACME}/status`)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-frame-options')).toBeTruthy();
    }
  });

  it.each(ROUTES)('$method $path: 401 without or with a bad key, 404 for another tenant, 403 below $role, 400 naming the parameter', async (route) => {
    const server = servers[0] ?? (await startServer());
    const body = route.body ? JSON.stringify(route.body) : undefined;
    const from = `203.0.113.${ROUTES.indexOf(route) + 10}`;
    const none = await call(server, route.path, { method: route.method, ...(body ? { body } : {}), from });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(await none.json()).toMatchObject({ status: 401, code: 'API_KEY_REQUIRED' });
    const bad = await call(server, route.path, { method: route.method, key: `tally_${'0'.repeat(16)}_${'A'.repeat(43)}`, ...(body ? { body } : {}), from });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'API_KEY_INVALID' });
    const other = await call(server, route.path, { method: route.method, key: keys.globex, ...(body ? { body } : {}), from });
    expect(other.status).toBe(404);
    const unknownTenant = await call(server, route.path.replace(ACME, 'no-such-tenant'), { method: route.method, key: keys.globex, ...(body ? { body } : {}), from });
    expect([unknownTenant.status, await unknownTenant.json()]).toEqual([404, await (await call(server, route.path, { method: route.method, key: keys.globex, ...(body ? { body } : {}), from })).json()]);
    if (route.role === 'privacy') {
      const low = await call(server, route.path, { method: route.method, key: keys.viewer, ...(body ? { body } : {}), from });
      expect(low.status).toBe(403);
      expect(await low.json()).toMatchObject({ code: 'API_ROLE_TOO_LOW' });
    }
    const wrong = await call(server, route.bad.path, { method: route.method, key: keys.admin, ...(route.bad.body ? { body: JSON.stringify(route.bad.body) } : {}), from });
    const problem = (await wrong.json()) as { code: string; parameter: string; detail: string };
    expect(wrong.status, JSON.stringify(problem)).toBe(400);
    expect(problem.code).toBe('INPUT_INVALID');
    expect(problem.parameter).toBe(route.bad.parameter);
    expect(problem.detail).toContain(route.bad.parameter);
  });

  it('serves exactly what the CLI prints for the same question', async () => {
    const server = servers[0] ?? (await startServer());
    const cli = async (...args: string[]) => {
      const result = await runTally(args, regions.env);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    const json = async (path: string) => (await call(server, path, { key: keys.viewer })).json();
    expect(await json(`/v1/tenants/${ACME}/metrics?from=2026-03-08&to=2026-03-14`)).toEqual(JSON.parse(await cli('metrics', '--tenant', ACME, '--from', '2026-03-08', '--to', '2026-03-14', '--format', 'json')));
    expect(await json(`/v1/tenants/${ACME}/metrics?from=2026-03-08&to=2026-03-14&compare=previous`)).toEqual(
      JSON.parse(await cli('metrics', '--tenant', ACME, '--from', '2026-03-08', '--to', '2026-03-14', '--compare', 'previous', '--format', 'json')),
    );
    expect(await json(`/v1/tenants/${ACME}/metrics?from=2026-03-08&to=2026-03-14&group=501`)).toEqual(
      JSON.parse(await cli('metrics', '--tenant', ACME, '--from', '2026-03-08', '--to', '2026-03-14', '--group', '501', '--format', 'json')),
    );
    expect(await json(`/v1/tenants/${ACME}/agents/7/daily?from=2026-03-08&to=2026-03-10`)).toEqual(
      JSON.parse(await cli('metrics', '--tenant', ACME, '--from', '2026-03-08', '--to', '2026-03-10', '--agent', '7', '--daily', '--format', 'json')),
    );
    const csv = await call(server, `/v1/tenants/${ACME}/metrics.csv?from=2026-03-08&to=2026-03-14`, { key: keys.viewer });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toBe(await cli('metrics', '--tenant', ACME, '--from', '2026-03-08', '--to', '2026-03-14', '--format', 'csv'));
    const exported = (await (await call(server, `/v1/tenants/${ACME}/exports`, { key: keys.privacy, method: 'POST', body: JSON.stringify({ agentId: '7' }) })).json()) as Record<string, unknown>;
    const cliExport = JSON.parse(await cli('export', '--tenant', ACME, '--agent', '7')) as Record<string, unknown>;
    expect({ ...exported, exportedAt: null }).toEqual({ ...cliExport, exportedAt: null });
    const verify = await (await call(server, `/v1/tenants/${ACME}/audit/verify`, { key: keys.privacy })).json();
    expect(verify).toMatchObject({ ok: true });
    const cliVerify = JSON.parse(await cli('audit', 'verify', '--tenant', ACME)) as Record<string, unknown>;
    expect({ ...(verify as object), tenant: ACME }).toEqual(cliVerify);
    expect(await (await call(server, `/v1/tenants/${ACME}/audit`, { key: keys.privacy })).json()).toEqual(JSON.parse(await cli('audit', 'list', '--tenant', ACME, '--format', 'json')));
    const cliPurges = JSON.parse(await cli('purge', '--list', '--tenant', ACME, '--format', 'json')) as { pending: boolean; reason: string | null }[];
    expect(await (await call(server, `/v1/tenants/${ACME}/purges`, { key: keys.privacy })).json()).toEqual(cliPurges.map(({ pending, reason, ...receipt }) => (void pending, void reason, receipt)));
    const status = (await (await call(server, `/v1/tenants/${ACME}/status`, { key: keys.viewer })).json()) as { streams: unknown[] };
    const cliStatus = JSON.parse(await cli('status', '--format', 'json')) as { streams: { tenantId: string }[] };
    expect(status.streams).toEqual(cliStatus.streams.filter((row) => row.tenantId === ACME));
    expect(status.streams.length).toBeGreaterThan(0);
    // Every read of names was audited, naming the key by id and label.
    const audit = (await (await call(server, `/v1/tenants/${ACME}/audit`, { key: keys.privacy })).json()) as { actor: string; action: string }[];
    expect(audit.some((entry) => entry.action === 'metrics.read' && /^api:[0-9a-f]{16}:viewer key$/.test(entry.actor))).toBe(true);
  });

  it('files a purge: 202 with its id and a Location that answers with its receipt', async () => {
    const server = servers[0] ?? (await startServer());
    const filed = await call(server, `/v1/tenants/${ACME}/purges`, { key: keys.privacy, method: 'POST', body: JSON.stringify({ email: 'nobody@acme.example', reason: 'test' }) });
    expect(filed.status).toBe(202);
    const receipt = (await filed.json()) as { requestId: string; state: string };
    expect(filed.headers.get('location')).toBe(`/v1/tenants/${ACME}/purges/${receipt.requestId}`);
    const again = await call(server, filed.headers.get('location') as string, { key: keys.privacy });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { requestId: string }).requestId).toBe(receipt.requestId);
    expect((await call(server, `/v1/tenants/${ACME}/purges/${randomUUID()}`, { key: keys.privacy })).status).toBe(404);
  });

  it('refuses bad bodies with nothing changed: too large 413, not JSON 415, not an object 400', async () => {
    const server = servers[0] ?? (await startServer());
    const before = await eu.purges.list(ACME);
    const path = `/v1/tenants/${ACME}/purges`;
    const large = await call(server, path, { key: keys.privacy, method: 'POST', body: JSON.stringify({ email: 'a@b.example', reason: 'x'.repeat(20_000) }) });
    expect([large.status, ((await large.json()) as { code: string }).code]).toEqual([413, 'API_BODY_TOO_LARGE']);
    const text = await call(server, path, { key: keys.privacy, method: 'POST', body: 'email=a@b.example', type: 'application/x-www-form-urlencoded' });
    expect([text.status, ((await text.json()) as { code: string }).code]).toEqual([415, 'API_MEDIA_TYPE']);
    for (const body of ['[1,2]', '"text"', '{bad json']) {
      const refused = await call(server, path, { key: keys.privacy, method: 'POST', body });
      expect(refused.status, body).toBe(400);
    }
    const both = await call(server, path, { key: keys.privacy, method: 'POST', body: JSON.stringify({ email: 'a@b.example', agentId: '7', reason: 'x' }) });
    expect(both.status).toBe(400);
    expect((await eu.purges.list(ACME)).length).toBe(before.length);
  });

  it('stops a revoked key at once, in two server processes', async () => {
    const [first, second] = [servers[0] ?? (await startServer()), await startServer()];
    const { token, key } = await createApiKey({ router: regions.router, now: () => new Date(), actor: 'test' }, { tenant: ACME, role: 'viewer', label: 'short-lived' });
    const path = `/v1/tenants/${ACME}/status`;
    expect([(await call(first, path, { key: token, from: '192.0.2.50' })).status, (await call(second, path, { key: token, from: '192.0.2.50' })).status]).toEqual([200, 200]);
    const revoked = await runTally(['api-keys', 'revoke', '--tenant', ACME, '--id', key.id], regions.env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect([(await call(first, path, { key: token, from: '192.0.2.50' })).status, (await call(second, path, { key: token, from: '192.0.2.50' })).status]).toEqual([401, 401]);
  });

  it('blocks an address after 10 failed authentications across two processes, even with a valid key, with Retry-After', async () => {
    const first = servers[0] ?? (await startServer());
    const second = servers[1] ?? (await startServer());
    const from = '192.0.2.77';
    const path = `/v1/tenants/${ACME}/status`;
    for (let i = 0; i < 10; i++) expect((await call(i % 2 === 0 ? first : second, path, { key: `tally_${'1'.repeat(16)}_${'B'.repeat(43)}`, from })).status).toBe(401);
    for (const server of [first, second]) {
      const blocked = await call(server, path, { key: keys.viewer, from });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(((await blocked.json()) as { code: string }).code).toBe('API_LOCKED_OUT');
    }
    // Another address is not blocked.
    expect((await call(first, path, { key: keys.viewer, from: '192.0.2.78' })).status).toBe(200);
    expect(first.output() + second.output()).toContain('address blocked after failed authentications');
  });

  it('publishes OpenAPI 3.1 listing every route, and its reference page from its own assets', async () => {
    const server = servers[0] ?? (await startServer());
    const document = (await (await call(server, '/openapi.json')).json()) as OpenApiDocument;
    openApiDocument = document;
    expect(document.openapi).toBe('3.1.0');
    // Valid against the OpenAPI 3.1 schema itself, not only well-formed JSON.
    const validity = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(validity.errors ?? [], JSON.stringify(validity.errors)).toEqual([]);
    expect(validity.valid).toBe(true);
    for (const route of ROUTES) {
      const path = route.path.replace(ACME, '{tenant}').replace('/agents/7/', '/agents/{agentId}/').split('?')[0] as string;
      expect(document.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
    expect(document.paths['/v1/tenants/{tenant}/purges/{id}']?.['get']).toBeDefined();
    const docs = await call(server, '/docs/');
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z0-9.-]+\.[a-z]{2,}\/[^"]*\.(js|css)/);
  });

  it('with a certificate: HTTPS only, TLS 1.2 at least, HSTS; TLS 1.1 and plain HTTP on the port are refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = await startServer({ TALLY_HTTP_TLS_CERT: cert, TALLY_HTTP_TLS_KEY: key });
    expect(server.url.startsWith('https://')).toBe(true);
    const { port } = new URL(server.url);
    const ca = execFileSync('cat', [cert]);
    const secure = await new Promise<{ status: number; hsts: string | undefined; protocol: string }>((resolve, reject) => {
      const request = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', ca }, (response) => {
        response.resume();
        const socket = response.socket as unknown as { getProtocol(): string };
        resolve({ status: response.statusCode ?? 0, hsts: response.headers['strict-transport-security'], protocol: socket.getProtocol() });
      });
      request.on('error', reject);
      request.end();
    });
    expect(secure.status).toBe(200);
    expect(secure.hsts).toContain('max-age=');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(secure.protocol);
    // A client that offers only TLS 1.1 (and would accept it at any security level) gets no session.
    const old = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: Number(port), ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, () => resolve(`connected with ${String(socket.getProtocol())}`));
      socket.on('error', (error: Error) => resolve(`refused: ${error.message}`));
    });
    expect(old).toMatch(/^refused/);
    const plain = await new Promise<string>((resolve) => {
      const request = httpGet({ host: '127.0.0.1', port, path: '/healthz' }, (response) => resolve(`answered ${response.statusCode ?? 0}`));
      request.on('error', (error) => resolve(`refused: ${error.message}`));
      request.setTimeout(5000, () => request.destroy(new Error('timeout')));
    });
    expect(plain).not.toBe('answered 200');
  });

  it('refuses to start in production without TLS or a trusted proxy, with a clear message', async () => {
    const result = await runTally(['serve'], { ...regions.env, NODE_ENV: 'production', TALLY_HTTP_TRUSTED_PROXY: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('TALLY_HTTP_TLS_CERT');
  });

  it('stops on SIGTERM with exit 0, and its log holds no key, name or email', async () => {
    const server = await startServer();
    expect((await call(server, `/v1/tenants/${ACME}/metrics?from=2026-03-08&to=2026-03-14`, { key: keys.viewer, from: '192.0.2.90' })).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const log = servers.map((one) => one.output()).join('\n');
    for (const token of Object.values(keys)) {
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.slice('tally_'.length + 17)); // the secret alone
    }
    for (const { name, email } of AGENTS.values()) {
      expect(log).not.toContain(name);
      expect(log).not.toContain(email);
    }
    expect(log.toLowerCase()).not.toContain('zzcanary');
  });

  it('answered every request of this suite as its OpenAPI document says', async () => {
    const document = openApiDocument ?? ((await (await send(servers[0] ?? (await startServer()), '/openapi.json', {})).json()) as OpenApiDocument);
    const responses = (await Promise.all(recorded)).filter((response) => response.path.startsWith('/v1/'));
    expect(responses.length).toBeGreaterThan(80);
    const validate = openApiValidator(document);
    const statuses = new Set<string>();
    for (const response of responses) {
      const problem = validate(response);
      expect(problem, `${response.method} ${response.path} → ${response.status}`).toBeNull();
      statuses.add(String(response.status));
    }
    // The check can fail: a body the document does not describe, a status it does not list.
    const metrics = responses.find((response) => response.status === 200 && response.path.includes('/metrics?')) as RecordedResponse;
    expect(validate({ ...metrics, body: JSON.stringify({ ...(JSON.parse(metrics.body) as object), agents: [{ agentId: 'seven' }] }) })).not.toBeNull();
    expect(validate({ ...metrics, status: 418 })).toMatch(/not a response/);
    // The suite reached every kind of answer the routes declare.
    expect([...statuses].sort()).toEqual(['200', '202', '400', '401', '403', '404', '413', '415', '429']);
  });
});

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
  components?: object;
}

/** A check of one response against the document: null when it conforms, else what is wrong. */
function openApiValidator(document: OpenApiDocument): (response: RecordedResponse) => string | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  // ajv-formats is CommonJS: its function is the module itself.
  (ajvFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const id = 'https://tally.invalid/openapi.json';
  ajv.addSchema({ ...document, $id: id });
  const token = (part: string) => encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1'));
  const templates = Object.keys(document.paths).map((template) => ({ template, pattern: new RegExp(`^${template.replaceAll('.', '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  return (response) => {
    const pathname = response.path.split('?')[0] as string;
    const method = response.method.toLowerCase();
    const template = templates.find((candidate) => candidate.pattern.test(pathname) && document.paths[candidate.template]?.[method])?.template;
    if (!template) return `no operation ${method} ${pathname} in the document`;
    const content = document.paths[template]?.[method]?.responses?.[String(response.status)]?.content;
    if (!content) return `status ${response.status} is not a response of ${method} ${template}`;
    const [mediaType] = Object.keys(content);
    if (mediaType === undefined) return `no media type for ${response.status}`;
    const validate = ajv.compile({ $ref: `${id}#/paths/${token(template)}/${method}/responses/${response.status}/content/${token(mediaType)}/schema` });
    const body: unknown = /json/.test(response.type) ? JSON.parse(response.body) : response.body;
    return validate(body) ? null : ajv.errorsText(validate.errors);
  };
}

