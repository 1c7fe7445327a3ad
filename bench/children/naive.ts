/**
 * The naive alternative: the same account read with node-zendesk 6.0.1's own list and
 * incremental helpers, called as its README shows (one call per stream, the helper
 * pages by itself). Counts the records each helper returns; nothing is stored.
 * Known defects (measured here, docs/benchmarks.md): `requestAll` buffers every page,
 * stops after the first page of any incremental URL, and there is no helper for
 * ticket metric events.
 * Usage: tsx bench/children/naive.ts --url U --email E --token T --start UNIX_S
 */
import { parseArgs } from 'node:util';
import zendesk from 'node-zendesk';
import { report } from '../lib/child.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, email: { type: 'string' }, token: { type: 'string' }, start: { type: 'string' } } });
const start = Number(values.start);

type Helper = (...args: unknown[]) => Promise<unknown>;
// node-zendesk's generated types are wrong for these helpers.
const client = zendesk.createClient({ username: values.email ?? '', token: values.token ?? '', endpointUri: `${values.url ?? ''}/api/v2` }) as unknown as Record<
  string,
  Record<string, Helper>
>;

interface Outcome {
  helper: string;
  records: number;
  seconds: number;
  error?: string;
}

async function call(helper: string, run: () => Promise<unknown>): Promise<Outcome> {
  const started = performance.now();
  try {
    const result = await run();
    return { helper, records: recordsIn(result), seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { helper, records: 0, seconds: (performance.now() - started) / 1000, error: message.slice(0, 120) };
  }
}

/** A list helper answers an array; a single-page helper the page, whose first array holds the records. */
function recordsIn(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  if (result && typeof result === 'object') return Object.values(result).find((value): value is unknown[] => Array.isArray(value))?.length ?? 0;
  return 0;
}

const helper = (group: string, name: string): Helper => {
  const found = client[group]?.[name];
  if (!found) throw new Error(`node-zendesk has no ${group}.${name}`);
  return found.bind(client[group]);
};

const started = performance.now();
const streams = {
  users: await call('users.list()', () => helper('users', 'list')()),
  ticket_events: await call("ticketevents.incrementalInclude(start, 'comment_events')", () => helper('ticketevents', 'incrementalInclude')(start, 'comment_events')),
  tickets: await call('ticketexport.exportCursor(start)', () => helper('ticketexport', 'exportCursor')(start)),
  ticket_metric_events: { helper: 'none (node-zendesk has no helper)', records: 0, seconds: 0 },
  satisfaction_ratings: await call('satisfactionratings.list()', () => helper('satisfactionratings', 'list')()),
};
report({ seconds: (performance.now() - started) / 1000, streams });
