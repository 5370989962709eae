import type { RequestOptions, Body, Data, Item, Query, Page } from '../types.js';
import { Resource, seg } from './base.js';

type TComments = '/api/v1/tasks/{task_id}/comments';
type CId = '/api/v1/comments/{comment_id}';
const M = '/api/v1/mentions';
const S = '/api/v1/search';

/** Module 6: comment threads on tasks. */
export class Comments extends Resource {
  list(taskId: string, query?: Query<TComments, 'get'>, options?: RequestOptions): Promise<Page<Item<TComments>>> {
    return this.http.page(`/api/v1/tasks/${seg(taskId)}/comments`, query, options);
  }
  iter(taskId: string, query?: Query<TComments, 'get'>, options?: RequestOptions): AsyncGenerator<Item<TComments>> {
    return this.http.pages(`/api/v1/tasks/${seg(taskId)}/comments`, query, options);
  }
  /** `content`, `parent_id?`, `mentions[]` (user ids; `@username` in the content also mentions). */
  create(taskId: string, body: Body<TComments, 'post'>, options?: RequestOptions): Promise<Data<TComments, 'post'>> {
    return this.http.data('POST', `/api/v1/tasks/${seg(taskId)}/comments`, { ...options, body });
  }
  update(commentId: string, body: Body<CId, 'patch'>, options?: RequestOptions): Promise<Data<CId, 'patch'>> {
    return this.http.data('PATCH', `/api/v1/comments/${seg(commentId)}`, { ...options, body });
  }
  delete(commentId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `/api/v1/comments/${seg(commentId)}`, options);
  }
}

/** Module 6: my mentions. */
export class Mentions extends Resource {
  list(query?: Query<typeof M, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof M>>> {
    return this.http.page(M, query, options);
  }
  iter(query?: Query<typeof M, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof M>> {
    return this.http.pages(M, query, options);
  }
  markRead(mentionId: string, options?: RequestOptions): Promise<Data<'/api/v1/mentions/{mention_id}/read', 'patch'>> {
    return this.http.data('PATCH', `${M}/${seg(mentionId)}/read`, options);
  }
}

/** Module 6: full-text search over the projects, tasks and comments I can see. */
export class Search extends Resource {
  list(query: Query<typeof S, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof S>>> {
    return this.http.page(S, query, options);
  }
  iter(query: Query<typeof S, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof S>> {
    return this.http.pages(S, query, options);
  }
}
