import { ZendeskUserSchema } from '../../schemas/zendesk.js';
import type { ZendeskClient } from '../zendesk/zendesk-client.js';

const SHOW_MANY_LIMIT = 100;

/**
 * Which Zendesk user ids are staff (agents and admins). Starts from the stored
 * agents and asks Zendesk (users/show_many) about ids it has not seen, so facts
 * are never credited to end users and never lost for a new agent. What it learns
 * about end users stays in memory for this sync only.
 */
export class StaffDirectory {
  private readonly roles = new Map<number, boolean>();

  constructor(
    private readonly client: ZendeskClient,
    storedStaffIds: Iterable<number>,
  ) {
    for (const id of storedStaffIds) this.roles.set(id, true);
  }

  readonly isStaff = (userId: number): boolean => this.roles.get(userId) === true;

  markStaff(userId: number, staff: boolean): void {
    this.roles.set(userId, staff);
  }

  /** Looks up the ids not known yet; ids Zendesk does not return count as not staff. */
  async resolve(userIds: Iterable<number>): Promise<void> {
    const unknown = [...new Set(userIds)].filter((id) => id > 0 && !this.roles.has(id));
    for (let start = 0; start < unknown.length; start += SHOW_MANY_LIMIT) {
      const batch = unknown.slice(start, start + SHOW_MANY_LIMIT);
      const body = (await this.client.get(this.client.url('users/show_many', { ids: batch.join(',') }))) as { users?: unknown };
      for (const id of batch) this.roles.set(id, false);
      for (const raw of Array.isArray(body.users) ? body.users : []) {
        const user = ZendeskUserSchema.safeParse(raw);
        if (user.success) this.roles.set(user.data.id, user.data.role === 'agent' || user.data.role === 'admin');
      }
    }
  }
}
