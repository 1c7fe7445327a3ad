// Zendesk API pages written by hand in the exact record shapes of
// Zendesk's ticket events, metric events, ratings and users exports, run through the zod schemas, the
// ingest mappers and dailyRows; every expected number was worked out by hand from
// docs/metrics.md#counters (see the comments next to each number).
//
// Tenant 'hand', Europe/Berlin (CET, UTC+1, all through 2024-03-12..14), Total time
// spent field 9001 ("Time spent last update" is 9002). Agents 101, 102, 103; 500 is an
// end user.
//
// Timeline (UTC → Berlin local):
//   5001 07:00Z → 12th 08:00  T1  500 creates T1 with a public comment
//   5002 07:15Z → 12th 08:15  T2  500 creates T2 with a public comment
//   5003 08:00Z → 12th 09:00  T1  101 takes T1, opens it, public reply
//   5004 08:30Z → 12th 09:30  T2  102 takes T2, opens it, public reply, Total null→600
//   5005 09:00Z → 12th 10:00  T1  101 solves T1, Total null→600 (Last update null→600)
//   5006 10:00Z → 12th 11:00  T4  101 takes and solves T4, public reply
//   5007 11:00Z → 12th 12:00  T2  500 comments publicly (no status change)
//   5008 13:00Z → 12th 14:00  T1  103 reopens T1 (solved→open), private note
//   5009 22:50Z → 12th 23:50  T2  102 public reply, Total 600→1200
//   5010 23:30Z → 13th 00:30  T2  102 solves T2 and hands it to 103 in the same update, Total 1200→900
//   5011 10:00Z → 13th 11:00  T1  101 solves T1 again, public reply
//   5012 11:00Z → 13th 12:00  T5  103 takes and solves T5, public reply
//   5013 14:00Z → 13th 15:00  T3  103 creates T3 assigned to itself, public reply
//   5014 15:00Z → 13th 16:00  T3  103 deletes T3 (open→deleted)
//   5015 16:00Z → 13th 17:00  T4  102 takes T4 over from 101
import { describe, expect, it } from 'vitest';
import type { StoredFact, StoredTicket } from '../../../schemas/records.js';
import {
  CursorPageEnvelopeSchema,
  TimeBasedEnvelopeSchema,
  ZendeskMetricEventSchema,
  ZendeskRatingSchema,
  ZendeskTicketEventSchema,
} from '../../../schemas/zendesk.js';
import { mapMetricEvents } from '../../../src/ingest/map-metric-events.js';
import { mapRatings } from '../../../src/ingest/map-ratings.js';
import { mapTicketEvents, type TicketEventContext } from '../../../src/ingest/map-ticket-events.js';
import { validateRecords } from '../../../src/ingest/validate-records.js';
import { dailyRows, type DailyRow } from '../../../src/metrics/daily-rows.js';
import { addDay, metricsReport, type AgentTotals } from '../../../src/metrics/metrics-report.js';
import { HISTOGRAM_MAX_RELATIVE_ERROR } from '../../../src/metrics/minute-histogram.js';
import { storedDaily } from '../../../src/metrics/stored-daily.js';

const TENANT = 'hand';
const TIME_ZONE = 'Europe/Berlin';
const STAFF = new Set([101, 102, 103]);
const isStaff = (userId: number): boolean => STAFF.has(userId);
const CONTEXT: TicketEventContext = { tenantId: TENANT, timeZone: TIME_ZONE, totalTimeFieldId: 9001, isStaff };
const VALIDATED_AT = new Date('2024-03-15T06:00:00Z');

const D12 = '2024-03-12';
const D13 = '2024-03-13';
const D14 = '2024-03-14';

// ---------------------------------------------------------------------------------------
// GET /incremental/ticket_events.json?start_time=1710226800&include=comment_events
// ---------------------------------------------------------------------------------------

const ticketEventsPage1 = {
  ticket_events: [
    {
      id: 5001,
      ticket_id: 1,
      timestamp: 1710226800, // 2024-03-12T07:00:00Z = 08:00 Berlin
      created_at: '2024-03-12T07:00:00Z',
      updater_id: 500,
      via: 'Web form',
      event_type: 'Audit',
      system: { client: 'Mozilla/5.0', ip_address: '203.0.113.7', location: 'Berlin, BE, Germany' },
      merged_ticket_ids: [],
      child_events: [
        { id: 50011, via: 'Web form', via_reference_id: null, event_type: 'Create', status: 'new' },
        { id: 50013, via: 'Web form', via_reference_id: null, event_type: 'Create', subject: 'My printer is on fire' },
        {
          id: 50012,
          event_type: 'Comment',
          author_id: 500,
          public: true,
          body: 'My printer is on fire, please help.',
          html_body: '<div class="zd-comment"><p>My printer is on fire, please help.</p></div>',
          attachments: [],
          audit_id: 5001,
          created_at: '2024-03-12T07:00:00Z',
          via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
        },
      ],
    },
    {
      id: 5002,
      ticket_id: 2,
      timestamp: 1710227700, // 2024-03-12T07:15:00Z = 08:15 Berlin
      created_at: '2024-03-12T07:15:00Z',
      updater_id: 500,
      via: 'Mail',
      child_events: [
        { id: 50021, via: 'Mail', via_reference_id: null, event_type: 'Create', status: 'new' },
        {
          id: 50022,
          event_type: 'Comment',
          author_id: 500,
          public: true,
          body: 'Invoice 4711 is wrong.',
          html_body: '<p>Invoice 4711 is wrong.</p>',
          attachments: [],
          audit_id: 5002,
          created_at: '2024-03-12T07:15:00Z',
          via: { channel: 'email', source: { from: { address: 'customer@example.com' }, to: {}, rel: null } },
        },
      ],
    },
    {
      id: 5003,
      ticket_id: 1,
      timestamp: 1710230400, // 2024-03-12T08:00:00Z = 09:00 Berlin
      created_at: '2024-03-12T08:00:00Z',
      updater_id: 101,
      via: 'Web form',
      child_events: [
        { id: 50031, via: 'Web form', via_reference_id: null, event_type: 'Change', assignee_id: 101, previous_value: null },
        { id: 50032, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'open', previous_value: 'new' },
        {
          id: 50033,
          event_type: 'Comment',
          author_id: 101,
          public: true,
          body: 'Please unplug it and step away.',
          html_body: '<p>Please unplug it and step away.</p>',
          attachments: [],
          audit_id: 5003,
          created_at: '2024-03-12T08:00:00Z',
          via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
        },
      ],
    },
    {
      id: 5004,
      ticket_id: 2,
      timestamp: 1710232200, // 2024-03-12T08:30:00Z = 09:30 Berlin
      created_at: '2024-03-12T08:30:00Z',
      updater_id: 102,
      via: 'Web form',
      child_events: [
        { id: 50041, via: 'Web form', via_reference_id: null, event_type: 'Change', assignee_id: 102, previous_value: null },
        { id: 50042, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'open', previous_value: 'new' },
        { id: 50043, event_type: 'Comment', author_id: 102, public: true, body: 'Looking into invoice 4711.', attachments: [], audit_id: 5004 },
        { id: 50044, via: 'Web form', via_reference_id: null, event_type: 'Change', custom_ticket_fields: { '9001': '600' }, previous_value: null },
      ],
    },
    {
      id: 5005,
      ticket_id: 1,
      timestamp: 1710234000, // 2024-03-12T09:00:00Z = 10:00 Berlin
      created_at: '2024-03-12T09:00:00Z',
      updater_id: 101,
      via: 'Web form',
      child_events: [
        { id: 50051, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'solved', previous_value: 'open' },
        { id: 50052, via: 'Web form', via_reference_id: null, event_type: 'Change', custom_ticket_fields: { '9001': '600' }, previous_value: null },
        { id: 50053, via: 'Web form', via_reference_id: null, event_type: 'Change', custom_ticket_fields: { '9002': '600' }, previous_value: null },
      ],
    },
    {
      id: 5006,
      ticket_id: 4,
      timestamp: 1710237600, // 2024-03-12T10:00:00Z = 11:00 Berlin
      created_at: '2024-03-12T10:00:00Z',
      updater_id: 101,
      via: 'Web form',
      child_events: [
        { id: 50061, via: 'Web form', via_reference_id: null, event_type: 'Change', assignee_id: 101, previous_value: null },
        { id: 50062, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'solved', previous_value: 'new' },
        { id: 50063, event_type: 'Comment', author_id: 101, public: true, body: 'Password reset sent.', attachments: [], audit_id: 5006 },
      ],
    },
    {
      id: 5007,
      ticket_id: 2,
      timestamp: 1710241200, // 2024-03-12T11:00:00Z = 12:00 Berlin
      created_at: '2024-03-12T11:00:00Z',
      updater_id: 500,
      via: 'Mail',
      child_events: [
        {
          id: 50071,
          event_type: 'Comment',
          author_id: 500,
          public: true,
          body: 'Any news? My phone is +49 30 1234567.',
          attachments: [],
          audit_id: 5007,
          via: { channel: 'email', source: { from: { address: 'customer@example.com' }, to: {}, rel: null } },
        },
      ],
    },
    {
      id: 5008,
      ticket_id: 1,
      timestamp: 1710248400, // 2024-03-12T13:00:00Z = 14:00 Berlin
      created_at: '2024-03-12T13:00:00Z',
      updater_id: 103,
      via: 'Web form',
      child_events: [
        { id: 50081, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'open', previous_value: 'solved' },
        { id: 50082, event_type: 'Comment', author_id: 103, public: false, body: 'Customer called: still smoking. Reopening.', attachments: [], audit_id: 5008 },
      ],
    },
    {
      id: 5009,
      ticket_id: 2,
      timestamp: 1710283800, // 2024-03-12T22:50:00Z = 23:50 Berlin
      created_at: '2024-03-12T22:50:00Z',
      updater_id: 102,
      via: 'Web form',
      child_events: [
        { id: 50091, event_type: 'Comment', author_id: 102, public: true, body: 'Corrected invoice attached.', attachments: [], audit_id: 5009 },
        { id: 50092, via: 'Web form', via_reference_id: null, event_type: 'Change', custom_ticket_fields: { '9001': '1200' }, previous_value: '600' },
      ],
    },
  ],
  next_page: 'https://hand.zendesk.com/api/v2/incremental/ticket_events.json?include=comment_events&start_time=1710283800',
  count: 9,
  end_time: 1710283800,
  end_of_stream: false,
};

// next_page starts at end_time inclusive, so the boundary event 5009 comes again (§0).
const ticketEventsPage2 = {
  ticket_events: [
    ticketEventsPage1.ticket_events[8],
    {
      id: 5010,
      ticket_id: 2,
      timestamp: 1710286200, // 2024-03-12T23:30:00Z = 00:30 Berlin on the 13th
      created_at: '2024-03-12T23:30:00Z',
      updater_id: 102,
      via: 'Web form',
      child_events: [
        // The status child comes first: the solve must still go to the assignee after the update.
        { id: 50101, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'solved', previous_value: 'open' },
        { id: 50102, via: 'Web form', via_reference_id: null, event_type: 'Change', assignee_id: 103, previous_value: 102 },
        { id: 50103, via: 'Web form', via_reference_id: null, event_type: 'Change', custom_ticket_fields: { '9001': '900' }, previous_value: '1200' },
      ],
    },
    {
      id: 5011,
      ticket_id: 1,
      timestamp: 1710324000, // 2024-03-13T10:00:00Z = 11:00 Berlin
      created_at: '2024-03-13T10:00:00Z',
      updater_id: 101,
      via: 'Web form',
      child_events: [
        { id: 50111, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'solved', previous_value: 'open' },
        { id: 50112, event_type: 'Comment', author_id: 101, public: true, body: 'Replacement printer shipped.', attachments: [], audit_id: 5011 },
      ],
    },
    {
      id: 5012,
      ticket_id: 5,
      timestamp: 1710327600, // 2024-03-13T11:00:00Z = 12:00 Berlin
      created_at: '2024-03-13T11:00:00Z',
      updater_id: 103,
      via: 'Web form',
      child_events: [
        { id: 50121, via: 'Web form', via_reference_id: null, event_type: 'Change', assignee_id: 103, previous_value: null },
        { id: 50122, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'solved', previous_value: 'new' },
        { id: 50123, event_type: 'Comment', author_id: 103, public: true, body: 'Refund issued.', attachments: [], audit_id: 5012 },
      ],
    },
    {
      id: 5013,
      ticket_id: 3,
      timestamp: 1710338400, // 2024-03-13T14:00:00Z = 15:00 Berlin
      created_at: '2024-03-13T14:00:00Z',
      updater_id: 103,
      via: 'Web form',
      child_events: [
        { id: 50131, via: 'Web form', via_reference_id: null, event_type: 'Create', assignee_id: 103 },
        { id: 50132, via: 'Web form', via_reference_id: null, event_type: 'Create', status: 'open' },
        { id: 50133, event_type: 'Comment', author_id: 103, public: true, body: 'Opened on behalf of the customer.', attachments: [], audit_id: 5013 },
      ],
    },
    {
      id: 5014,
      ticket_id: 3,
      timestamp: 1710342000, // 2024-03-13T15:00:00Z = 16:00 Berlin
      created_at: '2024-03-13T15:00:00Z',
      updater_id: 103,
      via: 'Web form',
      child_events: [{ id: 50141, via: 'Web form', via_reference_id: null, event_type: 'Change', status: 'deleted', previous_value: 'open' }],
    },
    {
      id: 5015,
      ticket_id: 4,
      timestamp: 1710345600, // 2024-03-13T16:00:00Z = 17:00 Berlin
      created_at: '2024-03-13T16:00:00Z',
      updater_id: 102,
      via: 'Web form',
      // Assignee values as strings: the event export stringifies some values (§1.1 [U]).
      child_events: [{ id: 50151, via: 'Web form', via_reference_id: null, event_type: 'Change', assignee_id: '102', previous_value: '101' }],
    },
  ],
  next_page: null,
  count: 7,
  end_time: 1710345600,
  end_of_stream: true,
};

// ---------------------------------------------------------------------------------------
// GET /incremental/ticket_metric_events.json?start_time=1710226800&page[size]=100
// ---------------------------------------------------------------------------------------

const metricEventsPage = {
  ticket_metric_events: [
    { id: 7001, ticket_id: 1, instance_id: 1, metric: 'reply_time', type: 'activate', time: '2024-03-12T07:00:00Z' },
    { id: 7002, ticket_id: 2, instance_id: 1, metric: 'reply_time', type: 'activate', time: '2024-03-12T07:15:00Z' },
    {
      id: 7003,
      ticket_id: 2,
      instance_id: 1,
      metric: 'reply_time',
      type: 'apply_sla',
      time: '2024-03-12T07:15:00Z',
      sla: { target: 60, business_hours: false, policy: { id: 1, title: 'Normal', description: 'First reply within an hour' } },
    },
    { id: 7004, ticket_id: 1, instance_id: 1, metric: 'reply_time', type: 'fulfill', time: '2024-03-12T08:00:00Z' },
    // T1 created 07:00Z, first reply 08:00Z: 60 minutes, assignee then 101 (set in that update).
    { id: 7005, ticket_id: 1, instance_id: 1, metric: 'reply_time', type: 'update_status', time: '2024-03-12T08:00:00Z', status: { calendar: 60, business: 60 } },
    // T2 created 07:15Z, first reply 08:30Z: 75 minutes, assignee then 102.
    { id: 7006, ticket_id: 2, instance_id: 1, metric: 'reply_time', type: 'update_status', time: '2024-03-12T08:30:00Z', status: { calendar: 75, business: 75 } },
    { id: 7007, ticket_id: 1, instance_id: 1, metric: 'requester_wait_time', type: 'update_status', time: '2024-03-12T09:00:00Z', status: { calendar: 120, business: 120 } },
    { id: 7008, ticket_id: 1, instance_id: 1, metric: 'resolution_time', type: 'update_status', time: '2024-03-12T09:00:00Z', status: { calendar: 120, business: 120 } },
    // T2 solved 23:30Z (00:30 Berlin on the 13th): 07:15Z→23:30Z = 975 minutes; assignee after that update: 103.
    { id: 7009, ticket_id: 2, instance_id: 1, metric: 'resolution_time', type: 'update_status', time: '2024-03-12T23:30:00Z', status: { calendar: 975, business: 480 } },
    // A second reply: not a first reply.
    { id: 7010, ticket_id: 1, instance_id: 2, metric: 'reply_time', type: 'update_status', time: '2024-03-13T10:00:00Z', status: { calendar: 30, business: 30 } },
    // T1 solved again: 07:00Z on the 12th → 10:00Z on the 13th = 27 h = 1620 minutes.
    { id: 7011, ticket_id: 1, instance_id: 1, metric: 'resolution_time', type: 'update_status', time: '2024-03-13T10:00:00Z', status: { calendar: 1620, business: 600 } },
    // Not one of the four metrics tally reports.
    { id: 7012, ticket_id: 1, instance_id: 1, metric: 'pausable_update_time', type: 'update_status', time: '2024-03-13T10:00:00Z', status: { calendar: 5, business: 5 } },
    { id: 7013, ticket_id: 5, instance_id: 1, metric: 'reply_time', type: 'update_status', time: '2024-03-13T11:00:00Z', status: { calendar: 15, business: 15 } },
    { id: 7014, ticket_id: 5, instance_id: 1, metric: 'agent_work_time', type: 'update_status', time: '2024-03-13T11:00:00Z', status: { calendar: 20, business: 20 } },
    // T3 was deleted: its metric events come marked deleted and must be ignored.
    { id: 7015, ticket_id: 3, instance_id: 1, metric: 'reply_time', type: 'update_status', time: '2024-03-13T14:00:00Z', status: { calendar: 0, business: 0 }, deleted: true },
    { id: 7016, ticket_id: 3, instance_id: 1, metric: 'agent_work_time', type: 'update_status', time: '2024-03-13T15:00:00Z', status: { calendar: 60, business: 60 }, deleted: true },
  ],
  meta: { has_more: false, after_cursor: 'eyJvIjoiNzAxNiJ9', before_cursor: 'eyJvIjoiNzAwMSJ9' },
  links: { next: null, prev: 'https://hand.zendesk.com/api/v2/incremental/ticket_metric_events.json?page%5Bbefore%5D=eyJvIjoiNzAwMSJ9' },
};

// ---------------------------------------------------------------------------------------
// GET /satisfaction_ratings.json?start_time=…&end_time=…&sort=created_at&page[size]=100
// ---------------------------------------------------------------------------------------

const rating = (fields: { id: number; ticket_id: number; assignee_id: number | null; score: string; created_at: string; updated_at: string }) => ({
  url: `https://hand.zendesk.com/api/v2/satisfaction_ratings/${fields.id}.json`,
  group_id: 31,
  requester_id: 500,
  comment: fields.score === 'bad' ? 'Took far too long, call me on +49 30 1234567' : '',
  reason: 'No reason provided',
  reason_id: 0,
  ...fields,
});

// First run: ratings created up to the 13th.
const ratingsPageA = {
  satisfaction_ratings: [
    // T4 rated bad on the 12th (18:00 Berlin) for 101: later superseded by 8002.
    rating({ id: 8001, ticket_id: 4, assignee_id: 101, score: 'bad', created_at: '2024-03-12T17:00:00Z', updated_at: '2024-03-12T17:00:00Z' }),
    // T1 survey sent, never answered.
    rating({ id: 8004, ticket_id: 1, assignee_id: 101, score: 'offered', created_at: '2024-03-13T12:00:00Z', updated_at: '2024-03-13T12:00:00Z' }),
    // T2 rated bad on the 13th (13:30 Berlin) for 103, its assignee since 5010.
    rating({ id: 8005, ticket_id: 2, assignee_id: 103, score: 'bad', created_at: '2024-03-13T12:30:00Z', updated_at: '2024-03-13T12:30:00Z' }),
    // T5 rated bad on the 13th (20:00 Berlin) for 103: later updated in place to good.
    rating({ id: 8003, ticket_id: 5, assignee_id: 103, score: 'bad', created_at: '2024-03-13T19:00:00Z', updated_at: '2024-03-13T19:00:00Z' }),
  ],
  meta: { has_more: false, after_cursor: 'eyJpIjo4MDAzfQ', before_cursor: 'eyJpIjo4MDAxfQ' },
  links: { next: null, prev: null },
};

// A later run: 8003 comes again, updated to good on the 14th; T4 re-rated good as a new record 8002.
const ratingsPageB = {
  satisfaction_ratings: [
    rating({ id: 8003, ticket_id: 5, assignee_id: 103, score: 'good', created_at: '2024-03-13T19:00:00Z', updated_at: '2024-03-14T08:00:00Z' }),
    rating({ id: 8002, ticket_id: 4, assignee_id: 102, score: 'good', created_at: '2024-03-14T09:00:00Z', updated_at: '2024-03-14T09:00:00Z' }),
  ],
  meta: { has_more: false, after_cursor: 'eyJpIjo4MDAyfQ', before_cursor: 'eyJpIjo4MDAzfQ' },
  links: { next: null, prev: null },
};

// ---------------------------------------------------------------------------------------
// The pipeline, pure: validate → map → (store: last write per _id wins) → dailyRows
// ---------------------------------------------------------------------------------------

const validation = (stream: 'ticket_events' | 'ticket_metric_events' | 'satisfaction_ratings') => ({ tenantId: TENANT, stream, at: VALIDATED_AT });

const events1 = validateRecords(ticketEventsPage1.ticket_events, ZendeskTicketEventSchema, validation('ticket_events'));
const events2 = validateRecords(ticketEventsPage2.ticket_events, ZendeskTicketEventSchema, validation('ticket_events'));
const metricEvents = validateRecords(metricEventsPage.ticket_metric_events, ZendeskMetricEventSchema, validation('ticket_metric_events'));
const ratingsA = validateRecords(ratingsPageA.satisfaction_ratings, ZendeskRatingSchema, validation('satisfaction_ratings'));
const ratingsB = validateRecords(ratingsPageB.satisfaction_ratings, ZendeskRatingSchema, validation('satisfaction_ratings'));

interface Run {
  ticketFacts: StoredFact[];
  metricFacts: StoredFact[];
  ratingFacts: StoredFact[];
  facts: StoredFact[];
  tickets: StoredTicket[];
  alreadyApplied: [number, number];
}

/** One sync of all pages, page by page, as sync-stream does it: each page sees the ticket states the earlier ones left. */
function run(known: readonly StoredTicket[]): Run {
  const page1 = mapTicketEvents(events1.valid, known, CONTEXT);
  const page2 = mapTicketEvents(events2.valid, page1.tickets, CONTEXT);
  const byId = new Map(page2.tickets.map((ticket) => [ticket.ticketId, ticket]));
  const metricFacts = mapMetricEvents(metricEvents.valid, byId, { tenantId: TENANT, timeZone: TIME_ZONE, isStaff });
  const ratingFacts = [
    ...mapRatings(ratingsA.valid, byId, { tenantId: TENANT, timeZone: TIME_ZONE, isStaff }),
    ...mapRatings(ratingsB.valid, byId, { tenantId: TENANT, timeZone: TIME_ZONE, isStaff }),
  ];
  const ticketFacts = [...page1.facts, ...page2.facts];
  return {
    ticketFacts,
    metricFacts,
    ratingFacts,
    facts: [...ticketFacts, ...metricFacts, ...ratingFacts],
    tickets: page2.tickets,
    alreadyApplied: [page1.alreadyApplied, page2.alreadyApplied],
  };
}

/** What the facts collection holds: one document per _id, the last write winning (ratings are replaced). */
function stored(facts: Iterable<StoredFact>): StoredFact[] {
  return [...new Map([...facts].map((fact) => [fact._id, fact])).values()];
}

const first = run([]);
const replay = run(first.tickets);
const rows = dailyRows(stored(first.facts), TIME_ZONE);

const rowOf = (agentId: number, day: string): DailyRow | undefined => rows.find((row) => row.agentId === agentId && row.day === day);
const factsOf = (kind: StoredFact['kind']) =>
  stored(first.facts)
    .filter((fact) => fact.kind === kind)
    .map(({ _id, agentId, ticketId, day, value }) => ({ _id, agentId, ticketId, day, ...(value === undefined ? {} : { value }) }))
    .sort((a, b) => a._id.localeCompare(b._id));

// ---------------------------------------------------------------------------------------
// The daily rows, by hand
// ---------------------------------------------------------------------------------------

/**
 * The slices of these pages' rows: no ticket event names a group or brand, so every fact but
 * the ratings is in (0, 0); the ratings carry their own group_id, 31, so CSAT is in (31, 0).
 */
function withOneSlice(rows: Omit<DailyRow, 'slices'>[]): DailyRow[] {
  return rows.map(({ agentId, day, ...measures }) => {
    const { csatGood, csatBad, ...rest } = measures;
    const noCsat = { ...measures, csatGood: 0, csatBad: 0 };
    const onlyCsat = { ...Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, Array.isArray(value) ? [] : 0])), csatGood, csatBad } as typeof measures;
    const ticketWork = Object.values(noCsat).some((value) => (Array.isArray(value) ? value.length > 0 : value !== 0));
    const slices = [...(ticketWork ? [{ groupId: 0, brandId: 0, ...noCsat }] : []), ...(csatGood + csatBad > 0 ? [{ groupId: 31, brandId: 0, ...onlyCsat }] : [])];
    return { agentId, day, ...measures, slices };
  });
}

const EXPECTED_ROWS: DailyRow[] = withOneSlice([
  {
    agentId: 101,
    day: D12,
    solves: 2, // 5005 solves T1, 5006 solves T4 (101 the assignee after each)
    reopens: 1, // 5008: 103 reopens T1, whose last solver is 101
    publicReplies: 2, // 50033 on T1, 50063 on T4
    ticketsTouched: 2, // T1 (5003, 5005) and T4 (5006): distinct
    handleTimeSeconds: 600, // 5005: Total null→600 on T1 (the 9002 "last update" change is not Total)
    ticketsWithHandleTime: 1, // T1
    csatGood: 0, // none
    csatBad: 0, // 8001 (bad, T4) is superseded by the re-rating 8002
    firstReplyMinutes: [60], // 7005: T1 first reply
    fullResolutionMinutes: [120], // 7008: T1 first solve
    requesterWaitMinutes: [120], // 7007
    agentWorkMinutes: [], // none
    oneTouchTickets: 1, // T4 (5006: solved with its one agent reply); T1 +1 at 5005, −1 when 5011 added a second reply
    firstReplyBusinessMinutes: [60], // 7005's business value
    fullResolutionBusinessMinutes: [120], // 7008
    requesterWaitBusinessMinutes: [120], // 7007
    agentWorkBusinessMinutes: [], // none
  },
  {
    agentId: 101,
    day: D13,
    solves: 1, // 5011 solves T1 again
    reopens: 0, // none
    publicReplies: 1, // 50112 on T1
    ticketsTouched: 1, // T1 (5011)
    handleTimeSeconds: 0, // no Total change
    ticketsWithHandleTime: 0, // none
    csatGood: 0, // 8004 on T1 is only "offered"
    csatBad: 0, // none
    firstReplyMinutes: [], // 7010 is reply_time instance 2, not a first reply
    fullResolutionMinutes: [1620], // 7011: T1 solved again
    requesterWaitMinutes: [], // none
    agentWorkMinutes: [], // none
    oneTouchTickets: 0, // 5011 solves T1 with its second agent reply
    firstReplyBusinessMinutes: [], // none
    fullResolutionBusinessMinutes: [600], // 7011
    requesterWaitBusinessMinutes: [], // none
    agentWorkBusinessMinutes: [], // none
  },
  {
    agentId: 102,
    day: D12,
    solves: 0, // none
    reopens: 0, // none
    publicReplies: 2, // 50043 and 50091 on T2
    ticketsTouched: 1, // T2 (5004 and 5009): one distinct ticket
    handleTimeSeconds: 1200, // 5004: null→600 (+600), 5009: 600→1200 (+600)
    ticketsWithHandleTime: 1, // T2
    csatGood: 0, // none
    csatBad: 0, // none
    firstReplyMinutes: [75], // 7006: T2 first reply
    fullResolutionMinutes: [], // none
    requesterWaitMinutes: [], // none
    agentWorkMinutes: [], // none
    oneTouchTickets: 0, // no solve
    firstReplyBusinessMinutes: [75], // 7006
    fullResolutionBusinessMinutes: [], // none
    requesterWaitBusinessMinutes: [], // none
    agentWorkBusinessMinutes: [], // none
  },
  {
    agentId: 102,
    day: D13,
    solves: 0, // 5010 solves T2 but hands it to 103 in the same update
    reopens: 0, // none
    publicReplies: 0, // none
    ticketsTouched: 2, // T2 (5010 at 00:30 local) and T4 (5015)
    handleTimeSeconds: -300, // 5010: Total 1200→900, a correction by 102
    ticketsWithHandleTime: 1, // T2: net change that day −300, non-zero
    csatGood: 0, // none
    csatBad: 0, // none
    firstReplyMinutes: [], // none
    fullResolutionMinutes: [], // 7009 goes to 103, the assignee after 5010
    requesterWaitMinutes: [], // none
    agentWorkMinutes: [], // none
    oneTouchTickets: 0, // the solve of T2 is 103's
    firstReplyBusinessMinutes: [], // none
    fullResolutionBusinessMinutes: [], // none
    requesterWaitBusinessMinutes: [], // none
    agentWorkBusinessMinutes: [], // none
  },
  {
    agentId: 102,
    day: D14,
    solves: 0, // none
    reopens: 0, // none
    publicReplies: 0, // none
    ticketsTouched: 0, // no update on the 14th
    handleTimeSeconds: 0, // none
    ticketsWithHandleTime: 0, // none
    csatGood: 1, // 8002: T4 re-rated good, created on the 14th, assignee 102
    csatBad: 0, // none
    firstReplyMinutes: [], // none
    fullResolutionMinutes: [], // none
    requesterWaitMinutes: [], // none
    agentWorkMinutes: [], // none
    oneTouchTickets: 0, // none
    firstReplyBusinessMinutes: [], // none
    fullResolutionBusinessMinutes: [], // none
    requesterWaitBusinessMinutes: [], // none
    agentWorkBusinessMinutes: [], // none
  },
  {
    agentId: 103,
    day: D12,
    solves: 0, // none
    reopens: 0, // 103 reopened T1, but the reopen is the last solver's (101)
    publicReplies: 0, // 50082 is a private note
    ticketsTouched: 1, // T1 (5008)
    handleTimeSeconds: 0, // none
    ticketsWithHandleTime: 0, // none
    csatGood: 0, // none
    csatBad: 0, // none
    firstReplyMinutes: [], // none
    fullResolutionMinutes: [], // none
    requesterWaitMinutes: [], // none
    agentWorkMinutes: [], // none
    oneTouchTickets: 0, // none
    firstReplyBusinessMinutes: [], // none
    fullResolutionBusinessMinutes: [], // none
    requesterWaitBusinessMinutes: [], // none
    agentWorkBusinessMinutes: [], // none
  },
  {
    agentId: 103,
    day: D13,
    solves: 2, // 5010 (T2, assignee after the update), 5012 (T5)
    reopens: 0, // none; 5014 (open→deleted) is neither a solve nor a reopen
    publicReplies: 2, // 50123 on T5, 50133 on T3
    ticketsTouched: 2, // T5 (5012) and T3 (5013, 5014); T2's 5010 was 102's update
    handleTimeSeconds: 0, // none
    ticketsWithHandleTime: 0, // none
    csatGood: 1, // 8003 on T5: bad then updated in place to good on the 14th; counts on its created day, the 13th
    csatBad: 1, // 8005 on T2
    firstReplyMinutes: [15], // 7013: T5 (7015 on deleted T3 ignored)
    fullResolutionMinutes: [975], // 7009: T2, solved at 00:30 local on the 13th
    requesterWaitMinutes: [], // none
    agentWorkMinutes: [20], // 7014: T5 (7016 on deleted T3 ignored)
    oneTouchTickets: 1, // T5 (5012: solved with its one agent reply); T2 had two replies (102's); T3's reply was its creation
    firstReplyBusinessMinutes: [15], // 7013
    fullResolutionBusinessMinutes: [480], // 7009
    requesterWaitBusinessMinutes: [], // none
    agentWorkBusinessMinutes: [20], // 7014
  },
]);

describe('hand-built Zendesk pages → facts → daily rows (docs/metrics.md#counters)', () => {
  it('passes every hand-built record and page envelope through the Zendesk schemas, quarantining nothing', () => {
    expect(TimeBasedEnvelopeSchema.safeParse(ticketEventsPage1).success).toBe(true);
    expect(TimeBasedEnvelopeSchema.safeParse(ticketEventsPage2).success).toBe(true);
    expect(CursorPageEnvelopeSchema.safeParse(metricEventsPage).success).toBe(true);
    expect(CursorPageEnvelopeSchema.safeParse(ratingsPageA).success).toBe(true);
    expect(CursorPageEnvelopeSchema.safeParse(ratingsPageB).success).toBe(true);
    expect([events1, events2, metricEvents, ratingsA, ratingsB].map((page) => [page.valid.length, page.quarantined.length])).toEqual([
      [9, 0],
      [7, 0],
      [16, 0],
      [4, 0],
      [2, 0],
    ]);
  });

  it('computes the hand-computed rows for every agent and local day', () => {
    expect(rows).toEqual(EXPECTED_ROWS);
  });

  it('counts a ticket solved, reopened and solved again as two solves', () => {
    expect(factsOf('solve').filter((fact) => fact.ticketId === 1)).toEqual([
      { _id: 'hand:solve:5005:50051', agentId: 101, ticketId: 1, day: D12 },
      { _id: 'hand:solve:5011:50111', agentId: 101, ticketId: 1, day: D13 },
    ]);
  });

  it('credits a reopen to the last solver, not to the agent who reopened', () => {
    expect(factsOf('reopen')).toEqual([{ _id: 'hand:reopen:5008:50081', agentId: 101, ticketId: 1, day: D12 }]);
  });

  it('credits a solve made in the same update as a reassignment to the assignee after that update', () => {
    expect(factsOf('solve').filter((fact) => fact.ticketId === 2)).toEqual([{ _id: 'hand:solve:5010:50101', agentId: 103, ticketId: 2, day: D13 }]);
  });

  it('makes no solve and no reopen from a status change to deleted', () => {
    expect(stored(first.facts).filter((fact) => fact.ticketId === 3 && (fact.kind === 'solve' || fact.kind === 'reopen'))).toEqual([]);
  });

  it('ignores metric events marked deleted', () => {
    expect(first.metricFacts.filter((fact) => fact.ticketId === 3)).toEqual([]);
    // The same two events without the flag would be credited to 103, T3's assignee: the flag alone drops them.
    const undeleted = metricEvents.valid.filter((event) => event.ticket_id === 3).map(({ deleted: _deleted, ...event }) => event);
    const t3 = mapMetricEvents(undeleted, new Map(first.tickets.map((ticket) => [ticket.ticketId, ticket])), { tenantId: TENANT, timeZone: TIME_ZONE, isStaff });
    expect(t3.map((fact) => [fact._id, fact.agentId])).toEqual([
      ['hand:metric:7015:0', 103],
      ['hand:metric:7015:1', 103],
      ['hand:metric:7016:0', 103],
      ['hand:metric:7016:1', 103],
    ]);
  });

  it('counts public comments by agents only: not the end user’s, not private notes', () => {
    expect(factsOf('public_reply').map(({ _id, agentId }) => [_id, agentId])).toEqual([
      ['hand:public_reply:5003:50033', 101],
      ['hand:public_reply:5004:50043', 102],
      ['hand:public_reply:5006:50063', 101],
      ['hand:public_reply:5009:50091', 102],
      ['hand:public_reply:5011:50112', 101],
      ['hand:public_reply:5012:50123', 103],
      ['hand:public_reply:5013:50133', 103],
    ]);
  });

  it('makes no fact from an end user’s update', () => {
    const endUserEvents = new Set([5001, 5002, 5007]);
    expect(first.ticketFacts.filter((fact) => endUserEvents.has(Number(fact._id.split(':')[2])) || fact.agentId === 500)).toEqual([]);
  });

  it('counts distinct tickets touched per agent per day', () => {
    expect(rows.map((row) => [row.agentId, row.day, row.ticketsTouched])).toEqual([
      [101, D12, 2], // T1 twice, T4 once
      [101, D13, 1], // T1
      [102, D12, 1], // T2 twice
      [102, D13, 2], // T2, T4
      [102, D14, 0], // a rating only
      [103, D12, 1], // T1
      [103, D13, 2], // T5, T3 twice
    ]);
  });

  it('credits a negative Total time correction to the update’s author and still counts the ticket', () => {
    expect(factsOf('handle_time')).toEqual([
      { _id: 'hand:handle_time:5004:50044', agentId: 102, ticketId: 2, day: D12, value: 600 }, // null→600
      { _id: 'hand:handle_time:5005:50052', agentId: 101, ticketId: 1, day: D12, value: 600 }, // null→600
      { _id: 'hand:handle_time:5009:50092', agentId: 102, ticketId: 2, day: D12, value: 600 }, // 600→1200
      { _id: 'hand:handle_time:5010:50103', agentId: 102, ticketId: 2, day: D13, value: -300 }, // 1200→900
    ]);
    expect(rowOf(102, D13)).toMatchObject({ handleTimeSeconds: -300, ticketsWithHandleTime: 1 });
  });

  it('puts an update at 00:30 local time on that local day, not on the UTC day before', () => {
    const at0030 = first.ticketFacts.filter((fact) => fact._id.split(':')[2] === '5010');
    expect(at0030.map(({ kind, agentId, at, day }) => ({ kind, agentId, at: at.toISOString(), day }))).toEqual([
      { kind: 'solve', agentId: 103, at: '2024-03-12T23:30:00.000Z', day: D13 },
      { kind: 'handle_time', agentId: 102, at: '2024-03-12T23:30:00.000Z', day: D13 },
      { kind: 'update', agentId: 102, at: '2024-03-12T23:30:00.000Z', day: D13 },
    ]);
  });

  it('counts work on one ticket either side of local midnight as touching it on both days', () => {
    const t2ByDay = stored(first.facts)
      .filter((fact) => fact.kind === 'update' && fact.agentId === 102 && fact.ticketId === 2)
      .map((fact) => fact.day);
    expect(t2ByDay).toEqual([D12, D12, D13]); // 09:30 and 23:50 on the 12th, 00:30 on the 13th
    expect([rowOf(102, D12)?.ticketsTouched, rowOf(102, D13)?.ticketsTouched]).toEqual([1, 2]);
  });

  it('counts only the latest rating of a ticket re-rated as a new record, on its created day, for its assignee', () => {
    const t4 = dailyRows(stored(first.ratingFacts.filter((fact) => fact.ticketId === 4)), TIME_ZONE);
    expect(t4.map(({ agentId, day, csatGood, csatBad }) => ({ agentId, day, csatGood, csatBad }))).toEqual([
      { agentId: 102, day: D14, csatGood: 1, csatBad: 0 }, // 8002 good; 8001 (bad, 101, 12th) no longer counts
    ]);
  });

  it('counts only the latest version of a rating updated in place, on the local day it was created', () => {
    const t5 = dailyRows(stored(first.ratingFacts.filter((fact) => fact.ticketId === 5)), TIME_ZONE);
    expect(t5.map(({ agentId, day, csatGood, csatBad }) => ({ agentId, day, csatGood, csatBad }))).toEqual([
      { agentId: 103, day: D13, csatGood: 1, csatBad: 0 }, // 8003 good (updated on the 14th), created on the 13th
    ]);
  });

  it('does not count an offered rating', () => {
    const t1 = dailyRows(stored(first.ratingFacts.filter((fact) => fact.ticketId === 1)), TIME_ZONE);
    expect(t1.filter((row) => row.csatGood + row.csatBad > 0)).toEqual([]);
  });

  it('credits metric minutes to the assignee when the metric was fulfilled, only first replies and the four metrics, calendar and business', () => {
    expect(first.metricFacts.map(({ _id, agentId, day, value, detail }) => [_id, agentId, day, value, detail])).toEqual([
      ['hand:metric:7005:0', 101, D12, 60, 'firstReplyMinutes'],
      ['hand:metric:7005:1', 101, D12, 60, 'firstReplyBusinessMinutes'],
      ['hand:metric:7006:0', 102, D12, 75, 'firstReplyMinutes'],
      ['hand:metric:7006:1', 102, D12, 75, 'firstReplyBusinessMinutes'],
      ['hand:metric:7007:0', 101, D12, 120, 'requesterWaitMinutes'],
      ['hand:metric:7007:1', 101, D12, 120, 'requesterWaitBusinessMinutes'],
      ['hand:metric:7008:0', 101, D12, 120, 'fullResolutionMinutes'],
      ['hand:metric:7008:1', 101, D12, 120, 'fullResolutionBusinessMinutes'],
      ['hand:metric:7009:0', 103, D13, 975, 'fullResolutionMinutes'], // 103 is T2's assignee after 5010
      ['hand:metric:7009:1', 103, D13, 480, 'fullResolutionBusinessMinutes'], // business hours: 480 of the 975 minutes
      ['hand:metric:7011:0', 101, D13, 1620, 'fullResolutionMinutes'],
      ['hand:metric:7011:1', 101, D13, 600, 'fullResolutionBusinessMinutes'],
      ['hand:metric:7013:0', 103, D13, 15, 'firstReplyMinutes'],
      ['hand:metric:7013:1', 103, D13, 15, 'firstReplyBusinessMinutes'],
      ['hand:metric:7014:0', 103, D13, 20, 'agentWorkMinutes'],
      ['hand:metric:7014:1', 103, D13, 20, 'agentWorkBusinessMinutes'],
    ]);
  });

  it('credits a one-touch to the solver and takes it back on the day it was given when a second agent reply comes', () => {
    expect(factsOf('one_touch').map(({ _id, agentId, ticketId, day, value }) => [_id, agentId, ticketId, day, value])).toEqual([
      ['hand:one_touch:5005:50051', 101, 1, D12, 1], // T1 solved with 101's one reply (50033)
      ['hand:one_touch:5006:50062', 101, 4, D12, 1], // T4 solved in the update of its one reply
      ['hand:one_touch:5011:50112', 101, 1, D12, -1], // 5011's reply 50112 is T1's second: the credit of the 12th goes
      ['hand:one_touch:5012:50122', 103, 5, D13, 1], // T5
    ]);
  });
});

describe('replaying the same pages', () => {
  it('applies the boundary event repeated on the next page once', () => {
    expect(first.alreadyApplied).toEqual([0, 1]); // 5009 ends page 1 and starts page 2
    expect(first.ticketFacts.filter((fact) => fact._id.split(':')[2] === '5009')).toHaveLength(3); // public reply, handle time, update
  });

  it('maps no ticket event twice when the stored ticket states are known', () => {
    expect(replay.ticketFacts).toEqual([]);
    expect(replay.alreadyApplied).toEqual([9, 7]);
  });

  it('re-maps ratings and metric events to the same fact ids', () => {
    const firstIds = new Set(first.facts.map((fact) => fact._id));
    expect(replay.facts.filter((fact) => !firstIds.has(fact._id))).toEqual([]);
  });

  it('gives the same rows from the union of both runs’ facts, deduped by _id', () => {
    expect(dailyRows(stored([...first.facts, ...replay.facts]), TIME_ZONE)).toEqual(EXPECTED_ROWS);
  });
});

describe('metricsReport over the stored daily rows, 2024-03-12 to 2024-03-14', () => {
  const totals = new Map<number, AgentTotals>();
  for (const row of rows) addDay(totals, storedDaily(row, TENANT, VALIDATED_AT));
  const identities = new Map([
    [101, { name: 'Ada', email: 'ada@hand.example' }],
    [102, { name: 'Ben', email: 'ben@hand.example' }],
    [103, { name: 'Cleo', email: 'cleo@hand.example' }],
  ]);
  const report = metricsReport({ tenant: TENANT, region: 'eu', timeZone: TIME_ZONE, from: D12, to: D14 }, totals.values(), identities);

  it('sums each agent’s counters over the days of the range', () => {
    const counters = report.agents.map((agent) => ({
      agentId: agent.agentId,
      solves: agent.solves,
      reopens: agent.reopens,
      publicReplies: agent.publicReplies,
      ticketsTouched: agent.ticketsTouched,
      handleTimeSeconds: agent.handleTimeSeconds,
      ticketsWithHandleTime: agent.ticketsWithHandleTime,
      csatGood: agent.csatGood,
      csatBad: agent.csatBad,
    }));
    expect(counters).toEqual([
      {
        agentId: 101,
        solves: 3, // 2 on the 12th + 1 on the 13th
        reopens: 1, // T1 on the 12th
        publicReplies: 3, // 2 + 1
        ticketsTouched: 3, // 2 + 1: summed over days, T1 counts on both
        handleTimeSeconds: 600, // T1
        ticketsWithHandleTime: 1, // T1 on the 12th
        csatGood: 0, // none
        csatBad: 0, // 8001 superseded
      },
      {
        agentId: 102,
        solves: 0, // none
        reopens: 0, // none
        publicReplies: 2, // both on the 12th
        ticketsTouched: 3, // 1 + 2 + 0
        handleTimeSeconds: 900, // 1200 − 300
        ticketsWithHandleTime: 2, // T2 on the 12th and again on the 13th
        csatGood: 1, // 8002
        csatBad: 0, // none
      },
      {
        agentId: 103,
        solves: 2, // T2, T5 on the 13th
        reopens: 0, // none
        publicReplies: 2, // T5, T3
        ticketsTouched: 3, // 1 + 2
        handleTimeSeconds: 0, // none
        ticketsWithHandleTime: 0, // none
        csatGood: 1, // 8003
        csatBad: 1, // 8005
      },
    ]);
  });

  it('scores CSAT as good / (good + bad), null when there are none', () => {
    expect(report.agents.map((agent) => [agent.agentId, agent.csatScore])).toEqual([
      [101, null], // 0 good, 0 bad
      [102, 1], // 1 / (1 + 0)
      [103, 0.5], // 1 / (1 + 1)
    ]);
  });

  it('summarises minute metrics by count, with medians and p90s within the histogram’s error', () => {
    expect(report.agents.map((agent) => [agent.firstReplyMinutes.count, agent.fullResolutionMinutes.count, agent.requesterWaitMinutes.count, agent.agentWorkMinutes.count])).toEqual([
      [1, 2, 1, 0], // 101: 7005; 7008, 7011; 7007
      [1, 0, 0, 0], // 102: 7006
      [1, 1, 0, 1], // 103: 7013; 7009; 7014
    ]);
    const ada = report.agents[0];
    // 101's full resolutions [120, 1620]: nearest-rank median is rank 1 (120), p90 rank 2 (1620).
    const within = (estimate: number | null | undefined, exact: number) => Math.abs((estimate ?? Number.NaN) - exact) <= HISTOGRAM_MAX_RELATIVE_ERROR * exact + 0.05;
    expect([within(ada?.fullResolutionMinutes.median, 120), within(ada?.fullResolutionMinutes.p90, 1620)]).toEqual([true, true]);
    expect([ada?.agentWorkMinutes.median, ada?.agentWorkMinutes.p90]).toEqual([null, null]);
  });
});

describe('a re-rating no agent can be credited with (docs/metrics.md#counters: one rating per ticket, the most recent)', () => {
  it('stops the superseded rating from counting', () => {
    const page = {
      satisfaction_ratings: [
        // T9 rated good on the 12th for 101…
        rating({ id: 8101, ticket_id: 9, assignee_id: 101, score: 'good', created_at: '2024-03-12T10:00:00Z', updated_at: '2024-03-12T10:00:00Z' }),
        // …then re-rated bad on the 13th while unassigned: this is the one rating of T9 that counts,
        // and it has no agent to credit, so no agent gets a good or a bad for T9.
        rating({ id: 8102, ticket_id: 9, assignee_id: null, score: 'bad', created_at: '2024-03-13T10:00:00Z', updated_at: '2024-03-13T10:00:00Z' }),
      ],
      meta: { has_more: false },
      links: { next: null },
    };
    const { valid } = validateRecords(page.satisfaction_ratings, ZendeskRatingSchema, validation('satisfaction_ratings'));
    const counted = dailyRows(mapRatings(valid, new Map(), { tenantId: TENANT, timeZone: TIME_ZONE, isStaff }), TIME_ZONE).filter((row) => row.csatGood + row.csatBad > 0);
    expect(counted).toEqual([]);
  });
});
