/**
 * A ticket event of the time-based export as JSON text, byte for byte what
 * `JSON.stringify(renderTicketEvent(...))` gives. The export is the simulator's
 * bulk path: building the text directly skips a dozen short-lived objects per
 * event and the generic serialiser's walk over them (see the pinning test).
 * No closures inside: tsx names every per-call arrow function, which costs more
 * than the rendering.
 */
import type { SimTicket, SimUpdate, World } from './world.js';

const SYSTEM = '"system":{"client":"Mozilla/5.0","location":"Somewhere","latitude":0,"longitude":0}';
const METADATA = '"metadata":{"system":{},"custom":{}}';

export function ticketEventJson(update: SimUpdate, ticket: SimTicket, world: World, withComments: boolean): string {
  const via = JSON.stringify(update.via);
  const created = isoJson(update.at);
  // Field changes, numbered after the audit's id as renderTicketEvent numbers them.
  const changes: string[] = [];
  if (update.create) changes.push(`"subject":${JSON.stringify(ticket.subject)}`, `"requester_id":${ticket.requesterId}`, '"priority":"normal"');
  const status = update.status;
  if (status) {
    const previous = update.create ? '' : `,"previous_value":${status.from === null ? 'null' : JSON.stringify(status.from)}`;
    changes.push(`"status":${JSON.stringify(status.to)}${previous}`);
  }
  const assignee = update.assignee;
  if (assignee) changes.push(`"assignee_id":${nullableNumber(assignee.to)},"previous_value":${nullableNumber(assignee.from)}`);
  const group = update.group;
  if (group) changes.push(`"group_id":${nullableNumber(group.to)},"previous_value":${nullableNumber(group.from)}`);
  const brand = update.brand;
  if (brand) changes.push(`"brand_id":${nullableNumber(brand.to)},"previous_value":${nullableNumber(brand.from)}`);
  const spent = update.timeSpent;
  if (spent) {
    changes.push(
      `"custom_ticket_fields":{"${world.timeFields.total}":"${spent.total}"},"previous_value":${nullableText(spent.previousTotal)}`,
      `"custom_ticket_fields":{"${world.timeFields.last}":"${spent.last}"},"previous_value":${nullableText(spent.previousLast)}`,
    );
  }
  const tail = `,"via":${via},"via_reference_id":null,"event_type":"${update.create ? 'Create' : 'Change'}",`;
  let children = '';
  for (let index = 0; index < changes.length; index++) children += `{"id":${update.id * 10 + index}${tail}${changes[index]}},`;
  const comment = update.comment;
  if (comment && withComments) {
    const channel = update.via === 'Mail' ? 'email' : update.via === 'Rule' ? 'rule' : 'web';
    const body = JSON.stringify(comment.body);
    children +=
      `{"id":${comment.id},"event_type":"Comment","author_id":${comment.authorId},"public":${comment.public},` +
      `"body":${body},"html_body":${JSON.stringify(`<div class="zd-comment"><p>${comment.body}</p></div>`)},"plain_body":${body},` +
      `"attachments":[],"audit_id":${update.id},"created_at":${created},"via":{"channel":"${channel}","source":{"rel":null}}},`;
  }
  const notification = update.notification;
  if (notification) {
    children +=
      `{"id":${notification.id},"via":${via},"via_reference_id":null,"event_type":"Notification",` +
      `"subject":${JSON.stringify(notification.subject)},"body":${JSON.stringify(notification.body)},"recipients":[${ticket.requesterId}]},`;
  }
  const presence = withComments ? '' : comment ? `"comment_present":true,"comment_public":${comment.public},` : '"comment_present":false,';
  return (
    `{"id":${update.id},"ticket_id":${update.ticketId},"timestamp":${Math.floor(update.at / 1000)},"created_at":${created},` +
    `"updater_id":${update.actorId},"via":${via},${SYSTEM},${METADATA},"event_type":"Audit","merged_ticket_ids":[],` +
    `${presence}"child_events":[${children.slice(0, -1)}]}`
  );
}

function isoJson(ms: number): string {
  return `"${new Date(ms).toISOString().replace('.000Z', 'Z')}"`;
}

function nullableNumber(value: number | null): string {
  return value === null ? 'null' : String(value);
}

function nullableText(value: number | null): string {
  return value === null ? 'null' : `"${value}"`;
}
