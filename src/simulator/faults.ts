/** Faults the simulator can inject, drawn per request from a seeded generator. */
import type { Random } from './random.js';

export const FAULT_KINDS = [
  'server_error', // 500 with a JSON body
  'bad_gateway', // 502 with an HTML body
  'gateway_timeout', // 504 with an HTML body
  'unavailable', // 503 with Retry-After
  'slow', // a normal answer after a delay
  'dropped', // the connection closes with no answer
  'truncated', // 200, JSON cut short
  'malformed', // 200 labelled JSON, but not JSON
  'drift', // 200, records with unknown fields, missing optional fields, wrong types on unused fields
  'invalid', // 200, one record per page with a wrong type on a field tally reads, e.g. ticket_id as a string
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Drawn when no kinds are given: every fault a correct client survives with the
 * same final state. `invalid` is left out because it must change that state
 * (the record is quarantined), so it is only drawn when asked for.
 */
export const SURVIVABLE_FAULT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((kind) => kind !== 'invalid');

export interface FaultOptions {
  /** Chance that a request gets a fault, 0 to 1. */
  readonly probability: number;
  /** Which kinds to draw from; default SURVIVABLE_FAULT_KINDS. */
  readonly kinds?: readonly FaultKind[];
  /** Delay of a slow answer. */
  readonly slowMs?: number;
}

export function drawFault(random: Random, options: FaultOptions | undefined): FaultKind | undefined {
  if (!options || options.probability <= 0) return undefined;
  if (!random.chance(options.probability)) return undefined;
  return random.pick(options.kinds && options.kinds.length > 0 ? options.kinds : SURVIVABLE_FAULT_KINDS);
}

/**
 * Schema drift that a tolerant client survives: unknown fields added (top level and
 * nested), optional fields removed, and wrong types only on fields tally does not use.
 */
export function driftRecord(record: Record<string, unknown>, index: number): Record<string, unknown> {
  const drifted: Record<string, unknown> = { ...record, [`zz_new_field_${index % 3}`]: { added: 'later', n: index } };
  delete drifted['url'];
  delete drifted['metadata'];
  delete drifted['system'];
  if ('via' in drifted && typeof drifted['via'] === 'string') drifted['via'] = index;
  if ('tags' in drifted) drifted['tags'] = 'not-a-list';
  if (Array.isArray(drifted['child_events'])) {
    drifted['child_events'] = (drifted['child_events'] as Record<string, unknown>[]).map((child) => ({
      ...child,
      zz_child_field: true,
    }));
  }
  return drifted;
}

/** Fields tally validates, in the order tried: ticket_id (events, metric events, ratings), then tickets, users, ticket fields. */
const READ_FIELDS = ['ticket_id', 'generated_timestamp', 'updated_at', 'title'] as const;

/**
 * A record tally must quarantine: the first field it reads gets the wrong type
 * (a number becomes a string, a string a number). The id stays as it was, so the
 * quarantine entry can name the record.
 */
export function invalidateRecord(record: Record<string, unknown>): Record<string, unknown> {
  const field = READ_FIELDS.find((name) => typeof record[name] === 'number' || typeof record[name] === 'string');
  if (field === undefined) return record;
  const value = record[field];
  return { ...record, [field]: typeof value === 'number' ? String(value) : 0 };
}

export const HTML_BODIES: Record<number, string> = {
  502: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  503: '<html><head><title>503 Service Unavailable</title></head><body><h1>Maintenance</h1></body></html>',
  504: '<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center></body></html>',
};
