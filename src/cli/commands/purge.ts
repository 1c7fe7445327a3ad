import type { Command } from 'commander';
import { purgeReceipt } from '../../privacy/plan-purge.js';
import { AppError, InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

interface PurgeFlags {
  tenant?: string;
  email?: string;
  agent?: string;
  reason?: string;
  wait?: boolean;
  list?: boolean;
  format: string;
  timeout: string;
}

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description("erase one agent (by email or Zendesk user id): files the request, runs it as a job in the tenant's region, and suppresses the agent in later syncs")
    .option('--tenant <id>', 'tenant id')
    .option('--email <email>', "the agent's email (stored only as its blind index)")
    .option('--agent <id>', "the agent's Zendesk user id")
    .option('--reason <text>', 'why, for the request record: sealed, shown only by --list while the request is pending, erased when it is done')
    .option('--wait', 'run the job in this process until it is done and print the receipt as JSON')
    .option('--list', "list the tenant's purge requests and their states")
    .option('--format <format>', 'for --list: table or json', 'table')
    .option('--timeout <seconds>', 'for --wait: give up after this long', '600')
    .action(async (flags: PurgeFlags) => {
      if (flags.list) {
        if (flags.email !== undefined || flags.agent !== undefined || flags.wait) {
          throw new InputError('--list', '--list takes only --tenant (and --format): drop --email, --agent and --wait');
        }
        if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
        // Pending: filed and not done yet, whether its job is queued, running or waiting for Redis.
        // The reason is opened only here, for privacy staff; a done request no longer has one.
        const receipts = await withApp(({ useCases }) => useCases.purge.list(flags.tenant));
        if (flags.format === 'json') {
          console.log(JSON.stringify(receipts, null, 2));
          return;
        }
        const rows = receipts.map((r) => [
          r.requestId,
          r.pending ? `pending (${r.state})` : r.state,
          r.requestedAt,
          r.completedAt ?? '-',
          r.found === null ? '-' : String(r.found),
          r.verification ? String(r.verification.ok) : '-',
          r.reason === null ? '-' : shortened(r.reason),
        ]);
        console.log(rows.length === 0 ? 'no purge requests' : formatTable(['REQUEST', 'STATE', 'REQUESTED', 'COMPLETED', 'FOUND', 'VERIFIED', 'REASON'], rows));
        return;
      }
      const timeoutS = Number(flags.timeout);
      if (!Number.isInteger(timeoutS) || timeoutS < 1) throw new InputError('--timeout', '--timeout must be a whole number of seconds, at least 1');
      const receipt = await withApp(async ({ useCases: { purge } }) => {
        const request = await purge.request({ tenant: flags.tenant, email: flags.email, agent: flags.agent, reason: flags.reason });
        await purge.enqueue(request);
        if (!flags.wait) return purgeReceipt(request);
        try {
          await purge.runUntilDone(request, timeoutS * 1000);
        } catch (error) {
          const stored = await purge.find(request);
          const state = stored?.state ?? 'unknown';
          throw new AppError('PURGE_INCOMPLETE', `purge request ${request._id} stopped at state ${state}; its job retries, or see tally purge --list --tenant ${request.tenantId}`, { cause: error });
        }
        const done = await purge.find(request);
        if (!done) throw new AppError('PURGE_UNKNOWN', `purge request ${request._id} disappeared`);
        return purgeReceipt(done);
      });
      console.log(JSON.stringify(receipt, null, 2));
      if (flags.wait && receipt.verification?.ok !== true) process.exitCode = 4;
    });
}

/** A table cell of free text: one line, at most 60 characters. */
function shortened(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 60 ? line : `${line.slice(0, 59)}…`;
}
