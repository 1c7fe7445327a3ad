/**
 * The CLI's composition root: one per `tally` command run. Reads the configuration,
 * builds the adapters once (src/app/adapters.ts), binds the use cases to them
 * (src/app/use-cases.ts), runs the command, and always closes what it opened.
 */
import { type Config, loadConfig } from '../config/load-config.js';
import { type Adapters, createAdapters } from './adapters.js';
import { createUseCases, type UseCases } from './use-cases.js';

export interface CliRoot {
  readonly config: Config;
  readonly adapters: Adapters;
  readonly useCases: UseCases;
}

export interface CliRootOptions {
  /** Who the audit log names (src/cli/cli-actor.ts for a person at the terminal). */
  readonly actor: string;
  /** Default: the environment, read once (src/config/load-config.ts). */
  readonly config?: Config;
  /** The command decrypts names or emails (src/app/adapters.ts AdapterOptions.decrypts). */
  readonly decrypts?: boolean;
}

export async function withCliRoot<T>(options: CliRootOptions, use: (root: CliRoot) => Promise<T>): Promise<T> {
  const config = options.config ?? loadConfig();
  const adapters = await createAdapters(config, { decrypts: options.decrypts === true });
  try {
    return await use({ config, adapters, useCases: createUseCases({ ...adapters, syncDatabase: (region) => adapters.router.region(region) }, { actor: options.actor }) });
  } finally {
    await adapters.close();
  }
}
