/**
 * The Zendesk record shapes tally reads (docs/architecture.md#streams), validated at
 * the boundary. Only the fields tally uses are declared; unknown fields are
 * ignored, so additions on Zendesk's side never break a sync.
 */
import { z } from 'zod';

/*
 * Every value a mapper (src/ingest/map-*.ts) turns into a Date, a number or a stored
 * string is bounded here, so that whatever passes maps to a storable fact and
 * whatever does not is quarantined (README "Sync and metrics"), never thrown later.
 */

/** Zendesk ids: positive safe integers (zod's int() is the safe-integer range). */
const Id = z.number().int().positive();
/** User ids in events: a Zendesk id, or -1 for triggers and automations. */
const ActorId = z.number().int().min(-1);

/** Times tally accepts: 2000-01-01T00:00:00Z (inclusive) to 2100-01-01T00:00:00Z (exclusive), in Unix seconds. */
export const ZENDESK_TIME_WINDOW_S = { from: 946_684_800, to: 4_102_444_800 } as const;
const TIME_WINDOW_MESSAGE = 'must be a time from 2000-01-01 to 2100-01-01';
const UnixSeconds = z
  .number()
  .int()
  .min(ZENDESK_TIME_WINDOW_S.from, TIME_WINDOW_MESSAGE)
  .max(ZENDESK_TIME_WINDOW_S.to - 1, TIME_WINDOW_MESSAGE);
const IsoTime = z.iso.datetime({ offset: true }).refine((value) => {
  const ms = Date.parse(value);
  return ms >= ZENDESK_TIME_WINDOW_S.from * 1000 && ms < ZENDESK_TIME_WINDOW_S.to * 1000;
}, TIME_WINDOW_MESSAGE);

/** Names and emails are sealed and stored: longer ones are not a person's. */
export const MAX_NAME_LENGTH = 300;
export const MAX_EMAIL_LENGTH = 320;
/** Enum-like strings (roles, statuses, event types, metric names, scores). */
const Word = z.string().max(64);
/**
 * Metric minutes feed the minute histograms, whose log buckets end at about ten
 * years of minutes (src/metrics/minute-histogram.ts).
 */
export const MAX_METRIC_MINUTES = 5_256_000;
/** Time Tracking values in seconds: ten years of them. */
export const MAX_TIME_SPENT_S = 315_360_000;

export const ZendeskUserSchema = z.object({
  id: Id,
  name: z.string().max(MAX_NAME_LENGTH),
  email: z.string().max(MAX_EMAIL_LENGTH).nullable(),
  role: Word,
  active: z.boolean(),
  suspended: z.boolean().optional(),
  updated_at: IsoTime,
});
export type ZendeskUser = z.infer<typeof ZendeskUserSchema>;

const isUserIdText = (text: string): boolean => text === '' || (/^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(Number(text)));

/** A reference to a Zendesk record as a number, its digits, or '' / null for none: normalised to an id or null. */
const ZendeskReferenceSchema = z
  .union([Id, z.string().refine(isUserIdText, 'must be an id, or empty'), z.null()])
  .transform((value) => (value === null || value === '' ? null : Number(value)));

/** A child event: key-based (`status`, `assignee_id`, `custom_ticket_fields`…), or a Comment. */
export const ZendeskChildEventSchema = z
  .object({
    id: z.number().int(),
    event_type: Word,
    previous_value: z.union([z.string(), z.number(), z.null()]).optional(),
    status: Word.optional(),
    // A user id as a number or as its digits; '' or null unassigns.
    assignee_id: z.union([Id, z.string().refine(isUserIdText, 'must be a user id, or empty'), z.null()]).optional(),
    custom_ticket_fields: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
    // A group or brand id as a number or as its digits; '' or null clears it (docs/metrics.md#dimensions).
    group_id: ZendeskReferenceSchema.optional(),
    brand_id: ZendeskReferenceSchema.optional(),
    author_id: ActorId.optional(),
    public: z.boolean().optional(),
  });
export type ZendeskChildEvent = z.infer<typeof ZendeskChildEventSchema>;

export const ZendeskTicketEventSchema = z.object({
  id: Id,
  ticket_id: Id,
  timestamp: UnixSeconds,
  updater_id: ActorId,
  child_events: z.array(ZendeskChildEventSchema),
});
export type ZendeskTicketEvent = z.infer<typeof ZendeskTicketEventSchema>;

/** Whole seconds as Time Tracking sends them (text, or a number); absent, null or '' count as 0. */
const isSeconds = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === '' ||
  (typeof value === 'string' && /^\d{1,9}$/.test(value) && Number(value) <= MAX_TIME_SPENT_S) ||
  (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIME_SPENT_S);

const ticketEventSchemas = new Map<number | null, z.ZodType<ZendeskTicketEvent>>();

/**
 * The ticket event schema of a tenant: the children that change its "Total time
 * spent (sec)" field (the mapper turns them into handle time) must carry whole
 * seconds, as the value and as the previous value.
 */
export function ticketEventSchemaFor(totalTimeFieldId: number | null): z.ZodType<ZendeskTicketEvent> {
  const cached = ticketEventSchemas.get(totalTimeFieldId);
  if (cached) return cached;
  const key = totalTimeFieldId === null ? null : String(totalTimeFieldId);
  const schema =
    key === null
      ? ZendeskTicketEventSchema
      : ZendeskTicketEventSchema.superRefine((event, context) => {
          event.child_events.forEach((child, index) => {
            if (!child.custom_ticket_fields || !(key in child.custom_ticket_fields)) return;
            const message = `must be whole seconds, 0 to ${MAX_TIME_SPENT_S}`;
            if (!isSeconds(child.custom_ticket_fields[key])) {
              context.addIssue({ code: 'custom', path: ['child_events', index, 'custom_ticket_fields', key], message });
            }
            if (!isSeconds(child.previous_value)) context.addIssue({ code: 'custom', path: ['child_events', index, 'previous_value'], message });
          });
        });
  ticketEventSchemas.set(totalTimeFieldId, schema);
  return schema;
}

export const ZendeskTicketSchema = z.object({
  id: Id,
  status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']),
  assignee_id: Id.nullable(),
  group_id: Id.nullable(),
  /** Absent on accounts without brands (and in older fixtures): no brand. */
  brand_id: Id.nullable().optional(),
  generated_timestamp: UnixSeconds,
});
export type ZendeskTicket = z.infer<typeof ZendeskTicketSchema>;

export const ZendeskMetricEventSchema = z.object({
  id: Id,
  ticket_id: Id,
  instance_id: z.number().int(),
  metric: Word,
  type: Word,
  time: IsoTime,
  status: z.object({ calendar: z.number().int().min(0).max(MAX_METRIC_MINUTES), business: z.number().int() }).optional(),
  deleted: z.boolean().optional(),
});
export type ZendeskMetricEvent = z.infer<typeof ZendeskMetricEventSchema>;

export const ZendeskRatingSchema = z.object({
  id: Id,
  ticket_id: Id,
  assignee_id: Id.nullable(),
  /** The ticket's group when it was rated. */
  group_id: Id.nullable().optional(),
  score: Word,
  created_at: IsoTime,
  updated_at: IsoTime,
});
export type ZendeskRating = z.infer<typeof ZendeskRatingSchema>;

export const ZendeskTicketFieldSchema = z.object({ id: Id, title: z.string(), raw_title: z.string().optional() });

/** Page envelopes: these must be right, or the page is a malformed response. */
export const TimeBasedEnvelopeSchema = z.object({
  next_page: z.string().nullable(),
  end_time: z.number().int(),
  end_of_stream: z.boolean(),
});
export const CursorExportEnvelopeSchema = z.object({
  after_url: z.string().nullable(),
  after_cursor: z.string().nullable(),
  end_of_stream: z.boolean(),
});
export const CursorPageEnvelopeSchema = z.object({
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
  links: z.object({ next: z.string().nullable() }),
});

/** A group or a brand (`GET /groups`, `GET /brands`): its name is the tenant's data, sealed when stored. */
export const ZendeskDimensionSchema = z.object({
  id: Id,
  name: z.string().max(MAX_NAME_LENGTH),
  updated_at: IsoTime.optional(),
});
export type ZendeskDimension = z.infer<typeof ZendeskDimensionSchema>;
