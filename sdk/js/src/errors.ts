/** Error codes of the PronaFlow error envelope, plus the SDK's own for failures without a response. */
export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'VALIDATION_ERROR'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'MFA_REQUIRED'
  | (string & {});

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
};

/** The code to report for a status whose body is not the error envelope (a proxy's 502 page, ...). */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : `HTTP_${status}`);
}

export interface PronaFlowErrorInit {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  requestId?: string | null;
  retryAfter?: number | null;
  method?: string;
  url?: string;
  cause?: unknown;
}

/**
 * Every failure of an API call: an error envelope from the server (`status`, `code`, `message`,
 * `details`), or a network error / timeout after the retries ran out (`status` 0).
 * `requestId` is the response's `X-Request-ID`: quote it when reporting an INTERNAL_ERROR.
 */
export class PronaFlowError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Field -> messages for VALIDATION_ERROR; context otherwise (null when the server gave none). */
  readonly details: unknown;
  readonly requestId: string | null;
  /** Seconds from `Retry-After` on a 429 or 503, when given. */
  readonly retryAfter: number | null;
  readonly method?: string;
  readonly url?: string;

  constructor(init: PronaFlowErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'PronaFlowError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfter = init.retryAfter ?? null;
    this.method = init.method;
    this.url = init.url;
  }

  override toString(): string {
    const id = this.requestId ? ` (request ${this.requestId})` : '';
    return `PronaFlowError: ${this.status} ${this.code}: ${this.message}${id}`;
  }
}

/** Thrown by verify() when a webhook's signature, timestamp or headers do not check out. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}
