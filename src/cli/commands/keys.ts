import type { Command } from 'commander';
import { withApp } from '../app-context.js';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('key management');
  keys
    .command('rewrap')
    .description("rewrap every tenant key of a region with the region KMS key's primary version (after a rotation)")
    .option('--region <region>', 'the region')
    .action(async (flags: { region?: string }) => {
      const region = flags.region;
      const result = await withApp(({ useCases }) => useCases.keys.rewrap(region));
      console.log(JSON.stringify({ region, ...result }));
    });
}
