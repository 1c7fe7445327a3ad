import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

export function registerApiKeysCommand(program: Command): void {
  const keys = program.command('api-keys').description("API keys of tally serve (docs/api.md#keys): one tenant and one role each; only a hash is stored, in the tenant's region");

  keys
    .command('create')
    .description('makes a key and prints it once: keep it in a secret store, it cannot be shown again')
    .option('--tenant <id>', 'tenant id')
    .option('--role <role>', 'viewer (metrics, status), privacy (also purges, exports, audit) or admin (everything)')
    .option('--label <text>', 'what the key is for, e.g. "BI export" (shown in lists and the log)')
    .option('--expires-days <n>', 'the key stops working after this many days (default: never)')
    .action(async (flags: { tenant?: string; role?: string; label?: string; expiresDays?: string }) => {
      const { key, token } = await withApp(({ useCases }) => useCases.apiKeys.create(flags));
      process.stderr.write(`key ${key.id} (${key.role}, "${key.label}") for tenant ${key.tenantId}${key.expiresAt ? `, expires ${key.expiresAt.toISOString()}` : ''}; shown once:\n`);
      process.stdout.write(`${token}\n`);
    });

  keys
    .command('list')
    .description('the tenant’s keys: id, role, label, created, last used, expiry, revoked (never the key)')
    .option('--tenant <id>', 'tenant id')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { tenant?: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
      const views = await withApp(({ useCases }) => useCases.apiKeys.list(flags.tenant));
      if (flags.format === 'json') {
        console.log(JSON.stringify(views, null, 2));
        return;
      }
      const day = (at: Date | null) => (at === null ? '-' : at.toISOString().slice(0, 16).replace('T', ' '));
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      const rows = views.map((v) => [v.id, v.role, v.label.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '), day(v.createdAt), day(v.lastUsedAt), day(v.expiresAt), day(v.revokedAt)]);
      console.log(rows.length === 0 ? 'no API keys' : formatTable(['ID', 'ROLE', 'LABEL', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED'], rows));
    });

  keys
    .command('revoke')
    .description('stops the key at once, in every tally serve process')
    .option('--tenant <id>', 'tenant id')
    .option('--id <keyId>', 'the key id (tally api-keys list)')
    .action(async (flags: { tenant?: string; id?: string }) => {
      const view = await withApp(({ useCases }) => useCases.apiKeys.revoke(flags.tenant, flags.id));
      console.log(`revoked key ${view.id} of tenant ${view.tenantId}`);
    });
}
