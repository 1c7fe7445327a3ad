// A process supervisor stops `npm run tally -- worker` by signalling the npm process
// itself. The signal must reach tally, which stops cleanly: no worker left running,
// orphaned, holding its metrics port and its jobs.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/local-services.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run tally passes signals through', { timeout: 90_000 }, () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to the npm process stops the worker, which exits 0 and frees its port', async (signal) => {
    const port = await freePort();
    const npm = spawn('npm', ['run', '--silent', 'tally', '--', 'worker'], {
      env: { ...process.env, TALLY_METRICS_PORT: String(port), TALLY_QUEUE_PREFIX: uniqueName('signals').slice(0, 40), TALLY_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on('exit', (code, sig) => resolve({ code, signal: sig })));

    let workerPid = 0;
    try {
      const deadline = Date.now() + 60_000;
      while (!/"msg":"worker started"/.test(output) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output, output).toMatch(/"msg":"worker started"/);
      workerPid = Number(/"pid":(\d+)/.exec(output)?.[1]);
      expect(workerPid).not.toBe(npm.pid);
      expect(await answers(port)).toBe(true);

      npm.kill(signal);
      const { code } = await exited;
      for (let waited = 0; alive(workerPid) && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(alive(workerPid), 'the worker process is still running').toBe(false);
      expect(output).toMatch(/"msg":"stopped"/);
      expect(code, output).toBe(0);
      expect(await answers(port)).toBe(false);
    } finally {
      // A failed run leaves nothing behind.
      if (workerPid > 0 && alive(workerPid)) process.kill(workerPid, 'SIGKILL');
      if (npm.exitCode === null) npm.kill('SIGKILL');
    }
  });
});
