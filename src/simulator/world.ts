/**
 * The simulator's own model of what happened in a Zendesk account. The API views
 * (render-*.ts) and the ground truth (ground-truth.ts) are both derived from it,
 * independently: ground truth never looks at API output.
 * Times are Unix milliseconds, always whole seconds (Zendesk's resolution).
 */

export type Role = 'end-user' | 'agent' | 'admin';
export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export type RatingScore = 'offered' | 'unoffered' | 'good' | 'bad';
export type MetricName =
  | 'agent_work_time'
  | 'pausable_update_time'
  | 'periodic_update_time'
  | 'reply_time'
  | 'requester_wait_time'
  | 'resolution_time'
  | 'group_ownership_time';
export type MetricEventType =
  | 'activate'
  | 'pause'
  | 'fulfill'
  | 'apply_sla'
  | 'apply_group_sla'
  | 'breach'
  | 'update_status'
  | 'measure';

/** The id Zendesk uses for updates made by triggers and automations. */
export const SYSTEM_USER_ID = -1;

/** Every piece of customer data the simulator makes contains this, so tests can prove none is stored. */
export const CANARY = 'ZZCANARY';

export interface SimUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: Role;
  active: boolean;
  suspended: boolean;
  readonly createdAt: number;
  updatedAt: number;
  readonly ianaTimeZone: string;
}

export interface SimComment {
  readonly id: number;
  readonly authorId: number;
  readonly public: boolean;
  readonly body: string;
}

/** One ticket update (an audit): who acted, when, and what changed. */
export interface SimUpdate {
  readonly id: number;
  readonly ticketId: number;
  readonly at: number;
  /** A user id, or SYSTEM_USER_ID for triggers and automations. */
  readonly actorId: number;
  readonly via: string;
  readonly create: boolean;
  readonly status?: { readonly from: TicketStatus | null; readonly to: TicketStatus };
  readonly assignee?: { readonly from: number | null; readonly to: number | null };
  readonly group?: { readonly from: number | null; readonly to: number | null };
  readonly brand?: { readonly from: number | null; readonly to: number | null };
  /** The Time Tracking fields after and before this update, in seconds (null: never set). */
  readonly timeSpent?: {
    readonly previousTotal: number | null;
    readonly total: number;
    readonly previousLast: number | null;
    readonly last: number;
  };
  readonly comment?: SimComment;
  /** Present on system updates that send a notification (its text is customer data). */
  readonly notification?: { readonly id: number; readonly subject: string; readonly body: string };
}

export interface SimTicket {
  readonly id: number;
  readonly createdAt: number;
  readonly requesterId: number;
  readonly subject: string;
  readonly updates: SimUpdate[];
  status: TicketStatus;
  assigneeId: number | null;
  groupId: number | null;
  brandId: number | null;
  totalTimeSpent: number | null;
  lastTimeSpent: number | null;
  /** Set when the ticket was deleted (it then exports as status "deleted"). */
  deletedAt: number | null;
  /** Last time anything about the ticket changed: its place in the tickets cursor export. */
  generatedAt: number;
  updatedAt: number;
}

export interface SimMetricEvent {
  readonly id: number;
  readonly ticketId: number;
  readonly instanceId: number;
  readonly metric: MetricName;
  readonly type: MetricEventType;
  readonly time: number;
  readonly status?: { readonly calendar: number; readonly business: number };
  readonly sla?: { readonly target: number; readonly businessHours: boolean; readonly policyId: number };
  /** Zendesk marks events it withdrew; consumers must ignore them. */
  readonly deleted?: boolean;
}

export interface SimRating {
  readonly id: number;
  readonly ticketId: number;
  readonly assigneeId: number;
  readonly groupId: number | null;
  readonly requesterId: number;
  score: RatingScore;
  comment: string;
  reason: string;
  readonly createdAt: number;
  updatedAt: number;
}

export interface TicketField {
  readonly id: number;
  readonly title: string;
  readonly type: string;
}

/** A group or a brand: its name is customer data (it carries the canary). */
export interface SimDimension {
  readonly id: number;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface World {
  readonly account: string;
  readonly users: SimUser[];
  readonly groups: readonly SimDimension[];
  readonly brands: readonly SimDimension[];
  readonly tickets: SimTicket[];
  /** Every ticket update, in (at, id) order: the simulation appends them as time runs. */
  readonly updates: SimUpdate[];
  /** In (time, id) order, like updates. */
  readonly metricEvents: SimMetricEvent[];
  /** In (createdAt, id) order; re-ratings of the same id change a record in place. */
  readonly ratings: SimRating[];
  readonly ticketFields: readonly TicketField[];
  /** Ids of the two Time Tracking fields. */
  readonly timeFields: { readonly total: number; readonly last: number };
  /** The admin whose email and API token authenticate requests. */
  readonly credentialUserId: number;
}

export const TOTAL_TIME_FIELD_TITLE = 'Total time spent (sec)';
export const LAST_TIME_FIELD_TITLE = 'Time spent last update (sec)';

export const isStaff = (user: SimUser | undefined): boolean => user?.role === 'agent' || user?.role === 'admin';
