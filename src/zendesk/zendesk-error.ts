import { AppError } from '../shared/errors.js';

export type ZendeskErrorCode =
  | 'ZD_AUTH' // 401: credentials refused
  | 'ZD_FORBIDDEN' // 403/404: the plan lacks the stream, or the user lacks the right
  | 'ZD_RATE_LIMITED' // 429 (or 503 with Retry-After)
  | 'ZD_SERVER' // 5xx
  | 'ZD_TIMEOUT'
  | 'ZD_NETWORK'
  | 'ZD_MALFORMED' // HTML, truncated or non-JSON body on a 200
  | 'ZD_END_TIME_INVALID' // a page's end_time before its start_time, or ahead of the clock beyond skew: the checkpoint stays
  | 'ZD_REDIRECT' // 3xx: never followed (Zendesk's API does not redirect reads)
  | 'ZD_TOO_LARGE' // a body over the cap (TALLY_ZENDESK_MAX_BODY_MB): reading stopped there
  | 'ZD_BAD_REQUEST' // other 4xx
  | 'ZD_BUDGET_WAIT'; // the shared budget asks for a longer wait than the caller accepts

/** A failed Zendesk request. Messages carry the path (never the token or query secrets). */
export class ZendeskError extends AppError {
  declare readonly code: ZendeskErrorCode;

  constructor(
    code: ZendeskErrorCode,
    message: string,
    readonly status: number | null,
    options: { retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(code, message, options);
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  readonly retryAfterMs: number | null;
}
