import { createServer, type Server } from 'node:http';
import type { ZendeskSimulator } from '../../src/simulator/server.js';

/**
 * A real HTTP server in front of the Zendesk simulator that passes every request on
 * and every answer back (status, rate headers, body), except that a 200 JSON body
 * goes through `tamper` first: tests use it to put one out-of-range or hostile record,
 * or a wrong `end_time`, into otherwise genuine simulator pages. The simulator's own
 * address in bodies (next_page, after_url, links) is rewritten to the proxy's, so the
 * client keeps paging through it.
 */
export interface TamperingProxy {
  listen(): Promise<void>;
  close(): Promise<void>;
  /** What `tenants add --zendesk-url` takes, through the proxy. */
  rootUrl(account: string): string;
  /** The simulator, seen through the proxy (for test/helpers/sync-harness.ts's tenantForSimulator). */
  readonly simulator: ZendeskSimulator;
}

/** `path` is the request's path under /<account>/api/v2/, without `.json`; `request` counts the requests to that path, from 0. */
export type Tamper = (path: string, body: Record<string, unknown>, request: number, query: URLSearchParams) => void;

export function tamperingProxy(target: ZendeskSimulator, tamper: Tamper): TamperingProxy {
  let origin = '';
  let targetOrigin = '';
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://proxy.local');
      const upstream = await fetch(`${targetOrigin}${url.pathname}${url.search}`, {
        headers: { authorization: req.headers.authorization ?? '', accept: 'application/json' },
      });
      let text = await upstream.text();
      const headers: Record<string, string> = {};
      upstream.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection' && key !== 'keep-alive') headers[key] = value;
      });
      const match = /^\/[^/]+\/api\/v2\/(.+?)(?:\.json)?$/.exec(url.pathname);
      if (upstream.status === 200 && match && (headers['content-type'] ?? '').includes('json')) {
        const path = match[1] as string;
        const request = counts.get(path) ?? 0;
        counts.set(path, request + 1);
        const body = JSON.parse(text) as Record<string, unknown>;
        tamper(path, body, request, url.searchParams);
        text = JSON.stringify(body);
      }
      text = text.replaceAll(targetOrigin, origin);
      res.writeHead(upstream.status, { ...headers, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'ProxyFailure', description: String(error) }));
    });
  });
  const rootUrl = (account: string) => `${origin}/${account}`;
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
          targetOrigin = new URL(target.rootUrl('x')).origin;
          resolve();
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    rootUrl,
    simulator: { ...target, rootUrl },
  };
}
