// ZendeskClient and the credentials check against a real local HTTP server that
// misbehaves as the simulator never does: redirects and oversized bodies
// (issue 15, items 9 and 11). The request budget lives in the real Redis.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import { RequestBudget, ZENDESK_LIMITS } from '../../src/zendesk/request-budget.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { ZendeskClient } from '../../src/zendesk/zendesk-client.js';
import { ZendeskError } from '../../src/zendesk/zendesk-error.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';

const redis = new Redis(localConfig().redisUrl, { maxRetriesPerRequest: 3 });
const servers: Server[] = [];
const MiB = 1024 * 1024;
const ADMIN = JSON.stringify({ user: { id: 7, role: 'admin', name: 'Ada Admin' } });

afterEach(async () => {
  while (servers.length > 0) {
    const server = servers.pop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
});
afterAll(() => redis.quit());

/** A loopback HTTP server that records the paths it was asked for. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ base: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

function clientFor(base: string, extra: { maxBodyBytes?: number; timeoutMs?: number } = {}) {
  return new ZendeskClient({
    rootUrl: `${base}/acme`,
    email: 'admin@acme.example',
    token: 'a-secret-token-value',
    budget: new RequestBudget(redis, uniqueName('budget'), { ...ZENDESK_LIMITS, accountPerMinute: 100_000, exportPerMinute: 100_000 }),
    retries: 2,
    minRetryDelayMs: 10,
    maxRetryDelayMs: 20,
    ...extra,
  });
}

const errorOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (error instanceof ZendeskError) return error;
  throw new Error(`expected a ZendeskError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
};

/**
 * Streams a JSON page of `total` bytes in 256 KiB chunks, honouring backpressure,
 * and counts what it handed to the socket; stops when the client goes away.
 */
function streamPage(response: ServerResponse, total: number, sent: { bytes: number; done: boolean }, declareLength: boolean) {
  const head = '{"ticket_events":[';
  const tail = '{"id":0}]}';
  const item = `{"id":1,"pad":"${'x'.repeat(1000)}"},`;
  const chunk = Buffer.from(item.repeat(Math.floor((256 * 1024) / item.length)));
  const bodyChunks = Math.floor((total - head.length - tail.length) / chunk.length);
  response.writeHead(200, {
    'content-type': 'application/json',
    ...(declareLength ? { 'content-length': String(head.length + bodyChunks * chunk.length + tail.length) } : {}),
  });
  response.write(head);
  let written = 0;
  const pump = () => {
    while (written < bodyChunks && !response.destroyed) {
      written++;
      sent.bytes += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) {
      sent.done = true;
      response.end(tail);
    }
  };
  pump();
}

describe('ZendeskClient against a server that redirects', () => {
  it.each([301, 302, 307, 308])('refuses a %i with ZD_REDIRECT, not retryable, and never follows it', async (status) => {
    const elsewhere = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(ADMIN);
    });
    const zendesk = await serve((request, response) => {
      if (request.url?.startsWith('/acme/api/v2/users/me')) {
        // Same origin, inside the account's API, and a body that would pass as the page.
        response.writeHead(status, { location: '/acme/api/v2/users/7.json', 'content-type': 'text/html' }).end('<a href="/acme/api/v2/users/7.json">moved</a>');
        return;
      }
      if (request.url?.startsWith('/acme/api/v2/users/7')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(ADMIN);
        return;
      }
      response.writeHead(404).end();
    });
    const client = clientFor(zendesk.base);
    const error = await errorOf(client.get(client.url('users/me')));
    expect(error.code).toBe('ZD_REDIRECT');
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('users/7');
    expect(zendesk.paths).toEqual(['/acme/api/v2/users/me.json']);
    expect(elsewhere.paths).toEqual([]);
  });

  it('refuses a redirect to another host without sending it anything', async () => {
    const elsewhere = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(ADMIN);
    });
    const zendesk = await serve((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.base}/acme/api/v2/users/me.json` }).end();
    });
    const client = clientFor(zendesk.base);
    const error = await errorOf(client.get(client.url('users/me')));
    expect(error.code).toBe('ZD_REDIRECT');
    expect(error.message).not.toContain(elsewhere.base);
    expect(zendesk.paths).toHaveLength(1);
    expect(elsewhere.paths).toEqual([]);
  });

  it('the credentials check refuses a redirect too, naming --zendesk-url, and never follows it', async () => {
    const elsewhere = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(ADMIN);
    });
    const zendesk = await serve((_request, response) => {
      response.writeHead(301, { location: `${elsewhere.base}/api/v2/users/me.json` }).end();
    });
    const error = await verifyZendeskCredentials(zendesk.base, 'admin@acme.example', 'a-secret-token-value').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('zendesk-url');
    expect((error as InputError).message).toContain('redirect');
    expect((error as InputError).message).toContain('--zendesk-url');
    expect(elsewhere.paths).toEqual([]);
  });
});

describe('ZendeskClient against a server that sends too much', () => {
  it('stops reading a chunked body as soon as it passes the cap, with ZD_TOO_LARGE, not retryable', async () => {
    const sent = { bytes: 0, done: false };
    const zendesk = await serve((_request, response) => streamPage(response, 64 * MiB, sent, false));
    const client = clientFor(zendesk.base, { maxBodyBytes: 2 * MiB });
    const error = await errorOf(client.get(client.url('incremental/tickets/cursor', { start_time: 0 })));
    expect(error.code).toBe('ZD_TOO_LARGE');
    expect(error.retryable).toBe(false);
    expect(zendesk.paths).toHaveLength(1);
    // Give the server a moment to notice the closed connection, then count what it managed to send.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent.done).toBe(false);
    // The cap plus what loopback socket buffers hold: far from the 64 MiB offered.
    expect(sent.bytes).toBeLessThan(16 * MiB);
  });

  it('refuses a Content-Length over the cap before reading the body', async () => {
    const sent = { bytes: 0, done: false };
    const zendesk = await serve((_request, response) => {
      // Declares 64 MiB, sends one chunk, then stalls: only the header can have answered.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * MiB) });
      response.write('{"ticket_events":[');
      sent.bytes += 18;
    });
    const client = clientFor(zendesk.base, { maxBodyBytes: 2 * MiB, timeoutMs: 5_000 });
    const started = Date.now();
    const error = await errorOf(client.get(client.url('incremental/tickets/cursor', { start_time: 0 })));
    expect(error.code).toBe('ZD_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(zendesk.paths).toHaveLength(1);
  });

  it('asks for a ticket events page over the cap again in halves, as on a 504, until it fits', async () => {
    const zendesk = await serve((request, response) => {
      const perPage = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('per_page') ?? 1000);
      // 5 KiB an event: 1,000 and 500 are over the 2 MiB cap, 250 fits.
      const events = Array.from({ length: perPage }, (_, i) => ({ id: i + 1, pad: 'x'.repeat(5 * 1024) }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ticket_events: events, end_time: 1, end_of_stream: true, next_page: null, count: perPage }));
    });
    const client = clientFor(zendesk.base, { maxBodyBytes: 2 * MiB });
    const body = (await client.get(client.url('incremental/ticket_events', { start_time: 0, per_page: 1000 }))) as { ticket_events: unknown[] };
    expect(body.ticket_events).toHaveLength(250);
    expect(zendesk.paths.map((path) => new URL(path, 'http://x').searchParams.get('per_page'))).toEqual(['1000', '500', '250']);
  });

  it('still reads a body just under the cap', async () => {
    const sent = { bytes: 0, done: false };
    const zendesk = await serve((_request, response) => streamPage(response, 1 * MiB, sent, true));
    const client = clientFor(zendesk.base, { maxBodyBytes: 2 * MiB });
    const body = (await client.get(client.url('incremental/ticket_events', { start_time: 0 }))) as { ticket_events: unknown[] };
    expect(body.ticket_events.length).toBeGreaterThan(900);
    expect(sent.done).toBe(true);
  });

  it('caps the credentials check’s body as well', async () => {
    const sent = { bytes: 0, done: false };
    const zendesk = await serve((_request, response) => streamPage(response, 64 * MiB, sent, false));
    const error = await verifyZendeskCredentials(zendesk.base, 'admin@acme.example', 'a-secret-token-value').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('--zendesk-url');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent.bytes).toBeLessThan(16 * MiB);
  });
});

describe('the credentials check’s messages (issue 15, item 14)', () => {
  it('never echo credentials or a query carried by --zendesk-url', async () => {
    const zendesk = await serve((_request, response) => {
      response.writeHead(500).end();
    });
    for (const root of [`http://admin:url-password@127.0.0.1:1`, `${zendesk.base}/acme?token=url-token`]) {
      const error = await verifyZendeskCredentials(root, 'admin@acme.example', 'a-secret-token-value').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toContain('--zendesk-url');
      expect((error as InputError).message).not.toMatch(/url-password|url-token|admin:/);
    }
  });
});
