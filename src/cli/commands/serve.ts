import type { Command } from 'commander';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (docs/api.md) on TALLY_HTTP_HOST:TALLY_HTTP_PORT until SIGTERM; HTTPS with TALLY_HTTP_TLS_CERT and TALLY_HTTP_TLS_KEY')
    .action(async () => {
      // Loaded only for this command: Fastify and its plugins are not every command's start-up cost.
      const { serveHttp } = await import('../../app/http-root.js');
      await serveHttp();
    });
}
