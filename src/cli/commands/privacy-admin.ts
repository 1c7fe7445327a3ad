import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';



/** `tenants remove`, `tenants retention` (added to the tenants command) and `retention run`. */
export function registerPrivacyAdminCommands(program: Command): void {
  const tenants = program.commands.find((command) => command.name() === 'tenants') ?? program.command('tenants');

  tenants
    .command('remove')
    .description('offboard a tenant: every document in its region, its schedulers and queued jobs, and finally its key; prints the receipt')
    .option('--id <id>', 'tenant id')
    .option('--confirm <id>', 'the tenant id again: this cannot be undone')
    .action(async (flags: { id?: string; confirm?: string }) => {
      const receipt = await withApp(({ useCases }) => useCases.tenants.remove({ id: flags.id, confirm: flags.confirm }));
      console.log(JSON.stringify(receipt, null, 2));
      if (Object.values(receipt.remaining).some((count) => count > 0)) process.exitCode = 4;
    });

  tenants
    .command('retention')
    .description("set a tenant's retention: facts (default 400 days) and daily buckets (default 760 days), 30 to 3650 days")
    .option('--id <id>', 'tenant id')
    .option('--fact-days <days>', 'days facts are kept')
    .option('--bucket-days <days>', 'days daily buckets are kept (at least the fact days)')
    .action(async (flags: { id?: string; factDays?: string; bucketDays?: string }) => {
      if (flags.factDays === undefined && flags.bucketDays === undefined) {
        throw new InputError('--fact-days', 'give --fact-days, --bucket-days or both');
      }
      const retention = await withApp(({ useCases }) => useCases.tenants.retention({ id: flags.id, factDays: flags.factDays, bucketDays: flags.bucketDays }));
      console.log(JSON.stringify({ tenant: flags.id, retention }, null, 2));
    });

  program
    .command('retention')
    .description('retention (the worker runs it daily per region)')
    .command('run')
    .description("delete expired facts and buckets of every tenant of a region now; counts go to each tenant's audit log")
    .option('--region <region>', 'the region (default: every configured region)')
    .action(async (flags: { region?: string }) => {
      const results = await withApp(({ useCases }) => useCases.retention.run(flags.region));
      console.log(JSON.stringify(results, null, 2));
    });
}
