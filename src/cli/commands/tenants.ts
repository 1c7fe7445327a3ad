import { type Command, Option } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';

interface AddFlags {
  id?: string;
  region?: string;
  timeZone?: string;
  zendeskUrl?: string;
  subdomain?: string;
  zendeskEmail?: string;
  zendeskToken?: string;
  syncStart?: string;
  timeTrackingTotalField?: string;
  timeTrackingLastField?: string;
  verify: boolean;
}

const wholeNumber = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(flag, `${flag} must be a Zendesk ticket field id (a whole number)`);
  return Number(value);
};

export function registerTenantsCommand(program: Command): void {
  const tenants = program.command('tenants').description('tenants: Zendesk accounts, each pinned to one region');

  tenants
    .command('add')
    .description('add a tenant; checks every field and the Zendesk credentials before writing anything')
    .option('--id <id>', 'tenant id: lower-case letters, digits, dashes')
    .option('--region <region>', 'storage region, fixed for the life of the tenant')
    .option('--time-zone <zone>', 'IANA time zone that days are counted in, e.g. Europe/Berlin')
    .option('--zendesk-url <url>', 'account root without /api/v2, e.g. https://acme.zendesk.com')
    .option('--subdomain <name>', 'instead of --zendesk-url: https://NAME.zendesk.com')
    .option('--zendesk-email <email>', "an admin's email")
    .option('--zendesk-token <token>', 'a Zendesk API token')
    .option('--sync-start <date>', 'first day to import, YYYY-MM-DD (default: 90 days ago)')
    .option('--time-tracking-total-field <id>', 'id of the "Total time spent (sec)" field (default: found by title)')
    .option('--time-tracking-last-field <id>', 'id of the "Time spent last update (sec)" field')
    .addOption(new Option('--no-verify', 'skip the credentials check against Zendesk'))
    .action(async (flags: AddFlags) => {
      const raw: Record<string, unknown> = {
        id: flags.id,
        region: flags.region,
        timeZone: flags.timeZone,
        zendeskUrl: flags.zendeskUrl,
        subdomain: flags.subdomain,
        zendeskEmail: flags.zendeskEmail,
        zendeskToken: flags.zendeskToken,
        syncStart: flags.syncStart,
        timeTrackingTotalField: wholeNumber('--time-tracking-total-field', flags.timeTrackingTotalField),
        timeTrackingLastField: wholeNumber('--time-tracking-last-field', flags.timeTrackingLastField),
        verify: flags.verify,
      };
      for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
      const view = await withApp(({ useCases }) => useCases.tenants.add(raw));
      console.log(JSON.stringify(view, null, 2));
    });

  tenants
    .command('credentials')
    .description("replace a tenant's Zendesk credentials (checked first); a tenant stopped by a 401 resumes")
    .option('--id <id>', 'tenant id')
    .option('--zendesk-email <email>', "an admin's email")
    .option('--zendesk-token <token>', 'a Zendesk API token')
    .addOption(new Option('--no-verify', 'skip the credentials check against Zendesk'))
    .action(async (flags: { id?: string; zendeskEmail?: string; zendeskToken?: string; verify: boolean }) => {
      const view = await withApp(({ useCases }) =>
        useCases.tenants.credentials({ id: flags.id, zendeskEmail: flags.zendeskEmail, zendeskToken: flags.zendeskToken, verify: flags.verify }),
      );
      console.log(JSON.stringify(view, null, 2));
    });

  tenants
    .command('list')
    .description('every tenant of every configured region, without secrets')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { format: string }) => {
      const views = await withApp(({ useCases }) => useCases.tenants.list());
      if (flags.format === 'json') {
        console.log(JSON.stringify(views, null, 2));
        return;
      }
      if (flags.format !== 'table') throw new InputError('--format', '--format must be table or json');
      const rows = views.map((v) => [v.id, v.region, v.status, v.timeZone, v.unavailableStreams.join(',') || '-', v.zendeskUrl]);
      printTable(['TENANT', 'REGION', 'STATUS', 'TIME ZONE', 'UNAVAILABLE', 'ZENDESK'], rows);
    });

  tenants
    .command('show')
    .description('one tenant, without secrets')
    .option('--id <id>', 'tenant id')
    .action(async (flags: { id?: string }) => {
      if (!flags.id) throw new InputError('--id', '--id is required: the tenant to show');
      const id = flags.id;
      const view = await withApp(({ useCases }) => useCases.tenants.show(id));
      console.log(JSON.stringify(view, null, 2));
    });
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (rows.length === 0) console.log('(no tenants)');
}
