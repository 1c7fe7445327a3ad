/**
 * The Zendesk record shapes tally reads (../shared/zendesk-api.md), validated at
 * the boundary. Only the fields tally uses are declared; unknown fields are
 * ignored, so additions on Zendesk's side never break a sync.
 */
import { z } from 'zod';

const Id = z.number().int().positive();
const IsoTime = z.iso.datetime({ offset: true });

export const ZendeskUserSchema = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(),
  role: z.string(),
  active: z.boolean(),
  suspended: z.boolean().optional(),
  updated_at: IsoTime,
});
export type ZendeskUser = z.infer<typeof ZendeskUserSchema>;

/** A child event: key-based (`status`, `assignee_id`, `custom_ticket_fields`…), or a Comment. */
export const ZendeskChildEventSchema = z
  .object({
    id: z.number().int(),
    event_type: z.string(),
    previous_value: z.union([z.string(), z.number(), z.null()]).optional(),
    status: z.string().optional(),
    assignee_id: z.union([z.number().int(), z.string(), z.null()]).optional(),
    custom_ticket_fields: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
    author_id: z.number().int().optional(),
    public: z.boolean().optional(),
  });
export type ZendeskChildEvent = z.infer<typeof ZendeskChildEventSchema>;

export const ZendeskTicketEventSchema = z.object({
  id: Id,
  ticket_id: Id,
  timestamp: z.number().int().nonnegative(),
  updater_id: z.number().int(),
  child_events: z.array(ZendeskChildEventSchema),
});
export type ZendeskTicketEvent = z.infer<typeof ZendeskTicketEventSchema>;

export const ZendeskTicketSchema = z.object({
  id: Id,
  status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']),
  assignee_id: Id.nullable(),
  group_id: Id.nullable(),
  generated_timestamp: z.number().int().nonnegative(),
});
export type ZendeskTicket = z.infer<typeof ZendeskTicketSchema>;

export const ZendeskMetricEventSchema = z.object({
  id: Id,
  ticket_id: Id,
  instance_id: z.number().int(),
  metric: z.string(),
  type: z.string(),
  time: IsoTime,
  status: z.object({ calendar: z.number().int(), business: z.number().int() }).optional(),
  deleted: z.boolean().optional(),
});
export type ZendeskMetricEvent = z.infer<typeof ZendeskMetricEventSchema>;

export const ZendeskRatingSchema = z.object({
  id: Id,
  ticket_id: Id,
  assignee_id: Id.nullable(),
  score: z.string(),
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
  meta: z.object({ has_more: z.boolean() }),
  links: z.object({ next: z.string().nullable() }),
});
