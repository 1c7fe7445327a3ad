import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stderr (stdout stays for command output). Log ids and codes, never
 * names, emails, tokens or messages from Zendesk; `redact` is only a safety net.
 */
export function createLogger(level: string, name = 'tally'): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: ['*.email', '*.name', '*.token', '*.password', '*.authorization', 'email', 'token', 'authorization'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
