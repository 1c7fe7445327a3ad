import { userInfo } from 'node:os';

/** Who the audit log names for a command run by hand: the operating-system user, never a Zendesk identity. */
export const cliActor = (): string => `cli:${userInfo().username}`;
