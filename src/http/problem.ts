/**
 * Errors as `application/problem+json` (RFC 9457, docs/api.md#errors): a stable `code` from
 * the error registry (src/shared/error-codes.ts), a `status`, a `title`, and a `detail`
 * that names the parameter and the fix. A 5xx says nothing about internals: its detail is
 * the registry's advice, and the error itself goes to the log by code only. Pure.
 */
import { AppError, InputError } from '../shared/errors.js';
import { ERROR_CODES, type ErrorCode, httpStatusOf } from '../shared/error-codes.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  /** The parameter at fault, when one is. */
  parameter?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

export function problemOf(code: ErrorCode, detail: string, parameter?: string): Problem {
  const status = httpStatusOf(code);
  return {
    type: `https://tally.invalid/docs/errors#${code.toLowerCase()}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(parameter === undefined ? {} : { parameter }),
  };
}

/**
 * A use case's InputError speaks in CLI flags (`--from`); over HTTP the same field is
 * a query, path or body parameter of the same name (`from`), so the flag is renamed.
 */
export function parameterOf(field: string): string {
  const name = field.replace(/^--/, '');
  return name === 'agent-id' ? 'agentId' : name;
}

export function problemFromError(error: unknown): Problem {
  if (error instanceof InputError) {
    const parameter = parameterOf(error.field);
    const detail = error.message.replace(/--([a-z][a-z-]*)/g, (_, flag: string) => parameterOf(flag));
    // An unknown tenant is a path the key does not serve: the same 404 as another tenant's.
    if (parameter === 'tenant') return problemOf('API_NOT_FOUND', 'no such tenant for this key');
    return problemOf('INPUT_INVALID', detail, parameter);
  }
  if (error instanceof AppError) {
    const status = httpStatusOf(error.code);
    // A 5xx body says nothing about internals; a 4xx's message is made for its caller.
    return problemOf(error.code, status >= 500 ? ERROR_CODES[error.code].action : error.message);
  }
  return problemOf('INTERNAL', ERROR_CODES.INTERNAL.action);
}
