import type { RequestOptions, Body, Data, Item, Query, Page, OffsetPage } from '../types.js';
import { Resource, seg } from './base.js';
import { parseEventStream, type ServerSentEvent } from '../sse.js';

const N = '/api/v1/notifications';
type NPrefs = '/api/v1/notifications/preferences';
const E = '/api/v1/events';
const C = '/api/v1/event-consumers';
type CId = '/api/v1/event-consumers/{consumer_id}';

export interface StreamOptions extends RequestOptions {
  /** Replay what was missed since this event id (the SSE `Last-Event-ID`). */
  lastEventId?: string;
}

/** Module 7: in-app notifications, their preferences and the live stream. */
export class Notifications extends Resource {
  list(query?: Query<typeof N, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof N>>> {
    return this.http.page(N, query, options);
  }
  iter(query?: Query<typeof N, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof N>> {
    return this.http.pages(N, query, options);
  }
  markRead(notificationId: string, options?: RequestOptions): Promise<Data<'/api/v1/notifications/{notification_id}/read', 'patch'>> {
    return this.http.data('PATCH', `${N}/${seg(notificationId)}/read`, options);
  }
  /** Marks every notification (or those of one `type`) read. */
  markAllRead(
    query?: Query<'/api/v1/notifications/mark-all-read', 'post'>,
    options?: RequestOptions,
  ): Promise<Data<'/api/v1/notifications/mark-all-read', 'post'>> {
    return this.http.data('POST', `${N}/mark-all-read`, { ...options, query });
  }
  delete(notificationId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${N}/${seg(notificationId)}`, options);
  }
  unreadCount(options?: RequestOptions): Promise<Data<'/api/v1/notifications/unread-count', 'get'>> {
    return this.http.data('GET', `${N}/unread-count`, options);
  }
  getPreferences(options?: RequestOptions): Promise<Data<NPrefs, 'get'>> {
    return this.http.data('GET', `${N}/preferences`, options);
  }
  updatePreferences(body: Body<NPrefs, 'patch'>, options?: RequestOptions): Promise<Data<NPrefs, 'patch'>> {
    return this.http.data('PATCH', `${N}/preferences`, { ...options, body });
  }
  /**
   * The Server-Sent Events stream, as an async iterator of `{ id, event, data }` (data parsed as JSON
   * when it is JSON). The server closes streams after a while: reconnect with the last `id` seen as
   * `lastEventId`. Stop with `options.signal` or by breaking out of the `for await` loop.
   */
  async *stream(options: StreamOptions = {}): AsyncGenerator<ServerSentEvent> {
    const { lastEventId, ...rest } = options;
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...(rest.headers ?? {}) };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const response: Response = await this.http.request('GET', `${N}/stream`, {
      ...rest,
      headers,
      raw: true,
      timeout: rest.timeout ?? 0,
      maxRetries: rest.maxRetries ?? 0,
    });
    yield* parseEventStream(response);
  }
}

/** Module 7: the domain-event log (limit/offset pagination) and its event types. */
export class Events extends Resource {
  list(query?: Query<typeof E, 'get'>, options?: RequestOptions): Promise<OffsetPage<Item<typeof E>>> {
    return this.http.offsetPage(E, query, options);
  }
  iter(query?: Query<typeof E, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof E>> {
    return this.http.offsets(E, query, options);
  }
  listTypes(options?: RequestOptions): Promise<Data<'/api/v1/event-types', 'get'>> {
    return this.http.data('GET', '/api/v1/event-types', options);
  }
}

/** Module 7: event consumers (subscriptions of internal handlers to event types). */
export class EventConsumers extends Resource {
  list(query?: Query<typeof C, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof C>>> {
    return this.http.page(C, query, options);
  }
  iter(query?: Query<typeof C, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof C>> {
    return this.http.pages(C, query, options);
  }
  create(body: Body<typeof C, 'post'>, options?: RequestOptions): Promise<Data<typeof C, 'post'>> {
    return this.http.data('POST', C, { ...options, body });
  }
  get(consumerId: string, options?: RequestOptions): Promise<Data<CId, 'get'>> {
    return this.http.data('GET', `${C}/${seg(consumerId)}`, options);
  }
  update(consumerId: string, body: Body<CId, 'patch'>, options?: RequestOptions): Promise<Data<CId, 'patch'>> {
    return this.http.data('PATCH', `${C}/${seg(consumerId)}`, { ...options, body });
  }
  delete(consumerId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${C}/${seg(consumerId)}`, options);
  }
}
