// Issue 15 item 6: every value a mapper turns into a Date, a number or a stored string
// is bounded by the Zendesk schemas (schemas/zendesk.ts). Out of range: quarantined by
// validateRecords. At the edge of the range: maps to facts, ticket states and daily
// buckets that the stored shapes (schemas/records.ts) accept.
import { describe, expect, it } from 'vitest';
import { StoredDailySchema, StoredFactSchema, StoredTicketSchema } from '../../../schemas/records.js';
import {
  MAX_EMAIL_LENGTH,
  MAX_METRIC_MINUTES,
  MAX_NAME_LENGTH,
  MAX_TIME_SPENT_S,
  ticketEventSchemaFor,
  ZENDESK_TIME_WINDOW_S,
  ZendeskMetricEventSchema,
  ZendeskRatingSchema,
  ZendeskTicketSchema,
  ZendeskUserSchema,
} from '../../../schemas/zendesk.js';
import { mapMetricEvents } from '../../../src/ingest/map-metric-events.js';
import { mapRatings } from '../../../src/ingest/map-ratings.js';
import { mapTicketEvents } from '../../../src/ingest/map-ticket-events.js';
import { validateRecords } from '../../../src/ingest/validate-records.js';
import { dailyRows } from '../../../src/metrics/daily-rows.js';
import { storedDaily } from '../../../src/metrics/stored-daily.js';

const TOTAL = 9001;
const AGENT = 101;
const isStaff = (id: number) => id === AGENT || id === Number.MAX_SAFE_INTEGER;
const AT = new Date('2026-11-20T10:00:00Z');
const context = (stream: 'users' | 'ticket_events' | 'tickets' | 'ticket_metric_events' | 'satisfaction_ratings') => ({ tenantId: 'bounds', stream, at: AT });
const TICKET_EVENTS = ticketEventSchemaFor(TOTAL);

const event = (overrides: Record<string, unknown> = {}, child: Record<string, unknown> = {}) => ({
  id: 5001,
  ticket_id: 1,
  timestamp: 1_763_632_800,
  updater_id: AGENT,
  child_events: [
    { id: 50011, event_type: 'Change', status: 'solved', previous_value: 'open' },
    { id: 50012, event_type: 'Change', assignee_id: AGENT, previous_value: null },
    { id: 50013, event_type: 'Change', custom_ticket_fields: { [String(TOTAL)]: '600' }, previous_value: '300', ...child },
  ],
  ...overrides,
});
const ticket = (overrides: Record<string, unknown> = {}) => ({ id: 1, status: 'open', assignee_id: AGENT, group_id: 7, generated_timestamp: 1_763_632_800, ...overrides });
const metric = (overrides: Record<string, unknown> = {}) => ({
  id: 7001,
  ticket_id: 1,
  instance_id: 1,
  metric: 'agent_work_time',
  type: 'update_status',
  time: '2025-11-20T11:00:00Z',
  status: { calendar: 30, business: 30 },
  ...overrides,
});
const rating = (overrides: Record<string, unknown> = {}) => ({
  id: 8001,
  ticket_id: 1,
  assignee_id: AGENT,
  score: 'good',
  created_at: '2025-11-20T12:00:00Z',
  updated_at: '2025-11-20T12:00:00Z',
  ...overrides,
});
const user = (overrides: Record<string, unknown> = {}) => ({
  id: AGENT,
  name: 'Ada Agent',
  email: 'ada@support.example',
  role: 'agent',
  active: true,
  updated_at: '2025-11-20T12:00:00Z',
  ...overrides,
});

const quarantinedPaths = (records: unknown[], schema: Parameters<typeof validateRecords>[1], stream: Parameters<typeof context>[0]) => {
  const result = validateRecords(records, schema, context(stream));
  expect(result.valid).toEqual([]);
  expect(result.quarantined).toHaveLength(records.length);
  return result.quarantined.map((entry) => entry.errors.map((error) => error.path));
};

describe('out-of-range Zendesk records are quarantined, naming the field', () => {
  it('ticket events: timestamps outside 2000..2100, unsafe or non-positive ids, fractional or huge Time Tracking seconds, non-id assignees', () => {
    const far = 99_999_999_999_999;
    expect(
      quarantinedPaths(
        [
          event({ timestamp: far }),
          event({ timestamp: ZENDESK_TIME_WINDOW_S.to }),
          event({ timestamp: ZENDESK_TIME_WINDOW_S.from - 1 }),
          event({ id: 2 ** 53 }),
          event({ ticket_id: 0 }),
          event({ updater_id: 2 ** 60 }),
          event({}, { custom_ticket_fields: { [String(TOTAL)]: '600.5' } }),
          event({}, { custom_ticket_fields: { [String(TOTAL)]: '1e400' } }),
          event({}, { custom_ticket_fields: { [String(TOTAL)]: MAX_TIME_SPENT_S + 1 } }),
          event({}, { previous_value: '-300' }),
          event({ child_events: [{ id: 1, event_type: 'Change', assignee_id: '1.5', previous_value: null }] }),
          event({ child_events: [{ id: 1, event_type: 'Change', assignee_id: '99999999999999999999', previous_value: null }] }),
          event({ child_events: [{ id: 1, event_type: 'Change', assignee_id: -7, previous_value: null }] }),
          event({ child_events: [{ id: 1, event_type: 'X'.repeat(65) }] }),
        ],
        TICKET_EVENTS,
        'ticket_events',
      ),
    ).toEqual([
      ['timestamp'],
      ['timestamp'],
      ['timestamp'],
      ['id'],
      ['ticket_id'],
      ['updater_id'],
      ['child_events.2.custom_ticket_fields.*'],
      ['child_events.2.custom_ticket_fields.*'],
      ['child_events.2.custom_ticket_fields.*'],
      ['child_events.2.previous_value'],
      ['child_events.0.assignee_id'],
      ['child_events.0.assignee_id'],
      ['child_events.0.assignee_id'],
      ['child_events.0.event_type'],
    ]);
  });

  it('tickets: a generated_timestamp outside the window', () => {
    expect(quarantinedPaths([ticket({ generated_timestamp: 99_999_999_999_999 }), ticket({ generated_timestamp: -1 })], ZendeskTicketSchema, 'tickets')).toEqual([
      ['generated_timestamp'],
      ['generated_timestamp'],
    ]);
  });

  it('metric events: times outside the window, negative or beyond-histogram minutes', () => {
    expect(
      quarantinedPaths(
        [
          metric({ time: '9999-12-31T23:59:59Z' }),
          metric({ time: '1970-01-01T00:00:00Z' }),
          metric({ status: { calendar: -5, business: 0 } }),
          metric({ status: { calendar: MAX_METRIC_MINUTES + 1, business: 0 } }),
        ],
        ZendeskMetricEventSchema,
        'ticket_metric_events',
      ),
    ).toEqual([['time'], ['time'], ['status.calendar'], ['status.calendar']]);
  });

  it('ratings: created_at or updated_at outside the window, an over-long score', () => {
    expect(
      quarantinedPaths(
        [rating({ created_at: '2100-01-01T00:00:00Z' }), rating({ updated_at: '1999-12-31T23:59:59Z' }), rating({ score: 'g'.repeat(65) })],
        ZendeskRatingSchema,
        'satisfaction_ratings',
      ),
    ).toEqual([['created_at'], ['updated_at'], ['score']]);
  });

  it('users: a name or an email of more than a few hundred characters, an updated_at outside the window', () => {
    expect(
      quarantinedPaths(
        [user({ name: 'N'.repeat(MAX_NAME_LENGTH + 1) }), user({ email: `${'e'.repeat(MAX_EMAIL_LENGTH)}@x.example` }), user({ updated_at: '9999-01-01T00:00:00Z' })],
        ZendeskUserSchema,
        'users',
      ),
    ).toEqual([['name'], ['email'], ['updated_at']]);
  });

  it('only the tenant’s Total time field is held to whole seconds: another custom field may hold any text', () => {
    const other = event({}, { custom_ticket_fields: { '4242': 'free text, 600.5' }, previous_value: 'earlier text' });
    expect(validateRecords([other], TICKET_EVENTS, context('ticket_events')).valid).toHaveLength(1);
    expect(validateRecords([event({}, { custom_ticket_fields: { [String(TOTAL)]: '600.5' } })], ticketEventSchemaFor(null), context('ticket_events')).valid).toHaveLength(1);
  });
});

describe('records at the edge of every bound map to documents the stores accept', () => {
  const last = ZENDESK_TIME_WINDOW_S.to - 1;
  const lastIso = new Date(last * 1000).toISOString();
  const firstIso = new Date(ZENDESK_TIME_WINDOW_S.from * 1000).toISOString();
  const edgeEvents = [
    event({ id: Number.MAX_SAFE_INTEGER, ticket_id: Number.MAX_SAFE_INTEGER, timestamp: last, updater_id: AGENT }, { custom_ticket_fields: { [String(TOTAL)]: String(MAX_TIME_SPENT_S) }, previous_value: null }),
    event({ id: 5002, ticket_id: 2, timestamp: ZENDESK_TIME_WINDOW_S.from, child_events: [{ id: 1, event_type: 'Change', assignee_id: String(Number.MAX_SAFE_INTEGER), previous_value: null }, { id: 2, event_type: 'Change', status: 'solved', previous_value: 'open' }] }),
  ];

  it('ticket events at both ends of the window, with the largest ids and seconds', () => {
    const { valid, quarantined } = validateRecords(edgeEvents, TICKET_EVENTS, context('ticket_events'));
    expect(quarantined).toEqual([]);
    const mapped = mapTicketEvents(valid, [], { tenantId: 'bounds', timeZone: 'Pacific/Kiritimati', totalTimeFieldId: TOTAL, isStaff });
    expect(mapped.facts.map((fact) => fact.kind).sort()).toEqual(['handle_time', 'solve', 'solve', 'update', 'update']);
    for (const fact of mapped.facts) StoredFactSchema.parse(fact);
    for (const state of mapped.tickets) StoredTicketSchema.parse(state);
    for (const row of dailyRows(mapped.facts, 'Pacific/Kiritimati')) StoredDailySchema.parse(storedDaily(row, 'bounds', AT));
  });

  it('metric events and ratings at both ends of the window, with the largest minutes', () => {
    const metrics = validateRecords(
      [metric({ time: lastIso, status: { calendar: MAX_METRIC_MINUTES, business: 0 } }), metric({ id: 7002, time: firstIso, status: { calendar: 0, business: 0 } })],
      ZendeskMetricEventSchema,
      context('ticket_metric_events'),
    );
    const ratings = validateRecords([rating({ id: Number.MAX_SAFE_INTEGER, created_at: lastIso, updated_at: lastIso }), rating({ id: 8002, created_at: firstIso, updated_at: firstIso })], ZendeskRatingSchema, context('satisfaction_ratings'));
    expect([...metrics.quarantined, ...ratings.quarantined]).toEqual([]);
    const tickets = new Map([[1, StoredTicketSchema.parse({ _id: 'bounds:1', tenantId: 'bounds', ticketId: 1, assigneeId: AGENT, groupId: null, status: 'open', lastSolverId: null, assignments: [], lastEventAt: null, lastEventId: null, updatedAt: AT })]]);
    const facts = [
      ...mapMetricEvents(metrics.valid, tickets, { tenantId: 'bounds', timeZone: 'UTC', isStaff }),
      ...mapRatings(ratings.valid, tickets, { tenantId: 'bounds', timeZone: 'UTC', isStaff }),
    ];
    expect(facts).toHaveLength(6); // two metric events (calendar and business), two ratings
    for (const fact of facts) StoredFactSchema.parse(fact);
    for (const row of dailyRows(facts, 'UTC')) StoredDailySchema.parse(storedDaily(row, 'bounds', AT));
  });
});
