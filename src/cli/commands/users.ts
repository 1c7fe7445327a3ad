import type { Command } from 'commander';
import type { PersonView } from '../../access/people.js';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

/** `tally users`: the dashboard's people of a tenant (docs/dashboard.md#people). */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description("people who sign in to the dashboard (docs/dashboard.md#people): email, password and TOTP; stored sealed in the tenant's region");

  const printLink = (what: string, result: { person: PersonView; link: string; expiresAt: Date }) => {
    process.stderr.write(`${what} ${result.person.id} (${result.person.role}) of tenant ${result.person.tenantId}; setup link, single use, valid until ${result.expiresAt.toISOString()}:\n`);
    process.stdout.write(`${result.link}\n`);
  };

  users
    .command('add')
    .description('invites a person and prints their one-time setup link (24 h): send it to them only')
    .option('--tenant <id>', 'tenant id')
    .option('--email <email>', "the person's email (they sign in with it)")
    .option('--role <role>', 'viewer (agents, sync), privacy (also purges, exports, audit) or admin (also people)')
    .action(async (flags: { tenant?: string; email?: string; role?: string }) => {
      printLink('invited person', await withApp(({ useCases }) => useCases.people.add(flags)));
    });

  users
    .command('list')
    .description("the tenant's people: id, email, role, state, lock, recovery codes left")
    .option('--tenant <id>', 'tenant id')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { tenant?: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
      const people = await withApp(({ useCases }) => useCases.people.list(flags.tenant));
      if (flags.format === 'json') {
        console.log(JSON.stringify(people, null, 2));
        return;
      }
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
      const rows = people.map((p) => [p.id, clean(p.email), p.role, p.state, p.lockedUntil ? p.lockedUntil.toISOString().slice(0, 16).replace('T', ' ') : '-', String(p.recoveryCodesLeft)]);
      console.log(rows.length === 0 ? 'no people' : formatTable(['ID', 'EMAIL', 'ROLE', 'STATE', 'LOCKED UNTIL', 'RECOVERY CODES'], rows));
    });

  users
    .command('disable')
    .description('the person can no longer sign in; their sessions end at once')
    .option('--tenant <id>', 'tenant id')
    .option('--id <personId>', 'the person id (tally users list)')
    .action(async (flags: { tenant?: string; id?: string }) => {
      const person = await withApp(({ useCases }) => useCases.people.disable(flags.tenant, flags.id));
      console.log(`disabled person ${person.id} of tenant ${person.tenantId}`);
    });

  users
    .command('reset')
    .description('a lost password or phone: drops password, TOTP and recovery codes, ends sessions, prints a new setup link')
    .option('--tenant <id>', 'tenant id')
    .option('--id <personId>', 'the person id (tally users list)')
    .action(async (flags: { tenant?: string; id?: string }) => {
      printLink('reset person', await withApp(({ useCases }) => useCases.people.reset(flags.tenant, flags.id)));
    });

  users
    .command('role')
    .description("changes the person's role; their sessions end so it applies at once")
    .option('--tenant <id>', 'tenant id')
    .option('--id <personId>', 'the person id (tally users list)')
    .option('--role <role>', 'viewer, privacy or admin')
    .action(async (flags: { tenant?: string; id?: string; role?: string }) => {
      const person = await withApp(({ useCases }) => useCases.people.setRole(flags.tenant, flags.id, flags.role));
      console.log(`person ${person.id} of tenant ${person.tenantId} is now ${person.role}`);
    });
}
