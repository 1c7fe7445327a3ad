/**
 * Before any test file: makes sure `dist/` (what the `tally` bin runs) is built from the
 * sources as they are now. Tests spawn `tally` from dist/ (test/helpers/tally-command.ts):
 * a process started from the build takes about half a second less than one through tsx,
 * and some files start dozens. A stale build would test old code, so any source newer
 * than the build, or without a built file, rebuilds it first (about 6 s); `npm test`
 * has just built it, so there it costs nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SOURCE_DIRS = ['src', 'jobs', 'schemas'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function builtOf(source: string): string {
  return join(ROOT, 'dist', relative(ROOT, source)).replace(/\.ts$/, '.js');
}

function isStale(): boolean {
  const files = SOURCE_DIRS.flatMap((dir) => sources(join(ROOT, dir)));
  let oldestBuilt = Infinity;
  let newestSource = 0;
  for (const source of files) {
    const built = builtOf(source);
    if (!existsSync(built)) return true;
    oldestBuilt = Math.min(oldestBuilt, statSync(built).mtimeMs);
    newestSource = Math.max(newestSource, statSync(source).mtimeMs);
  }
  return newestSource > oldestBuilt;
}

export default function setup(): void {
  if (!isStale()) return;
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
