/** The simulator's model rendered as Zendesk API JSON (the shapes schemas/zendesk.ts reads). */
import type { SimDimension, SimMetricEvent, SimRating, SimTicket, SimUpdate, SimUser, TicketField, World } from './world.js';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A ticket event of the time-based export. Children are key-based, as in real payloads.
 * The export serves `ticketEventJson`, this shape's text, which a test pins to it.
 */
export function renderTicketEvent(update: SimUpdate, ticket: SimTicket, world: World, withComments: boolean) {
  const via = { channel: update.via === 'Mail' ? 'email' : update.via === 'Rule' ? 'rule' : 'web', source: { rel: null } };
  let child = update.id * 10;
  const children: Record<string, unknown>[] = [];
  const kind = update.create ? 'Create' : 'Change';
  const base = () => ({ id: child++, via: update.via, via_reference_id: null, event_type: kind });
  if (update.create) {
    children.push({ ...base(), subject: ticket.subject });
    children.push({ ...base(), requester_id: ticket.requesterId });
    children.push({ ...base(), priority: 'normal' });
  }
  if (update.status) {
    children.push({ ...base(), status: update.status.to, ...(update.create ? {} : { previous_value: update.status.from }) });
  }
  if (update.assignee) children.push({ ...base(), assignee_id: update.assignee.to, previous_value: update.assignee.from });
  if (update.group) children.push({ ...base(), group_id: update.group.to, previous_value: update.group.from });
  if (update.brand) children.push({ ...base(), brand_id: update.brand.to, previous_value: update.brand.from });
  if (update.timeSpent) {
    const asText = (value: number | null) => (value === null ? null : String(value));
    children.push({
      ...base(),
      custom_ticket_fields: { [String(world.timeFields.total)]: String(update.timeSpent.total) },
      previous_value: asText(update.timeSpent.previousTotal),
    });
    children.push({
      ...base(),
      custom_ticket_fields: { [String(world.timeFields.last)]: String(update.timeSpent.last) },
      previous_value: asText(update.timeSpent.previousLast),
    });
  }
  if (update.comment && withComments) {
    children.push({
      id: update.comment.id,
      event_type: 'Comment',
      author_id: update.comment.authorId,
      public: update.comment.public,
      body: update.comment.body,
      html_body: `<div class="zd-comment"><p>${update.comment.body}</p></div>`,
      plain_body: update.comment.body,
      attachments: [],
      audit_id: update.id,
      created_at: iso(update.at),
      via,
    });
  }
  if (update.notification) {
    children.push({
      id: update.notification.id,
      via: update.via,
      via_reference_id: null,
      event_type: 'Notification',
      subject: update.notification.subject,
      body: update.notification.body,
      recipients: [ticket.requesterId],
    });
  }
  return {
    id: update.id,
    ticket_id: update.ticketId,
    timestamp: seconds(update.at),
    created_at: iso(update.at),
    updater_id: update.actorId,
    via: update.via,
    system: { client: 'Mozilla/5.0', location: 'Somewhere', latitude: 0, longitude: 0 },
    metadata: { system: {}, custom: {} },
    event_type: 'Audit',
    merged_ticket_ids: [],
    ...(withComments
      ? {}
      : update.comment
        ? { comment_present: true, comment_public: update.comment.public }
        : { comment_present: false }),
    child_events: children,
  };
}

export function renderTicket(ticket: SimTicket, world: World, baseUrl: string) {
  const text = (value: number | null) => (value === null ? null : String(value));
  return {
    url: `${baseUrl}/api/v2/tickets/${ticket.id}.json`,
    id: ticket.id,
    external_id: null,
    via: { channel: 'email' },
    created_at: iso(ticket.createdAt),
    updated_at: iso(ticket.updatedAt),
    generated_timestamp: seconds(ticket.generatedAt),
    type: 'question',
    subject: ticket.subject,
    raw_subject: ticket.subject,
    description: `${ticket.subject} (description)`,
    priority: 'normal',
    status: ticket.deletedAt === null ? ticket.status : 'deleted',
    requester_id: ticket.requesterId,
    submitter_id: ticket.requesterId,
    assignee_id: ticket.assigneeId,
    organization_id: null,
    group_id: ticket.groupId,
    brand_id: ticket.brandId,
    tags: ['simulated'],
    custom_fields: [
      { id: world.timeFields.total, value: text(ticket.totalTimeSpent) },
      { id: world.timeFields.last, value: text(ticket.lastTimeSpent) },
      { id: 360_000_000_007, value: 'product_a' },
    ],
  };
}

export function renderMetricEvent(event: SimMetricEvent) {
  return {
    id: event.id,
    ticket_id: event.ticketId,
    instance_id: event.instanceId,
    metric: event.metric,
    type: event.type,
    time: iso(event.time),
    ...(event.status ? { status: event.status } : {}),
    ...(event.sla
      ? {
          sla: {
            target: event.sla.target,
            business_hours: event.sla.businessHours,
            policy: { id: event.sla.policyId, title: 'Standard', description: 'Standard SLA' },
          },
        }
      : {}),
    ...(event.deleted ? { deleted: true } : {}),
  };
}

export function renderRating(rating: SimRating, baseUrl: string) {
  return {
    url: `${baseUrl}/api/v2/satisfaction_ratings/${rating.id}.json`,
    id: rating.id,
    assignee_id: rating.assigneeId,
    group_id: rating.groupId,
    requester_id: rating.requesterId,
    ticket_id: rating.ticketId,
    score: rating.score,
    comment: rating.comment,
    reason: rating.reason,
    reason_id: 0,
    reason_code: 0,
    created_at: iso(rating.createdAt),
    updated_at: iso(rating.updatedAt),
  };
}

const RAILS_ZONES: Record<string, string> = {
  'America/New_York': 'Eastern Time (US & Canada)',
  'America/Los_Angeles': 'Pacific Time (US & Canada)',
  'Europe/Berlin': 'Berlin',
  'Europe/Dublin': 'Dublin',
  'Europe/London': 'London',
  'Asia/Kolkata': 'New Delhi',
};

export function renderUser(user: SimUser, baseUrl: string) {
  return {
    id: user.id,
    url: `${baseUrl}/api/v2/users/${user.id}.json`,
    name: user.name,
    email: user.email,
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
    time_zone: RAILS_ZONES[user.ianaTimeZone] ?? 'UTC',
    iana_time_zone: user.ianaTimeZone,
    phone: null,
    locale: 'en-US',
    role: user.role,
    role_type: user.role === 'admin' ? 4 : user.role === 'agent' ? 0 : null,
    active: user.active,
    suspended: user.suspended,
    verified: true,
    tags: [],
    user_fields: {},
  };
}

export function renderTicketField(field: TicketField, baseUrl: string) {
  return {
    url: `${baseUrl}/api/v2/ticket_fields/${field.id}.json`,
    id: field.id,
    type: field.type,
    title: field.title,
    raw_title: field.title,
    active: true,
    required: false,
    removable: field.type === 'integer' || field.type === 'tagger',
  };
}

export function renderGroup(group: SimDimension, baseUrl: string) {
  return {
    url: `${baseUrl}/api/v2/groups/${group.id}.json`,
    id: group.id,
    name: group.name,
    description: '',
    default: false,
    deleted: false,
    is_public: true,
    created_at: iso(group.createdAt),
    updated_at: iso(group.updatedAt),
  };
}

export function renderBrand(brand: SimDimension, baseUrl: string) {
  return {
    url: `${baseUrl}/api/v2/brands/${brand.id}.json`,
    id: brand.id,
    name: brand.name,
    brand_url: `https://brand-${brand.id}.example`,
    subdomain: `brand${brand.id}`,
    active: true,
    default: false,
    created_at: iso(brand.createdAt),
    updated_at: iso(brand.updatedAt),
  };
}
