/**
 * The minimise step's last filter: a suppressed user (purged, docs/architecture.md#suppression) is
 * never stored again. Their facts are dropped by the staff check (a suppressed id
 * is never staff), and here their id is taken out of ticket states and users-stream
 * quarantine entries. Pure.
 */
import type { StoredQuarantine, StoredTicket } from '../../schemas/records.js';

export type IsSuppressed = (userId: number) => boolean;

type TicketAgents = Partial<Pick<StoredTicket, 'assigneeId' | 'lastSolverId' | 'assignments' | 'oneTouch'>>;

/** The ticket with a suppressed assignee, last solver or past assignee replaced by null. */
export function scrubTicket<T extends TicketAgents>(ticket: T, isSuppressed: IsSuppressed): T {
  const scrub = (id: number | null | undefined) => (typeof id === 'number' && isSuppressed(id) ? null : id);
  return {
    ...ticket,
    ...('assigneeId' in ticket ? { assigneeId: scrub(ticket.assigneeId) } : {}),
    ...('lastSolverId' in ticket ? { lastSolverId: scrub(ticket.lastSolverId) } : {}),
    ...(ticket.assignments ? { assignments: ticket.assignments.map((entry) => ({ at: entry.at, agentId: scrub(entry.agentId) ?? null })) } : {}),
    ...(ticket.oneTouch && isSuppressed(ticket.oneTouch.agentId) ? { oneTouch: null } : {}),
  };
}

/** Users-stream quarantine entries are keyed by the user id: a suppressed user's are dropped. */
export function withoutSuppressedQuarantine(entries: readonly StoredQuarantine[], isSuppressed: IsSuppressed): StoredQuarantine[] {
  return entries.filter((entry) => !(entry.stream === 'users' && /^\d+$/.test(entry.recordId) && isSuppressed(Number(entry.recordId))));
}
