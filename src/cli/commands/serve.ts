import type { Command } from 'commander';
import { serveHttp } from '../../app/http-root.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (docs/api.md) on TALLY_HTTP_HOST:TALLY_HTTP_PORT until SIGTERM; HTTPS with TALLY_HTTP_TLS_CERT and TALLY_HTTP_TLS_KEY')
    .action(async () => {
      await serveHttp();
    });
}
