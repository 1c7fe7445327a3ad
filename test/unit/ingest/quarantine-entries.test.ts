// Issue 15 item 7: what a quarantine entry keeps of a record (src/ingest/validate-records.ts):
// its Zendesk id or a keyed hash of an id that is not one, and paths of tally's own
// field names. Never any text of the record.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoredQuarantineSchema } from '../../../schemas/records.js';
import { ticketEventSchemaFor, ZendeskTicketSchema, ZendeskUserSchema } from '../../../schemas/zendesk.js';
import { recordIdHash } from '../../../src/crypto/tenant-subkeys.js';
import { MAX_QUARANTINE_ERRORS, validateRecords } from '../../../src/ingest/validate-records.js';

const HOSTILE = 'ZZCANARY-jane.doe@customer.example';
const key = randomBytes(32);
const hashId = (raw: string) => recordIdHash(key, raw);
const AT = new Date('2026-11-20T10:00:00Z');
const context = { tenantId: 'acme', stream: 'ticket_events' as const, at: AT, hashId };

const event = (overrides: Record<string, unknown>) => ({ id: 5001, ticket_id: 1, timestamp: 1_763_632_800, updater_id: 101, child_events: [], ...overrides });

describe('quarantine entries', () => {
  it('name a record by its Zendesk id as it is', () => {
    const [entry] = validateRecords([event({ ticket_id: 'one' })], ticketEventSchemaFor(null), context).quarantined;
    expect(entry).toEqual({ _id: 'acme:ticket_events:5001', tenantId: 'acme', stream: 'ticket_events', recordId: '5001', errors: [{ path: 'ticket_id', code: 'invalid_type' }], at: AT });
  });

  it('name a record whose id is text, no safe integer, negative, fractional or an object by a keyed hash of it, the same every time', () => {
    const ids = [HOSTILE, 1e22, -5, 1.5, { [HOSTILE]: 1 }, '5001'];
    const entries = validateRecords(ids.map((id) => event({ id })), ticketEventSchemaFor(null), context).quarantined;
    expect(entries.map((entry) => entry.recordId)).toEqual([
      `hash-${hashId(HOSTILE)}`,
      `hash-${hashId('1e+22')}`,
      `hash-${hashId('-5')}`,
      `hash-${hashId('1.5')}`,
      `hash-${hashId(JSON.stringify({ [HOSTILE]: 1 }))}`,
      `hash-${hashId('5001')}`,
    ]);
    expect(new Set(entries.map((entry) => entry.recordId)).size).toBe(ids.length);
    expect(validateRecords([event({ id: HOSTILE })], ticketEventSchemaFor(null), context).quarantined[0]?.recordId).toBe(entries[0]?.recordId);
    // Another tenant's key gives another hash: the hash is keyed, not a digest anyone can recompute.
    const other = randomBytes(32);
    expect(validateRecords([event({ id: HOSTILE })], ticketEventSchemaFor(null), { ...context, hashId: (raw) => recordIdHash(other, raw) }).quarantined[0]?.recordId).not.toBe(entries[0]?.recordId);
  });

  it('name a record without an id, or without a hasher to name it by, unknown', () => {
    expect(validateRecords([event({ id: undefined }), event({ id: null })], ticketEventSchemaFor(null), context).quarantined.map((entry) => entry.recordId)).toEqual(['unknown', 'unknown']);
    const withoutHasher = { tenantId: context.tenantId, stream: context.stream, at: context.at };
    expect(validateRecords([event({ id: HOSTILE })], ticketEventSchemaFor(null), withoutHasher).quarantined[0]?.recordId).toBe('unknown');
  });

  it('replace every path segment that is not a field name of the schema (custom field ids, keys Zendesk sent) with *, and keep array indexes', () => {
    const record = event({
      child_events: [
        { id: 1, event_type: 'Change' },
        { id: 2, event_type: 'Change', custom_ticket_fields: { [HOSTILE]: { [HOSTILE]: HOSTILE }, '9001': [HOSTILE] } },
      ],
    });
    const [entry] = validateRecords([record], ticketEventSchemaFor(9001), context).quarantined;
    expect(entry?.errors).toEqual([{ path: 'child_events.1.custom_ticket_fields.*', code: 'invalid_union' }]);
    expect(JSON.stringify(entry)).not.toMatch(/ZZCANARY|jane|customer|9001/);
  });

  it('say (record) for a record that is no object at all, and keep no more than a bounded number of distinct errors', () => {
    const [notObject] = validateRecords([HOSTILE], ZendeskUserSchema, { ...context, stream: 'users' }).quarantined;
    expect(notObject).toMatchObject({ recordId: 'unknown', errors: [{ path: '(record)', code: 'invalid_type' }] });
    const children = Array.from({ length: 500 }, (_, index) => ({ id: index, event_type: 7 }));
    const [many] = validateRecords([event({ child_events: children })], ticketEventSchemaFor(null), context).quarantined;
    expect(many?.errors).toHaveLength(MAX_QUARANTINE_ERRORS);
    expect(many?.errors[0]).toEqual({ path: 'child_events.0.event_type', code: 'invalid_type' });
  });

  it('are all documents the quarantine store accepts, and the store refuses one that carries record text', () => {
    const entries = validateRecords(
      [event({ id: HOSTILE }), event({ child_events: [{ id: 1, event_type: 'Change', custom_ticket_fields: { [HOSTILE]: {} } }] }), { id: 9, status: HOSTILE }],
      ticketEventSchemaFor(null),
      context,
    ).quarantined;
    const tickets = validateRecords([{ id: 9, status: HOSTILE }], ZendeskTicketSchema, { ...context, stream: 'tickets' }).quarantined;
    for (const entry of [...entries, ...tickets]) StoredQuarantineSchema.parse(entry);
    const valid = entries[0] as NonNullable<(typeof entries)[0]>;
    expect(StoredQuarantineSchema.safeParse({ ...valid, recordId: HOSTILE }).success).toBe(false);
    expect(StoredQuarantineSchema.safeParse({ ...valid, errors: [{ path: `child_events.0.custom_ticket_fields.${HOSTILE}`, code: 'invalid_union' }] }).success).toBe(false);
  });
});
