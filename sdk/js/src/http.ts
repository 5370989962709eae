/**
 * The transport every resource goes through: base URL and auth, the envelope, errors, retries with
 * backoff (429 honouring Retry-After, 502-504 and network errors), idempotency keys on POST, JWT
 * refresh, and the two kinds of pagination.
 */
import { PronaFlowError, codeForStatus } from './errors.js';
import type { FileDownload, OffsetPagination, Page, PagePagination, RequestOptions } from './types.js';

export const DEFAULT_BASE_URL = 'https://api.pronaflow.com';
export const SDK_VERSION = '0.1.0';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | Date | null | undefined | readonly (string | number | boolean)[];
export type QueryParams = Record<string, unknown>;

export interface TransportOptions {
  /** A personal API token (`prona_...`). */
  apiToken?: string;
  /** A JWT access token (as returned by POST /auth/login). */
  accessToken?: string;
  /** A JWT refresh token: when given, a 401 refreshes the access token once and retries. */
  refreshToken?: string;
  /** Default `https://api.pronaflow.com`. */
  baseUrl?: string;
  /** Retries after the first attempt on 429, 502, 503, 504 and network errors. Default 3. */
  maxRetries?: number;
  /** First backoff delay in ms (doubled each retry, with jitter). Default 500. */
  retryBaseDelay?: number;
  /** Longest wait in ms between two attempts; a longer Retry-After fails at once. Default 60000. */
  maxRetryDelay?: number;
  /** Per-attempt timeout in ms. Default 30000. */
  timeout?: number;
  /** A fetch implementation (default: the platform's globalThis.fetch). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Called with the new tokens after an automatic refresh (to persist them). */
  onTokenRefresh?: (tokens: { accessToken: string; refreshToken: string }) => void;
}

export interface RequestSpec extends RequestOptions {
  query?: QueryParams;
  body?: unknown;
  /** Resolve to the raw Response (success only) instead of parsing JSON. */
  raw?: boolean;
  /** Send no Authorization header (login, register, ...). */
  anonymous?: boolean;
}

/** The X-RateLimit-* headers of the last response. */
export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  reset: number | null;
  tier: string | null;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value == null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}

function toQueryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) params.append(key, v instanceof Date ? v.toISOString() : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain parameter */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]!.trim() : null;
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (err instanceof Error && err.name === 'AbortError');
}

export class Transport {
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly retryBaseDelay: number;
  readonly maxRetryDelay: number;
  readonly timeout: number;
  /** X-RateLimit-* of the last response received. */
  rateLimit: RateLimitInfo | null = null;
  private apiToken?: string;
  private accessToken?: string;
  private refreshToken?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;
  private readonly onTokenRefresh?: TransportOptions['onTokenRefresh'];
  private refreshing: Promise<void> | null = null;

  constructor(options: TransportOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.apiToken = options.apiToken;
    this.accessToken = options.accessToken;
    this.refreshToken = options.refreshToken;
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseDelay = options.retryBaseDelay ?? 500;
    this.maxRetryDelay = options.maxRetryDelay ?? 60_000;
    this.timeout = options.timeout ?? 30_000;
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new TypeError('PronaFlow: no fetch available (Node 18+ or a browser needed, or pass options.fetch)');
    this.fetchImpl = (input, init) => f(input, init); // unbound window.fetch throws "Illegal invocation"
    this.headers = { ...(options.headers ?? {}) };
    this.onTokenRefresh = options.onTokenRefresh;
  }

  /** The credentials in use (JWT tokens after login or refresh). */
  get tokens(): { apiToken?: string; accessToken?: string; refreshToken?: string } {
    return { apiToken: this.apiToken, accessToken: this.accessToken, refreshToken: this.refreshToken };
  }

  setTokens(tokens: { apiToken?: string; accessToken?: string; refreshToken?: string }): void {
    if ('apiToken' in tokens) this.apiToken = tokens.apiToken;
    if ('accessToken' in tokens) this.accessToken = tokens.accessToken;
    if ('refreshToken' in tokens) this.refreshToken = tokens.refreshToken;
  }

  url(path: string, query?: QueryParams): string {
    return this.baseUrl + (path.startsWith('/') ? path : `/${path}`) + toQueryString(query);
  }

  /** One API call; resolves to the parsed JSON body (the envelope), undefined for 204. */
  async request(method: HttpMethod, path: string, spec: RequestSpec = {}): Promise<any> {
    const url = this.url(path, spec.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...this.headers, ...(spec.headers ?? {}) };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    // One key for the call and all its retries, so the server can recognise a repeated POST.
    if (method === 'POST' && !hasHeader(headers, 'idempotency-key')) {
      headers['Idempotency-Key'] = spec.idempotencyKey ?? uuid4();
    }
    const maxRetries = spec.maxRetries ?? this.maxRetries;
    const timeout = spec.timeout ?? this.timeout;
    let refreshed = false;

    for (let attempt = 0; ; attempt++) {
      const auth = spec.anonymous ? undefined : this.apiToken ?? this.accessToken;
      if (auth) headers['Authorization'] = `Bearer ${auth}`;
      else delete headers['Authorization'];

      let response: Response;
      const attemptSignal = combineSignals(spec.signal, timeout);
      try {
        response = await this.fetchImpl(url, { method, headers, body, signal: attemptSignal });
      } catch (err) {
        if (spec.signal?.aborted) throw spec.signal.reason ?? err;
        const timedOut = isAbort(err, attemptSignal);
        if (attempt < maxRetries) {
          await sleep(this.backoff(attempt), spec.signal);
          continue;
        }
        throw new PronaFlowError({
          status: 0,
          code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
          message: timedOut
            ? `${method} ${url} timed out after ${timeout} ms (${attempt + 1} attempts)`
            : `${method} ${url} failed: ${(err as Error)?.message ?? err} (${attempt + 1} attempts)`,
          method,
          url,
          cause: err,
        });
      }
      this.recordRateLimit(response.headers);

      if (response.status === 401 && !refreshed && !spec.anonymous && !this.apiToken && this.refreshToken) {
        refreshed = true;
        const original = new Response(await response.text(), {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
        try {
          await this.refresh();
        } catch {
          // The refresh token is no good either: report the original 401.
          return this.fail(original, method, url);
        }
        attempt--; // a refresh is not a retry
        continue;
      }

      // A 409 on a repeated POST is the server saying the first attempt (same Idempotency-Key) is
      // still running: wait and ask again, to get its stored answer.
      const stillRunning = response.status === 409 && method === 'POST' && attempt > 0;
      if ((RETRY_STATUSES.has(response.status) || stillRunning) && attempt < maxRetries) {
        const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
        const delay = retryAfter != null ? retryAfter * 1000 : this.backoff(attempt);
        if (delay <= this.maxRetryDelay) {
          await discard(response);
          await sleep(delay, spec.signal);
          continue;
        }
      }

      if (!response.ok) return this.fail(response, method, url);
      if (spec.raw) return response;
      if (response.status === 204) {
        await discard(response);
        return undefined;
      }
      const text = await response.text();
      if (!text) return undefined;
      try {
        return JSON.parse(text);
      } catch (cause) {
        throw new PronaFlowError({
          status: response.status,
          code: 'INVALID_RESPONSE',
          message: `${method} ${url}: the response is not JSON`,
          requestId: response.headers.get('X-Request-ID'),
          method,
          url,
          cause,
        });
      }
    }
  }

  /** Exponential backoff with jitter: between half and all of base*2^attempt, capped by maxRetryDelay. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.maxRetryDelay, this.retryBaseDelay * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async fail(response: Response, method: string, url: string): Promise<never> {
    const requestId = response.headers.get('X-Request-ID');
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    let envelope: any = null;
    const text = await response.text().catch(() => '');
    try {
      envelope = text ? JSON.parse(text) : null;
    } catch {
      envelope = null;
    }
    const error = envelope && typeof envelope === 'object' ? envelope.error : null;
    throw new PronaFlowError({
      status: response.status,
      code: (error && typeof error.code === 'string' && error.code) || codeForStatus(response.status),
      message:
        (error && typeof error.message === 'string' && error.message) ||
        `${method} ${url} answered ${response.status} ${response.statusText}`.trim(),
      details: error ? error.details : text ? text.slice(0, 500) : null,
      requestId,
      retryAfter,
      method,
      url,
    });
  }

  private recordRateLimit(headers: Headers): void {
    const num = (name: string) => {
      const v = headers.get(name);
      return v == null || v === '' || Number.isNaN(Number(v)) ? null : Number(v);
    };
    if (!headers.has('X-RateLimit-Limit') && !headers.has('X-RateLimit-Tier')) return;
    this.rateLimit = {
      limit: num('X-RateLimit-Limit'),
      remaining: num('X-RateLimit-Remaining'),
      reset: num('X-RateLimit-Reset'),
      tier: headers.get('X-RateLimit-Tier'),
    };
  }

  /** Exchange the refresh token for a new pair (concurrent 401s share one refresh). */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = (async () => {
        const envelope = await this.request('POST', '/api/v1/auth/refresh', {
          body: { refresh_token: this.refreshToken },
          anonymous: true,
          maxRetries: 1,
        });
        this.accessToken = envelope.data.access_token;
        this.refreshToken = envelope.data.refresh_token;
        this.onTokenRefresh?.({ accessToken: this.accessToken!, refreshToken: this.refreshToken! });
      })().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  // ---- the shapes resources use ------------------------------------------------------------

  /** The `data` of the envelope. */
  async data(method: HttpMethod, path: string, spec?: RequestSpec): Promise<any> {
    const envelope = await this.request(method, path, spec);
    return envelope === undefined ? undefined : envelope.data;
  }

  /** One page of a page-numbered list. */
  async page(path: string, query?: QueryParams, options?: RequestOptions): Promise<Page<any>> {
    const envelope = await this.request('GET', path, { ...options, query });
    const data: any[] = envelope?.data ?? [];
    const pagination: PagePagination = envelope?.pagination ?? {
      page: 1,
      page_size: data.length,
      total: data.length,
      total_pages: 1,
    };
    return { data, pagination };
  }

  /** Every item of a page-numbered list, fetching page after page. */
  async *pages(path: string, query: QueryParams = {}, options?: RequestOptions): AsyncGenerator<any, void, undefined> {
    let page = Number(query.page ?? 1);
    for (;;) {
      const { data, pagination } = await this.page(path, { ...query, page }, options);
      yield* data;
      if (data.length === 0 || page >= pagination.total_pages) return;
      page += 1;
    }
  }

  /** One slice of a limit/offset list (domain events, webhook deliveries). */
  async offsetPage(path: string, query: QueryParams = {}, options?: RequestOptions): Promise<Page<any, OffsetPagination>> {
    const envelope = await this.request('GET', path, { ...options, query });
    const data: any[] = envelope?.data ?? [];
    return {
      data,
      pagination: {
        limit: query.limit != null ? Number(query.limit) : data.length,
        offset: Number(query.offset ?? 0),
        total: typeof envelope?.total === 'number' ? envelope.total : data.length,
      },
    };
  }

  /** Every item of a limit/offset list. */
  async *offsets(path: string, query: QueryParams = {}, options?: RequestOptions): AsyncGenerator<any, void, undefined> {
    let offset = Number(query.offset ?? 0);
    for (;;) {
      const { data, pagination } = await this.offsetPage(path, { ...query, offset }, options);
      yield* data;
      offset += data.length;
      if (data.length === 0 || offset >= pagination.total) return;
    }
  }

  /** A file download (exports): the bytes, content type and file name. */
  async download(path: string, query?: QueryParams, options?: RequestOptions): Promise<FileDownload> {
    const response: Response = await this.request('GET', path, {
      ...options,
      query,
      raw: true,
      headers: { Accept: '*/*', ...(options?.headers ?? {}) },
    });
    return {
      data: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('Content-Type') ?? 'application/octet-stream',
      filename: filenameFrom(response.headers.get('Content-Disposition')),
    };
  }
}

/** crypto.randomUUID(), or the same from getRandomValues where it is missing (plain-http pages). */
function uuid4(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    /* already consumed or closed */
  }
}

/** The caller's signal (if any) combined with a per-attempt timeout. */
function combineSignals(signal: AbortSignal | undefined, timeout: number): AbortSignal | undefined {
  const signals: AbortSignal[] = [];
  if (signal) signals.push(signal);
  if (timeout > 0 && typeof AbortSignal.timeout === 'function') signals.push(AbortSignal.timeout(timeout));
  if (signals.length <= 1) return signals[0];
  if (typeof (AbortSignal as any).any === 'function') return (AbortSignal as any).any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}
