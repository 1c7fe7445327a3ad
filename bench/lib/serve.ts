/** `tally serve` from dist/ (run `npm run build` first) on a free port, for the HTTP and dashboard benchmarks. */
import { type ChildProcess, spawn } from 'node:child_process';

export function startServe(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/src/cli/main.js', 'serve'], { env: { ...process.env, ...env, TALLY_HTTP_PORT: '0', TALLY_LOG_LEVEL: 'warn' } });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/[^ ]+) /.exec(output);
      if (match) resolve({ child, url: match[1] as string });
    });
    child.once('exit', (code) => reject(new Error(`tally serve exited ${String(code)}: ${output}`)));
  });
}
