import { type FileHandle, open, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';

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
      // The file is created first, so a bad --out fails before anything is decrypted or audited.
      const file = flags.out === undefined ? undefined : await createNew(flags.out);
      try {
        const document = await withApp(({ useCases }) => useCases.exportAgent({ tenant: flags.tenant, email: flags.email, agent: flags.agent }), { decrypts: true });
        const text = `${JSON.stringify(document, null, 2)}\n`;
        if (!file) {
          process.stdout.write(text);
          return;
        }
        await file.writeFile(text);
      } catch (error) {
        if (file && flags.out !== undefined) {
          await file.close();
          await rm(flags.out, { force: true });
        }
        throw error;
      }
      await file.close();
      console.error(`wrote the export of one agent to ${flags.out}`);
    });
}

async function createNew(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
    throw new InputError('--out', `could not create --out ${path} (${code}): give a new file in a writable directory; an existing file is never overwritten`);
  }
}
