#!/usr/bin/env node
/** The `tally` command. Each subcommand validates its input and exits non-zero with the fix on bad input. */
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { exitCodeOf } from '../shared/error-codes.js';
import { AppError, InputError } from '../shared/errors.js';
import { registerApiKeysCommand } from './commands/api-keys.js';
import { registerUsersCommand } from './commands/users.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerServeCommand } from './commands/serve.js';
import { registerExportCommand } from './commands/export.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerMetricsCommand } from './commands/metrics.js';
import { registerPrivacyAdminCommands } from './commands/privacy-admin.js';
import { registerPurgeCommand } from './commands/purge.js';
import { registerSimulatorCommand } from './commands/simulator.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerTenantsCommand } from './commands/tenants.js';
import { registerWorkerCommands } from './commands/worker.js';
import { describeConfig } from './describe-config.js';
import { checkFlags } from './flag-checks.js';

const program = new Command()
  .name('tally')
  .description('One-way Zendesk agent metrics, stored encrypted in the tenant’s region.')
  .showHelpAfterError();

// Flags many commands share (--tenant, --id, --agent, --zendesk-email, ...) are checked
// for shape before any action runs, so each command refuses them alike (src/cli/flag-checks.ts).
program.hook('preAction', (_root, action) => {
  const values = action.opts<Record<string, unknown>>();
  const given = action.options.flatMap((option) => {
    const value = values[option.attributeName()];
    return option.long !== undefined && typeof value === 'string' ? [{ flag: option.long, value }] : [];
  });
  const names: string[] = [];
  for (let command: Command | null = action; command?.parent; command = command.parent) names.unshift(command.name());
  checkFlags(names.join(' '), given, new Date());
});

program
  .command('config')
  .description('configuration checks')
  .command('check')
  .description('validate the environment once, as every process does at start, and print it without secrets')
  .action(() => {
    console.log(JSON.stringify(describeConfig(loadConfig()), null, 2));
  });

registerTenantsCommand(program);
registerKeysCommand(program);
registerSimulatorCommand(program);
registerSyncCommand(program);
registerMetricsCommand(program);
registerPurgeCommand(program);
registerExportCommand(program);
registerAuditCommand(program);
registerPrivacyAdminCommands(program);
registerBackupCommand(program);
registerWorkerCommands(program);
registerApiKeysCommand(program);
registerUsersCommand(program);
registerServeCommand(program);

// A failed command exits with its error code's exit code (src/shared/error-codes.ts, docs/errors.md).
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof InputError && !error.message.includes(error.field)) {
    console.error(`tally: [${error.code}] ${error.field}: ${error.message}`);
    process.exit(exitCodeOf(error.code));
  }
  if (error instanceof AppError) {
    console.error(`tally: [${error.code}] ${error.message}`);
    process.exit(exitCodeOf(error.code));
  }
  throw error;
}
