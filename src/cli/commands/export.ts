import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { exportAgent } from '../../privacy/export-agent.js';
import { InputError } from '../../shared/errors.js';
import { withAppContext } from '../app-context.js';

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('access request: everything stored about one agent as JSON (name and email decrypted; the export is audited)')
    .option('--tenant <id>', 'tenant id')
    .option('--email <email>', "the agent's email")
    .option('--agent <id>', "the agent's Zendesk user id")
    .option('--out <file>', 'write to this new file (readable by its owner only) instead of standard output')
    .action(async (flags: { tenant?: string; email?: string; agent?: string; out?: string }) => {
      if (flags.out !== undefined && flags.out.trim() === '') throw new InputError('--out', '--out must name a file');
      const document = await withAppContext((context) =>
        exportAgent(
          { router: context.router, keyring: context.keyring, now: () => new Date(), actor: `cli:${userInfo().username}` },
          { tenant: flags.tenant, email: flags.email, agent: flags.agent },
        ),
      );
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        await writeFile(flags.out, text, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
        throw new InputError('--out', `could not create --out ${flags.out} (${code}): give a new file in a writable directory; an existing file is never overwritten`);
      }
      console.error(`wrote the export of one agent to ${flags.out}`);
    });
}
