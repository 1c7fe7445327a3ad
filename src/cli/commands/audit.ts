import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description("a tenant's append-only audit log, chained by MACs under the tenant key, its head kept in the region's bucket (never personal data)");

  audit
    .command('verify')
    .description('check every link and MAC of the chain and the log against its head object; exits 5 if an entry was changed, removed, reordered, added by hand or cut off the end')
    .option('--tenant <id>', 'tenant id')
    .action(async (flags: { tenant?: string }) => {
      const check = await withApp(({ useCases }) => useCases.audit.verify(flags.tenant));
      console.log(JSON.stringify({ tenant: flags.tenant, ...check }, null, 2));
      if (!check.ok) process.exitCode = 5;
    });

  audit
    .command('list')
    .description('entries in chain order: time, actor, action, details (counts and request ids)')
    .option('--tenant <id>', 'tenant id')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { tenant?: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
      const entries = await withApp(({ useCases }) => useCases.audit.entries(flags.tenant));
      const views = entries.map(({ seq, at, actor, action, details, hash }) => ({ seq, at: at.toISOString(), actor, action, details, hash }));
      if (flags.format === 'json') {
        console.log(JSON.stringify(views, null, 2));
        return;
      }
      const rows = views.map((v) => [String(v.seq), v.at, v.actor, v.action, Object.entries(v.details).map(([key, value]) => `${key}=${String(value)}`).join(' ')]);
      console.log(rows.length === 0 ? 'no audit entries' : formatTable(['SEQ', 'AT', 'ACTOR', 'ACTION', 'DETAILS'], rows));
    });
}
