/** Every stream the sync knows, each in its own module (docs/architecture.md#streams). */
import type { Stream } from '../../../schemas/records.js';
import { brandsStream, groupsStream } from './dimensions.js';
import { satisfactionRatingsStream } from './satisfaction-ratings.js';
import type { StreamSpec } from './stream-spec.js';
import { ticketEventsStream } from './ticket-events.js';
import { ticketMetricEventsStream } from './ticket-metric-events.js';
import { ticketsStream } from './tickets.js';
import { usersStream } from './users.js';

export type { StoredPage, StreamContext, StreamSpec } from './stream-spec.js';

export const STREAMS: Readonly<Record<Stream, StreamSpec>> = {
  users: usersStream,
  groups: groupsStream,
  brands: brandsStream,
  tickets: ticketsStream,
  ticket_events: ticketEventsStream,
  ticket_metric_events: ticketMetricEventsStream,
  satisfaction_ratings: satisfactionRatingsStream,
};

export function streamSpec(stream: Stream): StreamSpec {
  return STREAMS[stream];
}
