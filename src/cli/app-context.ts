/**
 * What a CLI command runs in: the CLI's composition root (src/app/cli-root.ts),
 * built once per command, with this user as the audit actor.
 */
import { type CliRoot, withCliRoot } from '../app/cli-root.js';
import { cliActor } from './cli-actor.js';

export type { CliRoot } from '../app/cli-root.js';

/** Builds the adapters and use cases, runs `use`, and always closes what it opened. */
export function withApp<T>(use: (root: CliRoot) => Promise<T>, options: { readonly decrypts?: boolean } = {}): Promise<T> {
  return withCliRoot({ actor: cliActor(), ...options }, use);
}
