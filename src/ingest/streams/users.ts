/** The users stream: agents and admins, sealed, with their email's blind index (docs/architecture.md#streams). */
import type { StoredAgent } from '../../../schemas/records.js';
import { storedIds } from '../../../schemas/records.js';
import { type ZendeskUser, ZendeskUserSchema } from '../../../schemas/zendesk.js';
import type { TenantKeyring } from '../../crypto/tenant-keyring.js';
import { cursorExportOf, type StreamSpec } from './stream-spec.js';

export const usersStream: StreamSpec<ZendeskUser> = {
  name: 'users',
  dependsOn: [],
  schema: () => ZendeskUserSchema,
  pages: cursorExportOf('users'),
  async store(context, valid) {
    const { tenant, guard, staff, keyring } = context;
    const toSeal: ZendeskUser[] = [];
    for (const user of valid) {
      if (guard.isSuppressed(user.id)) continue;
      // A user without an email has no blind index, so no email suppression can name them.
      const emailIndex = await keyring.agentEmailIndex(tenant._id, user.email);
      const suppressedBy = emailIndex === undefined ? undefined : guard.emailSuppressedBy(emailIndex);
      if (suppressedBy !== undefined) {
        await guard.learnUser(user.id, suppressedBy);
        continue;
      }
      const isStaff = user.role === 'agent' || user.role === 'admin';
      staff.markStaff(user.id, isStaff);
      if (isStaff) toSeal.push(user);
    }
    // Only agents that passed the suppression checks get a data key.
    await keyring.prepareAgentKeys(tenant._id, toSeal.map((user) => user.id));
    const agents: StoredAgent[] = [];
    for (const user of toSeal) agents.push(await sealAgent(keyring, tenant._id, user));
    const written = await context.database.agents.upsertMany(agents);
    return { stored: written.written };
  },
};

async function sealAgent(keyring: TenantKeyring, tenantId: string, user: ZendeskUser): Promise<StoredAgent> {
  const email = user.email ?? '';
  const name = await keyring.sealAgentField(tenantId, user.id, 'name', user.name);
  const sealedEmail = await keyring.sealAgentField(tenantId, user.id, 'email', email);
  const emailIndex = await keyring.agentEmailIndex(tenantId, user.email);
  return {
    _id: storedIds.agent(tenantId, user.id),
    tenantId,
    zendeskUserId: user.id,
    name: name.blob,
    email: sealedEmail.blob,
    ...(emailIndex === undefined ? {} : { emailIndex }),
    role: user.role === 'admin' ? 'admin' : 'agent',
    active: user.active,
    suspended: user.suspended ?? false,
    updatedAt: new Date(user.updated_at),
    keyId: name.keyId,
  };
}
