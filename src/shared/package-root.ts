/** Where tally is installed: the directory of its package.json, from src/ or dist/src/ alike. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('tally: package.json not found above its modules');
    dir = up;
  }
  return dir;
}

let version: string | undefined;

/** The version in tally's package.json (backup manifests record it). */
export function tallyVersion(): string {
  const declared = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version;
  version ??= typeof declared === 'string' ? declared : 'unknown';
  return version;
}
