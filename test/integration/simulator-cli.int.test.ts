// `tally simulator` as an operator runs it: a process that prints its accounts and stops on SIGTERM.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { tallyArgs } from '../helpers/tally-command.js';

const cli = (args: string[]) => spawn(process.execPath, tallyArgs('simulator', ...args));
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

describe('tally simulator', () => {
  it('prints each account root URL, email and token, serves them, and exits 0 on SIGTERM', async () => {
    child = cli(['--port', '0', '--account', 'acme', '--account', 'globex', '--agents', '5', '--days', '2', '--tickets-per-day', '20']);
    const accounts: { account: string; url: string; email: string; token: string }[] = [];
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line.startsWith('{')) accounts.push(JSON.parse(line) as (typeof accounts)[number]);
        if (accounts.length === 2) resolve();
      });
    });
    expect(accounts.map((a) => a.account)).toEqual(['acme', 'globex']);
    expect(accounts[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acme$/);
    const [acme] = accounts;
    const response = await fetch(`${acme?.url}/api/v2/users/me.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${acme?.email}/token:${acme?.token}`).toString('base64')}` },
    });
    expect(response.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses bad flags with a message naming the flag', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, tallyArgs('simulator', ...args), { encoding: 'utf8' });
    const badAccount = run(['--account', 'Acme Corp']);
    expect(badAccount.status).not.toBe(0);
    expect(badAccount.stderr).toContain('--account must be a Zendesk subdomain');
    expect(run(['--agents', '3']).stderr).toContain('--agents must be a whole number of at least 4');
    const badFaults = run(['--faults', '2']);
    expect(badFaults.stderr).toContain('--faults must be between 0 and 1');
    const badKind = run(['--faults', '0.1', '--fault-kinds', 'server_error,gremlins']);
    expect(badKind.stderr).toContain('unknown fault kinds gremlins');
  });
});
