import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withAppContext } from '../app-context.js';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('key management');
  keys
    .command('rewrap')
    .description("rewrap every tenant key of a region with the region KMS key's primary version (after a rotation)")
    .option('--region <region>', 'the region')
    .action(async (flags: { region?: string }) => {
      const region = flags.region;
      const result = await withAppContext(async (context) => {
        if (!region || !context.router.regionIds.includes(region)) {
          throw new InputError('--region', `--region must be one of ${context.router.regionIds.join(', ')}`);
        }
        return context.keyring(region).rewrapTenantKeys();
      });
      console.log(JSON.stringify({ region, ...result }));
    });
}
