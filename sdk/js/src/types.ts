/**
 * Helpers that read request and response types out of the generated schema, so every resource method
 * is typed from the server's OpenAPI document (src/schema.ts) rather than by hand.
 */
import type { components, paths } from './schema.js';

export type { components, paths };
export type Schemas = components['schemas'];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type KnownPath = keyof paths;

/** The operation object of `method path`, or never when the schema has no such operation. */
export type Op<P, M extends Method> = P extends KnownPath
  ? paths[P] extends { [K in M]: infer O }
    ? O
    : never
  : never;

type Json<C> = C extends { content: { 'application/json': infer J } } ? J : never;
type Loose = Record<string, unknown>;

/** JSON request body of an operation (a loose object for paths the committed schema lacks yet). */
export type Body<P, M extends Method> = [Op<P, M>] extends [never]
  ? Loose
  : Op<P, M> extends { requestBody?: infer RB }
    ? Json<NonNullable<RB>>
    : never;

/** Query parameters of an operation. */
export type Query<P, M extends Method> = [Op<P, M>] extends [never]
  ? Loose
  : Op<P, M> extends { parameters: { query?: infer Q } }
    ? [NonNullable<Q>] extends [never]
      ? Loose
      : NonNullable<Q>
    : Loose;

type SuccessJson<O> = O extends { responses: infer R }
  ? Json<R[Extract<keyof R, 200 | 201 | 202>]>
  : never;

/** The `data` member of an operation's success envelope. */
export type Data<P, M extends Method> = [Op<P, M>] extends [never]
  ? any // eslint-disable-line @typescript-eslint/no-explicit-any
  : SuccessJson<Op<P, M>> extends { data: infer D }
    ? D
    : unknown;

/** One item of a list operation's `data`. */
export type Item<P, M extends Method = 'get'> = Data<P, M> extends readonly (infer I)[] ? I : any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Pagination of the page-numbered lists (`?page=&page_size=`). */
export interface PagePagination {
  page: number;
  page_size: number;
  total: number;
  total_pages: number;
}

/**
 * Pagination of the offset lists (domain events, webhook deliveries): the server sends `total` beside
 * `data`; the SDK adds the `limit` and `offset` it asked for so both kinds of list look alike.
 */
export interface OffsetPagination {
  limit: number;
  offset: number;
  total: number;
}

/** What `list()` resolves to: the first (or requested) page. */
export interface Page<T, Pg = PagePagination> {
  data: T[];
  pagination: Pg;
}

export type OffsetPage<T> = Page<T, OffsetPagination>;

/** A downloaded file (CSV, PDF, Excel exports). */
export interface FileDownload {
  /** The raw bytes. */
  data: Uint8Array;
  contentType: string;
  /** From `Content-Disposition`, when the server names the file. */
  filename: string | null;
}

/** Per-call options accepted by every method as its last argument. */
export interface RequestOptions {
  /** Abort the call (and its retries). */
  signal?: AbortSignal;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /** Idempotency key for a POST; one is generated (crypto.randomUUID()) when omitted. */
  idempotencyKey?: string;
  /** Override the client's retry count for this call. */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds. */
  timeout?: number;
}
