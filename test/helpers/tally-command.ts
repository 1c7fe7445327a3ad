/**
 * How tests start the `tally` command: the built entry point, as the package's bin runs
 * it (test/global-setup.ts keeps dist/ fresh). `npm run tally` (tsx) is tested on its
 * own in test/integration/npm-signals.int.test.ts.
 */
export const TALLY_ENTRY = 'dist/src/cli/main.js';

/** The arguments to `node` for `tally <args>`. */
export function tallyArgs(...args: string[]): string[] {
  return [TALLY_ENTRY, ...args];
}
