/**
 * Ticket events → facts and ticket state (docs/architecture.md#ticket-state, docs/metrics.md#counters). The only code that
 * knows the ticket event shape. Keeps no customer data: no bodies, subjects,
 * requesters or end-user ids, only agent ids, ticket ids, times and numbers. Pure.
 */
import { storedIds, type StoredFact, type StoredTicket } from '../../schemas/records.js';
import type { ZendeskChildEvent, ZendeskTicketEvent } from '../../schemas/zendesk.js';
import { localDay } from '../metrics/stored-daily.js';

const REOPEN_TARGETS = new Set(['new', 'open', 'pending', 'hold']);

export interface TicketEventContext {
  readonly tenantId: string;
  /** The tenant's IANA time zone: facts carry their local day. */
  readonly timeZone: string;
  /** Id of the "Total time spent (sec)" field, when known. */
  readonly totalTimeFieldId: number | null;
  readonly isStaff: (userId: number) => boolean;
}

export interface MappedTicketEvents {
  facts: StoredFact[];
  tickets: StoredTicket[];
  /** Events skipped because the ticket state already includes them (replayed pages). */
  alreadyApplied: number;
}

/**
 * Applies events in (timestamp, id) order to the tickets' states, producing facts.
 * `known` holds the stored states of the tickets on the page.
 */
export function mapTicketEvents(events: readonly ZendeskTicketEvent[], known: readonly StoredTicket[], context: TicketEventContext): MappedTicketEvents {
  const states = new Map(known.map((ticket) => [ticket.ticketId, structuredClone(ticket)]));
  const facts: StoredFact[] = [];
  let alreadyApplied = 0;
  const ordered = [...events].sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
  const { tenantId } = context;

  for (const event of ordered) {
    const at = new Date(event.timestamp * 1000);
    let state = states.get(event.ticket_id);
    if (!state) {
      state = {
        _id: storedIds.ticket(tenantId, event.ticket_id),
        tenantId,
        ticketId: event.ticket_id,
        assigneeId: null,
        groupId: null,
        brandId: null,
        status: 'new',
        lastSolverId: null,
        assignments: [],
        dimensions: [],
        publicReplies: 0,
        oneTouch: null,
        lastEventAt: null,
        lastEventId: null,
        updatedAt: at,
      };
      states.set(event.ticket_id, state);
    }
    if (state.lastEventAt && state.lastEventId !== null) {
      const applied = state.lastEventAt.getTime();
      if (at.getTime() < applied || (at.getTime() === applied && event.id <= state.lastEventId)) {
        alreadyApplied++;
        continue;
      }
    }
    // The assignee after this update, for solves in the same update.
    let assigned = false;
    for (const child of event.child_events) {
      const assignee = assigneeOf(child);
      if (assignee !== undefined) {
        state.assignments.push({ at, agentId: assignee });
        state.assigneeId = assignee;
        assigned = true;
      }
      if (child.status !== undefined && isStatus(child.status)) state.status = child.status;
    }
    // Creation starts the assignment history, unassigned or not, so an empty history means
    // the ticket was created before the sync window: then its exported assignee stands in.
    if (!assigned && state.assignments.length === 0 && event.child_events.some((child) => child.event_type === 'Create')) {
      state.assignments.push({ at, agentId: null });
      state.assigneeId = null;
    }
    const assigneeAfter = state.assignments.length > 0 ? (state.assignments.at(-1)?.agentId ?? null) : state.assigneeId;
    const where = applyDimensions(state, event, at);

    const day = localDay(at, context.timeZone);
    const fact = (kind: StoredFact['kind'], child: number | string, agentId: number, value?: number, when = { at, day, ...where }): void => {
      facts.push({
        _id: `${tenantId}:${kind}:${event.id}:${child}`,
        tenantId,
        kind,
        ticketId: event.ticket_id,
        agentId,
        at: when.at,
        day: when.day,
        ...(value === undefined ? {} : { value }),
        ...(when.groupId === null ? {} : { groupId: when.groupId }),
        ...(when.brandId === null ? {} : { brandId: when.brandId }),
      });
    };
    /** Takes back the ticket's one-touch credit on the day and in the slice it was given (docs/metrics.md#onetouchtickets). */
    const retractOneTouch = (child: number | string) => {
      const credit = state.oneTouch;
      if (!credit) return;
      fact('one_touch', child, credit.agentId, -1, { at: credit.at, day: localDay(credit.at, context.timeZone), groupId: credit.groupId, brandId: credit.brandId });
      state.oneTouch = null;
    };

    // Replies first: a reply in the solving update counts towards that solve.
    const creating = event.child_events.some((child) => child.event_type === 'Create');
    for (const child of event.child_events) {
      if (child.event_type === 'Comment' && child.public === true && child.author_id !== undefined && context.isStaff(child.author_id) && !creating) {
        state.publicReplies = (state.publicReplies ?? 0) + 1;
        retractOneTouch(child.id);
      }
    }

    for (const child of event.child_events) {
      if (child.event_type === 'Change' && child.status !== undefined) {
        if (child.status === 'solved') {
          state.lastSolverId = assigneeAfter;
          if (assigneeAfter !== null && context.isStaff(assigneeAfter)) fact('solve', child.id, assigneeAfter);
          retractOneTouch(`${child.id}:undo`);
          if (assigneeAfter !== null && context.isStaff(assigneeAfter) && state.publicReplies === 1) {
            fact('one_touch', child.id, assigneeAfter, 1);
            state.oneTouch = { agentId: assigneeAfter, at, ...where };
          }
        } else if (child.previous_value === 'solved' && REOPEN_TARGETS.has(child.status)) {
          const solver = state.lastSolverId;
          if (solver !== null && context.isStaff(solver)) fact('reopen', child.id, solver);
        }
      }
      if (child.event_type === 'Comment' && child.public === true && child.author_id !== undefined && context.isStaff(child.author_id)) {
        fact('public_reply', child.id, child.author_id);
      }
      if (context.totalTimeFieldId !== null && child.custom_ticket_fields && context.isStaff(event.updater_id)) {
        const key = String(context.totalTimeFieldId);
        if (key in child.custom_ticket_fields) {
          const change = toSeconds(child.custom_ticket_fields[key]) - toSeconds(child.previous_value);
          if (change !== 0) fact('handle_time', child.id, event.updater_id, change);
        }
      }
    }
    if (context.isStaff(event.updater_id)) fact('update', 0, event.updater_id);

    state.lastEventAt = at;
    state.lastEventId = event.id;
    state.updatedAt = at;
  }
  return { facts, tickets: [...states.values()], alreadyApplied };
}

/**
 * Applies the event's group and brand changes to the ticket's dimension history and
 * returns the group and brand after the event: what its facts carry. Creation starts
 * the history; a ticket whose creation tally never saw uses its exported group and brand.
 */
function applyDimensions(state: StoredTicket, event: ZendeskTicketEvent, at: Date): { groupId: number | null; brandId: number | null } {
  const history = (state.dimensions ??= []);
  const current = history.at(-1) ?? { groupId: state.groupId, brandId: state.brandId ?? null };
  let groupId = current.groupId;
  let brandId = current.brandId;
  let changed = false;
  for (const child of event.child_events) {
    if (child.event_type !== 'Change' && child.event_type !== 'Create') continue;
    if (child.group_id !== undefined) {
      groupId = child.group_id;
      changed = true;
    }
    if (child.brand_id !== undefined) {
      brandId = child.brand_id;
      changed = true;
    }
  }
  const creating = event.child_events.some((child) => child.event_type === 'Create');
  if (changed || (creating && history.length === 0)) {
    if (creating && history.length === 0 && !changed) {
      groupId = null;
      brandId = null;
    }
    history.push({ at, groupId, brandId });
  }
  return { groupId, brandId };
}

/** The ticket's group and brand after every event at or before `time` (for metric events and ratings). */
export function dimensionsAt(ticket: StoredTicket, time: Date): { groupId: number | null; brandId: number | null } {
  const history = ticket.dimensions ?? [];
  if (history.length === 0) return { groupId: ticket.groupId, brandId: ticket.brandId ?? null };
  let found = { groupId: null as number | null, brandId: null as number | null };
  for (const entry of history) {
    if (entry.at.getTime() > time.getTime()) break;
    found = { groupId: entry.groupId, brandId: entry.brandId };
  }
  return found;
}

/** The assignee a child sets, if it sets one (null: unassigned). */
function assigneeOf(child: ZendeskChildEvent): number | null | undefined {
  if (child.event_type !== 'Change' && child.event_type !== 'Create') return undefined;
  if (!('assignee_id' in child) || child.assignee_id === undefined) return undefined;
  if (child.assignee_id === null || child.assignee_id === '') return null;
  const id = Number(child.assignee_id);
  return Number.isInteger(id) && id > 0 ? id : null;
}

const STATUSES = new Set(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']);
const isStatus = (value: string): value is StoredTicket['status'] => STATUSES.has(value);

/** Time Tracking values are strings of seconds; a missing previous value counts as 0. */
function toSeconds(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : 0;
}

/** The assignee after every event at or before `time` (for metric events). */
export function assigneeAt(ticket: StoredTicket, time: Date): number | null {
  if (ticket.assignments.length === 0) return ticket.assigneeId;
  let assignee: number | null = null;
  for (const assignment of ticket.assignments) {
    if (assignment.at.getTime() > time.getTime()) break;
    assignee = assignment.agentId;
  }
  return assignee;
}
